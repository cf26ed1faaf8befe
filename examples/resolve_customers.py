"""Resolve records seen on five channels into customers, then explain, judge and erase.

Run: python examples/resolve_customers.py
"""

from __future__ import annotations

import datetime as dt

from omnicontact import Contact, Normalizer, Record, Resolver, SurvivorshipPolicy

n = Normalizer(default_region="FR")
day = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def at(days: int) -> dt.datetime:
    return day + dt.timedelta(days=days)


records = [
    Record(
        id="crm-17",
        source="crm",
        observed_at=at(0),
        identifiers=[
            n.name("Jean-Pierre DUPONT"),
            n.date_of_birth("03/04/1980"),
            n.email("jp.dupont@example.fr"),
            n.address(lines="12 bd Haussmann", postal_code="75009", locality="Paris"),
        ],
        attributes={"segment": "premium"},
    ),
    Record(
        id="web-5",
        source="web",
        observed_at=at(3),
        identifiers=[
            n.name("Jean Pierre Dupond"),  # a typo
            n.date_of_birth("1980-04-03"),
            n.phone("06 12 34 56 78"),
        ],
    ),
    # A call from the same mobile: joins by the phone rule.
    Record.from_contact(
        Contact(
            channel="phone",
            direction="inbound",
            occurred_at=at(5),
            identifiers=[n.phone("+33612345678")],
            source_id="call-881",
        )
    ),
    # His wife, on the household landline, and a placeholder e-mail.
    Record(
        id="store-2",
        source="store",
        observed_at=at(6),
        identifiers=[
            n.name("Marie Dupont"),
            n.date_of_birth("21/11/1982"),
            n.phone("01 45 67 89 01"),
            n.email("test@test.com"),
        ],
    ),
    Record(
        id="crm-18",
        source="crm",
        observed_at=at(7),
        identifiers=[
            n.name("Jean-Pierre Dupont"),
            n.date_of_birth("03/04/1980"),
            n.phone("01 45 67 89 01"),
        ],
    ),
]

resolver = Resolver(clock=lambda: at(10))
for record in records:
    result = resolver.resolve(record)
    print(f"{record.id:<38} -> {result.customer_id[:12]}…  {result.outcome.value}")

print("\nCustomers:")
for customer_id, members in resolver.customers().items():
    print(f"  {customer_id[:12]}…  {sorted(members)}")

jp = resolver.customer_of("crm-17")
print("\nRelated to Jean-Pierre (shared household phone):", resolver.related(jp))

golden = resolver.golden_record(
    jp, SurvivorshipPolicy(rules={"name": "most_trusted_source"}, source_trust={"crm": 10})
)
name = golden["name"]
print(f"Golden name: {name.value} (from {name.record_id}, rule {name.rule.value})")

print("\n" + resolver.explain("crm-17", "web-5").text())
print("\n" + resolver.explain("crm-18", "store-2").text())

judgement = resolver.judge_records("crm-17", "web-5", same=False, reason="advisor: homonym")
print(
    f"\nAfter a 'not the same' judgement: crm-17 and web-5 are one customer? "
    f"{resolver.customer_of('crm-17') == resolver.customer_of('web-5')}"
)
resolver.withdraw_judgement(judgement.id, reason="advisor: mistake")

erased = resolver.customer_of("store-2")
resolver.forget_customer(erased, reason="GDPR request #42")
print(f"Erased {erased[:12]}…; {len(resolver.customers())} customers left")

print("\nAudit log (ids only, never values):")
for event in resolver.events()[-6:]:
    print(f"  #{event.sequence} {event.kind.value:<20} {event.reason or ''}")
