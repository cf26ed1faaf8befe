"""The resolver: records in, customers out, incrementally and reversibly.

Every operation (add, update or remove records, remove an identifier, add or withdraw a
judgement, change the model, erase a customer) follows the same steps:

1. change the facts in the store (records, blocking index, judgements);
2. recompute the pair evidence of the records whose candidate pairs may have changed: the
   changed records, and every record of a block whose size limit or shared status flipped;
3. take the *region*: the records whose evidence changed, closed under match edges,
   "same" judgements and current customer membership;
4. partition the region with :func:`~omnicontact.identity._graph.partition` — the same
   function a batch run applies to everything — and log the difference as events.

Records outside the region keep their edges and their neighbours, so their customers are
what a full recomputation would give: incremental equals batch.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager

import attrs

from .._gc import BULK_SIZE
from .._identifiers import ExternalId, Identifier
from ..exceptions import (
    InvalidValueError,
    UnknownCustomerError,
    UnknownJudgementError,
    UnknownRecordError,
)
from ..store._lock import lock_of, serialized
from ..store._memory import MemoryStore
from ..store._protocol import IdentityStore
from ._compare import Profile, distinct_people
from ._erasure import forget_cached_values, tombstones
from ._events import Event, EventKind, Judgement
from ._explain import Explanation, PathStep
from ._fellegi_sunter import MatchModel, Outcome, PairEvidence
from ._golden import GoldenRecord, SurvivorshipPolicy, build_golden_record
from ._graph import Rejection, customer_id_for, partition
from ._guards import MAY_BE_JUNK
from ._record import Record, identifier_slot

__all__ = ["Resolution", "ResolutionOutcome", "Resolver"]

Clock = Callable[[], dt.datetime]

_LOG = logging.getLogger("omnicontact.identity")

SLOW_OPERATION_SECONDS = 1.0
"""A resolver operation (one transaction) that takes longer is logged as slow."""

# Changes an operator follows (merges, splits, erasures, judgements …) are logged at INFO;
# the routine ones that every new record makes, at DEBUG.
_ROUTINE = frozenset(
    {
        EventKind.RECORD_ADDED,
        EventKind.RECORD_UPDATED,
        EventKind.CUSTOMER_CREATED,
        EventKind.CUSTOMER_RENAMED,
    }
)


_NATIONAL_ID = f"{ExternalId.NATIONAL_ID}:"
"""The start of a national id's key."""


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ResolutionOutcome(str, enum.Enum):
    """What resolving one record did."""

    NEW = "new"
    """The record is a new customer."""
    JOINED = "joined"
    """The record joined one existing customer."""
    MERGED = "merged"
    """The record linked several existing customers, which merged."""
    UNCHANGED = "unchanged"
    """The same record was already resolved."""


@attrs.frozen(kw_only=True)
class Resolution:
    """The answer to :meth:`Resolver.resolve`: the customer id, what happened, the evidence.

    ``merged`` lists the customer ids that existed before and now make up the customer (the
    retired ones keep resolving to ``customer_id``); ``evidence`` the record's match edges;
    ``possible_matches`` its pairs kept for review; ``events`` the audit events written.
    """

    record_id: str
    customer_id: str
    outcome: ResolutionOutcome
    merged: tuple[str, ...] = ()
    evidence: tuple[PairEvidence, ...] = ()
    possible_matches: tuple[PairEvidence, ...] = ()
    events: tuple[Event, ...] = ()


@attrs.define
class _Change:
    put: dict[str, Record] = attrs.field(factory=dict)
    delete: set[str] = attrs.field(factory=set)
    judgements_added: list[Judgement] = attrs.field(factory=list)
    judgements_removed: list[Judgement] = attrs.field(factory=list)
    refresh_all: bool = False
    extra_seeds: set[str] = attrs.field(factory=set)


