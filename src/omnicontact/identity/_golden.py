"""Golden records: one best value per field, chosen by survivorship rules, with provenance."""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ..exceptions import InvalidValueError
from ._record import Record, identifier_slot

__all__ = ["GoldenRecord", "GoldenValue", "Survivorship", "SurvivorshipPolicy"]


class Survivorship(str, enum.Enum):
    """How the surviving value of a field is chosen among a customer's records."""

    MOST_RECENT = "most_recent"
    """The value of the most recently observed record."""
    MOST_TRUSTED_SOURCE = "most_trusted_source"
    """The value from the source with the highest trust (then the most recent)."""
    MOST_FREQUENT = "most_frequent"
    """The value most records carry (then the most recently seen)."""
    PRIORITY = "priority"
    """The value from the first source in an explicit priority list (then the most recent)."""


def _rules(value: Mapping[str, Any]) -> dict[str, Survivorship]:
    checked = {}
    for field, rule in value.items():
        try:
            checked[str(field)] = Survivorship(rule)
        except ValueError:
            allowed = ", ".join(item.value for item in Survivorship)
            raise InvalidValueError(f"survivorship.{field}", rule, f"must be: {allowed}") from None
    return checked


def _default(value: Any) -> Survivorship:
    return _rules({"default": value})["default"]


@attrs.frozen(kw_only=True)
class SurvivorshipPolicy:
    """Which rule picks each field of a golden record.

    Fields are identifier slots (``name``, ``email``, ``phone``, ``address``,
    ``date_of_birth``, ``external_id:<namespace>``, ``social``) and record attributes
    (``attributes.<key>``). ``source_trust`` ranks sources (higher wins) for
    ``MOST_TRUSTED_SOURCE``; ``source_priority`` lists sources, first wins, for ``PRIORITY``.

    >>> policy = SurvivorshipPolicy(rules={"name": "most_trusted_source"},
    ...                             source_trust={"crm": 10, "web": 1})
    >>> policy.rule_for("name").value, policy.rule_for("email").value
    ('most_trusted_source', 'most_recent')
    """

    rules: dict[str, Survivorship] = attrs.field(factory=dict, converter=_rules)
    default: Survivorship = attrs.field(default=Survivorship.MOST_RECENT, converter=_default)
    source_trust: dict[str, int] = attrs.field(factory=dict, converter=dict)
    source_priority: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    def rule_for(self, field: str) -> Survivorship:
        return self.rules.get(field, self.default)


@attrs.frozen(kw_only=True)
class GoldenValue:
    """The surviving value of one field and where it came from.

    ``record_id``, ``source`` and ``observed_at`` are the provenance (the latest record that
    carries the value); ``support`` counts the customer's records that carry it.
    """

    field: str
    value: Any
    rule: Survivorship
    record_id: str
    source: str
    observed_at: dt.datetime
    support: int
    alternatives: int
    """How many other distinct values the customer's records hold for this field."""


@attrs.frozen(kw_only=True)
class GoldenRecord:
    """A customer's best view: one :class:`GoldenValue` per field."""

    customer_id: str
    values: dict[str, GoldenValue]

    def __getitem__(self, field: str) -> GoldenValue:
        return self.values[field]

    def get(self, field: str) -> Any:
        """The surviving value of ``field``, or ``None``."""
        found = self.values.get(field)
        return None if found is None else found.value


def _identity(value: Any) -> str:
    key = getattr(value, "key", None)
    if isinstance(key, str):
        return f"{type(value).__name__}:{key}"
    return json.dumps(value, sort_keys=True, default=str)


def build_golden_record(
    customer_id: str, records: Sequence[Record], policy: SurvivorshipPolicy
) -> GoldenRecord:
    """The golden record of ``records`` under ``policy`` (deterministic: ties by record id)."""
    candidates: dict[str, list[tuple[Any, Record]]] = {}
    for record in records:
        for item in record.identifiers:
            candidates.setdefault(identifier_slot(item), []).append((item, record))
        for key, value in record.attributes.items():
            candidates.setdefault(f"attributes.{key}", []).append((value, record))
    values = {}
    for field in sorted(candidates):
        values[field] = _survivor(field, candidates[field], policy)
    return GoldenRecord(customer_id=customer_id, values=values)


def _survivor(
    field: str, options: Iterable[tuple[Any, Record]], policy: SurvivorshipPolicy
) -> GoldenValue:
    rule = policy.rule_for(field)
    groups: dict[str, list[tuple[Any, Record]]] = {}
    for value, record in options:
        groups.setdefault(_identity(value), []).append((value, record))

    def latest(group: list[tuple[Any, Record]]) -> tuple[Any, Record]:
        return max(group, key=lambda item: item[1].order_key)

    def score(key: str) -> tuple[Any, ...]:
        group = groups[key]
        _value, newest = latest(group)
        recency = newest.order_key
        if rule is Survivorship.MOST_FREQUENT:
            return (len({r.id for _, r in group}), recency)
        if rule is Survivorship.MOST_TRUSTED_SOURCE:
            trust = max(policy.source_trust.get(r.source, 0) for _, r in group)
            best = max(
                (r.order_key for _, r in group if policy.source_trust.get(r.source, 0) == trust),
            )
            return (trust, best)
        if rule is Survivorship.PRIORITY:
            ranks = [
                len(policy.source_priority) - policy.source_priority.index(r.source)
                if r.source in policy.source_priority
                else 0
                for _, r in group
            ]
            top = max(ranks)
            paired = zip(group, ranks, strict=True)
            best = max(r.order_key for (_, r), rank in paired if rank == top)
            return (top, best)
        return (recency,)

    chosen = max(sorted(groups), key=score)
    value, record = latest(groups[chosen])
    return GoldenValue(
        field=field,
        value=value,
        rule=rule,
        record_id=record.id,
        source=record.source,
        observed_at=record.observed_at,
        support=len({r.id for _, r in groups[chosen]}),
        alternatives=len(groups) - 1,
    )
