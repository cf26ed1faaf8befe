"""Real processes sharing one store: concurrent ingest, and a process killed mid-batch."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from _stores import (
    T0,
    assert_consistent,
    partition_of,
    postgres_dsn,
    reset_postgres,
    sample_contacts,
)
from omnicontact import Workspace
from omnicontact.store import CustomerStore, PostgresStore, SQLiteStore

SEED = 20260302  # fixed, so a failure replays exactly
BATCH = 20  # contacts per commit in the killed bulk ingests


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


def _batched_ingest(location: str, people: int) -> None:
    workspace = Workspace.open(location, clock=lambda: T0)
    workspace.ingest(sample_contacts(people), batch_size=BATCH)
    workspace.close()


def _open(location: str) -> CustomerStore:
    return (
        PostgresStore(location) if location.startswith("postgresql://") else SQLiteStore(location)
    )


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
        assert partition_of(shared) == partition_of(expected)
        assert len(shared.customer_ids()) == people
        assert_consistent(shared.store)
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
        assert_consistent(store)
        workspace = Workspace(store)
        report = workspace.ingest(sample_contacts(people))
        assert len(report.added) == people * 4 - stored
        assert len(report.duplicates) == stored
        expected = Workspace()
        expected.ingest(sample_contacts(people))
        assert partition_of(workspace) == partition_of(expected)
        assert_consistent(store)
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
class TestKilledBulkIngest:
    def test_sigkills_mid_batch_lose_and_duplicate_nothing(self, kind: str, tmp_path: Path) -> None:
        """A batched ingest killed with SIGKILL at several random points (inside batches,
        between them, in commits) keeps whole contacts only; running it again each time
        and once to the end gives exactly a clean run's customers, records and audit log.
        (``benchmarks/bench_kill.py`` does the same with 50 kills per backend.)"""
        people = 150  # far more contacts than the kill points reach: no run ends first
        total = people * 4
        location = _location(kind, tmp_path)
        Workspace.open(location).close()  # create the schema before the first run
        rng = random.Random(SEED)
        context = multiprocessing.get_context("spawn")
        watcher = _open(location)
        stored = 0
        for _ in range(4):
            target = stored + rng.randint(1, 2 * BATCH)
            process = context.Process(target=_batched_ingest, args=(location, people))
            process.start()
            deadline = time.monotonic() + 120
            while watcher.count_contacts() < target and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.03))
            assert process.pid is not None
            assert process.is_alive()
            os.kill(process.pid, signal.SIGKILL)
            process.join(timeout=30)
            assert process.exitcode == -signal.SIGKILL
            now = watcher.count_contacts()
            assert stored <= now < total
            assert_consistent(watcher)
            stored = now
        watcher.close()

        workspace = Workspace(_open(location), clock=lambda: T0)
        report = workspace.ingest(sample_contacts(people), batch_size=BATCH)
        assert len(report.added) == total - stored
        assert len(report.duplicates) == stored
        assert workspace.store.count_contacts() == total
        clean = Workspace(clock=lambda: T0)
        clean.ingest(sample_contacts(people))
        assert partition_of(workspace) == partition_of(clean)
        assert list(workspace.store.events()) == list(clean.store.events())
        records = sorted(workspace.store.record_ids())
        assert records == sorted(clean.store.record_ids())
        assert [workspace.store.get_record(r) for r in records] == [
            clean.store.get_record(r) for r in records
        ]
        assert_consistent(workspace.store)
        workspace.close()
