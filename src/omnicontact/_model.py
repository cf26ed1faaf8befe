"""The contact model: contacts, cases, contact points, consent and preferences.

All values here are frozen attrs classes: changing one gives a new value (``evolve`` or the
``with_*`` methods), so they can be shared, cached and compared freely.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import uuid
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

from ._channels import CHANNEL_NAME as _CHANNEL
from ._identifiers import IDENTIFIER_TYPES, Identifier
from .exceptions import CaseTransitionError, InvalidValueError

__all__ = [
    "Case",
    "CaseContact",
    "CaseStatus",
    "CaseTransition",
    "Consent",
    "ConsentLedger",
    "ConsentStatus",
    "Contact",
    "ContactPoint",
    "ContactStatus",
    "Direction",
    "Preferences",
    "Purpose",
    "QuietHours",
    "aware",
]

_SLUG = re.compile(r"^[a-z][a-z0-9_.\-]*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_CONTACT_NAMESPACE = uuid.UUID("6f1c1d34-31c6-4f6e-9d8a-2f5b8f3f2a11")


def aware(
    value: dt.datetime, tz: str | dt.tzinfo | None = None, *, field: str = "time"
) -> dt.datetime:
    """``value`` as a timezone-aware datetime in UTC.

    A naive ``value`` is refused unless ``tz`` (an IANA name such as ``"Europe/Paris"`` or a
    ``tzinfo``) says which zone it was written in.

    >>> aware(dt.datetime(2026, 3, 2, 10, 0), "Europe/Paris").isoformat()
    '2026-03-02T09:00:00+00:00'
    """
    if not isinstance(value, dt.datetime):
        raise InvalidValueError(field, value, "must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        if tz is None:
            raise InvalidValueError(
                field, value, "is naive: give a timezone-aware datetime or say its zone"
            )
        zone = _zone(tz, field=f"{field}.timezone") if isinstance(tz, str) else tz
        value = value.replace(tzinfo=zone)
    return value.astimezone(dt.timezone.utc)


def _zone(name: str, *, field: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidValueError(field, name, "is not an IANA time zone name") from None


def _occurred_at(value: dt.datetime) -> dt.datetime:
    return aware(value, field="occurred_at")


def _opened_at(value: dt.datetime) -> dt.datetime:
    return aware(value, field="opened_at")


def _at(value: dt.datetime) -> dt.datetime:
    return aware(value, field="at")


def _recorded_at(value: dt.datetime) -> dt.datetime:
    return aware(value, field="consent.recorded_at")


def _until(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else aware(value, field="consent.until")


def _slug(field: str) -> Any:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, str) or not _SLUG.match(value):
            raise InvalidValueError(
                field, value, "must be lowercase: a letter, then letters, digits, _ . -"
            )

    return check


_E = TypeVar("_E", bound=enum.Enum)


def _channel_name(field: str) -> Any:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, str) or not _CHANNEL.match(value):
            raise InvalidValueError(
                field,
                value,
                "must be a channel name: a lowercase letter, then letters, digits, _ -",
            )

    return check


def _enum(kind: type[_E], field: str, value: Any) -> _E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in kind)
        raise InvalidValueError(field, value, f"must be one of: {allowed}") from None


def _optional_text(field: str) -> Any:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if value is not None and not isinstance(value, str):
            raise InvalidValueError(field, value, "must be text")

    return check


_IDENTIFIER_CLASSES = frozenset(IDENTIFIER_TYPES.values())


def _identifiers(value: Any) -> tuple[Identifier, ...]:
    if type(value) is list or type(value) is tuple:
        # The usual case: at most one identifier of each class. Identifiers of different
        # classes are never equal, so there is nothing to drop and nothing to hash.
        classes: set[type[Any]] = set()
        for item in value:
            cls = type(item)
            if cls in classes or cls not in _IDENTIFIER_CLASSES:
                break  # a repeated class, or a bad item: the general path decides
            classes.add(cls)
        else:
            return tuple(value)
    return _unique_identifiers(value)


def _unique_identifiers(value: Any) -> tuple[Identifier, ...]:
    """:func:`_identifiers` for any input: checked, duplicates dropped, first kept."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidValueError("identifiers", value, "must be a sequence of identifiers")
    seen: dict[Identifier, None] = {}
    for item in value:
        if type(item) not in _IDENTIFIER_CLASSES:
            raise InvalidValueError("identifiers", item, "is not an identifier")
        seen.setdefault(item, None)
    return tuple(seen)


