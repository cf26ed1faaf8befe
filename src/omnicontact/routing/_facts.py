"""Facts: what a routing policy may look at, computed from a contact and the customer's history.

The customer's history is plain data (:class:`CustomerView`): the contacts and cases known for
them, their preferences and consents. Nothing here needs a resolver or a store, and an unknown
customer is simply a view with no history.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from .._model import Case, CaseStatus, ConsentLedger, Contact, ContactPoint, Direction, Preferences
from ..exceptions import InvalidValueError
from ._calendar import BusinessCalendar

__all__ = [
    "COMPLEXITIES",
    "FACTS",
    "URGENCIES",
    "CustomerView",
    "Facts",
    "Outcome",
    "Signal",
]

URGENCIES = ("low", "normal", "high", "critical")
"""Urgency levels, lowest first (the fact ``urgency_level`` is the index)."""

COMPLEXITIES = ("low", "medium", "high")
"""Complexity levels of an intent, lowest first (``complexity_level`` is the index)."""


class Signal:
    """Keys of :attr:`Contact.attributes` the routing facts read (set by the channel or a bot)."""

    ASKED_FOR_HUMAN = "asked_for_human"
    """``true`` when the customer explicitly asked for a person."""
    URGENCY = "urgency"
    """One of :data:`URGENCIES`."""
    SENTIMENT = "sentiment"
    """A score from -1 (very negative) to 1."""
    COMPLAINT = "complaint"
    """``true`` when the contact is a complaint."""
    COMPLEXITY = "complexity"
    """One of :data:`COMPLEXITIES`; overrides the policy's table of intents."""
    TOPIC = "topic"
    """The matter, when finer than the intent (defaults to the intent)."""
    OUTCOME = "outcome"
    """How a past contact ended: one of :class:`Outcome`."""
    PURPOSE = "purpose"
    """Why an outbound contact was made (``marketing``, ``sales_calls`` …)."""
    CUSTOMER_ID = "customer_id"
    """The customer's id, when the contact was resolved (used by replay)."""


class Outcome:
    """Values of the ``outcome`` attribute on past contacts."""

    SELF_SERVICE_RESOLVED = "self_service_resolved"
    SELF_SERVICE_FAILED = "self_service_failed"
    """Self-service did not solve the matter (the customer gave up or was stuck)."""
    HUMAN_RESOLVED = "human_resolved"
    REFUSED = "refused"
    """The customer refused an outbound sales contact."""


def _contacts(value: Iterable[Contact]) -> tuple[Contact, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Contact):
            raise InvalidValueError("customer.contacts", item, "is not a Contact")
    return tuple(sorted(items, key=lambda c: (c.occurred_at, c.id)))


def _cases(value: Iterable[Case]) -> tuple[Case, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Case):
            raise InvalidValueError("customer.cases", item, "is not a Case")
    return items


def _points(value: Iterable[ContactPoint]) -> tuple[ContactPoint, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, ContactPoint):
            raise InvalidValueError("customer.contact_points", item, "is not a ContactPoint")
    return items


