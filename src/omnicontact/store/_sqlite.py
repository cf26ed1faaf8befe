"""The SQLite store: the embedded default, one file, no server, standard library only."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..exceptions import StoreError
from ._sql import SqlStore

__all__ = ["SQLiteStore"]


class SQLiteStore(SqlStore):
    """An identity and contact store in one SQLite file (``":memory:"`` for a private one).

    Several processes may open the same file: writers take the database's write lock when a
    transaction begins (``BEGIN IMMEDIATE``), so their units of work run one after another,
    and each one sees what the others committed. The file uses write-ahead logging, so a
    process killed mid-transaction leaves the last committed state. ``timeout`` is how long
    (in seconds) a writer waits for the lock before :class:`~omnicontact.exceptions.StoreError`.

    >>> store = SQLiteStore(":memory:")
    >>> store.count_records(), store.schema_version
    (0, 3)
    >>> store.close()
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0) -> None:
        self.path = str(path)
        try:
            connection = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot open the SQLite store: {error}") from error
        if self.path != ":memory:":
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        super().__init__(connection, where=self.path)

    def _begin(self) -> None:
        self._run("BEGIN IMMEDIATE")

    def _table_exists(self, name: str) -> bool:
        rows = self._rows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return bool(rows)

    def __repr__(self) -> str:
        return f"SQLiteStore({Path(self.path).name!r})"
