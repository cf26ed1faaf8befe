"""Property tests: the fast paths of routing decide exactly as a plain reference evaluation.

The policy indexes its rules by the plain field they test, calendars cache their hours and
openings, and decisions are built without re-validation. Each reference below is the
straightforward definition — every rule tested in order by an interpreter of the condition
tree, calendars read through local time — and must agree on every generated input,
including which Python predicates run, in which order, and which errors are raised.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _routing_strategies import CHANNELS, INTENTS, actions, histories
from omnicontact import Contact
from omnicontact.routing import (
    URGENCIES,
    Action,
    AllOf,
    AnyOf,
    BusinessCalendar,
    Compare,
    Condition,
    CustomerView,
    DateException,
    Decision,
    Facts,
    Interval,
    Not,
    Policy,
    Predicate,
    Route,
    Rule,
    replay,
)

QUEUES = ("general", "billing", "care")
SEGMENTS = ("gold", "silver", "platinum", None)
ZONES = (
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Australia/Lord_Howe",  # a 30-minute daylight saving shift
    "Asia/Kathmandu",  # UTC+05:45
    "America/St_Johns",  # UTC-03:30
)


class Boom(Exception):
    """Raised by a generated predicate."""


# ---- the reference evaluation


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def holds(condition: Condition, facts: Facts) -> bool:
    """Interpret ``condition`` directly, reading every fact by name."""
    if isinstance(condition, AllOf):
        return all(holds(item, facts) for item in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(holds(item, facts) for item in condition.conditions)
    if isinstance(condition, Not):
        return not holds(condition.condition, facts)
    if isinstance(condition, Predicate):
        return bool(condition.function(facts))
    value, wanted, op = facts[condition.fact], condition.value, condition.op
    if op == "eq":
        return bool(value == wanted)
    if op == "ne":
        return bool(value != wanted)
    if op == "in":
        return any(value == member for member in wanted)
    if op == "not_in":
        return not any(value == member for member in wanted)
    if op == "exists":
        return (value is not None) is wanted
    if op == "contains":
        return isinstance(value, (list, tuple, str, set, frozenset)) and wanted in value
    if not _number(value):
        return False
    return {
        "lt": value < wanted,
        "le": value <= wanted,
        "gt": value > wanted,
        "ge": value >= wanted,
    }[op]


def reference_is_open(calendar: BusinessCalendar, at: dt.datetime) -> bool:
    local = at.astimezone(calendar.zone)
    minute = local.hour * 60 + local.minute
    return any(
        span.start_minute <= minute < span.end_minute
        for span in calendar.intervals_on(local.date())
    )


def reference_next_opening(
    calendar: BusinessCalendar, at: dt.datetime, horizon_days: int = 400
) -> dt.datetime | None:
    if reference_is_open(calendar, at):
        return at.astimezone(dt.timezone.utc)
    local = at.astimezone(calendar.zone)
    minute = local.hour * 60 + local.minute
    for offset in range(horizon_days + 1):
        day = local.date() + dt.timedelta(days=offset)
        for span in calendar.intervals_on(day):
            if offset == 0 and span.start_minute <= minute:
                continue
            naive = dt.datetime.combine(day, span.start)
            opening = naive.replace(tzinfo=calendar.zone).astimezone(dt.timezone.utc)
            if opening > at:
                return opening
    return None


def reference_decide(policy: Policy, contact: Contact, customer: CustomerView) -> Decision:
    """Every rule in order, then the guarantees as documented, built with validation."""
    at = contact.occurred_at
    facts = Facts(
        contact,
        customer,
        at=at,
        window=policy.window,
        intent_complexity=policy.intent_complexity,
        calendars=policy.calendars,
    )
    for rule in policy.rules:
        if holds(rule.when, facts):
            action, ids, reasons = rule.then, [rule.id], [rule.reason]
            break
    else:
        action, ids = policy.default, ["default"]
        reasons = [action.reason or "no rule matched: the policy's default applies"]
    route, target, skills = action.route, action.target, action.skills
    needs = []
    if facts["asked_for_human"]:
        needs.append(("guarantee.human-request", "the customer asked for a person"))
    failed, most = facts["failed_self_service"], policy.max_failed_self_service
    if failed >= most:
        needs.append(
            (
                "guarantee.failed-self-service",
                f"{failed} failed self-service attempts on this matter "
                f"(a person takes over from {most})",
            )
        )
    if facts["repeat_contact"]:
        window = policy.window
        span = (
            f"{window.days} day" + ("s" if window.days != 1 else "")
            if window % dt.timedelta(days=1) == dt.timedelta(0)
            else f"{window / dt.timedelta(hours=1):g} hours"
        )
        needs.append(
            (
                "guarantee.repeat-contact",
                f"repeat contact on open case {contact.case_id} within {span}: "
                "self-service is skipped",
            )
        )
    if needs and route is Route.SELF_SERVICE:
        route, target, skills = Route.HUMAN, action.handoff or policy.human_queue, frozenset()
        ids += [need[0] for need in needs]
        reasons += [need[1] for need in needs]
    elif facts["asked_for_human"] and route is Route.CALLBACK:
        route = Route.HUMAN
        ids.append("guarantee.human-request")
        reasons.append("the customer asked for a person: a live advisor rather than a callback")
    callback_at = meanwhile = queue_open = None
    if route is not Route.SELF_SERVICE:
        calendar = policy.calendars.get(target)
        queue_open = calendar is None or reference_is_open(calendar, at)
        if queue_open and route is Route.CALLBACK:
            callback_at = at
        elif not queue_open:
            assert calendar is not None
            if route is Route.HUMAN:
                ids.append("guarantee.closed-queue")
            route, meanwhile = Route.CALLBACK, policy.self_service_flow
            callback_at = reference_next_opening(calendar, at)
            reasons.append(
                f"queue {target!r} is closed: callback at its next opening"
                if callback_at is not None
                else f"queue {target!r} is closed with no opening in the next 400 days: "
                "the callback is to be scheduled by a supervisor"
            )
    opted_out = customer.preferences.opted_out_channels
    first = action.channel or (
        policy.callback_channel if route is Route.CALLBACK else contact.channel
    )
    channel: str | None = first
    if first in opted_out:
        ids.append("guarantee.opt-out")
        others = [
            (contact.channel, "the channel they came on"),
            *((c, "a channel they prefer") for c in customer.preferences.preferred_channels),
            *((p.channel, "where they have a contact point") for p in customer.contact_points),
        ]
        allowed = [(c, why) for c, why in others if c not in opted_out]
        channel = allowed[0][0] if allowed else None
        reasons.append(
            f"the customer opted out of {first}: {channel}, {allowed[0][1]}, is suggested instead"
            if allowed
            else f"the customer opted out of {first}, and of the channel they came on, every "
            "channel they prefer and every channel of their contact points: no channel is "
            "suggested"
        )
    return Decision(
        route=route,
        target=target,
        skills=skills,
        priority=action.priority,
        channel=channel,
        callback_at=callback_at,
        meanwhile=meanwhile,
        queue_open=queue_open,
        reasons=reasons,
        rule_ids=ids,
        policy_id=policy.id,
        policy_version=policy.version,
        contact_id=contact.id,
        decided_at=at,
    )


def outcome(function: Callable[[], Any]) -> tuple[str, Any]:
    """What calling ``function`` gives: its value, or the type and text of its error."""
    try:
        return "value", function()
    except Exception as error:  # any error must be the same on both sides
        return "error", (type(error), str(error))


# ---- strategies biased towards what the fast paths treat specially

_values: dict[str, Any] = {
    "intent": st.sampled_from(INTENTS),
    "channel": st.sampled_from(CHANNELS),
    "segment": st.sampled_from(SEGMENTS),
}


@st.composite
def direct_leaves(draw: st.DrawFn, calls: list[str]) -> Condition:
    """Comparisons on plain fields (indexable or not), facts that may raise, and predicates
    that record their calls or raise."""
    kind = draw(st.integers(0, 7))
    if kind <= 3:
        fact = draw(st.sampled_from(sorted(_values)))
        op = draw(st.sampled_from(["eq", "eq", "in", "exists", "ne", "not_in"]))
        if op == "exists":
            return Compare(fact, op, draw(st.booleans()))
        if op in ("in", "not_in"):
            return Compare(fact, op, draw(st.lists(_values[fact], max_size=3)))
        return Compare(fact, op, draw(_values[fact] | st.just(7)))
    if kind == 4:
        return Compare("complexity", "eq", draw(st.sampled_from(["low", "high"])))
    if kind == 5:
        return Compare("urgency", "ne", draw(st.sampled_from(URGENCIES)))
    name, flag = f"p{draw(st.integers(0, 99))}", draw(st.sampled_from([True, False, None]))

    def predicate(_facts: Facts) -> bool:
        calls.append(name)
        if flag is None:
            raise Boom(name)
        return flag

    return Predicate(predicate, name=name)


def conditions(calls: list[str]) -> st.SearchStrategy[Condition]:
    leaves = direct_leaves(calls)
    nested = st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(AllOf),
            st.lists(inner, max_size=3).map(AnyOf),
            inner.map(Not),
        ),
        max_leaves=5,
    )
    return st.one_of(
        leaves,
        st.lists(leaves, min_size=1, max_size=3).map(AllOf),
        st.lists(leaves, min_size=1, max_size=3).map(AnyOf),
        nested,
    )


@st.composite
def spans(draw: st.DrawFn) -> list[Interval]:
    """Non-overlapping intervals on odd minutes, the last possibly ending at midnight."""
    cuts = sorted(draw(st.sets(st.integers(0, 24 * 60), max_size=6)))
    cuts = cuts[: len(cuts) // 2 * 2]
    return [
        Interval(start=dt.time(a // 60, a % 60), end=dt.time(b // 60 % 24, b % 60))
        for a, b in zip(cuts[::2], cuts[1::2], strict=True)
    ]


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    weekly = {day: draw(spans()) for day in range(7)}
    exceptions = draw(
        st.lists(
            st.builds(
                DateException,
                date=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
                intervals=spans(),
            ),
            max_size=3,
            unique_by=lambda item: item.date,
        )
    )
    return BusinessCalendar(
        timezone=draw(st.sampled_from(ZONES)),
        weekly=weekly,
        public_holidays=draw(st.none() | st.just("FR")),
        holidays=draw(st.frozensets(st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)))),
        exceptions=exceptions,
    )


@st.composite
def indexed_policies(draw: st.DrawFn, calls: list[str]) -> Policy:
    rules = [
        Rule(id=f"r{n}", when=draw(conditions(calls)), then=draw(actions()))
        for n in range(draw(st.integers(0, 8)))
    ]
    return Policy(
        id="generated",
        version="1",
        rules=rules,
        default=draw(actions()),
        human_queue=draw(st.sampled_from(QUEUES)),
        self_service_flow=draw(st.none() | st.just("faq")),
        calendars={queue: draw(calendars()) for queue in draw(st.sets(st.sampled_from(QUEUES)))},
        intent_complexity={"password": "low", "mortgage": "high"},
        max_failed_self_service=draw(st.integers(1, 3)),
        window=dt.timedelta(hours=draw(st.integers(1, 24 * 30))),
    )


def _transitions(zone: str, year: int) -> list[dt.datetime]:
    """The instants (UTC, to the second) at which ``zone`` changes its offset in ``year``."""
    tz = zoneinfo.ZoneInfo(zone)
    found = []
    start = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc)
    for step in range(366 * 4):  # offsets change at most once in six hours
        low, high = start + dt.timedelta(hours=6 * step), start + dt.timedelta(hours=6 * step + 6)
        if low.astimezone(tz).utcoffset() != high.astimezone(tz).utcoffset():
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                same = middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            found.append(high.replace(microsecond=0))
    return found


TRANSITIONS = sorted(
    t for zone in ZONES for year in (2025, 2026, 2027) for t in _transitions(zone, year)
)
T0 = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)
# Over a year, within two hours of a change of offset of one of the zones, to the microsecond.
instants = st.one_of(
    st.integers(0, 400 * 86400).map(lambda s: T0 + dt.timedelta(seconds=s)),
    st.builds(
        lambda t, s: t + dt.timedelta(microseconds=s),
        st.sampled_from(TRANSITIONS),
        st.integers(-7200 * 10**6, 7200 * 10**6),
    ),
    st.datetimes(
        min_value=dt.datetime(2025, 1, 1),
        max_value=dt.datetime(2027, 12, 31),
        timezones=st.sampled_from([dt.timezone.utc, *map(zoneinfo.ZoneInfo, ZONES)]),
    ),
)


@st.composite
def inbound(draw: st.DrawFn) -> Contact:
    attributes: dict[str, Any] = {}
    for key, values in (
        ("asked_for_human", st.booleans()),
        ("urgency", st.sampled_from([*URGENCIES, "unheard-of"])),
        ("complexity", st.sampled_from(["low", "high", "bogus"])),
    ):
        if draw(st.booleans()):
            attributes[key] = draw(values)
    return Contact(
        channel=draw(st.sampled_from(CHANNELS)),
        direction="inbound",
        occurred_at=draw(instants),
        intent=draw(st.sampled_from(INTENTS)),
        case_id=draw(st.none() | st.sampled_from(["case-1", "case-2"])),
        attributes=attributes,
        source_id=draw(st.uuids()).hex,
    )


# ---- the tests


class TestPolicyDecide:
    @given(data=st.data())
    def test_decision_equals_linear_reference(self, data: st.DataObject) -> None:
        """The indexed decision, its predicate calls and its errors equal a plain linear
        evaluation of every rule followed by the documented guarantees."""
        calls: list[str] = []
        policy = data.draw(indexed_policies(calls))
        contact = data.draw(inbound())
        customer = data.draw(histories(contact))
        if data.draw(st.booleans()):  # segments the index must not trust (not text)
            customer = attrs.evolve(customer, segment=data.draw(st.sampled_from([*SEGMENTS, 3])))
        fast = outcome(lambda: policy.decide(contact, customer))
        fast_calls = list(calls)
        calls.clear()
        slow = outcome(lambda: reference_decide(policy, contact, customer))
        assert fast == slow
        assert fast_calls == calls

    @given(data=st.data())
    def test_unknown_customer_equals_reference(self, data: st.DataObject) -> None:
        """With no customer (no history), the decision equals the reference's for an empty
        view."""
        calls: list[str] = []
        policy = data.draw(indexed_policies(calls))
        contact = data.draw(inbound())
        fast = outcome(lambda: policy.decide(contact))
        calls.clear()
        assert fast == outcome(lambda: reference_decide(policy, contact, CustomerView()))


class TestBusinessCalendar:
    @given(calendar=calendars(), moments=st.lists(instants, min_size=1, max_size=8))
    def test_is_open_equals_local_time_reading(
        self, calendar: BusinessCalendar, moments: list[dt.datetime]
    ) -> None:
        """``is_open`` (cached per UTC hour) equals reading the local date and minute, for
        instants given in any zone, in any order."""
        for moment in moments:
            assert calendar.is_open(moment) == reference_is_open(calendar, moment)

    @given(calendar=calendars(), moments=st.lists(instants, min_size=1, max_size=8))
    def test_next_opening_equals_plain_search(
        self, calendar: BusinessCalendar, moments: list[dt.datetime]
    ) -> None:
        """``next_opening`` (cached per local minute) equals a day-by-day search."""
        for moment in moments:
            assert calendar.next_opening(moment, horizon_days=30) == reference_next_opening(
                calendar, moment, horizon_days=30
            )

    @given(
        calendar=calendars(),
        start=instants,
        steps=st.lists(st.integers(-120, 120), min_size=1, max_size=10),
    )
    def test_neighbouring_seconds_equal_reference(
        self, calendar: BusinessCalendar, start: dt.datetime, steps: list[int]
    ) -> None:
        """Instants a few seconds apart (one cached hour, or its edges) agree with the
        reference, microseconds included."""
        moment = start
        for step in steps:
            moment += dt.timedelta(seconds=step, microseconds=step * 7919 % 1_000_000)
            assert calendar.is_open(moment) == reference_is_open(calendar, moment)

    @pytest.mark.parametrize("zone", ZONES)
    def test_every_minute_around_offset_changes_equals_reference(self, zone: str) -> None:
        """Around each change of offset of the zone, instants 53 s and some microseconds
        apart agree with the reference, for hours cut in 7-minute openings every 17
        minutes (no shift of 15, 30, 45 or 60 minutes maps them onto themselves)."""
        day = [
            f"{m // 60:02d}:{m % 60:02d}-{(m + 7) // 60:02d}:{(m + 7) % 60:02d}"
            for m in range(0, 24 * 60 - 7, 17)
        ]
        calendar = BusinessCalendar(timezone=zone, weekly=[day] * 7)
        changes = [t for t in TRANSITIONS if t.astimezone(calendar.zone).year == t.year]
        checked = 0
        for change in changes:
            if (change - dt.timedelta(hours=1)).astimezone(calendar.zone).utcoffset() == (
                change.astimezone(calendar.zone).utcoffset()
            ):
                continue  # a change of another zone
            for step in range(-150, 150):
                moment = change + dt.timedelta(seconds=53 * step, microseconds=step * 997)
                assert calendar.is_open(moment) == reference_is_open(calendar, moment)
                assert calendar.next_opening(moment, horizon_days=2) == (
                    reference_next_opening(calendar, moment, horizon_days=2)
                )
                checked += 1
        assert checked or zone in ("UTC", "Asia/Kathmandu")  # the zones without changes


class TestReplay:
    @given(data=st.data())
    def test_replay_decisions_equal_one_by_one_decisions(self, data: st.DataObject) -> None:
        """Replay decides each contact as :meth:`Policy.decide` does with a validated view of
        the customer's earlier contacts within the window."""
        policy = data.draw(indexed_policies([]))
        history = data.draw(st.lists(inbound(), max_size=8))
        people = data.draw(st.lists(st.sampled_from(["a", "b"]), min_size=8, max_size=8))
        history = [
            attrs.evolve(c, attributes={**c.attributes, "customer_id": who, "complexity": "low"})
            for c, who in zip(history, people, strict=False)
        ]
        report = outcome(lambda: replay(policy, history, keep_decisions=True).decisions)

        def one_by_one() -> tuple[Decision, ...]:
            decisions = []
            ordered = sorted(history, key=lambda c: (c.occurred_at, c.id))
            for n, contact in enumerate(ordered):
                who = contact.attributes["customer_id"]
                since = contact.occurred_at - policy.window
                past = [
                    c
                    for c in ordered[:n]
                    if c.attributes["customer_id"] == who and c.occurred_at >= since
                ]
                decisions.append(policy.decide(contact, CustomerView(id=who, contacts=past)))
            return tuple(decisions)

        assert report == outcome(one_by_one)


def test_trusted_decision_matches_the_validated_constructor() -> None:
    """A decision built on the hot path equals, field by field, the validated one."""
    policy = Policy(
        id="p",
        version="2",
        default=Action(route="human", target="care", skills={"vip"}, priority=4),
    )
    contact = Contact(channel="chat", direction="inbound", occurred_at=T0, source_id="x")
    decision = policy.decide(contact)
    rebuilt = Decision(**{f.name: getattr(decision, f.name) for f in attrs.fields(Decision)})
    assert decision == rebuilt
    assert attrs.asdict(decision) == attrs.asdict(rebuilt)
