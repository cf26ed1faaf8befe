"""Blocking keys: the optimized key builder agrees with a plain statement of each rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from omnicontact.identity import BLOCKING_RULES, Blocking, MatchModel, Record
from omnicontact.identity._compare import Profile
from omnicontact.testing import populations, records


def reference_keys(rules: tuple[str, ...], profile: Profile) -> frozenset[str]:
    """Each blocking rule as the module docstring states it, written plainly."""
    keys: set[str] = set()
    dobs = [value.isoformat() for value in profile.dobs]
    postcodes = {a[2] for a in profile.addresses if a[2]}
    if "id" in rules:
        keys |= {f"id:{key}" for _rule, key in profile.rule_keys}
        keys |= {f"id:national_id:{value}" for value in profile.national_ids}
    for given_key, family, s_given, s_family, full, _middle in profile.names:
        if "family_dob" in rules and family:
            keys |= {f"family_dob:{family}|{dob}" for dob in dobs}
        if "given_dob" in rules and given_key:
            keys |= {f"given_dob:{given_key}|{dob}" for dob in dobs}
        if "phonetic_year" in rules and s_given and s_family:
            pair = "|".join(sorted((s_given, s_family)))
            keys |= {f"phonetic_year:{pair}|{d.year}" for d in profile.dobs}
        if "name_postcode" in rules:
            keys |= {f"name_postcode:{full}|{code}" for code in postcodes}
        if "address_name" in rules:
            keys |= {
                f"address_name:{a[1]}|{a[2]}|{code}"
                for a in profile.addresses
                if a[1] and a[2]
                for code in (s_given, s_family)
                if code
            }
    if "dob_postcode" in rules:
        keys |= {f"dob_postcode:{dob}|{code}" for dob in dobs for code in postcodes}
    if "dob_locality" in rules:
        localities = {a[3] for a in profile.addresses if a[3]}
        keys |= {f"dob_locality:{dob}|{place}" for dob in dobs for place in localities}
    if "name_locality" in rules:
        localities = {a[3] for a in profile.addresses if a[3]}
        keys |= {f"name_locality:{n[4]}|{place}" for n in profile.names for place in localities}
    if "dob_initial" in rules:
        for _given, family, *_ in profile.names:
            if family:
                keys |= {f"dob_initial:{family[0]}|{dob}" for dob in dobs}
    if "street_name" in rules:
        streets = {a[1] for a in profile.addresses if a[1]}
        for n in profile.names:
            keys |= {f"street_name:{st}|{code}" for st in streets for code in (n[2], n[3]) if code}
    if "number_postcode" in rules:
        for a in profile.addresses:
            numbers = [word for word in a[1].split() if word.isdigit()]
            if numbers and a[2]:
                keys.add(f"number_postcode:{numbers[0]}|{a[2]}")
    return frozenset(keys)


class TestBlockingKeys:
    @given(
        st.one_of(records(), populations().map(lambda p: p.records[0])),
        st.sets(st.sampled_from(BLOCKING_RULES), min_size=1),
    )
    def test_same_keys_as_the_plain_rules(self, record: Record, rules: set[str]) -> None:
        """For any record and any choice of rules, the keys are the plainly stated ones."""
        blocking = Blocking(rules=rules)
        profile = MatchModel(blocking=blocking).profile(record)
        assert blocking.keys(profile) == reference_keys(blocking.rules, profile)
