"""Tests for what omnicontact logs: operational events under ``omnicontact.*``, by id only."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

import pytest

from omnicontact import Contact, Normalizer, Workspace
from omnicontact.connectors import CsvConnector, FieldMapping
from omnicontact.exceptions import StoreError
from omnicontact.identity import EventKind
from omnicontact.store import MemoryStore, SQLiteStore

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
N = Normalizer(default_region="FR")

# The personal values of the scenario, as typed and as normalized.
EMAIL = "Aurelie.Vasseur@Example.fr"
PHONE = "06 12 34 56 78"
NAME = "Aurélie Vasseur"
PERSONAL = [
    EMAIL,
    EMAIL.lower(),
    PHONE,
    "+33612345678",
    "612345678",
    NAME,
    "Vasseur",
    "vasseur",
    "Aurélie",
    "aurelie",
    "2 rue des Lilas",
    "1987-04-12",
    "12/04/1987",
]


def contact(source_id: str, hours: float, *identifiers: object) -> Contact:
    return Contact(
        channel="email",
        direction="inbound",
        occurred_at=T0 + dt.timedelta(hours=hours),
        source_id=source_id,
        identifiers=identifiers,
    )


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """``caplog`` capturing every level of the ``omnicontact`` loggers."""
    caplog.set_level(logging.DEBUG, logger="omnicontact")
    return caplog


def everything_logged(records: list[logging.LogRecord]) -> str:
    """Every message, argument and extra field of ``records``, as one text."""
    parts = []
    for record in records:
        parts.append(record.getMessage())
        parts.extend(repr(value) for value in vars(record).values())
    return "\n".join(parts)


class TestLogging:
    def test_the_library_logger_has_a_null_handler(self) -> None:
        """``omnicontact`` carries a NullHandler, so an unconfigured host prints nothing."""
        handlers = logging.getLogger("omnicontact").handlers
        assert any(isinstance(handler, logging.NullHandler) for handler in handlers)

    def test_operational_events_are_logged_by_id_never_by_value(
        self, tmp_path: Path, log: pytest.LogCaptureFixture
    ) -> None:
        """Merges, splits, erasures and skipped rows are logged, with no personal value."""
        email = N.email(EMAIL)
        phone = N.phone(PHONE)
        name = N.name(NAME)
        born = N.date_of_birth("12/04/1987")
        ws = Workspace(SQLiteStore(tmp_path / "s.sqlite3"), clock=lambda: T0)
        first = contact("m1", 0, email, name, born)
        second = contact("m2", 1, phone, name)
        third = contact("m3", 2, email, phone)
        ws.ingest([first, second, third], reason="import")
        store = ws.store
        assert isinstance(store, SQLiteStore)
        left, right = store.record_of_contact(first.id), store.record_of_contact(second.id)
        ws.resolver.judge_records(left, right, same=False, reason="agent review")
        csv = CsvConnector(
            channel="visit",
            normalizer=N,
            mapping=FieldMapping(
                occurred_at="at", source_id="id", identifiers={"mail": "email", "tel": "phone"}
            ),
        )
        report = csv.read(
            "id,at,mail,tel\n"
            f"v1,2026-03-02T10:00:00Z,{EMAIL},12\n"
            f"v2,{NAME},{EMAIL},{PHONE}\n"
            f"v3,2026-03-02T10:00:00Z,not-an-email {NAME},{PHONE}\n"
        )
        assert len(report.errors) == 3
        ws.forget(ws.customer_of(first.id), reason="erasure request")
        ws.close()

        records = log.records
        logged = {getattr(record, "omnicontact_event", None) for record in records}
        for kind in (
            EventKind.CUSTOMERS_MERGED,
            EventKind.CUSTOMER_SPLIT,
            EventKind.JUDGEMENT_ADDED,
            EventKind.CUSTOMER_ERASED,
        ):
            assert kind.value in logged
        skipped = [r for r in records if r.name == "omnicontact.connectors" and "skipped" in r.msg]
        assert [getattr(r, "omnicontact_row", None) for r in skipped] == [2, 3, 4]
        assert all(record.name.startswith("omnicontact.") for record in records)
        text = everything_logged(records)
        assert left in text  # ids are there …
        for value in PERSONAL:  # … values never
            assert value not in text, value

    def test_a_schema_migration_is_logged(
        self, tmp_path: Path, log: pytest.LogCaptureFixture
    ) -> None:
        """Opening an older store logs each schema step it migrates."""
        path = tmp_path / "s.sqlite3"
        SQLiteStore(path).close()
        with sqlite3.connect(path) as connection:  # back to the version 2 layout
            connection.execute("DROP TABLE oc_case_successors")
            connection.execute("UPDATE oc_schema SET version = 2")
        connection.close()
        SQLiteStore(path).close()
        messages = [r.getMessage() for r in log.records if r.name == "omnicontact.store"]
        assert any("migrating schema version 2 to 3" in message for message in messages)

    def test_a_failed_integrity_check_is_logged(
        self, tmp_path: Path, log: pytest.LogCaptureFixture
    ) -> None:
        """A store refused as damaged at opening is logged as a warning naming its file."""
        path = tmp_path / "s.sqlite3"
        ws = Workspace(SQLiteStore(path), clock=lambda: T0)
        ws.ingest([contact(f"m{i}", i, N.email(f"person{i}@example.fr")) for i in range(300)])
        ws.close()
        data = bytearray(path.read_bytes())
        for number in range(3, 8):
            data[number * 4096 : number * 4096 + 100] = b"\xff" * 100
        path.write_bytes(bytes(data))
        with pytest.raises(StoreError, match="damaged"):
            SQLiteStore(path)
        warnings = [r for r in log.records if r.levelno == logging.WARNING]
        assert [r.name for r in warnings] == ["omnicontact.store"]
        assert str(path) in warnings[0].getMessage()
        assert "person" not in everything_logged(warnings)

    def test_a_slow_operation_is_logged(
        self, log: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A resolver operation over the slow-call threshold is logged with its duration."""
        from omnicontact.identity import _resolver

        monkeypatch.setattr(_resolver, "SLOW_OPERATION_SECONDS", 0.0)
        ws = Workspace(MemoryStore())
        ws.ingest([contact("m1", 0, N.email(EMAIL))])
        slow = [r for r in log.records if r.getMessage().startswith("slow resolver operation")]
        assert slow
        assert all(getattr(r, "omnicontact_seconds", -1) >= 0 for r in slow)
