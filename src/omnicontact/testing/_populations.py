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
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .._identifiers import ExternalId, Normalizer
from .._text import fold
from ..identity import GuardPolicy, Record, identifier_slot
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
# With ``name_variants``: more streets and house numbers, for large files of households.
_MORE_STREETS = (
    *_STREETS, "rue Victor Hugo", "avenue Jean Jaurès", "rue de la République", "rue Nationale",
    "boulevard Gambetta", "rue Voltaire", "avenue de la Liberté", "rue des Écoles",
    "chemin du Lavoir", "rue de l'Église", "place du Marché", "allée des Chênes",
    "rue Jules Ferry", "avenue Foch", "rue Saint-Michel", "boulevard Carnot",
    "rue des Jardins", "impasse du Stade", "rue Émile Zola", "avenue des Peupliers",
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
_FIELDS = {
    "web": ("email", "name", "dob", "address", "mobile"),
    "phone": ("mobile", "name", "dob"),
    "store": ("loyalty", "name", "mobile", "email"),
    "email": ("email", "name"),
    "crm": ("name", "dob", "address", "landline", "email", "national_id", "loyalty"),
    # Registers, as in multi-source person files: each holds its own set of fields.
    "census": ("name", "dob", "address", "landline"),
    "tax": ("name", "national_id", "address"),
    "social_security": ("name", "dob", "national_id"),
}
_MAX_HOUSEHOLD = 6
_ADDRESS_TRIES = 20
_BASE_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)

