"""Fresh stores of every kind for the behavioural tests (memory, SQLite, PostgreSQL).

PostgreSQL tests need a server named by ``OMNICONTACT_TEST_POSTGRES_DSN``; without it they
are skipped on a workstation and fail under CI (``CI`` set), where ``.ci/run`` starts one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from omnicontact.store import CustomerStore, MemoryStore, PostgresStore, SQLiteStore

KINDS = ("memory", "sqlite", "postgres")
DSN_VARIABLE = "OMNICONTACT_TEST_POSTGRES_DSN"

_TABLES = (
    "oc_schema",
    "oc_state",
    "oc_records",
    "oc_keys",
    "oc_edges",
    "oc_assignments",
    "oc_anchors",
    "oc_successors",
    "oc_judgements",
    "oc_judged",
    "oc_events",
    "oc_contacts",
    "oc_cases",
    "oc_case_successors",
    "oc_case_contacts",
    "oc_case_events",
    "oc_consents",
    "oc_preferences",
)


def postgres_dsn() -> str:
    """The test server's DSN; skips the test (fails it under CI) when none is configured."""
    dsn = os.environ.get(DSN_VARIABLE)
    if not dsn:
        if os.environ.get("CI"):
            pytest.fail(f"{DSN_VARIABLE} is not set under CI: .ci/run must start PostgreSQL")
        pytest.skip(f"no PostgreSQL server: set {DSN_VARIABLE} to run these tests")
    return dsn


def reset_postgres(dsn: str) -> None:
    """Drop omnicontact's tables so the next store starts from an empty database."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        for table in _TABLES:
            connection.execute(f"DROP TABLE IF EXISTS {table} CASCADE")


def new_store(kind: str, directory: Path | None = None) -> CustomerStore:
    """An empty store of ``kind`` (SQLite in a file under ``directory`` or a temp dir)."""
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        folder = directory or Path(tempfile.mkdtemp(prefix="omnicontact-test-"))
        return SQLiteStore(folder / "store.sqlite3")
    dsn = postgres_dsn()
    reset_postgres(dsn)
    return PostgresStore(dsn)


def close(store: object) -> None:
    """Close a store's connection, if it has one."""
    closer = getattr(store, "close", None)
    if callable(closer):
        closer()
