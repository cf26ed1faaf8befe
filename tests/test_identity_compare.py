"""The comparators give exactly the levels of their plain definitions.

The comparators in ``omnicontact.identity._compare`` are written for speed (each similarity
computed once, early exits). The reference functions below are the same definitions written
plainly, one rule after another, as the levels are documented; property tests check that
both give the same level for any pair of values.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import OSA, JaroWinkler

from omnicontact import Normalizer
from omnicontact.identity import Record, Resolver
from omnicontact.identity._compare import (
    ADDRESS_LEVELS,
    Profile,
    _address_level,
    _dob_level,
    _name_level,
    compare_addresses,
    compare_dobs,
    compare_names,
    compare_national_ids,
    soundex,
)
from omnicontact.identity._names import given_names_compatible, name_variants

EXACT, STREET_FUZZY, SAME_AREA, DIFFERENT = range(len(ADDRESS_LEVELS))

# ------------------------------------------------------------------------ reference levels


def _jw(left: str, right: str) -> float:
    return float(JaroWinkler.similarity(left, right))


def _reaches(left: str, right: str, cutoff: float) -> bool:
    # rapidfuzz's own cutoff test, which counts a score a rounding error short as reaching it
    return bool(JaroWinkler.similarity(left, right, score_cutoff=cutoff))


def _crossed(part: str, other: str) -> bool:
    if not part or not other or len(part) == 1:
        return False
    return _reaches(part, other, 0.92)


def reference_name_level(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """The name levels as ``NAME_LEVELS`` documents them, one rule after another."""
    ga, fa, _, sfa, ka = a[:5]
    gb, fb, _, sfb, kb = b[:5]
    if ka == kb:
        return 0 if ga and fa else 4  # the same single part: partial
    every_part = bool(ga and fa and gb and fb)
    if every_part and ga == fb and fa == gb:
        return 1
    given_close = bool(ga and gb and given_names_compatible(ga, gb))
    family_close = bool(fa and fb and (sfa == sfb or _jw(fa, fb) >= 0.88))
    crossed = _crossed(ga, fb) or _crossed(fa, gb)
    if every_part:
        if given_close and _jw(fa, fb) >= 0.92 and _jw(ga, gb) >= 0.92:
            return 2  # fuzzy
        if given_close and family_close:
            return 3  # variant
        if _crossed(ga, fb) and (_crossed(fa, gb) or given_names_compatible(fa, gb)):
            return 3  # swapped, with a typo or a nickname
        if _crossed(fa, gb) and (_crossed(ga, fb) or given_names_compatible(ga, fb)):
            return 3
        if given_close:
            # family parts that are clearly different given names: written family name first
            known = name_variants()
            if fa in known and fb in known and not given_names_compatible(fa, fb):
                return 7
            # a name ending in an initial, read family name first (Martin Margaret K.),
            # against the same family name with a given name that clearly differs
            for (g, f), (og, of) in (((ga, fa), (gb, fb)), ((gb, fb), (ga, fa))):
                if len(f) == 1 and len(g.split()) > 1:
                    family_first, second = g.split()[:2]
                    if family_first == og and not given_names_compatible(second, of):
                        return 7
                    if family_first == of and not given_names_compatible(second, og):
                        return 7
            if len(fa) == 1 or len(fb) == 1:
                return 4  # a family name cut to an initial (John K.) compares as missing
            return 5  # given_only
        if _crossed(ga, fb):  # written the other way round: the other parts must agree
            return 4 if given_names_compatible(fa, gb) else 7
        if _crossed(fa, gb):
            return 4 if given_names_compatible(ga, fb) else 7
        return 7 if family_close else 8  # family_only, different
    # a part is missing on one side
    if fa and fb:
        return 4 if family_close else 6  # partial, partial_mismatch
    if crossed:
        return 4
    if ga and gb:
        return 4 if given_close else 8
    return 6


def reference_dob_level(a: dt.date, b: dt.date) -> int:
    if a == b:
        return 0
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return 1
    if (a.year == b.year) + (a.month == b.month) + (a.day == b.day) == 2:
        # one part differs: by one digit (a typo), or more
        digits = sum(x != y for x, y in zip(f"{a:%Y%m%d}", f"{b:%Y%m%d}", strict=True))
        return 2 if digits == 1 else 3
    if abs((a - b).days) <= 366:
        return 4
    return 5


def reference_address_level(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    # a region tells addresses apart only when both have one, written alike (two codes or
    # two names): IL and MO differ, IL and Illinois cannot be compared
    both_codes_or_names = a[4].isupper() == b[4].isupper()
    if a[4] and b[4] and a[4] != b[4] and both_codes_or_names:
        return 3
    if a[0] == b[0]:
        return 0
    # one address written with its postal code or its locality left out: the same street,
    # the parts both have equal, at least one of them
    parts = [(x, y) for x, y in ((a[2], b[2]), (a[3], b[3])) if x and y]
    if a[1] and a[1] == b[1] and parts and all(x == y for x, y in parts):
        return 0
    same_postcode = bool(
        a[2]
        and b[2]
        and (a[2] == b[2] or (len(a[2]) == len(b[2]) and OSA.distance(a[2], b[2]) <= 1))
    )
    same_area = same_postcode or bool(a[3] and a[3] == b[3])
    if same_area and a[1] and b[1] and _jw(a[1], b[1]) >= 0.88:
        return 1
    return 2 if same_area else 3


def reference_national_id_level(a: list[str], b: list[str]) -> int:
    if any(x == y for x in a for y in b):
        return 0
    if any(OSA.distance(x, y) <= 1 for x in a for y in b):
        return 1
    if any(OSA.distance(x, y) == 2 and min(len(x), len(y)) >= 8 for x in a for y in b):
        return 2
    return 3


# ------------------------------------------------------------------------------ strategies

# Few letters and known names, so that equal, close, nicknamed and swapped parts are common.
_WORDS = ["bob", "robert", "anne", "ann", "smith", "smyth", "martin", "martine", "lee", "j", "a"]
parts = st.one_of(st.sampled_from(_WORDS), st.text(alphabet="aelmnrst", max_size=7), st.just(""))


@st.composite
def name_features(draw: Any) -> tuple[str, str, str, str, str, str]:
    given, family = draw(parts), draw(parts)
    return (given, family, soundex(given), soundex(family), f"{given}|{family}", "")


@st.composite
def swapped_pairs(draw: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Two names whose parts are swapped, sometimes with a letter changed."""
    a = draw(name_features())
    given, family = a[1], a[0]
    if draw(st.booleans()) and family:
        family = family[:-1] + draw(st.sampled_from("aez"))
    return a, (given, family, soundex(given), soundex(family), f"{given}|{family}", "")


