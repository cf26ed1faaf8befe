"""The in-memory identity store: dictionaries, with undo-log transactions."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeAlias

from .._case_events import CaseEvent
from .._model import Case, Consent, Contact, Preferences
from .._serialization import dumps
from ..exceptions import InvalidValueError
from ..identity._events import Event, Judgement, event_names
from ..identity._fellegi_sunter import PairEvidence
from ..identity._record import Record
from ._lock import serialized
from ._protocol import refuse_contact_nul, refuse_nul

__all__ = ["MemoryStore"]

_MISSING: Any = object()
_SMALL = 8
"""Up to this many ids are kept in a tuple rather than a set (most groups are tiny)."""


_Ids: TypeAlias = "str | tuple[str, ...] | set[str]"
"""Ids in their smallest form: one id alone, up to ``_SMALL`` in a tuple, more in a set."""


def _ids(held: _Ids | None) -> frozenset[str]:
    if held is None:
        return frozenset()
    return frozenset((held,)) if isinstance(held, str) else frozenset(held)


def _other(evidence: PairEvidence, record_id: str) -> str:
    return evidence.right if evidence.left == record_id else evidence.left


@serialized("transaction")
class MemoryStore:
    """An :class:`IdentityStore` in process memory, for tests, tools and embedded use.

    Transactions are real: writes made inside a failing ``transaction()`` block are undone.
    Threads may share a store: each method, and each transaction from its beginning to its
    end, runs holding the store's lock.

    >>> store = MemoryStore()
    >>> store.count_records()
    0
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._records: dict[str, Record] = {}
        # a key held by one record maps to its id, by a few to a tuple, by many to a set
        # (most keys are unique to one record); the same for the ids anchored on a record
        self._index: dict[str, _Ids] = {}
        # a record's one edge as itself, its several edges by the other record's id
        self._edges: dict[str, PairEvidence | dict[str, PairEvidence]] = {}
        self._customer: dict[str, str] = {}
        # a small customer's records as a tuple (a quarter of a frozenset's memory)
        self._members: dict[str, tuple[str, ...] | frozenset[str]] = {}
        self._anchors: dict[str, str] = {}
        self._successors: dict[str, str] = {}
        self._anchored: dict[str, _Ids] = {}
        self._judgements: dict[str, Judgement] = {}
        self._judged: dict[str, set[str]] = {}
        self._events: list[Event] = []
        self._contacts: dict[str, Contact] = {}
        self._contact_keys: dict[tuple[str, str], str] = {}
        self._contact_record: dict[str, str] = {}
        self._record_contacts: dict[str, set[str]] = {}
        self._cases: dict[str, Case] = {}
        self._case_successors: dict[str, str] = {}
        self._case_of: dict[str, set[str]] = {}
        self._case_events: list[CaseEvent] = []
        self._consents: dict[str, list[Consent]] = {}
        self._preferences: dict[str, tuple[dt.datetime, Preferences]] = {}
        self._undo: list[tuple[dict[Any, Any] | list[Any], Any, Any]] | None = None
        self._saved: set[tuple[int, Any]] = set()
        self._fresh = False
        self._log_lengths = (0, 0)
        self._listeners: list[Callable[[], None]] = []

    def _state(self) -> tuple[dict[Any, Any] | list[Any], ...]:
        """Every container that holds stored facts (what a rollback must restore)."""
        return (
            self._records,
            self._index,
            self._edges,
            self._customer,
            self._members,
            self._anchors,
            self._successors,
            self._anchored,
            self._judgements,
            self._judged,
            self._events,
            self._contacts,
            self._contact_keys,
            self._contact_record,
            self._record_contacts,
            self._cases,
            self._case_successors,
            self._case_of,
            self._case_events,
            self._consents,
            self._preferences,
        )

    # ------------------------------------------------------------------------- transactions

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            yield from self._transaction()

    def _transaction(self) -> Iterator[None]:
        if self._undo is not None:  # nested: part of the outer unit of work
            yield
            return
        # A store that is empty when the unit of work starts is rolled back by emptying it:
        # a first bulk load keeps no undo log (half the memory, a third less time).
        self._fresh = not any(self._state())
        self._undo = []
        self._saved = set()
        self._log_lengths = (len(self._events), len(self._case_events))
        try:
            yield
        except BaseException:
            self._rollback()
            for callback in list(self._listeners):
                callback()
            raise
        finally:
            self._undo = None
            self._saved = set()
            self._fresh = False

    def _rollback(self) -> None:
        assert self._undo is not None
        if self._fresh:
            for container in self._state():
                container.clear()
            return
        for mapping, key, old in reversed(self._undo):
            if old is _MISSING:
                mapping.pop(key, None)
            else:
                mapping[key] = old
        events, case_events = self._log_lengths
        del self._events[events:]
        del self._case_events[case_events:]

    def add_invalidation_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after a rollback: state cached from the store may be stale."""
        self._listeners.append(callback)

    def _remember(self, mapping: dict[Any, Any], key: Any) -> None:
        """Save ``mapping[key]`` as it was before this unit of work first changed it."""
        if self._undo is None or self._fresh or (id(mapping), key) in self._saved:
            return
        self._saved.add((id(mapping), key))
        old = mapping.get(key, _MISSING)
        if isinstance(old, set | dict | list):
            old = old.copy()
        self._undo.append((mapping, key, old))

    def _rewrite(self, log: list[Any], sequence: int, event: Any) -> None:
        """Put ``event`` in place of the logged event of its sequence number (event ``n``
        is the ``n``-th of its log), undone on rollback."""
        index = sequence - 1
        if not 0 <= index < len(log) or log[index].sequence != sequence:
            raise InvalidValueError("event.sequence", sequence, "no logged event has it")
        if self._undo is not None and not self._fresh and (id(log), index) not in self._saved:
            self._saved.add((id(log), index))
            self._undo.append((log, index, log[index]))
        log[index] = event

    # ------------------------------------------------------------------------------ records

    def get_record(self, record_id: str) -> Record | None:
        return self._records.get(record_id)

    def put_record(self, record: Record) -> None:
        refuse_nul("record id", record.id)
        refuse_nul("identifiers", *(item.key for item in record.identifiers))
        self._remember(self._records, record.id)
        self._records[record.id] = record

    def delete_record(self, record_id: str) -> None:
        self._remember(self._records, record_id)
        self._records.pop(record_id, None)

    def record_ids(self) -> Iterator[str]:
        return iter(list(self._records))

    def count_records(self) -> int:
        return len(self._records)

    def add_keys(self, record_id: str, keys: Iterable[str]) -> None:
        index = self._index
        logged = self._undo is not None and not self._fresh
        for key in keys:
            if logged or key in index:
                self._add_id(index, key, record_id)
            else:  # a new key, outside an undo log: most keys of a bulk load
                index[key] = record_id

    def remove_keys(self, record_id: str, keys: Iterable[str]) -> None:
        for key in keys:
            self._remove_id(self._index, key, record_id)

    def records_with_key(self, key: str) -> frozenset[str]:
        return _ids(self._index.get(key))

    def records_with_any_key(self, keys: Iterable[str], max_size: int) -> set[str]:
        index = self._index  # no frozenset per key, unlike records_with_key
        found: set[str] = set()
        for key in keys:
            held = index.get(key)
            if held is None:
                continue
            if held.__class__ is str:
                found.add(held)
            elif len(held) <= max_size:
                found.update(held)
        return found

    def _add_id(self, mapping: dict[str, _Ids], key: str, item: str) -> None:
        """Add ``item`` to the ids at ``key``: an id alone, a few in a tuple, more in a set."""
        held = mapping.get(key)
        if held == item or (held is not None and not isinstance(held, str) and item in held):
            return
        self._remember(mapping, key)
        if held is None:
            mapping[key] = item
        elif isinstance(held, str):
            mapping[key] = (held, item)
        elif isinstance(held, tuple):
            grown = (*held, item)
            mapping[key] = grown if len(grown) <= _SMALL else set(grown)
        else:
            held.add(item)

    def _remove_id(self, mapping: dict[str, _Ids], key: str, item: str) -> None:
        """Remove ``item`` from the ids at ``key``, back to the smallest form that holds them."""
        held = mapping.get(key)
        if held is None or (held != item if isinstance(held, str) else item not in held):
            return
        self._remember(mapping, key)
        if isinstance(held, str):
            del mapping[key]
        elif isinstance(held, set) and len(held) > _SMALL + 1:
            held.discard(item)
        else:
            rest = tuple(other for other in held if other != item)
            mapping[key] = rest[0] if len(rest) == 1 else rest

    # -------------------------------------------------------------------------------- edges

    def edges_of(self, record_id: str) -> Mapping[str, PairEvidence]:
        adjacent = self._edges.get(record_id)
        if adjacent is None:
            return {}
        if isinstance(adjacent, PairEvidence):
            return {_other(adjacent, record_id): adjacent}
        return dict(adjacent)

    def put_edge(self, evidence: PairEvidence) -> None:
        for a, b in ((evidence.left, evidence.right), (evidence.right, evidence.left)):
            self._remember(self._edges, a)
            adjacent = self._edges.get(a)
            if adjacent is None or (
                isinstance(adjacent, PairEvidence) and _other(adjacent, a) == b
            ):
                self._edges[a] = evidence
            elif isinstance(adjacent, PairEvidence):
                self._edges[a] = {_other(adjacent, a): adjacent, b: evidence}
            else:
                adjacent[b] = evidence

    def delete_edge(self, left: str, right: str) -> None:
        for a, b in ((left, right), (right, left)):
            adjacent = self._edges.get(a)
            if adjacent is None:
                continue
            if isinstance(adjacent, PairEvidence):
                if _other(adjacent, a) == b:
                    self._remember(self._edges, a)
                    del self._edges[a]
                continue
            if b not in adjacent:
                continue
            self._remember(self._edges, a)
            del adjacent[b]
            if len(adjacent) == 1:
                self._edges[a] = next(iter(adjacent.values()))

    def all_edges(self) -> Iterator[PairEvidence]:
        # a list, made under the lock: another thread's writes cannot change it midway
        return iter(
            [
                evidence
                for record_id in list(self._edges)
                for other, evidence in self.edges_of(record_id).items()
                if record_id < other
            ]
        )

    # ----------------------------------------------------------------------------- customers

    def customer_of(self, record_id: str) -> str | None:
        return self._customer.get(record_id)

    def members(self, customer_id: str) -> frozenset[str]:
        group = self._members.get(customer_id)
        if group is None:
            return frozenset()
        return frozenset(group) if isinstance(group, tuple) else group

    def customer_ids(self) -> Iterator[str]:
        return iter(list(self._members))

    def assign(self, customer_id: str, record_ids: Iterable[str]) -> None:
        group = frozenset(record_ids)
        self._remember(self._members, customer_id)
        self._members[customer_id] = tuple(group) if len(group) <= _SMALL else group
        for record_id in group:
            self._remember(self._customer, record_id)
            self._customer[record_id] = customer_id

    def unassign(self, customer_id: str) -> None:
        group = self._members.get(customer_id, ())
        self._remember(self._members, customer_id)
        self._members.pop(customer_id, None)
        for record_id in group:
            if self._customer.get(record_id) == customer_id:
                self._remember(self._customer, record_id)
                del self._customer[record_id]

    def set_anchor(self, customer_id: str, record_id: str) -> None:
        self._remember(self._anchors, customer_id)
        self._anchors[customer_id] = record_id
        self._add_id(self._anchored, record_id, customer_id)

    def ids_anchored_on(self, record_id: str) -> frozenset[str]:
        return _ids(self._anchored.get(record_id))

    def anchor_of(self, customer_id: str) -> str | None:
        return self._anchors.get(customer_id)

    def set_successor(self, customer_id: str, successor_id: str) -> None:
        self._remember(self._successors, customer_id)
        self._successors[customer_id] = successor_id

    def successor_of(self, customer_id: str) -> str | None:
        return self._successors.get(customer_id)

    def forget_customer_id(self, customer_id: str) -> None:
        anchor = self._anchors.get(customer_id)
        if anchor is not None:
            self._remove_id(self._anchored, anchor, customer_id)
        for mapping in (self._anchors, self._successors):
            self._remember(mapping, customer_id)
            mapping.pop(customer_id, None)
        for retired, successor in list(self._successors.items()):
            if successor == customer_id:
                self._remember(self._successors, retired)
                del self._successors[retired]

    # ---------------------------------------------------------------------------- judgements

    def put_judgement(self, judgement: Judgement) -> None:
        refuse_nul("judgement id", judgement.id)
        self._remember(self._judgements, judgement.id)
        self._judgements[judgement.id] = judgement
        for record_id in judgement.record_ids:
            self._remember(self._judged, record_id)
            self._judged.setdefault(record_id, set()).add(judgement.id)

    def get_judgement(self, judgement_id: str) -> Judgement | None:
        return self._judgements.get(judgement_id)

    def delete_judgement(self, judgement_id: str) -> None:
        judgement = self._judgements.get(judgement_id)
        if judgement is None:
            return
        self._remember(self._judgements, judgement_id)
        del self._judgements[judgement_id]
        for record_id in judgement.record_ids:
            self._remember(self._judged, record_id)
            ids = self._judged.get(record_id, set())
            ids.discard(judgement_id)
            if not ids:
                self._judged.pop(record_id, None)

    def judgements_of(self, record_id: str) -> Sequence[Judgement]:
        return [self._judgements[j] for j in sorted(self._judged.get(record_id, ()))]

    def judgements(self) -> Iterator[Judgement]:
        return iter(list(self._judgements.values()))

    # -------------------------------------------------------------------------------- events

    def append_event(self, event: Event) -> None:
        self._events.append(event)  # a rollback cuts the log back to its length at the start

    def events(self, *, since: int = 0) -> Sequence[Event]:
        return tuple(event for event in self._events if event.sequence >= since)

    def next_sequence(self) -> int:
        return len(self._events) + 1

    def events_naming(self, ids: Iterable[str]) -> Sequence[Event]:
        wanted = frozenset(ids)
        return tuple(event for event in self._events if not wanted.isdisjoint(event_names(event)))

    def rewrite_events(self, events: Iterable[Event]) -> None:
        for event in events:
            self._rewrite(self._events, event.sequence, event)

    # ------------------------------------------------------------------------------ contacts

    def put_contact(self, contact: Contact, *, record_id: str | None = None) -> bool:
        key = contact.dedupe_key
        refuse_contact_nul(contact, key[1], record_id)
        if contact.id in self._contacts or key in self._contact_keys:
            return False
        record = record_id or contact.id
        self._remember(self._contacts, contact.id)
        self._remember(self._contact_keys, key)
        self._remember(self._contact_record, contact.id)
        self._remember(self._record_contacts, record)
        self._contacts[contact.id] = contact
        self._contact_keys[key] = contact.id
        self._contact_record[contact.id] = record
        self._record_contacts.setdefault(record, set()).add(contact.id)
        return True

    def record_of_contact(self, contact_id: str) -> str | None:
        return self._contact_record.get(contact_id)

    def contact_ids_of_records(self, record_ids: Iterable[str]) -> list[str]:
        return sorted(c for r in set(record_ids) for c in self._record_contacts.get(r, ()))

    def get_contact(self, contact_id: str) -> Contact | None:
        return self._contacts.get(contact_id)

    def delete_contact(self, contact_id: str) -> None:
        contact = self._contacts.get(contact_id)
        if contact is None:
            return
        self._remember(self._contacts, contact_id)
        self._remember(self._contact_keys, contact.dedupe_key)
        del self._contacts[contact_id]
        self._contact_keys.pop(contact.dedupe_key, None)
        record = self._contact_record.get(contact_id)
        if record is not None:
            self._remember(self._contact_record, contact_id)
            self._remember(self._record_contacts, record)
            del self._contact_record[contact_id]
            holders = self._record_contacts.get(record, set()) - {contact_id}
            if holders:
                self._record_contacts[record] = holders
            else:
                self._record_contacts.pop(record, None)

    def count_contacts(self) -> int:
        return len(self._contacts)

    def contacts_of_customer(self, customer_id: str) -> list[Contact]:
        found = [self._contacts[c] for c in self.contact_ids_of_records(self.members(customer_id))]
        return sorted(found, key=lambda c: (c.occurred_at, c.id))

    # --------------------------------------------------------------------------------- cases

    def put_case(self, case: Case) -> None:
        refuse_nul("case id", case.id)
        old = self._cases.get(case.id)
        self._remember(self._cases, case.id)
        self._cases[case.id] = case
        ids = {entry.contact_id for entry in case.contacts}
        if old is not None:
            ids |= {entry.contact_id for entry in old.contacts}
        for contact_id in ids:
            self._remember(self._case_of, contact_id)
            holders = self._case_of.setdefault(contact_id, set())
            holders.discard(case.id)
            if any(entry.contact_id == contact_id for entry in case.contacts):
                holders.add(case.id)
            if not holders:
                del self._case_of[contact_id]

    def get_case(self, case_id: str) -> Case | None:
        return self._cases.get(case_id)

    def set_case_successor(self, case_id: str, successor_id: str) -> None:
        refuse_nul("case id", case_id, successor_id)
        self._remember(self._case_successors, case_id)
        self._case_successors[case_id] = successor_id

    def case_successor_of(self, case_id: str) -> str | None:
        return self._case_successors.get(case_id)

    def delete_case(self, case_id: str) -> None:
        case = self._cases.get(case_id)
        if case is None:
            return
        self._remember(self._cases, case_id)
        del self._cases[case_id]
        for entry in case.contacts:
            self._remember(self._case_of, entry.contact_id)
            holders = self._case_of.get(entry.contact_id, set())
            holders.discard(case_id)
            if not holders:
                self._case_of.pop(entry.contact_id, None)

    def case_ids_of_contacts(self, contact_ids: Iterable[str]) -> frozenset[str]:
        return frozenset(c for r in contact_ids for c in self._case_of.get(r, ()))

    def append_case_event(self, event: CaseEvent) -> None:
        self._case_events.append(event)  # a rollback cuts the log back to its length

    def case_events(self, *, since: int = 0) -> Sequence[CaseEvent]:
        return tuple(event for event in self._case_events if event.sequence >= since)

    def case_events_naming(self, contact_ids: Iterable[str]) -> Sequence[CaseEvent]:
        wanted = frozenset(contact_ids)
        return tuple(e for e in self._case_events if not wanted.isdisjoint(e.contact_ids))

    def rewrite_case_events(self, events: Iterable[CaseEvent]) -> None:
        for event in events:
            self._rewrite(self._case_events, event.sequence, event)

    def next_case_sequence(self) -> int:
        return len(self._case_events) + 1

    # -------------------------------------------------------------- consents and preferences

    def add_consent(self, consent: Consent) -> None:
        key = consent.point.identifier.key
        refuse_nul("identifier", key)
        if consent in self._consents.get(key, ()):
            return
        self._remember(self._consents, key)
        self._consents.setdefault(key, []).append(consent)

    def consents_for(self, identifier_keys: Iterable[str]) -> list[Consent]:
        found = [c for key in set(identifier_keys) for c in self._consents.get(key, ())]
        return sorted(found, key=lambda c: (c.recorded_at, c.point.identifier.key, dumps(c)))

    def delete_consents(self, identifier_keys: Iterable[str]) -> None:
        for key in set(identifier_keys):
            self._remember(self._consents, key)
            self._consents.pop(key, None)

    def put_preferences(self, record_id: str, preferences: Preferences, at: dt.datetime) -> None:
        refuse_nul("record id", record_id)
        self._remember(self._preferences, record_id)
        self._preferences[record_id] = (at, preferences)

    def preferences_of(self, record_ids: Iterable[str]) -> list[tuple[dt.datetime, Preferences]]:
        found = [(self._preferences[r], r) for r in set(record_ids) if r in self._preferences]
        return [item for item, _r in sorted(found, key=lambda x: (x[0][0], x[1]))]

    def delete_preferences(self, record_id: str) -> None:
        self._remember(self._preferences, record_id)
        self._preferences.pop(record_id, None)
