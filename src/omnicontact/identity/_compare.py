"""Comparisons of person data between two records, as discrete comparison levels.

Each comparison (``name``, ``date_of_birth``, ``address``, ``national_id``) sorts a pair of
records into one of its levels, strongest first, or into *missing* (``None``) when either
record lacks the data: a missing value is never evidence. Records carrying several values
of one kind are compared on their best-agreeing pair of values.

String similarity is Jaro-Winkler from rapidfuzz (a compiled, well-kept implementation;
pure Python would dominate the resolver's run time). The phonetic code is a Soundex
variant, cheap and good enough to catch ``Dupont``/``Dupond``; nicknames come from a small
built-in table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler

from .._identifiers import DateOfBirth, ExternalId, PersonName, PostalAddress
from ._record import Record

__all__ = [
    "COMPARATORS",
    "LEVELS",
    "Profile",
    "name_signature",
    "nicknames_match",
    "soundex",
]

_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


@lru_cache(maxsize=65536)
def soundex(text: str) -> str:
    """A Soundex code for each word of a folded string, joined by spaces.

    Words with letters outside ``a``-``z`` are kept whole (no phonetic code for them).

    >>> soundex("dupont"), soundex("dupond")
    ('D153', 'D153')
    """
    codes = []
    for word in text.split():
        if not word.isascii() or not word.isalpha():
            codes.append(word)
            continue
        first = word[0]
        digits = []
        last = _SOUNDEX_CODES.get(first, "")
        for letter in word[1:]:
            code = _SOUNDEX_CODES.get(letter, "")
            if code and code != last:
                digits.append(code)
            if letter not in "hw":
                last = code
        codes.append((first.upper() + "".join(digits) + "000")[:4])
    return " ".join(codes)


_NICKNAME_GROUPS = (
    ("robert", "bob", "bobby", "rob", "robbie", "bert"),
    ("william", "bill", "billy", "will", "willy", "liam"),
    ("richard", "rick", "ricky", "dick", "rich"),
    ("james", "jim", "jimmy", "jamie"),
    ("john", "jack", "johnny", "jon"),
    ("margaret", "maggie", "meg", "peggy", "marguerite", "margot"),
    ("elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "elisabeth", "elise"),
    ("katherine", "catherine", "kate", "kathy", "cathy", "katie", "cath"),
    ("michael", "mike", "mick", "mickey", "michel"),
    ("thomas", "tom", "tommy"),
    ("alexander", "alex", "alexandre", "sasha", "sandro"),
    ("alexandra", "alex", "sandra", "sasha"),
    ("christopher", "chris", "kit"),
    ("christine", "chris", "christina", "tina"),
    ("daniel", "dan", "danny"),
    ("david", "dave", "davy"),
    ("edward", "ed", "eddie", "ted", "teddy"),
    ("joseph", "joe", "joey", "jo"),
    ("nicholas", "nick", "nicolas", "nico"),
    ("patrick", "pat", "paddy"),
    ("patricia", "pat", "patty", "trish"),
    ("anthony", "tony", "antoine"),
    ("benjamin", "ben", "benny"),
    ("samuel", "sam", "sammy"),
    ("jennifer", "jen", "jenny"),
    ("rebecca", "becky", "becca"),
    ("susan", "sue", "susie", "suzanne"),
    ("frederic", "fred", "freddy", "frederick"),
    ("francois", "franck", "frank", "francis"),
    ("guillaume", "will"),
    ("jean baptiste", "jb"),
    ("jean pierre", "jp"),
    ("marie", "mary", "maria"),
)
_NICKNAMES: dict[str, frozenset[int]] = {}
for _index, _group in enumerate(_NICKNAME_GROUPS):
    for _name in _group:
        _NICKNAMES[_name] = _NICKNAMES.get(_name, frozenset()) | {_index}


def nicknames_match(left: str, right: str) -> bool:
    """Whether two folded given names are known variants of one name (``bob``, ``robert``)."""
    groups = _NICKNAMES.get(left)
    return bool(groups and groups & _NICKNAMES.get(right, frozenset()))


def name_signature(name: PersonName) -> frozenset[str]:
    """A coarse, order-free signature of a name: the phonetic codes of its two parts.

    Typos and swapped given/family parts keep the signature; different people in one
    household do not share it. Used to tell a shared phone or email from a personal one.
    """
    return frozenset(code for code in (soundex(name.given_key), soundex(name.family_key)) if code)


class Profile:
    """The comparison features of one record, computed once and kept while it is resolved.

    A resolver keeps one profile per record, so the features are held in tuples (a tenth
    of the memory of small sets) and strings are shared with the record where possible.
    """

    __slots__ = (
        "addresses",
        "dobs",
        "names",
        "national_ids",
        "record",
        "rule_flat",
    )

    def __init__(self, record: Record, *, rule_keys: Iterable[tuple[str, str]] = ()) -> None:
        self.record = record
        self.rule_flat: tuple[str, ...] = (
            tuple(part for pair in sorted(set(rule_keys)) for part in pair) if rule_keys else ()
        )
        """:attr:`rule_keys` laid flat (name, key, name, key …): a third of the memory."""
        names: list[tuple[str, str, str, str, str]] = []
        dobs: list[dt.date] = []
        addresses: list[tuple[str, str, str, str]] = []
        national_ids: list[str] = []
        for item in record.identifiers:
            # a record holds the identifier classes themselves, never subclasses
            if type(item) is PersonName:
                given, family = item.given_key, item.family_key  # each folded once
                s_given, s_family = soundex(given), soundex(family)
                names.append((given, family, s_given, s_family, f"{given}|{family}"))
            elif type(item) is DateOfBirth:
                dobs.append(item.value)
            elif type(item) is PostalAddress:
                # the key is street|postal code|locality|country; each part is kept (and
                # shared) by the address itself
                addresses.append(
                    (item.key, item.street_key, item.postal_code_key, item.locality_key)
                )
            elif type(item) is ExternalId and item.namespace == ExternalId.NATIONAL_ID:
                national_ids.append(item.value)
        self.names = tuple(names)
        self.dobs = tuple(dobs)
        self.addresses = tuple(addresses)
        self.national_ids = tuple(national_ids)

    @property
    def rule_keys(self) -> tuple[tuple[str, str], ...]:
        """``(rule name, identifier key)`` for each usable (non-junk) rule identifier."""
        flat = self.rule_flat
        return tuple(zip(flat[::2], flat[1::2], strict=True))

    def shares_rule_key(self, other: Profile) -> list[tuple[str, str]]:
        """The ``(rule name, identifier key)`` pairs this profile and ``other`` both have."""
        mine, theirs = self.rule_flat, other.rule_flat
        common = []
        if mine and theirs:
            for i in range(0, len(mine), 2):
                for j in range(0, len(theirs), 2):
                    if mine[i + 1] == theirs[j + 1] and mine[i] == theirs[j]:
                        common.append((mine[i], mine[i + 1]))
        return common

    @property
    def signatures(self) -> frozenset[tuple[str, ...]]:
        """The signatures of the record's names: what :func:`name_signature` gives, sorted."""
        return frozenset(
            tuple(sorted({code for code in (name[2], name[3]) if code})) for name in self.names
        )


