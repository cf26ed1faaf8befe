"""Identifiers: the values that identify a customer on a channel.

Each identifier is a frozen, hashable attrs value with a canonical form (``value`` or the
fields that make it up) and the ``raw`` text it was read from. Equality and hashing use the
canonical form only, so the same phone number written two ways is one identifier. ``key``
is a single string for exact matching and blocking; ``kind`` names the identifier's type
in serialized documents.

Identifiers are normally made by a :class:`Normalizer`, which holds the settings (default
phone region, date order, email provider rules) and caches what it has already parsed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import re
import string
import unicodedata
from collections.abc import Callable
from functools import cached_property, lru_cache
from typing import Any, ClassVar, Literal, TypeVar, Union

import attrs
import email_validator
import phonenumbers
from dateutil import parser as date_parser

from ._address_words import street_words
from ._text import collapse_spaces, fold
from .exceptions import InvalidIdentifierError

__all__ = [
    "DateOfBirth",
    "DateOrder",
    "EmailAddress",
    "ExternalId",
    "Identifier",
    "IdentifierKind",
    "Normalizer",
    "PersonName",
    "PhoneNumber",
    "PhoneType",
    "PostalAddress",
    "SocialHandle",
]

_SLUG = re.compile(r"^[a-z][a-z0-9_.\-]*$")
_E164 = re.compile(r"^\+[1-9][0-9]{5,14}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# Every code _COUNTRY matches, for a look-up instead of a match (676 short strings).
_COUNTRIES = frozenset(a + b for a in string.ascii_uppercase for b in string.ascii_uppercase)

OMIT_IF_NONE = "omnicontact.omit_if_none"
"""attrs metadata key of a field that documents hold only when it is not ``None``: a field
added after documents were stored, which leaves the documents written without it as they
were (byte for byte: stores key some rows by a document's text)."""

DateOrder = Literal["DMY", "MDY", "YMD"]
"""How an all-numeric date such as ``03/04/1990`` is read: day first, month first, year first."""


def _slug(field: str) -> Callable[[Any, attrs.Attribute[Any], str], None]:
    def check(_instance: Any, _attribute: attrs.Attribute[Any], value: str) -> None:
        if type(value) is str and _is_slug(value):
            return  # a few names, checked over and over: the usual case
        if not isinstance(value, str) or not _SLUG.match(value):
            raise InvalidIdentifierError(
                field, value, "must be a lowercase name: a letter, then letters, digits, _ . -"
            )

    return check


@lru_cache(maxsize=1024)
def _is_slug(value: str) -> bool:
    """Whether ``value`` is a lowercase name (cached: namespaces and platforms are few)."""
    return _SLUG.match(value) is not None


class IdentifierKind(str, enum.Enum):
    """The kinds of identifier, as written in serialized documents."""

    EMAIL = "email"
    PHONE = "phone"
    ADDRESS = "address"
    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    EXTERNAL_ID = "external_id"
    SOCIAL = "social"


# --------------------------------------------------------------------------------------- email

# Providers whose mailboxes ignore dots in the local part and deliver ``local+tag`` to
# ``local``. Applied only when a Normalizer is built with ``email_provider_rules=True``.
_DOT_INSENSITIVE = frozenset({"gmail.com", "googlemail.com"})
_PLUS_TAGS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "protonmail.com",
        "proton.me",
        "fastmail.com",
        "yahoo.com",
    }
)
_CANONICAL_DOMAIN = {"googlemail.com": "gmail.com"}


@attrs.frozen(kw_only=True)
class EmailAddress:
    """An email address.

    The canonical ``value`` has its domain in lowercase Unicode form (IDNA-decoded) and its
    local part in lowercase: mail systems in use treat it case-insensitively. Provider rules
    (dots and ``+tags`` for Gmail-like providers) change ``value`` only when asked for; then
    ``provider_rules`` is true.

    >>> EmailAddress.parse("Jean.Dupont@Example.FR").value
    'jean.dupont@example.fr'
    """

    kind: ClassVar[IdentifierKind] = IdentifierKind.EMAIL

    value: str
    raw: str = attrs.field(eq=False, default="")
    provider_rules: bool = False

    def __attrs_post_init__(self) -> None:
        if not self.raw:
            object.__setattr__(self, "raw", self.value)
        if (self.value, self.provider_rules) in _CANONICAL_EMAILS:
            return
        again = _parse_email(self.value, provider_rules=self.provider_rules)
        if again != self.value:
            raise InvalidIdentifierError(
                "email", self.value, f"is not in canonical form (canonical: {again!r})"
            )

    @classmethod
    def parse(cls, raw: str, *, provider_rules: bool = False) -> EmailAddress:
        """Validate and normalize ``raw`` (no DNS look-up is made)."""
        value = _parse_email(raw, provider_rules=provider_rules)
        return cls(value=value, raw=raw, provider_rules=provider_rules)

    @property
    def local_part(self) -> str:
        return self.value.rpartition("@")[0]

    @property
    def domain(self) -> str:
        return self.value.rpartition("@")[2]

    @property
    def key(self) -> str:
        return self.value

    def __str__(self) -> str:
        return self.value


