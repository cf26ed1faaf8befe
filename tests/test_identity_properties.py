"""Property tests of the resolver's guarantees, over generated populations."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicontact.exceptions import UnknownCustomerError
from omnicontact.identity import (
    EventKind,
    GuardPolicy,
    MatchModel,
    Record,
    Resolver,
    identifier_slot,
)
from omnicontact.testing import Population, populations, tangled_records

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
TIGHT = MatchModel(
    guards=GuardPolicy(max_distinct={"email": 1, "phone": 1, "date_of_birth": 1}),
)


def clock() -> dt.datetime:
    return T0


def resolver(model: MatchModel | None = None) -> Resolver:
    return Resolver(model=model, clock=clock)


def one_by_one(records: list[Record] | tuple[Record, ...], model: MatchModel | None = None):
    r = resolver(model)
    for record in records:
        r.resolve(record)
    return r


def live_ids_from_log(r: Resolver) -> set[str]:
    live: set[str] = set()
    for event in r.events():
        live -= set(event.retired)
        live |= set(event.created)
    return live


@st.composite
def population_and_order(draw, **kwargs):
    population = draw(populations(**kwargs))
    order = draw(st.permutations(population.records))
    return population, order


class TestPartitionIsAFunction:
    @given(population_and_order(max_people=5))
    def test_order_independence(self, case: tuple[Population, list[Record]]) -> None:
        """Resolving the same records in any order gives the same customers and ids."""
        population, order = case
        first = one_by_one(population.records)
        second = one_by_one(order)
        assert first.customers() == second.customers()

    @given(populations(max_people=5))
    def test_incremental_equals_batch(self, population: Population) -> None:
        """resolve_many gives the customers (and ids) that resolving one by one gives."""
        batch = resolver()
        batch.resolve_many(population.records)
        assert batch.customers() == one_by_one(population.records).customers()

    @given(population_and_order(max_people=5))
    def test_order_independence_with_tight_guards(
        self, case: tuple[Population, list[Record]]
    ) -> None:
        """With guards that refuse merges, the arrival order still does not matter."""
        population, order = case
        assert (
            one_by_one(population.records, TIGHT).customers()
            == one_by_one(order, TIGHT).customers()
        )

    @given(populations(max_people=4), st.data())
    def test_resolving_again_is_idempotent(self, population: Population, data) -> None:
        """Resolving a record already resolved changes nothing and logs nothing."""
        r = resolver()
        r.resolve_many(population.records)
        before, log_size = r.customers(), len(r.events())
        record = data.draw(st.sampled_from(population.records))
        result = r.resolve(record)
        assert result.outcome.value == "unchanged"
        assert r.customers() == before
        assert len(r.events()) == log_size


class TestJudgements:
    @given(populations(min_people=2, max_people=5), st.data())
    def test_negative_judgements_are_never_violated(self, population: Population, data) -> None:
        """After "not the same" judgements, later records never bring judged records together."""
        records = list(population.records)
        split = data.draw(st.integers(1, len(records)))
        r = resolver()
        r.resolve_many(records[:split])
        ids = [record.id for record in records[:split]]
        judged = []
        if len(ids) >= 2:
            for _ in range(data.draw(st.integers(1, 3))):
                a, b = data.draw(
                    st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True)
                )
                judged.append(r.judge_records(a, b, same=False))
        for record in records[split:]:
            r.resolve(record)
        for judgement in judged:
            for customer in r.partition():
                assert not (customer & judgement.left and customer & judgement.right)
        fresh = resolver()
        fresh.resolve_many(records)
        for judgement in judged:
            (a,), (b,) = judgement.left, judgement.right
            fresh.judge_records(a, b, same=False)
        assert fresh.partition() == r.partition()

    @given(populations(min_people=2, max_people=4), st.data())
    def test_withdrawing_a_judgement_restores_the_partition(
        self, population: Population, data
    ) -> None:
        """Adding then withdrawing a judgement gives back the customers before it."""
        r = resolver()
        r.resolve_many(population.records)
        before = r.customers()
        a, b = data.draw(
            st.lists(
                st.sampled_from([x.id for x in population.records]),
                min_size=2,
                max_size=2,
                unique=True,
            )
        )
        judgement = r.judge_records(a, b, same=data.draw(st.booleans()))
        r.withdraw_judgement(judgement.id)
        assert r.customers() == before

    @given(populations(min_people=2, max_people=4), st.data())
    def test_same_judgement_joins_unless_forbidden(self, population: Population, data) -> None:
        """A "same" judgement puts two records in one customer when nothing forbids it."""
        r = resolver(MatchModel(guards=GuardPolicy(max_distinct={})))
        r.resolve_many(population.records)
        a, b = data.draw(
            st.lists(
                st.sampled_from([x.id for x in population.records]),
                min_size=2,
                max_size=2,
                unique=True,
            )
        )
        r.judge_records(a, b, same=True)
        assert r.customer_of(a) == r.customer_of(b)


class TestGuards:
    @given(populations(max_people=5, household_percent=60))
    def test_guards_are_never_violated(self, population: Population) -> None:
        """No customer of two or more records exceeds a per-slot limit on distinct values."""
        r = one_by_one(population.records, TIGHT)
        limits = TIGHT.guards.max_distinct
        for members in r.partition():
            if len(members) < 2:
                continue
            seen: dict[str, set[str]] = {}
            for record_id in members:
                for item in r.get_record(record_id).identifiers:
                    if not TIGHT.guards.is_junk(item):
                        seen.setdefault(identifier_slot(item), set()).add(item.key)
            for slot, limit in limits.items():
                assert len(seen.get(slot, ())) <= limit

    @given(populations(max_people=5))
    def test_junk_values_never_join_records(self, population: Population) -> None:
        """Records whose only shared identifiers are junk are never joined by a rule."""
        r = resolver()
        r.resolve_many(population.records)
        for customer in r.partition():
            for record_id in customer:
                for other, edge in r.store.edges_of(record_id).items():
                    if edge.rule is not None:
                        keys = {
                            i.key
                            for i in r.get_record(record_id).identifiers
                            if not r.model.guards.is_junk(i)
                        } & {i.key for i in r.get_record(other).identifiers}
                        assert keys


class TestUnmerge:
    @given(population_and_order(max_people=5))
    def test_removing_what_was_added_restores_the_state(
        self, case: tuple[Population, list[Record]]
    ) -> None:
        """Adding a record and removing it again gives back the same customers and ids."""
        _population, order = case
        *rest, last = order
        r = resolver()
        r.resolve_many(rest)
        before = r.customers()
        r.resolve(last)
        r.remove_record(last.id)
        assert r.customers() == before

    @given(populations(max_people=5), st.data())
    def test_removal_equals_batch_without_the_record(self, population: Population, data) -> None:
        """Removing a record leaves the customers a batch run without it would make."""
        r = resolver()
        r.resolve_many(population.records)
        gone = data.draw(st.sampled_from(population.records))
        r.remove_record(gone.id)
        fresh = resolver()
        fresh.resolve_many([x for x in population.records if x.id != gone.id])
        assert r.customers() == fresh.customers()

    @given(populations(max_people=5), st.data())
    def test_removing_an_identifier_equals_batch(self, population: Population, data) -> None:
        """Removing an identifier from a record re-resolves to what a batch run would make."""
        candidates = [x for x in population.records if x.identifiers]
        record = data.draw(st.sampled_from(candidates))
        identifier = data.draw(st.sampled_from(record.identifiers))
        r = resolver()
        r.resolve_many(population.records)
        r.remove_identifier(record.id, identifier)
        fresh = resolver()
        fresh.resolve_many(
            [x.without(identifier) if x.id == record.id else x for x in population.records]
        )
        assert r.customers() == fresh.customers()


class TestIds:
    @given(populations(max_people=5), st.data())
    def test_ids_change_only_through_logged_events(self, population: Population, data) -> None:
        """Replaying created/retired ids from the log gives exactly the live customer ids."""
        r = resolver()
        ids = []
        for record in population.records:
            r.resolve(record)
            ids.append(record.id)
            action = data.draw(st.sampled_from(["none", "remove", "judge"]))
            if action == "remove" and len(ids) > 1:
                r.remove_record(ids.pop(data.draw(st.integers(0, len(ids) - 1))))
            elif action == "judge" and len(ids) > 1:
                a, b = data.draw(
                    st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True)
                )
                r.judge_records(a, b, same=data.draw(st.booleans()))
            assert live_ids_from_log(r) == set(r.customers())

    @given(populations(max_people=5))
    def test_retired_ids_resolve_to_a_live_customer(self, population: Population) -> None:
        """Every id the log ever created resolves to a live customer holding its anchor."""
        r = one_by_one(population.records)
        live = set(r.customers())
        for event in r.events():
            for cid in event.created:
                assert r.canonical_id(cid) in live
            if event.kind is EventKind.CUSTOMERS_MERGED:
                target = event.customer_ids[-1]
                for source in event.customer_ids[:-1]:
                    assert r.canonical_id(source) == r.canonical_id(target)

    @given(populations(max_people=4))
    def test_customer_id_is_derived_from_the_earliest_record(self, population: Population) -> None:
        """Each customer's id is the documented function of its earliest record."""
        from omnicontact.identity import customer_id_for

        r = one_by_one(population.records)
        for cid, members in r.customers().items():
            anchor = min(members, key=lambda m: r.get_record(m).order_key)
            assert cid == customer_id_for(anchor)


