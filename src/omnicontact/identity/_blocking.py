"""Blocking: which pairs of records are compared at all.

Each record gets a few *blocking keys*; two records are a candidate pair when they share a
key of a block no larger than ``max_block_size``. Keys on identifiers (email, phone, ids)
catch the deterministic matches; keys on person data catch typos and swapped names:

* ``id``: each non-junk identifier key a deterministic rule uses, and national ids;
* ``family_dob`` and ``given_dob``: one folded name part plus the date of birth;
* ``phonetic_year``: the phonetic codes of both name parts (in either order) and the year
  of birth;
* ``name_postcode``: the folded full name plus the postal code;
* ``address_name``: the street and postal code plus one phonetic name part;
* ``dob_postcode``: the date of birth plus the postal code (catches records whose names
  both carry typos);
* ``dob_locality``: the date of birth plus the locality (the same, when a postal code is
  missing or mistyped);
* ``name_locality``: the folded full name plus the locality (a name and a town, when
  the postal code is missing or mistyped);
* ``dob_initial``: the date of birth plus the first letter of the family name (a record
  whose given name is missing or a placeholder and whose family name is mistyped, with no
  place to block on);
* ``street_name``: the street line plus one phonetic name part, whatever the postal code
  and the town (a person whose postal code and town are both mistyped or missing on one
  record);
* ``number_postcode``: the house number plus the postal code (catches records whose
  street name and personal data all carry typos). Not on by default: in a large file
  one house number in one postal code gathers hundreds of records. Turn it on with
  ``Blocking(rules=BLOCKING_RULES)`` for data entered by hand (registers, surveys).

Whether a block is over the size limit depends only on the records in it, so the
candidate pairs, like the partition, are a function of the set of records.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..exceptions import InvalidValueError
from ._compare import Profile

__all__ = ["BLOCKING_RULES", "DEFAULT_BLOCKING_RULES", "Blocking"]

BLOCKING_RULES = (
    "id",
    "family_dob",
    "given_dob",
    "phonetic_year",
    "name_postcode",
    "address_name",
    "dob_postcode",
    "number_postcode",
    "dob_locality",
    "name_locality",
    "dob_initial",
    "street_name",
)
"""The built-in blocking rules, by name.

No rule needs every field: a true pair is found by its ids alone, by name and date of
birth alone (``family_dob``, ``given_dob``, ``phonetic_year``, ``dob_initial``), by
date of birth and place (``dob_postcode``, ``dob_locality``), or by name and place
(``name_postcode``, ``name_locality``, ``address_name``, ``street_name``), so one missing
or mistyped field never hides it.
"""

DEFAULT_BLOCKING_RULES = tuple(rule for rule in BLOCKING_RULES if rule != "number_postcode")
"""The rules used unless others are given: every built-in rule but ``number_postcode``."""


def _rules(value: Any) -> tuple[str, ...]:
    rules = tuple(value)
    for rule in rules:
        if rule not in BLOCKING_RULES:
            raise InvalidValueError(
                "blocking.rules", rule, f"is not a blocking rule ({', '.join(BLOCKING_RULES)})"
            )
    return tuple(sorted(set(rules), key=BLOCKING_RULES.index))


def _size(_instance: Any, _attribute: Any, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 2:
        raise InvalidValueError("blocking.max_block_size", value, "must be an int >= 2")


@attrs.frozen(kw_only=True)
class Blocking:
    """Which blocking rules make candidate pairs, and how big a block may grow.

    A block larger than ``max_block_size`` (a very common name with one date, a
    switchboard number) makes no pairs: its records are compared through their other keys.

    >>> Blocking(rules=["id", "family_dob"]).rules
    ('id', 'family_dob')
    """

    rules: tuple[str, ...] = attrs.field(default=DEFAULT_BLOCKING_RULES, converter=_rules)
    max_block_size: int = attrs.field(default=1000, validator=_size)
    _on: tuple[bool, ...] = attrs.field(init=False, eq=False, hash=False, repr=False)
    """For each of :data:`BLOCKING_RULES` in order, whether it is on."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_on", tuple(rule in self.rules for rule in BLOCKING_RULES))

    def keys(self, profile: Profile) -> frozenset[str]:
        """The blocking keys of one record (each prefixed by its rule's name)."""
        keys: list[str] = []
        add = keys.append
        rules = self._on
        if rules[0]:  # id
            for _rule, key in profile.rule_keys:
                add("id:" + key)
            for value in profile.national_ids:
                add("id:national_id:" + value)
        dobs = [value.isoformat() for value in profile.dobs]
        postcodes = [address[2] for address in profile.addresses if address[2]]
        for given, family, s_given, s_family, full, _middle in profile.names:
            if family and rules[1]:  # family_dob
                for dob in dobs:
                    add(f"family_dob:{family}|{dob}")
            if given and rules[2]:  # given_dob
                for dob in dobs:
                    add(f"given_dob:{given}|{dob}")
            if s_given and s_family and rules[3]:  # phonetic_year
                pair = f"{s_given}|{s_family}" if s_given <= s_family else f"{s_family}|{s_given}"
                for born in profile.dobs:
                    add(f"phonetic_year:{pair}|{born.year}")
            if rules[4]:  # name_postcode
                for code in postcodes:
                    add(f"name_postcode:{full}|{code}")
            if rules[5]:  # address_name
                for address in profile.addresses:
                    if address[1] and address[2]:
                        if s_given:
                            add(f"address_name:{address[1]}|{address[2]}|{s_given}")
                        if s_family:
                            add(f"address_name:{address[1]}|{address[2]}|{s_family}")
        if rules[6]:  # dob_postcode
            for dob in dobs:
                for code in postcodes:
                    add(f"dob_postcode:{dob}|{code}")
        if rules[7]:  # number_postcode
            for address in profile.addresses:
                number = _house_number(address[1])
                if number and address[2]:
                    add(f"number_postcode:{number}|{address[2]}")
        if rules[8] and dobs:  # dob_locality
            for address in profile.addresses:
                if address[3]:
                    for dob in dobs:
                        add(f"dob_locality:{dob}|{address[3]}")
        if rules[9]:  # name_locality
            localities = {address[3] for address in profile.addresses if address[3]}
            for name in profile.names:
                for locality in localities:
                    add(f"name_locality:{name[4]}|{locality}")
        if rules[11]:  # street_name
            streets = {address[1] for address in profile.addresses if address[1]}
            for _given, _family, s_given, s_family, *_ in profile.names:
                for street in streets:
                    if s_given:
                        add(f"street_name:{street}|{s_given}")
                    if s_family:
                        add(f"street_name:{street}|{s_family}")
        if rules[10] and dobs:  # dob_initial
            for _given, family, *_ in profile.names:
                if family:
                    for dob in dobs:
                        add(f"dob_initial:{family[0]}|{dob}")
        return frozenset(keys)


def _house_number(street: str) -> str | None:
    """The first word of a folded street line made of digits (``12`` in ``12 rue …``)."""
    for word in street.split():
        if word.isdigit():
            return word
    return None