_T = TypeVar("_T")


def _typed_tuple(value: Iterable[Any], kind: type[_T], field: str) -> tuple[_T, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidValueError(field, value, f"must be a sequence of {kind.__name__}")
    items = tuple(value)
    for item in items:
        if not isinstance(item, kind):
            raise InvalidValueError(field, item, f"is not a {kind.__name__}")
    return items


_JSON_SCALARS = (str, int, float, bool, type(None))


def _check_json(value: Any, path: str) -> None:
    if isinstance(value, _JSON_SCALARS):
        if isinstance(value, float) and value != value:
            raise InvalidValueError(path, value, "NaN cannot be stored")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidValueError(path, key, "keys must be text")
            _check_json(item, f"{path}.{key}")
        return
    raise InvalidValueError(path, value, "must be JSON data (text, number, bool, list, mapping)")


class _FrozenMapping(Mapping[str, Any]):
    """A read-only mapping of JSON values (an attributes mapping): lists become tuples and
    mappings read-only too, so a value shared by several holders (a cache, two stores)
    cannot be changed through any of them. Equal to a dict with the same items."""

    __slots__ = ("_items",)

    def __init__(self, items: dict[str, Any]) -> None:
        self._items = items

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return repr(self._items)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_FrozenMapping, (self._items,))


_EMPTY = _FrozenMapping({})