_MAX_LOCAL_OCTETS = 64
"""The longest mailbox name (before the ``@``) that mail servers must accept (RFC 5321)."""


@lru_cache(maxsize=65536)
def _parse_email(raw: str, *, provider_rules: bool) -> str:
    if not isinstance(raw, str):
        raise InvalidIdentifierError("email", raw, "must be a string")
    text = raw.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    try:
        checked = email_validator.validate_email(
            text, check_deliverability=False, allow_smtputf8=True
        )
    except email_validator.EmailNotValidError as error:
        raise InvalidIdentifierError("email", raw, str(error)) from None
    if len(checked.local_part.encode()) > _MAX_LOCAL_OCTETS:
        # email-validator leaves this limit to the mail servers, which refuse such addresses
        raise InvalidIdentifierError(
            "email", raw, f"has more than {_MAX_LOCAL_OCTETS} bytes before the @ (RFC 5321)"
        )
    local = (
        checked.local_part.casefold()
        if checked.local_part.isascii()
        else (checked.local_part.lower())
    )
    domain = checked.domain.lower()
    if provider_rules:
        if domain in _PLUS_TAGS:
            local = local.split("+", 1)[0]
        if domain in _DOT_INSENSITIVE:
            local = local.replace(".", "")
        domain = _CANONICAL_DOMAIN.get(domain, domain)
        if not local:
            raise InvalidIdentifierError(
                "email", raw, "has an empty mailbox once provider rules apply"
            )
    canonical = f"{local}@{domain}"
    if len(_CANONICAL_EMAILS) >= _CACHE_SIZE:
        _CANONICAL_EMAILS.clear()
    _CANONICAL_EMAILS.add((canonical, provider_rules))
    return canonical


# Addresses known to be canonical, so that making an EmailAddress from a freshly parsed
# value does not validate it a second time. Bounded: cleared when full.
_CACHE_SIZE = 65536
_CANONICAL_EMAILS: set[tuple[str, bool]] = set()


# --------------------------------------------------------------------------------------- phone


class PhoneType(str, enum.Enum):
    """What kind of line a phone number is (from libphonenumber's metadata)."""

    FIXED_LINE = "fixed_line"
    MOBILE = "mobile"
    FIXED_LINE_OR_MOBILE = "fixed_line_or_mobile"
    TOLL_FREE = "toll_free"
    PREMIUM_RATE = "premium_rate"
    SHARED_COST = "shared_cost"
    VOIP = "voip"
    PERSONAL_NUMBER = "personal_number"
    PAGER = "pager"
    UAN = "uan"
    VOICEMAIL = "voicemail"
    UNKNOWN = "unknown"


_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.FIXED_LINE: PhoneType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE: PhoneType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: PhoneType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.TOLL_FREE: PhoneType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE: PhoneType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST: PhoneType.SHARED_COST,
    phonenumbers.PhoneNumberType.VOIP: PhoneType.VOIP,
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: PhoneType.PERSONAL_NUMBER,
    phonenumbers.PhoneNumberType.PAGER: PhoneType.PAGER,
    phonenumbers.PhoneNumberType.UAN: PhoneType.UAN,
    phonenumbers.PhoneNumberType.VOICEMAIL: PhoneType.VOICEMAIL,
}


@attrs.frozen(kw_only=True)
class PhoneNumber:
    """A phone number in E.164 form, with its line type and region.

    >>> n = PhoneNumber.parse("06 12 34 56 78", region="FR")
    >>> n.value, n.number_type.value, n.region
    ('+33612345678', 'mobile', 'FR')
    """

    kind: ClassVar[IdentifierKind] = IdentifierKind.PHONE

    value: str
    raw: str = attrs.field(eq=False, default="")
    number_type: PhoneType = attrs.field(eq=False, default=PhoneType.UNKNOWN)
    region: str | None = attrs.field(eq=False, default=None)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.value, str) or not _E164.match(self.value):
            raise InvalidIdentifierError("phone", self.value, "is not an E.164 number")
        if not self.raw:
            object.__setattr__(self, "raw", self.value)
        parsed = _CANONICAL_PHONES.get(self.value) or _parse_phone(self.value, None)
        if parsed[0] != self.value:
            raise InvalidIdentifierError(
                "phone", self.value, f"is not in canonical form (canonical: {parsed[0]!r})"
            )
        if self.number_type is PhoneType.UNKNOWN and self.region is None:
            object.__setattr__(self, "number_type", parsed[1])
            object.__setattr__(self, "region", parsed[2])

    @classmethod
    def parse(cls, raw: str, *, region: str | None = None) -> PhoneNumber:
        """Parse ``raw``; numbers without a ``+`` country code are read in ``region``."""
        value, number_type, number_region = _parse_phone(raw, region)
        return cls(value=value, raw=raw, number_type=number_type, region=number_region)

    @property
    def key(self) -> str:
        return self.value

    def __str__(self) -> str:
        return self.value


