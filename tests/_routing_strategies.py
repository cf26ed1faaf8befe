"""Hypothesis strategies for routing tests: arbitrary policies, contacts and customer histories."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from omnicontact import (
    Consent,
    ConsentLedger,
    Contact,
    ContactPoint,
    Normalizer,
    PhoneNumber,
    Preferences,
    QuietHours,
)
from omnicontact.routing import (
    COMPLEXITIES,
    URGENCIES,
    Action,
    AllOf,
    AnyOf,
    BusinessCalendar,
    Compare,
    CustomerView,
    Interval,
    Not,
    Outcome,
    Policy,
    Predicate,
    Rule,
)

CHANNELS = ("phone", "chat", "email", "sms", "web", "app", "social")
PARIS_MOBILE = Normalizer().phone("+33 6 12 34 56 78")


def consenting(
    number: PhoneNumber = PARIS_MOBILE,
    *,
    purpose: str = "sales_calls",
    timezone: str | None = None,
    quiet_hours: tuple[QuietHours, ...] | list[QuietHours] = (),
) -> CustomerView:
    """A customer reachable by phone at ``number`` who gave provable consent to
    ``purpose`` on 1 January 2026."""
    point = ContactPoint(channel="phone", identifier=number)
    grant = Consent(
        point=point,
        purpose=purpose,
        status="granted",
        recorded_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        source="web-form",
        proof="recording-1",
    )
    return CustomerView(
        id="c-1",
        contact_points=[point],
        consents=ConsentLedger(entries=[grant]),
        preferences=Preferences(timezone=timezone, quiet_hours=quiet_hours),
    )


QUEUES = ("general", "billing", "care", "tech")
FLOWS = ("faq", "bot", "ivr-menu")
INTENTS = ("billing", "password", "mortgage", "outage", None)
T0 = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)

routes = st.sampled_from(["self_service", "human", "callback"])


@st.composite
def actions(draw: st.DrawFn) -> Action:
    route = draw(routes)
    target = draw(st.sampled_from(FLOWS if route == "self_service" else QUEUES))
    return Action(
        route=route,
        target=target,
        skills=draw(st.frozensets(st.sampled_from(["french", "refunds", "vip"]), max_size=2)),
        priority=draw(st.integers(0, 10)),
        channel=draw(st.none() | st.sampled_from(CHANNELS)),
        handoff=draw(st.none() | st.sampled_from(QUEUES)),
    )


_leaf_values: dict[str, Any] = {
    "intent": st.sampled_from(INTENTS),
    "channel": st.sampled_from(CHANNELS),
    "segment": st.sampled_from(["gold", "silver", None]),
    "urgency": st.sampled_from(URGENCIES),
    "complexity": st.sampled_from(COMPLEXITIES),
    "complaint": st.booleans(),
    "asked_for_human": st.booleans(),
    "repeat_contact": st.booleans(),
    "known_customer": st.booleans(),
}
_numeric = ["failed_self_service", "contacts_on_case", "contacts_on_topic", "urgency_level"]


@st.composite
def _leaves(draw: st.DrawFn) -> Any:
    if draw(st.booleans()):
        fact = draw(st.sampled_from(sorted(_leaf_values)))
        op = draw(st.sampled_from(["eq", "ne"]))
        return Compare(fact, op, draw(_leaf_values[fact]))
    if draw(st.booleans()):
        fact = draw(st.sampled_from(_numeric))
        op = draw(st.sampled_from(["lt", "le", "gt", "ge"]))
        return Compare(fact, op, draw(st.integers(0, 4)))
    if draw(st.booleans()):
        queue = draw(st.sampled_from(QUEUES))
        return Compare(f"queue_open.{queue}", "eq", draw(st.booleans()))
    flag = draw(st.booleans())
    return Predicate(lambda facts: flag, name=f"always {flag}")


conditions = st.recursive(
    _leaves(),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(AllOf),
        st.lists(inner, max_size=3).map(AnyOf),
        inner.map(Not),
    ),
    max_leaves=6,
)


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    weekly = {}
    for day in range(7):
        hours = sorted(draw(st.sets(st.integers(0, 23), max_size=4)))
        # distinct whole hours never overlap; 23:00-00:00 ends at midnight
        weekly[day] = [Interval(start=dt.time(h), end=dt.time((h + 1) % 24)) for h in hours]
    return BusinessCalendar(
        timezone=draw(st.sampled_from(["Europe/Paris", "America/New_York", "UTC"])),
        weekly=weekly,
        public_holidays=draw(st.none() | st.just("FR")),
    )


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    count = draw(st.integers(0, 6))
    rules = [
        Rule(id=f"r{index}", when=draw(conditions), then=draw(actions())) for index in range(count)
    ]
    queues = draw(st.lists(st.sampled_from(QUEUES), unique=True, max_size=len(QUEUES)))
    return Policy(
        id="generated",
        version=str(draw(st.integers(1, 9))),
        rules=rules,
        default=draw(actions()),
        human_queue=draw(st.sampled_from(QUEUES)),
        self_service_flow=draw(st.none() | st.sampled_from(FLOWS)),
        calendars={queue: draw(calendars()) for queue in queues},
        intent_complexity={"password": "low", "mortgage": "high"},
        max_failed_self_service=draw(st.integers(1, 4)),
        window=dt.timedelta(hours=draw(st.integers(1, 24 * 30))),
    )


instants = st.integers(0, 60 * 24 * 400).map(lambda minutes: T0 + dt.timedelta(minutes=minutes))


@st.composite
def contacts(draw: st.DrawFn, *, at: dt.datetime | None = None) -> Contact:
    attributes: dict[str, Any] = {}
    for key, strategy in (
        ("asked_for_human", st.booleans()),
        ("complaint", st.booleans()),
        ("urgency", st.sampled_from(URGENCIES)),
        ("sentiment", st.floats(-1, 1)),
    ):
        if draw(st.booleans()):
            attributes[key] = draw(strategy)
    return Contact(
        channel=draw(st.sampled_from(CHANNELS)),
        direction="inbound",
        occurred_at=at if at is not None else draw(instants),
        intent=draw(st.sampled_from(INTENTS)),
        case_id=draw(st.none() | st.sampled_from(["case-1", "case-2"])),
        attributes=attributes,
        source_id=draw(st.uuids()).hex,
    )


@st.composite
def preferences(draw: st.DrawFn) -> Preferences:
    opted_out = draw(st.frozensets(st.sampled_from(CHANNELS)))
    preferred = draw(st.lists(st.sampled_from(CHANNELS), unique=True, max_size=3))
    return Preferences(
        preferred_channels=[c for c in preferred if c not in opted_out],
        opted_out_channels=opted_out,
    )


POINTS = (
    ContactPoint(channel="phone", identifier=PARIS_MOBILE),
    ContactPoint(channel="sms", identifier=PARIS_MOBILE),
    ContactPoint(channel="email", identifier=Normalizer().email("anne@example.fr")),
)
"""Contact points a customer of the strategies may have."""


@st.composite
def histories(draw: st.DrawFn, contact: Contact) -> CustomerView:
    """A customer (or an unknown one) with past contacts before ``contact``."""
    if draw(st.booleans()):
        return CustomerView(preferences=draw(preferences()))
    past = []
    for index in range(draw(st.integers(0, 6))):
        ago = dt.timedelta(minutes=draw(st.integers(1, 60 * 24 * 20)))
        outcome = draw(st.sampled_from([Outcome.SELF_SERVICE_FAILED, Outcome.HUMAN_RESOLVED]))
        past.append(
            Contact(
                channel=draw(st.sampled_from(CHANNELS)),
                direction="inbound",
                occurred_at=contact.occurred_at - ago,
                intent=draw(st.sampled_from([contact.intent, *INTENTS])),
                case_id=draw(st.sampled_from([contact.case_id, None, "case-9"])),
                attributes={"outcome": outcome},
                source_id=f"past-{index}",
            )
        )
    return CustomerView(
        id="customer-1",
        segment=draw(st.sampled_from(["gold", "silver", None])),
        preferences=draw(preferences()),
        contact_points=draw(st.lists(st.sampled_from(POINTS), unique=True, max_size=3)),
        contacts=past,
    )


@st.composite
def situations(draw: st.DrawFn) -> tuple[Policy, Contact, CustomerView]:
    """A policy, an inbound contact and what is known of its customer."""
    policy = draw(policies())
    contact = draw(contacts())
    return policy, contact, draw(histories(contact))