class TestErasure:
    @given(populations(min_people=2, max_people=5), st.data())
    def test_erasure_leaves_no_personal_data_and_re_resolves(
        self, population: Population, data
    ) -> None:
        """Forgetting a customer removes its records, re-resolves, and the log holds no values."""
        r = resolver()
        r.resolve_many(population.records)
        cid = data.draw(st.sampled_from(sorted(r.customers())))
        erased = r.members(cid)
        values = {
            text
            for record_id in erased
            for item in r.get_record(record_id).identifiers
            for text in (item.key, item.raw, str(item))
            if len(text) >= 4
        }
        r.forget_customer(cid, reason="GDPR request")
        log = json.dumps([attrs.asdict(e) for e in r.events()], default=str)
        for text in values:
            assert text not in log
        with pytest.raises(UnknownCustomerError):
            r.canonical_id(cid)
        fresh = resolver()
        fresh.resolve_many([x for x in population.records if x.id not in erased])
        assert r.customers() == fresh.customers()


class TestMatching:
    @given(populations(max_people=4))
    def test_missing_values_weigh_nothing(self, population: Population) -> None:
        """A comparison whose value is missing on either side has weight 0."""
        model = MatchModel()
        profiles = [model.profile(x) for x in population.records]
        for a in profiles:
            for b in profiles:
                if a is b:
                    continue
                for result in model.evaluate(a, b).comparisons:
                    if result.level == "missing":
                        assert result.weight == 0.0

    @given(populations(max_people=4))
    def test_shared_rule_identifier_is_one_customer_without_conflicts(
        self, population: Population
    ) -> None:
        """Two records sharing a usable email or phone, with no conflicting data, match."""
        model = MatchModel(guards=GuardPolicy(max_distinct={}))
        profiles = [model.profile(x) for x in population.records]
        for a in profiles:
            for b in profiles:
                if a is b or not (set(a.rule_keys) & set(b.rule_keys)):
                    continue
                evidence = model.evaluate(a, b)
                if not evidence.conflicts:
                    assert evidence.outcome.value == "match"
                else:
                    assert evidence.rule is None
                    assert evidence.related


