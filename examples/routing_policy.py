"""Route contacts with a policy file, check an outbound call, and replay a policy change.

Run: ``python examples/routing_policy.py`` (prints decisions and exits 0).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs

from omnicontact import Consent, ConsentLedger, Contact, ContactPoint, Normalizer, Preferences
from omnicontact.routing import (
    Action,
    Compare,
    CustomerView,
    OutboundPolicy,
    Outcome,
    Rule,
    compare_policies,
    load_policy,
    replay,
)
from omnicontact.routing.packs import FRANCE

PARIS = ZoneInfo("Europe/Paris")
HERE = Path(__file__).parent


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def main() -> None:
    policy = load_policy(HERE / "policy.toml")
    print(f"Loaded policy {policy.id} version {policy.version} ({len(policy.rules)} rules)\n")

    normalize = Normalizer(default_region="FR")
    phone = ContactPoint(channel="phone", identifier=normalize.phone("06 12 34 56 78"))
    anne = CustomerView(
        id="anne",
        segment="gold",
        contact_points=[phone],
        preferences=Preferences(
            preferred_channels=["email", "chat"],
            opted_out_channels={"sms"},
            timezone="Europe/Paris",
        ),
    )

    # 1. Simple request, unknown customer: self-service.
    password = Contact(
        channel="web",
        direction="inbound",
        occurred_at=at(2026, 3, 3, 10, 0),
        intent="password_reset",
        source_id="web-1",
    )
    # 2. The same customer failed twice in the help centre, then asks on chat.
    failures = [
        Contact(
            channel="web",
            direction="inbound",
            occurred_at=at(2026, 3, 3, 9, minute),
            intent="invoice_copy",
            source_id=f"web-fail-{minute}",
            attributes={"outcome": Outcome.SELF_SERVICE_FAILED},
        )
        for minute in (10, 20)
    ]
    stuck = Contact(
        channel="chat",
        direction="inbound",
        occurred_at=at(2026, 3, 3, 9, 30),
        intent="invoice_copy",
        source_id="chat-1",
    )
    # 3. A complaint late on Friday evening: care is closed, callback on Monday.
    complaint = Contact(
        channel="email",
        direction="inbound",
        occurred_at=at(2026, 3, 6, 21, 15),
        intent="billing_dispute",
        source_id="mail-1",
        attributes={"complaint": True},
    )
    # 4. "I want to talk to someone" on the voice bot.
    wants_person = Contact(
        channel="ivr",
        direction="inbound",
        occurred_at=at(2026, 3, 4, 11, 0),
        intent="order_status",
        source_id="ivr-1",
        attributes={"asked_for_human": True},
    )

    cases = [
        ("unknown customer, simple request", password, None),
        ("two failed self-service attempts", stuck, attrs.evolve(anne, contacts=failures)),
        ("complaint on Friday night", complaint, anne),
        ("asked for a person", wants_person, None),
    ]
    for title, contact, customer in cases:
        decision = policy.decide(contact, customer)
        print(f"[{title}] {decision.label}")
        print(f"  {decision.explain()}\n")

    # Outbound: may we make a sales call to Anne? (French rules)
    outbound = OutboundPolicy(packs=[FRANCE])
    for when in (at(2026, 3, 3, 13, 30), at(2026, 9, 1, 11, 0)):
        answer = outbound.may_contact(anne, "phone", "sales_calls", when)
        print(f"[sales call at {when.isoformat()}] {answer.verdict.value}")
        print(f"  {answer.explain()}\n")
    consenting = attrs.evolve(
        anne,
        consents=ConsentLedger().record(
            Consent(
                point=phone,
                purpose="sales_calls",
                status="granted",
                recorded_at=at(2026, 8, 20, 15, 0),
                source="web-form",
                proof="form-submission-8812",
            )
        ),
    )
    answer = outbound.may_contact(consenting, "phone", "sales_calls", at(2026, 9, 1, 11, 0))
    print(f"[sales call with provable consent] {answer.verdict.value}\n")

    # Replay, and compare with a change: orders go to an advisor. Replay finds each
    # contact's customer through its "customer_id" attribute (or first identifier).
    def of_anne(contact: Contact) -> Contact:
        return attrs.evolve(contact, attributes={**contact.attributes, "customer_id": "anne"})

    order = Contact(
        channel="app",
        direction="inbound",
        occurred_at=at(2026, 3, 5, 18, 0),
        intent="order_status",
        source_id="app-1",
    )
    history = [password, *map(of_anne, [*failures, stuck, complaint]), wants_person, order]
    print(replay(policy, history, customers={"anne": anne}).summary(), "\n")
    changed = attrs.evolve(
        policy,
        version="2026.04",
        rules=[
            Rule(
                id="orders-to-advisor",
                when=Compare("intent", "eq", "order_status"),
                then=Action(route="human", target="general"),
            ),
            *policy.rules,
        ],
    )
    print(compare_policies(policy, changed, history, customers={"anne": anne}).summary())


if __name__ == "__main__":
    main()
