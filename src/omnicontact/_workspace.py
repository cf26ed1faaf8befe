"""The workspace: a store, a resolver and the contact history, kept consistent together.

:class:`Workspace` is what an application embeds: it ingests contacts (each one stored,
resolved and logged together, or not at all; committed in batches), answers "everything about this
customer" (:meth:`~Workspace.timeline`, :meth:`~Workspace.advisor_view`), follows cases
across channels, and erases a customer from the store.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import uuid
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import attrs

from ._case_events import CaseEvent, CaseEventKind
from ._model import (
    Case,
    CaseContact,
    CaseStatus,
    CaseTransition,
    Consent,
    ConsentLedger,
    Contact,
    ContactPoint,
    Preferences,
    aware,
)
from .exceptions import InvalidValueError, OmnicontactError, StoreError, UnknownRecordError
from .identity._erasure import tombstones
from .identity._fellegi_sunter import MatchModel, Outcome, PairEvidence
from .identity._golden import GoldenRecord, SurvivorshipPolicy
from .identity._record import Record
from .identity._resolver import Resolver
from .routing._facts import CustomerView
from .store._lock import lock_of, serialized
from .store._memory import MemoryStore
from .store._postgres import PostgresStore
from .store._protocol import CustomerStore
from .store._sqlite import SQLiteStore

__all__ = ["AdvisorView", "CaseSummary", "IngestFailure", "IngestReport", "Workspace"]

Clock = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@attrs.frozen(kw_only=True)
class IngestFailure:
    """A contact that was not ingested (nothing of it was written), and why."""

    contact_id: str
    error: str


@attrs.frozen(kw_only=True)
class IngestReport:
    """What :meth:`Workspace.ingest` did: contacts added, repeated events, failures.

    ``customers`` maps each added contact id to the customer it was resolved to at the time.
    """

    added: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    failures: tuple[IngestFailure, ...] = ()
    customers: dict[str, str] = attrs.field(factory=dict, hash=False)


@attrs.frozen(kw_only=True)
class CaseSummary:
    """An open case with its latest contacts (newest last)."""

    case: Case
    last_contacts: tuple[Contact, ...]


@attrs.frozen(kw_only=True)
class AdvisorView:
    """Everything an advisor needs on screen about one customer, as data.

    ``golden`` is the best value per field with provenance; ``open_cases`` the cases still
    open (or pending); ``last_by_channel`` the latest contact on each channel;
    ``consents`` every consent statement on the customer's identifiers; ``preferences`` the
    latest stated ones; ``reviews`` the possible matches with other customers that nobody
    has judged yet. :meth:`render` gives the same as readable text.
    """

    customer_id: str
    golden: GoldenRecord
    contact_count: int
    channels: tuple[str, ...]
    open_cases: tuple[CaseSummary, ...]
    last_by_channel: dict[str, Contact] = attrs.field(hash=False)
    consents: ConsentLedger
    preferences: Preferences
    reviews: tuple[PairEvidence, ...]
    contact_points: tuple[ContactPoint, ...] = ()
    contacts: tuple[Contact, ...] = ()

    def customer_view(self, *, segment: str | None = None) -> CustomerView:
        """The plain data a routing :class:`~omnicontact.routing.Policy` decides with."""
        cases = tuple(summary.case for summary in self.open_cases)
        return CustomerView(
            id=self.customer_id,
            segment=segment,
            preferences=self.preferences,
            consents=self.consents,
            contact_points=self.contact_points,
            contacts=self.contacts,
            cases=cases,
        )

    def render(self, *, zone: str | dt.tzinfo = "UTC") -> str:
        """The view as text for a terminal or a ticket (times shown in ``zone``)."""
        tz = zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone

        def when(value: dt.datetime) -> str:
            return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")

        lines = [
            f"Customer {self.customer_id}",
            f"  {self.contact_count} contact(s) on {', '.join(self.channels) or 'no channel'}",
            "Golden record:",
        ]
        for field in sorted(self.golden.values):
            value = self.golden.values[field]
            lines.append(f"  {field:<28} {value.value}  (from {value.record_id})")
        lines.append(f"Open cases: {len(self.open_cases)}")
        for summary in self.open_cases:
            case = summary.case
            lines.append(
                f"  {case.id} [{case.status.value}] {case.subject or '(no subject)'}"
                f" — {', '.join(case.channels)}"
            )
            for contact in summary.last_contacts:
                lines.append(f"    {_line(contact, when)}")
        lines.append("Last contact per channel:")
        for channel in sorted(self.last_by_channel):
            lines.append(f"  {_line(self.last_by_channel[channel], when)}")
        lines.append(f"Consents: {len(self.consents.entries) or 'none recorded'}")
        for consent in self.consents.entries:
            until = f" until {when(consent.until)}" if consent.until else ""
            lines.append(
                f"  {consent.point.key} {consent.purpose}: {consent.status.value}"
                f" ({when(consent.recorded_at)}, {consent.source}){until}"
            )
        prefs = self.preferences
        lines.append("Preferences:")
        lines.append(f"  preferred channels: {', '.join(prefs.preferred_channels) or '-'}")
        lines.append(f"  opted out of: {', '.join(sorted(prefs.opted_out_channels)) or '-'}")
        if prefs.language or prefs.timezone:
            lines.append(f"  language {prefs.language or '-'}, time zone {prefs.timezone or '-'}")
        lines.append(f"Possible matches to review: {len(self.reviews) or 'none'}")
        for evidence in self.reviews:
            lines.append(
                f"  {evidence.left} ~ {evidence.right} p={evidence.probability:.2f}"
                f" ({evidence.rule or 'scored'})"
            )
        return "\n".join(lines) + "\n"


def _line(contact: Contact, when: Callable[[dt.datetime], str]) -> str:
    arrow = "→" if contact.direction.value == "outbound" else "←"
    what = contact.subject or contact.intent or contact.summary or ""
    if len(what) > 60:
        what = what[:59] + "…"
    return f"{when(contact.occurred_at)} {arrow} {contact.channel:<7} {what}"


DEFAULT_BATCH_SIZE = 500
"""How many contacts :meth:`Workspace.ingest` commits at once by default."""


class _ContactFailed(Exception):
    """Internal: the contact at ``index`` of an ingest attempt failed (rolls the attempt back)."""

    def __init__(self, index: int, error: OmnicontactError) -> None:
        super().__init__(index)
        self.index = index
        self.error = error


@attrs.define
class _Outcome:
    """What an ingest has done so far, in input order."""

    added: list[str] = attrs.field(factory=list)
    duplicates: list[str] = attrs.field(factory=list)
    failures: list[IngestFailure] = attrs.field(factory=list)
    customers: dict[str, str] = attrs.field(factory=dict)

    def done(self, contact: Contact, customer_id: str | None) -> None:
        if customer_id is None:
            self.duplicates.append(contact.id)
        else:
            self.added.append(contact.id)
            self.customers[contact.id] = customer_id

    def fail(self, contact: Contact, error: OmnicontactError) -> None:
        self.failures.append(IngestFailure(contact_id=contact.id, error=str(error)))
        logging.getLogger("omnicontact.workspace").info(
            "contact %s skipped: %s", contact.id, type(error).__name__
        )

    def report(self) -> IngestReport:
        return IngestReport(
            added=tuple(self.added),
            duplicates=tuple(self.duplicates),
            failures=tuple(self.failures),
            customers=self.customers,
        )


_RECORD_NAMESPACE = uuid.UUID("0d3f3d5e-8f0a-4b7e-9a59-53c1e0a4b2c7")


def identity_record_id(contact: Contact) -> str:
    """The identity record a contact feeds: one per channel and set of identifiers.

    Contacts that show the resolver nothing new (the same customer writing again from the
    same address) share a record, so a customer's identity graph grows with the ways they
    are seen, not with how often. A contact with no identifier is its own record.
    """
    if not contact.identifiers:
        return contact.id
    signature = sorted(f"{item.kind.value}:{item.key}" for item in contact.identifiers)
    text = "\x1f".join([contact.channel, *signature])
    return f"rec-{uuid.uuid5(_RECORD_NAMESPACE, text)}"


@serialized("transaction", "ingest")
class Workspace:
    """A customer base: contacts, identities, cases, consents and preferences in one store.

    Each contact is ingested as one unit: the contact is stored, its record resolved into
    a customer, its case opened or joined and the logs written — or, if anything fails,
    none of it (:meth:`ingest` commits many contacts at once, with the same result).
    Repeated events (same channel and source id) are stored once. Every operation runs
    under the store's writer lock, so several processes can share one SQLite file or
    PostgreSQL database and end with the customers one process would have built. Threads
    may share one workspace (a web application's module-level workspace behind its
    request threads): each operation holds the store's lock, so threads take turns and
    end with the customers one thread would have built.

    >>> import datetime as dt
    >>> from omnicontact import Contact, Normalizer
    >>> n, t = Normalizer(default_region="FR"), dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    >>> ws = Workspace(clock=lambda: t)
    >>> report = ws.ingest([
    ...     Contact(channel="email", direction="inbound", occurred_at=t, source_id="m1",
    ...             identifiers=[n.email("ann@example.fr")], case_id="refund-1"),
    ...     Contact(channel="phone", direction="inbound", occurred_at=t + dt.timedelta(hours=2),
    ...             source_id="c1", identifiers=[n.email("ann@example.fr"), n.phone("0612345678")],
    ...             case_id="refund-1"),
    ... ])
    >>> customer = report.customers[report.added[0]]
    >>> [c.channel for c in ws.timeline(customer)]
    ['email', 'phone']
    >>> ws.store.get_case("refund-1").channels
    ('email', 'phone')
    """

    def __init__(
        self,
        store: CustomerStore | None = None,
        *,
        model: MatchModel | None = None,
        clock: Clock | None = None,
        survivorship: SurvivorshipPolicy | None = None,
    ) -> None:
        self._store: CustomerStore = store if store is not None else MemoryStore()
        self._clock: Clock = clock or _utc_now
        self._resolver = Resolver(model=model, store=self._store, clock=self._clock)
        self._lock = lock_of(self._resolver)  # the store's, or the resolver's for other stores
        self._survivorship = survivorship or SurvivorshipPolicy()
        self._nesting = threading.local()  # this thread's depth in transaction()

    @classmethod
    def open(
        cls,
        location: str | os.PathLike[str],
        *,
        model: MatchModel | None = None,
        clock: Clock | None = None,
    ) -> Workspace:
        """A workspace on a SQLite file path, or on PostgreSQL for a ``postgresql://`` URL."""
        text = os.fspath(location)
        store: CustomerStore
        if text.startswith(("postgresql://", "postgres://")):
            store = PostgresStore(text)
        else:
            store = SQLiteStore(text)
        return cls(store, model=model, clock=clock)

    @property
    def store(self) -> CustomerStore:
        return self._store

    def close(self) -> None:
        """Close the store's database connection (nothing to do for a memory store)."""
        closer = getattr(self._store, "close", None)
        if callable(closer):
            closer()

    @property
    def resolver(self) -> Resolver:
        """The resolver (call it inside :meth:`transaction` when processes share the store)."""
        return self._resolver

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of work under the store's writer lock (nested calls join it)."""
        with self._lock, self._store.transaction():
            self._nesting.depth = getattr(self._nesting, "depth", 0) + 1
            try:
                yield
            finally:
                self._nesting.depth -= 1

    @property
    def _joined(self) -> bool:
        """Whether this thread is inside one of this workspace's transactions."""
        return bool(getattr(self._nesting, "depth", 0))

    # ---------------------------------------------------------------------------- ingest

    def ingest(
        self,
        contacts: Iterable[Contact],
        *,
        reason: str = "",
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> IngestReport:
        """Store and resolve contacts, committed ``batch_size`` at a time; repeated events once.

        Each contact is stored, resolved and logged exactly as if it were ingested alone, in
        the order given: the customers, their ids and both logs are those of one transaction
        per contact. Only the commits are shared, so a batch of contacts costs one commit
        (one WAL flush on PostgreSQL) instead of one each.

        A contact that fails validation in the resolver or the case rules is reported in
        ``failures`` and leaves nothing behind, and the rest of its batch is kept: the batch
        is rolled back, the contacts before the bad one are committed on their own, and the
        rest goes on after it. Errors of the store itself propagate; the contacts of the
        batch under way are then not stored, and running the same ingest again adds exactly
        them (a process killed mid-batch is the same case). ``batch_size=1`` commits each
        contact on its own. Called inside :meth:`transaction`, the contacts join the
        caller's unit of work, one by one.
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise InvalidValueError("batch_size", batch_size, "must be a positive integer")
        outcome = _Outcome()
        if self._joined:  # the caller's transaction is the batch: nothing to commit here
            for contact in contacts:
                if not isinstance(contact, Contact):
                    raise InvalidValueError("contact", contact, "is not a Contact")
                try:
                    customer_id = self._ingest_one(contact, reason=reason)
                except StoreError:
                    raise
                except OmnicontactError as error:
                    outcome.fail(contact, error)
                else:
                    outcome.done(contact, customer_id)
            return outcome.report()
        batch: list[Contact] = []
        items: Iterable[object] = contacts  # what a caller passes, checked below
        for item in items:
            if not isinstance(item, Contact):
                if batch:  # what came before it is kept, as when ingested one at a time
                    self._ingest_batch(batch, reason, outcome)
                raise InvalidValueError("contact", item, "is not a Contact")
            batch.append(item)
            if len(batch) >= batch_size:
                self._ingest_batch(batch, reason, outcome)
                batch = []
        if batch:
            self._ingest_batch(batch, reason, outcome)
        return outcome.report()

    def _ingest_batch(self, batch: list[Contact], reason: str, outcome: _Outcome) -> None:
        """Ingest ``batch`` in as few transactions as its bad contacts allow.

        A contact failing at position ``i`` of an attempt rolls the attempt back; then the
        contacts before it are committed as one attempt, and it is tried again first in
        the next one. A failure is only reported where the contact came first, after
        everything before it was committed: exactly what ingesting alone would have done.
        """
        start, end = 0, len(batch)
        while start < len(batch):
            attempt = batch[start:end]
            try:
                customers = self._attempt(attempt, reason)
            except _ContactFailed as failed:
                if failed.index == 0:
                    outcome.fail(attempt[0], failed.error)
                    start, end = start + 1, len(batch)
                else:
                    end = start + failed.index
                continue
            for contact, customer_id in zip(attempt, customers, strict=True):
                outcome.done(contact, customer_id)
            start, end = end, len(batch)

    def _attempt(self, contacts: list[Contact], reason: str) -> list[str | None]:
        """Ingest ``contacts`` in one transaction; the first that fails rolls it all back."""
        customers: list[str | None] = []
        record_ids = [identity_record_id(contact) for contact in contacts]
        with self.transaction():
            warm = getattr(self._store, "_warm", None)  # SQL stores: one look-up per batch
            if callable(warm):
                warm(contacts, record_ids, self._blocking_keys(contacts))
            for index, (contact, record_id) in enumerate(zip(contacts, record_ids, strict=True)):
                try:
                    customers.append(self._ingest_one(contact, reason=reason, record_id=record_id))
                except StoreError:
                    raise
                except OmnicontactError as error:
                    raise _ContactFailed(index, error) from error
        return customers

    def _blocking_keys(self, contacts: list[Contact]) -> set[str]:
        """The blocking keys the records of ``contacts`` will be looked up by (a contact
        that cannot make a record is left out: it fails when its turn comes)."""
        model = self._resolver.model
        keys: set[str] = set()
        for contact in contacts:
            if contact.identifiers:
                try:
                    keys.update(model.blocking.keys(model.profile(Record.from_contact(contact))))
                except OmnicontactError:
                    continue
        return keys

    def _ingest_one(
        self, contact: Contact, *, reason: str, record_id: str | None = None
    ) -> str | None:
        with self.transaction():
            if record_id is None:
                record_id = identity_record_id(contact)
            if not self._store.put_contact(contact, record_id=record_id):
                return None
            why = reason or f"contact on {contact.channel}"
            known = self._store.get_record(record_id)
            if known is None:
                record = attrs.evolve(Record.from_contact(contact), id=record_id)
                customer_id = self._resolver.resolve(record, reason=why).customer_id
            elif contact.occurred_at < known.observed_at:
                # A record is as old as its earliest contact, whatever order they arrive in
                # (the record's time chooses customer ids).
                record = attrs.evolve(known, observed_at=contact.occurred_at)
                customer_id = self._resolver.resolve(record, reason=why).customer_id
            else:
                customer_id = self._resolver.customer_of(record_id)
            if contact.case_id is not None:
                self._attach(contact, contact.case_id)
            return customer_id

    # -------------------------------------------------------------------------- queries

    def record_of(self, contact_id: str) -> str:
        """The identity record a stored contact feeds (one per channel and set of
        identifiers): the id to give the resolver to remove an identifier, judge or explain."""
        record_id = self._store.record_of_contact(contact_id)
        if record_id is None:
            raise UnknownRecordError(f"no stored contact {contact_id!r}")
        return record_id

    def customer_of(self, contact_id: str) -> str:
        """The id of the customer a contact belongs to."""
        return self._resolver.customer_of(self.record_of(contact_id))

    def customer_ids(self) -> list[str]:
        """Every live customer id, sorted."""
        return sorted(self._store.customer_ids())

    def timeline(self, customer_id: str) -> list[Contact]:
        """Every contact of the customer, on every channel, oldest first.

        ``customer_id`` may be a retired id (after a merge): its survivor's timeline is
        given, which holds the contacts ingested before the merge.
        """
        live = self._resolver.canonical_id(customer_id)
        return self._store.contacts_of_customer(live)

    def advisor_view(
        self, customer_id: str, *, last_contacts: int = 3, at: dt.datetime | None = None
    ) -> AdvisorView:
        """The customer's golden record, open cases, last contacts, consents, preferences
        and pending possible matches (see :class:`AdvisorView`)."""
        with self._store.transaction():
            live = self._resolver.canonical_id(customer_id)
            members = self._store.members(live)
            contacts = self._store.contacts_of_customer(live)
            golden = self._resolver.golden_record(live, self._survivorship)
            by_id = {contact.id: contact for contact in contacts}
            summaries = []
            contact_ids = self._store.contact_ids_of_records(members)
            for case_id in sorted(self._store.case_ids_of_contacts(contact_ids)):
                case = self._store.get_case(case_id)
                if case is None or not case.is_open:
                    continue
                ordered = sorted(case.contacts, key=lambda e: (e.occurred_at, e.contact_id))
                latest = [
                    found
                    for entry in ordered[-last_contacts:]
                    if (
                        found := by_id.get(entry.contact_id)
                        or self._store.get_contact(entry.contact_id)
                    )
                ]
                summaries.append(CaseSummary(case=case, last_contacts=tuple(latest)))
            summaries.sort(key=lambda s: (s.case.updated_at, s.case.id), reverse=True)
            last: dict[str, Contact] = {}
            for contact in contacts:
                last[contact.channel] = contact
            points: dict[str, ContactPoint] = {}
            keys: set[str] = set()
            for contact in contacts:
                for identifier in contact.identifiers:
                    keys.add(identifier.key)
                    point = ContactPoint(channel=contact.channel, identifier=identifier)
                    points.setdefault(point.key, point)
            for record_id in members:
                record = self._store.get_record(record_id)
                if record is not None:
                    keys.update(identifier.key for identifier in record.identifiers)
            consents = ConsentLedger(entries=self._store.consents_for(keys))
            stated = self._store.preferences_of(members)
            preferences = stated[-1][1] if stated else Preferences()
            reviews = self._reviews(members)
        return AdvisorView(
            customer_id=live,
            golden=golden,
            contact_count=len(contacts),
            channels=tuple(dict.fromkeys(contact.channel for contact in contacts)),
            open_cases=tuple(summaries),
            last_by_channel=last,
            consents=consents,
            preferences=preferences,
            reviews=reviews,
            contact_points=tuple(points[key] for key in sorted(points)),
            contacts=tuple(contacts),
        )

    def _reviews(self, members: frozenset[str]) -> tuple[PairEvidence, ...]:
        found: dict[tuple[str, str], PairEvidence] = {}
        for record_id in members:
            judged = {
                other
                for judgement in self._store.judgements_of(record_id)
                for other in judgement.record_ids
            }
            for other, edge in self._store.edges_of(record_id).items():
                if (
                    edge.outcome is Outcome.POSSIBLE_MATCH
                    and other not in members
                    and other not in judged
                ):
                    found[edge.pair] = edge
        return tuple(sorted(found.values(), key=lambda e: (-e.probability, e.pair)))

    # --------------------------------------------------------------- consents, preferences

    def record_consent(self, consent: Consent) -> None:
        """Keep a consent statement (it applies to whoever holds its identifier)."""
        with self._store.transaction():
            self._store.add_consent(consent)

    def set_preferences(
        self, customer_id: str, preferences: Preferences, *, at: dt.datetime | None = None
    ) -> None:
        """Keep the customer's stated preferences (on its anchor record, so they follow it
        through merges and unmerges)."""
        when = aware(at, field="at") if at is not None else self._clock()
        with self._store.transaction():
            live = self._resolver.canonical_id(customer_id)
            anchor = self._store.anchor_of(live)
            if anchor is None:
                anchor = min(self._store.members(live))
            self._store.put_preferences(anchor, preferences, when)

    # ----------------------------------------------------------------------------- cases

    def case_events(self, *, since: int = 0) -> list[CaseEvent]:
        """The case log, oldest first."""
        return list(self._store.case_events(since=since))

    def add_to_case(self, case_id: str, contact_id: str, *, reason: str = "") -> Case:
        """Put a stored contact into a case: opens it, joins it, or reopens it if resolved."""
        with self._store.transaction():
            contact = self._store.get_contact(contact_id)
            if contact is None:
                raise InvalidValueError("contact_id", contact_id, "no such contact is stored")
            return self._attach(contact, case_id, reason=reason)

    def _attach(self, contact: Contact, case_id: str, *, reason: str = "") -> Case:
        case_id = self.canonical_case_id(case_id)
        case = self._store.get_case(case_id)
        if case is None:
            case = Case.open_with(contact, id=case_id)
            kind = CaseEventKind.OPENED
        elif any(entry.contact_id == contact.id for entry in case.contacts):
            return case
        else:
            kind = CaseEventKind.JOINED if case.is_open else CaseEventKind.REOPENED
            case = case.with_contact(contact)
        self._store.put_case(case)
        self._log_case(kind, (case.id,), (contact.id,), reason or f"contact on {contact.channel}")
        return case

    def set_case_status(
        self,
        case_id: str,
        status: CaseStatus | str,
        *,
        reason: str = "",
        at: dt.datetime | None = None,
    ) -> Case:
        """Move a case to ``status`` (open, pending, resolved), logged."""
        with self._store.transaction():
            case = self._case(case_id)
            case = case.transition(status, at=at or self._clock(), reason=reason)
            self._store.put_case(case)
            self._log_case(
                CaseEventKind.STATUS_CHANGED, (case.id,), (), reason or case.status.value
            )
            return case

    def merge_cases(self, into: str, others: Iterable[str], *, reason: str = "") -> Case:
        """Merge cases into ``into`` (its id survives); it is open if any of them was.

        The merged cases' ids keep leading to it (:meth:`canonical_case_id`): a contact that
        arrives later with one of them joins the merged case.
        """
        with self._store.transaction():
            target = self._case(into)
            into = target.id
            merged = list(
                {
                    case.id: case
                    for case in (self._case(case_id) for case_id in others)
                    if case.id != into
                }.values()
            )
            if not merged:
                raise InvalidValueError("others", (), "name at least one other case")
            entries = {entry.contact_id: entry for entry in target.contacts}
            for case in merged:
                for entry in case.contacts:
                    entries.setdefault(entry.contact_id, entry)
            history = target.history
            status = target.status
            if not target.is_open and any(case.is_open for case in merged):
                status = CaseStatus.OPEN
                history = (
                    *history,
                    CaseTransition(status=status, at=self._clock(), reason="merged an open case"),
                )
            result = attrs.evolve(
                target,
                opened_at=min(case.opened_at for case in (target, *merged)),
                contacts=tuple(
                    sorted(entries.values(), key=lambda e: (e.occurred_at, e.contact_id))
                ),
                status=status,
                history=history,
            )
            for case in merged:
                self._store.delete_case(case.id)
                self._store.set_case_successor(case.id, into)
            self._store.put_case(result)
            moved = sorted({e.contact_id for case in merged for e in case.contacts})
            self._log_case(
                CaseEventKind.MERGED, (into, *(case.id for case in merged)), tuple(moved), reason
            )
            return result

    def split_case(
        self, case_id: str, contact_ids: Iterable[str], *, new_case_id: str, reason: str = ""
    ) -> tuple[Case, Case]:
        """Move some contacts of a case to a new open case; both keep at least one contact."""
        with self._store.transaction():
            case = self._case(case_id)
            case_id = case.id
            moving = set(contact_ids)
            if self._store.get_case(new_case_id) is not None:
                raise InvalidValueError("new_case_id", new_case_id, "a case with this id exists")
            if self._store.case_successor_of(new_case_id) is not None:
                raise InvalidValueError(
                    "new_case_id", new_case_id, "a case with this id was merged into another"
                )
            moved = [entry for entry in case.contacts if entry.contact_id in moving]
            kept = [entry for entry in case.contacts if entry.contact_id not in moving]
            if not moved or not kept or len(moved) != len(moving):
                raise InvalidValueError(
                    "contact_ids", sorted(moving), "must be some, not all, of the case's contacts"
                )
            start = min(entry.occurred_at for entry in moved)
            new = Case(
                id=new_case_id,
                subject=case.subject,
                opened_at=start,
                contacts=tuple(moved),
                history=(
                    CaseTransition(
                        status=CaseStatus.OPEN, at=start, reason=f"split from {case_id}"
                    ),
                ),
            )
            old = attrs.evolve(case, contacts=tuple(kept))
            self._store.put_case(old)
            self._store.put_case(new)
            self._log_case(
                CaseEventKind.SPLIT,
                (case_id, new_case_id),
                tuple(sorted(e.contact_id for e in moved)),
                reason,
            )
            return old, new

    def canonical_case_id(self, case_id: str) -> str:
        """The id a case goes by now: a merged case's id gives the case it was merged into
        (through later merges too); any other id, as it is.

        An id whose merged case was later erased leads nowhere and is returned as it is.

        >>> import datetime as dt
        >>> from omnicontact import Contact, Normalizer, Workspace
        >>> n, at = Normalizer(), dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
        >>> ws = Workspace()
        >>> _ = ws.ingest([Contact(channel="email", direction="inbound", occurred_at=at,
        ...     source_id=f"m{i}", identifiers=[n.email("ann@example.fr")], case_id=case)
        ...     for i, case in enumerate(["refund-1", "refund-2"])])
        >>> _ = ws.merge_cases("refund-1", ["refund-2"])
        >>> ws.canonical_case_id("refund-2")
        'refund-1'
        """
        seen = {case_id}
        current = case_id
        while (successor := self._store.case_successor_of(current)) is not None:
            if successor in seen:  # never written, but a loop must not hang a read
                break
            seen.add(successor)
            current = successor
        if current != case_id and self._store.get_case(current) is None:
            return case_id
        return current

    def _case(self, case_id: str) -> Case:
        case = self._store.get_case(self.canonical_case_id(case_id))
        if case is None:
            raise InvalidValueError("case_id", case_id, "no such case is stored")
        return case

    def _log_case(
        self,
        kind: CaseEventKind,
        case_ids: tuple[str, ...],
        contact_ids: tuple[str, ...],
        reason: str,
    ) -> None:
        self._store.append_case_event(
            CaseEvent(
                sequence=self._store.next_case_sequence(),
                at=self._clock(),
                kind=kind,
                case_ids=case_ids,
                contact_ids=contact_ids,
                reason=reason,
            )
        )

    # ------------------------------------------------------------------- identity upkeep

    def judge(self, left: str, right: str, *, same: bool, reason: str = "") -> None:
        """Settle a possible match: two customers are (or are not) one."""
        with self._store.transaction():
            self._resolver.judge_customers(left, right, same=same, reason=reason)

    def forget(self, customer_id: str, *, reason: str = "") -> None:
        """Erase a customer: its contacts, records, consents, preferences and identity facts.

        Cases lose the erased contacts (a case left empty is deleted; a case that goes on
        with other customers' contacts loses a subject that came from an erased contact).
        The logs keep what happened, with random tombstone ids in place of the erased
        contacts', records' and customer's ids (see :meth:`Resolver.forget_customer
        <omnicontact.identity.Resolver.forget_customer>`). A consent stays while another
        customer still holds its identifier (a shared household phone): it is theirs too.
        Other customers' contacts are left as they are, even where they carry one of the
        erased customer's values.

        Once the erasure commits, the store purges the remains of deleted rows from its
        files (:meth:`SQLiteStore.purge <omnicontact.store.SQLiteStore.purge>`): nothing of
        the customer stays in a SQLite file or its ``-wal`` and ``-shm`` files, nor in a
        PostgreSQL table's files. Erasing several customers inside one
        :meth:`transaction` purges once, at its end. The persistence explanation says
        what that costs on each database.

        >>> import datetime as dt
        >>> from omnicontact import Contact, Normalizer
        >>> n, t = Normalizer(), dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
        >>> ws = Workspace(clock=lambda: t)
        >>> report = ws.ingest([Contact(channel="email", direction="inbound", occurred_at=t,
        ...                             source_id="m1", identifiers=[n.email("ann@example.fr")])])
        >>> ws.forget(report.customers[report.added[0]], reason="erasure request")
        >>> ws.customer_ids(), ws.store.count_contacts()
        ([], 0)
        >>> erased = [e for e in ws.resolver.events() if e.kind.value == "customer_erased"]
        >>> erased[0].customer_ids[0][:7]
        'erased-'
        """
        with self._store.transaction():
            live = self._resolver.canonical_id(customer_id)
            members = self._store.members(live)
            erased = set(self._store.contact_ids_of_records(members))
            keys: set[str] = set()
            for record_id in members:
                record = self._store.get_record(record_id)
                if record is not None:
                    keys.update(identifier.key for identifier in record.identifiers)
            texts: set[str] = set()  # what an erased contact may have given a case's subject
            for contact_id in erased:
                contact = self._store.get_contact(contact_id)
                if contact is not None:
                    keys.update(identifier.key for identifier in contact.identifiers)
                    texts.update(text for text in (contact.subject, contact.intent) if text)
            replace = tombstones(erased)
            for case_id in sorted(self._store.case_ids_of_contacts(erased)):
                case = self._store.get_case(case_id)
                if case is None:
                    continue
                left = tuple(e for e in case.contacts if e.contact_id not in erased)
                if left:
                    self._store.put_case(_without(case, left, replace, texts))
                else:
                    self._store.delete_case(case_id)
                gone = tuple(sorted(e.contact_id for e in case.contacts if e.contact_id in erased))
                self._log_case(CaseEventKind.ERASED, (case_id,), gone, reason or "erasure")
            for contact_id in sorted(erased):
                self._store.delete_contact(contact_id)
            for record_id in sorted(members):
                self._store.delete_preferences(record_id)
            self._resolver.forget_customer(live, reason=reason)
            # A consent is about an identifier: it stays while another customer holds it
            # (found through the blocking index, which holds every identifier a matching
            # rule uses; a consent on an identifier outside it goes with the customer).
            self._store.delete_consents(
                key for key in keys if not self._store.records_with_key(f"id:{key}")
            )
            self._store.rewrite_case_events(
                attrs.evolve(event, contact_ids=tuple(replace.get(c, c) for c in event.contact_ids))
                for event in self._store.case_events_naming(replace)
            )


def _without(
    case: Case, left: tuple[CaseContact, ...], replace: dict[str, str], texts: set[str]
) -> Case:
    """``case`` keeping the ``left`` contacts, with no trace of the erased ones: tombstones
    for their ids in its history, no subject taken from one of them."""

    def reason(text: str) -> str:
        for old, new in replace.items():
            if old in text:
                text = text.replace(old, new)
        return text

    return attrs.evolve(
        case,
        contacts=left,
        subject="" if case.subject in texts else case.subject,
        history=tuple(attrs.evolve(step, reason=reason(step.reason)) for step in case.history),
    )
