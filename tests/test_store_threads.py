"""Real threads sharing one workspace, one resolver or one store, on every store kind."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _stores import KINDS, assert_consistent, close, new_store, partition_of, sample_contacts
from omnicontact import Contact, Workspace
from omnicontact.identity import Record
from omnicontact.store import MemoryStore
from omnicontact.store._lock import serialized

SEED = 20261202  # fixed, so a failure replays exactly
THREADS = 8
PEOPLE = 20


def _run_threads(work: Callable[[int], None], count: int = THREADS) -> None:
    """Run ``work(i)`` in ``count`` threads started together; re-raise the first error."""
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def target(i: int) -> None:
        try:
            start.wait()
            work(i)
        except BaseException as error:  # collected and re-raised in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
        assert not thread.is_alive()
    if errors:
        raise errors[0]


def _shares(contacts: list[Contact]) -> list[list[Contact]]:
    """Overlapping, shuffled two-thirds shares of the contacts, one per thread."""
    shares = []
    for worker in range(THREADS):
        share = [c for i, c in enumerate(contacts) if i % 3 != worker % 3]
        random.Random(SEED + worker).shuffle(share)
        shares.append(share)
    return shares


def _sequential() -> Workspace:
    expected = Workspace()
    expected.ingest(sample_contacts(PEOPLE))
    return expected


@pytest.mark.parametrize("kind", KINDS)
class TestSharedWorkspace:
    def test_concurrent_ingests_give_the_sequential_customers(
        self, kind: str, tmp_path: Path
    ) -> None:
        """Eight threads ingesting overlapping shares through one workspace all succeed and
        end with the customers (same ids, same records) a sequential ingest builds."""
        store = new_store(kind, tmp_path)
        workspace = Workspace(store)
        shares = _shares(sample_contacts(PEOPLE))
        reports = [None] * THREADS

        def work(i: int) -> None:
            reports[i] = workspace.ingest(shares[i])  # type: ignore[call-overload]

        _run_threads(work)
        assert all(report is not None and not report.failures for report in reports)
        assert partition_of(workspace) == partition_of(_sequential())
        assert len(workspace.customer_ids()) == PEOPLE
        assert_consistent(store)
        sequences = [event.sequence for event in store.events()]
        assert sequences == list(range(1, len(sequences) + 1))
        close(store)

    def test_readers_and_writers_share_a_workspace(self, kind: str, tmp_path: Path) -> None:
        """Threads reading timelines while others ingest never fail and never see a customer
        whose timeline is empty (a half-done unit of work)."""
        store = new_store(kind, tmp_path)
        workspace = Workspace(store)
        contacts = sample_contacts(PEOPLE)
        halves = [contacts[0::2], contacts[1::2]]

        def work(i: int) -> None:
            if i < 2:
                for contact in halves[i]:
                    workspace.ingest([contact])
                return
            for _ in range(30):
                for customer_id in workspace.customer_ids():
                    try:
                        timeline = workspace.timeline(customer_id)
                    except LookupError:  # merged away since the listing: a retired id
                        continue
                    assert timeline

        _run_threads(work, count=6)
        assert partition_of(workspace) == partition_of(_sequential())
        close(store)


@pytest.mark.parametrize("kind", KINDS)
class TestSharedStore:
    def test_concurrent_transactions_do_not_interleave(self, kind: str, tmp_path: Path) -> None:
        """Threads each putting a record and its key inside a transaction, and reading
        counts outside one, leave every record with its key and no error."""
        store = new_store(kind, tmp_path)
        records = sample_contacts(PEOPLE)

        def work(i: int) -> None:
            for contact in records[i::THREADS]:
                record = Record.from_contact(contact)
                with store.transaction():
                    store.put_record(record)
                    store.add_keys(record.id, [f"k:{record.id}"])
                store.count_records()

        _run_threads(work)
        assert store.count_records() == len(records)
        for contact in records:
            assert store.records_with_key(f"k:{contact.id}") == {contact.id}
        close(store)

    def test_a_reader_waits_for_another_threads_transaction(
        self, kind: str, tmp_path: Path
    ) -> None:
        """A thread reading while another holds a transaction gets its answer only after
        that transaction ended: it never sees unfinished work."""
        store = new_store(kind, tmp_path)
        record = Record.from_contact(sample_contacts(1)[0])
        inside, order = threading.Event(), []

        def writer() -> None:
            with store.transaction():
                store.put_record(record)
                inside.set()
                time.sleep(0.2)
            order.append("committed")

        thread = threading.Thread(target=writer)
        thread.start()
        assert inside.wait(10)
        count = store.count_records()
        order.append("read")
        thread.join(10)
        assert order == ["committed", "read"]
        assert count == 1
        close(store)


def test_a_generator_method_cannot_be_serialized() -> None:
    """A public generator would run after the lock is let go: the decorator refuses it."""

    class Store:
        def items(self) -> Iterator[int]:
            yield 1

    with pytest.raises(TypeError, match="generator"):
        serialized()(Store)


def test_a_failed_transaction_in_one_thread_leaves_the_others_work() -> None:
    """A thread whose transaction fails rolls back only its own writes."""
    store = MemoryStore()
    records = [Record.from_contact(c) for c in sample_contacts(4)]

    def work(i: int) -> None:
        for record in records[i::4]:
            try:
                with store.transaction():
                    store.put_record(record)
                    if i == 0:
                        raise RuntimeError("abandon")
            except RuntimeError:
                pass

    _run_threads(work, count=4)
    assert set(store.record_ids()) == {r.id for r in records[1::4] + records[2::4] + records[3::4]}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["memory", "sqlite"]),
    people=st.integers(min_value=1, max_value=8),
    threads=st.integers(min_value=2, max_value=6),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_any_interleaving_gives_the_sequential_customers(
    kind: str, people: int, threads: int, seed: int
) -> None:
    """However the contacts are shared out and shuffled among threads (repeats included),
    the threads end with the customers, ids included, of one sequential ingest."""
    contacts = sample_contacts(people)
    rng = random.Random(seed)
    shares = [rng.sample(contacts, rng.randint(1, len(contacts))) for _ in range(threads)]
    shares[0] += [c for c in contacts if not any(c in share for share in shares)]
    store = new_store(kind)
    workspace = Workspace(store)

    def work(i: int) -> None:
        workspace.ingest(shares[i])

    _run_threads(work, count=threads)
    expected = Workspace()
    expected.ingest(contacts)
    assert partition_of(workspace) == partition_of(expected)
    assert store.count_contacts() == len(contacts)
    close(store)