@serialized()
class Resolver:
    """Resolves records into customers and keeps the partition as a function of its inputs.

    The partition depends only on the records, the judgements and the model: never on the
    order records arrived in. ``store`` holds every fact (default: a new
    :class:`~omnicontact.store.MemoryStore`); ``clock`` stamps audit events (default: UTC
    now). Threads may share a resolver: each call holds its store's lock.

    >>> import datetime as dt
    >>> from omnicontact import Normalizer
    >>> n, t = Normalizer(default_region="FR"), dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
    >>> resolver = Resolver(clock=lambda: t)
    >>> a = resolver.resolve(Record(id="web-1", source="web", observed_at=t,
    ...                             identifiers=[n.email("ann@example.fr")]))
    >>> later = t + dt.timedelta(days=1)
    >>> b = resolver.resolve(Record(id="call-7", source="phone", observed_at=later,
    ...                             identifiers=[n.email("ANN@example.fr"), n.phone("0612345678")]))
    >>> a.outcome.value, b.outcome.value, a.customer_id == b.customer_id
    ('new', 'joined', True)
    """

    def __init__(
        self,
        *,
        model: MatchModel | None = None,
        store: IdentityStore | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._model = model or MatchModel()
        self._store: IdentityStore = store if store is not None else MemoryStore()
        # The store's own lock when it has one: a thread holding it may call the resolver
        # and the store in any order without waiting for a thread that waits for it.
        self._lock = lock_of(self._store)
        self._clock: Clock = clock or _utc_now
        self._profiles: dict[str, Profile] = {}
        self._shared: dict[str, bool] = {}
        self._now: dt.datetime | None = None
        # Events an erasure writes, logged once their ids are tombstones (or not at all).
        self._held: list[Event] | None = None
        # Stores that can be changed behind our back (another process, a rollback) say so.
        listen = getattr(self._store, "add_invalidation_listener", None)
        if callable(listen):
            listen(self.clear_caches)

    # --------------------------------------------------------------------------- properties

    @property
    def model(self) -> MatchModel:
        return self._model

    @property
    def store(self) -> IdentityStore:
        return self._store

    # ------------------------------------------------------------------------------ resolve

    def resolve(self, record: Record, *, reason: str = "") -> Resolution:
        """Add (or update) one record and say which customer it belongs to."""
        return self.resolve_many([record], reason=reason)[0]

    def resolve_many(self, records: Iterable[Record], *, reason: str = "") -> list[Resolution]:
        """Add (or update) many records at once: the same partition as one at a time.

        The resolver makes no reference cycles: a batch job may run large batches inside
        :func:`~omnicontact.gc_paused` to spare the collector's fruitless walks.
        """
        batch: dict[str, Record] = {}
        for record in records:
            if not isinstance(record, Record):
                raise InvalidValueError("record", record, "is not a Record")
            batch[record.id] = record
        return self._resolve_batch(batch, reason)

    def _resolve_batch(self, batch: dict[str, Record], reason: str) -> list[Resolution]:
        change = _Change()
        unchanged = set()
        for record_id, record in batch.items():
            old = self._store.get_record(record_id)
            if old is not None and old == record and old.attributes == record.attributes:
                unchanged.add(record_id)
            else:
                change.put[record_id] = record
        before = {
            record_id: self._store.customer_of(record_id)
            for record_id in batch
            if record_id not in unchanged
        }
        events: list[Event] = []
        with self._operation():
            for record_id in sorted(change.put):
                kind = EventKind.RECORD_UPDATED if before.get(record_id) else EventKind.RECORD_ADDED
                events.append(self._log(kind, reason=reason, record_ids=(record_id,)))
            previous = self._apply(change, cause=events[0].sequence if events else None)
            events.extend(previous.events)
        about: dict[str, list[Event]] = {}
        for event in events:  # in sequence order
            names = event.record_ids + event.customer_ids
            for name in names if len(names) == 1 else dict.fromkeys(names):
                held = about.get(name)
                if held is None:
                    about[name] = [event]
                else:
                    held.append(event)
        results = []
        for record_id in batch:
            results.append(self._resolution(record_id, record_id in unchanged, previous, about))
        return results

    def _resolution(
        self,
        record_id: str,
        unchanged: bool,
        applied: _Applied,
        about: Mapping[str, list[Event]],
    ) -> Resolution:
        customer_id = self._store.customer_of(record_id)
        assert customer_id is not None
        edges = self._store.edges_of(record_id)
        evidence: tuple[PairEvidence, ...] = ()
        possible: tuple[PairEvidence, ...] = ()
        if len(edges) == 1:
            (edge,) = edges.values()
            if edge.outcome is Outcome.MATCH:
                evidence = (edge,)
            elif edge.outcome is Outcome.POSSIBLE_MATCH:
                possible = (edge,)
        elif edges:
            ordered = sorted(edges.values(), key=lambda e: e.pair)
            evidence = tuple(e for e in ordered if e.outcome is Outcome.MATCH)
            possible = tuple(e for e in ordered if e.outcome is Outcome.POSSIBLE_MATCH)
        if unchanged:
            return Resolution(
                record_id=record_id,
                customer_id=customer_id,
                outcome=ResolutionOutcome.UNCHANGED,
                evidence=evidence,
                possible_matches=possible,
            )
        previous = (
            sorted(
                {
                    old
                    for member in self._store.members(customer_id)
                    if member != record_id
                    and member not in applied.new_records
                    and (old := applied.before.get(member)) is not None
                }
            )
            if applied.before
            else []
        )
        outcome = (
            ResolutionOutcome.NEW
            if not previous
            else ResolutionOutcome.JOINED
            if len(previous) == 1
            else ResolutionOutcome.MERGED
        )
        events = _merged(about.get(record_id, ()), about.get(customer_id, ()))
        return Resolution(
            record_id=record_id,
            customer_id=customer_id,
            outcome=outcome,
            merged=tuple(previous) if outcome is ResolutionOutcome.MERGED else (),
            evidence=evidence,
            possible_matches=possible,
            events=events,
        )

    # ------------------------------------------------------------------------------ unmerge

    def remove_record(self, record_id: str, *, reason: str = "") -> tuple[Event, ...]:
        """Remove a record; the customers it linked are re-resolved without it."""
        self._require(record_id)
        with self._operation():
            event = self._log(EventKind.RECORD_REMOVED, reason=reason, record_ids=(record_id,))
            judgements = self._drop_judgements_of({record_id}, reason=reason)
            change = _Change(delete={record_id}, judgements_removed=judgements)
            applied = self._apply(change, cause=event.sequence)
        return (event, *applied.events)

    def remove_identifier(
        self, record_id: str, identifier: Identifier, *, reason: str = ""
    ) -> tuple[Event, ...]:
        """Remove one identifier from a record (a wrong phone, a shared email) and re-resolve."""
        record = self._require(record_id)
        if identifier not in record.identifiers:
            raise InvalidValueError("identifier", identifier.kind.value, "is not on this record")
        with self._operation():
            event = self._log(
                EventKind.IDENTIFIER_REMOVED,
                reason=reason,
                record_ids=(record_id,),
                detail=identifier_slot(identifier),
            )
            applied = self._apply(
                _Change(put={record_id: record.without(identifier)}), cause=event.sequence
            )
        return (event, *applied.events)

    # --------------------------------------------------------------------------- judgements

    def judge_records(self, left: str, right: str, *, same: bool, reason: str = "") -> Judgement:
        """State that two records are (``same=True``) or are not one customer."""
        self._require(left)
        self._require(right)
        if left == right:
            raise InvalidValueError("judgement", left, "needs two different records")
        return self._judge(frozenset({left}), frozenset({right}), same=same, reason=reason)

    def judge_customers(self, left: str, right: str, *, same: bool, reason: str = "") -> Judgement:
        """State that two customers are, or are not, one.

        "Not the same" is stored on every record the two customers hold now, so no later
        merge can bring those records together; "the same" links their anchor records.
        """
        a, b = self.canonical_id(left), self.canonical_id(right)
        if a == b:
            raise InvalidValueError("judgement", left, "both ids name the same customer")
        members_a, members_b = self._store.members(a), self._store.members(b)
        if same:
            members_a = frozenset({self._anchor(members_a)})
            members_b = frozenset({self._anchor(members_b)})
        return self._judge(members_a, members_b, same=same, reason=reason)

    def _judge(
        self, left: frozenset[str], right: frozenset[str], *, same: bool, reason: str
    ) -> Judgement:
        judgement = Judgement(
            id=str(uuid.uuid4()), same=same, left=left, right=right, at=self._clock(), reason=reason
        )
        with self._operation():
            self._store.put_judgement(judgement)
            event = self._log(
                EventKind.JUDGEMENT_ADDED,
                reason=reason,
                record_ids=tuple(sorted(judgement.record_ids)),
                detail=f"{judgement.id} {'same' if same else 'not_same'}",
            )
            self._apply(_Change(judgements_added=[judgement]), cause=event.sequence)
        return judgement

    def withdraw_judgement(self, judgement_id: str, *, reason: str = "") -> tuple[Event, ...]:
        """Withdraw a judgement; the customers it constrained are re-resolved."""
        judgement = self._store.get_judgement(judgement_id)
        if judgement is None:
            raise UnknownJudgementError(f"no judgement {judgement_id!r}")
        with self._operation():
            self._store.delete_judgement(judgement_id)
            event = self._log(
                EventKind.JUDGEMENT_WITHDRAWN,
                reason=reason,
                record_ids=tuple(sorted(judgement.record_ids)),
                detail=judgement_id,
            )
            applied = self._apply(_Change(judgements_removed=[judgement]), cause=event.sequence)
        return (event, *applied.events)

    def judgements(self) -> list[Judgement]:
        """Every judgement in force, by id."""
        return sorted(self._store.judgements(), key=lambda j: j.id)

    def _drop_judgements_of(self, record_ids: set[str], *, reason: str) -> list[Judgement]:
        dropped: dict[str, Judgement] = {}
        for record_id in record_ids:
            for judgement in self._store.judgements_of(record_id):
                dropped[judgement.id] = judgement
        for judgement in dropped.values():
            self._store.delete_judgement(judgement.id)
            self._log(
                EventKind.JUDGEMENT_WITHDRAWN,
                reason=reason or "its records were removed",
                record_ids=tuple(sorted(judgement.record_ids)),
                detail=judgement.id,
            )
        return list(dropped.values())

    # ---------------------------------------------------------------------------- erasure

    def forget_customer(self, customer_id: str, *, reason: str = "") -> tuple[Event, ...]:
        """Erase a customer (GDPR): its records, identifiers, evidence and judgements go.

        The records it linked are re-resolved, and the erased customer id no longer
        resolves. The audit log never held values, but record and customer ids are digests
        of values (anyone with the person's email address could recompute them), so every
        event about the erased customer is rewritten with random tombstone ids
        (``erased-…``), the same tombstone for the same id throughout: the log still says
        that a customer was erased and what happened to it before, about nobody anyone can
        name. The rewritten ids are the customer's records, its id and the ids it went by
        before (merged or renamed into it), and the records it once held that were removed
        since; records and ids in use by other customers are kept. If the store can
        :meth:`~omnicontact.store.SQLiteStore.purge` the remains of deleted rows from its
        files, it does so once the transaction commits. The events returned are as stored:
        rewritten.
        """
        live = self.canonical_id(customer_id)
        members = set(self._store.members(live))
        held, self._held = self._held, []
        try:
            with self._operation():
                event = self._log(
                    EventKind.CUSTOMER_ERASED,
                    reason=reason,
                    record_ids=tuple(sorted(members)),
                    customer_ids=(live,),
                )
                judgements = self._drop_judgements_of(members, reason=reason)
                anchored = {cid for r in members for cid in self._store.ids_anchored_on(r)}
                applied = self._apply(
                    _Change(delete=members, judgements_removed=judgements), cause=event.sequence
                )
                for cid in sorted(anchored | {live}):
                    self._store.forget_customer_id(cid)
                written = self._redact(members, anchored | {live})
                purge = getattr(self._store, "purge", None)
                if callable(purge):
                    purge()
            logged = self._held
        finally:
            self._held = held
        forget_cached_values()
        for item in logged:  # as stored: the log lines name tombstones too
            _log_event(written.get(item.sequence, item))
        return tuple(written.get(e.sequence, e) for e in (event, *applied.events))

    def _redact(self, records: set[str], customers: set[str]) -> dict[int, Event]:
        """Rewrite the events naming erased ``records`` and ``customers`` with tombstones;
        the rewritten events by sequence number.

        Ids that led to an erased customer are erased with it: walking the log backwards,
        a partition event naming an erased customer adds the other customer ids it names
        that no longer live, and the records it names that are no longer stored.
        """
        store = self._store
        records, customers = set(records), set(customers)
        live: set[str] | None = None
        found: dict[int, Event] = {}
        asked: set[str] = set()
        while wanted := (records | customers) - asked:  # until the walk finds no new id
            asked |= wanted
            found.update((event.sequence, event) for event in store.events_naming(wanted))
            for sequence in sorted(found, reverse=True):
                event = found[sequence]
                if event.kind in _PARTITION_KINDS and customers.intersection(event.customer_ids):
                    if live is None:
                        live = set(store.customer_ids())
                    customers.update(c for c in event.customer_ids if c not in live)
                    records.update(r for r in event.record_ids if store.get_record(r) is None)
        replace = tombstones(records | customers)

        def swap(ids: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(replace.get(name, name) for name in ids)

        written: dict[int, Event] = {}
        for event in (found[sequence] for sequence in sorted(found)):
            written[event.sequence] = attrs.evolve(
                event,
                record_ids=swap(event.record_ids),
                customer_ids=swap(event.customer_ids),
                created=swap(event.created),
                retired=swap(event.retired),
            )
        store.rewrite_events(written.values())
        return written

    # ------------------------------------------------------------------------------- model

    def set_model(self, model: MatchModel, *, reason: str = "") -> tuple[Event, ...]:
        """Replace the model (for example after :func:`estimate`) and re-resolve everything."""
        with self._operation():
            old_keys = {
                record_id: self._keys(self._profile(record_id))
                for record_id in self._store.record_ids()
            }
            for record_id, keys in old_keys.items():
                self._store.remove_keys(record_id, keys)
            self._model = model
            self._profiles.clear()
            self._shared.clear()
            for record_id in old_keys:
                self._store.add_keys(record_id, self._keys(self._profile(record_id)))
            event = self._log(EventKind.MODEL_CHANGED, reason=reason)
            applied = self._apply(_Change(refresh_all=True), cause=event.sequence)
        return (event, *applied.events)

    def clear_caches(self) -> None:
        """Forget what was derived from the store (record profiles, shared-value flags).

        Stores call this when their content may differ from what was cached: a rolled-back
        transaction, or a change made by another process.
        """
        self._profiles.clear()
        self._shared.clear()

    # ------------------------------------------------------------------------------ queries

    def customer_of(self, record_id: str) -> str:
        """The id of the customer a record belongs to."""
        self._require(record_id)
        customer_id = self._store.customer_of(record_id)
        assert customer_id is not None
        return customer_id

    def canonical_id(self, customer_id: str) -> str:
        """The live id for ``customer_id``: itself, or the survivor of a retired id."""
        seen = set()
        current = customer_id
        while current not in seen:
            seen.add(current)
            if self._store.members(current):
                return current
            anchor = self._store.anchor_of(current)
            if anchor is not None:
                holder = self._store.customer_of(anchor)
                if holder is not None:
                    return holder
            successor = self._store.successor_of(current)
            if successor is None:
                break
            current = successor
        raise UnknownCustomerError(f"no customer {customer_id!r} (unknown, dissolved or erased)")

    def members(self, customer_id: str) -> frozenset[str]:
        """The record ids of a customer (retired ids are followed to the survivor)."""
        return self._store.members(self.canonical_id(customer_id))

    def records(self, customer_id: str) -> list[Record]:
        """The records of a customer, oldest first."""
        found = [self._store.get_record(r) for r in self.members(customer_id)]
        return sorted((r for r in found if r is not None), key=lambda r: r.order_key)

    def customers(self) -> dict[str, frozenset[str]]:
        """Every customer id with its record ids."""
        return {cid: self._store.members(cid) for cid in sorted(self._store.customer_ids())}

    def partition(self) -> frozenset[frozenset[str]]:
        """The customers as sets of record ids (what the guarantees are stated about)."""
        return frozenset(self._store.members(cid) for cid in self._store.customer_ids())

    def get_record(self, record_id: str) -> Record:
        """A record by id."""
        return self._require(record_id)

    def possible_matches(self) -> list[PairEvidence]:
        """Pairs scored as possible matches whose records are in different customers."""
        return sorted(
            (
                edge
                for edge in self._store.all_edges()
                if edge.outcome is Outcome.POSSIBLE_MATCH
                and self._store.customer_of(edge.left) != self._store.customer_of(edge.right)
            ),
            key=lambda e: (-e.probability, e.pair),
        )

    def candidate_pairs(self) -> list[PairEvidence]:
        """Every pair of records blocking makes a candidate, each once (``left < right``,
        sorted), scored by the model: the resolver keeps only matches, possible matches and
        related pairs; this scores the others too.

        For measuring accuracy (:func:`evaluate`): the pairs' probabilities give a
        threshold sweep, and the pairs themselves blocking recall. Scoring every candidate
        pair again takes about as long as resolving the records did, and the list holds one
        :class:`PairEvidence` per pair.
        """
        store = self._store
        limit = self._model.blocking.max_block_size
        pairs = []
        for record_id in sorted(store.record_ids()):
            profile = self._profile(record_id)
            candidates = store.records_with_any_key(self._keys(profile), limit)
            for other in sorted(candidates):
                if other > record_id:
                    pairs.append(
                        self._model.evaluate(profile, self._profile(other), shared=self._is_shared)
                    )
        return pairs

    def related(self, customer_id: str) -> dict[str, tuple[str, ...]]:
        """Customers that share a value with this one without being it (a household phone).

        Maps each related customer id to the identifier slots that relate them.
        """
        live = self.canonical_id(customer_id)
        found: dict[str, set[str]] = {}
        for record_id in self._store.members(live):
            for other, edge in self._store.edges_of(record_id).items():
                target = self._store.customer_of(other)
                if edge.related and target is not None and target != live:
                    found.setdefault(target, set()).update(edge.related_by)
        return {cid: tuple(sorted(slots)) for cid, slots in sorted(found.items())}

    def events(self, *, since: int = 0) -> Sequence[Event]:
        """The audit log, oldest first (from sequence number ``since``)."""
        return self._store.events(since=since)

    def golden_record(
        self, customer_id: str, policy: SurvivorshipPolicy | None = None
    ) -> GoldenRecord:
        """The customer's best values per field, each with its provenance."""
        live = self.canonical_id(customer_id)
        return build_golden_record(live, self.records(live), policy or SurvivorshipPolicy())

    def explain(self, left: str, right: str) -> Explanation:
        """Why two records are, or are not, one customer."""
        a, b = self._require(left), self._require(right)
        profile_a, profile_b = self._profile(a.id), self._profile(b.id)
        evidence = self._model.evaluate(profile_a, profile_b, shared=self._is_shared)
        keys_a = self._model.blocking.keys(profile_a)
        keys_b = self._model.blocking.keys(profile_b)
        limit = self._model.blocking.max_block_size
        candidate = any(len(self._store.records_with_key(key)) <= limit for key in keys_a & keys_b)
        customer_a, customer_b = self.customer_of(a.id), self.customer_of(b.id)
        same = customer_a == customer_b
        path: tuple[PathStep, ...] = ()
        rejections: tuple[Rejection, ...] = ()
        if same:
            path = self._path(a.id, b.id, self._store.members(customer_a))
        else:
            region = self._region({a.id, b.id})
            _groups, refused = self._partition(region, trace=True)
            mine = self._store.members(customer_a) | self._store.members(customer_b)
            rejections = tuple(r for r in refused if r.left in mine and r.right in mine)
        judgements = tuple(
            j
            for j in self._store.judgements_of(a.id)
            if (a.id in j.left and b.id in j.right) or (a.id in j.right and b.id in j.left)
        )
        return Explanation(
            left=a.id,
            right=b.id,
            left_customer=customer_a,
            right_customer=customer_b,
            same_customer=same,
            candidate=candidate,
            evidence=evidence,
            path=path,
            rejections=rejections,
            judgements=judgements,
            match_threshold=self._model.match_threshold,
            review_threshold=self._model.review_threshold,
        )

    def _path(self, start: str, goal: str, members: frozenset[str]) -> tuple[PathStep, ...]:
        links: dict[str, list[tuple[str, str, PairEvidence | None]]] = {}
        for record_id in members:
            for other, edge in self._store.edges_of(record_id).items():
                if other in members and edge.outcome is Outcome.MATCH:
                    links.setdefault(record_id, []).append((other, "match", edge))
            for judgement in self._store.judgements_of(record_id):
                if judgement.same:
                    for other in judgement.record_ids:
                        if other in members and other != record_id:
                            links.setdefault(record_id, []).append(
                                (other, f"judgement:{judgement.id}", None)
                            )
        previous: dict[str, tuple[str, str, PairEvidence | None]] = {}
        queue = deque([start])
        seen = {start}
        while queue:
            node = queue.popleft()
            if node == goal:
                break
            for other, via, link in sorted(links.get(node, []), key=lambda x: (x[0], x[1])):
                if other not in seen:
                    seen.add(other)
                    previous[other] = (node, via, link)
                    queue.append(other)
        steps = []
        node = goal
        while node != start and node in previous:
            parent, via, link = previous[node]
            steps.append(PathStep(left=parent, right=node, via=via, evidence=link))
            node = parent
        return tuple(reversed(steps))

    # ---------------------------------------------------------------------------- internals

    @contextmanager
    def _operation(self) -> Iterator[None]:
        """One operation: one store transaction, and one time stamped on all its events."""
        if self._now is not None:
            with self._store.transaction():
                yield
            return
        self._now = self._clock()
        started = time.perf_counter()
        try:
            with self._store.transaction():
                yield
        finally:
            self._now = None
            elapsed = time.perf_counter() - started
            if elapsed >= SLOW_OPERATION_SECONDS:
                _LOG.info(
                    "slow resolver operation: %.2f s",
                    elapsed,
                    extra={"omnicontact_seconds": elapsed},
                )

    def _require(self, record_id: str) -> Record:
        record = self._store.get_record(record_id)
        if record is None:
            raise UnknownRecordError(f"no record {record_id!r}")
        return record

    def _log(
        self,
        kind: EventKind,
        *,
        reason: str = "",
        record_ids: tuple[str, ...] = (),
        customer_ids: tuple[str, ...] = (),
        created: tuple[str, ...] = (),
        retired: tuple[str, ...] = (),
        cause: int | None = None,
        detail: str = "",
    ) -> Event:
        event = Event(
            sequence=self._store.next_sequence(),
            at=self._now or self._clock(),
            kind=kind,
            reason=reason,
            record_ids=record_ids,
            customer_ids=customer_ids,
            created=created,
            retired=retired,
            cause=cause,
            detail=detail,
        )
        self._store.append_event(event)
        if self._held is None:
            _log_event(event)
        else:
            self._held.append(event)
        return event

    def _profile(self, record_id: str) -> Profile:
        profile = self._profiles.get(record_id)
        if profile is None:
            record = self._require(record_id)
            profile = self._model.profile(record)
            self._profiles[record_id] = profile
        return profile

    def _keys(self, profile: Profile) -> tuple[str, ...]:
        """The blocking keys of a profile (computed when needed: the index keeps them, and
        a copy per record would be the largest part of a resolver's memory)."""
        return tuple(self._model.blocking.keys(profile))

    def _is_shared(self, key: str, holders: frozenset[str] | None = None) -> bool:
        """Whether the identifier ``key`` is held by records of many people (``holders``:
        the holders of its blocking key ``id:<key>``, if known); for a national id, of a
        household (see :meth:`MatchModel.household_number`)."""
        cached = self._shared.get(key)
        if cached is None:
            if holders is None:
                holders = self._store.records_with_key(f"id:{key}")
            if key.startswith(_NATIONAL_ID):
                cached = self._model.household_number([self._profile(r) for r in sorted(holders)])
            else:
                enough = self._model.guards.shared_after_names
                names = [name for r in holders for name in self._profile(r).names]
                cached = len(names) >= enough and distinct_people(names, enough) >= enough
            if len(holders) > 1:  # a value on one record is cheaper to look at again than to keep
                self._shared[key] = cached
        return cached

    def _key_state(self, key: str, holders: frozenset[str] | None = None) -> tuple[bool, bool]:
        if holders is None:
            holders = self._store.records_with_key(key)
        active = len(holders) <= self._model.blocking.max_block_size
        shared = self._is_shared(key[3:], holders) if key.startswith("id:") else False
        return active, shared

    def _values(self, record_id: str) -> Mapping[str, frozenset[str]]:
        """The record's guard-counted value keys by slot (only capped slots count)."""
        record = self._profile(record_id).record
        guards = self._model.guards
        limits = guards.max_distinct
        slots: dict[str, set[str]] = {}
        for item in record.identifiers:
            slot = identifier_slot(item)
            if slot in limits and (type(item) not in MAY_BE_JUNK or not guards.is_junk(item)):
                keys = slots.get(slot)
                if keys is None:
                    slots[slot] = {item.key}
                else:
                    keys.add(item.key)
        return {slot: frozenset(keys) for slot, keys in slots.items()}

    def _anchor(self, members: Iterable[str]) -> str:
        return min(members, key=lambda r: self._require(r).order_key)

    def _evidence_for(
        self,
        record_id: str,
        refreshed: AbstractSet[str] = frozenset(),
        keys: tuple[str, ...] | None = None,
    ) -> dict[str, PairEvidence]:
        """The kept evidence between ``record_id`` and its candidates, but those of
        ``refreshed`` that sort before it (their pair was scored when they were)."""
        profile = self._profile(record_id)
        candidates = self._store.records_with_any_key(
            keys if keys is not None else self._keys(profile), self._model.blocking.max_block_size
        )
        candidates.discard(record_id)
        found = {}
        score = self._model._score
        for other in candidates:
            if other < record_id and other in refreshed:
                continue
            evidence = score(profile, self._profile(other), self._is_shared, keep_all=False)
            if evidence is not None:
                found[other] = evidence
        return found

    def _apply(self, change: _Change, *, cause: int | None) -> _Applied:
        store = self._store
        seeds: set[str] = set(change.extra_seeds)
        before_customers: dict[str, str] = {}  # record id -> customer id, before the change
        before_groups: dict[str, frozenset[str]] = {}

        def remember(record_id: str) -> None:
            customer_id = store.customer_of(record_id)
            if customer_id is not None and customer_id not in before_groups:
                before_groups[customer_id] = store.members(customer_id)
                for member in before_groups[customer_id]:
                    before_customers[member] = customer_id

        # 1. the blocking keys touched, and the state (size limit, shared) of those in use
        leaving = set(change.delete) | {r for r in change.put if store.get_record(r) is not None}
        old_keys = {r: self._keys(self._profile(r)) for r in leaving}
        new_profiles = {r: self._model.profile(record) for r, record in change.put.items()}
        new_keys = {r: self._keys(profile) for r, profile in new_profiles.items()}
        # Counting records can cost a scan (SQL stores): only a bulk change asks whether
        # the store is empty, in which case no key had holders before.
        bulk = len(change.put) + len(change.delete) >= BULK_SIZE
        empty_before = bulk and store.count_records() == 0
        state_before: dict[str, tuple[bool, bool]] = {}
        for keys in (*old_keys.values(), *new_keys.values()) if not empty_before else ():
            for key in keys:
                if key not in state_before:
                    holders = store.records_with_key(key)
                    if holders:  # a key nobody held was active and not shared
                        state_before[key] = self._key_state(key, holders)

        # 2. change the facts
        for record_id in sorted(leaving):
            remember(record_id)
            store.remove_keys(record_id, old_keys[record_id])
            for other in store.edges_of(record_id):
                store.delete_edge(record_id, other)
                seeds.add(other)
            if record_id in change.delete:
                store.delete_record(record_id)
            self._profiles.pop(record_id, None)
        for record_id, record in sorted(change.put.items()):
            store.put_record(record)
            self._profiles[record_id] = new_profiles[record_id]
            store.add_keys(record_id, new_keys[record_id])
            seeds.add(record_id)
        for keys in (*old_keys.values(), *new_keys.values()) if self._shared else ():
            for key in keys:
                if key.startswith("id:"):
                    self._shared.pop(key[3:], None)
        for judgement in (*change.judgements_added, *change.judgements_removed):
            seeds.update(r for r in judgement.record_ids if store.get_record(r) is not None)

        # 3. refresh the evidence of records whose candidate pairs may have changed: the
        #    records put, and every holder of a key whose state flipped. (A holder that left
        #    the key was removed or put again, so the holders after the change suffice.)
        refresh: set[str] = set(change.put)
        if change.refresh_all:
            refresh = set(store.record_ids())
        # A key nobody held before has only records put as holders: already refreshed.
        for key, before in state_before.items():
            holders = store.records_with_key(key)
            if self._key_state(key, holders) != before:
                refresh.update(holders)
        del state_before
        refresh = {r for r in refresh if store.get_record(r) is not None}
        for record_id in sorted(refresh):
            new = self._evidence_for(record_id, refresh, new_keys.get(record_id))
            old = store.edges_of(record_id)
            for other in old.keys() - new.keys():
                if not (other < record_id and other in refresh):  # else removed already
                    store.delete_edge(record_id, other)
                    seeds.update((record_id, other))
            for other, evidence in new.items():
                if old.get(other) != evidence:
                    store.put_edge(evidence)
                    seeds.update((record_id, other))
        seeds = {r for r in seeds if store.get_record(r) is not None}
        if change.refresh_all:
            seeds = set(store.record_ids())

        # 4. re-partition the region and log the difference
        if len(seeds) >= BULK_SIZE and len(seeds) == store.count_records():  # all are seeds
            region = seeds
        else:
            region = self._region(seeds, before_groups=before_groups)
        for record_id in region:
            remember(record_id)
        groups, _ = self._partition(region)
        events = self._commit(groups, before_groups, before_customers, change, cause)
        return _Applied(
            before=before_customers, new_records=frozenset(change.put), events=tuple(events)
        )

    def _region(
        self, seeds: set[str], *, before_groups: Mapping[str, frozenset[str]] | None = None
    ) -> set[str]:
        store = self._store
        region: set[str] = set()
        queue = deque(sorted(seeds))
        for group in (before_groups or {}).values():
            queue.extend(sorted(group))
        while queue:
            node = queue.popleft()
            if node in region or store.get_record(node) is None:
                continue
            region.add(node)
            customer_id = store.customer_of(node)
            if customer_id is not None:
                queue.extend(store.members(customer_id) - region)
            for other, edge in store.edges_of(node).items():
                if edge.outcome is Outcome.MATCH and other not in region:
                    queue.append(other)
            for judgement in store.judgements_of(node):
                if judgement.same:
                    queue.extend(judgement.record_ids - region)
        return region

    def _partition(
        self, region: set[str], *, trace: bool = False
    ) -> tuple[list[frozenset[str]], list[Rejection]]:
        store = self._store
        judgements: dict[str, Judgement] = {}
        for record_id in region:
            for judgement in store.judgements_of(record_id):
                judgements[judgement.id] = judgement

        def edges() -> Iterator[PairEvidence]:  # each edge once, from its left record
            for record_id in region:
                for edge in store.edges_of(record_id).values():
                    if edge.left == record_id:
                        yield edge

        model = self._model
        profile, shared = self._profile, self._is_shared

        def veto(left: str, right: str) -> str | None:
            mine, theirs = profile(left), profile(right)
            return model.veto(mine, theirs, shared=shared) or model.chain_veto(mine, theirs)

        return partition(
            region,
            edges(),
            judgements.values(),
            self._values,
            model.guards,
            veto=veto if model.vetoes or model.chain_vetoes else None,
            trace=trace,
        )

    def _commit(
        self,
        groups: list[frozenset[str]],
        before_groups: dict[str, frozenset[str]],
        before_customers: dict[str, str],
        change: _Change,
        cause: int | None,
    ) -> list[Event]:
        store = self._store
        after: dict[str, frozenset[str]] = {}
        anchors: dict[str, str] = {}
        for group in groups:
            anchor = next(iter(group)) if len(group) == 1 else self._anchor(group)
            cid = customer_id_for(anchor)
            after[cid] = group
            anchors[cid] = anchor
        if after == before_groups:
            return []
        # successors for ids whose anchor record is gone
        deleted = set(change.delete)
        # record -> customer after the change: needed only where customers existed before
        after_of = (
            {r: cid for cid, group in after.items() for r in group}
            if before_groups or deleted
            else {}
        )
        for cid in before_groups.keys() - after.keys():
            store.unassign(cid)
        for cid, group in after.items():
            if before_groups.get(cid) != group:
                store.unassign(cid)
                store.assign(cid, group)
                store.set_anchor(cid, anchors[cid])
        for record_id in deleted:
            old_customer = before_customers.get(record_id)
            survivors = [
                r for r in before_groups.get(old_customer or "", frozenset()) if r not in deleted
            ]
            target = after_of.get(self._anchor(survivors)) if survivors else None
            for cid in store.ids_anchored_on(record_id):
                if cid not in after and target is not None:
                    store.set_successor(cid, target)
        return self._diff_events(after, after_of, before_groups, before_customers, cause)

    def _diff_events(
        self,
        after: dict[str, frozenset[str]],
        after_of: Mapping[str, str],
        before: dict[str, frozenset[str]],
        before_customers: dict[str, str],
        cause: int | None,
    ) -> list[Event]:
        """Log the change from ``before`` to ``after``: creations and merges (by new id),
        then dissolutions and splits (by old id), then renames."""
        created = {cid for cid in after if cid not in before}
        retired = {cid for cid in before if cid not in after}
        events = []

        def emit(
            kind: EventKind, customer_ids: tuple[str, ...], record_ids: tuple[str, ...]
        ) -> None:
            new_ids = tuple(c for c in customer_ids if c in created)
            old_ids = tuple(c for c in customer_ids if c in retired)
            created.difference_update(new_ids)
            retired.difference_update(old_ids)
            if kind in (EventKind.CUSTOMERS_MERGED, EventKind.CUSTOMER_SPLIT) or (
                new_ids or old_ids or kind is EventKind.CUSTOMER_CREATED
            ):
                events.append(
                    self._log(
                        kind,
                        record_ids=record_ids,
                        customer_ids=customer_ids,
                        created=new_ids,
                        retired=old_ids,
                        cause=cause,
                    )
                )

        def sources_of(group: frozenset[str]) -> list[str]:
            if not before_customers:
                return []
            return sorted({before_customers[r] for r in group if r in before_customers})

        for cid in sorted(after):
            group = after[cid]
            sources = sources_of(group)
            if not sources:
                emit(EventKind.CUSTOMER_CREATED, (cid,), tuple(sorted(group)))
            elif len(sources) >= 2:
                emit(EventKind.CUSTOMERS_MERGED, (*sources, cid), tuple(sorted(group)))
        split_done: set[str] = set()
        for old in sorted(before):
            targets = sorted({after_of[r] for r in before[old] if r in after_of})
            if not targets:
                emit(EventKind.CUSTOMER_DISSOLVED, (old,), tuple(sorted(before[old])))
            elif len(targets) >= 2:
                split_done.add(old)
                emit(EventKind.CUSTOMER_SPLIT, (old, *targets), ())
        for cid in sorted(after) if before else ():
            sources = sources_of(after[cid])
            if len(sources) == 1 and sources[0] != cid and sources[0] not in split_done:
                emit(EventKind.CUSTOMER_RENAMED, (sources[0], cid), ())
        assert not created, created
        assert not retired, retired
        return events


def _log_event(event: Event) -> None:
    """Log an audit event: its kind, sequence and ids, never a value (events hold none)."""
    level = logging.DEBUG if event.kind in _ROUTINE else logging.INFO
    if not _LOG.isEnabledFor(level):
        return
    _LOG.log(
        level,
        "%s #%d: customers %s, records %s%s",
        event.kind.value,
        event.sequence,
        ", ".join(event.customer_ids) or "-",
        ", ".join(event.record_ids[:10]) + (" …" if len(event.record_ids) > 10 else "") or "-",
        f" ({event.detail})" if event.detail else "",
        extra={
            "omnicontact_event": event.kind.value,
            "omnicontact_sequence": event.sequence,
            "omnicontact_customer_ids": event.customer_ids,
            "omnicontact_record_ids": event.record_ids,
            "omnicontact_cause": event.cause,
        },
    )


def _merged(first: Sequence[Event], second: Sequence[Event]) -> tuple[Event, ...]:
    """Two lists of events in sequence order, merged in that order, each event once."""
    if not second:
        return tuple(first)
    if not first:
        return tuple(second)
    merged: list[Event] = []
    i = j = 0
    while i < len(first) and j < len(second):
        a, b = first[i].sequence, second[j].sequence
        if a <= b:
            merged.append(first[i])
            i += 1
            j += a == b
        else:
            merged.append(second[j])
            j += 1
    merged.extend(first[i:])
    merged.extend(second[j:])
    return tuple(merged)


_PARTITION_KINDS = frozenset(
    {
        EventKind.CUSTOMER_CREATED,
        EventKind.CUSTOMERS_MERGED,
        EventKind.CUSTOMER_SPLIT,
        EventKind.CUSTOMER_RENAMED,
        EventKind.CUSTOMER_DISSOLVED,
        EventKind.CUSTOMER_ERASED,
    }
)
"""The events whose customer ids are ids one customer went by, or came from."""


@attrs.frozen
class _Applied:
    before: dict[str, str]
    new_records: frozenset[str]
    events: tuple[Event, ...]
