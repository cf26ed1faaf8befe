"""Hypothesis strategies for omnicontact's identifiers and contact model.

Every strategy checks its arguments when it is first drawn from (or ``.validate()``-d), as
Hypothesis's own strategies do, and raises :class:`hypothesis.errors.InvalidArgument` for a
bad one. Values are built through the public constructors and parsers, so each value drawn
is one omnicontact accepts; raw forms (``raw``) vary the way real data does.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import string
import zoneinfo
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

import email_validator
import phonenumbers
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .._channels import BUILTIN_CHANNELS, Capability, Channel, Medium
from .._identifiers import (
    DateOfBirth,
    DateOrder,
    EmailAddress,
    ExternalId,
    Identifier,
    IdentifierKind,
    Normalizer,
    PersonName,
    PhoneNumber,
    PhoneType,
    PostalAddress,
    SocialHandle,
)
from .._model import (
    Case,
    CaseStatus,
    Consent,
    ConsentLedger,
    ConsentStatus,
    Contact,
    ContactPoint,
    ContactStatus,
    Direction,
    Preferences,
    Purpose,
    QuietHours,
)

__all__ = [
    "DEFAULT_REGIONS",
    "cases",
    "channels",
    "consent_ledgers",
    "consents",
    "contact_points",
    "contacts",
    "dates_of_birth",
    "emails",
    "external_ids",
    "identifiers",
    "invalid_dates",
    "invalid_emails",
    "invalid_phones",
    "normalizers",
    "person_names",
    "phone_numbers",
    "postal_addresses",
    "preferences",
    "quiet_hours",
    "raw_emails",
    "raw_phones",
    "social_handles",
]

T = TypeVar("T")

DEFAULT_REGIONS: tuple[str, ...] = (
    "FR",
    "DE",
    "GB",
    "US",
    "ES",
    "IT",
    "JP",
    "BE",
    "CH",
    "CA",
    "BR",
    "IN",
    "MA",
    "SN",
)
"""The regions :func:`phone_numbers` draws from by default."""

_SLUG = re.compile(r"^[a-z][a-z0-9_.\-]*$")
_CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9_\-]*$")
_ORDERS = ("DMY", "MDY", "YMD")
_EARLIEST_BIRTH = dt.date(1880, 1, 1)
_ZONES = (
    "UTC",
    "Europe/Paris",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
)
_MONTHS = tuple(calendar.month_name)[1:]
_MONTHS_SHORT = tuple(calendar.month_abbr)[1:]


def _lazy(build: Callable[[], st.SearchStrategy[T]]) -> st.SearchStrategy[T]:
    """Check arguments and build the strategy at first use, as Hypothesis does."""
    return st.deferred(build)


def _ordered(values: Collection[Any]) -> tuple[Any, ...]:
    """``values`` once each, in a stable order: sets are sorted, since their iteration order
    changes between runs and would make drawn examples irreproducible."""
    if isinstance(values, Sequence):
        return tuple(dict.fromkeys(values))
    return tuple(sorted(values, key=str))


def _check_size(min_size: int, max_size: int | None, *, least: int = 0) -> None:
    if not isinstance(min_size, int) or isinstance(min_size, bool) or min_size < least:
        raise InvalidArgument(f"min_size={min_size!r} must be an integer >= {least}")
    if max_size is not None and (
        not isinstance(max_size, int) or isinstance(max_size, bool) or max_size < min_size
    ):
        raise InvalidArgument(f"max_size={max_size!r} must be an integer >= min_size={min_size}")


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True or False")


def _check_names(name: str, values: object, pattern: re.Pattern[str]) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Collection):
        raise InvalidArgument(f"{name}={values!r} must be a collection of names")
    names = _ordered(values)
    if not names:
        raise InvalidArgument(f"{name} must not be empty")
    for item in names:
        if not isinstance(item, str) or not pattern.match(item):
            raise InvalidArgument(f"{name} holds {item!r}, which is not a lowercase name")
    return names


def _check_order(order: object) -> DateOrder:
    if order not in _ORDERS:
        raise InvalidArgument(f"order={order!r} must be one of {_ORDERS}")
    return order  # type: ignore[return-value]


def _optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


# ------------------------------------------------------------------------------------- email

_LOCAL_WORDS = (
    "jean",
    "marie",
    "dupont",
    "anna",
    "müller",
    "josé",
    "li",
    "o'brien",
    "contact",
    "info",
    "sales",
    "user",
)
_DOMAINS = (
    "example.com",
    "example.fr",
    "exemple.fr",
    "mail.example.de",
    "example.co.uk",
    "orange.fr",
    "web.de",
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "bücher.de",
    "café.fr",
    "例え.jp",
    "пример.рф",
)
# Providers whose mailboxes ignore dots, and those that deliver ``local+tag`` to ``local``.
_GMAIL = ("gmail.com", "googlemail.com")
_PLUS_TAG_PROVIDERS = (*_GMAIL, "outlook.com", "hotmail.com", "yahoo.com", "icloud.com")
_ASCII_LOCAL = string.ascii_lowercase + string.digits


@st.composite
def _local_parts(draw: st.DrawFn) -> str:
    words = draw(
        st.lists(
            st.sampled_from(_LOCAL_WORDS) | st.text(_ASCII_LOCAL, min_size=1, max_size=8),
            min_size=1,
            max_size=3,
        )
    )
    separator = draw(st.sampled_from([".", "_", "-", ""]))
    local = separator.join(words)
    if draw(st.booleans()):
        local += str(draw(st.integers(0, 99)))
    return local


_LABELS = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,8})?", fullmatch=True)


@st.composite
def _domains(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(_DOMAINS))
    label = draw(_LABELS)
    return f"{label}.{draw(st.sampled_from(['com', 'fr', 'de', 'co.uk', 'es', 'it', 'jp']))}"


_LOCALS = _local_parts()
_DOMAIN_NAMES = _domains()


def _flip_ascii_case(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(
        ch.upper() if flip and ch.isascii() else ch for ch, flip in zip(text, flips, strict=True)
    )


def emails(*, provider_rules: bool = False) -> st.SearchStrategy[EmailAddress]:
    """Valid :class:`EmailAddress` values, parsed from a realistically written raw address.

    Local parts mix names, digits and separators (some with accents); domains include
    Gmail-like providers and internationalized ones (``bücher.de``, ``пример.рф``).
    ``provider_rules`` parses them with Gmail-like dot and ``+tag`` folding on.
    """

    def build() -> st.SearchStrategy[EmailAddress]:
        _check_bool("provider_rules", provider_rules)

        @st.composite
        def draw_email(draw: st.DrawFn) -> EmailAddress:
            local = draw(_LOCALS)
            if draw(st.integers(0, 4)) == 0:
                local += "+" + draw(st.text(_ASCII_LOCAL, min_size=1, max_size=6))
            address = f"{_flip_ascii_case(draw, local)}@{draw(_DOMAIN_NAMES)}"
            return EmailAddress.parse(address, provider_rules=provider_rules)

        return draw_email()

    return _lazy(build)


def _email_variants(email: EmailAddress) -> list[str]:
    local, domain = email.local_part, email.domain
    ascii_domain = email_validator.validate_email(
        email.value, check_deliverability=False, allow_smtputf8=True
    ).ascii_domain
    upper_local = "".join(ch.upper() if ch.isascii() else ch for ch in local)
    variants = [
        email.value,
        f"{upper_local}@{domain}",
        f"{local}@{domain.upper() if domain.isascii() else domain}",
        f"{local}@{ascii_domain}",
        f"{local}@{ascii_domain.upper()}",
        f"<{email.value}>",
        f"mailto:{email.value}",
        f"MAILTO:{email.value}",
        f"  {email.value}\t",
    ]
    if email.provider_rules:
        if domain in _PLUS_TAG_PROVIDERS:
            variants.append(f"{local}+newsletter@{domain}")
        if domain in _GMAIL:
            dotted = ".".join(local) if "." not in local else local
            variants += [f"{dotted}@{domain}", f"{dotted}+promo@googlemail.com"]
    return variants


def raw_emails(email: EmailAddress | None = None) -> st.SearchStrategy[str]:
    """Raw strings that parse back to ``email`` (drawn from :func:`emails` if not given).

    Variants change the case of ASCII letters, write the domain in its ASCII (``xn--``)
    form, wrap the address in ``<…>`` or ``mailto:``, pad it with white space and, when
    ``email`` was made with provider rules, add dots and ``+tags`` where the provider
    ignores them. Parse them with ``EmailAddress.parse(raw, provider_rules=email.provider_rules)``.
    """

    def build() -> st.SearchStrategy[str]:
        if email is None:
            return emails().flatmap(lambda drawn: st.sampled_from(_email_variants(drawn)))
        if not isinstance(email, EmailAddress):
            raise InvalidArgument(f"email={email!r} must be an EmailAddress")
        return st.sampled_from(_email_variants(email))

    return _lazy(build)


_BAD_EMAILS = ("", " ", "n/a", "none", "unknown", "-", "@", "jean.dupont", "jean@localhost")


@st.composite
def _corrupt_email(draw: st.DrawFn) -> str:
    local, domain = draw(_LOCALS), draw(_DOMAIN_NAMES)
    corruptions = [
        f"{local}{domain}",
        f"{local}@@{domain}",
        f"@{domain}",
        f"{local}@",
        f"{local[:1]} {local[1:] or 'x'}@{domain}",
        f".{local}@{domain}",
        f"{local}.@{domain}",
        f"{local}..x@{domain}",
        f"{local}@{domain.split('.')[0]}",
        f"{local}@-{domain}",
        f"{local}@{domain.replace('.', '..', 1)}",
        f"{local}@{domain}.",
        f"{'x' * 250}@{domain}",
        f"{'x' * 65}@{domain}",
        f"{local}@[192.0.2.1]",
        f"{local},{local}@{domain}",
    ]
    return draw(st.sampled_from(corruptions))


def invalid_emails() -> st.SearchStrategy[str]:
    """Strings that are not email addresses: junk, a missing or doubled ``@``, bad dots,
    spaces, a domain without a dot, addresses over 254 characters or mailbox names over 64,
    IP literals."""
    return st.sampled_from(_BAD_EMAILS) | _corrupt_email()


# ------------------------------------------------------------------------------------- phone


def _pn_type(kind: PhoneType) -> Any:
    return getattr(phonenumbers.PhoneNumberType, kind.name)


_DRAWABLE_TYPES = (
    PhoneType.FIXED_LINE,
    PhoneType.MOBILE,
    PhoneType.TOLL_FREE,
    PhoneType.VOIP,
)


def _check_regions(regions: object) -> tuple[str, ...]:
    if isinstance(regions, str) or not isinstance(regions, Collection) or not regions:
        raise InvalidArgument(f"regions={regions!r} must be a non-empty collection of regions")
    checked = _ordered(regions)
    for region in checked:
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise InvalidArgument(f"regions holds {region!r}, not a supported ISO 3166 region")
    return checked


def _valid_in(number: Any, region: str) -> bool:
    return bool(
        phonenumbers.is_valid_number(number)
        and phonenumbers.region_code_for_number(number) == region
    )


@functools.lru_cache(maxsize=4096)
def _phone_variants(value: str, region: str, *, national: bool) -> list[str]:
    """Ways of writing ``value`` that libphonenumber reads back as it, in ``region``."""
    number = phonenumbers.parse(value, None)
    fmt = phonenumbers.PhoneNumberFormat
    cc = number.country_code
    nsn = phonenumbers.national_significant_number(number)
    international = phonenumbers.format_number(number, fmt.INTERNATIONAL)
    national_form = phonenumbers.format_number(number, fmt.NATIONAL)
    candidates = [
        value,
        international,
        international.replace(" ", "."),
        international.replace(" ", "-"),
        international.replace(" ", ""),
        phonenumbers.format_number(number, fmt.RFC3966),
        f"+{cc} {nsn}",
        f" {international} ",
        f"+{cc} (0){nsn}",
    ]
    if national:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        candidates += [
            national_form,
            national_form.replace(" ", "."),
            national_form.replace(" ", ""),
            national_form.replace(" ", "-"),
        ]
        idd = metadata.international_prefix if metadata is not None else None
        if idd is not None and idd.isdigit():
            candidates += [f"{idd}{cc}{nsn}", f"{idd} {international[1:]}"]
    variants = []
    for candidate in dict.fromkeys(candidates):
        try:
            parsed = phonenumbers.parse(candidate, region if national else None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed) and (
            phonenumbers.format_number(parsed, fmt.E164) == value
        ):
            variants.append(candidate)
    return variants


def _region_of(number: PhoneNumber) -> str:
    region = number.region or phonenumbers.region_code_for_number(
        phonenumbers.parse(number.value, None)
    )
    return str(region)


@functools.lru_cache(maxsize=64)
def _examples(regions: tuple[str, ...], kinds: tuple[PhoneType, ...]) -> list[tuple[str, Any]]:
    """libphonenumber's example number for each region and line type that has one."""
    found = []
    for region in regions:
        for kind in kinds:
            example = phonenumbers.example_number_for_type(region, _pn_type(kind))
            if example is not None:
                found.append((region, example))
    return found


