"""Customer identity resolution: records in, customers out.

:class:`Resolver` turns :class:`Record` values into customers with deterministic rules and
Fellegi–Sunter scoring (:class:`MatchModel`, :func:`estimate`), keeps the partition a
function of (records, judgements, model), guards against over-merging
(:class:`GuardPolicy`), and explains, audits, unmerges and erases. :class:`RecordMapping`
says which column of a table holds which identifier. :func:`save_model` and
:func:`load_model` keep a model estimated on a backfill for production, and
:func:`evaluate` measures a clustering against the user's own labels.
"""

from __future__ import annotations

from .._serialization import register_document_type
from ._blocking import BLOCKING_RULES, Blocking
from ._compare import LEVELS
from ._evaluate import AccuracyReport, BlockingRecall, Scores, ThresholdScores, evaluate
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
from ._model_file import MODEL_FORMAT, load_model, save_model
from ._record import Record, identifier_slot
from ._resolver import Resolution, ResolutionOutcome, Resolver

for _document_type in (Record, Judgement, Event, PairEvidence):
    register_document_type(_document_type)

__all__ = [
    "BLOCKING_RULES",
    "LEVELS",
    "MODEL_FORMAT",
    "AccuracyReport",
    "AddressColumns",
    "Blocking",
    "BlockingRecall",
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
    "Scores",
    "Survivorship",
    "SurvivorshipPolicy",
    "ThresholdScores",
    "customer_id_for",
    "estimate",
    "evaluate",
    "identifier_slot",
    "load_model",
    "save_model",
]