NameFeatures = tuple[str, str, str, str, str]

NAME_LEVELS = (
    "exact",
    "swapped",
    "fuzzy",
    "phonetic_or_nickname",
    "partial",
    "given_only",
    "family_only",
    "different",
)
DOB_LEVELS = ("exact", "transposed", "one_part", "within_year", "different")
ADDRESS_LEVELS = ("exact", "street_fuzzy", "same_area", "different")
NATIONAL_ID_LEVELS = ("exact", "one_edit", "different")

LEVELS: dict[str, tuple[str, ...]] = {
    "name": NAME_LEVELS,
    "date_of_birth": DOB_LEVELS,
    "address": ADDRESS_LEVELS,
    "national_id": NATIONAL_ID_LEVELS,
}
"""The level names of each built-in comparison, strongest first."""


_similarity = JaroWinkler.similarity
_edits = OSA.distance
_NO_GROUPS: frozenset[int] = frozenset()


def _jw(left: str, right: str) -> float:
    return float(_similarity(left, right))


def _given_close(a: str, b: str, sa: str, sb: str, similarity: float | None) -> bool:
    if not a or not b:
        return False
    if len(a) == 1 or len(b) == 1:  # an initial
        return a[0] == b[0]
    return sa == sb or nicknames_match(a, b) or (similarity or 0.0) >= 0.88


