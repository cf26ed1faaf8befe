"""Erasure benchmarks: what ``Workspace.forget`` costs, with the purge of the store's files.

Run: ``python benchmarks/bench_erase.py [--contacts 20000] [--postgres DSN]`` (PostgreSQL is
measured when a DSN is given, or ``OMNICONTACT_TEST_POSTGRES_DSN`` is set). Prints one line
per figure:

- forget: milliseconds to erase one customer (3 contacts) from a store of ``--contacts``
  contacts, purge included (SQLite: secure_delete and an emptied -wal; PostgreSQL:
  ``VACUUM (FULL)`` of every table), median of 5 erasures, and the same for 5 customers
  erased in one transaction (one purge);
- vacuum: the one-off ``VACUUM`` a SQLite file that may hold older remains gets at its
  first purge, with the file's size;
- secure_delete: SQLite ingest throughput with ``secure_delete`` on (the store's setting)
  and off (in the order on, off, off, on), to show what zeroing deleted content costs
  when writing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_store import contacts

from omnicontact import Workspace
from omnicontact.store import CustomerStore, PostgresStore, SQLiteStore


def filled(store: CustomerStore, count: int) -> Workspace:
    workspace = Workspace(store)
    report = workspace.ingest(contacts(count))
    assert len(report.added) == count, report.failures[:3]
    return workspace


def bench_forget(name: str, make: Callable[[], CustomerStore], count: int) -> None:
    workspace = filled(make(), count)
    customers = workspace.customer_ids()
    single = []
    for customer in customers[:5]:
        started = time.perf_counter()
        workspace.forget(customer)
        single.append(time.perf_counter() - started)
    started = time.perf_counter()
    with workspace.transaction():
        for customer in customers[5:10]:
            workspace.forget(customer)
    batch = time.perf_counter() - started
    print(
        f"forget {name}: store of {count} contacts, one customer: median"
        f" {statistics.median(single) * 1000:,.0f} ms (max {max(single) * 1000:,.0f} ms);"
        f" 5 customers in one transaction: {batch * 1000:,.0f} ms"
    )
    workspace.close()


def bench_vacuum(folder: Path, count: int) -> None:
    path = folder / "vacuum.sqlite3"
    store = SQLiteStore(path)
    filled(store, count)
    store._run("DELETE FROM oc_state WHERE name = 'scrubbed'")  # as a store made before
    store.purge()  # the first purge of such a file rebuilds it
    started = time.perf_counter()
    store._run("DELETE FROM oc_state WHERE name = 'scrubbed'")
    store.purge()
    elapsed = time.perf_counter() - started
    size = path.stat().st_size / 1e6
    print(
        f"vacuum sqlite: first purge of a {size:,.1f} MB file with older remains: {elapsed:.2f} s"
    )
    store.close()


def bench_secure_delete(folder: Path, count: int) -> None:
    # ON, OFF, OFF, ON: a machine that slows down or speeds up over the run favours neither
    for run, setting in enumerate(("ON", "OFF", "OFF", "ON")):
        store = SQLiteStore(folder / f"secure-{run}.sqlite3")
        store._run(f"PRAGMA secure_delete = {setting}")
        started = time.perf_counter()
        filled(store, count)
        elapsed = time.perf_counter() - started
        print(
            f"secure_delete {setting}: ingest sqlite {count} contacts:"
            f" {count / elapsed:,.0f} contacts/s"
        )
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--postgres", default=os.environ.get("OMNICONTACT_TEST_POSTGRES_DSN"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="omnicontact-bench-erase-"))
    bench_forget("sqlite", lambda: SQLiteStore(folder / "forget.sqlite3"), args.contacts)
    bench_vacuum(folder, args.contacts)
    bench_secure_delete(folder, min(args.contacts, 5_000))
    if args.postgres:
        import psycopg

        from omnicontact.store._sql import TABLES

        with psycopg.connect(args.postgres, autocommit=True) as connection:
            for table in TABLES:
                connection.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        bench_forget("postgres", lambda: PostgresStore(args.postgres), args.contacts)


if __name__ == "__main__":
    main()
