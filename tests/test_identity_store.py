"""Unit tests of the in-memory store."""

from __future__ import annotations

import datetime as dt

import pytest

from omnicontact.identity import Record
from omnicontact.store import IdentityStore, MemoryStore

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
