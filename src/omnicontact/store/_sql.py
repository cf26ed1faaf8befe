"""What SQLite and PostgreSQL stores share: the schema, the queries, the transactions.

Rows hold documents (the library's own JSON form, :func:`~omnicontact.dumps`) plus the key
columns queries need, so the schema is small and fixed; the two databases differ only in
how a connection is opened, how writers are serialized and the placeholder style.

Writers are serialized by a store-wide lock taken when a transaction begins (SQLite
``BEGIN IMMEDIATE``, PostgreSQL ``pg_advisory_xact_lock``). Every committed transaction that
wrote bumps a change counter; a transaction that finds the counter moved since this
connection last saw it tells its listeners (the resolver drops its caches) before any read.
"""

from __future__ import annotations

import abc
import datetime as dt
import json
import logging
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from .._case_events import CaseEvent
from .._model import Case, Consent, Contact, Preferences
from .._serialization import dumps, loads
from ..exceptions import StoreError, StoreVersionError
from ..identity._events import Event, Judgement, event_names
from ..identity._fellegi_sunter import PairEvidence
from ..identity._record import Record
from ._lock import serialized
from ._protocol import refuse_contact_nul, refuse_nul

__all__ = ["SCHEMA_VERSION", "TABLES", "SqlStore", "timestamp"]

SCHEMA_VERSION = 3
"""The newest store schema this omnicontact writes and reads."""

T = TypeVar("T")

# Tables are prefixed so they can live in an application's own database.
SCHEMA: tuple[str, ...] = (
    "CREATE TABLE oc_state (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
    "CREATE TABLE oc_records (id TEXT PRIMARY KEY, doc TEXT NOT NULL)",
    "CREATE TABLE oc_keys (key TEXT NOT NULL, record_id TEXT NOT NULL,"
    " PRIMARY KEY (key, record_id))",
    "CREATE TABLE oc_edges (a TEXT NOT NULL, b TEXT NOT NULL, doc TEXT NOT NULL,"
    " PRIMARY KEY (a, b))",
    "CREATE TABLE oc_assignments (record_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL)",
    "CREATE INDEX oc_assignments_customer ON oc_assignments (customer_id)",
    "CREATE TABLE oc_anchors (customer_id TEXT PRIMARY KEY, record_id TEXT NOT NULL)",
    "CREATE INDEX oc_anchors_record ON oc_anchors (record_id)",
    "CREATE TABLE oc_successors (customer_id TEXT PRIMARY KEY, successor_id TEXT NOT NULL)",
    "CREATE INDEX oc_successors_successor ON oc_successors (successor_id)",
    "CREATE TABLE oc_judgements (id TEXT PRIMARY KEY, doc TEXT NOT NULL)",
    "CREATE TABLE oc_judged (record_id TEXT NOT NULL, judgement_id TEXT NOT NULL,"
    " PRIMARY KEY (record_id, judgement_id))",
    "CREATE TABLE oc_events (sequence BIGINT PRIMARY KEY, doc TEXT NOT NULL)",
    "CREATE TABLE oc_contacts (id TEXT PRIMARY KEY, channel TEXT NOT NULL,"
    " source_key TEXT NOT NULL, occurred_at TEXT NOT NULL, doc TEXT NOT NULL,"
    " record_id TEXT NOT NULL, UNIQUE (channel, source_key))",
    "CREATE INDEX oc_contacts_record ON oc_contacts (record_id)",
    "CREATE TABLE oc_cases (id TEXT PRIMARY KEY, status TEXT NOT NULL, doc TEXT NOT NULL)",
    "CREATE TABLE oc_case_successors (case_id TEXT PRIMARY KEY, successor_id TEXT NOT NULL)",
    "CREATE TABLE oc_case_contacts (contact_id TEXT NOT NULL, case_id TEXT NOT NULL,"
    " PRIMARY KEY (contact_id, case_id))",
    "CREATE INDEX oc_case_contacts_case ON oc_case_contacts (case_id)",
    "CREATE TABLE oc_case_events (sequence BIGINT PRIMARY KEY, doc TEXT NOT NULL)",
    "CREATE TABLE oc_consents (identifier_key TEXT NOT NULL, recorded_at TEXT NOT NULL,"
    " doc TEXT NOT NULL, PRIMARY KEY (identifier_key, doc))",
    "CREATE TABLE oc_preferences (record_id TEXT PRIMARY KEY, recorded_at TEXT NOT NULL,"
    " doc TEXT NOT NULL)",
    "INSERT INTO oc_state (name, value) VALUES ('changes', 0)",
)

TABLES: tuple[str, ...] = (
    "oc_schema",
    *(statement.split()[2] for statement in SCHEMA if statement.startswith("CREATE TABLE")),
)
"""Every table of a store."""

# MIGRATIONS[n] turns a version-n schema into version n + 1.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    # 1 → 2: contacts link to an identity record (before, each contact was its own record).
    1: (
        "ALTER TABLE oc_contacts ADD COLUMN record_id TEXT",
        "UPDATE oc_contacts SET record_id = id",
        "CREATE INDEX oc_contacts_record ON oc_contacts (record_id)",
    ),
    # 2 → 3: a merged case's id leads to the case it was merged into.
    2: ("CREATE TABLE oc_case_successors (case_id TEXT PRIMARY KEY, successor_id TEXT NOT NULL)",),
}

_RECORD_CACHE_LIMIT = 200_000
_EDGE_CACHE_LIMIT = 20_000  # records whose decoded edges are kept
_CONTACT_CACHE_LIMIT = 10_000