# With ``name_variants``: given names and the ways people write them, English and French
# (nicknames, hypocoristics, compound names shortened); names without a variant are
# written in full, or truncated, misread or reduced to an initial like any other.
_VARIANTS: dict[str, tuple[str, ...]] = {
    "Barbara": ("Bobbie", "Barb", "Babs"), "Margaret": ("Peggy", "Maggie", "Meg"),
    "Robert": ("Bob", "Bobby", "Rob"), "William": ("Bill", "Will", "Billy"),
    "Elizabeth": ("Liz", "Beth", "Betty"), "Katherine": ("Kate", "Kathy", "Kitty"),
    "Anthony": ("Tony", "Ant"), "John": ("Jack", "Johnny"), "Richard": ("Dick", "Rick"),
    "Edward": ("Ted", "Ned", "Eddie"), "Patricia": ("Patty", "Trish"),
    "Jennifer": ("Jen", "Jenny"), "Susan": ("Sue", "Susie"), "Christopher": ("Chris", "Kit"),
    "Alexander": ("Alex", "Sandy"), "Deborah": ("Debbie", "Deb"), "Dorothy": ("Dot", "Dolly"),
    "Henry": ("Harry", "Hank"), "Charles": ("Chuck", "Charlie"), "Joseph": ("Joe", "Joey"),
    "Theodore": ("Teddy", "Theo"), "Rebecca": ("Becky",), "Victoria": ("Vicky", "Tori"),
    "Michael": ("Mike", "Mick"), "James": ("Jim", "Jimmy"), "Daniel": ("Dan", "Danny"),
    "Samantha": ("Sam", "Sammy"), "Nicholas": ("Nick",), "Abigail": ("Abby",),
    "Jean-Pierre": ("JP", "Jean Pierre"), "Marie-Thérèse": ("Maïté", "Marité"),
    "Dominique": ("Dom", "Domi"), "Jean-Baptiste": ("JB", "Jean Baptiste"),
    "Jean-Claude": ("JC",), "Anne-Sophie": ("Anne-So",), "Marie-Hélène": ("Marilène",),
    "François": ("Fanfan",), "Isabelle": ("Isa", "Babette"), "Frédéric": ("Fred", "Fredo"),
    "Sébastien": ("Seb", "Bastien"), "Nathalie": ("Nat", "Nath"),
    "Catherine": ("Cathy", "Cathou"), "Christophe": ("Chris", "Tof"),
    "Emmanuel": ("Manu",), "Véronique": ("Véro",), "Stéphanie": ("Steph", "Fanny"),
    "Alexandre": ("Alex",), "Joséphine": ("Josie", "Fifine"), "Guillaume": ("Guigui",),
    "Taylor": (), "Kelsey": (), "Jessie": (), "Dakota": (), "Morgan": (), "Quinn": (),
    "Olivia": (), "Camille": (), "Hugo": (), "Léa": (), "Manon": (), "Yann": (),
    "Fatima": (), "Karim": (), "Zoé": (), "Gaël": (), "Ines": (), "Kevin": (),
    "Laura": (), "Paul": (), "Sarah": (), "Thomas": ("Tom", "Tommy"), "Louis": ("Lou",),
}  # fmt: skip
_VARIANT_GIVEN = tuple(_VARIANTS)
# With ``name_variants``, family names come from a longer list too, so that a large file
# has the long tail of rare names a real one has.
_VARIANT_FAMILY = (
    *_FAMILY, "Brown", "Williams", "Taylor", "Davies", "Evans", "Wilson", "Johnson", "Roberts",
    "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall",
    "Wood", "Harris", "Lewis", "Clarke", "Jackson", "Clark", "Turner", "Hill", "Scott",
    "Cooper", "Morris", "Ward", "Moore", "King", "Watson", "Baker", "Harrison", "Morgan",
    "Patel", "Young", "Allen", "Mitchell", "James", "Anderson", "Phillips", "Lee", "Bell",
    "Parker", "Davis", "Kelly", "Murphy", "Walsh", "Byrne", "Ryan", "McCarthy", "Doyle",
    "Gallagher", "Kennedy", "Lynch", "Quinn", "Fontaine", "Faure", "Andre", "Boyer", "Garnier",
    "Chevallier", "Francois", "Legros", "Gaillard", "Barbier", "Arnaud", "Martel", "Roussel",
    "Renaud", "Collet", "Caron", "Aubert", "Giraud", "Brun", "Masson", "Marchand", "Duval",
    "Denis", "Dumont", "Marie", "Lemaire", "Noel", "Meyer", "Dufour", "Meunier", "Brunet",
    "Blanchard", "Lucas", "Joly", "Riviere", "Gerard", "Colin", "Vidal", "Picard", "Roger",
    "Fabre", "Aubry", "Lemoine", "Renard", "Dumas", "Lacroix", "Olivier", "Philippe",
    "Bourgeois", "Pierre", "Benoit", "Rey", "Leclerc", "Payet", "Rolland", "Leclercq",
    "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy", "Guillot", "Hubert", "Berger",
    "Carpentier", "Sanchez", "Dupuis", "Moulin", "Louis", "Deschamps", "Huet", "Vasseur",
    "Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Paris", "Poirier",
    "Marty", "Aubin", "Guyot", "Carre", "Charles", "Renault", "Charpentier", "Menard",
    "Maillard", "Baron", "Bertin", "Bailly", "Herve", "Schneider", "Fernandez", "Collin",
    "Da Silva", "Ferreira", "Pereira", "Costa", "Santos", "Oliveira", "Rodrigues", "Tran",
    "Pham", "Hoang", "Wagner", "Becker", "Hoffmann", "Schulz", "Koch", "Ricci", "Romano",
    "Colombo", "Bruno", "Greco", "Nowak", "Wiśniewski", "Mendes", "Ben Ali", "Bouzid",
    "Mansouri", "Cherif", "Diallo", "Traoré", "Diop", "Ndiaye",
)  # fmt: skip
_PLACEHOLDERS = ("Female", "Male", "Lady", "Baby", "Unknown", "NFN", "Infant")
# Letters read or typed as others: OCR (rn/m, u/v, cl/d) and neighbouring keys.
_MISREAD = {
    "m": "rn", "rn": "m", "u": "v", "v": "u", "cl": "d", "d": "cl", "n": "m", "e": "c",
    "a": "s", "o": "i", "i": "o", "r": "e", "t": "y", "l": "k",
}  # fmt: skip
_MISREAD_DIGITS = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"}


class _Source(Protocol):
    def integer(self, low: int, high: int) -> int: ...
    def chance(self, percent: int) -> bool: ...
    def group(self, make: Callable[[_Source], T]) -> T: ...


def _pick(source: _Source, items: Sequence[T]) -> T:
    return items[source.integer(0, len(items) - 1)]


class _RandomSource:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def integer(self, low: int, high: int) -> int:
        return self._rng.randint(low, high)

    def chance(self, percent: int) -> bool:
        return self._rng.randrange(100) < percent

    def group(self, make: Callable[[_Source], T]) -> T:
        return make(self)


