"""The audit log: append-only events, carrying ids and reasons, never personal data."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

__all__ = ["Event", "EventKind", "Judgement", "event_names"]


class EventKind(str, enum.Enum):
    """What an audit event records."""

    RECORD_ADDED = "record_added"
    RECORD_UPDATED = "record_updated"
    RECORD_REMOVED = "record_removed"
    IDENTIFIER_REMOVED = "identifier_removed"
    JUDGEMENT_ADDED = "judgement_added"
    JUDGEMENT_WITHDRAWN = "judgement_withdrawn"
    MODEL_CHANGED = "model_changed"
    CUSTOMER_ERASED = "customer_erased"
    # Changes of the partition: the only events that create or retire customer ids.
    CUSTOMER_CREATED = "customer_created"
    CUSTOMERS_MERGED = "customers_merged"
    CUSTOMER_SPLIT = "customer_split"
    CUSTOMER_RENAMED = "customer_renamed"
    """The record that anchored the customer's id left it; the id moved to the next one."""
    CUSTOMER_DISSOLVED = "customer_dissolved"
    """The customer's last records were removed."""


@attrs.frozen(kw_only=True)
class Event:
    """One entry of the audit log.

    ``record_ids`` and ``customer_ids`` name what the event is about; ``created`` and
    ``retired`` list the customer ids that came into or went out of use (ids change only
    through such events); ``cause`` is the sequence number of the operation event that led
    to a partition change. Events never carry identifier values, so erasing a customer's
    records leaves no personal data in the log.
    """

    sequence: int
    at: dt.datetime
    kind: EventKind
    reason: str = ""
    record_ids: tuple[str, ...] = ()
    customer_ids: tuple[str, ...] = ()
    created: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    cause: int | None = None
    detail: str = ""
    """Non-personal detail: an identifier slot (``"email"``), a judgement id, a model note."""


def event_names(event: Event) -> frozenset[str]:
    """Every record and customer id an event names."""
    return frozenset((*event.record_ids, *event.customer_ids, *event.created, *event.retired))


def _ids(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen(kw_only=True)
class Judgement:
    """A person's statement that two sets of records are, or are not, one customer.

    A judgement about two customers is stored on their records at the time it is made, so
    a later merge can never put those records together again (for ``same=False``).
    """

    id: str
    same: bool
    left: frozenset[str] = attrs.field(converter=_ids)
    right: frozenset[str] = attrs.field(converter=_ids)
    at: dt.datetime
    reason: str = ""

    @property
    def record_ids(self) -> frozenset[str]:
        return self.left | self.right