@lru_cache(maxsize=65536)
def _parse_phone(raw: str, region: str | None) -> tuple[str, PhoneType, str | None]:
    if not isinstance(raw, str):
        raise InvalidIdentifierError("phone", raw, "must be a string")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        reason = str(error).split(") ", 1)[-1]
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE and (
            region is None
        ):
            reason = "has no +country code and no default region is set"
        raise InvalidIdentifierError("phone", raw, reason) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifierError("phone", raw, "is not a valid number for its region")
    value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    number_type = _PHONE_TYPES.get(phonenumbers.number_type(number), PhoneType.UNKNOWN)
    result = (value, number_type, phonenumbers.region_code_for_number(number))
    if len(_CANONICAL_PHONES) >= _CACHE_SIZE:
        _CANONICAL_PHONES.clear()
    _CANONICAL_PHONES[value] = result
    return result


# E.164 values known to be canonical, with their type and region, so that making a
# PhoneNumber from a freshly parsed value does not parse it again. Cleared when full.
_CANONICAL_PHONES: dict[str, tuple[str, PhoneType, str | None]] = {}


# ------------------------------------------------------------------------------------- address


def _lines(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.splitlines()
    lines = []
    for item in value:
        line = collapse_spaces(item if type(item) is str else str(item))
        if line:
            lines.append(line)
    return tuple(lines)


def _upper_code(value: str | None) -> str | None:
    if value is None:
        return None
    code = collapse_spaces(value).upper()
    return code or None


def _title_place(value: str | None) -> str | None:
    if value is None:
        return None
    return collapse_spaces(value) or None


_REGION_CODE = re.compile(r"^(?:[A-Za-z]\.?){2,3}$")
"""A region code: two or three letters, each perhaps followed by a dot (``wa``, ``N.S.W.``)."""


def _region(value: str | None) -> str | None:
    """A region code upper-cased without its dots (``n.y.`` → ``NY``); a name as written."""
    text = _title_place(value)
    if text is not None and _REGION_CODE.match(text):
        return text.replace(".", "").upper()
    return text


_REGION_CODE_FORM = re.compile(r"^[A-Z]{2,3}$")


def is_region_code(region: str) -> bool:
    """Whether a :attr:`PostalAddress.region` is a code (``IL``), not a name (``Île``)."""
    return _REGION_CODE_FORM.match(region) is not None


@attrs.frozen(kw_only=True)
class PostalAddress:
    """A postal address: street lines, postal code, locality, region and ISO 3166 country
    code.

    Lines, locality and a region's name keep their letters as written (white space folded);
    postal code, country and a region code of two or three letters (``wa``, ``n.s.w.``) are
    upper-cased. ``key`` folds accents and case, and expands street words by the
    rules of the address's country (``bd`` → ``boulevard`` in France, ``St`` → ``street`` in
    the United States but ``saint`` in France), for matching; an address of no known country
    gets only the words every country reads alike. The reference page "Street words by
    country" lists them.

    >>> a = PostalAddress.parse(lines=["12 bd Haussmann"], postal_code="75009",
    ...                         locality="Paris", country="fr")
    >>> a.key
    '12 boulevard haussmann|75009|paris|FR'
    >>> PostalAddress.parse(lines="123 N Main St #4", country="US").street_key
    '123 north main street # 4'

    The region (state, province, county) is shown and compared, but is not part of ``key``:
    an address written with and without its state is one address.

    >>> b = PostalAddress.parse(lines="12 Main St", locality="Springfield", region="il",
    ...                         country="US")
    >>> b.region, b.display
    ('IL', '12 Main St, Springfield, IL, US')
    >>> b.key == PostalAddress.parse(lines="12 Main St", locality="Springfield",
    ...                              country="US").key
    True
    """

    kind: ClassVar[IdentifierKind] = IdentifierKind.ADDRESS

    lines: tuple[str, ...] = attrs.field(converter=_lines)
    postal_code: str | None = attrs.field(default=None, converter=_upper_code)
    locality: str | None = attrs.field(default=None, converter=_title_place)
    country: str | None = attrs.field(default=None, converter=_upper_code)
    raw: str = attrs.field(eq=False, default="")
    # Last, and left out of documents when absent: an address stored before regions existed
    # reads back, and one without a region is written as it always was.
    region: str | None = attrs.field(default=None, converter=_region, metadata={OMIT_IF_NONE: True})

    def __attrs_post_init__(self) -> None:
        if not self.lines and not self.postal_code and not self.locality:
            raise InvalidIdentifierError(
                "address", self.raw, "needs a street line, a postal code or a locality"
            )
        country = self.country
        if country is not None and country not in _COUNTRIES and not _COUNTRY.match(country):
            raise InvalidIdentifierError(
                "address.country", self.country, "must be a two-letter ISO 3166 code"
            )
        if not self.raw:
            object.__setattr__(self, "raw", self.display)

    @classmethod
    def parse(
        cls,
        *,
        lines: str | tuple[str, ...] | list[str],
        postal_code: str | None = None,
        locality: str | None = None,
        country: str | None = None,
        region: str | None = None,
    ) -> PostalAddress:
        """Normalize an address given in parts; ``lines`` may be one multi-line string."""
        text = lines if isinstance(lines, str) else "\n".join(lines)
        if postal_code and locality and country and not region:  # the usual case
            raw = ", ".join((text, postal_code, locality, country))
        else:
            parts = (postal_code, locality, region, country)
            raw = ", ".join([text, *[part for part in parts if part]])
        return cls(
            lines=lines,
            postal_code=postal_code,
            locality=locality,
            region=region,
            country=country,
            raw=raw,
        )

    @property
    def display(self) -> str:
        place = " ".join(part for part in (self.postal_code, self.locality) if part)
        return ", ".join(
            [
                *self.lines,
                *(part for part in (place, self.region, self.country) if part),
            ]
        )

    @cached_property
    def street_key(self) -> str:
        """The folded street lines with the street words of the address's country expanded
        (``""`` if none): the key's first part."""
        return street_words(self.country).key(fold(" ".join(self.lines)))

    @property
    def postal_code_key(self) -> str:
        """The postal code without spaces (``""`` if none): the key's second part."""
        return (self.postal_code or "").replace(" ", "")

    @property
    def locality_key(self) -> str:
        """The folded locality (``""`` if none): the key's third part."""
        return fold(self.locality or "")

    @property
    def region_key(self) -> str:
        """The folded region (``""`` if none); not a part of the key."""
        return fold(self.region or "")

    @cached_property
    def key(self) -> str:
        return "|".join(
            [self.street_key, self.postal_code_key, self.locality_key, self.country or ""]
        )

    def __str__(self) -> str:
        return self.display


# ---------------------------------------------------------------------------------------- name

_NAME_PARTICLES = frozenset(
    {
        "de",
        "du",
        "des",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "da",
        "di",
        "del",
        "della",
        "dos",
        "das",
        "ter",
        "ten",
        "zu",
        "af",
        "bin",
        "ibn",
        "al",
        "el",
        "st",
        "saint",
        "mac",
    }
)


def _name_part(value: str | None) -> str | None:
    if value is None:
        return None
    text = collapse_spaces(value)
    return text or None


@attrs.frozen(kw_only=True)
class PersonName:
    """A person's name: given and family parts, as written (NFC, white space folded).

    ``middle`` is an optional middle name or initial, kept apart from the given name when a
    source has a column for it (``PersonName(given="John", middle="F", family="Kennedy")``).
    ``key`` is an accent- and case-insensitive comparison key: ``Müller`` and ``MUELLER``
    share it, and names in non-Latin scripts keep their letters.

    >>> PersonName.parse("DUPONT Jean-Pierre").family
    'DUPONT'
    >>> PersonName.parse("Jean-Pierre de la Fontaine").key
    'jean pierre|de la fontaine'
    """

    kind: ClassVar[IdentifierKind] = IdentifierKind.NAME

    given: str | None = attrs.field(default=None, converter=_name_part)
    family: str | None = attrs.field(default=None, converter=_name_part)
    middle: str | None = attrs.field(default=None, converter=_name_part)
    raw: str = attrs.field(eq=False, default="")

    def __attrs_post_init__(self) -> None:
        given, family = self.given, self.family
        if given is None and family is None:
            raise InvalidIdentifierError("name", self.raw, "is empty")
        # The folded parts are the name's keys: computed here once, kept for matching. They
        # are written straight into the cached properties' slots, which is what reading
        # ``self.given_key`` would do, without the slotted class's ``__getattr__`` detour.
        if given is not None:
            given_key = fold(given)
            if not given_key.replace(" ", ""):
                raise InvalidIdentifierError("name.given", given, "has no letters")
            object.__setattr__(self, "given_key", given_key)
        if family is not None:
            family_key = fold(family)
            if not family_key.replace(" ", ""):
                raise InvalidIdentifierError("name.family", family, "has no letters")
            object.__setattr__(self, "family_key", family_key)
        middle = self.middle
        if middle is not None:
            middle_key = fold(middle)
            if not middle_key.replace(" ", ""):
                raise InvalidIdentifierError("name.middle", middle, "has no letters")
            object.__setattr__(self, "middle_key", middle_key)
        if not self.raw:
            object.__setattr__(self, "raw", self.full)

    @classmethod
    def parse(cls, raw: str) -> PersonName:
        """Split a full name into given and family parts.

        ``Family, Given`` is read as such; otherwise an all-capitals word run marks the
        family name (``DUPONT Jean``), names in Chinese, Japanese or Korean script put it
        first (``山田 太郎``), a particle (``de``, ``van`` …) starts it, and failing all of
        these the last word is the family name.
        """
        if not isinstance(raw, str):
            raise InvalidIdentifierError("name", raw, "must be a string")
        text = collapse_spaces(raw)
        if not text:
            raise InvalidIdentifierError("name", raw, "is empty")
        if "," in text:
            family, _, given = text.partition(",")
            return cls(given=given or None, family=family or None, raw=raw)
        words = text.split(" ")
        if len(words) == 1:
            return cls(family=words[0], raw=raw)
        capitals = [w.isupper() and len(fold(w).replace(" ", "")) > 1 for w in words]
        if any(capitals) and not all(capitals):
            if capitals[0]:
                cut = capitals.index(False)
                return cls(family=" ".join(words[:cut]), given=" ".join(words[cut:]), raw=raw)
            cut = capitals.index(True)
            if all(capitals[cut:]):
                return cls(given=" ".join(words[:cut]), family=" ".join(words[cut:]), raw=raw)
        if all(_east_asian(word) for word in words):
            # Chinese, Japanese and Korean names are written family name first.
            return cls(family=words[0], given=" ".join(words[1:]), raw=raw)
        for index in range(1, len(words) - 1):
            if fold(words[index]) in _NAME_PARTICLES:
                return cls(given=" ".join(words[:index]), family=" ".join(words[index:]), raw=raw)
        return cls(given=" ".join(words[:-1]), family=words[-1], raw=raw)

    @property
    def full(self) -> str:
        if self.middle is None:
            return _full_name(self.given, self.family)
        return _full_name(_full_name(self.given, self.middle), self.family)

    @cached_property
    def given_key(self) -> str:
        return fold(self.given or "")

    @cached_property
    def family_key(self) -> str:
        return fold(self.family or "")

    @cached_property
    def middle_key(self) -> str:
        return fold(self.middle or "")

    @cached_property
    def key(self) -> str:
        if self.middle is None:
            return f"{self.given_key}|{self.family_key}"
        return f"{self.given_key}|{self.family_key}|{self.middle_key}"

    def __str__(self) -> str:
        return self.full


def _full_name(given: str | None, family: str | None) -> str:
    """The parts that are there, given name first, joined by a space."""
    # Parts are None or non-empty (see _name_part): the same as " ".join of the truthy ones.
    if given and family:
        return f"{given} {family}"
    return given or family or ""


_EAST_ASIAN_SCRIPTS = ("CJK ", "HIRAGANA", "KATAKANA", "HANGUL")


def _east_asian(word: str) -> bool:
    """Whether ``word`` is written in Han, kana or Hangul only."""
    return all(unicodedata.name(ch, "").startswith(_EAST_ASIAN_SCRIPTS) for ch in word)


# ------------------------------------------------------------------------------- date of birth

_DATE_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))
_EARLIEST_BIRTH = dt.date(1880, 1, 1)
# The longest date text read: dateutil takes time superlinear in the length of its input.
_MAX_DATE_LENGTH = 64