dates = st.dates(min_value=dt.date(1988, 1, 1), max_value=dt.date(1992, 12, 31))
postcodes = st.sampled_from(["", "2600", "2601", "2610", "2060", "3000", "26000"])
streets = st.sampled_from(["", "12 main street", "12 main st", "21 main street", "4 high road"])
localities = st.sampled_from(["", "canberra", "sydney"])
# a region feature: a code as it is (upper case), a name folded (lower case)
regions = st.sampled_from(["", "ACT", "NSW", "WA", "new south wales", "victoria", "act"])


@st.composite
def address_features(draw: Any) -> tuple[str, str, str, str, str]:
    street, postcode, locality = draw(streets), draw(postcodes), draw(localities)
    return (f"{street}|{postcode}|{locality}|AU", street, postcode, locality, draw(regions))


# short ids, and long ones (where two edits are a level of their own)
ids = st.text(alphabet="0123", min_size=1, max_size=4) | st.text(
    alphabet="01", min_size=8, max_size=9
)


def holder(**features: Any) -> Any:
    """A stand-in for a profile: the comparators read only its feature tuples."""
    base: dict[str, Any] = {"names": (), "dobs": (), "addresses": (), "national_ids": ()}
    return SimpleNamespace(**{**base, **features})


# ----------------------------------------------------------------------------------- tests