class _DrawSource:
    def __init__(self, draw: Any) -> None:
        self._draw = draw

    def integer(self, low: int, high: int) -> int:
        return int(self._draw(_integers(low, high)))

    def chance(self, percent: int) -> bool:
        # Shrinks towards 0, that is towards "no": cleaner data.
        return bool(self._draw(_integers(0, 99)) >= 100 - percent)

    def group(self, make: Callable[[_Source], T]) -> T:
        # One draw of its own per person and per record: the shrinker can drop or simplify
        # a whole person or record without shifting the choices of the others.
        return self._draw(_grouped(make))  # type: ignore[no-any-return]


@st.composite
def _grouped(draw: Any, make: Callable[[_Source], T]) -> T:
    return make(_DrawSource(draw))


@functools.lru_cache(maxsize=256)
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    """``st.integers(low, high)``, built and validated once per range."""
    return st.integers(low, high)


@attrs.frozen(kw_only=True)
class Population:
    """Records with the true person behind each one.

    ``truth`` maps each record id to its person's id; ``households`` maps each person's id
    to their household's id (the id of its first member: a person living alone is a
    household of one). Two records of one household but of different people are the pairs
    a resolver must keep apart on household evidence (family name, address, phone).
    """

    records: tuple[Record, ...]
    truth: dict[str, str] = attrs.field(hash=False)
    households: dict[str, str] = attrs.field(factory=dict, hash=False)
    _values: dict[str, dict[str, frozenset[str]]] | None = attrs.field(
        init=False, default=None, eq=False, hash=False, repr=False
    )

    def true_partition(self) -> frozenset[frozenset[str]]:
        """The records grouped by true person."""
        groups: dict[str, set[str]] = {}
        for record_id, person in self.truth.items():
            groups.setdefault(person, set()).add(record_id)
        return frozenset(frozenset(group) for group in groups.values())

    def ambiguous(self, left: str, right: str) -> bool:
        """Whether the truth about two records cannot be decided from the records themselves.

        Two records of *different* people are ambiguous when they share at least one
        identifier slot and carry the same values on every slot they share (placeholder
        values such as ``test@test.com`` set aside): nothing in the pair tells the two
        people apart. The ground-truth checkers leave such pairs out. Records of one person
        are never ambiguous.
        """
        if self.truth[left] == self.truth[right]:
            return False
        values = self._values
        if values is None:  # computed once; a race computes the same thing twice
            values = _slot_values(self.records)
            object.__setattr__(self, "_values", values)
        mine, theirs = values[left], values[right]
        shared = mine.keys() & theirs.keys()
        return bool(shared) and all(mine[slot] == theirs[slot] for slot in shared)


def _slot_values(records: Sequence[Record]) -> dict[str, dict[str, frozenset[str]]]:
    """Each record's non-placeholder identifier keys, by slot."""
    guards = GuardPolicy()
    values: dict[str, dict[str, frozenset[str]]] = {}
    for record in records:
        slots: dict[str, set[str]] = {}
        for item in record.identifiers:
            if not guards.is_junk(item):
                slots.setdefault(identifier_slot(item), set()).add(item.key)
        values[record.id] = {slot: frozenset(keys) for slot, keys in slots.items()}
    return values


@attrs.frozen(kw_only=True)
class _Options:
    max_records_per_person: int
    noise: int
    household_percent: int
    junk: bool
    twin_percent: int = 0
    shared_id_percent: int = 0
    namesake_percent: int = 0
    distinct_dates_of_birth: bool = False
    name_variants: bool = False
    id_errors: int = 0
    postcode_errors: int = 0
    sources: tuple[str, ...] = _CHANNELS


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
    household: str = ""
    middle: str | None = None
    parent_id: str | None = None
    """A housemate's national id, which this dependant's forms sometimes carry."""


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


def _misread(source: _Source, text: str, table: dict[str, str]) -> str:
    """``text`` with one letter (never the first) read or typed as another: Paul → Pavl."""
    spots = [(i, old) for old in table for i in _find_all(text, old) if i > 0]
    if not spots:
        return text
    i, old = _pick(source, sorted(spots))
    return text[:i] + table[old] + text[i + len(old) :]


def _find_all(text: str, part: str) -> list[int]:
    found, start = [], text.find(part)
    while start >= 0:
        found.append(start)
        start = text.find(part, start + 1)
    return found


