"""What SQL stores keep inside a transaction answers as the database would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _stores import T0, close, new_store
from omnicontact import Contact
from omnicontact.exceptions import StoreError
from omnicontact.identity import Event, EventKind, Judgement
from omnicontact.store import CustomerStore, MemoryStore, SQLiteStore

RECORDS = ["r1", "r2", "r3", "r4"]
CUSTOMERS = ["c1", "c2", "c3"]
KEYS = ["k1", "k2", "k3"]
SOURCES = ["s1", "s2", "s3"]
CHANNELS = ["email", "web"]


class _Abort(Exception):
    """Raised to roll a transaction back."""


_operations = st.lists(
    st.one_of(
        st.tuples(st.just("assign"), st.sampled_from(CUSTOMERS), st.sets(st.sampled_from(RECORDS))),
        st.tuples(st.just("unassign"), st.sampled_from(CUSTOMERS)),
        st.tuples(st.just("judge"), st.sampled_from(RECORDS), st.sampled_from(RECORDS)),
        st.tuples(st.just("unjudge"), st.sampled_from(RECORDS), st.sampled_from(RECORDS)),
        st.tuples(st.just("event")),
        st.tuples(st.just("keys"), st.sampled_from(RECORDS), st.sets(st.sampled_from(KEYS))),
        st.tuples(st.just("unkeys"), st.sampled_from(RECORDS), st.sets(st.sampled_from(KEYS))),
        st.tuples(st.just("contact"), st.sampled_from(SOURCES), st.sampled_from(CHANNELS)),
        st.tuples(st.just("uncontact"), st.sampled_from(SOURCES), st.sampled_from(CHANNELS)),
        st.tuples(st.just("warm"), st.lists(st.sampled_from(SOURCES), max_size=3)),
        st.tuples(st.just("commit")),
        st.tuples(st.just("rollback")),
    ),
    max_size=40,
)  # fmt: skip


def _contact(source_id: str, channel: str) -> Contact:
    return Contact(channel=channel, direction="inbound", occurred_at=T0, source_id=source_id)


def _apply(store: CustomerStore, operation: tuple[Any, ...]) -> object:
    """Apply one operation; what it answers, for those that answer."""
    name = operation[0]
    if name == "assign":  # as the resolver does: the groups it replaces go first
        for record_id in sorted(operation[2]):
            old = store.customer_of(record_id)
            if old is not None:
                store.unassign(old)
        store.unassign(operation[1])
        if operation[2]:
            store.assign(operation[1], sorted(operation[2]))
    elif name == "unassign":
        store.unassign(operation[1])
    elif name == "judge":  # an id names one judgement, as the resolver's ids do
        left, right = operation[1], operation[2]
        judgement_id = f"j-{left}-{right}"
        store.put_judgement(
            Judgement(id=judgement_id, same=False, left={left}, right={right}, at=T0)
        )
    elif name == "unjudge":
        store.delete_judgement(f"j-{operation[1]}-{operation[2]}")
    elif name == "event":
        sequence = store.next_sequence()
        store.append_event(Event(sequence=sequence, at=T0, kind=EventKind.RECORD_ADDED))
    elif name == "keys":
        store.add_keys(operation[1], sorted(operation[2]))
    elif name == "unkeys":
        store.remove_keys(operation[1], sorted(operation[2]))
    elif name == "contact":
        return store.put_contact(_contact(operation[1], operation[2]), record_id="r1")
    elif name == "uncontact":
        store.delete_contact(_contact(operation[1], operation[2]).id)
    elif name == "warm":  # what a SQL store reads ahead for a batch of an ingest
        warm = getattr(store, "_warm", None)
        if warm is not None:
            warm([_contact(source_id, "email") for source_id in operation[1]], RECORDS)
    return None


def _answers(store: CustomerStore) -> tuple[Any, ...]:
    return (
        [store.customer_of(record_id) for record_id in RECORDS],
        [store.members(customer_id) for customer_id in CUSTOMERS],
        [list(store.judgements_of(record_id)) for record_id in RECORDS],
        store.next_sequence(),
        [store.records_with_key(key) for key in KEYS],
        store.records_with_any_key(KEYS[:2], 1),
        store.count_contacts(),
    )


def _run(store: CustomerStore, operations: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Run the operations in transactions cut by ``commit`` and ``rollback``; what the store
    answers after each operation, inside the transaction, and after each transaction."""
    seen: list[tuple[Any, ...]] = []
    pending = list(operations)
    while pending:
        try:
            with store.transaction():
                while pending:
                    operation = pending.pop(0)
                    if operation[0] == "commit":
                        break
                    if operation[0] == "rollback":
                        raise _Abort
                    answer = _apply(store, operation)
                    seen.append((answer, *_answers(store)))
        except _Abort:
            pass
        seen.append(_answers(store))
    return seen


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(operations=_operations)
def test_answers_inside_and_after_transactions_are_the_memory_stores(
    kind: str, tmp_path_factory: pytest.TempPathFactory, operations: list[tuple[Any, ...]]
) -> None:
    """Customers of records, members, judgements of records, the next event number, the
    holders of blocking keys and whether a contact is stored, read inside transactions
    (where a SQL store answers from what it keeps, or read ahead for a batch) and after
    commits and rollbacks, are what the memory store answers to the same writes."""
    store = new_store(kind, tmp_path_factory.mktemp("caches"))
    try:
        assert _run(store, operations) == _run(MemoryStore(), operations)
    finally:
        close(store)


