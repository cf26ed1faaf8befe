"""Stores fail loudly and safely: bad files, damage, read-only files, a full disk, NUL bytes.

Every failure is a typed :class:`StoreError` naming the real cause, and a refused file is left
byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _stores import KINDS, close, new_store
from omnicontact import Contact, Normalizer, Workspace
from omnicontact.exceptions import InvalidValueError, StoreError, StoreVersionError
from omnicontact.store import SQLiteStore

T0 = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
N = Normalizer(default_region="FR")
HEADER = b"SQLite format 3\x00"


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` with a digest of its bytes."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir()}


def filled_store(path: Path, people: int = 50) -> None:
    """A store file with some customers in it, closed."""
    workspace = Workspace(SQLiteStore(path))
    workspace.ingest(
        Contact(channel="email", direction="inbound", occurred_at=T0, source_id=f"m{i}",
                identifiers=[N.email(f"p{i}@example.fr")], summary="s" * 200)
        for i in range(people)
    )  # fmt: skip
    workspace.close()


class TestOpening:
    def test_a_file_that_is_not_a_database(self, tmp_path: Path) -> None:
        """A text file is refused as not an SQLite database, and left as it was."""
        path = tmp_path / "notes.txt"
        path.write_text("not a database\n" * 100)
        before = fingerprint(tmp_path)
        with pytest.raises(StoreError, match="not an SQLite database"):
            SQLiteStore(path)
        assert fingerprint(tmp_path) == before

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        content=st.binary(max_size=3000)
        | st.binary(min_size=1, max_size=3000).map(lambda tail: HEADER + tail)
    )
    def test_random_bytes_open_or_are_refused_untouched(
        self, tmp_path_factory: pytest.TempPathFactory, content: bytes
    ) -> None:
        """Any bytes, with or without SQLite's header: the store opens (and works) or is
        refused with a StoreError, never another error, and a refused file is unchanged."""
        folder = tmp_path_factory.mktemp("bytes")
        path = folder / "store.sqlite3"
        path.write_bytes(content)
        before = fingerprint(folder)
        try:
            store = SQLiteStore(path)
        except StoreError:
            assert fingerprint(folder) == before
            return
        try:  # only an empty file is a valid start: it becomes an empty, working store
            contact = Contact(channel="web", direction="inbound", occurred_at=T0, source_id="w")
            assert store.count_contacts() == 0
            assert store.put_contact(contact)
            assert store.get_contact(contact.id) == contact
        finally:
            store.close()

    def test_damaged_pages_are_found_at_opening(self, tmp_path: Path) -> None:
        """A store whose pages were overwritten is refused as damaged, and left as it was;
        with the check skipped it opens, as documented."""
        path = tmp_path / "store.sqlite3"
        filled_store(path)
        data = bytearray(path.read_bytes())
        page = 4096
        for number in range(3, 8):
            data[number * page : number * page + 100] = b"\xff" * 100
        path.write_bytes(bytes(data))
        before = fingerprint(tmp_path)
        with pytest.raises(StoreError, match="damaged"):
            SQLiteStore(path)
        assert fingerprint(tmp_path) == before
        SQLiteStore(path, integrity_check=False).close()

    def test_a_newer_schema_is_refused_without_changing_a_byte(self, tmp_path: Path) -> None:
        """A rollback-journal file of a newer schema is refused before anything is written:
        no switch to write-ahead logging, no new file beside it."""
        path = tmp_path / "newer.sqlite3"
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE oc_schema (version INTEGER NOT NULL)")
        connection.execute("INSERT INTO oc_schema (version) VALUES (99)")
        connection.commit()
        connection.close()
        before = fingerprint(tmp_path)
        with pytest.raises(StoreVersionError, match="version 99"):
            SQLiteStore(path)
        assert fingerprint(tmp_path) == before


def open_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on SQLite opens files read-only, as it does when the system refuses to let
    it write (tests may run as root, whom file permissions do not stop)."""
    connect = sqlite3.connect

    def read_only(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        return connect(f"file:{database}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)


class TestReadOnly:
    def test_a_read_only_store_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A store SQLite may only read is refused as read-only, naming the cause, and its
        file is left as it was (SQLite may still make its -wal and -shm files beside it)."""
        path = tmp_path / "store.sqlite3"
        filled_store(path)
        before = path.read_bytes()
        open_read_only(monkeypatch)
        with pytest.raises(StoreError, match="read-only"):
            SQLiteStore(path)
        assert path.read_bytes() == before

    def test_a_missing_file_that_cannot_be_created(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A new store where SQLite may not create the file is refused, naming the cause."""
        open_read_only(monkeypatch)
        with pytest.raises(StoreError, match="cannot be opened"):
            SQLiteStore(tmp_path / "new.sqlite3")

    @pytest.mark.skipif(
        sys.platform == "win32" or os.geteuid() == 0, reason="file permissions do not bind root"
    )
    def test_a_read_only_folder(self, tmp_path: Path) -> None:
        """A store in a folder nobody may write to is refused, naming the cause."""
        folder = tmp_path / "locked"
        folder.mkdir()
        filled_store(folder / "store.sqlite3")
        folder.chmod(0o555)
        (folder / "store.sqlite3").chmod(0o444)
        try:
            with pytest.raises(StoreError, match=r"read-only|cannot be opened"):
                SQLiteStore(folder / "store.sqlite3")
        finally:
            folder.chmod(0o755)


DISK_FULL = textwrap.dedent(
    """
    import datetime as dt, resource, signal, sys
    from omnicontact import Contact, Workspace
    from omnicontact.exceptions import StoreError
    from omnicontact.store import SQLiteStore

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
    workspace = Workspace(SQLiteStore(sys.argv[1]))
    t = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)
    small = Contact(channel="web", direction="inbound", occurred_at=t, source_id="small")
    workspace.ingest([small])
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
    big = Contact(channel="web", direction="inbound", occurred_at=t, source_id="big",
                  summary="x" * 400_000)
    try:
        workspace.ingest([big])
    except StoreError as error:
        print(type(error).__name__, error)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX file size limits")
def test_a_full_disk_at_commit_names_the_real_cause(tmp_path: Path) -> None:
    """A commit that cannot be written (the file size limit stands in for a full disk) is a
    StoreError about the disk, not the rollback that follows; the store keeps what was
    committed before."""
    path = tmp_path / "store.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("StoreError"), done.stdout
    assert "disk" in done.stdout
    assert "cannot rollback" not in done.stdout
    store = SQLiteStore(path)
    assert store.count_contacts() == 1
    store.close()


@pytest.mark.parametrize("kind", KINDS)
class TestNulBytes:
    @pytest.mark.parametrize(
        "fields",
        [{"source_id": "call\x00881"}, {"id": "contact\x00id"}],
        ids=["source_id", "id"],
    )
    def test_one_item_fails_alike_and_the_batch_goes_on(
        self, kind: str, tmp_path: Path, fields: dict[str, str]
    ) -> None:
        """A contact keyed on a text with a NUL character fails on its own, with the same
        typed message on every store; the contacts around it are ingested, and looking the
        bad one up finds nothing (rather than an error on PostgreSQL)."""
        store = new_store(kind, tmp_path)
        workspace = Workspace(store)
        bad = Contact(channel="phone", direction="inbound", occurred_at=T0, **fields)  # type: ignore[arg-type]
        good = [
            Contact(channel="phone", direction="inbound", occurred_at=T0, source_id=f"ok{i}")
            for i in range(2)
        ]
        report = workspace.ingest([good[0], bad, good[1]])
        assert report.added == (good[0].id, good[1].id)
        assert [failure.contact_id for failure in report.failures] == [bad.id]
        assert "a NUL character cannot be stored" in report.failures[0].error
        assert store.get_contact(bad.id) is None
        assert store.count_contacts() == 2
        close(store)

    def test_nul_in_free_text_is_kept(self, kind: str, tmp_path: Path) -> None:
        """Free text (a summary, attributes) is stored escaped in the document: every
        store keeps it and reads it back unchanged."""
        store = new_store(kind, tmp_path)
        contact = Contact(
            channel="web", direction="inbound", occurred_at=T0, source_id="w1",
            summary="a\x00b", attributes={"k\x00": "v\x00"},
        )  # fmt: skip
        assert store.put_contact(contact)
        assert store.get_contact(contact.id) == contact
        close(store)


def test_the_nul_error_is_a_value_error() -> None:
    """The refusal is an InvalidValueError naming the field, so hosts may catch ValueError."""
    from omnicontact.store import MemoryStore

    contact = Contact(channel="web", direction="inbound", occurred_at=T0, source_id="a\x00")
    with pytest.raises(InvalidValueError) as caught:
        MemoryStore().put_contact(contact)
    assert caught.value.field == "source_id"
