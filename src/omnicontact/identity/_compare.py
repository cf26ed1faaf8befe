"""Comparisons of person data between two records, as discrete comparison levels.

Each comparison (``name``, ``date_of_birth``, ``address``, ``national_id``) sorts a pair of
records into one of its levels, strongest first, or into *missing* (``None``) when either
record lacks the data: a missing value is never evidence. Records carrying several values
of one kind are compared on their best-agreeing pair of values.

String similarity is Jaro-Winkler from rapidfuzz (a compiled, well-kept implementation;
pure Python would dominate the resolver's run time). The phonetic code is a Soundex
variant, cheap and good enough to catch ``Dupont``/``Dupond`` in family names. Given names
are judged by :func:`~omnicontact.identity._names.given_names_compatible`: nicknames from a
curated data set, truncations, initials, typing and OCR slips; two given names that are
none of these *clearly differ*, which is what tells two members of a household apart.
Placeholder names (``Baby``, ``Unknown``) are read as missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler

from .._identifiers import (
    DateOfBirth,
    ExternalId,
    PersonName,
    PostalAddress,
    id_comparison_form,
    is_region_code,
)
from ._names import (
    are_variants,
    given_names_compatible,
    is_placeholder,
    name_variants,
)
from ._record import Record

__all__ = [
    "COMPARATORS",
    "LEVELS",
    "Profile",
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


NameFeatures = tuple[str, str, str, str, str, str]
"""given, family, their phonetic codes, ``given|family``, and the middle names (space-separated).

The given and family parts are folded and empty when missing or a placeholder; the middle
names are the given name's words after the first plus an explicit middle name.
"""


def _name_features(name: PersonName) -> NameFeatures | None:
    """The comparison features of a name, or ``None`` when only placeholders are left."""
    given, family = name.given_key, name.family_key  # each folded once
    if is_placeholder(given):
        given = ""  # also a family placeholder written first ("Unknown Smith")
    if is_placeholder(family):
        family = ""  # also a given placeholder written last ("Bell NFN")
    if not given and not family:
        return None
    middle = "" if name.middle is None or is_placeholder(name.middle_key) else name.middle_key
    if middle and given and " " not in middle and are_variants(given.partition(" ")[0], middle):
        middle = ""  # the given name's own nickname (Patricia, middle Tricia): no middle name
    if " " in given:
        first, _, rest = given.partition(" ")
        middle = f"{rest} {middle}" if middle else rest
        if is_placeholder(first):
            given = rest
    unchanged = name.middle is None and given is name.given_key and family is name.family_key
    full = name.key if unchanged else f"{given}|{family}"  # the name's own string if it can
    return (given, family, soundex(given), soundex(family), full, middle)


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
        names: list[NameFeatures] = []
        dobs: list[dt.date] = []
        addresses: list[tuple[str, str, str, str, str]] = []
        national_ids: list[str] = []
        for item in record.identifiers:
            # a record holds the identifier classes themselves, never subclasses
            if type(item) is PersonName:
                features = _name_features(item)
                if features is not None:
                    names.append(features)
            elif type(item) is DateOfBirth:
                dobs.append(item.value)
            elif type(item) is PostalAddress:
                # the key is street|postal code|locality|country; each part is kept (and
                # shared) by the address itself. The region, no part of the key, comes last:
                # a code as it is (upper case), a name folded (never upper case), so that a
                # comparison tells codes from names.
                region = item.region
                if region is not None and not is_region_code(region):
                    region = item.region_key
                addresses.append(
                    (
                        item.key,
                        item.street_key,
                        item.postal_code_key,
                        item.locality_key,
                        region or "",
                    )
                )
            elif type(item) is ExternalId and item.namespace == ExternalId.NATIONAL_ID:
                national_ids.append(id_comparison_form(item.value))
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


NAME_LEVELS = (
    "exact",
    "swapped",
    "fuzzy",
    "variant",
    "partial",
    "given_only",
    "partial_mismatch",
    "family_only",
    "different",
)
"""Levels of the name comparison, strongest first.

