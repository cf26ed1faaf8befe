"""Over-merge guards: junk values, shared values and per-customer limits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from .._identifiers import EmailAddress, ExternalId, Identifier, PhoneNumber
from ..exceptions import InvalidValueError

__all__ = ["MAY_BE_JUNK", "GuardPolicy"]

_DEFAULT_JUNK_LOCAL_PARTS = frozenset(
    {
        "test",
        "testing",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "none",
        "null",
        "nobody",
        "unknown",
        "na",
        "n/a",
        "xxx",
        "abc",
        "asdf",
        "email",
        "mail",
        "example",
        "fake",
        "aucun",
        "pasdemail",
    }
)
_DEFAULT_JUNK_DOMAINS = frozenset(
    {"test.com", "example.com", "example.org", "example.net", "test.fr", "invalid", "none.com"}
)
_DEFAULT_JUNK_EXTERNAL_VALUES = frozenset({"0", "unknown", "none", "null", "na", "n/a", "-", "?"})
_REPEATED = re.compile(r"^(\d)\1+$")
MAY_BE_JUNK: frozenset[type] = frozenset({EmailAddress, PhoneNumber, ExternalId})
"""The identifier classes :meth:`GuardPolicy.is_junk` can call junk; any other never is."""
_ASCENDING = "01234567890123456789"
_DESCENDING = "98765432109876543210"


def _limits(value: Mapping[str, int]) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise InvalidValueError("guards.max_distinct", value, "must be a mapping")
    checked = {}
    for slot, limit in value.items():
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise InvalidValueError(f"guards.max_distinct.{slot}", limit, "must be an int >= 1")
        checked[str(slot)] = limit
    return checked


def _at_least(minimum: int) -> Any:
    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise InvalidValueError(f"guards.{attribute.name}", value, f"must be >= {minimum}")

    return check


def _words(value: Any) -> frozenset[str]:
    return frozenset(str(item).casefold() for item in value)


@attrs.frozen(kw_only=True)
class GuardPolicy:
    """What keeps the resolver from over-merging, enforced per customer.

    * ``max_distinct`` caps the distinct values of an identifier slot one customer may hold
      (``"email"``, ``"phone"``, ``"date_of_birth"``, ``"external_id:national_id"`` …); a
      merge that would exceed a cap is refused. A single record is never split, so only
      customers of two or more records are held to the caps.
    * *Junk* values (``test@test.com``, ``0000000000``, ``n/a``) are never evidence, are
      not used for blocking and are not counted by the caps.
    * A value carried by records of at least ``shared_after_names`` different people (a
      switchboard, a family phone, a parent's national id on their children's forms) is
      *shared*: it makes records related, not merged. Names count as different people
      when they clearly differ: a typo, a nickname or an initial is the same person.

    >>> GuardPolicy().is_junk(EmailAddress.parse("test@test.com"))
    True
    """

    max_distinct: dict[str, int] = attrs.field(
        factory=lambda: {
            "email": 6,
            "phone": 6,
            "date_of_birth": 3,
            "external_id:national_id": 3,
        },
        converter=_limits,
    )
    shared_after_names: int = attrs.field(default=3, validator=_at_least(2))
    junk_local_parts: frozenset[str] = attrs.field(
        default=_DEFAULT_JUNK_LOCAL_PARTS, converter=_words
    )
    junk_domains: frozenset[str] = attrs.field(default=_DEFAULT_JUNK_DOMAINS, converter=_words)
    junk_external_values: frozenset[str] = attrs.field(
        default=_DEFAULT_JUNK_EXTERNAL_VALUES, converter=_words
    )
    min_phone_digits: int = attrs.field(default=6, validator=_at_least(1))

    def is_junk(self, identifier: Identifier) -> bool:
        """Whether ``identifier`` is a placeholder rather than a real customer's value."""
        if isinstance(identifier, EmailAddress):
            local = identifier.local_part.split("+", 1)[0]
            return (
                local in self.junk_local_parts
                or identifier.domain in self.junk_domains
                or bool(_REPEATED.match(local))
            )
        if isinstance(identifier, PhoneNumber):
            digits = identifier.value.lstrip("+")
            national = digits[-9:] if len(digits) > 9 else digits
            return (
                len(set(national[1:])) <= 1
                or national in _ASCENDING
                or national in _DESCENDING
                or len(digits) < self.min_phone_digits
            )
        if isinstance(identifier, ExternalId):
            value = identifier.value.casefold()
            return value in self.junk_external_values or bool(_REPEATED.match(value))
        return False

    def limit(self, slot: str) -> int | None:
        """The cap on distinct values for ``slot``, if any."""
        return self.max_distinct.get(slot)