def _phone(source: _Source, prefix: str) -> str:
    return f"{prefix}{source.integer(0, 10**8 - 1):08d}"  # one draw: quick to shrink


def _personal_digits(index: int) -> str:
    """Eight digits that differ for every index below 10**8 (a bijection of the index)."""
    return f"{(index * 48_271 + 23_456_789) % 10**8:08d}"


def _serial(index: int) -> str:
    """Ten digits that differ for every index below 10**10 (a bijection of the index), and
    in several places for neighbouring indices: people of one household, drawn one after
    another, do not get numbers one typo apart."""
    return f"{(index * 2_654_435_761 + 1_234_567) % 10**10:010d}"


@functools.cache
def _initials(given: str, name_variants: bool) -> frozenset[str]:
    """The first sounds of every way ``given`` is written (nicknames included), folded: a C
    or a Q sounds as a K (Catherine / Katherine are one name spelled two ways)."""
    forms = {given, *(_VARIANTS.get(given, ()) if name_variants else ())}
    if not name_variants and given in _NICKNAMES:
        forms.add(_NICKNAMES[given])
    return frozenset(_SAME_SOUND.get(first, first) for first in (fold(f)[:1] for f in forms))


_SAME_SOUND = {"c": "k", "q": "k"}


def _given_pool(options: _Options, housemates: Sequence[_Person]) -> tuple[str, ...]:
    """The given names a new member of ``housemates``' household may have.

    None shares an initial, and so a written form, with a housemate's given or middle name,
    nickname or initial: whatever noise a record gets (a name written family name first, a
    middle name added), housemates' names stay told apart.
    """
    pool = _VARIANT_GIVEN if options.name_variants else _GIVEN
    if not housemates:
        return pool
    names = [name for m in housemates for name in (m.given, m.middle) if name]
    used = frozenset().union(*(_initials(name, options.name_variants) for name in names))
    return tuple(g for g in pool if not _initials(g, options.name_variants) & used)


def _address(
    source: _Source, options: _Options, taken: set[tuple[str, str, str]]
) -> tuple[str, str, str]:
    """A new household's address (street line, postcode, city), not yet anyone's.

    Two households at one address would make namesakes there undecidable. A taken
    address moves to the next house number (a few tries: once the street plan fills up,
    as in very large populations, an address is shared).
    """
    streets, numbers = (_MORE_STREETS, 400) if options.name_variants else (_STREETS, 120)
    number, street = source.integer(1, numbers), _pick(source, streets)
    postal_code, city = _pick(source, _CITIES)
    for step in range(_ADDRESS_TRIES):
        address = (f"{(number + step - 1) % numbers + 1} {street}", postal_code, city)
        if address not in taken:
            break
    taken.add(address)
    return address


