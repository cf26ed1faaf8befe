"""Real processes sharing one store: concurrent ingest, and a process killed mid-batch."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from _stores import assert_consistent, partition_of, postgres_dsn, reset_postgres, sample_contacts
from omnicontact import Workspace
from omnicontact.store import SQLiteStore

SEED = 20260302  # fixed, so a failure replays exactly


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