def _to_date(value: Any) -> dt.date:
    if type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise InvalidIdentifierError("date_of_birth", value, "must be a date")


@attrs.frozen(kw_only=True)
class DateOfBirth:
    """A date of birth.

    >>> DateOfBirth.parse("03/04/1990", order="DMY").value
    datetime.date(1990, 4, 3)
    """

    kind: ClassVar[IdentifierKind] = IdentifierKind.DATE_OF_BIRTH

    value: dt.date = attrs.field(converter=_to_date)
    raw: str = attrs.field(eq=False, default="")

    def __attrs_post_init__(self) -> None:
        if self.value < _EARLIEST_BIRTH:
            raise InvalidIdentifierError("date_of_birth", self.value, "is before 1880")
        if not self.raw:
            object.__setattr__(self, "raw", self.value.isoformat())

    @classmethod
    def parse(
        cls, raw: str | dt.date, *, order: DateOrder, today: dt.date | None = None
    ) -> DateOfBirth:
        """Read ``raw`` with an explicit day/month order.

        Every part of the date must be present (``1990`` alone is refused, not guessed), the
        date must exist (``31/02/1990`` is refused) and, when ``today`` is given, must not be
        after it. Text longer than 64 characters is refused unread.
        """
        value = _parse_date(raw, order) if isinstance(raw, str) else _to_date(raw)
        if today is not None and value > today:
            raise InvalidIdentifierError("date_of_birth", raw, "is in the future")
        return cls(value=value, raw=raw if isinstance(raw, str) else "")

    @property
    def key(self) -> str:
        return self.value.isoformat()

    def __str__(self) -> str:
        return self.value.isoformat()


_ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
# All-numeric dates are read by hand in the order asked for: dateutil would swap day and
# month when the order given makes the date impossible (``02/13/1990`` read day first).
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[-/. ](\d{1,2})[-/. ](\d{1,4})$")
_FOUR_DIGITS = re.compile(r"\d{4}")
_COMPACT_DATE = re.compile(r"[0-9]{8}")
_DATE_SEPARATORS = frozenset("-/. ")

_MISREAD_DIGITS: dict[str, str] = {
    "O": "0", "o": "0", "Q": "0",
    "I": "1", "l": "1", "|": "1", "i": "1", "!": "1",
    "Z": "2", "z": "2",
    "S": "5", "s": "5",
    "G": "6", "b": "6",
    "B": "8",
    "g": "9", "q": "9",
}  # fmt: skip
"""Characters read or typed for a digit in a written date: an O for a 0, an l or a bar
for a 1 … A date whose only letters are these is read with them as digits."""
_MISREAD_TABLE = str.maketrans(_MISREAD_DIGITS)
_ID_SEPARATORS = str.maketrans("", "", "-./_ ")


_ISO_DIGITS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@lru_cache(maxsize=65536)
def _parse_date(raw: str, order: DateOrder) -> dt.date:
    if order not in ("DMY", "MDY", "YMD"):
        raise InvalidIdentifierError("date_order", order, "must be 'DMY', 'MDY' or 'YMD'")
    if _ISO_DIGITS.fullmatch(raw):
        # ``YYYY-MM-DD`` exactly, the usual form: what the steps below do with it.
        return _numeric_date(raw, raw[:4], raw[5:7], raw[8:], order)
    return _parse_any_date(raw, order)


