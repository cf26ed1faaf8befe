"""Fresh stores of every kind for the behavioural tests (memory, SQLite, PostgreSQL).

PostgreSQL tests need a server named by ``OMNICONTACT_TEST_POSTGRES_DSN``; without it they
are skipped on a workstation and fail under CI (``CI`` set), where ``.ci/run`` starts one.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest

from omnicontact import Contact, Normalizer, Workspace
from omnicontact.store import CustomerStore, MemoryStore, PostgresStore, SQLiteStore

KINDS = ("memory", "sqlite", "postgres")
DSN_VARIABLE = "OMNICONTACT_TEST_POSTGRES_DSN"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)

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


def partition_of(workspace: Workspace) -> dict[str, frozenset[str]]:
    """Each customer id with its records."""
    return {cid: workspace.store.members(cid) for cid in workspace.customer_ids()}


def assert_consistent(store: CustomerStore) -> None:
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
