"""Typed usage of omnicontact's public API; ``mypy --strict`` checks this file.

It is never run: it shows what users write, and fails type checking when a public
signature changes in a way that breaks them.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

import omnicontact
from omnicontact import (
    Case,
    CaseStatus,
    Channel,
    ChannelRegistry,
    Consent,
    ConsentLedger,
    ConsentStatus,
    Contact,
    ContactPoint,
    DateOfBirth,
    EmailAddress,
    Normalizer,
    PersonName,
    PhoneNumber,
    PhoneType,
    PostalAddress,
    Preferences,
    QuietHours,
    dumps,
    loads,
    to_dict,
)
from omnicontact import testing as oct
from omnicontact.exceptions import InvalidIdentifierError, OmnicontactError
from omnicontact.store import SQLiteStore

normalize = Normalizer(default_region="FR", date_order="DMY")
phone: PhoneNumber = normalize.phone("06 12 34 56 78")
kind: PhoneType = phone.number_type
email: EmailAddress = normalize.email("Ann@Example.com")
name: PersonName = normalize.name("Jean-Pierre de la Fontaine")
born: DateOfBirth = normalize.date_of_birth("03/04/1990")
born_on: dt.date = born.value
key: str = name.key
address: PostalAddress = normalize.address(lines="12 Main St", locality="Springfield", region="IL")
region: str | None = address.region
region_key: str = address.region_key

registry = ChannelRegistry.with_builtins()
whatsapp: Channel = registry.register(
    Channel(name="whatsapp", label="WhatsApp", medium="asynchronous", capabilities=["outbound"])
)

when = omnicontact.aware(dt.datetime(2026, 3, 2, 10, 0), "Europe/Paris")
contact = Contact(
    channel="phone", direction="inbound", occurred_at=when, identifiers=[phone], source_id="c1"
)
case: Case = Case.open_with(contact, subject="Refund").transition(CaseStatus.PENDING, at=when)
point = ContactPoint(channel="sms", identifier=phone)
ledger: ConsentLedger = ConsentLedger().record(
    Consent(point=point, purpose="marketing", status="granted", recorded_at=when, source="web")
)
status: ConsentStatus | None = ledger.status(point, "marketing", at=when)
allowed: bool = ledger.allows(point, "marketing", at=when)
preferences = Preferences(
    preferred_channels=["sms"], quiet_hours=[QuietHours(start=dt.time(21), end=dt.time(8))]
)
quiet: bool = preferences.in_quiet_hours(when)

text: str = dumps(contact)
same: Contact = loads(text, Contact)
document: dict[str, object] = to_dict(case)

try:
    normalize.phone("not a phone")
except InvalidIdentifierError as error:
    field: str = error.field
except OmnicontactError:
    pass

contacts: st.SearchStrategy[Contact] = oct.contacts(channels=["email", "sms"], max_identifiers=2)
phones: st.SearchStrategy[PhoneNumber] = oct.phone_numbers(regions=["FR", "JP"])
raw: st.SearchStrategy[str] = oct.raw_phones(phone, national=True)
cases: st.SearchStrategy[Case] = oct.cases(min_size=1, max_size=3)


@given(contacts, st.from_type(Contact))
def test_round_trip(drawn: Contact, from_type: Contact) -> None:
    assert loads(dumps(drawn), Contact) == drawn


def _make_resolver() -> omnicontact.Resolver:
    return omnicontact.Resolver(model=omnicontact.MatchModel())


populations: st.SearchStrategy[oct.Population] = oct.populations(min_size=1, max_size=3)
records: st.SearchStrategy[omnicontact.Record] = oct.records(max_size=2)
households: st.SearchStrategy[oct.Population] = oct.populations(
    max_size=4,
    household_percent=70,
    twin_percent=30,
    shared_id_percent=30,
    name_variants=True,
    id_errors=5,
    postcode_errors=20,
    sources=["census", "tax", "social_security"],
)
register: oct.Population = oct.synthetic_population(
    100, seed=1, name_variants=True, sources=("census", "tax")
)
household_of: dict[str, str] = register.households


@given(populations, st.data())
def test_my_configuration(population: oct.Population, data: st.DataObject) -> None:
    oct.check_invariants(_make_resolver, population.records, data=data)
    oct.check_guards(omnicontact.MatchModel(), population.records)
    score: oct.Accuracy = oct.accuracy(_make_resolver(), population)
    assert 0.0 <= score.bcubed_f1 <= 1.0
    try:
        oct.check_idempotence(_make_resolver, population.records)
    except oct.InvariantViolationError as error:
        print(error.invariant, error.record_ids)


def _batch_job(path: str, records: list[omnicontact.Record]) -> omnicontact.Workspace:
    """A batch job pauses the collector around its bulk work; a huge store skips the check."""
    with omnicontact.gc_paused():
        omnicontact.Resolver().resolve_many(records)
    return omnicontact.Workspace(SQLiteStore(path, integrity_check=False))


def _erase_many(workspace: omnicontact.Workspace, customer_ids: list[str]) -> None:
    """Erasures in one transaction purge the store's files once, when it commits."""
    with workspace.transaction():
        for customer_id in customer_ids:
            workspace.forget(customer_id, reason="erasure request")
    store = workspace.store
    if isinstance(store, SQLiteStore):
        store.purge()  # again, after a reader kept the -wal file from being emptied


segment: object = contact.attributes.get("segment")


def _attributes_are_read_only(contact: Contact) -> None:
    contact.attributes["segment"] = "gold"  # type: ignore[index]  # a read-only mapping


def _keep_and_measure(path: str) -> float:
    """A model saved on the backfill scores production; its clusters are measured."""
    from omnicontact.identity import AccuracyReport, evaluate, load_model, save_model

    save_model(omnicontact.MatchModel(), path)
    resolver = omnicontact.Resolver(model=load_model(path))
    clusters: dict[str, str] = {"r1": resolver.canonical_id("cus_1")}
    report: AccuracyReport = evaluate(
        clusters, truth={"r1": "p1"}, pairs=resolver.candidate_pairs(), thresholds=[0.5, 0.9]
    )
    sweep_f1: list[float] = [point.pairwise.f1 for point in report.sweep]
    bcubed = report.bcubed.f1 if report.bcubed is not None else 0.0
    return report.pairwise.f1 + bcubed + sum(sweep_f1)