def phone_numbers(
    *,
    regions: Sequence[str] = DEFAULT_REGIONS,
    types: Collection[PhoneType] | None = None,
) -> st.SearchStrategy[PhoneNumber]:
    """Valid :class:`PhoneNumber` values from ``regions``, parsed from a raw form.

    Numbers start from libphonenumber's example number for a region and line type, with
    their last digits varied while they stay valid. ``types`` restricts the line types
    (default: fixed line, mobile, toll free and VoIP, where the region has them). The raw
    form is one of :func:`raw_phones`, read in the number's region.
    """

    def build() -> st.SearchStrategy[PhoneNumber]:
        checked = _check_regions(regions)
        wanted = _DRAWABLE_TYPES if types is None else _ordered(types)
        for kind in wanted:
            if not isinstance(kind, PhoneType) or kind is PhoneType.UNKNOWN:
                raise InvalidArgument(f"types holds {kind!r}, which is not a known PhoneType")
        examples = _examples(checked, wanted)
        if not examples:
            raise InvalidArgument(f"no region of {checked} has numbers of types {wanted}")

        @st.composite
        def draw_phone(draw: st.DrawFn) -> PhoneNumber:
            region, example = draw(st.sampled_from(examples))
            nsn = phonenumbers.national_significant_number(example)
            width = min(4, len(nsn) - 3)
            tail = draw(st.integers(0, 10**width - 1))
            number = example
            varied = f"+{example.country_code}{nsn[:-width]}{tail:0{width}d}"
            candidate = phonenumbers.parse(varied, None)
            if _valid_in(candidate, region):
                number = candidate
            value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            raw = draw(st.sampled_from(_phone_variants(value, region, national=True)))
            return PhoneNumber.parse(raw, region=region)

        return draw_phone()

    return _lazy(build)


