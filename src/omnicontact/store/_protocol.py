"""The storage protocol: every read and write of the identity graph goes through it.

Records, the blocking index, pair evidence (edges), customer assignments, id anchors and
successors, judgements and the audit log are kept behind these methods, so a persistent
store (SQLite, PostgreSQL) can replace the in-memory one without touching the resolver.
The resolver calls every mutating method inside ``with store.transaction():``; an
implementation commits when the block exits normally and rolls back when it raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from .._case_events import CaseEvent
from .._model import Case, Consent, Contact, Preferences
from ..exceptions import InvalidValueError
from ..identity._events import Event, Judgement
from ..identity._fellegi_sunter import PairEvidence
from ..identity._record import Record

__all__ = [
    "ContactStore",
    "CustomerStore",
    "IdentityStore",
    "refuse_contact_nul",
    "refuse_nul",
]


def refuse_nul(field: str, *values: str) -> None:
    """Refuse a NUL character in a value a store keys on (an id, a source id, an
    identifier key), which PostgreSQL cannot keep: every store refuses it alike, so the
    one item fails with :class:`~omnicontact.exceptions.InvalidValueError` wherever it is
    stored, and the rest of its batch goes on."""
    for value in values:
        if "\x00" in value:
            raise InvalidValueError(field, value, "a NUL character cannot be stored")


def refuse_contact_nul(contact: Contact, source_key: str, record_id: str | None) -> None:
    """:func:`refuse_nul` for what storing a contact keys on."""
    refuse_nul("contact id", contact.id)
    refuse_nul("source_id", source_key)
    refuse_nul("record id", record_id or contact.id)
    refuse_nul("identifiers", *(item.key for item in contact.identifiers))


@runtime_checkable
class IdentityStore(Protocol):
    """Where the resolver keeps its facts (records, evidence, judgements) and derived state."""

    def transaction(self) -> AbstractContextManager[None]:
        """A unit of work: all writes inside it are kept, or none if it raises."""

    # records and the blocking index
    def get_record(self, record_id: str) -> Record | None: ...
    def put_record(self, record: Record) -> None: ...
    def delete_record(self, record_id: str) -> None: ...
    def record_ids(self) -> Iterator[str]: ...
    def count_records(self) -> int: ...
    def add_keys(self, record_id: str, keys: Iterable[str]) -> None: ...
    def remove_keys(self, record_id: str, keys: Iterable[str]) -> None: ...
    def records_with_key(self, key: str) -> frozenset[str]: ...
    def records_with_any_key(self, keys: Iterable[str], max_size: int) -> set[str]:
        """The records holding any of ``keys``, but for keys held by more than ``max_size``
        records (a block too large to compare). One call per record a resolver refreshes:
        a store answers it in one look-up (one query for SQL) rather than one per key."""
        ...

    # pair evidence between records (stored for matches, possible matches, relations)
    def edges_of(self, record_id: str) -> Mapping[str, PairEvidence]: ...
    def put_edge(self, evidence: PairEvidence) -> None: ...
    def delete_edge(self, left: str, right: str) -> None: ...
    def all_edges(self) -> Iterator[PairEvidence]: ...

    # the partition and customer ids
    def customer_of(self, record_id: str) -> str | None: ...
    def members(self, customer_id: str) -> frozenset[str]: ...
    def customer_ids(self) -> Iterator[str]: ...
    def assign(self, customer_id: str, record_ids: Iterable[str]) -> None: ...
    def unassign(self, customer_id: str) -> None: ...
    def set_anchor(self, customer_id: str, record_id: str) -> None: ...
    def anchor_of(self, customer_id: str) -> str | None: ...
    def ids_anchored_on(self, record_id: str) -> frozenset[str]: ...
    def set_successor(self, customer_id: str, successor_id: str) -> None: ...
    def successor_of(self, customer_id: str) -> str | None: ...
    def forget_customer_id(self, customer_id: str) -> None: ...

    # judgements
    def put_judgement(self, judgement: Judgement) -> None: ...
    def get_judgement(self, judgement_id: str) -> Judgement | None: ...
    def delete_judgement(self, judgement_id: str) -> None: ...
    def judgements_of(self, record_id: str) -> Sequence[Judgement]: ...
    def judgements(self) -> Iterator[Judgement]: ...

    # the audit log (append-only)
    def append_event(self, event: Event) -> None: ...
    def events(self, *, since: int = 0) -> Sequence[Event]: ...
    def next_sequence(self) -> int: ...
    def events_naming(self, ids: Iterable[str]) -> Sequence[Event]:
        """The logged events that name any of ``ids`` (as a record, customer, created or
        retired id), oldest first."""

    def rewrite_events(self, events: Iterable[Event]) -> None:
        """Put each event in place of the logged event of the same sequence number.

        For erasure only: the audit log is otherwise append-only. The resolver rewrites the
        events of an erased customer with tombstone ids (see
        :meth:`~omnicontact.identity.Resolver.forget_customer`).
        """


@runtime_checkable
class ContactStore(Protocol):
    """Where contacts, cases, consents and preferences are kept, beside the identity graph.

    Personal data hangs on records and identifiers, never on customer ids: customer ids are
    derived (they change on merges and unmerges), so a customer's contacts are found through
    its member records, and its consents through the identifiers those records carry.
    """

    def transaction(self) -> AbstractContextManager[None]: ...

    # contacts (a contact's id is also its record's id)
    def put_contact(self, contact: Contact, *, record_id: str | None = None) -> bool:
        """Store ``contact``, linked to the identity record ``record_id`` (its own id by
        default); ``False`` (and nothing written) if its event is already stored."""

    def get_contact(self, contact_id: str) -> Contact | None: ...
    def delete_contact(self, contact_id: str) -> None: ...
    def count_contacts(self) -> int: ...
    def record_of_contact(self, contact_id: str) -> str | None:
        """The identity record a stored contact is linked to."""

    def contact_ids_of_records(self, record_ids: Iterable[str]) -> list[str]:
        """The ids of the contacts linked to any of ``record_ids``, sorted."""

    def contacts_of_customer(self, customer_id: str) -> list[Contact]:
        """The contacts whose records belong to ``customer_id`` (a live id), oldest first."""

    # cases and their log
    def put_case(self, case: Case) -> None: ...
    def get_case(self, case_id: str) -> Case | None: ...
    def delete_case(self, case_id: str) -> None: ...
    def set_case_successor(self, case_id: str, successor_id: str) -> None: ...
    def case_successor_of(self, case_id: str) -> str | None: ...
    def case_ids_of_contacts(self, contact_ids: Iterable[str]) -> frozenset[str]: ...
    def append_case_event(self, event: CaseEvent) -> None: ...
    def case_events(self, *, since: int = 0) -> Sequence[CaseEvent]: ...
    def next_case_sequence(self) -> int: ...
    def case_events_naming(self, contact_ids: Iterable[str]) -> Sequence[CaseEvent]:
        """The logged case events that name any of ``contact_ids``, oldest first."""

    def rewrite_case_events(self, events: Iterable[CaseEvent]) -> None:
        """Put each case event in place of the one of the same sequence number (for
        erasure only, like :meth:`IdentityStore.rewrite_events`)."""

    # consents (by identifier key) and preferences (by record id)
    def add_consent(self, consent: Consent) -> None: ...
    def consents_for(self, identifier_keys: Iterable[str]) -> list[Consent]: ...
    def delete_consents(self, identifier_keys: Iterable[str]) -> None: ...
    def put_preferences(
        self, record_id: str, preferences: Preferences, at: dt.datetime
    ) -> None: ...
    def preferences_of(self, record_ids: Iterable[str]) -> list[tuple[dt.datetime, Preferences]]:
        """The preferences stated on these records, oldest first."""

    def delete_preferences(self, record_id: str) -> None: ...


@runtime_checkable
class CustomerStore(IdentityStore, ContactStore, Protocol):
    """A store for a whole :class:`~omnicontact.Workspace`: identity graph and contacts."""

    def add_invalidation_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever cached state derived from the store may be stale.

        That is when a transaction starts and another process (or connection) changed the
        store since this one last saw it, and when a transaction rolls back.
        """