def _make_person(
    source: _Source,
    index: int,
    housemates: Sequence[_Person],
    pool: Sequence[str],
    options: _Options,
    births: set[tuple[str, dt.date]],
    addresses: set[tuple[str, str, str]],
    namesakes: dict[tuple[str, str], list[dt.date]],
    births_any: set[dt.date],
) -> _Person:
    """A person; with ``housemates`` a new member of their household (the first one's)."""
    head = housemates[0] if housemates else None
    given = _pick(source, pool)
    families = _VARIANT_FAMILY if options.name_variants else _FAMILY
    family = head.family if head else _pick(source, families)
    year = source.integer(1940, 2005)
    dob = dt.date(year, source.integer(1, 12), source.integer(1, 28))
    # A namesake (a junior named after the household's first member) is never a twin nor
    # carries the parent's national id: one name with one date of birth, or with one id,
    # would make the two undecidable.
    junior = head is not None and given == head.given
    twin = (
        head is not None
        and not junior
        and options.twin_percent > 0
        and source.chance(options.twin_percent)
    )
    if twin and head is not None:
        dob = head.dob
    else:
        # Housemates other than twins are born more than a year apart, and only twins share
        # a family name and a date of birth: truth stays decidable even when a record hides
        # the given name behind a placeholder (a date a few days off is a typo's distance).
        # Namesakes anywhere are born more than a year apart too: a date of birth a digit
        # off, at an address a house number off, would read as one person's typos.
        near = [*(m.dob for m in housemates), *namesakes.get((fold(given), fold(family)), ())]
        while any(abs((dob - other).days) <= 366 for other in near):
            dob += dt.timedelta(days=400)
        while (fold(family), dob) in births or (
            options.distinct_dates_of_birth and dob in births_any
        ):
            dob += dt.timedelta(days=1)
    births.add((fold(family), dob))
    births_any.add(dob)
    namesakes.setdefault((fold(given), fold(family)), []).append(dob)
    middle = None
    if options.name_variants and not junior and source.chance(30):
        # neither the person's own initial (Anne A.) nor a housemate's: a middle name is a
        # written form of the person's name, which housemates never share
        own = _initials(given, True).union(
            *(_initials(name, True) for m in housemates for name in (m.given, m.middle) if name)
        )
        middle = _pick(source, tuple(g for g in pool if not _initials(g, True) & own) or pool)
    parent_id = None
    if head is not None and not junior and options.shared_id_percent > 0:
        parent_id = head.national_id if source.chance(options.shared_id_percent) else None
    domain = _pick(source, _DOMAINS)
    local = f"{given}.{family}".lower().replace(" ", "").replace("'", "")
    # E-mail addresses and mobiles are personal: the person's index keeps two people of one
    # name from drawing the same one (in a large population, random numbers would collide
    # and label one customer as two people in the truth).
    email = f"{local}{index}@{domain}"
    if head:
        street, postal_code, city = head.street, head.postal_code, head.city
        landline = head.landline
    else:
        street, postal_code, city = _address(source, options, addresses)
        landline = _phone(source, "01")
    moved_to = _address(source, options, addresses) if source.chance(15) else None
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
        national_id=f"{1 if source.chance(50) else 2}{year % 100:02d}{_serial(index)}",
        household=head.household if head else f"p{index}",
        middle=middle,
        parent_id=parent_id,
    )


