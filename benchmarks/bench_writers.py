"""Concurrent writers on one store: throughput of 1 and of N processes ingesting single contacts.

Run: ``python benchmarks/bench_writers.py [--writers 8] [--contacts 2000] [--postgres DSN]``
(PostgreSQL when a DSN is given or ``OMNICONTACT_TEST_POSTGRES_DSN`` is set, else SQLite).

Each writer is a process with its own workspace and connection; it ingests its share of
the contacts one call (one transaction) per contact, as a web application's request
handlers do. Prints contacts per second for one writer and for ``--writers`` writers, the
ratio, and whether the end state (customers and their records) equals a sequential run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

from omnicontact import Workspace

sys.path.insert(0, str(Path(__file__).parent))
from bench_store import _fresh_postgres, contacts


def _write(location: str, count: int, writer: int, writers: int, start: object) -> None:
    workspace = Workspace.open(location)
    share = [c for i, c in enumerate(contacts(count)) if i % writers == writer]
    start.wait()  # type: ignore[attr-defined]
    for contact in share:
        workspace.ingest([contact])
    workspace.close()


def _partition(workspace: Workspace) -> dict[str, frozenset[str]]:
    return {cid: workspace.store.members(cid) for cid in workspace.customer_ids()}


def run(location: str, fresh: object, count: int, writers: int) -> tuple[float, bool]:
    fresh()  # type: ignore[operator]
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(writers + 1)
    processes = [
        context.Process(target=_write, args=(location, count, w, writers, start))
        for w in range(writers)
    ]
    for process in processes:
        process.start()
    start.wait()
    started = time.perf_counter()
    for process in processes:
        process.join()
        assert process.exitcode == 0
    elapsed = time.perf_counter() - started
    shared = Workspace.open(location)
    expected = Workspace()
    expected.ingest(contacts(count))
    same = _partition(shared) == _partition(expected)
    shared.close()
    return count / elapsed, same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--postgres", default=os.environ.get("OMNICONTACT_TEST_POSTGRES_DSN"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.postgres:
            name, location = "postgres", args.postgres

            def fresh() -> None:
                _fresh_postgres(location).close()

        else:
            name, location = "sqlite", str(Path(folder) / "writers.sqlite3")

            def fresh() -> None:
                for suffix in ("", "-wal", "-shm"):
                    Path(location + suffix).unlink(missing_ok=True)
                Workspace.open(location).close()

        one, same_one = run(location, fresh, args.contacts, 1)
        many, same_many = run(location, fresh, args.contacts, args.writers)
    print(
        f"writers {name}: 1 writer {one:,.0f} contacts/s, {args.writers} writers"
        f" {many:,.0f} contacts/s = {many / one:.2f}x ({args.contacts} single-contact"
        f" ingests); end state equal to sequential: {same_one and same_many}"
    )


if __name__ == "__main__":
    main()
