"""The PostgreSQL store: one database shared by several application servers.

Needs the ``postgres`` extra (``pip install 'omnicontact[postgres]'``, psycopg 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..exceptions import StoreError
from ._sql import TABLES, SqlStore

__all__ = ["PostgresStore"]

# The advisory lock key that serializes omnicontact writers: "omnicont" as a big-endian int.
_LOCK_KEY = int.from_bytes(b"omnicont", "big") & 0x7FFF_FFFF_FFFF_FFFF


class PostgresStore(SqlStore):
    """An identity and contact store in a PostgreSQL database, given a connection string.

    Writers serialize on a transaction-scoped advisory lock (``pg_advisory_xact_lock``), so
    several processes or servers apply their units of work one after another, each seeing
    what the others committed. Tables are prefixed ``oc_`` and may share the application's
    database.

    Deleting a row leaves its bytes in the table's files as a dead row version (MVCC)
    until the space is reused; a plain ``VACUUM`` marks it reusable but does not wipe it.
    :meth:`purge` (which :meth:`Workspace.forget <omnicontact.Workspace.forget>` runs)
    rewrites every ``oc_`` table with ``VACUUM (FULL)``: it holds an exclusive lock on each
    table while it copies it, so it takes time in proportion to the store's size. The
    server's write-ahead log, its archives, replicas and backups keep their copies until
    they age out: that is the database administrator's retention policy, not the store's.
    """

    _placeholder = "%s"

    def __init__(self, dsn: str) -> None:
        try:
            import psycopg
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise StoreError(
                "PostgresStore needs psycopg 3: pip install 'omnicontact[postgres]'"
            ) from error
        try:
            connection: Any = psycopg.connect(dsn, autocommit=True)
        except psycopg.Error as error:
            raise StoreError(f"cannot connect to PostgreSQL: {error}") from error
        super().__init__(connection, where="postgresql")

    def _begin(self) -> None:
        self._run("BEGIN")
        self._run("SELECT pg_advisory_xact_lock(?)", (_LOCK_KEY,))

    def _insert_many(
        self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        def copy() -> None:
            with (
                self._conn.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as writer,
            ):
                for row in rows:
                    writer.write_row(row)

        self._guarded(copy)

    def _send(self, writes: list[tuple[str, list[Sequence[Any]]]]) -> None:
        def send() -> None:  # one round trip: the server's answers are read at the end
            with self._conn.pipeline(), self._conn.cursor() as cursor:
                for statement, rows in writes:
                    if len(rows) == 1:
                        cursor.execute(self._sql(statement), rows[0])
                    else:
                        cursor.executemany(self._sql(statement), rows)

        self._guarded(send)

    def _in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(self._conn.info.transaction_status != TransactionStatus.IDLE)

    def purge(self) -> None:
        """Leave nothing of deleted rows in the table files: rewrite every ``oc_`` table,
        its indexes and TOAST with ``VACUUM (FULL)`` (each table locked while it is
        copied). :meth:`Workspace.forget <omnicontact.Workspace.forget>` calls it; inside a
        transaction it runs once that transaction commits, and a rollback purges nothing.
        Only the tables' owner (or a superuser) may run it: for another role it raises
        :class:`~omnicontact.exceptions.StoreError`, after the erasure has committed.
        """
        super().purge()

    def _purge(self) -> None:
        # PostgreSQL skips a table it may not vacuum with a warning, not an error.
        skipped: list[str] = []

        def notice(diagnostic: Any) -> None:
            if diagnostic.severity_nonlocalized == "WARNING":
                skipped.append(str(diagnostic.message_primary))

        self._conn.add_notice_handler(notice)
        try:
            for table in TABLES:
                self._run(f"VACUUM (FULL) {table}")
        finally:
            self._conn.remove_notice_handler(notice)
        if skipped:
            raise StoreError(
                "postgresql: the remains of deleted rows could not be purged, VACUUM (FULL)"
                " needs the tables' owner: " + "; ".join(skipped)
            )

    def _table_exists(self, name: str) -> bool:
        return bool(self._one("SELECT to_regclass(?) IS NOT NULL", (name,))[0])

    def __repr__(self) -> str:
        return "PostgresStore()"
