"""Unit tests of the in-memory store and of the documents a store keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicontact import dumps, loads
from omnicontact.identity import Event, EventKind, Judgement, Outcome, PairEvidence, Record
from omnicontact.store import IdentityStore, MemoryStore
from omnicontact.testing import Population, populations

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
RECORD_IDS = [f"r{i}" for i in range(1, 13)]  # enough for a key to outgrow a small tuple
OPERATION = st.tuples(
    st.sampled_from(["add", "remove", "anchor", "forget"]),
    st.sampled_from(RECORD_IDS),
    st.sampled_from(["k1", "k2", "k3"]),
)


class TestMemoryStore:
    def test_satisfies_the_protocol(self) -> None:
        """MemoryStore implements IdentityStore."""
        assert isinstance(MemoryStore(), IdentityStore)

    def test_failed_transaction_is_rolled_back(self) -> None:
        """Writes made inside a transaction that raises are undone."""
        store = MemoryStore()
        store.put_record(Record(id="kept", source="web", observed_at=T0))
        store.add_keys("kept", ["k"])

        def failing_unit_of_work() -> None:
            with store.transaction():
                store.put_record(Record(id="lost", source="web", observed_at=T0))
                store.add_keys("lost", ["k"])
                store.delete_record("kept")
                store.assign("cus_x", ["lost"])
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            failing_unit_of_work()
        assert store.get_record("kept") is not None
        assert store.get_record("lost") is None
        assert store.records_with_key("k") == {"kept"}
        assert store.customer_of("lost") is None

    def test_failed_first_load_leaves_an_empty_usable_store(self) -> None:
        """A store that was empty when a failing unit of work began is empty again after it."""
        store = MemoryStore()

        def failing_first_load() -> None:
            with store.transaction():
                store.put_record(Record(id="a", source="web", observed_at=T0))
                store.add_keys("a", ["k", "j"])
                store.assign("cus_a", ["a"])
                store.set_anchor("cus_a", "a")
                store.append_event(Event(sequence=1, at=T0, kind=EventKind.RECORD_ADDED))
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            failing_first_load()
        assert store.count_records() == 0
        assert store.records_with_key("k") == frozenset()
        assert store.ids_anchored_on("a") == frozenset()
        assert list(store.customer_ids()) == []
        assert store.next_sequence() == 1
        with store.transaction():  # and it still works
            store.put_record(Record(id="b", source="web", observed_at=T0))
            store.add_keys("b", ["k"])
        assert store.records_with_key("k") == {"b"}

    @given(st.lists(OPERATION, max_size=40), st.lists(OPERATION, min_size=1, max_size=40))
    def test_rollback_restores_keys_and_anchors(
        self, setup: list[tuple[str, str, str]], failing: list[tuple[str, str, str]]
    ) -> None:
        """Whatever a failed unit of work did to keys and anchors, they read as before it."""
        store = MemoryStore()

        def run(operations: list[tuple[str, str, str]]) -> None:
            for operation, record_id, key in operations:
                if operation == "add":
                    store.add_keys(record_id, [key])
                elif operation == "remove":
                    store.remove_keys(record_id, [key])
                elif operation == "anchor":
                    store.set_anchor(f"cus_{key}", record_id)
                else:
                    store.forget_customer_id(f"cus_{key}")

        def observed() -> tuple[object, ...]:
            keys = {k: store.records_with_key(k) for k in ("k1", "k2", "k3")}
            held = {r: store.ids_anchored_on(r) for r in RECORD_IDS}
            anchors = {k: store.anchor_of(f"cus_{k}") for k in ("k1", "k2", "k3")}
            return keys, held, anchors

        with store.transaction():
            store.put_record(Record(id="r0", source="web", observed_at=T0))  # not fresh
            run(setup)
        before = observed()

        def failing_unit_of_work() -> None:
            with store.transaction():
                run(failing)
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            failing_unit_of_work()
        assert observed() == before

    @given(
        st.lists(
            st.tuples(st.booleans(), st.sampled_from(RECORD_IDS), st.sampled_from(["k1", "k2"])),
            max_size=60,
        )
    )
    def test_blocking_index_is_a_set_per_key(self, operations: list[tuple[bool, str, str]]) -> None:
        """However holders come and go, a key reads as the set of records holding it."""
        store = MemoryStore()
        expected: dict[str, set[str]] = {"k1": set(), "k2": set()}
        for add, record_id, key in operations:
            if add:
                store.add_keys(record_id, [key])
                expected[key].add(record_id)
            else:
                store.remove_keys(record_id, [key])
                expected[key].discard(record_id)
            assert store.records_with_key(key) == expected[key]

    @given(
        st.lists(
            st.tuples(
                st.booleans(), st.sampled_from(RECORD_IDS), st.sampled_from(["k1", "k2", "k3"])
            ),
            max_size=60,
        ),
        st.lists(st.sampled_from(["k1", "k2", "k3", "k4"]), max_size=5),
        st.integers(min_value=1, max_value=12),
        st.booleans(),
    )
    def test_records_with_any_key_is_the_union_of_small_blocks(
        self,
        operations: list[tuple[bool, str, str]],
        keys: list[str],
        max_size: int,
        in_a_transaction: bool,
    ) -> None:
        """The holders of any of the keys, but of keys held by more than ``max_size``."""
        store = MemoryStore()

        def run() -> None:
            for add, record_id, key in operations:
                if add:
                    store.add_keys(record_id, [key])
                else:
                    store.remove_keys(record_id, [key])

        if in_a_transaction:  # a fresh store's unit of work takes the path without undo log
            with store.transaction():
                run()
        else:
            run()
        expected: set[str] = set()
        for key in keys:
            holders = store.records_with_key(key)
            if len(holders) <= max_size:
                expected |= holders
        assert store.records_with_any_key(keys, max_size) == expected

    @given(
        st.lists(
            st.tuples(
                st.booleans(), st.sampled_from(RECORD_IDS[:5]), st.sampled_from(RECORD_IDS[:5])
            ),
            max_size=40,
        ),
        st.booleans(),
    )
    def test_edges_read_as_written(
        self, operations: list[tuple[bool, str, str]], roll_back: bool
    ) -> None:
        """However edges come and go (and are rolled back), each record reads its own edges."""
        store = MemoryStore()
        store.put_record(Record(id="r0", source="web", observed_at=T0))  # not a fresh store
        expected: dict[frozenset[str], PairEvidence] = {}

        def run(check: bool) -> None:
            for put, a, b in operations:
                if a == b:
                    continue
                left, right = sorted((a, b))
                if put:
                    evidence = PairEvidence(
                        left=left, right=right, outcome=Outcome.MATCH, weight=1.0, probability=0.7
                    )
                    store.put_edge(evidence)
                    expected[frozenset((a, b))] = evidence
                else:
                    store.delete_edge(a, b)
                    expected.pop(frozenset((a, b)), None)
                if check:
                    for record_id in RECORD_IDS[:5]:
                        assert store.edges_of(record_id) == {
                            next(iter(pair - {record_id})): evidence
                            for pair, evidence in expected.items()
                            if record_id in pair
                        }

        if not roll_back:
            run(check=True)
            assert sorted(e.pair for e in store.all_edges()) == sorted(
                e.pair for e in expected.values()
            )
            return

        def failing() -> None:
            with store.transaction():
                run(check=False)
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            failing()
        assert all(store.edges_of(r) == {} for r in RECORD_IDS)

    def test_committed_transaction_keeps_writes(self) -> None:
        """Writes of a transaction that ends normally are kept."""
        store = MemoryStore()
        with store.transaction():
            store.put_record(Record(id="a", source="web", observed_at=T0))
        assert store.count_records() == 1


class TestDocuments:
    @given(populations(max_people=3))
    def test_records_round_trip_through_json(self, population: Population) -> None:
        """Every generated record reads back equal from its JSON document."""
        for record in population.records:
            assert loads(dumps(record), Record) == record

    def test_judgements_and_events_round_trip(self) -> None:
        """Judgements and audit events are documents a persistent store can keep."""
        judgement = Judgement(id="j", same=False, left=["a"], right=["b", "c"], at=T0)
        event = Event(sequence=1, at=T0, kind=EventKind.RECORD_ADDED, record_ids=("a",))
        assert loads(dumps(judgement), Judgement) == judgement
        assert loads(dumps(event), Event) == event