class TestNameLevel:
    @given(name_features(), name_features())
    def test_same_level_as_the_definition(self, a: Any, b: Any) -> None:
        """Any two names fall into the level the plain definition gives."""
        assert _name_level(a, b) == reference_name_level(a, b)

    @given(swapped_pairs())
    def test_swapped_names_same_level_as_the_definition(self, pair: Any) -> None:
        """Swapped parts, with or without a typo, fall into the level of the definition."""
        a, b = pair
        assert _name_level(a, b) == reference_name_level(a, b)

    @given(st.lists(name_features(), max_size=3), st.lists(name_features(), max_size=3))
    def test_several_names_take_the_best_level(self, left: Any, right: Any) -> None:
        """Records with several names compare on their best-agreeing pair; none is missing."""
        expected = (
            min(reference_name_level(x, y) for x in left for y in right) if left and right else None
        )
        assert compare_names(holder(names=tuple(left)), holder(names=tuple(right))) == expected


class TestDobLevel:
    @given(dates, dates)
    def test_same_level_as_the_definition(self, a: dt.date, b: dt.date) -> None:
        """Any two dates fall into the level the plain definition gives."""
        assert _dob_level(a, b) == reference_dob_level(a, b)

    @given(dates)
    def test_transposed_and_near_dates(self, a: dt.date) -> None:
        """Day and month swapped, and dates a year apart, match the definition."""
        others = [a + dt.timedelta(days=days) for days in (365, 366, 367, -366, -367)]
        if a.day <= 12:
            others.append(a.replace(month=a.day, day=a.month))
        for b in others:
            assert _dob_level(a, b) == reference_dob_level(a, b)

    @given(st.lists(dates, max_size=3), st.lists(dates, max_size=3))
    def test_several_dates_take_the_best_level(self, left: Any, right: Any) -> None:
        """Records with several dates compare on their best-agreeing pair."""
        expected = (
            min(reference_dob_level(x, y) for x in left for y in right) if left and right else None
        )
        assert compare_dobs(holder(dobs=tuple(left)), holder(dobs=tuple(right))) == expected


class TestAddressLevel:
    @given(address_features(), address_features())
    def test_same_level_as_the_definition(self, a: Any, b: Any) -> None:
        """Any two addresses fall into the level the plain definition gives."""
        assert _address_level(a, b) == reference_address_level(a, b)

    @given(st.lists(address_features(), max_size=2), st.lists(address_features(), max_size=2))
    def test_several_addresses_take_the_best_level(self, left: Any, right: Any) -> None:
        """Records with several addresses compare on their best-agreeing pair."""
        expected = (
            min(reference_address_level(x, y) for x in left for y in right)
            if left and right
            else None
        )
        got = compare_addresses(holder(addresses=tuple(left)), holder(addresses=tuple(right)))
        assert got == expected


US = Normalizer(default_region="US")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def address_profile(record_id: str, region: str | None, street: str = "12 Main St") -> Profile:
    """The profile of a record with one Springfield address in ``region``."""
    address = US.address(lines=street, locality="Springfield", region=region)
    return Profile(Record(id=record_id, source="s", observed_at=T0, identifiers=[address]))