def raw_phones(
    number: PhoneNumber | None = None, *, national: bool = True
) -> st.SearchStrategy[str]:
    """Raw strings that parse back to ``number`` (drawn from :func:`phone_numbers` if not
    given): E.164, international with spaces, dots or dashes, ``tel:`` URIs, ``+33 (0)6 …``
    and, with ``national`` (read them with ``region=number.region``), national forms
    (``06 12 34 56 78``) and the international call prefix (``0033…``). Without
    ``national`` every string starts with ``+`` or ``tel:+`` and needs no region.
    """

    def build() -> st.SearchStrategy[str]:
        _check_bool("national", national)

        def variants(drawn: PhoneNumber) -> st.SearchStrategy[str]:
            return st.sampled_from(
                _phone_variants(drawn.value, _region_of(drawn), national=national)
            )

        if number is None:
            return phone_numbers().flatmap(variants)
        if not isinstance(number, PhoneNumber):
            raise InvalidArgument(f"number={number!r} must be a PhoneNumber")
        return variants(number)

    return _lazy(build)


_BAD_PHONES = ("", " ", "n/a", "none", "unknown", "-", "+", "()", "0", "00", "+0", "tel:")


def _is_phone_somewhere(raw: str, regions: Sequence[str]) -> bool:
    for region in (None, *regions):
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(raw, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


def invalid_phones(*, regions: Sequence[str] = DEFAULT_REGIONS) -> st.SearchStrategy[str]:
    """Strings that are no valid phone number, whichever of ``regions`` they are read in:
    junk, too few or too many digits, unassigned country codes, zeros."""

    def build() -> st.SearchStrategy[str]:
        checked = _check_regions(regions)
        digits = st.text("0123456789", min_size=1, max_size=3)
        candidates = st.one_of(
            st.sampled_from(_BAD_PHONES),
            digits,
            digits.map(lambda d: "+" + d),
            st.text("0123456789", min_size=18, max_size=25),
            st.text("0123456789", min_size=6, max_size=10).map(lambda d: "+0" + d),
            st.text("0123456789", min_size=6, max_size=10).map(lambda d: "+28 " + d),
            st.integers(6, 12).map(lambda n: "0" * n),
            st.text(string.punctuation.replace("+", ""), min_size=1, max_size=6),
        )
        return candidates.filter(lambda raw: not _is_phone_somewhere(raw, checked))

    return _lazy(build)


# ---------------------------------------------------------------------------------------- names

_GIVEN_LATIN = (
    "Jean",
    "Jean-Pierre",
    "Marie-Hélène",
    "Zoë",
    "Ségolène",
    "François",
    "José",
    "Ana María",
    "Łukasz",
    "Søren",
    "Ömer",
    "Siobhán",
    "Björn",
    "Jürgen",
    "Anaïs",
    "Renée",
    "Mary Ann",
    "Nguyễn Văn",
)
_FAMILY_LATIN = (
    "Dupont",
    "Martin",
    "de la Fontaine",
    "Le Gall",
    "Müller",
    "Mueller",
    "Schröder",
    "Groß",
    "van der Berg",
    "O'Brien",
    "García Márquez",
    "d'Artagnan",
    "Øster",
    "Ben Ali",
    "Nguyễn",
    "Saint-Exupéry",
)
_GIVEN_OTHER = ("Иван", "Анна", "Γιώργος", "太郎", "美咲", "محمد", "민준", "अनिल", "יוסף")
_FAMILY_OTHER = ("Иванов", "Παπαδόπουλος", "山田", "김", "الحسيني", "शर्मा", "כהן")
_LETTERS = st.characters(categories=("Lu", "Ll", "Lo"))


@st.composite
def _random_name_part(draw: st.DrawFn) -> str:
    return draw(st.text(_LETTERS, min_size=1, max_size=10))


def person_names(*, non_latin: bool = True) -> st.SearchStrategy[PersonName]:
    """Valid :class:`PersonName` values: accents, hyphens, particles (``de la Fontaine``),
    apostrophes, compound names and, with ``non_latin``, Cyrillic, Greek, CJK, Arabic,
    Hangul, Devanagari and Hebrew names as well as arbitrary letters of any script.

    ``raw`` is one of ``Given Family``, ``FAMILY Given`` or ``Family, Given``.
    """

    def build() -> st.SearchStrategy[PersonName]:
        _check_bool("non_latin", non_latin)
        given_pool = _GIVEN_LATIN + (_GIVEN_OTHER if non_latin else ())
        family_pool = _FAMILY_LATIN + (_FAMILY_OTHER if non_latin else ())
        given_parts: st.SearchStrategy[str] = st.sampled_from(given_pool)
        family_parts: st.SearchStrategy[str] = st.sampled_from(family_pool)
        if non_latin:
            given_parts |= _random_name_part()
            family_parts |= _random_name_part()

        @st.composite
        def draw_name(draw: st.DrawFn) -> PersonName:
            given = draw(_optional(given_parts))
            family = draw(family_parts) if given is None else draw(_optional(family_parts))
            style = draw(st.sampled_from(["given-first", "capitals", "comma"]))
            if given is None or family is None:
                raw = given or family or ""
            elif style == "given-first":
                raw = f"{given} {family}"
            elif style == "capitals":
                raw = f"{family.upper()} {given}"
            else:
                raw = f"{family}, {given}"
            return PersonName(given=given, family=family, raw=raw)

        return draw_name()

    return _lazy(build)


# -------------------------------------------------------------------------------- dates of birth


def _format_date(draw: st.DrawFn, value: dt.date, order: DateOrder) -> str:
    d, m, y = value.day, value.month, value.year
    separator = draw(st.sampled_from(["/", ".", "-", " "]))
    pad = draw(st.booleans())
    dd, mm = (f"{d:02d}", f"{m:02d}") if pad else (str(d), str(m))
    if order == "DMY":
        numeric = separator.join((dd, mm, str(y)))
    elif order == "MDY":
        numeric = separator.join((mm, dd, str(y)))
    else:
        numeric = separator.join((str(y), mm, dd))
    month = _MONTHS[m - 1]
    return draw(
        st.sampled_from(
            [
                numeric,
                value.isoformat(),
                f"{d} {month} {y}",
                f"{month} {d}, {y}",
                f"{d} {_MONTHS_SHORT[m - 1]} {y}",
            ]
        )
    )


def dates_of_birth(
    *,
    order: DateOrder = "DMY",
    min_value: dt.date = dt.date(1900, 1, 1),
    max_value: dt.date = dt.date(2015, 12, 31),
) -> st.SearchStrategy[DateOfBirth]:
    """Valid :class:`DateOfBirth` values between ``min_value`` and ``max_value``, parsed
    from a raw form written in ``order`` (numeric with ``/ . -`` or spaces, ISO, or with
    an English month name)."""

    def build() -> st.SearchStrategy[DateOfBirth]:
        checked = _check_order(order)
        for name, value in (("min_value", min_value), ("max_value", max_value)):
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise InvalidArgument(f"{name}={value!r} must be a date")
        if min_value < _EARLIEST_BIRTH:
            raise InvalidArgument(f"min_value={min_value!r} is before {_EARLIEST_BIRTH}")
        if max_value < min_value:
            raise InvalidArgument(f"max_value={max_value!r} is before min_value={min_value!r}")

        @st.composite
        def draw_date(draw: st.DrawFn) -> DateOfBirth:
            value = draw(st.dates(min_value=min_value, max_value=max_value))
            return DateOfBirth.parse(_format_date(draw, value, checked), order=checked)

        return draw_date()

    return _lazy(build)


@st.composite
def _impossible_dates(draw: st.DrawFn, order: DateOrder) -> str:
    year = draw(st.integers(1900, 2020))
    kind = draw(st.sampled_from(["day", "month", "zero"]))
    if kind == "day":
        month = draw(st.sampled_from([2, 4, 6, 9, 11]))
        day = draw(st.integers(calendar.monthrange(year, month)[1] + 1, 31))
    elif kind == "month":
        # a day over 12 too: month 13 with day 5 is read as the 13th of May
        month, day = draw(st.integers(13, 19)), draw(st.integers(13, 28))
    else:
        month, day = draw(st.sampled_from([(0, 10), (10, 0), (0, 0)]))
    separator = draw(st.sampled_from(["/", ".", "-"]))
    parts = {"DMY": (day, month, year), "MDY": (month, day, year), "YMD": (year, month, day)}
    return separator.join(f"{part:02d}" if part < 100 else str(part) for part in parts[order])


def invalid_dates(*, order: DateOrder = "DMY") -> st.SearchStrategy[str]:
    """Strings that are no date of birth when read in ``order``: impossible days and
    months (``31/04/1990``, ``29/02/1999``, month 13 of a day past the 12th: a date that
    exists with day and month swapped is read swapped), two-digit years, dates missing
    their day or month, dates before 1880, and junk."""

    def build() -> st.SearchStrategy[str]:
        checked = _check_order(order)
        year = st.integers(1900, 2020)
        return st.one_of(
            _impossible_dates(checked),
            st.tuples(st.integers(1, 28), st.integers(1, 12), st.integers(0, 99)).map(
                lambda t: f"{t[0]:02d}/{t[1]:02d}/{t[2]:02d}"
            ),
            year.map(str),
            st.tuples(st.integers(1, 12), year).map(lambda t: f"{t[0]:02d}/{t[1]}"),
            st.tuples(st.sampled_from(_MONTHS), year).map(lambda t: f"{t[0]} {t[1]}"),
            st.integers(1000, 1879).map(lambda y: f"{y}-06-15"),
            st.sampled_from(["", " ", "unknown", "n/a", "not a date", "??/??/????", "32"]),
        )

    return _lazy(build)


# ------------------------------------------------------------------------------------ addresses

_ADDRESS_BOOK: dict[str, dict[str, tuple[str, ...]]] = {
    "FR": {
        "streets": (
            "{n} rue de la Paix",
            "{n} bd Haussmann",
            "{n}, avenue Victor-Hugo",
            "{n} allée des Lilas",
            "{n} place du Général de Gaulle",
            "{n} impasse Éluard",
        ),
        "codes": (r"[0-9]{5}",),
        "places": ("Paris", "Lyon", "Saint-Étienne", "Aix-en-Provence", "L'Haÿ-les-Roses"),
        "regions": ("Île-de-France", "Rhône", "Bouches-du-Rhône"),
    },
    "DE": {
        "streets": ("Hauptstraße {n}", "Goethestr. {n}", "Am Südhang {n}", "Königsallee {n}"),
        "codes": (r"[0-9]{5}",),
        "places": ("München", "Köln", "Berlin", "Düsseldorf"),
        "regions": ("Bayern", "by", "Nordrhein-Westfalen"),
    },
    "GB": {
        "streets": ("{n} Baker Street", "{n} Station Rd", "{n} Church Lane", "Flat {n}, Mill St"),
        "codes": (r"[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}", r"[a-z]{2}[0-9] [0-9][a-z]{2}"),
        "places": ("London", "Manchester", "Birmingham", "Llanfair"),
        "regions": ("Greater London", "Kent", "Gwynedd"),
    },
    "US": {
        "streets": ("{n} Main St", "{n} Elm Street", "{n} Ocean Ave", "{n} Sunset Blvd"),
        "codes": (r"[0-9]{5}", r"[0-9]{5}-[0-9]{4}"),
        "places": ("Springfield", "New York", "San José"),
        "regions": ("IL", "mo", "N.Y.", "California", "  new   york "),
    },
    "ES": {
        "streets": ("Calle Mayor, {n}", "Avenida de la Constitución {n}", "Plaza España {n}"),
        "codes": (r"[0-9]{5}",),
        "places": ("Madrid", "A Coruña", "Cádiz"),
        "regions": ("Madrid", "Galicia", "Andalucía"),
    },
    "IT": {
        "streets": ("Via Roma, {n}", "Corso Italia {n}", "Piazza del Popolo {n}"),
        "codes": (r"[0-9]{5}",),
        "places": ("Roma", "Milano", "Forlì"),
        "regions": ("Lazio", "Lombardia", "RM", "fc"),
    },
    "JP": {
        "streets": ("千代田区千代田{n}-1", "渋谷区神南{n}丁目"),
        "codes": (r"[0-9]{3}-[0-9]{4}",),
        "places": ("東京都", "大阪市"),
        "regions": ("東京都", "大阪府"),
    },
    "BE": {
        "streets": ("Rue de la Loi {n}", "Meir {n}"),
        "codes": (r"[1-9][0-9]{3}",),
        "places": ("Bruxelles", "Antwerpen", "Liège"),
        "regions": ("Bruxelles-Capitale", "Antwerpen", "Liège"),
    },
    "CH": {
        "streets": ("Bahnhofstrasse {n}", "Rue du Rhône {n}"),
        "codes": (r"[1-9][0-9]{3}",),
        "places": ("Zürich", "Genève"),
        "regions": ("ZH", "ge", "Zürich", "Genève"),
    },
}
_EXTRA_LINES = ("Bâtiment B", "Apt 4", "c/o Dupont", "2nd floor", "Résidence les Pins")


def postal_addresses(
    *, countries: Sequence[str] = tuple(_ADDRESS_BOOK)
) -> st.SearchStrategy[PostalAddress]:
    """Valid :class:`PostalAddress` values in the style of ``countries`` (FR, DE, GB, US,
    ES, IT, JP, BE, CH): street abbreviations, accents, a second line now and then, a
    missing postal code or locality, a region (a code in either case, or a name) now and
    then, the country code in either case or absent."""

    def build() -> st.SearchStrategy[PostalAddress]:
        if isinstance(countries, str) or not isinstance(countries, Collection) or not countries:
            raise InvalidArgument(f"countries={countries!r} must be a non-empty collection")
        chosen = _ordered(countries)
        for country in chosen:
            if country not in _ADDRESS_BOOK:
                raise InvalidArgument(
                    f"countries holds {country!r}; known: {', '.join(_ADDRESS_BOOK)}"
                )

        codes = {
            country: _optional(
                st.one_of([st.from_regex(code, fullmatch=True) for code in book["codes"]])
            )
            for country, book in _ADDRESS_BOOK.items()
        }
        places = {
            country: _optional(st.sampled_from(book["places"]))
            for country, book in _ADDRESS_BOOK.items()
        }
        regions = {
            country: _optional(st.sampled_from(book["regions"]))
            for country, book in _ADDRESS_BOOK.items()
        }

        @st.composite
        def draw_address(draw: st.DrawFn) -> PostalAddress:
            country = draw(st.sampled_from(chosen))
            book = _ADDRESS_BOOK[country]
            street = draw(st.sampled_from(book["streets"])).format(n=draw(st.integers(1, 250)))
            lines = [street]
            if draw(st.integers(0, 3)) == 0:
                lines.insert(0, draw(st.sampled_from(_EXTRA_LINES)))
            code = draw(codes[country])
            place = draw(places[country])
            written_country = draw(st.sampled_from([country, country.lower(), None]))
            return PostalAddress.parse(
                lines="\n".join(lines) if draw(st.booleans()) else lines,
                postal_code=code,
                locality=place,
                region=draw(regions[country]),
                country=written_country,
            )

        return draw_address()

    return _lazy(build)


# ------------------------------------------------------------------------- external ids, social

_NAMESPACES = (
    ExternalId.LOYALTY_CARD,
    ExternalId.CUSTOMER_NUMBER,
    ExternalId.NATIONAL_ID,
    ExternalId.DEVICE_ID,
    ExternalId.WEB_ACCOUNT,
)


_GROUPS = st.lists(st.from_regex(r"[0-9A-Z]{2,4}", fullmatch=True), min_size=1, max_size=4)


@st.composite
def _external_values(draw: st.DrawFn, namespace: str) -> str:
    if namespace == ExternalId.DEVICE_ID:
        return str(draw(st.uuids()))
    if namespace == ExternalId.CUSTOMER_NUMBER:
        return f"CUST-{draw(st.integers(1, 10**7)):07d}"
    groups = draw(_GROUPS)
    return draw(st.sampled_from([" ", "", "  "])).join(groups)


def external_ids(*, namespaces: Sequence[str] = _NAMESPACES) -> st.SearchStrategy[ExternalId]:
    """Valid :class:`ExternalId` values in ``namespaces`` (by default the well-known ones):
    card numbers written in groups (``4000 1234``), customer numbers, device UUIDs."""

    def build() -> st.SearchStrategy[ExternalId]:
        checked = _check_names("namespaces", namespaces, _SLUG)

        @st.composite
        def draw_id(draw: st.DrawFn) -> ExternalId:
            namespace = draw(st.sampled_from(checked))
            raw = draw(_external_values(namespace))
            return ExternalId(namespace=namespace, value=raw, raw=raw)

        return draw_id()

    return _lazy(build)


_HANDLES = st.from_regex(r"[a-z0-9_][a-z0-9_.]{0,19}", fullmatch=True)
_PLATFORMS = ("instagram", "facebook", "x", "tiktok", "linkedin", "youtube")


def social_handles(*, platforms: Sequence[str] = _PLATFORMS) -> st.SearchStrategy[SocialHandle]:
    """Valid :class:`SocialHandle` values on ``platforms``, written with or without ``@``
    and in mixed case."""

    def build() -> st.SearchStrategy[SocialHandle]:
        checked = _check_names("platforms", platforms, _SLUG)

        @st.composite
        def draw_handle(draw: st.DrawFn) -> SocialHandle:
            handle = draw(_HANDLES)
            raw = draw(st.sampled_from(["", "@"])) + _flip_ascii_case(draw, handle)
            return SocialHandle(platform=draw(st.sampled_from(checked)), handle=raw, raw=raw)

        return draw_handle()

    return _lazy(build)


def normalizers() -> st.SearchStrategy[Normalizer]:
    """:class:`Normalizer` settings: a default region or none, a date order, provider rules."""
    return st.builds(
        Normalizer,
        default_region=_optional(st.sampled_from(DEFAULT_REGIONS)),
        date_order=st.sampled_from(_ORDERS),
        email_provider_rules=st.booleans(),
    )


_IDENTIFIER_STRATEGIES: dict[IdentifierKind, Callable[[], st.SearchStrategy[Any]]] = {
    IdentifierKind.EMAIL: emails,
    IdentifierKind.PHONE: phone_numbers,
    IdentifierKind.ADDRESS: postal_addresses,
    IdentifierKind.NAME: person_names,
    IdentifierKind.DATE_OF_BIRTH: dates_of_birth,
    IdentifierKind.EXTERNAL_ID: external_ids,
    IdentifierKind.SOCIAL: social_handles,
}


def identifiers(
    *, kinds: Collection[IdentifierKind | str] | None = None
) -> st.SearchStrategy[Identifier]:
    """Identifiers of ``kinds`` (default: every kind), from the strategies above."""

    def build() -> st.SearchStrategy[Identifier]:
        if kinds is None:
            chosen = list(IdentifierKind)
        else:
            if isinstance(kinds, str) or not kinds:
                raise InvalidArgument(f"kinds={kinds!r} must be a non-empty collection")
            try:
                chosen = [IdentifierKind(kind) for kind in _ordered(kinds)]
            except ValueError as error:
                raise InvalidArgument(f"kinds: {error}") from None
        return st.one_of([_IDENTIFIER_STRATEGIES[kind]() for kind in dict.fromkeys(chosen)])

    return _lazy(build)


# ---------------------------------------------------------------------------------- channels


def channels(*, builtin_only: bool = False) -> st.SearchStrategy[Channel]:
    """:class:`Channel` values: the built-in ones and, unless ``builtin_only``, channels of
    any name, medium and capabilities, as an application would register."""

    def build() -> st.SearchStrategy[Channel]:
        _check_bool("builtin_only", builtin_only)
        builtins = st.sampled_from(BUILTIN_CHANNELS)
        if builtin_only:
            return builtins
        custom = st.builds(
            Channel,
            name=st.from_regex(r"[a-z][a-z0-9_\-]{0,15}", fullmatch=True),
            label=st.text(max_size=30),
            medium=st.sampled_from(Medium),
            capabilities=st.frozensets(st.sampled_from(Capability)),
        )
        return builtins | custom

    return _lazy(build)


_BUILTIN_NAMES = tuple(channel.name for channel in BUILTIN_CHANNELS)


def _channel_names(value: Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return _BUILTIN_NAMES
    return _check_names("channels", value, _CHANNEL_NAME)


# ----------------------------------------------------------------------------- contact model

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False)
    | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


@functools.cache
def _aware_datetimes(
    min_value: dt.datetime = dt.datetime(2000, 1, 1),
    max_value: dt.datetime = dt.datetime(2035, 12, 31),
) -> st.SearchStrategy[dt.datetime]:
    zones = [zoneinfo.ZoneInfo(name) for name in _ZONES]
    return st.datetimes(min_value=min_value, max_value=max_value, timezones=st.sampled_from(zones))


_POINT_KINDS: tuple[tuple[str, Callable[[], st.SearchStrategy[Any]]], ...] = (
    ("email", emails),
    ("sms", phone_numbers),
    ("phone", phone_numbers),
    ("mail", postal_addresses),
    ("social", social_handles),
    ("app", external_ids),
)


def contact_points(*, channels: Sequence[str] | None = None) -> st.SearchStrategy[ContactPoint]:
    """:class:`ContactPoint` values. By default each pairs a channel with an identifier it
    carries (an email address for ``email``, a phone number for ``sms`` …); with
    ``channels`` the channel is drawn from those names and the identifier from any kind."""

    def build() -> st.SearchStrategy[ContactPoint]:
        if channels is None:
            return st.one_of(
                [
                    st.builds(ContactPoint, channel=st.just(name), identifier=make())
                    for name, make in _POINT_KINDS
                ]
            )
        names = _channel_names(channels)
        return st.builds(ContactPoint, channel=st.sampled_from(names), identifier=identifiers())

    return _lazy(build)


def contacts(
    *,
    channels: Sequence[str] | None = None,
    min_identifiers: int = 0,
    max_identifiers: int = 3,
) -> st.SearchStrategy[Contact]:
    """:class:`Contact` values on ``channels`` (default: the built-in channel names), with
    ``min_identifiers`` to ``max_identifiers`` identifiers, times in several zones, optional
    texts, free JSON attributes, and either a ``source_id`` (the id derives from it) or an
    explicit id (never a random ``uuid4``, so examples replay)."""

    def build() -> st.SearchStrategy[Contact]:
        names = _channel_names(channels)
        if not isinstance(min_identifiers, int) or min_identifiers < 0:
            raise InvalidArgument(f"min_identifiers={min_identifiers!r} must be >= 0")
        if not isinstance(max_identifiers, int) or max_identifiers < min_identifiers:
            raise InvalidArgument(f"max_identifiers={max_identifiers!r} must be >= min_identifiers")
        text = _optional(st.text(max_size=40))
        source_ids = _optional(st.text(min_size=1, max_size=20))
        seen = st.lists(identifiers(), min_size=min_identifiers, max_size=max_identifiers)
        intents = _optional(st.sampled_from(["billing", "delivery", "refund", "info"]))
        attributes = st.dictionaries(st.text(max_size=8), _JSON, max_size=3)

        @st.composite
        def draw_contact(draw: st.DrawFn) -> Contact:
            source_id = draw(source_ids)
            extra: dict[str, Any] = {}
            if source_id is None:
                extra["id"] = str(draw(st.uuids()))
            return Contact(
                channel=draw(st.sampled_from(names)),
                direction=draw(st.sampled_from(Direction)),
                occurred_at=draw(_aware_datetimes()),
                identifiers=draw(seen),
                intent=draw(intents),
                subject=draw(text),
                summary=draw(text),
                status=draw(st.sampled_from(ContactStatus)),
                case_id=draw(_CASE_IDS),
                attributes=draw(attributes),
                source_id=source_id,
                **extra,
            )

        return draw_contact()

    return _lazy(build)


_CASE_IDS = _optional(st.from_regex(r"case-[a-z0-9]{1,8}", fullmatch=True))
_NEXT_STATUS = {
    CaseStatus.OPEN: (CaseStatus.PENDING, CaseStatus.RESOLVED),
    CaseStatus.PENDING: (CaseStatus.OPEN, CaseStatus.RESOLVED),
    CaseStatus.RESOLVED: (CaseStatus.OPEN,),
}


def cases(
    *, min_size: int = 1, max_size: int = 4, channels: Sequence[str] | None = None
) -> st.SearchStrategy[Case]:
    """:class:`Case` values grouping ``min_size`` to ``max_size`` contacts (at least one)
    across channels, built the way an application would: opened by the first contact,
    then status changes (pending, resolved, reopened) between later contacts."""

    def build() -> st.SearchStrategy[Case]:
        _check_size(min_size, max_size, least=1)
        members = st.lists(
            contacts(channels=channels, max_identifiers=1),
            min_size=min_size,
            max_size=max_size,
            unique_by=lambda contact: contact.id,
        )

        @st.composite
        def draw_case(draw: st.DrawFn) -> Case:
            ordered = sorted(draw(members), key=lambda contact: contact.occurred_at)
            case = Case.open_with(
                ordered[0],
                subject=draw(st.text(max_size=30)),
                id=draw(_CASE_IDS),
            )
            for contact in ordered[1:]:
                if draw(st.booleans()):
                    target = draw(st.sampled_from(_NEXT_STATUS[case.status]))
                    case = case.transition(target, at=contact.occurred_at, reason="drawn")
                case = case.with_contact(contact)
            return case

        return draw_case()

    return _lazy(build)


_PURPOSES = (
    Purpose.SERVICE,
    Purpose.TRANSACTIONAL,
    Purpose.MARKETING,
    Purpose.SALES_CALLS,
    Purpose.SURVEYS,
)
_SOURCES = ("web-form", "branch", "call-recording", "app", "import")


def _consents_from(
    points: st.SearchStrategy[ContactPoint],
    purposes: st.SearchStrategy[str],
    times: st.SearchStrategy[dt.datetime],
) -> st.SearchStrategy[Consent]:
    durations = _optional(st.timedeltas(dt.timedelta(seconds=1), dt.timedelta(days=1000)))
    proofs = _optional(st.text(max_size=20))

    @st.composite
    def draw_consent(draw: st.DrawFn) -> Consent:
        recorded_at = draw(times)
        lasts = draw(durations)
        return Consent(
            point=draw(points),
            purpose=draw(purposes),
            status=draw(st.sampled_from(ConsentStatus)),
            recorded_at=recorded_at,
            source=draw(st.sampled_from(_SOURCES)),
            # Add in UTC: wall-clock arithmetic across a DST change could go backwards.
            until=None if lasts is None else recorded_at.astimezone(dt.timezone.utc) + lasts,
            proof=draw(proofs),
        )

    return draw_consent()


def consents(
    *,
    points: Sequence[ContactPoint] | None = None,
    purposes: Sequence[str] | None = None,
) -> st.SearchStrategy[Consent]:
    """:class:`Consent` statements: granted, denied or withdrawn, from several sources,
    some with an expiry (``until``). ``points`` and ``purposes`` restrict what they are
    about (default: any contact point, the usual :class:`Purpose` names)."""

    def build() -> st.SearchStrategy[Consent]:
        point_strategy = contact_points() if points is None else _sampled_points(points)
        purpose_names = _PURPOSES if purposes is None else _check_names("purposes", purposes, _SLUG)
        return _consents_from(point_strategy, st.sampled_from(purpose_names), _aware_datetimes())

    return _lazy(build)


def _sampled_points(points: Sequence[ContactPoint]) -> st.SearchStrategy[ContactPoint]:
    if isinstance(points, ContactPoint) or not points:
        raise InvalidArgument(f"points={points!r} must be a non-empty sequence of ContactPoint")
    if not all(isinstance(point, ContactPoint) for point in points):
        raise InvalidArgument(f"points={points!r} holds something that is not a ContactPoint")
    return st.sampled_from(tuple(points))


def consent_ledgers(*, min_size: int = 0, max_size: int = 6) -> st.SearchStrategy[ConsentLedger]:
    """:class:`ConsentLedger` values with ``min_size`` to ``max_size`` statements, built
    with :meth:`ConsentLedger.record`. Statements share a few points, purposes and instants,
    so later statements override earlier ones and some are recorded at the same instant."""

    def build() -> st.SearchStrategy[ConsentLedger]:
        _check_size(min_size, max_size)

        point_lists = st.lists(contact_points(), min_size=1, max_size=2)
        purpose_lists = st.lists(st.sampled_from(_PURPOSES), min_size=1, max_size=2)
        instant_lists = st.lists(_aware_datetimes(), min_size=1, max_size=3)

        @st.composite
        def draw_ledger(draw: st.DrawFn) -> ConsentLedger:
            points = draw(point_lists)
            purposes = draw(purpose_lists)
            instants = draw(instant_lists)
            statements = draw(
                st.lists(
                    _consents_from(
                        st.sampled_from(points),
                        st.sampled_from(purposes),
                        st.sampled_from(instants),
                    ),
                    min_size=min_size,
                    max_size=max_size,
                    unique=True,
                )
            )
            ledger = ConsentLedger()
            for statement in statements:
                ledger = ledger.record(statement)
            return ledger

        return draw_ledger()

    return _lazy(build)


# --------------------------------------------------------------------------------- preferences


@st.composite
def _quiet_hours(draw: st.DrawFn) -> QuietHours:
    start = draw(st.times())
    end = draw(st.times().filter(lambda time: time != start))
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    return QuietHours(start=start, end=end, days=days)


def quiet_hours() -> st.SearchStrategy[QuietHours]:
    """:class:`QuietHours` windows, some wrapping past midnight, on some weekdays."""
    return _quiet_hours()


_LANGUAGES = ("fr", "en", "de", "es", "it", "ja", "pt-BR", "zh-Hant", "en-GB")


def preferences(*, channels: Sequence[str] | None = None) -> st.SearchStrategy[Preferences]:
    """:class:`Preferences`: preferred and opted-out channels drawn from ``channels``
    (default: the built-in names) and never both, quiet hours, language tag, time zone."""

    def build() -> st.SearchStrategy[Preferences]:
        names = _channel_names(channels)

        windows = st.lists(quiet_hours(), max_size=2)
        languages = _optional(st.sampled_from(_LANGUAGES))
        zones = _optional(st.sampled_from(_ZONES))

        @st.composite
        def draw_preferences(draw: st.DrawFn) -> Preferences:
            preferred = draw(st.lists(st.sampled_from(names), unique=True, max_size=3))
            others = [name for name in names if name not in preferred]
            opted_out = draw(st.frozensets(st.sampled_from(others))) if others else frozenset()
            return Preferences(
                preferred_channels=preferred,
                opted_out_channels=opted_out,
                quiet_hours=draw(windows),
                language=draw(languages),
                timezone=draw(zones),
            )

        return draw_preferences()

    return _lazy(build)