def _name_level(a: NameFeatures, b: NameFeatures) -> int:
    ga, fa, sga, sfa, ka = a
    gb, fb, sgb, sfb, kb = b
    if ka == kb:
        return 0
    if ga and fa and gb and fb:
        # Both names have both parts: the common case, written out for speed (each
        # similarity is computed once, only where a level needs it).
        if ga == fb and fa == gb:
            return 1
        given_sim = _similarity(ga, gb)
        family_sim = _similarity(fa, fb)
        if given_sim >= 0.92 and family_sim >= 0.92:
            return 2
        family_close = sfa == sfb or family_sim >= 0.88
        if len(ga) == 1 or len(gb) == 1:  # an initial
            given_close = ga[0] == gb[0]
        else:
            groups = _NICKNAMES.get(ga)
            given_close = (
                sga == sgb
                or given_sim >= 0.88
                or bool(groups and groups & _NICKNAMES.get(gb, _NO_GROUPS))
            )
        if family_close and given_close:
            return 3
        if _similarity(f"{ga} {fa}", f"{fb} {gb}", score_cutoff=0.92) >= 0.92:
            return 3  # swapped parts with a typo
        if given_close:
            return 5
        if family_close:
            return 6
        if (len(ga) > 1 and _similarity(ga, fb, score_cutoff=0.92)) or (
            len(fa) > 1 and _similarity(fa, gb, score_cutoff=0.92)
        ):
            return 6  # one part written in the other field: no more than one part agreeing
        return 7
    # A part is missing on one side: judge on the parts both records have.
    if fa and fb and (sfa == sfb or _similarity(fa, fb) >= 0.88):
        return 4
    if _given_close(ga, gb, sga, sgb, _jw(ga, gb) if ga and gb else None):
        return 4
    if _crossed(ga, fb) or _crossed(fa, gb):
        return 4  # one part written in the other field
    return 7


def _crossed(part: str, other: str) -> bool:
    if not part or not other or len(part) == 1:
        return False
    return bool(_similarity(part, other, score_cutoff=0.92))


def compare_names(a: Profile, b: Profile) -> int | None:
    left, right = a.names, b.names
    if not left or not right:
        return None
    if len(left) == 1 and len(right) == 1:  # the common case, without a generator
        return _name_level(left[0], right[0])
    return min(_name_level(x, y) for x in left for y in right)


def _dob_level(a: dt.date, b: dt.date) -> int:
    if a == b:
        return 0
    if a.year == b.year:
        # Within one calendar year, so never more than 365 days apart.
        if a.day == b.month and a.month == b.day:
            return 1
        return 2 if a.month == b.month or a.day == b.day else 3
    if a.month == b.month and a.day == b.day:
        return 2
    return 3 if -366 <= a.toordinal() - b.toordinal() <= 366 else 4


def compare_dobs(a: Profile, b: Profile) -> int | None:
    left, right = a.dobs, b.dobs
    if not left or not right:
        return None
    if len(left) == 1 and len(right) == 1:
        return _dob_level(left[0], right[0])
    return min(_dob_level(x, y) for x in left for y in right)


def _same_postcode(a: str, b: str) -> bool:
    """Equal postal codes, or one typo apart (a digit changed or two swapped)."""
    if not a or not b:
        return False
    return a == b or (len(a) == len(b) and _edits(a, b, score_cutoff=1) <= 1)


def _address_level(a: tuple[str, str, str, str], b: tuple[str, str, str, str]) -> int:
    if a[0] == b[0]:
        return 0
    locality = a[3]
    if (locality and locality == b[3]) or _same_postcode(a[2], b[2]):
        street, other = a[1], b[1]
        return 1 if street and other and _similarity(street, other) >= 0.88 else 2
    return 3


def compare_addresses(a: Profile, b: Profile) -> int | None:
    left, right = a.addresses, b.addresses
    if not left or not right:
        return None
    if len(left) == 1 and len(right) == 1:
        return _address_level(left[0], right[0])
    return min(_address_level(x, y) for x in left for y in right)


def compare_national_ids(a: Profile, b: Profile) -> int | None:
    left, right = a.national_ids, b.national_ids
    if not left or not right:
        return None
    if len(left) == 1 and len(right) == 1:
        x, y = left[0], right[0]
        return 0 if x == y else 1 if _edits(x, y, score_cutoff=1) <= 1 else 2
    best = 2
    for x in left:
        for y in right:
            if x == y:
                return 0
            if _edits(x, y, score_cutoff=1) <= 1:
                best = 1
    return best


COMPARATORS: dict[str, Callable[[Profile, Profile], int | None]] = {
    "name": compare_names,
    "date_of_birth": compare_dobs,
    "address": compare_addresses,
    "national_id": compare_national_ids,
}
"""The built-in comparisons by field name: each gives a level index or ``None`` (missing)."""


_EXACT_VALUES: dict[str, Callable[[Profile], Sequence[str]]] = {
    "name": lambda profile: [features[4] for features in profile.names],
    "date_of_birth": lambda profile: [value.isoformat() for value in profile.dobs],
    "address": lambda profile: [features[0] for features in profile.addresses],
    "national_id": lambda profile: profile.national_ids,
}


def _no_values(_profile: Profile) -> Sequence[str]:
    return ()


def exact_values_of(field: str) -> Callable[[Profile], Sequence[str]]:
    """The function giving a profile's :func:`exact_values` for ``field`` (looked up once)."""
    return _EXACT_VALUES.get(field, _no_values)


def exact_values(field: str, profile: Profile) -> Sequence[str]:
    """The values whose frequency adjusts the exact level of ``field`` (term frequencies)."""
    return exact_values_of(field)(profile)
