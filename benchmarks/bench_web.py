"""The web example under load: errors and requests per second, many requests at once.

Serves ``examples/web_app.py`` (one workspace shared by FastAPI's request threads) with
uvicorn on a free port of 127.0.0.1, sends ``--requests`` webhooks (four per person: email,
phone, web, shop, shuffled with a fixed seed) from ``--concurrency`` client threads over
HTTP, and prints per store: the answers that were not 200, requests per second, and whether
the customers equal those of a sequential ingest of the same events.

Run: ``python benchmarks/bench_web.py [--requests 400] [--concurrency 16] [--postgres DSN]``
(PostgreSQL is measured when a DSN is given, or ``OMNICONTACT_TEST_POSTGRES_DSN`` is set;
its ``oc_`` tables are dropped first). Needs the ``web`` extra.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent.parent / "examples"))

import web_app
from bench_store import _fresh_postgres

from omnicontact import Workspace


def customers(workspace: Workspace) -> dict[str, frozenset[str]]:
    return {cid: workspace.store.members(cid) for cid in workspace.customer_ids()}


def measure(name: str, location: str, sent: list[dict[str, Any]], concurrency: int) -> None:
    app = web_app.create_app(location)
    with web_app.serving(app) as port:
        start = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            answers = list(pool.map(lambda event: web_app.post(port, "/contacts", event), sent))
        elapsed = time.perf_counter() - start
    errors = sum(status != 200 for status, _ in answers)
    expected = Workspace()
    expected.ingest([web_app.contact_from(web_app.ContactIn(**event)) for event in sent])
    served = Workspace.open(location)
    same = customers(served) == customers(expected)
    served.close()
    print(
        f"{name}: {len(sent)} requests, {concurrency} at a time: {errors} errors, "
        f"{len(sent) / elapsed:,.0f} requests/s, customers equal to sequential: {same}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--postgres", default=os.environ.get("OMNICONTACT_TEST_POSTGRES_DSN"))
    args = parser.parse_args()
    sent = web_app.sample_events(-(-args.requests // 4), seed=args.seed)[: args.requests]
    with tempfile.TemporaryDirectory(prefix="omnicontact-bench-web-") as folder:
        measure("sqlite", str(Path(folder) / "crm.sqlite3"), sent, args.concurrency)
    if args.postgres:
        _fresh_postgres(args.postgres).close()
        measure("postgresql", args.postgres, sent, args.concurrency)


if __name__ == "__main__":
    main()
