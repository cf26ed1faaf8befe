"""SIGKILL during bulk ingest: a process killed at random points, then the same ingest again.

Run: ``python benchmarks/bench_kill.py [--kills 50] [--people 400] [--batch-size 50]
[--seed 1] [--postgres DSN]`` (PostgreSQL is measured when a DSN is given, or
``OMNICONTACT_TEST_POSTGRES_DSN`` is set).

A process ingests the whole sample in batches; it is killed with SIGKILL once the store
holds a random number of contacts more than before, after a random extra delay (so kills
land inside batches, between them and inside commits), and started again, ``--kills``
times. After each kill the store must hold a consistent prefix: every contact with its
record, customer and log entries, nothing twice. A last run completes the ingest, and the
store must equal a clean run's: the same customers (ids and records), records, contacts,
audit log and edges. Prints one line per backend with the counts; exits non-zero on any
difference. The seed is printed so a failure replays exactly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from omnicontact import Contact, Workspace
from omnicontact.store import CustomerStore, MemoryStore, PostgresStore, SQLiteStore

sys.path.insert(0, str(Path(__file__).parent))
from bench_store import T0, _fresh_postgres, contacts


def _clock() -> dt.datetime:
    return T0 + dt.timedelta(days=365)


def _sample(people: int) -> list[Contact]:
    return list(contacts(people * 3))


def _ingest(location: str, people: int, batch_size: int) -> None:
    workspace = Workspace.open(location, clock=_clock)
    workspace.ingest(_sample(people), batch_size=batch_size)
    workspace.close()


def _open(location: str) -> CustomerStore:
    if location.startswith("postgresql://"):
        return PostgresStore(location)
    return SQLiteStore(location)


def state(workspace: Workspace) -> dict[str, Any]:
    """What ingest writes, in comparable form."""
    store = workspace.store
    record_ids = sorted(store.record_ids())
    return {
        "customers": {cid: store.members(cid) for cid in workspace.customer_ids()},
        "records": [store.get_record(rid) for rid in record_ids],
        "contacts": store.contact_ids_of_records(record_ids),
        "events": list(store.events()),
        "edges": sorted(store.all_edges(), key=lambda edge: edge.pair),
    }


def check_prefix(store: CustomerStore) -> int:
    """Every stored contact feeds a record of exactly one customer, each record was added
    once in the log: a consistent store. Returns the number of contacts."""
    record_ids = set(store.record_ids())
    seen: set[str] = set()
    for customer_id in store.customer_ids():
        members = store.members(customer_id)
        assert not members & seen, "a record belongs to two customers"
        seen |= members
    assert seen == record_ids, "a record without a customer"
    count = store.count_contacts()
    assert len(store.contact_ids_of_records(record_ids)) == count, "a contact without a record"
    added = [e for e in store.events() if e.kind.value == "record_added"]
    assert len(added) == len(record_ids), "a record logged twice, or not at all"
    return count


def run(name: str, location: str, args: argparse.Namespace) -> bool:
    rng = random.Random(args.seed)
    total = args.people * 3
    context = multiprocessing.get_context("spawn")
    watcher = _open(location)
    stored = 0
    kills = 0
    started = time.perf_counter()
    while kills < args.kills:
        target = min(stored + rng.randint(1, 2 * args.batch_size), total - 1)
        delay = rng.uniform(0, 0.05)
        process = context.Process(target=_ingest, args=(location, args.people, args.batch_size))
        process.start()
        while watcher.count_contacts() < target and process.is_alive():
            time.sleep(0.005)
        time.sleep(delay)
        if not process.is_alive():  # finished before the kill point: start over smaller
            process.join()
            print(f"{name}: the ingest finished before kill {kills + 1}; use more --people")
            return False
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.join()
        kills += 1
        now = check_prefix(watcher)
        assert now >= stored, "a kill lost committed contacts"
        stored = now
    watcher.close()
    workspace = Workspace(_open(location), clock=_clock)
    report = workspace.ingest(_sample(args.people), batch_size=args.batch_size)
    elapsed = time.perf_counter() - started
    clean = Workspace(MemoryStore(), clock=_clock)
    clean.ingest(_sample(args.people))
    same = state(workspace) == state(clean)
    count = check_prefix(workspace.store)
    lost, duplicated = max(0, total - count), max(0, count - total)
    assert len(report.added) == total - stored, "the last run did not add exactly what was missing"
    print(
        f"kill {name}: {kills} SIGKILLs during batched ingest (batches of {args.batch_size},"
        f" {stored} of {total} contacts stored before the last run, seed {args.seed}) in"
        f" {elapsed:.0f} s: {lost} lost, {duplicated} duplicated,"
        f" {'identical to' if same else 'DIFFERENT from'} a clean run"
    )
    workspace.close()
    return same and lost == 0 and duplicated == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--people", type=int, default=2500)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", default=os.environ.get("OMNICONTACT_TEST_POSTGRES_DSN"))
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "killed.sqlite3")
        SQLiteStore(path).close()
        ok &= run("sqlite", path, args)
        if args.postgres:
            _fresh_postgres(args.postgres).close()
            ok &= run("postgres", args.postgres, args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