def _parse_any_date(raw: str, order: DateOrder) -> dt.date:
    """:func:`_parse_date` for any text, every step taken (``order`` already checked)."""
    text = raw.strip()
    if not text:
        raise InvalidIdentifierError("date_of_birth", raw, "is empty")
    if len(text) > _MAX_DATE_LENGTH:
        raise InvalidIdentifierError(
            "date_of_birth", text[:40] + "…", f"is longer than {_MAX_DATE_LENGTH} characters"
        )
    text = _fold_misread_digits(text)
    if not _FOUR_DIGITS.search(text):
        raise InvalidIdentifierError(
            "date_of_birth", raw, "needs a four-digit year (a two-digit year is a guess)"
        )
    if _COMPACT_DATE.fullmatch(text):
        return _numeric_date(raw, text[:4], text[4:6], text[6:], order)
    numeric = _NUMERIC_DATE.match(text)
    if numeric is not None and (len(numeric[1]) == 4 or len(numeric[3]) == 4):
        return _numeric_date(raw, numeric[1], numeric[2], numeric[3], order)
    iso = bool(_ISO_DATE.match(text))
    results = []
    for default in _DATE_DEFAULTS:
        try:
            results.append(
                date_parser.parse(
                    text,
                    default=default,
                    dayfirst=order == "DMY" and not iso,
                    yearfirst=order == "YMD" or iso,
                ).date()
            )
        except (date_parser.ParserError, ValueError, OverflowError) as error:
            reason = str(error).split(":", 1)[0]
            raise InvalidIdentifierError(
                "date_of_birth", raw, f"is not a date ({reason})"
            ) from None
    if results[0] != results[1]:
        raise InvalidIdentifierError(
            "date_of_birth", raw, "is incomplete: day, month and year are all needed"
        )
    return results[0]


