"""Typed usage of omnicontact.routing that mypy --strict must accept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from omnicontact import Consent, ConsentLedger, Contact, ContactPoint, Normalizer, Preferences
from omnicontact.exceptions import UngovernedPurposeError
from omnicontact.routing import (
    COMPLEXITIES,
    FACTS,
    GUARANTEES,
    OPERATORS,
    URGENCIES,
    WEEKDAYS,
    Action,
    AllOf,
    AnyOf,
    Area,
    BusinessCalendar,
    Change,
    Compare,
    Condition,
    CustomerView,
    DateException,
    Decision,
    Facts,
    FrequencyCap,
    Interval,
    JurisdictionPack,
    Not,
    OutboundDecision,
    OutboundPolicy,
    Outcome,
    Policy,
    PolicyDiff,
    Predicate,
    ReplayReport,
    Route,
    Rule,
    Signal,
    Verdict,
    Violation,
    compare_policies,
    customer_key,
    french_public_holidays,
    guarantee_violations,
    load_policy,
    may_contact,
    policy_from_dict,
    policy_from_json,
    policy_from_toml,
    public_holidays,
    read_contacts,
    replay,
)
from omnicontact.routing.packs import FRANCE, FRENCH_AREAS, FRENCH_CALLING_HOURS

UTC = dt.timezone.utc


def is_gold(facts: Facts) -> bool:
    segment: str | None = facts.customer.segment
    return segment == "gold" and facts["urgency"] != "low"


def build_policy() -> Policy:
    care_hours = BusinessCalendar(
        timezone="Europe/Paris",
        weekly={"mon": ["09:00-12:30", Interval.parse("13:30-18:00")]},
        public_holidays="FR",
        exceptions=[DateException(date=dt.date(2026, 5, 14), intervals=["10:00-12:00"])],
    )
    complaint: Condition = AnyOf(
        [Compare("complaint", "eq", True), Compare("sentiment", "le", -0.6)]
    )
    urgent: Condition = AllOf(
        [Compare("intent", "eq", "technical_fault"), Not(Compare("urgency", "eq", "low"))]
    )
    rules: list[Rule] = [
        Rule(id="complaints", when=complaint, then=Action(route=Route.HUMAN, target="care")),
        Rule(
            id="urgent",
            when=urgent,
            then=Action(route="human", target="tech", skills={"network"}, priority=9),
        ),
        Rule(id="gold", when=is_gold, then=Action(route="callback", target="premium")),
        Rule(
            id="named",
            when=Predicate(lambda facts: facts.contact.intent is None, name="no intent"),
            then=Action(route="self_service", target="triage", handoff="general"),
        ),
    ]
    return Policy(
        id="typed",
        version="1",
        rules=rules,
        default=Action(route="self_service", target="help-centre"),
        calendars={"care": care_hours},
        intent_complexity={"mortgage": "high"},
        max_failed_self_service=3,
        window=dt.timedelta(days=3),
    )


def decide(policy: Policy) -> tuple[str, str, Sequence[str]]:
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    contact = Contact(
        channel="chat",
        direction="inbound",
        occurred_at=at,
        intent="mortgage",
        source_id="chat-1",
        attributes={Signal.ASKED_FOR_HUMAN: True},
    )
    past = Contact(
        channel="web",
        direction="inbound",
        occurred_at=at - dt.timedelta(hours=1),
        source_id="web-1",
        attributes={Signal.OUTCOME: Outcome.SELF_SERVICE_FAILED},
    )
    customer = CustomerView(id="c-1", segment="gold", value=1200.0, contacts=[past])
    clock: Callable[[], dt.datetime] = lambda: at  # noqa: E731
    decision: Decision = policy.decide(contact, customer, clock=clock)
    route: Route = decision.route
    callback_at: dt.datetime | None = decision.callback_at
    facts: Facts = policy.facts(contact, customer, at=at)
    broken: list[str] = guarantee_violations(policy, facts, decision)
    open_now: bool = facts.queue_open("care")
    del route, callback_at, broken, open_now
    return decision.label, decision.explain(), decision.rule_ids


def calendars() -> dt.datetime | None:
    calendar = BusinessCalendar.always_open("UTC")
    at = dt.datetime(2026, 12, 25, 10, 0, tzinfo=UTC)
    closed: bool = calendar.is_holiday(at.date())
    spans: tuple[Interval, ...] = calendar.intervals_on(at.date())
    holidays: frozenset[dt.date] = french_public_holidays(2026)
    reunion_days: frozenset[dt.date] = public_holidays("FR-974", 2026)
    moved: BusinessCalendar = calendar.moved_to("Indian/Reunion", "FR-974")
    del closed, spans, holidays, reunion_days, moved
    return calendar.next_opening(at, horizon_days=30)


def load(path: Path, text: str, data: Mapping[str, object]) -> list[Policy]:
    return [
        load_policy(path),
        policy_from_toml(text, file="policy.toml"),
        policy_from_json(text.encode(), file="policy.json"),
        policy_from_dict(data),
    ]


def outbound(customer: CustomerView, at: dt.datetime) -> tuple[Verdict, dt.datetime | None]:
    normalize = Normalizer(default_region="FR")
    phone = ContactPoint(channel="phone", identifier=normalize.phone("06 12 34 56 78"))
    ledger = ConsentLedger().record(
        Consent(
            point=phone,
            purpose="sales_calls",
            status="granted",
            recorded_at=at,
            source="web-form",
            proof="recording-1",
        )
    )
    pack: JurisdictionPack = FRANCE
    policy = OutboundPolicy(
        packs=[pack],
        caps=[FrequencyCap(id="cap.week", max_contacts=2, window=dt.timedelta(days=7))],
    )
    who = CustomerView(
        contact_points=[phone], consents=ledger, preferences=Preferences(timezone="Europe/Paris")
    )
    answer: OutboundDecision = policy.may_contact(
        who, "phone", "sales_calls", at, point=phone, ongoing_contract=False
    )
    plain: OutboundDecision = may_contact(customer, "email", "marketing", at, policy=policy)
    allowed: bool = plain.allowed
    citations: tuple[str, ...] = answer.citations
    calling_hours: BusinessCalendar = FRENCH_CALLING_HOURS
    areas: tuple[Area, ...] = FRENCH_AREAS
    area: Area | None = pack.area("RE", policy.local_zone(who, phone))
    governs: frozenset[tuple[str, str]] = pack.governs
    unregulated: frozenset[str] = policy.unregulated_purposes
    try:
        policy.may_contact(who, "phone", "marketing", at)
    except UngovernedPurposeError as error:
        asked: tuple[str, str] = (error.channel, error.purpose)
        del asked
    del allowed, citations, calling_hours, areas, area, governs, unregulated
    return answer.verdict, answer.until


def replays(before: Policy, after: Policy, path: Path) -> dict[str, float]:
    history: list[Contact] = read_contacts(path)
    key: str | None = customer_key(history[0])
    report: ReplayReport = replay(
        before, history, customers={"c-1": CustomerView(id="c-1")}, keep_decisions=True
    )
    violations: tuple[Violation, ...] = report.violations
    peak: tuple[str, int] | None = report.peak("care")
    diff: PolicyDiff = compare_policies(before, after, history)
    changes: tuple[Change, ...] = diff.changes
    shifts: dict[tuple[str, str], int] = diff.shifts
    del key, violations, peak, changes, shifts
    return {"self_service": report.share(Route.SELF_SERVICE), **report.shares()}


def constants() -> list[object]:
    return [COMPLEXITIES, FACTS, GUARANTEES, OPERATORS, URGENCIES, WEEKDAYS]