TANGLE_MODEL = MatchModel(
    guards=GuardPolicy(max_distinct={"email": 1, "phone": 2, "date_of_birth": 1}),
)


@st.composite
def tangle_and_order(draw):
    records = draw(tangled_records(min_size=2, max_size=8))
    return records, draw(st.permutations(records))


class TestGraphUnderConflict:
    """The same guarantees on small, tangled record sets where guards bind constantly."""

    @given(tangle_and_order())
    def test_order_independence(self, case) -> None:
        """Any arrival order gives the same customers and ids, even when guards refuse joins."""
        records, order = case
        assert (
            one_by_one(records, TANGLE_MODEL).customers()
            == one_by_one(order, TANGLE_MODEL).customers()
        )

    @given(tangle_and_order())
    def test_incremental_equals_batch(self, case) -> None:
        """Batch and one-by-one resolution agree when guards refuse joins."""
        records, order = case
        batch = resolver(TANGLE_MODEL)
        batch.resolve_many(records)
        assert batch.customers() == one_by_one(order, TANGLE_MODEL).customers()

    @given(tangle_and_order())
    def test_guards_are_never_violated(self, case) -> None:
        """No customer of two or more records exceeds a limit, whatever the order."""
        _records, order = case
        r = one_by_one(order, TANGLE_MODEL)
        guards = TANGLE_MODEL.guards
        for members in r.partition():
            if len(members) < 2:
                continue
            for slot, limit in guards.max_distinct.items():
                values = {
                    item.key
                    for m in members
                    for item in r.get_record(m).identifiers
                    if identifier_slot(item) == slot and not guards.is_junk(item)
                }
                assert len(values) <= limit

    @given(tangle_and_order())
    def test_removing_the_last_record_restores_the_state(self, case) -> None:
        """Adding a record then removing it gives back the same customers and ids."""
        _records, order = case
        *rest, last = order
        r = resolver(TANGLE_MODEL)
        r.resolve_many(rest)
        before = r.customers()
        r.resolve(last)
        r.remove_record(last.id)
        assert r.customers() == before

    @given(tangle_and_order(), st.data())
    def test_any_operation_sequence_equals_a_fresh_batch(self, case, data) -> None:
        """After adds, removals and judgements, the customers are those of a fresh batch run."""
        _records, order = case
        r = resolver(TANGLE_MODEL)
        present: dict[str, Record] = {}
        for record in order:
            r.resolve(record)
            present[record.id] = record
            action = data.draw(st.sampled_from(["none", "remove", "not_same", "same", "drop"]))
            ids = sorted(present)
            if action == "remove" and len(ids) > 1:
                del present[data.draw(st.sampled_from(ids))]
                r.remove_record(next(i for i in ids if i not in present))
            elif action in ("same", "not_same") and len(ids) > 1:
                a, b = data.draw(
                    st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True)
                )
                r.judge_records(a, b, same=action == "same")
            elif action == "drop" and r.judgements():
                r.withdraw_judgement(data.draw(st.sampled_from(r.judgements())).id)
            assert live_ids_from_log(r) == set(r.customers())
        for judgement in r.judgements():
            if not judgement.same:
                for customer in r.partition():
                    assert not (customer & judgement.left and customer & judgement.right)
        fresh = resolver(TANGLE_MODEL)
        fresh.resolve_many(present.values())
        for judgement in r.judgements():
            (a,), (b,) = judgement.left, judgement.right
            fresh.judge_records(a, b, same=judgement.same)
        assert fresh.customers() == r.customers()