def _given_text(
    source: _Source, person: _Person, noise: int, variants: bool, linked: bool
) -> tuple[str, bool]:
    """How one record writes the given name, and whether it is a placeholder."""
    given = person.given
    if not variants:
        if given in _NICKNAMES and source.chance(noise):
            return _NICKNAMES[given], False
        return (_typo(source, given) if source.chance(noise) else given), False
    # A placeholder hides the given name: never on the record of a twin or of someone
    # whose national id a housemate's form carries, where the name is what tells them apart.
    if not linked and source.chance(noise // 3):
        return _pick(source, _PLACEHOLDERS), True
    if source.chance(noise):
        how = source.integer(0, 4)
        nicknames = _VARIANTS.get(given, ())
        if how == 0 and nicknames:
            given = _pick(source, nicknames)
        elif how == 1 and len(given) >= 5 and given.isalpha():
            given = given[: source.integer(3, 4)]  # Ant for Anthony
        elif how == 2:
            given = _misread(source, given, _MISREAD)
        elif how == 3:
            given = f"{given[0]}."
        else:
            given = _typo(source, given)
    if person.middle and source.chance(50):
        middle = f"{person.middle[0]}." if source.chance(50) else person.middle
        given = f"{given} {middle}"
    return given, False


def _name_text(
    source: _Source, person: _Person, noise: int, variants: bool, linked: bool
) -> tuple[str, bool]:
    """A record's written name, and whether its given name is a placeholder."""
    given, hidden = _given_text(source, person, noise, variants, linked)
    family = person.family
    if source.chance(noise):
        if variants and source.chance(50):
            family = _misread(source, family, _MISREAD)
        else:
            family = _typo(source, family)
    style = source.integer(0, 3) if source.chance(noise * 2) else 0
    if style == 1:
        return f"{family.upper()} {given}", hidden
    if style == 2:
        return f"{family}, {given}", hidden
    if style == 3 and not hidden:
        return f"{given[0]}. {family}", hidden
    if source.chance(noise // 2):  # swapped parts, written as "family given" without clue
        return f"{family} {given}", hidden
    return f"{given} {family}", hidden


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


def _postcode(source: _Source, code: str, percent: int) -> str | None:
    """The postcode as written: with ``percent`` chance, missing or with one digit wrong."""
    if not percent or not source.chance(percent):
        return code
    if source.chance(50):
        return None
    i = source.integer(0, len(code) - 1)
    digit = str((int(code[i]) + source.integer(1, 9)) % 10)
    return code[:i] + digit + code[i + 1 :]


def _record(
    source: _Source,
    normalizer: Normalizer,
    person: _Person,
    record_id: str,
    channel: str,
    options: _Options,
    linked: bool,
    namesake: bool = False,
) -> Record:
    identifiers: list[Any] = []
    noise = options.noise
    name, hidden = _name_text(source, person, noise, options.name_variants, linked)
    # A record whose given name is a placeholder keeps its personal fields and no junk:
    # its family name alone would leave it undecidable between housemates.
    # A namesake's record keeps them too: only the date of birth and the personal
    # identifiers tell a junior from the parent whose name, address and landline they share.
    missing = 0 if hidden or namesake else noise
    junk = options.junk and not hidden

    def add(make: Any, *args: Any, **kwargs: Any) -> None:
        # A corrupted value that does not parse is a missing value.
        with contextlib.suppress(ValueError):
            identifiers.append(make(*args, **kwargs))

    def written_id(value: str) -> str:
        if options.id_errors and source.chance(options.id_errors):
            return _misread(source, value, _MISREAD_DIGITS)  # 0 read as O …
        return value

    for field in _FIELDS[channel]:
        if field != "name" and missing and source.chance(missing):
            continue
        if field == "name":
            add(normalizer.name, name)
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
                postal_code=_postcode(source, postal_code, options.postcode_errors),
                locality=city,
            )
        elif field == "loyalty":
            add(normalizer.external_id, ExternalId.LOYALTY_CARD, written_id(person.loyalty))
        elif field == "national_id":
            value = person.national_id
            if person.parent_id is not None and source.chance(50):
                value = person.parent_id  # a dependant's form with the parent's number
            add(normalizer.external_id, ExternalId.NATIONAL_ID, written_id(value))
    minutes = source.integer(0, 60 * 24 * 365)
    return Record(
        id=record_id,
        source=channel,
        observed_at=_BASE_TIME + dt.timedelta(minutes=minutes),
        identifiers=identifiers,
    )


def _generate(source: _Source, *, people: int, options: _Options) -> Population:
    normalizer = Normalizer(default_region="FR")
    persons: list[_Person] = []
    members: dict[str, list[_Person]] = {}
    births: set[tuple[str, dt.date]] = set()
    addresses: set[tuple[str, str, str]] = set()
    linked: set[str] = set()
    namesakes: set[str] = set()
    named: dict[tuple[str, str], list[dt.date]] = {}
    born: set[dt.date] = set()

    def add_person(source: _Source) -> _Person:
        index = len(persons)
        housemates: list[_Person] = []
        pool = _given_pool(options, ())
        if persons and source.chance(options.household_percent):
            chosen = persons[source.integer(0, len(persons) - 1)]
            candidates = _given_pool(options, members[chosen.household])
            # A full household, or one with every initial taken: live alone.
            if candidates and len(members[chosen.household]) < _MAX_HOUSEHOLD:
                housemates, pool = members[chosen.household], candidates
                head = housemates[0]
                if (
                    options.namesake_percent
                    and head.given.isalpha()  # a single given name (see populations())
                    and not any(m.given == head.given for m in housemates[1:])
                    and source.chance(options.namesake_percent)
                ):
                    pool = (head.given,)  # a junior, named after the first member
        person = _make_person(
            source, index, housemates, pool, options, births, addresses, named, born
        )
        if housemates and (
            person.dob == housemates[0].dob
            or person.parent_id is not None
            or person.given == housemates[0].given
        ):
            # twins, a dependant on the id, or a junior: the name and the date of birth are
            # what tells them apart, so no placeholder hides them
            linked.update((person.id, housemates[0].id))
        if housemates and person.given == housemates[0].given:
            namesakes.update((person.id, housemates[0].id))
        count = source.integer(1, options.max_records_per_person)
        sources[person.id] = [_pick(source, options.sources) for _ in range(count)]
        return person

    # Structure first (people, households, which sources saw them), then each record's
    # noise: shrinking the noise never changes who is who.
    sources: dict[str, list[str]] = {}
    for _ in range(people):
        person = source.group(add_person)
        persons.append(person)
        members.setdefault(person.household, []).append(person)
    records: list[Record] = []
    truth: dict[str, str] = {}
    for person in persons:
        for channel in sources[person.id]:
            record_id = f"r{len(records)}"
            make = functools.partial(
                _record,
                normalizer=normalizer,
                person=person,
                record_id=record_id,
                channel=channel,
                options=options,
                linked=person.id in linked,
                namesake=person.id in namesakes,
            )
            records.append(source.group(make))
            truth[record_id] = person.id
    households = {person.id: person.household for person in persons}
    return Population(records=tuple(records), truth=truth, households=households)


@st.composite
def _populations(draw: Any, min_size: int, max_size: int, options: _Options) -> Population:
    source = _DrawSource(draw)
    people = source.integer(min_size, max_size)
    return _generate(source, people=people, options=options)


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


def _options(
    *,
    max_records_per_person: int,
    noise: int,
    household_percent: int,
    junk: bool,
    twin_percent: int,
    shared_id_percent: int,
    name_variants: bool,
    id_errors: int,
    namesake_percent: int = 0,
    distinct_dates_of_birth: bool = False,
    postcode_errors: int,
    sources: Sequence[str] | None,
) -> _Options:
    """The options checked, each bad one reported as :class:`InvalidArgument`."""
    _check_int("max_records_per_person", max_records_per_person, 1)
    _check_int("noise", noise, 0, 50)
    for name, percent in (
        ("household_percent", household_percent),
        ("twin_percent", twin_percent),
        ("shared_id_percent", shared_id_percent),
        ("namesake_percent", namesake_percent),
        ("id_errors", id_errors),
        ("postcode_errors", postcode_errors),
    ):
        _check_int(name, percent, 0, 100)
    for name, flag in (
        ("junk", junk),
        ("name_variants", name_variants),
        ("distinct_dates_of_birth", distinct_dates_of_birth),
    ):
        if not isinstance(flag, bool):
            raise InvalidArgument(f"{name}={flag!r} must be a bool")
    chosen: tuple[str, ...] = _CHANNELS
    if sources is not None:
        if isinstance(sources, str) or not isinstance(sources, Sequence) or not sources:
            raise InvalidArgument(f"sources={sources!r} must be a non-empty sequence")
        chosen = tuple(dict.fromkeys(sources))
        for name in chosen:
            if name not in _FIELDS:
                raise InvalidArgument(
                    f"sources: {name!r} is not one of {', '.join(sorted(_FIELDS))}"
                )
    return _Options(
        max_records_per_person=max_records_per_person,
        noise=noise,
        household_percent=household_percent,
        junk=junk,
        twin_percent=twin_percent,
        shared_id_percent=shared_id_percent,
        namesake_percent=namesake_percent,
        distinct_dates_of_birth=distinct_dates_of_birth,
        name_variants=name_variants,
        id_errors=id_errors,
        postcode_errors=postcode_errors,
        sources=chosen,
    )


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
    twin_percent: int = 0,
    shared_id_percent: int = 0,
    name_variants: bool = False,
    id_errors: int = 0,
    postcode_errors: int = 0,
    sources: Sequence[str] | None = None,
    namesake_percent: int = 0,
    distinct_dates_of_birth: bool = False,
) -> st.SearchStrategy[Population]:
    """A strategy for :class:`Population` values of a few people with noisy records.

    ``min_size``/``max_size`` bound the number of *people* (default 1 to 6), each seen in
    1 to ``max_records_per_person`` records. ``noise`` is a percentage (0 to 50) steering
    typos, nicknames, swapped names, missing fields and format variants;
    ``household_percent`` the chance that a person joins the household of an earlier one
    (same family name, address and landline; a given name that shares no written form or
    initial with a housemate's); ``junk`` lets placeholder e-mails and phones appear.
    ``min_people``/``max_people`` are the older names of ``min_size``/``max_size``.

    Real person files have more, each off unless asked for:

    * ``twin_percent``: the chance that a person joining a household is a twin of its
      first member (same date of birth);
    * ``shared_id_percent``: the chance that a person joining a household is a dependant
      whose forms carry, half the time, the first member's national id;
    * ``name_variants``: given and family names (and streets) from longer English and
      French tables; given names written as a nickname (Barbara / Bobbie, Jean-Pierre /
      JP, Marie-Thérèse / Maïté), truncated (Ant), misread or mistyped (Paul / Pavl,
      rn / m), as an initial (J.), or replaced by a placeholder (``Female``, ``Baby``,
      ``NFN`` …); some people have a middle name, written in full or as an initial;
    * ``namesake_percent``: the chance that a person joining a household is named after
      its first member (a junior: the same given and family name, at one address, born
      more than a year apart; never a twin, never on the parent's national id; only
      after a single given name, as a compound one reads as a given and a middle name
      that would then agree too), and whose records keep every field;
    * ``distinct_dates_of_birth``: different people never share a date of birth, twins
      apart (by default they may, as in any large file; with it, the draws Hypothesis
      shrinks towards, everyone born on one day at neighbouring addresses, no longer
      look like one person);
    * ``id_errors``: the chance that a written national id or loyalty number has a digit
      misread as a letter (0 / O, 1 / I);
    * ``postcode_errors``: the chance that an address's postcode is missing or has one
      digit wrong;
    * ``sources``: where records come from, each with its own fields: the channels
      ``web``, ``phone``, ``store``, ``email``, ``crm`` (the default), or registers as in
      multi-source person files: ``census`` (name, date of birth, address, landline),
      ``tax`` (name, national id, address), ``social_security`` (name, date of birth,
      national id).

    Truth stays decidable: two different people share a family name and a date of birth
    only as twins; two households share no address (until the street plan, thousands of
    addresses, fills up); housemates' given names never share an initial, except a
    junior's with the first member's; a placeholder never hides the given name of a twin,
    a junior or someone whose id a housemate's form carries, and a record with a
    placeholder keeps its other fields.
    :attr:`Population.households` says who lives with whom. Every noise is a separate
    yes/no draw that shrinks to "no".

    Invalid arguments raise :class:`hypothesis.errors.InvalidArgument` when the strategy
    is first drawn from, as Hypothesis's own strategies do.

    >>> from hypothesis import given
    >>> @given(populations(max_size=3))
    ... def test_truth_covers_every_record(population):
    ...     assert set(population.truth) == {r.id for r in population.records}
    >>> households = populations(
    ...     max_size=4, household_percent=80, twin_percent=50, shared_id_percent=50,
    ...     name_variants=True, sources=["census", "tax", "social_security"],
    ... )
    """

    def build() -> st.SearchStrategy[Population]:
        low, high = _sizes(min_size, max_size, min_people, max_people)
        options = _options(
            max_records_per_person=max_records_per_person,
            noise=noise,
            household_percent=household_percent,
            junk=junk,
            twin_percent=twin_percent,
            shared_id_percent=shared_id_percent,
            name_variants=name_variants,
            id_errors=id_errors,
            postcode_errors=postcode_errors,
            sources=sources,
            namesake_percent=namesake_percent,
            distinct_dates_of_birth=distinct_dates_of_birth,
        )
        return _populations(low, high, options)

    return st.deferred(build)


