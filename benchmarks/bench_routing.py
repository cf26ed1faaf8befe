"""Routing speed: decisions per second for a 20-rule policy, and replay time over a history.

Run: ``python benchmarks/bench_routing.py [--decisions 100000] [--rounds 3] [--replay 1000000]
[--outbound 20000] [--seed 7]``

``--outbound`` also times outbound decisions (``OutboundPolicy.may_contact`` under the French
pack) for customers in mainland France and overseas, after the replay (its draws come from
a generator of their own, so the decisions and the replay are the same with or without it).

The synthetic history is drawn with a seeded ``random.Random`` (the seed is printed), so a
run can be repeated exactly. Everything runs on one core. Each timing prints the wall-clock
time and the CPU time of the process: on a shared machine the first includes waiting for the
processor, the second does not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable

from omnicontact import Consent, ConsentLedger, Contact, ContactPoint, Normalizer, Preferences
from omnicontact.routing import CustomerView, OutboundPolicy, Outcome, policy_from_dict, replay
from omnicontact.routing.packs import FRANCE

INTENTS = [
    "password_reset",
    "order_status",
    "invoice_copy",
    "billing_dispute",
    "technical_fault",
    "mortgage",
    "fibre_installation",
    "move_house",
    "cancel",
    "upgrade",
    "roaming",
    "refund",
]
CHANNELS = ["phone", "chat", "email", "web", "app", "sms"]
WEEKDAYS = {day: ["08:30-12:30", "13:30-19:00"] for day in ("mon", "tue", "wed", "thu", "fri")}


def twenty_rule_policy() -> dict:
    """A realistic policy: 20 rules over intents, segments, urgency, sentiment, history."""
    rules = []

    def rule(id, when, route, target, **extra):
        rules.append({"id": id, "when": when, "route": route, "target": target, **extra})

    rule("complaint", {"fact": "complaint", "value": True}, "human", "care", priority=8)
    rule("angry", {"fact": "sentiment", "op": "le", "value": -0.7}, "human", "care", priority=7)
    rule(
        "outage",
        {
            "all": [
                {"fact": "intent", "value": "technical_fault"},
                {"fact": "urgency", "op": "in", "value": ["high", "critical"]},
            ]
        },
        "human",
        "tech",
        priority=9,
    )
    rule("cancel", {"fact": "intent", "value": "cancel"}, "human", "retention", priority=6)
    rule("mortgage", {"fact": "intent", "value": "mortgage"}, "human", "advice", priority=5)
    rule("fibre", {"fact": "intent", "value": "fibre_installation"}, "human", "tech")
    rule("platinum", {"fact": "segment", "value": "platinum"}, "human", "premium", priority=7)
    rule(
        "gold-complex",
        {
            "all": [
                {"fact": "segment", "value": "gold"},
                {"fact": "complexity", "op": "ne", "value": "low"},
            ]
        },
        "human",
        "premium",
        priority=5,
    )
    rule("high-value", {"fact": "customer_value", "op": "ge", "value": 5000}, "human", "premium")
    rule("topic-repeat", {"fact": "contacts_on_topic", "op": "ge", "value": 3}, "human", "general")
    rule(
        "dispute-phone",
        {
            "all": [
                {"fact": "intent", "value": "billing_dispute"},
                {"fact": "channel", "value": "phone"},
            ]
        },
        "human",
        "billing",
    )
    rule(
        "dispute",
        {"fact": "intent", "value": "billing_dispute"},
        "self_service",
        "billing-bot",
        handoff="billing",
    )
    rule(
        "refund-big",
        {
            "all": [
                {"fact": "intent", "value": "refund"},
                {"fact": "attribute.amount", "op": "gt", "value": 200},
            ]
        },
        "human",
        "billing",
    )
    rule(
        "refund",
        {"fact": "intent", "value": "refund"},
        "self_service",
        "refund-flow",
        handoff="billing",
    )
    rule("roaming", {"fact": "intent", "value": "roaming"}, "self_service", "roaming-faq")
    rule("upgrade", {"fact": "intent", "value": "upgrade"}, "self_service", "shop", channel="app")
    rule("move", {"fact": "intent", "value": "move_house"}, "callback", "general")
    rule(
        "unknown-intent",
        {"fact": "intent", "op": "exists", "value": False},
        "self_service",
        "triage-bot",
    )
    rule("critical", {"fact": "urgency", "value": "critical"}, "human", "general", priority=9)
    rule("low", {"fact": "complexity", "value": "low"}, "self_service", "help-centre")
    calendar = {"timezone": "Europe/Paris", "public_holidays": "FR", "weekly": WEEKDAYS}
    return {
        "id": "bench",
        "version": "1",
        "default": {"route": "self_service", "target": "help-centre"},
        "self_service_flow": "help-centre",
        "intent_complexity": {
            "password_reset": "low",
            "order_status": "low",
            "invoice_copy": "low",
            "mortgage": "high",
            "fibre_installation": "high",
            "billing_dispute": "medium",
        },
        "rules": rules,
        "calendars": dict.fromkeys(
            ("care", "general", "billing", "advice", "premium", "retention"), calendar
        ),
    }


def synthetic_history(size: int, rng: random.Random) -> list[Contact]:
    """``size`` inbound contacts of ``size // 5`` customers over 60 days."""
    start = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
    customers = max(1, size // 5)
    history = []
    for n in range(size):
        attributes: dict = {"customer_id": f"c{rng.randrange(customers)}"}
        roll = rng.random()
        if roll < 0.05:
            attributes["asked_for_human"] = True
        if roll > 0.97:
            attributes["complaint"] = True
        if rng.random() < 0.3:
            attributes["sentiment"] = round(rng.uniform(-1, 1), 2)
        if rng.random() < 0.1:
            attributes["urgency"] = rng.choice(["high", "critical", "low"])
        if rng.random() < 0.15:
            attributes["outcome"] = Outcome.SELF_SERVICE_FAILED
        if rng.random() < 0.1:
            attributes["amount"] = rng.randrange(10, 1000)
        history.append(
            Contact(
                channel=rng.choice(CHANNELS),
                direction="inbound",
                occurred_at=start + dt.timedelta(seconds=rng.randrange(60 * 86400)),
                intent=rng.choice([*INTENTS, None]),
                case_id=f"k{rng.randrange(customers * 2)}" if rng.random() < 0.3 else None,
                attributes=attributes,
                source_id=f"b{n}",
            )
        )
    return history


def outbound_requests(
    size: int, rng: random.Random
) -> list[tuple[CustomerView, str, str, dt.datetime]]:
    """``size`` outbound questions (sales calls, marketing, service) about 64 customers in
    mainland France and overseas, with consents and a few past calls each."""
    normalize = Normalizer()
    numbers = ["+33 6 12 34 56 {:02d}", "+262 262 12 34 {:02d}", "+590 590 12 34 {:02d}"]
    zones = [None, None, "Europe/Paris", "Indian/Reunion", "America/Guadeloupe"]
    signed = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    start = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    customers = []
    for i in range(64):
        number = normalize.phone(rng.choice(numbers).format(i))
        email = normalize.email(f"customer{i}@example.fr")
        points = [
            ContactPoint(channel="phone", identifier=number),
            ContactPoint(channel="sms", identifier=number),
            ContactPoint(channel="email", identifier=email),
        ]
        grants = [
            Consent(
                point=point,
                purpose=purpose,
                status="granted",
                recorded_at=signed,
                source="web-form",
                proof="form",
            )
            for point in points
            for purpose in ("sales_calls", "marketing")
            if rng.random() < 0.8
        ]
        past = [
            Contact(
                channel=rng.choice(["phone", "sms", "email"]),
                direction="outbound",
                occurred_at=start - dt.timedelta(minutes=rng.randrange(60 * 24 * 60)),
                attributes={
                    "purpose": rng.choice(["sales_calls", "marketing", "service"]),
                    **({"outcome": "refused"} if rng.random() < 0.05 else {}),
                },
                source_id=f"o{i}-{n}",
            )
            for n in range(rng.randrange(6))
        ]
        customers.append(
            CustomerView(
                id=f"c{i}",
                contact_points=points,
                consents=ConsentLedger(entries=grants),
                contacts=past,
                preferences=Preferences(timezone=rng.choice(zones)),
            )
        )
    asks = [
        ("phone", "sales_calls"),
        ("email", "marketing"),
        ("sms", "marketing"),
        ("email", "service"),
    ]
    return [
        (
            rng.choice(customers),
            *rng.choice(asks),
            start + dt.timedelta(minutes=rng.randrange(60 * 24 * 120)),
        )
        for _ in range(size)
    ]


def timed_rounds(label: str, count: int, rounds: int, run: Callable[[], None]) -> None:
    """Time ``rounds`` runs of ``run`` (``count`` decisions each) and print the rates."""
    rates = []
    for round_ in range(1, rounds + 1):
        began, cpu = time.perf_counter(), time.process_time()
        run()
        elapsed, used = time.perf_counter() - began, time.process_time() - cpu
        rates.append(count / elapsed)
        print(
            f"{label}, round {round_}: {count} decisions in {elapsed:.2f} s "
            f"(CPU {used:.2f} s) = {count / elapsed:,.0f} decisions/s "
            f"({count / used:,.0f} per CPU second)"
        )
    print(
        f"{label}: best {max(rates):,.0f}, median {statistics.median(rates):,.0f} "
        "decisions/s (one core, wall clock)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--replay", type=int, default=1_000_000)
    parser.add_argument("--outbound", type=int, default=20_000, help="outbound decisions")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of decisions")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"seed {args.seed}")
    policy = policy_from_dict(twenty_rule_policy())
    print(f"policy: {len(policy.rules)} rules, {len(policy.calendars)} calendars")

    sample = synthetic_history(min(args.decisions, 20_000), rng)
    segments = ["gold", "silver", "platinum", None]
    views = [
        CustomerView(id=f"v{i}", segment=rng.choice(segments), value=rng.choice([None, 8000.0]))
        for i in range(64)
    ]
    pairs = [(sample[i % len(sample)], views[i % len(views)]) for i in range(args.decisions)]

    def decide_all() -> None:
        for contact, view in pairs:
            policy.decide(contact, view)

    timed_rounds("decide", args.decisions, args.rounds, decide_all)

    if args.replay:
        began = time.perf_counter()
        history = synthetic_history(args.replay, rng)
        built = time.perf_counter() - began
        began, cpu = time.perf_counter(), time.process_time()
        report = replay(policy, history)
        elapsed, used = time.perf_counter() - began, time.process_time() - cpu
        print(
            f"replay: {args.replay} contacts in {elapsed:.2f} s (CPU {used:.2f} s; "
            f"{args.replay / elapsed:,.0f} contacts/s; building the history took {built:.1f} s)"
        )
        print(report.summary())

    if args.outbound:
        outbound = OutboundPolicy(packs=[FRANCE])
        requests = outbound_requests(args.outbound, random.Random(args.seed + 1))

        def ask_all() -> None:
            for customer, channel, purpose, at in requests:
                outbound.may_contact(customer, channel, purpose, at)

        timed_rounds("may_contact", args.outbound, args.rounds, ask_all)


if __name__ == "__main__":
    main()