class TestAddressRegion:
    def test_one_locality_in_two_states_is_not_one_area(self) -> None:
        """Springfield, IL and Springfield, MO share a locality name, not an area: their
        addresses are different, with the same street or another."""
        illinois = address_profile("a", "IL")
        assert compare_addresses(illinois, address_profile("b", "MO")) == DIFFERENT
        assert compare_addresses(illinois, address_profile("c", "mo", "12 Main Street")) == (
            DIFFERENT
        )
        assert compare_addresses(illinois, address_profile("d", "MO", "40 Elm St")) == DIFFERENT

    def test_the_same_state_keeps_the_area(self) -> None:
        """Two Springfield, IL addresses are in one area, as without regions."""
        illinois = address_profile("a", "IL")
        assert compare_addresses(illinois, address_profile("b", "il", "40 Elm St")) == SAME_AREA
        assert compare_addresses(
            address_profile("c", None), address_profile("d", None, "40 Elm St")
        ) == (SAME_AREA)

    def test_the_same_address_with_and_without_region_is_exact(self) -> None:
        """A region on one side only is no evidence: the same street is still exact."""
        assert compare_addresses(address_profile("a", "IL"), address_profile("b", None)) == EXACT
        assert compare_addresses(address_profile("a", None), address_profile("b", "MO")) == EXACT

    def test_a_missing_region_is_never_evidence(self) -> None:
        """With the region on one side only, the level is the one of no region at all."""
        for street in ("12 Main St", "12 Main Street", "40 Elm St"):
            without = compare_addresses(
                address_profile("a", None), address_profile("b", None, street)
            )
            assert (
                compare_addresses(address_profile("a", "IL"), address_profile("b", None, street))
                == without
            )

    def test_a_code_and_a_name_are_not_compared(self) -> None:
        """IL and Illinois cannot be told apart without a table of states: no evidence."""
        level = compare_addresses(
            address_profile("a", "IL"), address_profile("b", "Illinois", "40 Elm St")
        )
        assert level == SAME_AREA

    def test_a_short_name_is_not_a_code(self) -> None:
        """A region name of three letters that are not all ASCII (Île) is a name: compared
        with a code it is no evidence, with the same name written otherwise it agrees."""
        ile = address_profile("a", "Île")
        assert ile.addresses[0][4] == "ile"
        assert compare_addresses(ile, address_profile("b", "IL", "40 Elm St")) == SAME_AREA
        assert compare_addresses(ile, address_profile("c", "ÎLE", "40 Elm St")) == SAME_AREA
        assert compare_addresses(ile, address_profile("d", "Ohio", "40 Elm St")) == DIFFERENT

    def test_two_names_that_differ_are_two_areas(self) -> None:
        """Two region names that differ (once folded) keep the localities apart."""
        level = compare_addresses(
            address_profile("a", "Illinois"), address_profile("b", "Missouri", "40 Elm St")
        )
        assert level == DIFFERENT
        same = compare_addresses(
            address_profile("a", "Île-de-France"),
            address_profile("b", "ILE DE FRANCE", "40 Elm St"),
        )
        assert same == SAME_AREA

    def test_a_resolver_explains_the_regions_apart(self) -> None:
        """End to end: the resolver scores the Springfield, IL / MO pair's address as
        different, and the same street with and without a state as exact."""
        name = US.name("Ann Smith")

        def record(record_id: str, region: str | None) -> Record:
            address = US.address(lines="12 Main St", locality="Springfield", region=region)
            return Record(id=record_id, source="s", observed_at=T0, identifiers=[name, address])

        resolver = Resolver(clock=lambda: T0)
        resolver.resolve_many([record("il", "IL"), record("mo", "MO"), record("none", None)])
        levels = {
            pair: {c.field: c.level for c in resolver.explain(*pair).evidence.comparisons}
            for pair in (("il", "mo"), ("il", "none"))
        }
        assert levels[("il", "mo")]["address"] == "different"
        assert levels[("il", "none")]["address"] == "exact"


class TestNationalIdLevel:
    @given(st.lists(ids, max_size=3), st.lists(ids, max_size=3))
    def test_same_level_as_the_definition(self, left: Any, right: Any) -> None:
        """Exact, one edit apart, two edits apart (ids of 8 characters or more) or different,
        on the best-agreeing pair of ids."""
        expected = reference_national_id_level(left, right) if left and right else None
        got = compare_national_ids(
            holder(national_ids=tuple(left)), holder(national_ids=tuple(right))
        )
        assert got == expected