``exact``: same given and family names; ``swapped``: the two parts exchanged; ``fuzzy``:
both parts within a typo; ``variant``: compatible given names (a nickname, a truncation,
an initial, a slip) and close family names; ``partial``: a part is missing on one side
(or both) and the parts both have agree, or one record's parts are written the other way
round and agree, or a family name is cut to an initial (John K. / John Smith);
``given_only``: compatible given names, different family names (a change of name; unless
both family parts are given names that clearly differ, read as names written family name
first); ``partial_mismatch``: a part is missing on one side and the family names differ
(or nothing compares); ``family_only``: the given names clearly differ but the family
names agree, as written or the other way round (a household: siblings, twins, a parent
and child); ``different``: the given names clearly differ and the family names do not
agree.
"""
MIDDLE_NAME_LEVELS = ("exact", "initial", "variant", "different")
"""Levels of the middle-name comparison (missing unless both records carry a middle name)."""
DOB_LEVELS = ("exact", "transposed", "one_digit", "one_part", "within_year", "different")
"""Levels of the date-of-birth comparison: ``transposed``, day and month swapped;
``one_digit``, one digit of the date changed (a typo: 1930-05-28 / 1930-05-08);
``one_part``, the same day and month or the same year and one of them; ``within_year``,
less than a year apart."""
ADDRESS_LEVELS = ("exact", "street_fuzzy", "same_area", "different")
NATIONAL_ID_LEVELS = ("exact", "one_edit", "two_edits", "different")
"""Levels of the national-id comparison: ``one_edit``, one character changed, added,
dropped, or two neighbours swapped; ``two_edits``, two such edits in an id of eight
characters or more (a shorter id two edits apart is ``different``)."""

LEVELS: dict[str, tuple[str, ...]] = {
    "name": NAME_LEVELS,
    "middle_name": MIDDLE_NAME_LEVELS,
    "date_of_birth": DOB_LEVELS,
    "address": ADDRESS_LEVELS,
    "national_id": NATIONAL_ID_LEVELS,
}
"""The level names of each built-in comparison, strongest first."""


_similarity = JaroWinkler.similarity
_edits = OSA.distance


def _family_close(fa: str, fb: str, sfa: str, sfb: str) -> bool:
    return sfa == sfb or _similarity(fa, fb, score_cutoff=0.88) >= 0.88


def _name_level(a: NameFeatures, b: NameFeatures) -> int:
    ga, fa, _, sfa, ka, _ = a
    gb, fb, _, sfb, kb, _ = b
    if ka == kb:
        # the same name; with a part missing (or a placeholder) on both sides, the same
        # part only: Baby Martin and Female Martin may be any two of a household
        return 0 if ga and fa else 4
    if ga and fa and gb and fb:
        # Both names have both parts: the common case, written out for speed (each
        # similarity is computed once, only where a level needs it).
        if ga == fb and fa == gb:
            return 1
        given_close = given_names_compatible(ga, gb)
        family_sim = _similarity(fa, fb)
        if given_close and family_sim >= 0.92 and _similarity(ga, gb) >= 0.92:
            return 2
        family_close = sfa == sfb or family_sim >= 0.88
        if family_close and given_close:
            return 3
        if _swapped(ga, fa, gb, fb) or _swapped(gb, fb, ga, fa):
            return 3  # swapped parts with a typo or a nickname
        if given_close:
            # Both family parts are given names that clearly differ: most likely two names
            # written family name first (Martin Margaret / Martin Anthony), a household.
            groups = name_variants()
            if fa in groups and fb in groups and not given_names_compatible(fa, fb):
                return 7
            if _family_first_differs(ga, fa, gb, fb) or _family_first_differs(gb, fb, ga, fa):
                return 7
            if len(fa) == 1 or len(fb) == 1:
                return 4  # a family name cut to an initial: partial, as if missing
            return 5
        if _crossed(ga, fb):  # one record's parts written the other way round
            return 4 if given_names_compatible(fa, gb) else 7
        if _crossed(fa, gb):
            return 4 if given_names_compatible(ga, fb) else 7
        return 7 if family_close else 8
    # A part is missing on one side: judge on the parts both records have.
    if fa and fb:  # then a given name is missing on one side at least
        return 4 if _family_close(fa, fb, sfa, sfb) else 6
    if _crossed(ga, fb) or _crossed(fa, gb):
        return 4  # one part written in the other field
    if ga and gb:  # then a family name is missing on one side at least
        return 4 if given_names_compatible(ga, gb) else 8
    return 6


def _family_first_differs(given: str, family: str, other_given: str, other_family: str) -> bool:
    """Whether a name ending in an initial (``Martin Margaret K.``: given ``martin
    margaret``, family ``k``), read family name first (Martin, Margaret, K.), has the other
    name's family name and a given name that clearly differs from the other's: a household
    written family name first."""
    if len(family) != 1 or " " not in given:
        return False
    first, _, rest = given.partition(" ")
    rest = rest.split()[0]
    if first == other_given and other_family:
        return not given_names_compatible(rest, other_family)
    if first == other_family and other_given:
        return not given_names_compatible(rest, other_given)
    return False


def _swapped(given: str, family: str, other_given: str, other_family: str) -> bool:
    """Whether one name is the other written the other way round, with a typo in a part or
    a nickname for the given name: each part close to the other's other part."""
    return _crossed(given, other_family) and (
        _crossed(family, other_given) or given_names_compatible(family, other_given)
    )