# Decoded contacts by their document text. Contacts are immutable values, so the same text
# always decodes to the same contact and this cache never needs invalidating; it spares a
# timeline read the cost of validating every contact again. Bounded: cleared when full.
_CONTACTS: dict[str, Contact] = {}


def _contact(doc: str) -> Contact:
    contact = _CONTACTS.get(doc)
    if contact is None:
        contact = loads(doc, Contact)
        if len(_CONTACTS) >= _CONTACT_CACHE_LIMIT:
            _CONTACTS.clear()
        _CONTACTS[doc] = contact
    return contact


# The two writes of the blocking index (``_holders_of`` replays them).
_ADD_KEY = "INSERT INTO oc_keys (key, record_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
_REMOVE_KEY = "DELETE FROM oc_keys WHERE key = ? AND record_id = ?"

_LIKE_ESCAPES = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})
"""What a text searched with ``LIKE … ESCAPE '\\'`` must escape."""


def _lookup(params: Sequence[Any]) -> Sequence[Any]:
    """Query parameters, a text with a NUL character made NULL: no stored key holds one
    (:func:`refuse_nul`), so it matches nothing, as NULL does, on every database."""
    if not any(isinstance(value, str) and "\x00" in value for value in params):
        return params
    return [None if isinstance(value, str) and "\x00" in value else value for value in params]


