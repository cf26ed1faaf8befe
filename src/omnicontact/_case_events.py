"""The case log: how cases were opened, joined, reopened, merged, split and erased."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ._serialization import register_document_type

__all__ = ["CaseEvent", "CaseEventKind"]


class CaseEventKind(str, enum.Enum):
    """What happened to one or more cases."""

    OPENED = "opened"
    """A contact opened a new case."""
    JOINED = "joined"
    """A contact joined an open case."""
    REOPENED = "reopened"
    """A contact joined a resolved case, which opened again."""
    STATUS_CHANGED = "status_changed"
    MERGED = "merged"
    """Several cases became one (the first id survives)."""
    SPLIT = "split"
    """Some contacts of a case moved to a new case."""
    ERASED = "erased"
    """The case lost contacts to an erasure (and is gone if none is left)."""


@attrs.frozen(kw_only=True)
class CaseEvent:
    """One entry of the case log: ids and a reason, never the contacts' content.

    ``case_ids`` names the cases involved (for a merge: the survivor first; for a split: the
    source, then the new case); ``contact_ids`` the contacts that moved or arrived.
    """

    sequence: int
    at: dt.datetime
    kind: CaseEventKind
    case_ids: tuple[str, ...]
    contact_ids: tuple[str, ...] = ()
    reason: str = ""


register_document_type(CaseEvent)
