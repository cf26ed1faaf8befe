"""The SQLite store: the embedded default, one file, no server, standard library only."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from ..exceptions import StoreError, StoreVersionError
from ._sql import SCHEMA_VERSION, SqlStore

__all__ = ["SQLiteStore"]


# What SQLite's primary result codes mean for someone opening or writing a store file.
_MEANINGS = {
    "SQLITE_NOTADB": "the file is not an SQLite database",
    "SQLITE_CORRUPT": "the file is damaged (corrupt)",
    "SQLITE_READONLY": "the file or its folder is read-only (a store writes the file, and"
    " its -wal and -shm files beside it)",
    "SQLITE_CANTOPEN": "the file cannot be opened (a missing folder, or one that cannot be"
    " written)",
    "SQLITE_FULL": "the disk is full",
    "SQLITE_IOERR": "reading or writing the disk failed (is it full, or over a size limit?)",
    "SQLITE_PERM": "permission denied",
    "SQLITE_BUSY": "another connection held the store's lock for longer than the timeout",
}


def _meaning(error: Exception) -> str:
    """The error's meaning in plain words, followed by SQLite's own message."""
    code = getattr(error, "sqlite_errorname", None)  # Python 3.11 on
    text = str(error)
    for name, needle in _MESSAGES:
        if (code is not None and code.startswith(name)) or (code is None and needle in text):
            return f"{_MEANINGS[name]} ({text})"
    return text


def _cannot_open(path: str, error: Exception) -> StoreError:
    logging.getLogger("omnicontact.store").warning("%s: cannot open: %s", path, _meaning(error))
    return StoreError(f"{path}: cannot open the SQLite store: {_meaning(error)}")


# SQLite's messages for its result codes, for Python versions without error names.
_MESSAGES = (
    ("SQLITE_NOTADB", "file is not a database"),
    ("SQLITE_CORRUPT", "malformed"),
    ("SQLITE_READONLY", "readonly database"),
    ("SQLITE_CANTOPEN", "unable to open database file"),
    ("SQLITE_FULL", "database or disk is full"),
    ("SQLITE_IOERR", "disk I/O error"),
    ("SQLITE_PERM", "access permission denied"),
    ("SQLITE_BUSY", "database is locked"),
)


class SQLiteStore(SqlStore):
    """An identity and contact store in one SQLite file (``":memory:"`` for a private one).

    Several processes may open the same file: writers take the database's write lock when a
    transaction begins (``BEGIN IMMEDIATE``), so their units of work run one after another,
    and each one sees what the others committed. The file uses write-ahead logging, so a
    process killed mid-transaction leaves the last committed state. ``timeout`` is how long
    (in seconds) a writer waits for the lock before :class:`~omnicontact.exceptions.StoreError`.

    Opening checks the file before changing anything in it: a file that is not a database,
    a damaged one (SQLite's ``PRAGMA quick_check``, which reads every page: pass
    ``integrity_check=False`` to skip it on a store too large to read at each start), one
    that cannot be written, or one written by a newer omnicontact is refused with a
    :class:`~omnicontact.exceptions.StoreError` naming the cause, and left byte for byte as
    it was.

    Deleted rows leave nothing in the file: the store's connection runs with SQLite's
    ``secure_delete`` on (deleted content is overwritten with zeros), and :meth:`purge`
    (which :meth:`Workspace.forget <omnicontact.Workspace.forget>` runs) checkpoints the
    write-ahead log and truncates it to zero bytes. A file that may hold remains written
    without ``secure_delete`` (made by an older omnicontact, or where SQLite lacks it) is
    rebuilt with ``VACUUM`` at its first purge, which costs a copy of the whole file.

    >>> store = SQLiteStore(":memory:")
    >>> store.count_records(), store.schema_version
    (0, 3)
    >>> store.close()
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 60.0,
        integrity_check: bool = True,
    ) -> None:
        self.path = str(path)
        try:
            connection = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise _cannot_open(self.path, error) from error
        try:
            fresh = not self._check(connection, integrity_check)
            connection.execute("PRAGMA secure_delete = ON")
            row = connection.execute("PRAGMA secure_delete").fetchone()
            self._secure_delete = bool(row and row[0] == 1)
            if self.path != ":memory:":
                connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        except sqlite3.Error as error:
            connection.close()
            raise _cannot_open(self.path, error) from error
        except StoreError:
            connection.close()
            raise
        try:
            super().__init__(connection, where=self.path)
            if fresh and self._secure_delete:
                self._mark_scrubbed()  # every page it will ever free is zeroed
        except StoreError:
            connection.close()
            raise

    def _check(self, connection: sqlite3.Connection, integrity_check: bool) -> bool:
        """Refuse a damaged store or one of a newer schema, reading only; whether the file
        holds a store already."""
        if integrity_check:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check").fetchmany(5)]
            if problems != ["ok"]:
                logging.getLogger("omnicontact.store").warning(
                    "%s: integrity check failed: %s", self.path, "; ".join(map(str, problems))
                )
                raise StoreError(
                    f"{self.path}: the file is damaged (corrupt), SQLite's quick_check found: "
                    + "; ".join(str(problem) for problem in problems)
                )
        else:
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        if connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'oc_schema'"
        ).fetchone():
            row = connection.execute("SELECT MAX(version) FROM oc_schema").fetchone()
            version = int(row[0]) if row and row[0] is not None else 0
            if version > SCHEMA_VERSION:
                raise StoreVersionError(version, SCHEMA_VERSION, where=self.path)
            return True
        return False

    def purge(self) -> None:
        """Leave nothing of deleted rows in the files: empty the write-ahead log into the
        database file and truncate it to zero bytes, after rebuilding the file with
        ``VACUUM`` if it may hold remains written without ``secure_delete``.

        :meth:`Workspace.forget <omnicontact.Workspace.forget>` calls it. Inside a
        transaction it runs once that transaction commits; a rollback purges nothing. A
        reader in another connection that outlasts ``timeout`` makes it raise
        :class:`~omnicontact.exceptions.StoreError`: call it again later.

        >>> store = SQLiteStore(":memory:")
        >>> store.purge()
        >>> store.close()
        """
        super().purge()

    # A row of ``oc_state`` saying that every page the file freed was zeroed: set when a
    # connection with ``secure_delete`` creates the store or rebuilds it with VACUUM.
    _SCRUBBED = "scrubbed"

    def _mark_scrubbed(self) -> None:
        with self.transaction():
            self._write(
                "INSERT INTO oc_state (name, value) VALUES (?, 1)"
                " ON CONFLICT (name) DO UPDATE SET value = 1",
                (self._SCRUBBED,),
            )

    def _purge(self) -> None:
        """Rebuild the file with VACUUM if it may hold remains (no ``secure_delete``), then
        copy the write-ahead log into the file and truncate it to zero bytes."""
        rows = self._rows("SELECT value FROM oc_state WHERE name = ?", (self._SCRUBBED,))
        if not (self._secure_delete and rows and rows[0][0] == 1):
            if self._secure_delete:
                self._mark_scrubbed()
            self._run("VACUUM")
        busy = self._one("PRAGMA wal_checkpoint(TRUNCATE)")[0]
        if busy:
            raise StoreError(
                f"{self.path}: the write-ahead log could not be emptied because another"
                " connection is reading the store: what was deleted is committed, but its"
                " bytes stay in the -wal file until that reader ends and purge() runs again"
            )

    def _begin(self) -> None:
        self._run("BEGIN IMMEDIATE")

    def _in_transaction(self) -> bool:
        return bool(self._conn.in_transaction)

    def _explain(self, error: Exception) -> str:
        return _meaning(error)

    def _table_exists(self, name: str) -> bool:
        rows = self._rows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return bool(rows)

    def __repr__(self) -> str:
        return f"SQLiteStore({Path(self.path).name!r})"