def _numeric_date(raw: str, first: str, second: str, third: str, order: DateOrder) -> dt.date:
    """A date written in digits only: year first is year-month-day; year last is read in
    ``order`` (``YMD`` reads month before day).

    A date that does not exist as written but does with its day and month swapped
    (``13/02/1990`` read month first, ``1990-13-02``) is read swapped: its writer used the
    other convention, and no other reading exists. A date possible both ways is always read
    in ``order``; one possible neither way is refused.
    """
    if len(first) == 4:
        year, month, day = first, second, third
    elif len(third) == 4 and len(first) <= 2:
        year = third
        day, month = (first, second) if order == "DMY" else (second, first)
    else:
        raise InvalidIdentifierError("date_of_birth", raw, "is not a date")
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as error:
        if int(month) > 12 >= int(day) >= 1:
            with contextlib.suppress(ValueError):
                return dt.date(int(year), int(day), int(month))
        raise InvalidIdentifierError("date_of_birth", raw, f"is not a date ({error})") from None


def id_comparison_form(value: str) -> str:
    """The comparison form of an id: without separators (``786-77-6454`` and ``786.77.6454``
    are ``786776454``), and, if it is numeric, with letters misread or typed for its digits
    (``1867765341O84``, ``2946020B15543``) read as the digits: when every letter in it is
    one of ``_MISREAD_DIGITS`` and at least six of its characters are digits. Any other id
    (with letters of its own: ``AB123456C``) keeps its letters."""
    if value.isdigit():
        return value
    value = value.translate(_ID_SEPARATORS) or value
    if sum(ch.isdigit() for ch in value) < 6:
        return value
    return _fold_misread_digits(value)  # no separators are left for it to skip


def _fold_misread_digits(text: str) -> str:
    """``text`` with letters misread for digits (``O9/|2/1987``, ``1979O3z3``) read as the
    digits, when every letter in it is one of ``_MISREAD_DIGITS`` and it holds digits
    too; any other text (``12 Oct 1990``) is returned as it is."""
    if text.isdigit() or not any(ch.isdigit() for ch in text):
        return text
    if all(ch in _MISREAD_DIGITS for ch in text if not (ch.isdigit() or ch in _DATE_SEPARATORS)):
        return text.translate(_MISREAD_TABLE)
    return text


# -------------------------------------------------------------------------------- external ids


def _external_value(value: str) -> str:
    if not isinstance(value, str):
        raise InvalidIdentifierError("external_id", value, "must be a string")
    if type(value) is str and value.isalnum():
        return value  # no white space to remove (a white space character is not alnum)
    return "".join(value.split())


@attrs.frozen(kw_only=True)
class ExternalId:
    """An identifier issued by some system, in a namespace.

    Namespaces in common use have constants: ``LOYALTY_CARD``, ``CUSTOMER_NUMBER``,
    ``NATIONAL_ID``, ``DEVICE_ID``, ``WEB_ACCOUNT``. The value loses its white space
    (``1234 5678`` is ``12345678``) and keeps its case.

    >>> ExternalId(namespace=ExternalId.LOYALTY_CARD, value=" 4000 1234 ").key
    'loyalty_card:40001234'
    """

    kind: ClassVar[IdentifierKind] = IdentifierKind.EXTERNAL_ID
    LOYALTY_CARD: ClassVar[str] = "loyalty_card"
    CUSTOMER_NUMBER: ClassVar[str] = "customer_number"
    NATIONAL_ID: ClassVar[str] = "national_id"
    DEVICE_ID: ClassVar[str] = "device_id"
    WEB_ACCOUNT: ClassVar[str] = "web_account"

    namespace: str = attrs.field(validator=_slug("external_id.namespace"))
    value: str = attrs.field(converter=_external_value)
    raw: str = attrs.field(eq=False, default="")

    def __attrs_post_init__(self) -> None:
        if not self.value:
            raise InvalidIdentifierError("external_id", self.raw, "is empty")
        if not self.raw:
            object.__setattr__(self, "raw", self.value)

    @property
    def key(self) -> str:
        return f"{self.namespace}:{self.value}"

    def __str__(self) -> str:
        return self.key


def _handle(value: str) -> str:
    if not isinstance(value, str):
        raise InvalidIdentifierError("social.handle", value, "must be a string")
    return collapse_spaces(value).lstrip("@").casefold()


@attrs.frozen(kw_only=True)
class SocialHandle:
    """A handle on a social platform (``platform`` is a lowercase name such as ``instagram``).

    Handles are compared without the leading ``@`` and without case.

    >>> SocialHandle(platform="instagram", handle="@JeanD").key
    'instagram:jeand'
    """

    kind: ClassVar[IdentifierKind] = IdentifierKind.SOCIAL

    platform: str = attrs.field(validator=_slug("social.platform"))
    handle: str = attrs.field(converter=_handle)
    raw: str = attrs.field(eq=False, default="")

    def __attrs_post_init__(self) -> None:
        if not self.handle or " " in self.handle:
            raise InvalidIdentifierError(
                "social.handle", self.raw or self.handle, "must be one word"
            )
        if not self.raw:
            object.__setattr__(self, "raw", self.handle)

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.handle}"

    def __str__(self) -> str:
        return f"{self.platform}:@{self.handle}"