def _attributes(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if type(value) is _FrozenMapping:
        return value  # already checked and frozen: shared, since nobody can change it
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str or type(item) is not str:
                break
        else:  # flat text, the common case: nothing to check or freeze deeper
            return _FrozenMapping(dict(value)) if value else _EMPTY
    return _checked_attributes(value)


def _checked_attributes(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """:func:`_attributes` for any input: checked as JSON, then frozen all the way down."""
    if value is None:
        return _EMPTY
    if not isinstance(value, Mapping):
        raise InvalidValueError("attributes", value, "must be a mapping")
    _check_json(value, "attributes")
    return _FrozenMapping({key: _freeze(item) for key, item in value.items()})


def _freeze(value: Any) -> Any:
    """Tuples for lists, read-only mappings for mappings: values nobody can change."""
    if isinstance(value, Mapping):
        return _FrozenMapping({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(item) for item in value)
    return value


# ------------------------------------------------------------------------------------- contact


class Direction(str, enum.Enum):
    """Who started the contact."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class ContactStatus(str, enum.Enum):
    """Where a contact stands."""

    RECEIVED = "received"
    """Arrived, not handled yet."""
    IN_PROGRESS = "in_progress"
    HANDLED = "handled"
    """Answered or dealt with."""
    ABANDONED = "abandoned"
    """The customer left before it was handled (hung up, closed the chat)."""
    FAILED = "failed"
    """An outbound contact that did not reach the customer."""


def _direction(value: Direction | str) -> Direction:
    return _enum(Direction, "direction", value)


def _contact_status(value: ContactStatus | str) -> ContactStatus:
    return _enum(ContactStatus, "status", value)


@attrs.frozen(kw_only=True)
class Contact:
    """One interaction, inbound or outbound, on one channel.

    ``identifiers`` are what the channel saw of the customer (sender address, caller number,
    loyalty card …). ``source_id`` is the channel's own id for the event (a Message-ID, a
    call id); when it is given the contact's ``id`` is derived from it, so the same event
    delivered twice gives the same contact. ``occurred_at`` is kept in UTC. ``attributes``
    are JSON data kept read-only all the way down (lists read back as tuples), so a contact
    is a value that no holder of it, a store's cache included, can change.

    >>> from omnicontact import Normalizer
    >>> c = Contact(channel="phone", direction="inbound",
    ...             occurred_at=dt.datetime(2026, 3, 2, 10, 5, tzinfo=dt.timezone.utc),
    ...             identifiers=[Normalizer(default_region="FR").phone("06 12 34 56 78")],
    ...             intent="billing", source_id="call-881")
    >>> c.id == Contact.derive_id("phone", "call-881")
    True
    """

    channel: str = attrs.field(validator=_channel_name("channel"))
    direction: Direction = attrs.field(converter=_direction)
    occurred_at: dt.datetime = attrs.field(converter=_occurred_at)
    identifiers: tuple[Identifier, ...] = attrs.field(default=(), converter=_identifiers)
    intent: str | None = attrs.field(default=None, validator=_optional_text("intent"))
    subject: str | None = attrs.field(default=None, validator=_optional_text("subject"))
    summary: str | None = attrs.field(default=None, validator=_optional_text("summary"))
    status: ContactStatus = attrs.field(default=ContactStatus.RECEIVED, converter=_contact_status)
    case_id: str | None = attrs.field(default=None, validator=_optional_text("case_id"))
    attributes: Mapping[str, Any] = attrs.field(factory=dict, converter=_attributes, hash=False)
    source_id: str | None = attrs.field(default=None, validator=_optional_text("source_id"))
    id: str = attrs.field(validator=_optional_text("id"))

    @id.default
    def _default_id(self) -> str:
        if self.source_id is not None:
            return Contact.derive_id(self.channel, self.source_id)
        return str(uuid.uuid4())

    def __attrs_post_init__(self) -> None:
        if not self.id:
            raise InvalidValueError("id", self.id, "is empty")
        if self.source_id is not None and not self.source_id:
            raise InvalidValueError("source_id", self.source_id, "is empty")

    @staticmethod
    def derive_id(channel: str, source_id: str) -> str:
        """The contact id for event ``source_id`` on ``channel`` (stable across runs)."""
        return str(uuid.uuid5(_CONTACT_NAMESPACE, f"{channel}\x1f{source_id}"))

    @property
    def dedupe_key(self) -> tuple[str, str]:
        """What makes two deliveries one event: ``(channel, source_id or id)``."""
        return (self.channel, self.source_id if self.source_id is not None else self.id)


# ---------------------------------------------------------------------------------------- case


class CaseStatus(str, enum.Enum):
    """A case's place in its lifecycle."""

    OPEN = "open"
    PENDING = "pending"
    """Waiting on the customer or a third party."""
    RESOLVED = "resolved"


def _case_status(value: CaseStatus | str) -> CaseStatus:
    return _enum(CaseStatus, "status", value)


_TRANSITIONS = {
    CaseStatus.OPEN: frozenset({CaseStatus.PENDING, CaseStatus.RESOLVED}),
    CaseStatus.PENDING: frozenset({CaseStatus.OPEN, CaseStatus.RESOLVED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.OPEN}),
}


@attrs.frozen(kw_only=True)
class CaseContact:
    """A contact's place in a case: which contact, on which channel, when."""

    contact_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    channel: str = attrs.field(validator=_channel_name("channel"))
    occurred_at: dt.datetime = attrs.field(converter=_occurred_at)


@attrs.frozen(kw_only=True)
class CaseTransition:
    """One change of a case's status, with when and why."""

    status: CaseStatus = attrs.field(converter=_case_status)
    at: dt.datetime = attrs.field(converter=_at)
    reason: str = attrs.field(default="", validator=attrs.validators.instance_of(str))


def _case_contacts(value: Iterable[CaseContact]) -> tuple[CaseContact, ...]:
    return _typed_tuple(value, CaseContact, "case.contacts")


def _transitions(value: Iterable[CaseTransition]) -> tuple[CaseTransition, ...]:
    return _typed_tuple(value, CaseTransition, "case.history")


@attrs.frozen(kw_only=True)
class Case:
    """A matter, followed across contacts and channels, from opening to resolution.

    Adding a contact to a resolved case reopens it. Status changes follow
    ``open ⇄ pending → resolved → open``; the history of changes is kept.

    >>> t = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
    >>> email = Contact(channel="email", direction="inbound", occurred_at=t, source_id="m1")
    >>> call = Contact(channel="phone", direction="inbound",
    ...                occurred_at=t + dt.timedelta(days=1), source_id="c1")
    >>> case = Case.open_with(email, subject="Refund").with_contact(call)
    >>> case.channels
    ('email', 'phone')
    """

    id: str = attrs.field(validator=attrs.validators.instance_of(str))
    subject: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    opened_at: dt.datetime = attrs.field(converter=_opened_at)
    status: CaseStatus = attrs.field(default=CaseStatus.OPEN, converter=_case_status)
    contacts: tuple[CaseContact, ...] = attrs.field(default=(), converter=_case_contacts)
    history: tuple[CaseTransition, ...] = attrs.field(default=(), converter=_transitions)

    def __attrs_post_init__(self) -> None:
        if not self.id:
            raise InvalidValueError("case.id", self.id, "is empty")
        ids = [entry.contact_id for entry in self.contacts]
        if len(ids) != len(set(ids)):
            raise InvalidValueError("case.contacts", ids, "holds a contact twice")

    @classmethod
    def open_with(cls, contact: Contact, *, subject: str = "", id: str | None = None) -> Case:
        """A new open case started by ``contact`` (its id defaults to the contact's case_id)."""
        case_id = id or contact.case_id or f"case-{contact.id}"
        return cls(
            id=case_id,
            subject=subject or contact.subject or contact.intent or "",
            opened_at=contact.occurred_at,
            contacts=(_case_contact(contact),),
            history=(
                CaseTransition(
                    status=CaseStatus.OPEN,
                    at=contact.occurred_at,
                    reason=f"opened by contact {contact.id}",
                ),
            ),
        )

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels the case went through, in time order, each once."""
        ordered = sorted(self.contacts, key=lambda entry: entry.occurred_at)
        return tuple(dict.fromkeys(entry.channel for entry in ordered))

    @property
    def updated_at(self) -> dt.datetime:
        """The time of the last contact or status change."""
        times = [
            self.opened_at,
            *(e.occurred_at for e in self.contacts),
            *(h.at for h in self.history),
        ]
        return max(times)

    @property
    def is_open(self) -> bool:
        """Open or pending: not resolved."""
        return self.status is not CaseStatus.RESOLVED

    def with_contact(self, contact: Contact) -> Case:
        """This case with ``contact`` added; a resolved case is reopened by it.

        Adding a contact that is already in the case returns the case unchanged.
        """
        if any(entry.contact_id == contact.id for entry in self.contacts):
            return self
        updated = attrs.evolve(self, contacts=(*self.contacts, _case_contact(contact)))
        if self.status is CaseStatus.RESOLVED:
            return updated.transition(
                CaseStatus.OPEN, at=contact.occurred_at, reason=f"reopened by contact {contact.id}"
            )
        return updated

    def transition(self, status: CaseStatus | str, *, at: dt.datetime, reason: str = "") -> Case:
        """This case moved to ``status`` at ``at``."""
        target = _case_status(status)
        if target not in _TRANSITIONS[self.status]:
            raise CaseTransitionError(
                f"case {self.id!r} cannot go from {self.status.value} to {target.value}"
            )
        when = aware(at, field="at")
        if when < self.opened_at:
            raise InvalidValueError("at", at, "is before the case was opened")
        change = CaseTransition(status=target, at=when, reason=reason)
        return attrs.evolve(self, status=target, history=(*self.history, change))


def _case_contact(contact: Contact) -> CaseContact:
    return CaseContact(
        contact_id=contact.id, channel=contact.channel, occurred_at=contact.occurred_at
    )


# ----------------------------------------------------------------------------- consent


class Purpose:
    """Purposes consent is asked for. Any lowercase name works; these are the usual ones."""

    SERVICE = "service"
    """Answers about the customer's own requests and contracts."""
    TRANSACTIONAL = "transactional"
    """Receipts, delivery notices, security codes."""
    MARKETING = "marketing"
    """Offers and newsletters."""
    SALES_CALLS = "sales_calls"
    """Telephone canvassing."""
    SURVEYS = "surveys"


class ConsentStatus(str, enum.Enum):
    """What the customer said."""

    GRANTED = "granted"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"


# Which statement rules among those recorded at one instant: lowest first.
_PRECEDENCE = {ConsentStatus.WITHDRAWN: 0, ConsentStatus.DENIED: 1, ConsentStatus.GRANTED: 2}


def _consent_status(value: ConsentStatus | str) -> ConsentStatus:
    return _enum(ConsentStatus, "consent.status", value)


@attrs.frozen(kw_only=True)
class ContactPoint:
    """Where the company can reach a customer: an identifier on a channel.

    >>> from omnicontact import Normalizer
    >>> ContactPoint(channel="sms", identifier=Normalizer(default_region="FR")
    ...              .phone("06 12 34 56 78")).key
    'sms:+33612345678'
    """

    channel: str = attrs.field(validator=_channel_name("contact_point.channel"))
    identifier: Identifier

    def __attrs_post_init__(self) -> None:
        if type(self.identifier) not in _IDENTIFIER_CLASSES:
            raise InvalidValueError(
                "contact_point.identifier", self.identifier, "is not an identifier"
            )

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.identifier.key}"


@attrs.frozen(kw_only=True)
class Consent:
    """One statement of consent for a purpose on a contact point.

    ``source`` says where it was given (``"web-form"``, ``"branch"``, ``"call-recording"``),
    ``proof`` where the evidence lies; a grant may run ``until`` a time.
    """

    point: ContactPoint
    purpose: str = attrs.field(validator=_slug("consent.purpose"))
    status: ConsentStatus = attrs.field(converter=_consent_status)
    recorded_at: dt.datetime = attrs.field(converter=_recorded_at)
    source: str = attrs.field(validator=attrs.validators.instance_of(str))
    until: dt.datetime | None = attrs.field(default=None, converter=_until)
    proof: str | None = attrs.field(default=None, validator=_optional_text("consent.proof"))

    def __attrs_post_init__(self) -> None:
        if self.until is not None and self.until <= self.recorded_at:
            raise InvalidValueError("consent.until", self.until, "is not after recorded_at")


def _consents(value: Iterable[Consent]) -> tuple[Consent, ...]:
    return _typed_tuple(value, Consent, "consent_ledger.entries")


@attrs.frozen(kw_only=True)
class ConsentLedger:
    """Every consent statement for a customer; the latest one for a point and purpose rules.

    >>> from omnicontact import Normalizer
    >>> point = ContactPoint(channel="email", identifier=Normalizer().email("a@example.com"))
    >>> t = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    >>> ledger = ConsentLedger().record(Consent(point=point, purpose="marketing",
    ...     status="granted", recorded_at=t, source="web-form"))
    >>> ledger.allows(point, "marketing", at=t + dt.timedelta(days=1))
    True
    """

    entries: tuple[Consent, ...] = attrs.field(default=(), converter=_consents)

    def record(self, consent: Consent) -> ConsentLedger:
        """This ledger with ``consent`` added (recording the same statement twice is a no-op)."""
        if consent in self.entries:
            return self
        return ConsentLedger(entries=(*self.entries, consent))

    def current(self, point: ContactPoint, purpose: str, *, at: dt.datetime) -> Consent | None:
        """The statement in force at ``at``: the latest recorded at or before it.

        Between statements recorded at the same instant, a refusal wins over a grant (a
        withdrawal over a denial), and a grant that expires over one that does not (the
        earliest expiry first), so the answer never depends on the order of the entries.
        """
        when = aware(at, field="at")
        candidates = [
            entry
            for entry in self.entries
            if entry.point == point and entry.purpose == purpose and entry.recorded_at <= when
        ]
        if not candidates:
            return None
        latest = max(entry.recorded_at for entry in candidates)
        return min(
            (entry for entry in candidates if entry.recorded_at == latest),
            key=lambda e: (_PRECEDENCE[e.status], e.until is None, e.until or latest),
        )

    def status(self, point: ContactPoint, purpose: str, *, at: dt.datetime) -> ConsentStatus | None:
        """Granted, denied, withdrawn, or ``None`` when nothing is known or a grant expired."""
        entry = self.current(point, purpose, at=at)
        if entry is None:
            return None
        if entry.until is not None and aware(at, field="at") >= entry.until:
            return None
        return entry.status

    def allows(self, point: ContactPoint, purpose: str, *, at: dt.datetime) -> bool:
        """Whether a grant for ``purpose`` on ``point`` is in force at ``at``."""
        return self.status(point, purpose, at=at) is ConsentStatus.GRANTED


# ------------------------------------------------------------------------------- preferences


def _time(field: str) -> Any:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, dt.time) or value.tzinfo is not None:
            raise InvalidValueError(field, value, "must be a local time of day (no zone)")

    return check


