"""Store benchmarks: ingest throughput, timeline latency, incremental resolve latency.

Run: ``python benchmarks/bench_store.py [--contacts 100000] [--records 1000000]
[--postgres DSN]`` (PostgreSQL is measured when a DSN is given, or
``OMNICONTACT_TEST_POSTGRES_DSN`` is set). Prints one line per figure.

- ingest: contacts per second through :meth:`Workspace.ingest` (contacts committed in
  batches of ``--batch-size``, 1 for a commit per contact), people writing on several
  channels, with the time spent in the database (statements and commits) apart from the
  rest (resolution, serialization), and the CPU time of this process (on a shared
  machine, wall time above CPU time is time waiting: for the database server, the disk
  or the other work); ``--gc-paused`` ingests inside
  :func:`omnicontact.gc_paused`;
- timeline: milliseconds to read the timeline of a customer with 1,000 contacts;
- resolve: median and 95th percentile milliseconds of ingesting one more contact into a
  store that already holds ``--records`` records.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import inspect
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from omnicontact import Contact, Normalizer, Workspace, gc_paused
from omnicontact.store import CustomerStore, PostgresStore, SQLiteStore

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
N = Normalizer(default_region="FR")


def contacts(count: int, *, start: int = 0) -> Iterator[Contact]:
    """People with an email and a phone, contacting by email, phone and web (3 each)."""
    for index in range(start, start + count):
        person, kind = divmod(index, 3)
        email = N.email(f"p{person}@durand-mail.fr")
        phone = N.phone(f"+3361{person % 10_000_000:07d}"[:12])
        identifiers = {0: [email], 1: [phone], 2: [email, phone]}[kind]
        yield Contact(
            channel=("email", "phone", "web")[kind],
            direction="inbound",
            occurred_at=T0 + dt.timedelta(seconds=index),
            source_id=f"s{index}",
            identifiers=identifiers,
        )


class _Timed:
    """Adds up the time a SQL store spends in its database driver: every call to the
    driver (a statement, a batch of statements sent at once, a COPY) goes through the
    store's ``_guarded``."""

    def __init__(self, store: Any) -> None:
        self.seconds = 0.0
        self.calls = 0
        guarded = store._guarded

        def timed(call: Any) -> Any:
            started = time.perf_counter()
            try:
                return guarded(call)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        store._guarded = timed


def bench_ingest(
    name: str, store: CustomerStore, count: int, batch_size: int, paused: bool
) -> None:
    workspace = Workspace(store)
    timed = _Timed(store)
    started, cpu = time.perf_counter(), time.process_time()
    with gc_paused() if paused else contextlib.nullcontext():
        report = workspace.ingest(contacts(count), batch_size=batch_size)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert len(report.added) == count, report.failures[:3]
    print(
        f"ingest {name} (batches of {batch_size}{', gc_paused' if paused else ''}):"
        f" {count} contacts in {elapsed:.1f} s"
        f" = {count / elapsed:,.0f} contacts/s ({len(workspace.customer_ids())} customers);"
        f" database {timed.seconds:.1f} s ({timed.calls / count:.1f} calls to the driver"
        f" per contact), the rest {elapsed - timed.seconds:.1f} s;"
        f" this process's CPU {cpu:.1f} s"
    )


def bench_timeline(name: str, store: CustomerStore, size: int = 1000) -> None:
    workspace = Workspace(store)
    email = N.email("frequent@durand-mail.fr")
    made = [
        Contact(
            channel=("email", "web", "chat")[i % 3],
            direction="inbound",
            occurred_at=T0 + dt.timedelta(minutes=i),
            source_id=f"t{i}",
            identifiers=[email],
        )
        for i in range(size)
    ]
    workspace.ingest(made)
    customer = workspace.customer_of(Contact.derive_id("email", "t0"))
    samples = []
    for _ in range(50):
        started = time.perf_counter()
        timeline = workspace.timeline(customer)
        samples.append((time.perf_counter() - started) * 1000)
    assert len(timeline) == size
    print(
        f"timeline {name}: {size} contacts, median {statistics.median(samples):.2f} ms, "
        f"max {max(samples):.2f} ms"
    )


def bench_resolve(name: str, store: CustomerStore, records: int) -> None:
    workspace = Workspace(store)
    started = time.perf_counter()
    batch = 5000
    for first in range(0, records, batch):
        with workspace.transaction():  # one lock per batch to fill the store faster
            workspace.ingest(contacts(min(batch, records - first), start=1_000_000 + first))
    filled = time.perf_counter() - started
    samples = []
    for i in range(200):
        contact = next(contacts(1, start=1_000_000 + records + i))
        started = time.perf_counter()
        workspace.ingest([contact])
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    print(
        f"resolve {name}: store of {store.count_records():,} records (filled in {filled:.0f} s), "
        f"one more contact: median {statistics.median(samples):.2f} ms, "
        f"p95 {samples[int(len(samples) * 0.95)]:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("OMNICONTACT_TEST_POSTGRES_DSN"))
    default_batch = inspect.signature(Workspace.ingest).parameters["batch_size"].default
    parser.add_argument("--batch-size", type=int, default=default_batch)
    parser.add_argument(
        "--gc-paused", action="store_true", help="ingest inside omnicontact.gc_paused()"
    )
    parser.add_argument("--only", choices=["ingest", "timeline", "resolve"], default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        stores: list[tuple[str, object]] = [("sqlite", lambda n: SQLiteStore(Path(folder) / n))]
        if args.postgres:
            stores.append(("postgres", lambda _n: _fresh_postgres(args.postgres)))
        for name, make in stores:
            if args.only in (None, "ingest"):
                bench_ingest(
                    name, make("ingest.sqlite3"), args.contacts, args.batch_size, args.gc_paused
                )  # type: ignore[operator]
            if args.only in (None, "timeline"):
                bench_timeline(name, make("timeline.sqlite3"))  # type: ignore[operator]
            if args.only in (None, "resolve") and name == "sqlite":
                bench_resolve(name, make("resolve.sqlite3"), args.records)  # type: ignore[operator]


def _fresh_postgres(dsn: str) -> PostgresStore:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        for (table,) in connection.execute(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE 'oc\\_%'"
        ).fetchall():
            connection.execute(f"DROP TABLE {table} CASCADE")
    return PostgresStore(dsn)


if __name__ == "__main__":
    main()
