"""Real processes sharing one store: concurrent ingest, and a process killed mid-batch."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from _stores import postgres_dsn, reset_postgres
from omnicontact import Contact, Normalizer, Workspace
from omnicontact.store import CustomerStore, SQLiteStore

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
SEED = 20260302  # fixed, so a failure replays exactly


def sample_contacts(people: int) -> list[Contact]:
    """Each person writes by email, calls, links the two in a third contact, visits a shop."""
    n = Normalizer(default_region="FR")
    contacts = []
    for i in range(people):
        email = n.email(f"person{i}@example.fr")
        phone = n.phone(f"06{45000000 + i * 7919:08d}")
        card = n.external_id("loyalty_card", f"{70000 + i}")
        base = T0 + dt.timedelta(minutes=i)
        contacts += [
            Contact(channel="email", direction="inbound", occurred_at=base,
                    source_id=f"m{i}", identifiers=[email]),
            Contact(channel="phone", direction="inbound", occurred_at=base + dt.timedelta(hours=1),
                    source_id=f"c{i}", identifiers=[phone]),
            Contact(channel="web", direction="inbound", occurred_at=base + dt.timedelta(hours=2),
                    source_id=f"w{i}", identifiers=[email, phone]),
            Contact(channel="branch", direction="inbound", occurred_at=base + dt.timedelta(hours=3),
                    source_id=f"b{i}", identifiers=[card, phone]),
        ]  # fmt: skip
    return contacts


def _worker(location: str, people: int, worker: int) -> None:
    """Ingest an overlapping, shuffled share of the sample (two thirds of it)."""
    contacts = sample_contacts(people)
    rng = random.Random(SEED + worker)
    share = [c for i, c in enumerate(contacts) if i % 3 != worker % 3]
    rng.shuffle(share)
    workspace = Workspace.open(location)
    workspace.ingest(share)
    workspace.close()


def _slow_ingest(location: str, people: int) -> None:
    workspace = Workspace.open(location)
    workspace.ingest(sample_contacts(people))
    workspace.close()


def _partition(workspace: Workspace) -> dict[str, frozenset[str]]:
    return {cid: workspace.store.members(cid) for cid in workspace.customer_ids()}


def _assert_consistent(store: CustomerStore) -> None:
    """Every stored contact feeds a stored record, every record is fed by a contact and
    belongs to exactly one customer, and nothing else is stored."""
    record_ids = set(store.record_ids())
    seen: set[str] = set()
    for customer_id in store.customer_ids():
        members = store.members(customer_id)
        assert not members & seen
        seen |= members
    assert seen == record_ids
    assert len(store.contact_ids_of_records(record_ids)) == store.count_contacts()
    for record_id in record_ids:
        fed_by = store.contact_ids_of_records([record_id])
        assert fed_by
        assert all(store.get_contact(contact_id) is not None for contact_id in fed_by)
    added = [e for e in store.events() if e.kind.value == "record_added"]
    assert len(added) == len(record_ids)


def _location(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return str(tmp_path / "shared.sqlite3")
    dsn = postgres_dsn()
    reset_postgres(dsn)
    return dsn


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
class TestConcurrentProcesses:
    def test_same_customers_as_one_process(self, kind: str, tmp_path: Path) -> None:
        """Four processes ingesting overlapping shares end with the sequential customers."""
        people = 25
        location = _location(kind, tmp_path)
        Workspace.open(location).close()  # create the schema before the race
        context = multiprocessing.get_context("spawn")
        workers = [context.Process(target=_worker, args=(location, people, w)) for w in range(4)]
        for process in workers:
            process.start()
        for process in workers:
            process.join(timeout=300)
            assert process.exitcode == 0
        shared = Workspace.open(location)
        expected = Workspace()
        expected.ingest(sample_contacts(people))
        assert _partition(shared) == _partition(expected)
        assert len(shared.customer_ids()) == people
        _assert_consistent(shared.store)
        shared.close()


@pytest.mark.slow
class TestKilledProcess:
    def test_sigkill_mid_batch_then_rerun_completes(self, tmp_path: Path) -> None:
        """A process killed mid-ingest leaves a consistent store; re-running completes it."""
        people = 150
        location = str(tmp_path / "killed.sqlite3")
        SQLiteStore(location).close()
        context = multiprocessing.get_context("spawn")
        process = context.Process(target=_slow_ingest, args=(location, people))
        process.start()
        watcher = SQLiteStore(location)
        deadline = time.monotonic() + 120
        while watcher.count_contacts() < 40 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.join(timeout=30)
        assert process.exitcode == -signal.SIGKILL
        watcher.close()

        store = SQLiteStore(location)
        stored = store.count_contacts()
        assert 40 <= stored < people * 4
        _assert_consistent(store)
        workspace = Workspace(store)
        report = workspace.ingest(sample_contacts(people))
        assert len(report.added) == people * 4 - stored
        assert len(report.duplicates) == stored
        expected = Workspace()
        expected.ingest(sample_contacts(people))
        assert _partition(workspace) == _partition(expected)
        _assert_consistent(store)
        store.close()