def _crossed(part: str, other: str) -> bool:
    if not part or not other or len(part) == 1:
        return False
    return bool(_similarity(part, other, score_cutoff=0.92))


_SAME_PERSON_LEVELS = 5
"""Name levels up to ``given_only``: the two names may be one person's."""


def distinct_people(names: Iterable[NameFeatures], enough: int) -> int:
    """How many people the names belong to at least, counted up to ``enough``.

    Names that may be one person's (a typo, a nickname, an initial, a changed family name)
    count once; names that clearly differ count apart. The names are taken in the order of
    their keys, so the count depends only on the set of names.

    >>> from omnicontact import PersonName
    >>> names = [_name_features(PersonName(given=g, family="Ray")) for g in ("Bob", "Robert")]
    >>> distinct_people([n for n in names if n], 3)
    1
    """
    seen: list[NameFeatures] = []
    for name in sorted(set(names), key=_name_key):
        if all(_name_level(name, other) > _SAME_PERSON_LEVELS for other in seen):
            seen.append(name)
            if len(seen) >= enough:
                break
    return len(seen)


def _name_key(name: NameFeatures) -> tuple[str, str]:
    return (name[4], name[5])


def compare_names(a: Profile, b: Profile) -> int | None:
    left, right = a.names, b.names
    if not left or not right:
        return None
    if len(left) == 1 and len(right) == 1:  # the common case, without a generator
        return _name_level(left[0], right[0])
    return min(_name_level(x, y) for x in left for y in right)


def _middle_level(a: str, b: str) -> int:
    if a == b:
        return 0
    left, right = a.split(), b.split()
    if len(left) > len(right):
        left, right = right, left
    # the shorter list of middle names must fit the longer one, name by name
    best = 0
    for mine, theirs in zip(left, right, strict=False):
        if mine == theirs:
            continue
        if len(mine) == 1 or len(theirs) == 1:
            if mine[0] != theirs[0]:
                return 3
            best = max(best, 1)
        elif given_names_compatible(mine, theirs):
            best = max(best, 2)
        else:
            return 3
    return best


