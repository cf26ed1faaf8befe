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
)
"""The built-in blocking rules, by name."""

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

    def keys(self, profile: Profile) -> frozenset[str]:
        """The blocking keys of one record (each prefixed by its rule's name)."""
        keys: set[str] = set()
        rules = self.rules
        if "id" in rules:
            keys.update(f"id:{key}" for _rule, key in profile.rule_keys)
            keys.update(f"id:national_id:{value}" for value in profile.national_ids)
        dobs = [value.isoformat() for value in profile.dobs]
        for given, family, s_given, s_family, full in profile.names:
            if "family_dob" in rules and family:
                keys.update(f"family_dob:{family}|{dob}" for dob in dobs)
            if "given_dob" in rules and given:
                keys.update(f"given_dob:{given}|{dob}" for dob in dobs)
            if "phonetic_year" in rules and s_given and s_family:
                pair = "|".join(sorted((s_given, s_family)))
                keys.update(f"phonetic_year:{pair}|{value.year}" for value in profile.dobs)
            if "name_postcode" in rules:
                keys.update(
                    f"name_postcode:{full}|{address[2]}"
                    for address in profile.addresses
                    if address[2]
                )
            if "address_name" in rules:
                for address in profile.addresses:
                    if address[1] and address[2]:
                        keys.update(
                            f"address_name:{address[1]}|{address[2]}|{code}"
                            for code in (s_given, s_family)
                            if code
                        )
        postcodes = {address[2] for address in profile.addresses if address[2]}
        if "dob_postcode" in rules:
            keys.update(f"dob_postcode:{dob}|{code}" for dob in dobs for code in postcodes)
        if "number_postcode" in rules:
            for address in profile.addresses:
                number = _house_number(address[1])
                if number and address[2]:
                    keys.add(f"number_postcode:{number}|{address[2]}")
        return frozenset(keys)


def _house_number(street: str) -> str | None:
    """The first word of a folded street line made of digits (``12`` in ``12 rue …``)."""
    for word in street.split():
        if word.isdigit():
            return word
    return None
