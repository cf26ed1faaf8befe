"""Populations of customers with known truth, for property tests and benchmarks.

A population is a set of people, each seen as several records on different channels (web
account, phone call, till with a loyalty card, e-mail, CRM row) with the noise real data
has: typos, swapped given and family names, nicknames (Bob for Robert), missing fields,
format variants of the same phone or e-mail, day/month swaps in dates of birth, a changed
address after a move, household phones shared by several people, and junk placeholders
such as ``test@test.com`` or ``0000000000``. Each record's true person is
known, so accuracy can be measured.

:func:`populations` is a Hypothesis strategy (it shrinks towards fewer, cleaner people);
:func:`synthetic_population` draws the same kind of data from a seeded
:class:`random.Random`, for benchmarks of thousands of records.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import random
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .._identifiers import ExternalId, Normalizer
from ..identity import Record
from ._strategies import identifiers

__all__ = [
    "Population",
    "populations",
    "records",
    "synthetic_population",
    "tangled_records",
]

T = TypeVar("T")

_GIVEN = (
    "Jean", "Marie", "Pierre", "Sophie", "Luc", "Camille", "Nicolas", "Julie", "Thomas",
    "Claire", "Antoine", "Emma", "Louis", "Chloé", "Hugo", "Léa", "Paul", "Manon", "Éric",
    "Anne", "Robert", "Elizabeth", "William", "Katherine", "Michael", "Sarah", "James",
    "Olivia", "Daniel", "Laura", "Mohamed", "Fatima", "Yann", "Nathalie", "François",
    "Isabelle", "Kevin", "Amandine", "Sébastien", "Céline", "Hans", "Jürgen", "Ana",
    "João", "Giulia", "Marco", "Ines", "Karim", "Zoé", "Gaël",
)  # fmt: skip
_FAMILY = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
    "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Smith", "Jones",
    "Müller", "Schmidt", "Rossi", "Silva", "Nguyen", "Benali", "Haddad", "Kowalski",
    "Le Gall", "de la Fontaine", "O'Brien", "Van Dyke", "Chevalier", "Gauthier", "Perrin",
    "Morin", "Rousseau", "Blanc",
)  # fmt: skip
_STREETS = (
    "rue de la Paix", "avenue Victor Hugo", "boulevard Haussmann", "rue du Moulin",
    "place de la République", "chemin des Vignes", "rue Pasteur", "allée des Tilleuls",
    "rue de la Gare", "impasse des Lilas",
)  # fmt: skip
_STREET_VARIANTS = {"rue": "r", "avenue": "av", "boulevard": "bd", "place": "pl", "chemin": "ch"}
_CITIES = (
    ("75009", "Paris"), ("69003", "Lyon"), ("13001", "Marseille"), ("33000", "Bordeaux"),
    ("59000", "Lille"), ("44000", "Nantes"), ("31000", "Toulouse"), ("67000", "Strasbourg"),
)  # fmt: skip
_DOMAINS = ("example.fr", "mail.fr", "post.com", "inbox.eu", "courriel.fr")
_JUNK_EMAILS = ("test@test.com", "noreply@example.com", "none@none.com")
_JUNK_PHONES = ("0000000000", "0123456789", "0611111111")
_NICKNAMES = {
    "Robert": "Bob", "Elizabeth": "Liz", "William": "Bill", "Katherine": "Kate",
    "Michael": "Mike", "James": "Jim", "Daniel": "Dan", "Nicolas": "Nico",
    "Thomas": "Tom", "Antoine": "Toto", "Sébastien": "Seb", "Isabelle": "Isa",
    "Nathalie": "Nat", "François": "Fanfan", "Camille": "Cam", "Amandine": "Mandy",
}  # fmt: skip
_CHANNELS = ("web", "phone", "store", "email", "crm")
_BASE_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


class _Source(Protocol):
    def integer(self, low: int, high: int) -> int: ...
    def chance(self, percent: int) -> bool: ...


def _pick(source: _Source, items: Sequence[T]) -> T:
    return items[source.integer(0, len(items) - 1)]


class _RandomSource:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def integer(self, low: int, high: int) -> int:
        return self._rng.randint(low, high)

    def chance(self, percent: int) -> bool:
        return self._rng.randrange(100) < percent


class _DrawSource:
    def __init__(self, draw: Any) -> None:
        self._draw = draw

    def integer(self, low: int, high: int) -> int:
        return int(self._draw(_integers(low, high)))

    def chance(self, percent: int) -> bool:
        # Shrinks towards 0, that is towards "no": cleaner data.
        return bool(self._draw(_integers(0, 99)) >= 100 - percent)


@functools.lru_cache(maxsize=256)
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    """``st.integers(low, high)``, built and validated once per range."""
    return st.integers(low, high)


@attrs.frozen(kw_only=True)
class Population:
    """Records with the true person behind each one (``truth``: record id → person id)."""

    records: tuple[Record, ...]
    truth: dict[str, str] = attrs.field(hash=False)

    def true_partition(self) -> frozenset[frozenset[str]]:
        """The records grouped by true person."""
        groups: dict[str, set[str]] = {}
        for record_id, person in self.truth.items():
            groups.setdefault(person, set()).add(record_id)
        return frozenset(frozenset(group) for group in groups.values())


@attrs.frozen
class _Person:
    id: str
    given: str
    family: str
    dob: dt.date
    email: str
    mobile: str
    landline: str
    street: str
    postal_code: str
    city: str
    moved_to: tuple[str, str, str] | None
    loyalty: str
    national_id: str


def _typo(source: _Source, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    i = letters[source.integer(1, len(letters) - 1)]
    how = source.integer(0, 2)
    if how == 0:  # drop a letter
        return text[:i] + text[i + 1 :]
    if how == 1 and i + 1 < len(text):  # swap two letters
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + _pick(source, "aeiourstln") + text[i + 1 :]


def _phone(source: _Source, prefix: str) -> str:
    return prefix + "".join(str(source.integer(0, 9)) for _ in range(8))


def _personal_digits(index: int) -> str:
    """Eight digits that differ for every index below 10**8 (a bijection of the index)."""
    return f"{(index * 48_271 + 23_456_789) % 10**8:08d}"


def _make_person(source: _Source, index: int, household: _Person | None) -> _Person:
    given = _pick(source, _GIVEN)
    family = household.family if household else _pick(source, _FAMILY)
    year = source.integer(1940, 2005)
    dob = dt.date(year, source.integer(1, 12), source.integer(1, 28))
    domain = _pick(source, _DOMAINS)
    local = f"{given}.{family}".lower().replace(" ", "").replace("'", "")
    # E-mail addresses and mobiles are personal: the person's index keeps two people of one
    # name from drawing the same one (in a large population, random numbers would collide
    # and label one customer as two people in the truth).
    email = f"{local}{index}@{domain}"
    if household:
        street, postal_code, city = household.street, household.postal_code, household.city
        landline = household.landline
    else:
        street = f"{source.integer(1, 120)} {_pick(source, _STREETS)}"
        postal_code, city = _pick(source, _CITIES)
        landline = _phone(source, "01")
    moved_to = None
    if source.chance(15):
        new_code, new_city = _pick(source, _CITIES)
        moved_to = (f"{source.integer(1, 120)} {_pick(source, _STREETS)}", new_code, new_city)
    return _Person(
        id=f"p{index}",
        given=given,
        family=family,
        dob=dob,
        email=email,
        mobile=_pick(source, ("06", "07")) + _personal_digits(index),
        landline=landline,
        street=street,
        postal_code=postal_code,
        city=city,
        moved_to=moved_to,
        loyalty=f"L{index:07d}",
        national_id=f"{1 if source.chance(50) else 2}{year % 100:02d}{index:010d}",
    )


def _name_text(source: _Source, person: _Person, noise: int) -> str:
    given, family = person.given, person.family
    if given in _NICKNAMES and source.chance(noise):
        given = _NICKNAMES[given]
    elif source.chance(noise):
        given = _typo(source, given)
    if source.chance(noise):
        family = _typo(source, family)
    style = source.integer(0, 3) if source.chance(noise * 2) else 0
    if style == 1:
        return f"{family.upper()} {given}"
    if style == 2:
        return f"{family}, {given}"
    if style == 3:
        return f"{given[0]}. {family}"
    if source.chance(noise // 2):  # swapped parts, written as "family given" without clue
        return f"{family} {given}"
    return f"{given} {family}"


def _phone_variant(source: _Source, digits: str, junk: bool) -> str:
    """One way of writing a French ``0X XX XX XX XX`` number, or a junk placeholder."""
    if junk and source.chance(5):
        return _pick(source, _JUNK_PHONES)
    pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
    how = source.integer(0, 5)
    if how == 1:
        return f"+33 {digits[1]} {' '.join(pairs[1:])}"
    if how == 2:
        return ".".join(pairs)
    if how == 3:
        return " ".join(pairs)
    if how == 4:
        return f"0033{digits[1:]}"
    if how == 5:
        return f"+33 (0){digits[1]}-{'-'.join(pairs[1:])}"
    return digits


def _record(
    source: _Source,
    normalizer: Normalizer,
    person: _Person,
    record_id: str,
    channel: str,
    noise: int,
    junk: bool,
) -> Record:
    identifiers: list[Any] = []
    missing = noise

    def add(make: Any, *args: Any, **kwargs: Any) -> None:
        # A corrupted value that does not parse is a missing value.
        with contextlib.suppress(ValueError):
            identifiers.append(make(*args, **kwargs))

    wants = {
        "web": ("email", "name", "dob", "address", "mobile"),
        "phone": ("mobile", "name", "dob"),
        "store": ("loyalty", "name", "mobile", "email"),
        "email": ("email", "name"),
        "crm": ("name", "dob", "address", "landline", "email", "national_id", "loyalty"),
    }[channel]
    for field in wants:
        if field != "name" and source.chance(missing):
            continue
        if field == "name":
            add(normalizer.name, _name_text(source, person, noise))
        elif field == "dob":
            dob = person.dob
            if source.chance(noise) and dob.day <= 12 and dob.day != dob.month:
                dob = dt.date(dob.year, dob.day, dob.month)
            elif source.chance(noise // 2):
                dob = dob.replace(day=min(28, dob.day % 28 + 1))
            add(normalizer.date_of_birth, dob.strftime("%d/%m/%Y"))
        elif field == "email":
            text = person.email
            if junk and source.chance(10):
                text = _pick(source, _JUNK_EMAILS)
            elif source.chance(30):
                text = _pick(source, (text.upper(), f" <{text}> ", f"mailto:{text}", text.title()))
            add(normalizer.email, text)
        elif field == "mobile":
            add(normalizer.phone, _phone_variant(source, person.mobile, junk))
        elif field == "landline":
            add(normalizer.phone, _phone_variant(source, person.landline, junk))
        elif field == "address":
            street, postal_code, city = person.street, person.postal_code, person.city
            if person.moved_to is not None and source.chance(50):
                street, postal_code, city = person.moved_to
            if source.chance(noise * 2):
                for word, short in _STREET_VARIANTS.items():
                    street = street.replace(word, short)
            if source.chance(noise):
                street = _typo(source, street)
            add(
                normalizer.address,
                lines=street,
                postal_code=postal_code,
                locality=city,
            )
        elif field == "loyalty":
            add(normalizer.external_id, ExternalId.LOYALTY_CARD, person.loyalty)
        elif field == "national_id":
            add(normalizer.external_id, ExternalId.NATIONAL_ID, person.national_id)
    minutes = source.integer(0, 60 * 24 * 365)
    return Record(
        id=record_id,
        source=channel,
        observed_at=_BASE_TIME + dt.timedelta(minutes=minutes),
        identifiers=identifiers,
    )


def _generate(
    source: _Source,
    *,
    people: int,
    max_records_per_person: int,
    noise: int,
    household_percent: int,
    junk: bool,
) -> Population:
    normalizer = Normalizer(default_region="FR")
    persons: list[_Person] = []
    for index in range(people):
        household = None
        if persons and source.chance(household_percent):
            household = persons[source.integer(0, len(persons) - 1)]
        persons.append(_make_person(source, index, household))
    records: list[Record] = []
    truth: dict[str, str] = {}
    for person in persons:
        for _ in range(source.integer(1, max_records_per_person)):
            record_id = f"r{len(records)}"
            channel = _pick(source, _CHANNELS)
            records.append(_record(source, normalizer, person, record_id, channel, noise, junk))
            truth[record_id] = person.id
    return Population(records=tuple(records), truth=truth)


@st.composite
def _populations(
    draw: Any,
    min_size: int,
    max_size: int,
    max_records_per_person: int,
    noise: int,
    household_percent: int,
    junk: bool,
) -> Population:
    source = _DrawSource(draw)
    people = source.integer(min_size, max_size)
    return _generate(
        source,
        people=people,
        max_records_per_person=max_records_per_person,
        noise=noise,
        household_percent=household_percent,
        junk=junk,
    )


def _check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or value < low
        or (high is not None and value > high)
    ):
        bound = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise InvalidArgument(f"{name}={value!r} must be an integer {bound}")
    return value


def _sizes(
    min_size: int | None, max_size: int | None, min_people: int | None, max_people: int | None
) -> tuple[int, int]:
    if min_people is not None:
        if min_size is not None:
            raise InvalidArgument("pass min_size or its old name min_people, not both")
        min_size = min_people
    if max_people is not None:
        if max_size is not None:
            raise InvalidArgument("pass max_size or its old name max_people, not both")
        max_size = max_people
    low = _check_int("min_size", 1 if min_size is None else min_size, 0)
    high = _check_int("max_size", 6 if max_size is None else max_size, 0)
    if high < low:
        raise InvalidArgument(f"max_size={high} must be >= min_size={low}")
    return low, high


def populations(
    *,
    min_size: int | None = None,
    max_size: int | None = None,
    max_records_per_person: int = 3,
    noise: int = 15,
    household_percent: int = 25,
    junk: bool = True,
    min_people: int | None = None,
    max_people: int | None = None,
) -> st.SearchStrategy[Population]:
    """A strategy for :class:`Population` values of a few people with noisy records.

    ``min_size``/``max_size`` bound the number of *people* (default 1 to 6), each seen in
    1 to ``max_records_per_person`` records. ``noise`` is a percentage (0 to 50) steering
    typos, nicknames, swapped names, missing fields and format variants;
    ``household_percent`` the chance that a person shares a family name, address and
    landline with an earlier one; ``junk`` lets placeholder e-mails and phones appear.
    ``min_people``/``max_people`` are the older names of ``min_size``/``max_size``.
    Invalid arguments raise :class:`hypothesis.errors.InvalidArgument` when the strategy
    is first drawn from, as Hypothesis's own strategies do.

    >>> from hypothesis import given
    >>> @given(populations(max_size=3))
    ... def test_truth_covers_every_record(population):
    ...     assert set(population.truth) == {r.id for r in population.records}
    """

    def build() -> st.SearchStrategy[Population]:
        low, high = _sizes(min_size, max_size, min_people, max_people)
        _check_int("max_records_per_person", max_records_per_person, 1)
        _check_int("noise", noise, 0, 50)
        _check_int("household_percent", household_percent, 0, 100)
        if not isinstance(junk, bool):
            raise InvalidArgument(f"junk={junk!r} must be a bool")
        return _populations(low, high, max_records_per_person, noise, household_percent, junk)

    return st.deferred(build)


def synthetic_population(
    people: int,
    *,
    seed: int = 0,
    max_records_per_person: int = 4,
    noise: int = 15,
    household_percent: int = 20,
    junk: bool = True,
) -> Population:
    """A population drawn from ``random.Random(seed)``: same seed, same records."""
    return _generate(
        _RandomSource(random.Random(seed)),
        people=people,
        max_records_per_person=max_records_per_person,
        noise=noise,
        household_percent=household_percent,
        junk=junk,
    )


_TANGLED_EMAILS = ("ann@mail.fr", "bob@mail.fr", "cat@mail.fr", "test@test.com")
_TANGLED_PHONES = ("+33612345678", "+33698765432", "+33145678901")
_TANGLED_NAMES = ("Ann Martin", "Anne Martin", "Bob Martin", "Cat Durand")
_TANGLED_DOBS = (dt.date(1980, 1, 2), dt.date(1980, 2, 1), dt.date(1991, 7, 14))


@functools.cache
def _tangled_pools() -> dict[str, Any]:
    """The tiny pools, parsed once, and the strategies that draw from them."""
    normalizer = Normalizer(default_region="FR")
    emails = tuple(normalizer.email(email) for email in _TANGLED_EMAILS)
    phones = tuple(normalizer.phone(phone) for phone in _TANGLED_PHONES)
    names = tuple(normalizer.name(name) for name in _TANGLED_NAMES)
    dobs = tuple(normalizer.date_of_birth(dob) for dob in _TANGLED_DOBS)
    return {
        "emails": st.sets(st.sampled_from(emails), max_size=2),
        "phones": st.sets(st.sampled_from(phones), max_size=2),
        "name": st.none() | st.sampled_from(names),
        "dobs": st.sets(st.sampled_from(dobs), max_size=2),
        "source": st.sampled_from(_CHANNELS),
        "hours": st.integers(0, 5),
    }


@st.composite
def _tangled(draw: Any, min_size: int, max_size: int) -> tuple[Record, ...]:
    pools = _tangled_pools()
    count = draw(st.integers(min_size, max_size))
    records = []
    for index in range(count):
        identifiers: list[Any] = []
        identifiers.extend(sorted(draw(pools["emails"]), key=str))
        identifiers.extend(sorted(draw(pools["phones"]), key=str))
        name = draw(pools["name"])
        if name is not None:
            identifiers.append(name)
        identifiers.extend(sorted(draw(pools["dobs"]), key=str))
        records.append(
            Record(
                id=f"t{index}",
                source=draw(pools["source"]),
                observed_at=_BASE_TIME + dt.timedelta(hours=draw(pools["hours"])),
                identifiers=identifiers,
            )
        )
    return tuple(records)


def tangled_records(
    *, min_size: int = 2, max_size: int = 8
) -> st.SearchStrategy[tuple[Record, ...]]:
    """A strategy for a few records drawing from tiny pools of emails, phones, names, dates.

    Nearly every pair shares something and many customers would break a guard, so these
    stress the identity graph: ordering, guards, judgements and unmerge.
    """

    def build() -> st.SearchStrategy[tuple[Record, ...]]:
        low = _check_int("min_size", min_size, 0)
        high = _check_int("max_size", max_size, 0)
        if high < low:
            raise InvalidArgument(f"max_size={high} must be >= min_size={low}")
        return _tangled(low, high)

    return st.deferred(build)


_RECORD_IDS = st.from_regex(r"[a-z]{1,4}-[0-9]{1,6}", fullmatch=True)


def records(
    *,
    min_size: int = 0,
    max_size: int = 4,
    sources: Sequence[str] = _CHANNELS,
) -> st.SearchStrategy[Record]:
    """A strategy for single :class:`~omnicontact.identity.Record` values.

    Each record holds ``min_size`` to ``max_size`` identifiers of any kind (valid ones, in
    several countries), comes from one of ``sources`` and is observed at an aware time.
    For records that relate to each other, use :func:`populations` or
    :func:`tangled_records`.
    """

    def build() -> st.SearchStrategy[Record]:
        low = _check_int("min_size", min_size, 0)
        high = _check_int("max_size", max_size, 0)
        if high < low:
            raise InvalidArgument(f"max_size={high} must be >= min_size={low}")
        if isinstance(sources, str) or not sources:
            raise InvalidArgument(f"sources={sources!r} must be a non-empty sequence")
        for name in sources:
            try:
                Record(id="x", source=name, observed_at=_BASE_TIME)
            except ValueError:
                raise InvalidArgument(f"sources: {name!r} is not a valid source name") from None
        return st.builds(
            Record,
            id=_RECORD_IDS,
            source=st.sampled_from(tuple(dict.fromkeys(sources))),
            observed_at=st.integers(0, 60 * 24 * 365 * 3).map(
                lambda minutes: _BASE_TIME + dt.timedelta(minutes=minutes)
            ),
            identifiers=st.lists(identifiers(), min_size=low, max_size=high),
        )

    return st.deferred(build)
