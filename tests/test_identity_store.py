"""Unit tests of the in-memory store and of the documents a store keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given

from omnicontact import dumps, loads
from omnicontact.identity import Event, EventKind, Judgement, Record
from omnicontact.store import IdentityStore, MemoryStore
from omnicontact.testing import Population, populations

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


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