def compare_middle_names(a: Profile, b: Profile) -> int | None:
    best: int | None = None
    for x in a.names:
        if not x[5]:
            continue
        for y in b.names:
            if y[5]:
                level = _middle_level(x[5], y[5])
                best = level if best is None else min(best, level)
    return best


def _dob_level(a: dt.date, b: dt.date) -> int:
    if a == b:
        return 0
    if a.year == b.year:
        # Within one calendar year, so never more than 365 days apart.
        if a.day == b.month and a.month == b.day:
            return 1
        if a.month == b.month or a.day == b.day:
            return 2 if _one_digit(a, b) else 3
        return 4
    if a.month == b.month and a.day == b.day:
        return 2 if _one_digit(a, b) else 3
    return 4 if -366 <= a.toordinal() - b.toordinal() <= 366 else 5


def _one_digit(a: dt.date, b: dt.date) -> bool:
    """Whether two dates that share two of their parts differ in one digit of the third."""
    x, y = a.isoformat(), b.isoformat()
    return sum(1 for p, q in zip(x, y, strict=True) if p != q) == 1


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


def _address_level(a: tuple[str, str, str, str, str], b: tuple[str, str, str, str, str]) -> int:
    """The level of two addresses' features (key, street, postal code, locality, region).

    Regions that differ make the addresses ``different`` whatever else they share
    (Springfield, IL and Springfield, MO share a name, not an area, and 12 Main St is two
    houses there). Otherwise: ``exact`` on the key (which has no region, so one address
    written with and without its state is exact); ``street_fuzzy`` and ``same_area`` in one
    area, a locality or postal code shared. A region missing on either side is no evidence,
    nor a code against a name (``IL``, ``Illinois``: no table of them is kept).
    """
    region, other_region = a[4], b[4]
    if (
        region != other_region
        and region
        and other_region
        and is_region_code(region) == is_region_code(other_region)
    ):
        return 3
    if a[0] == b[0] or _same_but_missing(a, b):
        return 0
    locality = a[3]
    if (locality and locality == b[3]) or _same_postcode(a[2], b[2]):
        street, other = a[1], b[1]
        return 1 if street and other and _similarity(street, other) >= 0.88 else 2
    return 3


def _same_but_missing(a: tuple[str, str, str, str, str], b: tuple[str, str, str, str, str]) -> bool:
    """Whether two addresses are one written with a part left out: the same street and
    country, the postal code or the locality missing on one side, and one of them the same
    on both (``12 rue Pasteur, 75009 Paris`` / ``12 rue Pasteur, Paris``)."""
    if not a[1] or a[1] != b[1] or a[0].rpartition("|")[2] != b[0].rpartition("|")[2]:
        return False
    postcodes, localities = (a[2], b[2]), (a[3], b[3])
    if (all(postcodes) and a[2] != b[2]) or (all(localities) and a[3] != b[3]):
        return False  # a part both have differs
    return bool(all(postcodes) or all(localities))


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
        return _national_id_level(left[0], right[0])
    return min(_national_id_level(x, y) for x in left for y in right)


def _national_id_level(x: str, y: str) -> int:
    if x == y:
        return 0
    edits = _edits(x, y, score_cutoff=2)
    if edits <= 1:
        return 1
    return 2 if edits == 2 and min(len(x), len(y)) >= 8 else 3


COMPARATORS: dict[str, Callable[[Profile, Profile], int | None]] = {
    "name": compare_names,
    "middle_name": compare_middle_names,
    "date_of_birth": compare_dobs,
    "address": compare_addresses,
    "national_id": compare_national_ids,
}
"""The built-in comparisons by field name: each gives a level index or ``None`` (missing)."""


_EXACT_VALUES: dict[str, Callable[[Profile], Sequence[str]]] = {
    "name": lambda profile: [features[4] for features in profile.names],
    "middle_name": lambda profile: [features[5] for features in profile.names if features[5]],
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