def _value(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidValueError("customer.value", value, "must be a finite number")


# Immutable values, so one shared empty instance serves every view.
_NO_PREFERENCES = Preferences()
_NO_CONSENTS = ConsentLedger()


@attrs.frozen(kw_only=True)
class CustomerView:
    """What is known of a customer, as plain data; every field is optional.

    ``contacts`` is their history (inbound and outbound, any channel), ``cases`` their
    matters, ``segment`` and ``value`` how the business ranks them.

    >>> CustomerView().known
    False
    >>> CustomerView(id="c-1", segment="gold").known
    True
    """

    id: str | None = attrs.field(default=None)
    segment: str | None = attrs.field(default=None)
    value: float | None = attrs.field(default=None, validator=_value)
    preferences: Preferences = attrs.field(
        default=_NO_PREFERENCES, validator=attrs.validators.instance_of(Preferences)
    )
    consents: ConsentLedger = attrs.field(
        default=_NO_CONSENTS, validator=attrs.validators.instance_of(ConsentLedger)
    )
    contact_points: tuple[ContactPoint, ...] = attrs.field(default=(), converter=_points)
    contacts: tuple[Contact, ...] = attrs.field(default=(), converter=_contacts)
    cases: tuple[Case, ...] = attrs.field(default=(), converter=_cases)

    @property
    def known(self) -> bool:
        """Whether the customer was identified (has an id)."""
        return self.id is not None

    def case(self, case_id: str) -> Case | None:
        """The case with id ``case_id``, if known."""
        for case in self.cases:
            if case.id == case_id:
                return case
        return None


_UNKNOWN = CustomerView()
# Slot setters of the frozen class (which skip its refusal to be modified once built), with
# the values of an empty view.
_EMPTY_VIEW = tuple(
    (getattr(CustomerView, field.name).__set__, getattr(_UNKNOWN, field.name))
    for field in attrs.fields(CustomerView)
    if field.name not in ("id", "contacts")
)
_set_view_id = getattr(CustomerView, "id").__set__  # noqa: B009 - the slot, not the field
_set_view_contacts = getattr(CustomerView, "contacts").__set__  # noqa: B009 - the slot


def trusted_view(id: str, contacts: tuple[Contact, ...]) -> CustomerView:
    """``CustomerView(id=id, contacts=contacts)`` without validation, for ``contacts``
    already checked and in time order (replay's history of one customer)."""
    view: CustomerView = object.__new__(CustomerView)
    for setter, value in _EMPTY_VIEW:
        setter(view, value)
    _set_view_id(view, id)
    _set_view_contacts(view, contacts)
    return view


_MISSING = object()


def _bool_signal(contact: Contact, key: str) -> bool:
    value = contact.attributes.get(key, False)
    if not isinstance(value, bool):
        raise InvalidValueError(f"attributes.{key}", value, "must be true or false")
    return value


def _choice_signal(contact: Contact, key: str, allowed: tuple[str, ...]) -> str | None:
    value = contact.attributes.get(key)
    if value is not None and value not in allowed:
        raise InvalidValueError(f"attributes.{key}", value, f"must be one of: {', '.join(allowed)}")
    return value


class Facts:
    """The facts about one contact at one instant, computed on first use and then kept.

    Read a fact by name (``facts["urgency"]``); the names and their meaning are in
    :data:`FACTS`, plus two families: ``queue_open.<queue>`` and ``attribute.<key>`` (a raw
    contact attribute). Python predicates may also use :attr:`contact`, :attr:`customer` and
    :attr:`at` directly.
    """

    __slots__ = ("_cache", "_calendars", "_complexity", "_window", "at", "contact", "customer")

    def __init__(
        self,
        contact: Contact,
        customer: CustomerView | None = None,
        *,
        at: dt.datetime | None = None,
        window: dt.timedelta = dt.timedelta(days=7),
        intent_complexity: Mapping[str, str] | None = None,
        calendars: Mapping[str, BusinessCalendar] | None = None,
    ) -> None:
        self.contact = contact
        self.customer = _UNKNOWN if customer is None else customer
        self.at = contact.occurred_at if at is None else at
        self._window = window
        self._complexity = intent_complexity or {}
        self._calendars = calendars or {}
        self._cache: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        value = self._cache.get(name, _MISSING)
        if value is not _MISSING:
            return value
        getter = FACTS.get(name)
        if getter is not None:
            value = getter[1](self)
        elif name.startswith("queue_open."):
            value = self.queue_open(name[len("queue_open.") :])
        elif name.startswith("attribute."):
            value = self.contact.attributes.get(name[len("attribute.") :])
        else:
            raise KeyError(name)
        self._cache[name] = value
        return value

    def queue_open(self, queue: str) -> bool:
        """Whether ``queue`` is open now (a queue without a calendar is always open)."""
        calendar = self._calendars.get(queue)
        return True if calendar is None else calendar.is_open(self.at)

    # ---- history, computed once

    def _recent(self) -> tuple[Contact, ...]:
        """Past contacts of the customer within the window, this contact excluded."""
        cached = self._cache.get("_recent")
        if cached is None:
            since = self.at - self._window
            me = self.contact.id
            cached = tuple(
                past
                for past in self.customer.contacts
                if since <= past.occurred_at <= self.at and past.id != me
            )
            self._cache["_recent"] = cached
        return cached

    def _topic(self) -> str | None:
        topic = self.contact.attributes.get(Signal.TOPIC)
        return topic if isinstance(topic, str) else self.contact.intent

    def _same_matter(self, past: Contact) -> bool:
        if self.contact.case_id is not None:
            return past.case_id == self.contact.case_id
        topic = self._topic()
        if topic is None:
            return True
        past_topic = past.attributes.get(Signal.TOPIC)
        return (past_topic if isinstance(past_topic, str) else past.intent) == topic


def _complexity(facts: Facts) -> str | None:
    given = _choice_signal(facts.contact, Signal.COMPLEXITY, COMPLEXITIES)
    if given is not None:
        return given
    intent = facts.contact.intent
    return None if intent is None else facts._complexity.get(intent)


def _level(value: str | None, scale: tuple[str, ...]) -> int | None:
    return None if value is None else scale.index(value)


def _sentiment(facts: Facts) -> float | None:
    value = facts.contact.attributes.get(Signal.SENTIMENT)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -1 <= value <= 1:
        raise InvalidValueError("attributes.sentiment", value, "must be a number from -1 to 1")
    return float(value)


def _contacts_on_case(facts: Facts) -> int:
    case_id = facts.contact.case_id
    if case_id is None:
        return 0
    return sum(1 for past in facts._recent() if past.case_id == case_id)


def _contacts_on_topic(facts: Facts) -> int:
    topic = facts._topic()
    if topic is None:
        return 0
    return sum(
        1
        for past in facts._recent()
        if past.direction is Direction.INBOUND
        and (past.attributes.get(Signal.TOPIC) or past.intent) == topic
    )


def _case_open(facts: Facts) -> bool:
    case_id = facts.contact.case_id
    if case_id is None:
        return False
    case = facts.customer.case(case_id)
    return case is None or case.status is not CaseStatus.RESOLVED


def _repeat_contact(facts: Facts) -> bool:
    return bool(facts["case_open"] and facts["contacts_on_case"] > 0)


def _failed_self_service(facts: Facts) -> int:
    return sum(
        1
        for past in facts._recent()
        if past.attributes.get(Signal.OUTCOME) == Outcome.SELF_SERVICE_FAILED
        and facts._same_matter(past)
    )


def _preferred(facts: Facts) -> str | None:
    channels = facts.customer.preferences.preferred_channels
    return channels[0] if channels else None


FACTS: dict[str, tuple[str, Callable[[Facts], Any]]] = {
    "intent": ("the contact's intent (text or null)", lambda f: f.contact.intent),
    "topic": ("the matter: the topic attribute, else the intent", lambda f: f._topic()),
    "complexity": (
        "low, medium or high: the complexity attribute, else the policy's intents table",
        _complexity,
    ),
    "complexity_level": (
        "complexity as 0, 1, 2 (null if unknown)",
        lambda f: _level(f["complexity"], COMPLEXITIES),
    ),
    "channel": ("the channel the contact came on", lambda f: f.contact.channel),
    "direction": ("inbound or outbound", lambda f: f.contact.direction.value),
    "known_customer": ("whether the customer was identified", lambda f: f.customer.known),
    "segment": ("the customer's segment (null if unknown)", lambda f: f.customer.segment),
    "customer_value": ("the customer's value (null if unknown)", lambda f: f.customer.value),
    "urgency": (
        "low, normal, high or critical (normal when not given)",
        lambda f: _choice_signal(f.contact, Signal.URGENCY, URGENCIES) or "normal",
    ),
    "urgency_level": ("urgency as 0 to 3", lambda f: _level(f["urgency"], URGENCIES)),
    "sentiment": ("sentiment score from -1 to 1 (null if unknown)", _sentiment),
    "complaint": (
        "whether the contact is a complaint",
        lambda f: _bool_signal(f.contact, Signal.COMPLAINT),
    ),
    "asked_for_human": (
        "whether the customer asked for a person",
        lambda f: _bool_signal(f.contact, Signal.ASKED_FOR_HUMAN),
    ),
    "case_open": (
        "whether the contact is on a case not known to be resolved",
        _case_open,
    ),
    "contacts_on_case": (
        "earlier contacts on the same case within the policy window",
        _contacts_on_case,
    ),
    "contacts_on_topic": (
        "earlier inbound contacts on the same topic within the policy window",
        _contacts_on_topic,
    ),
    "repeat_contact": (
        "whether this is a repeat contact on an open case within the window",
        _repeat_contact,
    ),
    "failed_self_service": (
        "failed self-service attempts on the same matter (same case, else same topic; "
        "with neither, any) within the window",
        _failed_self_service,
    ),
    "preferred_channel": ("the customer's first preferred channel (or null)", _preferred),
    "preferred_channels": (
        "the customer's preferred channels, in order",
        lambda f: list(f.customer.preferences.preferred_channels),
    ),
    "opted_out_channels": (
        "channels the customer opted out of",
        lambda f: sorted(f.customer.preferences.opted_out_channels),
    ),
    "language": ("the customer's language (or null)", lambda f: f.customer.preferences.language),
}
"""Every fact a policy can name without code: name → (meaning, how it is computed)."""


def is_fact_name(name: str, queues: Iterable[str] | None = None) -> bool:
    """Whether ``name`` is a fact (``queues`` limits ``queue_open.<queue>`` to known queues)."""
    if name in FACTS:
        return True
    if name.startswith("attribute.") and len(name) > len("attribute."):
        return True
    if name.startswith("queue_open.") and len(name) > len("queue_open."):
        return queues is None or name[len("queue_open.") :] in set(queues)
    return False