def _chunks(values: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """``values`` in slices of at most ``size``, for ``IN (...)`` lists."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def timestamp(value: dt.datetime) -> str:
    """A UTC datetime as fixed-width text, so text order is time order."""
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@serialized("transaction")
class SqlStore(abc.ABC):
    """An identity and contact store on a DB-API connection (see the module docstring).

    Subclasses open the connection and say how to lock; every method here is plain SQL.
    Threads may share a store: each method, and each transaction from its beginning to its
    end, runs holding the store's lock, so threads take turns on the one connection.
    """

    _placeholder = "?"

    def __init__(self, connection: Any, *, where: str) -> None:
        self._lock = threading.RLock()
        self._conn = connection
        self._where = where
        self._depth = 0
        self._dirty = False
        self._seen_changes: int | None = None
        self._listeners: list[Callable[[], None]] = []
        self._records: dict[str, Record | None] = {}
        # Decoded pair evidence per record, kept like ``_records``: used inside transactions
        # only (the change counter read when one begins says whether another process wrote),
        # updated by our own writes, dropped on rollback or outside change.
        self._edges: dict[str, dict[str, PairEvidence]] = {}
        # Kept like ``_records`` too, to spare a bulk ingest a query per look-up: each
        # record's customer (and, per customer, the records cached as its members, so
        # ``unassign`` can update them), each record's judgements, the next event number.
        self._customers: dict[str, str | None] = {}
        self._cached_members: dict[str, set[str]] = {}
        self._judgements: dict[str, list[Judgement]] = {}
        self._next_event: int | None = None
        # Kept like ``_records`` too, and updated by our own writes: the records holding a
        # blocking key, and every member of a customer (complete, unlike
        # ``_cached_members``), the two look-ups the resolver makes most per record.
        self._holders: dict[str, set[str]] = {}
        self._members: dict[str, frozenset[str]] = {}
        # Per key, the writes of the blocking index not sent yet (True adds, False removes).
        self._key_writes: dict[str, list[tuple[bool, str]]] = {}
        # Contact ids and (channel, source key) pairs known to be absent (see ``_warm``).
        self._no_contact: set[object] = set()
        # The open transaction's writes not sent yet: rows for the append-only logs (sent
        # with COPY on PostgreSQL), and, per table, the other writing statements in the
        # order they were made, each with its rows of parameters. They are sent in one go
        # (one round trip on PostgreSQL) before the transaction commits, or before any
        # statement that names their table, so every read sees every write before it.
        # Tables are independent (no foreign keys, no triggers): only each table's own
        # order matters, so a batch's inserts into a table run as one executemany.
        self._pending: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = {}
        self._deferred: dict[str, list[tuple[str, list[Sequence[Any]]]]] = {}
        self._unsent: set[str] = set()  # the tables of both
        self._tables: dict[str, str] = {}  # the table each writing statement writes
        self._sql_cache: dict[str, str] = {}
        self._purge_pending = False
        self._ready = False
        self._migrate()
        self._ready = True

    # ------------------------------------------------------------------- dialect hooks

    @abc.abstractmethod
    def _begin(self) -> None:
        """Start a transaction holding the store-wide writer lock."""

    def _commit(self) -> None:
        self._run("COMMIT")

    def _rollback(self) -> None:
        """Undo the open transaction, if the database has not ended it already (a COMMIT
        that failed for want of disk space may have rolled it back itself)."""
        if self._in_transaction():
            self._run("ROLLBACK")

    @abc.abstractmethod
    def _in_transaction(self) -> bool:
        """Whether the connection has a transaction open."""

    def _insert_many(
        self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        """Insert rows into ``table`` (PostgreSQL overrides it with ``COPY``)."""
        names = ", ".join(columns)
        statement = self._sql(f"INSERT INTO {table} ({names}) VALUES ({self._marks(len(columns))})")
        self._guarded(lambda: self._conn.executemany(statement, rows))

    def _explain(self, error: Exception) -> str:
        """What a database error means, for a :class:`StoreError`'s message."""
        return str(error)

    @abc.abstractmethod
    def _table_exists(self, name: str) -> bool:
        """Whether the database holds a table called ``name``."""

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def purge(self) -> None:
        """Remove from the database's files what deleted rows left behind.

        A deleted row's bytes can outlive the ``DELETE``: in SQLite's write-ahead log, and
        in PostgreSQL's dead row versions until a rewrite. :meth:`Workspace.forget
        <omnicontact.Workspace.forget>` calls this so an erased customer leaves nothing in
        the files; what it does and costs differs by database (see each store's
        documentation). Called inside a transaction, it runs once that
        transaction commits (several erasures in one transaction are purged once); a
        transaction that rolls back purges nothing.
        """
        with self._lock:
            if self._depth:
                self._purge_pending = True
            else:
                self._purge()

    @abc.abstractmethod
    def _purge(self) -> None:
        """Remove the remains of deleted rows now (no transaction is open)."""

    # ------------------------------------------------------------------ schema versions

    def _migrate(self) -> None:
        with self.transaction():
            if not self._table_exists("oc_schema"):
                self._run("CREATE TABLE oc_schema (version INTEGER NOT NULL)")
                self._run("INSERT INTO oc_schema (version) VALUES (0)")
            version = int(self._one("SELECT version FROM oc_schema")[0])
            if version > SCHEMA_VERSION:
                raise StoreVersionError(version, SCHEMA_VERSION, where=self._where)
            if version == 0:
                for statement in SCHEMA:
                    self._run(statement)
                version = SCHEMA_VERSION
            while version < SCHEMA_VERSION:
                logging.getLogger("omnicontact.store").info(
                    "%s: migrating schema version %d to %d", self._where, version, version + 1
                )
                for statement in MIGRATIONS[version]:
                    self._run(statement)
                version += 1
            self._run("UPDATE oc_schema SET version = ?", (version,))

    @property
    def schema_version(self) -> int:
        """The schema version of the database."""
        return int(self._one("SELECT version FROM oc_schema")[0])

    # --------------------------------------------------------------------- SQL helpers

    def _sql(self, statement: str) -> str:
        if self._placeholder == "?":
            return statement
        converted = self._sql_cache.get(statement)
        if converted is None:
            converted = statement.replace("?", self._placeholder)
            self._sql_cache[statement] = converted
        return converted

    def _run(self, statement: str, params: Sequence[Any] = ()) -> Any:
        if self._unsent:
            named = {table for table in self._unsent if table in statement}
            if named:
                self._flush(named)
        return self._guarded(lambda: self._conn.execute(self._sql(statement), tuple(params)))

    def _send(self, writes: list[tuple[str, list[Sequence[Any]]]]) -> None:
        """Run writing statements, each once per row of its parameters, in order
        (PostgreSQL overrides it to send them all in one round trip)."""

        def send() -> None:
            for statement, rows in writes:
                if len(rows) == 1:
                    self._conn.execute(self._sql(statement), tuple(rows[0]))
                else:
                    self._conn.executemany(self._sql(statement), rows)

        self._guarded(send)

    def _table_of(self, statement: str) -> str:
        """The table an ``INSERT INTO``, ``DELETE FROM`` or ``UPDATE`` statement writes."""
        table = self._tables.get(statement)
        if table is None:
            words = statement.split(None, 3)
            table = words[1] if words[0].upper() == "UPDATE" else words[2]
            self._tables[statement] = table
        return table

    def _guarded(self, call: Callable[[], T]) -> T:
        """``call()``, a database error raised as a :class:`StoreError`."""
        try:
            return call()
        except Exception as error:
            if isinstance(error, StoreError):
                raise
            if type(error).__module__.split(".")[0] in ("sqlite3", "psycopg"):
                raise StoreError(f"{self._where}: {self._explain(error)}") from error
            raise

    def _append(self, table: str, columns: tuple[str, ...], row: tuple[Any, ...]) -> None:
        """Insert a row when the transaction commits (or sooner, if a statement names the
        table first), with the other rows of its table: a bulk ingest writes its log and
        its contacts in one go."""
        for value in row:
            if isinstance(value, str) and "\x00" in value:
                refuse_nul("stored text", value)
        if not self._depth:
            with self.transaction():
                self._append(table, columns, row)
            return
        self._dirty = True
        if table in self._deferred:
            self._flush({table})  # a statement on the table comes first
        self._pending.setdefault((table, columns), []).append(row)
        self._unsent.add(table)

    def _flush(self, tables: set[str] | None = None) -> None:
        """Send the writes not sent yet (see ``_deferred``) to ``tables``, or to all."""
        if tables is None or tables == self._unsent:
            deferred, self._deferred = self._deferred, {}
            pending, self._pending = self._pending, {}
            self._unsent = set()
        else:
            deferred = {name: self._deferred.pop(name) for name in tables & self._deferred.keys()}
            pending = {name: rows for name, rows in self._pending.items() if name[0] in tables}
            for name in pending:
                del self._pending[name]
            self._unsent -= tables
        if "oc_keys" in deferred:
            self._key_writes.clear()
        if deferred:
            self._send([write for writes in deferred.values() for write in writes])
        for (table, columns), rows in pending.items():
            self._insert_many(table, columns, rows)

    def _rows(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self._run(statement, _lookup(params)).fetchall())

    def _rows_as_sent(self, statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """:meth:`_rows` without sending first the writes not sent yet to the tables the
        statement names: the caller accounts for them."""
        query, values = self._sql(statement), tuple(_lookup(params))
        return list(self._guarded(lambda: self._conn.execute(query, values).fetchall()))

    def _one(self, statement: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
        row = self._run(statement, _lookup(params)).fetchone()
        if row is None:
            raise StoreError(f"{self._where}: the store is damaged: {statement!r} found nothing")
        return tuple(row)

    def _write(self, statement: str, params: Sequence[Any] = ()) -> None:
        self._write_many(statement, (params,))

    def _write_many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run a writing statement once per row of parameters, inside the open transaction
        (a public method runs holding the lock, so an open one is this thread's) or in its
        own: when the transaction commits, or before a statement that names its table."""
        if not rows:
            return
        for params in rows:
            for value in params:
                if isinstance(value, str) and "\x00" in value:
                    refuse_nul("stored text", value)
        if not self._depth:
            with self.transaction():
                self._write_many(statement, rows)
            return
        self._dirty = True
        table = self._table_of(statement)
        if table in self._unsent and any(name == table for name, _ in self._pending):
            self._flush({table})  # rows appended to the table come first
        writes = self._deferred.get(table)
        if writes is None:
            self._deferred[table] = [(statement, list(rows))]
            self._unsent.add(table)
        elif writes[-1][0] == statement:
            writes[-1][1].extend(rows)
        else:
            writes.append((statement, list(rows)))

    @staticmethod
    def _marks(count: int) -> str:
        return ", ".join("?" * count)

    # -------------------------------------------------------------------- transactions

    def add_invalidation_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when state cached from this store may be stale."""
        self._listeners.append(callback)

    def _invalidate(self) -> None:
        self._records.clear()
        self._edges.clear()
        self._customers.clear()
        self._cached_members.clear()
        self._judgements.clear()
        self._next_event = None
        self._holders.clear()
        self._members.clear()
        self._no_contact.clear()
        for callback in list(self._listeners):
            callback()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A unit of work holding the store's writer lock; nested blocks join the outer one."""
        with self._lock:
            yield from self._transaction()

    def _transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        self._dirty = False
        try:
            changes = self._changes() if self._ready else 0
            if self._ready and changes != self._seen_changes:
                if self._seen_changes is not None:
                    self._invalidate()
                self._seen_changes = changes
            yield
            if self._unsent:
                self._flush()
            if self._dirty and self._ready:
                self._run("UPDATE oc_state SET value = value + 1 WHERE name = 'changes'")
            self._commit()
            if self._dirty and self._ready:
                self._seen_changes = changes + 1
            purge, self._purge_pending = self._purge_pending, False
        except BaseException as error:
            self._purge_pending = False
            try:
                self._rollback()
            except StoreError as failed:  # keep the first error: it says what went wrong
                if sys.version_info >= (3, 11):
                    error.add_note(f"then the rollback failed too: {failed}")
            finally:
                self._invalidate()
            raise
        finally:
            self._depth = 0
            self._dirty = False
            self._pending = {}
            self._deferred = {}
            self._key_writes.clear()
            self._unsent = set()
        if purge:
            self._purge()

    def _warm(
        self, contacts: Sequence[Contact], record_ids: Iterable[str], keys: Iterable[str] = ()
    ) -> None:
        """Read at once, into the transaction's caches, what ingesting ``contacts`` into
        ``record_ids`` will look up one by one: whether each contact is stored, and each
        record, its customer, its edges and its judgements, and the holders of blocking
        ``keys``. A bulk ingest then makes a few queries per batch instead of several per
        contact; the answers are the same."""
        if not self._depth:
            return
        self._holders_of(keys)
        ids = sorted({contact.id for contact in contacts} - self._no_contact)
        sources: dict[str, set[str]] = {}  # source keys by channel, as the index has them
        for contact in contacts:
            channel, source_key = contact.dedupe_key
            if (channel, source_key) not in self._no_contact:
                sources.setdefault(channel, set()).add(source_key)
        stored: set[object] = set()
        for chunk in _chunks(ids):
            stored.update(
                row[0] for row in self._chunk_rows("SELECT id FROM oc_contacts", "id", chunk)
            )
        for channel, source_keys in sorted(sources.items()):
            for chunk in _chunks(sorted(source_keys)):
                stored.update(
                    (channel, row[0])
                    for row in self._rows(
                        "SELECT source_key FROM oc_contacts WHERE channel = ?"
                        f" AND source_key IN ({self._marks(len(chunk))})",
                        (channel, *chunk),
                    )
                )
        self._no_contact.update(name for name in ids if name not in stored)
        self._no_contact.update(
            pair
            for channel, source_keys in sources.items()
            for pair in ((channel, source_key) for source_key in source_keys)
            if pair not in stored
        )
        if len(self._no_contact) >= _RECORD_CACHE_LIMIT:
            self._no_contact.clear()
        wanted = sorted({r for r in record_ids if r not in self._records})
        if len(self._records) + len(wanted) >= _RECORD_CACHE_LIMIT:
            return  # the caches would be cleared as they fill: let them fill one by one
        for chunk in _chunks(wanted):
            found = dict(self._chunk_rows("SELECT id, doc FROM oc_records", "id", chunk))
            customers = dict(
                self._chunk_rows(
                    "SELECT record_id, customer_id FROM oc_assignments", "record_id", chunk
                )
            )
            edges: dict[str, dict[str, PairEvidence]] = {record_id: {} for record_id in chunk}
            for a, b, doc in self._chunk_rows("SELECT a, b, doc FROM oc_edges", "a", chunk):
                edges[a][b] = loads(doc, PairEvidence)
            judged: dict[str, list[Judgement]] = {record_id: [] for record_id in chunk}
            for record_id, doc in self._chunk_rows(
                "SELECT d.record_id, j.doc FROM oc_judged d"
                " JOIN oc_judgements j ON j.id = d.judgement_id",
                "d.record_id",
                chunk,
                order="j.id",
            ):
                judged[record_id].append(loads(doc, Judgement))
            for record_id in chunk:
                doc = found.get(record_id)
                self._records[record_id] = None if doc is None else loads(doc, Record)
                self._cache_customer(record_id, customers.get(record_id))
                if len(self._edges) < _EDGE_CACHE_LIMIT:
                    self._edges[record_id] = edges[record_id]
                self._judgements[record_id] = judged[record_id]

    def _chunk_rows(
        self, select: str, column: str, values: Sequence[str], *, order: str = ""
    ) -> list[tuple[Any, ...]]:
        """The rows of ``select`` whose ``column`` is one of ``values``."""
        where = f"{select} WHERE {column} IN ({self._marks(len(values))})"
        return self._rows(f"{where} ORDER BY {order}" if order else where, values)

    def _changes(self) -> int:
        return int(self._one("SELECT value FROM oc_state WHERE name = 'changes'")[0])

    # ------------------------------------------------------------------------- records

    def get_record(self, record_id: str) -> Record | None:
        if self._depth and record_id in self._records:
            return self._records[record_id]
        rows = self._rows("SELECT doc FROM oc_records WHERE id = ?", (record_id,))
        record = loads(rows[0][0], Record) if rows else None
        if self._depth:
            if len(self._records) >= _RECORD_CACHE_LIMIT:
                self._records.clear()
            self._records[record_id] = record
        return record

    def put_record(self, record: Record) -> None:
        refuse_nul("record id", record.id)
        refuse_nul("identifiers", *(item.key for item in record.identifiers))
        self._write(
            "INSERT INTO oc_records (id, doc) VALUES (?, ?)"
            " ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
            (record.id, dumps(record)),
        )
        self._records[record.id] = record

    def delete_record(self, record_id: str) -> None:
        self._write("DELETE FROM oc_records WHERE id = ?", (record_id,))
        self._records[record_id] = None

    def record_ids(self) -> Iterator[str]:
        return iter([row[0] for row in self._rows("SELECT id FROM oc_records ORDER BY id")])

    def count_records(self) -> int:
        return int(self._one("SELECT COUNT(*) FROM oc_records")[0])

    def add_keys(self, record_id: str, keys: Iterable[str]) -> None:
        self._index(record_id, keys, added=True)

    def _index(self, record_id: str, keys: Iterable[str], *, added: bool) -> None:
        """Add ``record_id`` to the holders of ``keys``, or remove it."""
        keys = list(keys)
        deferred = bool(self._depth)  # else written at once, in a transaction of its own
        self._write_many(_ADD_KEY if added else _REMOVE_KEY, [(key, record_id) for key in keys])
        for key in keys:
            held = self._holders.get(key)
            if held is not None:
                if added:
                    held.add(record_id)
                else:
                    held.discard(record_id)
            if deferred:
                self._key_writes.setdefault(key, []).append((added, record_id))

    def remove_keys(self, record_id: str, keys: Iterable[str]) -> None:
        self._index(record_id, keys, added=False)

    def records_with_key(self, key: str) -> frozenset[str]:
        return frozenset(self._holders_of([key])[key])

    def records_with_any_key(self, keys: Iterable[str], max_size: int) -> set[str]:
        found: set[str] = set()
        for held in self._holders_of(keys).values():
            if len(held) <= max_size:
                found.update(held)
        return found

    def _holders_of(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """The records holding each key (kept while a transaction lasts): the caller must
        not change the sets."""
        keys = set(keys)
        cached = self._holders if self._depth else {}
        holders = {key: cached[key] for key in keys if key in cached}
        wanted = sorted(keys - holders.keys())
        for chunk in _chunks(wanted):
            for key in chunk:
                holders[key] = set()
            # Read what is sent, then replay the writes not sent yet: a look-up per new
            # record that would otherwise send the batch's index writes each time.
            for key, record_id in self._rows_as_sent(
                f"SELECT key, record_id FROM oc_keys WHERE key IN ({self._marks(len(chunk))})",
                chunk,
            ):
                holders[key].add(record_id)
            for key in chunk:
                for added, record_id in self._key_writes.get(key, ()):
                    if added:
                        holders[key].add(record_id)
                    else:
                        holders[key].discard(record_id)
        if self._depth and wanted:
            if len(self._holders) >= _RECORD_CACHE_LIMIT:
                self._holders.clear()
            self._holders.update((key, holders[key]) for key in wanted)
        return holders

    # --------------------------------------------------------------------------- edges

    def edges_of(self, record_id: str) -> Mapping[str, PairEvidence]:
        cached = self._edges.get(record_id) if self._depth else None
        if cached is not None:
            return dict(cached)
        rows = self._rows("SELECT b, doc FROM oc_edges WHERE a = ?", (record_id,))
        edges = {other: loads(doc, PairEvidence) for other, doc in rows}
        if self._depth:
            if len(self._edges) >= _EDGE_CACHE_LIMIT:
                self._edges.clear()
            self._edges[record_id] = edges
            return dict(edges)
        return edges

    def put_edge(self, evidence: PairEvidence) -> None:
        doc = dumps(evidence)
        pairs = ((evidence.left, evidence.right), (evidence.right, evidence.left))
        self._write_many(
            "INSERT INTO oc_edges (a, b, doc) VALUES (?, ?, ?)"
            " ON CONFLICT (a, b) DO UPDATE SET doc = excluded.doc",
            [(a, b, doc) for a, b in pairs],
        )
        for a, b in pairs:
            if a in self._edges:
                self._edges[a][b] = evidence

    def delete_edge(self, left: str, right: str) -> None:
        self._write(
            "DELETE FROM oc_edges WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)",
            (left, right, right, left),
        )
        for a, b in ((left, right), (right, left)):
            if a in self._edges:
                self._edges[a].pop(b, None)

    def all_edges(self) -> Iterator[PairEvidence]:
        rows = self._rows("SELECT doc FROM oc_edges WHERE a < b ORDER BY a, b")
        return iter([loads(row[0], PairEvidence) for row in rows])

    # ----------------------------------------------------------------------- customers

    def customer_of(self, record_id: str) -> str | None:
        if self._depth and record_id in self._customers:
            return self._customers[record_id]
        rows = self._rows(
            "SELECT customer_id FROM oc_assignments WHERE record_id = ?", (record_id,)
        )
        customer_id = str(rows[0][0]) if rows else None
        if self._depth:
            self._cache_customer(record_id, customer_id)
        return customer_id

    def _cache_customer(self, record_id: str, customer_id: str | None) -> None:
        if len(self._customers) >= _RECORD_CACHE_LIMIT:
            self._customers.clear()
            self._cached_members.clear()
        old = self._customers.get(record_id)
        if old is not None:
            self._cached_members.get(old, set()).discard(record_id)
        self._customers[record_id] = customer_id
        if customer_id is not None:
            self._cached_members.setdefault(customer_id, set()).add(record_id)

    def members(self, customer_id: str) -> frozenset[str]:
        if self._depth:
            cached = self._members.get(customer_id)
            if cached is not None:
                return cached
        rows = self._rows(
            "SELECT record_id FROM oc_assignments WHERE customer_id = ?", (customer_id,)
        )
        found = frozenset(row[0] for row in rows)
        if self._depth:
            if len(self._members) >= _RECORD_CACHE_LIMIT:
                self._members.clear()
            self._members[customer_id] = found
        return found

    def customer_ids(self) -> Iterator[str]:
        rows = self._rows("SELECT DISTINCT customer_id FROM oc_assignments ORDER BY customer_id")
        return iter([row[0] for row in rows])

    def assign(self, customer_id: str, record_ids: Iterable[str]) -> None:
        record_ids = list(record_ids)
        self._write_many(
            "INSERT INTO oc_assignments (record_id, customer_id) VALUES (?, ?)"
            " ON CONFLICT (record_id) DO UPDATE SET customer_id = excluded.customer_id",
            [(record_id, customer_id) for record_id in record_ids],
        )
        for record_id in record_ids:
            # A record leaves the customer it had: known if cached, else no member list is.
            if record_id not in self._customers:
                self._members.clear()
            else:
                old = self._customers[record_id]
                if old is not None and old != customer_id and old in self._members:
                    self._members[old] = self._members[old] - {record_id}
            self._cache_customer(record_id, customer_id)
        if customer_id in self._members:
            self._members[customer_id] = self._members[customer_id].union(record_ids)

    def unassign(self, customer_id: str) -> None:
        self._write("DELETE FROM oc_assignments WHERE customer_id = ?", (customer_id,))
        for record_id in self._cached_members.pop(customer_id, ()):
            self._customers[record_id] = None
        self._members[customer_id] = frozenset()

    def set_anchor(self, customer_id: str, record_id: str) -> None:
        self._write(
            "INSERT INTO oc_anchors (customer_id, record_id) VALUES (?, ?)"
            " ON CONFLICT (customer_id) DO UPDATE SET record_id = excluded.record_id",
            (customer_id, record_id),
        )

    def anchor_of(self, customer_id: str) -> str | None:
        rows = self._rows("SELECT record_id FROM oc_anchors WHERE customer_id = ?", (customer_id,))
        return str(rows[0][0]) if rows else None

    def ids_anchored_on(self, record_id: str) -> frozenset[str]:
        rows = self._rows("SELECT customer_id FROM oc_anchors WHERE record_id = ?", (record_id,))
        return frozenset(row[0] for row in rows)

    def set_successor(self, customer_id: str, successor_id: str) -> None:
        self._write(
            "INSERT INTO oc_successors (customer_id, successor_id) VALUES (?, ?)"
            " ON CONFLICT (customer_id) DO UPDATE SET successor_id = excluded.successor_id",
            (customer_id, successor_id),
        )

    def successor_of(self, customer_id: str) -> str | None:
        rows = self._rows(
            "SELECT successor_id FROM oc_successors WHERE customer_id = ?", (customer_id,)
        )
        return str(rows[0][0]) if rows else None

    def forget_customer_id(self, customer_id: str) -> None:
        with self.transaction():
            self._write("DELETE FROM oc_anchors WHERE customer_id = ?", (customer_id,))
            self._write(
                "DELETE FROM oc_successors WHERE customer_id = ? OR successor_id = ?",
                (customer_id, customer_id),
            )

    # ---------------------------------------------------------------------- judgements

    def put_judgement(self, judgement: Judgement) -> None:
        refuse_nul("judgement id", judgement.id)
        with self.transaction():
            self._write(
                "INSERT INTO oc_judgements (id, doc) VALUES (?, ?)"
                " ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                (judgement.id, dumps(judgement)),
            )
            self._write_many(
                "INSERT INTO oc_judged (record_id, judgement_id) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                [(record_id, judgement.id) for record_id in sorted(judgement.record_ids)],
            )
            self._judgements.clear()

    def get_judgement(self, judgement_id: str) -> Judgement | None:
        rows = self._rows("SELECT doc FROM oc_judgements WHERE id = ?", (judgement_id,))
        return loads(rows[0][0], Judgement) if rows else None

    def delete_judgement(self, judgement_id: str) -> None:
        with self.transaction():
            self._write("DELETE FROM oc_judgements WHERE id = ?", (judgement_id,))
            self._write("DELETE FROM oc_judged WHERE judgement_id = ?", (judgement_id,))
            self._judgements.clear()

    def judgements_of(self, record_id: str) -> Sequence[Judgement]:
        cached = self._judgements.get(record_id) if self._depth else None
        if cached is not None:
            return list(cached)
        rows = self._rows(
            "SELECT j.doc FROM oc_judged d JOIN oc_judgements j ON j.id = d.judgement_id"
            " WHERE d.record_id = ? ORDER BY j.id",
            (record_id,),
        )
        found = [loads(row[0], Judgement) for row in rows]
        if self._depth:
            if len(self._judgements) >= _RECORD_CACHE_LIMIT:
                self._judgements.clear()
            self._judgements[record_id] = found
            return list(found)
        return found

    def judgements(self) -> Iterator[Judgement]:
        rows = self._rows("SELECT doc FROM oc_judgements ORDER BY id")
        return iter([loads(row[0], Judgement) for row in rows])

    # -------------------------------------------------------------------------- events

    def append_event(self, event: Event) -> None:
        self._append("oc_events", ("sequence", "doc"), (event.sequence, dumps(event)))
        if self._next_event is not None:
            self._next_event = max(self._next_event, event.sequence + 1)

    def events(self, *, since: int = 0) -> Sequence[Event]:
        rows = self._rows(
            "SELECT doc FROM oc_events WHERE sequence >= ? ORDER BY sequence", (since,)
        )
        return tuple(loads(row[0], Event) for row in rows)

    def next_sequence(self) -> int:
        if self._depth and self._next_event is not None:
            return self._next_event
        found = int(self._one("SELECT COALESCE(MAX(sequence), 0) + 1 FROM oc_events")[0])
        if self._depth:
            self._next_event = found
        return found

    def events_naming(self, ids: Iterable[str]) -> Sequence[Event]:
        wanted = frozenset(ids)
        return tuple(
            event
            for event in (loads(doc, Event) for doc in self._docs_naming("oc_events", wanted))
            if not wanted.isdisjoint(event_names(event))
        )

    def _docs_naming(self, table: str, ids: Iterable[str]) -> list[str]:
        """The documents of a log that hold any of ``ids`` as a JSON string, in sequence
        order: a scan of the text, without decoding every entry."""
        patterns = [
            "%" + json.dumps(name, ensure_ascii=False).translate(_LIKE_ESCAPES) + "%"
            for name in sorted(set(ids))
        ]
        found: dict[int, str] = {}
        for start in range(0, len(patterns), 200):
            chunk = patterns[start : start + 200]
            where = " OR ".join(["doc LIKE ? ESCAPE '\\'"] * len(chunk))
            found.update(self._rows(f"SELECT sequence, doc FROM {table} WHERE {where}", chunk))
        return [found[sequence] for sequence in sorted(found)]

    def rewrite_events(self, events: Iterable[Event]) -> None:
        self._rewrite("oc_events", events)

    def _rewrite(self, table: str, events: Iterable[Event | CaseEvent]) -> None:
        with self.transaction():
            for event in events:
                self._write(
                    f"UPDATE {table} SET doc = ? WHERE sequence = ?",
                    (dumps(event), event.sequence),
                )

    # ------------------------------------------------------------------------ contacts

    def put_contact(self, contact: Contact, *, record_id: str | None = None) -> bool:
        channel, source_key = contact.dedupe_key
        refuse_contact_nul(contact, source_key, record_id)
        with self.transaction():
            known_absent = contact.id in self._no_contact and (channel, source_key) in (
                self._no_contact
            )
            if not known_absent and self._rows(
                "SELECT id FROM oc_contacts WHERE id = ? OR (channel = ? AND source_key = ?)",
                (contact.id, channel, source_key),
            ):
                return False
            self._append(  # a plain insert: with the batch's others (COPY on PostgreSQL)
                "oc_contacts",
                ("id", "channel", "source_key", "occurred_at", "doc", "record_id"),
                (
                    contact.id,
                    channel,
                    source_key,
                    timestamp(contact.occurred_at),
                    dumps(contact),
                    record_id or contact.id,
                ),
            )
            self._no_contact.discard(contact.id)
            self._no_contact.discard((channel, source_key))
        return True

    def record_of_contact(self, contact_id: str) -> str | None:
        rows = self._rows("SELECT record_id FROM oc_contacts WHERE id = ?", (contact_id,))
        return str(rows[0][0]) if rows else None

    def contact_ids_of_records(self, record_ids: Iterable[str]) -> list[str]:
        wanted = sorted(set(record_ids))
        found: list[str] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.extend(
                row[0]
                for row in self._rows(
                    f"SELECT id FROM oc_contacts WHERE record_id IN ({self._marks(len(chunk))})",
                    chunk,
                )
            )
        return sorted(found)

    def get_contact(self, contact_id: str) -> Contact | None:
        rows = self._rows("SELECT doc FROM oc_contacts WHERE id = ?", (contact_id,))
        return _contact(rows[0][0]) if rows else None

    def delete_contact(self, contact_id: str) -> None:
        with self.transaction():
            for (doc,) in self._rows("SELECT doc FROM oc_contacts WHERE id = ?", (contact_id,)):
                _CONTACTS.pop(doc, None)  # a deleted contact's values leave memory too
            self._write("DELETE FROM oc_contacts WHERE id = ?", (contact_id,))

    def count_contacts(self) -> int:
        return int(self._one("SELECT COUNT(*) FROM oc_contacts")[0])

    def contacts_of_customer(self, customer_id: str) -> list[Contact]:
        rows = self._rows(
            "SELECT c.doc FROM oc_assignments a JOIN oc_contacts c ON c.record_id = a.record_id"
            " WHERE a.customer_id = ? ORDER BY c.occurred_at, c.id",
            (customer_id,),
        )
        return [_contact(row[0]) for row in rows]

    # --------------------------------------------------------------------------- cases

    def put_case(self, case: Case) -> None:
        refuse_nul("case id", case.id)
        with self.transaction():
            self._write(
                "INSERT INTO oc_cases (id, status, doc) VALUES (?, ?, ?) ON CONFLICT (id)"
                " DO UPDATE SET status = excluded.status, doc = excluded.doc",
                (case.id, case.status.value, dumps(case)),
            )
            self._write("DELETE FROM oc_case_contacts WHERE case_id = ?", (case.id,))
            for entry in case.contacts:
                self._write(
                    "INSERT INTO oc_case_contacts (contact_id, case_id) VALUES (?, ?)",
                    (entry.contact_id, case.id),
                )

    def get_case(self, case_id: str) -> Case | None:
        rows = self._rows("SELECT doc FROM oc_cases WHERE id = ?", (case_id,))
        return loads(rows[0][0], Case) if rows else None

    def delete_case(self, case_id: str) -> None:
        with self.transaction():
            self._write("DELETE FROM oc_cases WHERE id = ?", (case_id,))
            self._write("DELETE FROM oc_case_contacts WHERE case_id = ?", (case_id,))

    def set_case_successor(self, case_id: str, successor_id: str) -> None:
        refuse_nul("case id", case_id, successor_id)
        self._write(
            "INSERT INTO oc_case_successors (case_id, successor_id) VALUES (?, ?)"
            " ON CONFLICT (case_id) DO UPDATE SET successor_id = excluded.successor_id",
            (case_id, successor_id),
        )

    def case_successor_of(self, case_id: str) -> str | None:
        rows = self._rows(
            "SELECT successor_id FROM oc_case_successors WHERE case_id = ?", (case_id,)
        )
        return str(rows[0][0]) if rows else None

    def case_ids_of_contacts(self, contact_ids: Iterable[str]) -> frozenset[str]:
        ids = sorted(set(contact_ids))
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._rows(
                "SELECT DISTINCT case_id FROM oc_case_contacts"
                f" WHERE contact_id IN ({self._marks(len(chunk))})",
                chunk,
            )
            found.update(row[0] for row in rows)
        return frozenset(found)

    def append_case_event(self, event: CaseEvent) -> None:
        self._append("oc_case_events", ("sequence", "doc"), (event.sequence, dumps(event)))

    def case_events(self, *, since: int = 0) -> Sequence[CaseEvent]:
        rows = self._rows(
            "SELECT doc FROM oc_case_events WHERE sequence >= ? ORDER BY sequence", (since,)
        )
        return tuple(loads(row[0], CaseEvent) for row in rows)

    def next_case_sequence(self) -> int:
        return int(self._one("SELECT COALESCE(MAX(sequence), 0) + 1 FROM oc_case_events")[0])

    def case_events_naming(self, contact_ids: Iterable[str]) -> Sequence[CaseEvent]:
        wanted = frozenset(contact_ids)
        return tuple(
            event
            for event in (
                loads(doc, CaseEvent) for doc in self._docs_naming("oc_case_events", wanted)
            )
            if not wanted.isdisjoint(event.contact_ids)
        )

    def rewrite_case_events(self, events: Iterable[CaseEvent]) -> None:
        self._rewrite("oc_case_events", events)

    # ------------------------------------------------------------ consents, preferences

    def add_consent(self, consent: Consent) -> None:
        refuse_nul("identifier", consent.point.identifier.key)
        self._write(
            "INSERT INTO oc_consents (identifier_key, recorded_at, doc) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (consent.point.identifier.key, timestamp(consent.recorded_at), dumps(consent)),
        )

    def consents_for(self, identifier_keys: Iterable[str]) -> list[Consent]:
        keys = sorted(set(identifier_keys))
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found.extend(
                self._rows(
                    "SELECT recorded_at, identifier_key, doc FROM oc_consents"
                    f" WHERE identifier_key IN ({self._marks(len(chunk))})",
                    chunk,
                )
            )
        return [loads(row[2], Consent) for row in sorted(found)]

    def delete_consents(self, identifier_keys: Iterable[str]) -> None:
        with self.transaction():
            for key in sorted(set(identifier_keys)):
                self._write("DELETE FROM oc_consents WHERE identifier_key = ?", (key,))

    def put_preferences(self, record_id: str, preferences: Preferences, at: dt.datetime) -> None:
        refuse_nul("record id", record_id)
        self._write(
            "INSERT INTO oc_preferences (record_id, recorded_at, doc) VALUES (?, ?, ?)"
            " ON CONFLICT (record_id) DO UPDATE SET recorded_at = excluded.recorded_at,"
            " doc = excluded.doc",
            (record_id, timestamp(at), dumps(preferences)),
        )

    def preferences_of(self, record_ids: Iterable[str]) -> list[tuple[dt.datetime, Preferences]]:
        ids = sorted(set(record_ids))
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.extend(
                self._rows(
                    "SELECT recorded_at, record_id, doc FROM oc_preferences"
                    f" WHERE record_id IN ({self._marks(len(chunk))})",
                    chunk,
                )
            )
        return [(_parse_timestamp(row[0]), loads(row[2], Preferences)) for row in sorted(found)]

    def delete_preferences(self, record_id: str) -> None:
        self._write("DELETE FROM oc_preferences WHERE record_id = ?", (record_id,))


def _parse_timestamp(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
