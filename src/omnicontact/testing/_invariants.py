"""Checkers of the resolver's guarantees, for property tests of *your* configuration.

Each ``check_*`` function takes a *resolver factory* (a callable returning a fresh
:class:`~omnicontact.identity.Resolver` built with your model, guards and store, or simply
a :class:`~omnicontact.identity.MatchModel`) and some records, runs the scenario the
guarantee is about on fresh resolvers, and raises
:class:`~omnicontact.exceptions.InvariantViolationError` (an ``AssertionError``) naming
the invariant and the records involved when the guarantee does not hold. Called inside a
``@given`` test, Hypothesis then shrinks the records to a small failing example.

:func:`accuracy` scores a resolver's customers against the known truth of a
:class:`~omnicontact.testing.Population`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs
from hypothesis import strategies as st

from ..exceptions import InvalidValueError, InvariantViolationError
from ..identity import GuardPolicy, MatchModel, Record, Resolver, identifier_slot
from ..identity._evaluate import partition_scores
from ._populations import Population

__all__ = [
    "Accuracy",
    "ResolverFactory",
    "accuracy",
    "check_guards",
    "check_idempotence",
    "check_ids_logged",
    "check_incremental_equals_batch",
    "check_invariants",
    "check_judgements",
    "check_order_independence",
    "check_unmerge_restores",
    "score_partition",
]

ResolverFactory = Callable[[], Resolver] | MatchModel
"""A callable returning a fresh resolver for your configuration, or just its model."""

Partition = Mapping[str, frozenset[str]]

_T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
_MAX_LISTED = 6


def _fixed_clock() -> dt.datetime:
    return _T0


def _fresh(factory: ResolverFactory) -> Resolver:
    if isinstance(factory, MatchModel):
        return Resolver(model=factory, clock=_fixed_clock)
    resolver = factory()
    if resolver.customers():
        raise InvariantViolationError(
            "fresh resolver", "the factory returned a resolver that already holds customers"
        )
    return resolver


def _describe(record: Record) -> str:
    """``id (source: slot=key, …)``, short enough for a failure message."""
    parts = [f"{identifier_slot(item)}={item.key}" for item in record.identifiers]
    shown = ", ".join(parts[:5]) + (", …" if len(parts) > 5 else "")
    return f"{record.id} ({record.source}: {shown or 'no identifiers'})"


def _records_text(records: Iterable[Record], ids: Iterable[str]) -> str:
    by_id = {record.id: record for record in records}
    wanted = sorted(set(ids))
    lines = [_describe(by_id[i]) if i in by_id else i for i in wanted[:_MAX_LISTED]]
    if len(wanted) > _MAX_LISTED:
        lines.append(f"… and {len(wanted) - _MAX_LISTED} more")
    return "; ".join(lines)


def _groups(customers: Partition) -> str:
    return ", ".join(
        f"{cid}={{{', '.join(sorted(members))}}}" for cid, members in sorted(customers.items())
    )


def _compare(
    invariant: str,
    records: Sequence[Record],
    expected: Partition,
    got: Partition,
    *,
    expected_label: str,
    got_label: str,
) -> None:
    """Raise unless the two customer maps (ids and members) are equal."""
    if dict(expected) == dict(got):
        return
    differing = {cid: m for cid, m in expected.items() if got.get(cid) != m}
    differing.update({cid: m for cid, m in got.items() if expected.get(cid) != m})
    involved = sorted({rid for members in differing.values() for rid in members})
    left = {cid: m for cid, m in expected.items() if cid in differing}
    right = {cid: m for cid, m in got.items() if cid in differing}
    raise InvariantViolationError(
        invariant,
        f"{expected_label} gives customers {_groups(left)} but {got_label} gives "
        f"{_groups(right)}; records: {_records_text(records, involved)}",
        record_ids=tuple(involved),
    )


def _one_by_one(factory: ResolverFactory, records: Iterable[Record]) -> Resolver:
    resolver = _fresh(factory)
    for record in records:
        resolver.resolve(record)
    return resolver


def _live_ids_from_log(resolver: Resolver) -> set[str]:
    live: set[str] = set()
    for event in resolver.events():
        live -= set(event.retired)
        live |= set(event.created)
    return live


# ------------------------------------------------------------------------------- checkers


def check_order_independence(
    factory: ResolverFactory, records: Sequence[Record], reordered: Sequence[Record]
) -> None:
    """Resolving ``records`` one by one in either order gives the same customers and ids.

    ``reordered`` must hold the same records in another order (draw it with
    ``st.permutations(records)``).
    """
    if sorted(r.id for r in records) != sorted(r.id for r in reordered):
        raise InvalidValueError(
            "reordered", [r.id for r in reordered], "must hold the same records as records"
        )
    _compare(
        "order independence",
        records,
        _one_by_one(factory, records).customers(),
        _one_by_one(factory, reordered).customers(),
        expected_label=f"order {[r.id for r in records]}",
        got_label=f"order {[r.id for r in reordered]}",
    )


def check_incremental_equals_batch(factory: ResolverFactory, records: Sequence[Record]) -> None:
    """One ``resolve_many`` call gives the customers that resolving one by one gives."""
    batch = _fresh(factory)
    batch.resolve_many(records)
    _compare(
        "incremental = batch",
        records,
        batch.customers(),
        _one_by_one(factory, records).customers(),
        expected_label="resolve_many",
        got_label="resolve one by one",
    )


def check_idempotence(factory: ResolverFactory, records: Sequence[Record]) -> None:
    """Resolving a record that is already resolved changes no customer and logs nothing."""
    resolver = _fresh(factory)
    resolver.resolve_many(records)
    for record in records:
        before, logged = resolver.customers(), len(resolver.events())
        resolver.resolve(record)
        _compare(
            "idempotence",
            records,
            before,
            resolver.customers(),
            expected_label="before resolving again",
            got_label=f"resolving {record.id} again",
        )
        if len(resolver.events()) != logged:
            kinds = [e.kind.value for e in resolver.events()[logged:]]
            raise InvariantViolationError(
                "idempotence",
                f"resolving {_describe(record)} again logged {kinds}",
                record_ids=(record.id,),
            )


def check_judgements(
    factory: ResolverFactory,
    records: Sequence[Record],
    judgements: Sequence[tuple[str, str, bool]],
    *,
    split: int | None = None,
) -> None:
    """Judgements hold whatever arrives later, and customers are a function of them.

    The first ``split`` records (default: all) are resolved, then each
    ``(left_id, right_id, same)`` judgement is made, then the other records arrive. No
    customer may then hold both records of a "not the same" judgement, and the customers
    must be those of a fresh resolver given all records first and the judgements after.
    """
    split = len(records) if split is None else split
    resolver = _fresh(factory)
    resolver.resolve_many(records[:split])
    for left, right, same in judgements:
        resolver.judge_records(left, right, same=same)
    for record in records[split:]:
        resolver.resolve(record)
    for left, right, same in judgements:
        if not same and resolver.customer_of(left) == resolver.customer_of(right):
            raise InvariantViolationError(
                "judgements never violated",
                f"{left} and {right} were judged not the same but are both in customer "
                f"{resolver.customer_of(left)}; records: {_records_text(records, (left, right))}",
                record_ids=(left, right),
            )
    fresh = _fresh(factory)
    fresh.resolve_many(records)
    for left, right, same in judgements:
        fresh.judge_records(left, right, same=same)
    _compare(
        "judgements never violated",
        records,
        fresh.customers(),
        resolver.customers(),
        expected_label="judging after every record",
        got_label=f"judging after the first {split} records",
    )


def check_guards(
    factory: ResolverFactory,
    records: Sequence[Record],
    *,
    guards: GuardPolicy | None = None,
) -> None:
    """No customer of two or more records holds more distinct values than a guard allows.

    ``guards`` defaults to the resolver's own ``model.guards``; pass a stricter policy to
    check that your configuration also keeps to it.
    """
    resolver = _one_by_one(factory, records)
    policy = guards if guards is not None else resolver.model.guards
    for cid, members in sorted(resolver.customers().items()):
        if len(members) < 2:
            continue
        seen: dict[str, set[str]] = {}
        for record_id in members:
            for item in resolver.get_record(record_id).identifiers:
                if not policy.is_junk(item):
                    seen.setdefault(identifier_slot(item), set()).add(item.key)
        for slot, limit in sorted(policy.max_distinct.items()):
            values = seen.get(slot, set())
            if len(values) > limit:
                raise InvariantViolationError(
                    "guards never violated",
                    f"customer {cid} holds {len(values)} distinct {slot} values "
                    f"{sorted(values)} (limit {limit}); records: "
                    f"{_records_text(records, members)}",
                    record_ids=tuple(sorted(members)),
                )


def check_unmerge_restores(factory: ResolverFactory, records: Sequence[Record]) -> None:
    """Adding the last record and removing it again gives back the customers and ids before."""
    if not records:
        return
    *rest, last = records
    resolver = _fresh(factory)
    resolver.resolve_many(rest)
    before = resolver.customers()
    resolver.resolve(last)
    resolver.remove_record(last.id)
    _compare(
        "unmerge restores",
        records,
        before,
        resolver.customers(),
        expected_label=f"before adding {last.id}",
        got_label=f"after adding and removing {last.id}",
    )


def check_ids_logged(
    factory: ResolverFactory,
    records: Sequence[Record],
    *,
    removals: Sequence[str] = (),
    judgements: Sequence[tuple[str, str, bool]] = (),
) -> None:
    """Customer ids come into and go out of use only through logged events.

    Records are resolved one by one, then the ``judgements`` made and the ``removals``
    removed; after every step, replaying the ``created``/``retired`` ids of the audit log
    must give exactly the live customer ids.
    """
    resolver = _fresh(factory)

    def step(what: str, ids: tuple[str, ...]) -> None:
        from_log, live = _live_ids_from_log(resolver), set(resolver.customers())
        if from_log != live:
            raise InvariantViolationError(
                "ids change only through logged events",
                f"after {what}, the log says the live ids are {sorted(from_log)} but the "
                f"resolver has {sorted(live)}; records: {_records_text(records, ids)}",
                record_ids=ids,
            )

    for record in records:
        resolver.resolve(record)
        step(f"resolving {record.id}", (record.id,))
    for left, right, same in judgements:
        resolver.judge_records(left, right, same=same)
        step(f"judging {left} and {right} {'same' if same else 'not the same'}", (left, right))
    for record_id in removals:
        resolver.remove_record(record_id)
        step(f"removing {record_id}", (record_id,))


def check_invariants(
    factory: ResolverFactory, records: Sequence[Record], *, data: st.DataObject
) -> None:
    """Run every checker above on ``records``, drawing orders, judgements and removals.

    ``data`` is the value of an ``st.data()`` argument of your ``@given`` test: the choices
    drawn from it are shrunk and reported with the failing example.
    """
    records = list(records)
    ids = [record.id for record in records]
    reordered = data.draw(st.permutations(records), label="reordered")
    check_order_independence(factory, records, reordered)
    check_incremental_equals_batch(factory, records)
    check_idempotence(factory, records)
    check_guards(factory, reordered)
    check_unmerge_restores(factory, reordered)
    pairs = (
        st.lists(
            st.tuples(*([st.sampled_from(ids)] * 2), st.booleans()).filter(lambda j: j[0] != j[1]),
            max_size=3,
        )
        if len(ids) >= 2
        else st.just([])
    )
    judgements = data.draw(pairs, label="judgements")
    known = {i for left, right, _ in judgements for i in (left, right)}
    first = max((ids.index(i) + 1 for i in known), default=0)
    split = data.draw(st.integers(first, len(records)), label="split")
    check_judgements(factory, records, judgements, split=split)
    removals = data.draw(st.lists(st.sampled_from(ids), unique=True), label="removals")
    check_ids_logged(factory, records, removals=removals, judgements=judgements)


# ------------------------------------------------------------------------------- accuracy


@attrs.frozen(kw_only=True)
class Accuracy:
    """How well customers match the known truth, pairwise and B-cubed.

    *Pairwise* scores count pairs of records put in one customer: precision is the share
    of such pairs that are truly one person, recall the share of true pairs found.
    *B-cubed* scores average, over records, the overlap between the record's customer
    and its true person, so large clusters weigh in proportion to their records. With no
    predicted (or true) pairs, pairwise precision (or recall) is 1.0: nothing was wrong.

    >>> from omnicontact.testing import synthetic_population
    >>> score = accuracy(Resolver(), synthetic_population(20, seed=1))
    >>> 0.0 <= score.pairwise_f1 <= 1.0 and 0.0 < score.bcubed_f1 <= 1.0
    True
    """

    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    records: int
    true_pairs: int
    predicted_pairs: int


def score_partition(predicted: Iterable[Iterable[str]], truth: Mapping[str, str]) -> Accuracy:
    """Score a partition of record ids against ``truth`` (record id → true person id)."""
    clusters = {record_id: index for index, group in enumerate(predicted) for record_id in group}
    pairwise, bcubed, predicted_pairs, true_pairs = partition_scores(clusters, truth)
    return Accuracy(
        pairwise_precision=pairwise.precision,
        pairwise_recall=pairwise.recall,
        pairwise_f1=pairwise.f1,
        bcubed_precision=bcubed.precision,
        bcubed_recall=bcubed.recall,
        bcubed_f1=bcubed.f1,
        records=len(truth),
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
    )


def accuracy(resolver: Resolver, population: Population) -> Accuracy:
    """Resolve the population's records into ``resolver`` and score its customers.

    Records the resolver already holds are left as they are (resolving a record again
    changes nothing), so a resolver that has already seen the population can be passed
    too; customers are restricted to the population's records before scoring.
    """
    resolver.resolve_many(population.records)
    return score_partition(resolver.partition(), population.truth)