def _weekdays(value: Iterable[int]) -> frozenset[int]:
    days = frozenset(value)
    if not days or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
        raise InvalidValueError("quiet_hours.days", value, "must be weekdays 0 (Monday) to 6")
    return days


@attrs.frozen(kw_only=True)
class QuietHours:
    """A daily window, in the customer's local time, when they must not be disturbed.

    ``start`` after ``end`` wraps past midnight (``21:00``–``08:00``). ``days`` are the
    weekdays (0 is Monday) on which the window starts.

    >>> QuietHours(start=dt.time(21), end=dt.time(8)).contains(dt.datetime(2026, 3, 2, 23, 0))
    True
    """

    start: dt.time = attrs.field(validator=_time("quiet_hours.start"))
    end: dt.time = attrs.field(validator=_time("quiet_hours.end"))
    days: frozenset[int] = attrs.field(default=frozenset(range(7)), converter=_weekdays)

    def __attrs_post_init__(self) -> None:
        if self.start == self.end:
            raise InvalidValueError("quiet_hours", self, "start and end are the same time")

    def contains(self, local: dt.datetime) -> bool:
        """Whether the local wall-clock time ``local`` falls in the window."""
        clock = local.time().replace(tzinfo=None)
        if self.start < self.end:
            return local.weekday() in self.days and self.start <= clock < self.end
        if clock >= self.start:
            return local.weekday() in self.days
        return clock < self.end and (local.weekday() - 1) % 7 in self.days


