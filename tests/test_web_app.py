"""The web example under real HTTP load: 400 requests, 16 at a time, on SQLite and PostgreSQL.

The app (``examples/web_app.py``) shares one workspace across FastAPI's request threads; it is
served by uvicorn on a free port of 127.0.0.1 and called with the standard library's client.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from _stores import T0, partition_of, postgres_dsn, reset_postgres

pytest.importorskip("fastapi", reason="needs the web extra")
pytest.importorskip("uvicorn", reason="needs the web extra")

from omnicontact import Workspace

SEED = 20261202  # fixed, so a failure replays exactly
PEOPLE = 100  # four events each: 400 requests
CONCURRENCY = 16


@pytest.fixture(scope="module")
def web_app() -> Iterator[ModuleType]:
    examples = str(Path(__file__).parent.parent / "examples")
    sys.path.insert(0, examples)
    try:
        import web_app

        yield web_app
    finally:
        sys.path.remove(examples)


def sequential(web_app: ModuleType, sent: list[dict[str, Any]]) -> Workspace:
    """The workspace one thread builds from the same events."""
    workspace = Workspace()
    contacts = [web_app.contact_from(web_app.ContactIn(**event)) for event in sent]
    assert not workspace.ingest(contacts).failures
    return workspace


def hammer(web_app: ModuleType, location: str) -> None:
    """Serve the app on ``location``, send every event from 16 threads at once, and compare
    the customers with a sequential ingest of the same events."""
    sent = web_app.sample_events(PEOPLE, seed=SEED)
    app = web_app.create_app(location)
    with web_app.serving(app) as port, ThreadPoolExecutor(CONCURRENCY) as pool:
        answers = list(pool.map(lambda event: web_app.post(port, "/contacts", event), sent))
    statuses = [status for status, _ in answers]
    assert statuses.count(200) == len(sent), {s: statuses.count(s) for s in set(statuses)}
    assert all(answer["decision"]["route"] for _, answer in answers)
    served = Workspace.open(location)
    try:
        assert partition_of(served) == partition_of(sequential(web_app, sent))
        assert len(served.customer_ids()) == PEOPLE
        assert served.store.count_contacts() == len(sent)
    finally:
        served.close()


def test_sqlite_app_under_concurrent_requests(web_app: ModuleType, tmp_path: Path) -> None:
    """400 webhooks, 16 at a time, to an app sharing one SQLite workspace: no error, and
    the customers (ids and records) a sequential ingest builds."""
    hammer(web_app, str(tmp_path / "crm.sqlite3"))


def test_postgres_app_under_concurrent_requests(web_app: ModuleType) -> None:
    """The same on PostgreSQL."""
    dsn = postgres_dsn()
    reset_postgres(dsn)
    hammer(web_app, dsn)


def test_bad_identifier_is_a_422_and_the_app_goes_on(web_app: ModuleType, tmp_path: Path) -> None:
    """A webhook with a malformed e-mail gets a 422 naming the problem; the next one works."""
    app = web_app.create_app(str(tmp_path / "crm.sqlite3"))
    with web_app.serving(app) as port:
        status, answer = web_app.post(
            port,
            "/contacts",
            {"channel": "email", "source_id": "x", "occurred_at": T0.isoformat(), "email": "@@"},
        )
        assert status == 422
        assert "email" in answer["error"].lower()
        status, answer = web_app.post(port, "/contacts", web_app.sample_events(1, seed=SEED)[0])
        assert status == 200
        assert answer["customer_id"]