def test_another_connections_writes_are_seen(tmp_path: Path) -> None:
    """A transaction that follows another connection's commit reads that connection's
    customers, judgements and events, not what it kept from before."""
    first = new_store("sqlite", tmp_path)
    second = SQLiteStore(first.path)  # type: ignore[attr-defined]
    with first.transaction():
        first.assign("c1", ["r1"])
        assert first.customer_of("r1") == "c1"
        assert first.next_sequence() == 1
        assert list(first.judgements_of("r1")) == []
    judgement = Judgement(id="j1", same=True, left={"r1"}, right={"r2"}, at=T0)
    with second.transaction():
        second.unassign("c1")
        second.assign("c2", ["r1"])
        second.append_event(Event(sequence=1, at=T0, kind=EventKind.RECORD_ADDED))
        second.put_judgement(judgement)
    with first.transaction():
        assert first.customer_of("r1") == "c2"
        assert first.next_sequence() == 2
        assert list(first.judgements_of("r1")) == [judgement]
    close(first)
    close(second)


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_contacts_read_ahead_are_still_deduplicated(kind: str, tmp_path: Path) -> None:
    """A contact read ahead as absent is stored once: storing it again in the same
    transaction, or another with its channel and source id, is refused."""
    store = new_store(kind, tmp_path)
    try:
        first, again = _contact("s1", "email"), _contact("s1", "email")
        with store.transaction():
            store._warm([first], ["r1"])  # type: ignore[attr-defined]
            assert store.put_contact(first, record_id="r1")
            assert not store.put_contact(again, record_id="r2")
        with store.transaction():
            store._warm([first, _contact("s2", "web")], ["r1", "r2"])  # type: ignore[attr-defined]
            assert not store.put_contact(first, record_id="r1")
            assert store.put_contact(_contact("s2", "web"), record_id="r2")
        assert store.count_contacts() == 2
    finally:
        close(store)


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_write_refused_when_sent_rolls_the_transaction_back(kind: str, tmp_path: Path) -> None:
    """Writes wait until the transaction commits: one the database refuses then raises a
    StoreError, nothing of the transaction is kept, and the store goes on working."""
    store = new_store(kind, tmp_path)
    try:

        def refused_at_commit() -> None:
            with store.transaction():
                store.assign("c1", ["r1"])
                store._write(  # type: ignore[attr-defined]
                    "INSERT INTO oc_state (name, value) VALUES ('changes', 0)"  # a duplicate key
                )
                store.assign("c2", ["r2"])

        with pytest.raises(StoreError):
            refused_at_commit()
        assert (store.customer_of("r1"), store.customer_of("r2")) == (None, None)
        store.assign("c3", ["r3"])
        assert store.members("c3") == frozenset({"r3"})
    finally:
        close(store)
