"""Customer identity resolution: records in, customers out.

:class:`Resolver` turns :class:`Record` values into customers with deterministic rules and
Fellegi–Sunter scoring (:class:`MatchModel`, :func:`estimate`), keeps the partition a
function of (records, judgements, model), guards against over-merging
(:class:`GuardPolicy`), and explains, audits, unmerges and erases. :class:`RecordMapping`
says which column of a table holds which identifier.
"""

from __future__ import annotations

from .._serialization import register_document_type
from ._blocking import BLOCKING_RULES, Blocking
from ._compare import LEVELS
from ._events import Event, EventKind, Judgement
from ._explain import Explanation, PathStep
from ._fellegi_sunter import (
    Comparison,
    ComparisonResult,
    DeterministicRule,
    MatchModel,
    Outcome,
    PairEvidence,
    estimate,
)
from ._golden import GoldenRecord, GoldenValue, Survivorship, SurvivorshipPolicy
from ._graph import Rejection, customer_id_for
from ._guards import GuardPolicy
from ._mapping import AddressColumns, DateOfBirthColumn, NameColumns, RecordMapping
from ._record import Record, identifier_slot
from ._resolver import Resolution, ResolutionOutcome, Resolver

for _document_type in (Record, Judgement, Event, PairEvidence):
    register_document_type(_document_type)

__all__ = [
    "BLOCKING_RULES",
    "LEVELS",
    "AddressColumns",
    "Blocking",
    "Comparison",
    "ComparisonResult",
    "DateOfBirthColumn",
    "DeterministicRule",
    "Event",
    "EventKind",
    "Explanation",
    "GoldenRecord",
    "GoldenValue",
    "GuardPolicy",
    "Judgement",
    "MatchModel",
    "NameColumns",
    "Outcome",
    "PairEvidence",
    "PathStep",
    "Record",
    "RecordMapping",
    "Rejection",
    "Resolution",
    "ResolutionOutcome",
    "Resolver",
    "Survivorship",
    "SurvivorshipPolicy",
    "customer_id_for",
    "estimate",
    "identifier_slot",
]