Identifier = Union[  # noqa: UP007 - a runtime alias that cattrs dispatches on
    EmailAddress, PhoneNumber, PostalAddress, PersonName, DateOfBirth, ExternalId, SocialHandle
]
"""Any identifier."""

IDENTIFIER_TYPES: dict[IdentifierKind, type[Any]] = {
    cls.kind: cls
    for cls in (
        EmailAddress,
        PhoneNumber,
        PostalAddress,
        PersonName,
        DateOfBirth,
        ExternalId,
        SocialHandle,
    )
}

# ---------------------------------------------------------------------------------- normalizer

_T = TypeVar("_T")


@attrs.frozen(kw_only=True)
class Normalizer:
    """Turns raw values into identifiers with one set of settings.

    ``default_region`` (ISO 3166, e.g. ``"FR"``) reads national phone numbers;
    ``date_order`` reads all-numeric dates; ``email_provider_rules`` turns on Gmail-like
    dot and ``+tag`` folding (off by default: it changes the address). Parsing is cached, so
    a stream in which the same senders come back is cheap.

    >>> normalize = Normalizer(default_region="FR")
    >>> normalize.phone("+33 (0)6 12.34.56.78") == normalize.phone("0033612345678")
    True
    """

    default_region: str | None = None
    date_order: DateOrder = "DMY"
    email_provider_rules: bool = False

    def __attrs_post_init__(self) -> None:
        if self.default_region is not None and (
            self.default_region not in phonenumbers.SUPPORTED_REGIONS
        ):
            raise InvalidIdentifierError(
                "default_region", self.default_region, "is not a supported ISO 3166 region"
            )
        if self.date_order not in ("DMY", "MDY", "YMD"):
            raise InvalidIdentifierError(
                "date_order", self.date_order, "must be 'DMY', 'MDY' or 'YMD'"
            )

    def email(self, raw: str) -> EmailAddress:
        """An :class:`EmailAddress` from ``raw``."""
        return EmailAddress.parse(raw, provider_rules=self.email_provider_rules)

    def phone(self, raw: str) -> PhoneNumber:
        """A :class:`PhoneNumber` from ``raw``, read in ``default_region`` if national."""
        return PhoneNumber.parse(raw, region=self.default_region)

    def name(self, raw: str) -> PersonName:
        """A :class:`PersonName` from a full name."""
        return PersonName.parse(raw)

    def date_of_birth(self, raw: str | dt.date, *, today: dt.date | None = None) -> DateOfBirth:
        """A :class:`DateOfBirth` read in ``date_order``."""
        return DateOfBirth.parse(raw, order=self.date_order, today=today)

    def address(
        self,
        *,
        lines: str | tuple[str, ...] | list[str],
        postal_code: str | None = None,
        locality: str | None = None,
        country: str | None = None,
        region: str | None = None,
    ) -> PostalAddress:
        """A :class:`PostalAddress`; the country (whose street words its key expands) defaults
        to ``default_region``; ``region`` is the state, province or county."""
        return PostalAddress.parse(
            lines=lines,
            postal_code=postal_code,
            locality=locality,
            region=region,
            country=country or self.default_region,
        )

    def external_id(self, namespace: str, raw: str) -> ExternalId:
        """An :class:`ExternalId` in ``namespace``."""
        return ExternalId(namespace=namespace, value=raw, raw=raw)

    def social(self, platform: str, raw: str) -> SocialHandle:
        """A :class:`SocialHandle` on ``platform``."""
        return SocialHandle(platform=platform, handle=raw, raw=raw)

    def identifier(self, kind: IdentifierKind | str, raw: str, *, namespace: str = "") -> Any:
        """Any identifier from one raw string; ``namespace`` names the id space or platform."""
        kind = IdentifierKind(kind)
        if kind is IdentifierKind.EMAIL:
            return self.email(raw)
        if kind is IdentifierKind.PHONE:
            return self.phone(raw)
        if kind is IdentifierKind.NAME:
            return self.name(raw)
        if kind is IdentifierKind.DATE_OF_BIRTH:
            return self.date_of_birth(raw)
        if kind is IdentifierKind.ADDRESS:
            return self.address(lines=raw)
        if kind is IdentifierKind.EXTERNAL_ID:
            return self.external_id(namespace, raw)
        return self.social(namespace, raw)