def _channel_tuple(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidValueError("preferences.channels", value, "must be a list of channel names")
    return tuple(dict.fromkeys(value))


def _channel_set(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise InvalidValueError("preferences.channels", value, "must be a list of channel names")
    return frozenset(value)


def _quiet_hours(value: Iterable[QuietHours]) -> tuple[QuietHours, ...]:
    return _typed_tuple(value, QuietHours, "preferences.quiet_hours")


@attrs.frozen(kw_only=True)
class Preferences:
    """How a customer likes to be contacted.

    >>> Preferences(preferred_channels=["email", "sms"], opted_out_channels={"phone"},
    ...             timezone="Europe/Paris", language="fr").zone.key
    'Europe/Paris'
    """

    preferred_channels: tuple[str, ...] = attrs.field(default=(), converter=_channel_tuple)
    opted_out_channels: frozenset[str] = attrs.field(default=frozenset(), converter=_channel_set)
    quiet_hours: tuple[QuietHours, ...] = attrs.field(default=(), converter=_quiet_hours)
    language: str | None = attrs.field(default=None)
    timezone: str | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        for name in (*self.preferred_channels, *self.opted_out_channels):
            _channel_name("preferences.channels")(self, None, name)
        both = set(self.preferred_channels) & self.opted_out_channels
        if both:
            raise InvalidValueError(
                "preferences", sorted(both), "a channel cannot be both preferred and opted out"
            )
        if self.language is not None and (
            not isinstance(self.language, str) or not _LANGUAGE.match(self.language)
        ):
            raise InvalidValueError(
                "preferences.language",
                self.language,
                "must be a language tag such as 'fr' or 'pt-BR'",
            )
        if self.timezone is not None:
            _zone(self.timezone, field="preferences.timezone")

    @property
    def zone(self) -> zoneinfo.ZoneInfo | None:
        """The customer's time zone, if known."""
        return None if self.timezone is None else zoneinfo.ZoneInfo(self.timezone)

    def in_quiet_hours(self, at: dt.datetime) -> bool:
        """Whether the instant ``at`` falls in quiet hours, in the customer's zone (UTC if none)."""
        local = aware(at, field="at").astimezone(self.zone or dt.timezone.utc)
        return any(window.contains(local) for window in self.quiet_hours)