def synthetic_population(
    people: int,
    *,
    seed: int = 0,
    max_records_per_person: int = 4,
    noise: int = 15,
    household_percent: int = 20,
    junk: bool = True,
    twin_percent: int = 0,
    shared_id_percent: int = 0,
    name_variants: bool = False,
    id_errors: int = 0,
    postcode_errors: int = 0,
    sources: Sequence[str] | None = None,
    namesake_percent: int = 0,
    distinct_dates_of_birth: bool = False,
) -> Population:
    """A population drawn from ``random.Random(seed)``: same seed, same records.

    The options are those of :func:`populations`; bad ones raise
    :class:`hypothesis.errors.InvalidArgument` at once. For a household-rich, multi-source
    file like a real person register:

    >>> register = synthetic_population(
    ...     50, seed=1, max_records_per_person=3, household_percent=35, twin_percent=15,
    ...     shared_id_percent=15, name_variants=True, id_errors=3, postcode_errors=10,
    ...     sources=["census", "tax", "social_security"],
    ... )
    >>> sorted({record.source for record in register.records})
    ['census', 'social_security', 'tax']
    """
    options = _options(
        max_records_per_person=max_records_per_person,
        noise=noise,
        household_percent=household_percent,
        junk=junk,
        twin_percent=twin_percent,
        shared_id_percent=shared_id_percent,
        name_variants=name_variants,
        id_errors=id_errors,
        postcode_errors=postcode_errors,
        sources=sources,
        namesake_percent=namesake_percent,
        distinct_dates_of_birth=distinct_dates_of_birth,
    )
    _check_int("people", people, 0)
    return _generate(_RandomSource(random.Random(seed)), people=people, options=options)


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
