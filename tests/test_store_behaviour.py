"""One behavioural suite for every store: memory, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _stores import KINDS, close, new_store
from omnicontact import (
    Consent,
    Contact,
    ContactPoint,
    Normalizer,
    Preferences,
    Workspace,
)
from omnicontact.exceptions import InvalidValueError, StoreVersionError
from omnicontact.identity import Event, EventKind, Judgement, Record, Resolver
from omnicontact.store import CustomerStore, SQLiteStore
from omnicontact.testing import Population, populations

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
N = Normalizer(default_region="FR")


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CustomerStore]:
    made = new_store(request.param, tmp_path)
    yield made
    close(made)


def contact(source_id: str, hours: float, *identifiers: object, **fields: object) -> Contact:
    return Contact(
        channel=str(fields.pop("channel", "email")),
        direction="inbound",
        occurred_at=at(hours),
        source_id=source_id,
        identifiers=identifiers,
        **fields,  # type: ignore[arg-type]
    )


class TestIdentityStoreProtocol:
    def test_satisfies_the_protocols(self, store: CustomerStore) -> None:
        """Every store implements the full customer store protocol."""
        assert isinstance(store, CustomerStore)

    def test_case_successors_and_their_rollback(self, store: CustomerStore) -> None:
        """A merged case's successor reads back as written, and a failed unit of work that
        wrote one leaves none."""
        store.set_case_successor("b", "a")
        assert store.case_successor_of("b") == "a"
        assert store.case_successor_of("a") is None

        def failing() -> None:
            with store.transaction():
                store.set_case_successor("c", "a")
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            failing()
        assert store.case_successor_of("c") is None
        assert store.case_successor_of("b") == "a"

    def test_records_and_keys(self, store: CustomerStore) -> None:
        """Records are kept, replaced and deleted; the blocking index follows key writes."""
        record = Record(id="r1", source="web", observed_at=T0, identifiers=[N.email("a@x.fr")])
        store.put_record(record)
        store.add_keys("r1", ["k1", "k2"])
        store.add_keys("r2", ["k1"])
        assert store.get_record("r1") == record
        assert store.count_records() == 1
        assert list(store.record_ids()) == ["r1"]
        assert store.records_with_key("k1") == {"r1", "r2"}
        store.add_keys("r3", ["k3"])
        assert store.records_with_any_key(["k1", "k2", "k3", "k9"], 2) == {"r1", "r2", "r3"}
        assert store.records_with_any_key(["k1", "k2", "k3"], 1) == {"r1", "r3"}  # k1: too big
        assert store.records_with_any_key([], 2) == set()
        store.remove_keys("r1", ["k1"])
        assert store.records_with_key("k1") == {"r2"}
        store.delete_record("r1")
        assert store.get_record("r1") is None
        assert store.count_records() == 0

    def test_addresses_keep_their_region(self, store: CustomerStore) -> None:
        """An address with a region reads back with it, and one without reads back without
        one, from a record and from a consent (recorded twice, kept once)."""
        us = Normalizer(default_region="US")
        with_region = us.address(lines="12 Main St", locality="Springfield", region="il")
        without = us.address(lines="40 Elm St", locality="Springfield")
        record = Record(id="r1", source="web", observed_at=T0, identifiers=[with_region, without])
        store.put_record(record)
        again = store.get_record("r1")
        assert again == record
        assert again is not None
        assert [getattr(item, "region", None) for item in again.identifiers] == ["IL", None]
        for address in (with_region, without):
            consent = Consent(
                point=ContactPoint(channel="mail", identifier=address),
                purpose="marketing",
                status="granted",
                recorded_at=T0,
                source="paper-form",
            )
            store.add_consent(consent)
            store.add_consent(consent)
            (kept,) = store.consents_for([address.key])
            assert kept == consent
            assert kept.point.identifier.region == address.region

    def test_partition_anchors_and_successors(self, store: CustomerStore) -> None:
        """Assignments, anchors and successors read back as written; forgetting an id clears it."""
        store.assign("c1", ["a", "b"])
        store.set_anchor("c1", "a")
        store.set_successor("c0", "c1")
        assert store.members("c1") == {"a", "b"}
        assert store.customer_of("b") == "c1"
        assert list(store.customer_ids()) == ["c1"]
        assert store.anchor_of("c1") == "a"
        assert store.ids_anchored_on("a") == {"c1"}
        assert store.successor_of("c0") == "c1"
        store.forget_customer_id("c1")
        assert store.anchor_of("c1") is None
        assert store.successor_of("c0") is None
        store.unassign("c1")
        assert store.members("c1") == frozenset()
        assert store.customer_of("a") is None

    def test_judgements_and_events(self, store: CustomerStore) -> None:
        """Judgements are found from each of their records; events keep their order."""
        judgement = Judgement(id="j1", same=False, left={"a"}, right={"b", "c"}, at=T0)
        store.put_judgement(judgement)
        assert store.get_judgement("j1") == judgement
        assert list(store.judgements_of("c")) == [judgement]
        store.delete_judgement("j1")
        assert store.judgements_of("a") == []
        assert store.next_sequence() == 1
        for sequence in (1, 2):
            store.append_event(Event(sequence=sequence, at=T0, kind=EventKind.RECORD_ADDED))
        assert [e.sequence for e in store.events(since=2)] == [2]
        assert store.next_sequence() == 3

    def test_failed_transaction_leaves_nothing(self, store: CustomerStore) -> None:
        """Writes inside a transaction that raises are all undone, nested blocks included."""
        store.put_record(Record(id="kept", source="web", observed_at=T0))

        def failing() -> None:
            with store.transaction():
                store.put_record(Record(id="lost", source="web", observed_at=T0))
                with store.transaction():
                    store.assign("c", ["lost"])
                    store.put_contact(contact("m1", 0))
                store.delete_record("kept")
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            failing()
        assert store.get_record("kept") is not None
        assert store.get_record("lost") is None
        assert store.customer_of("lost") is None
        assert store.count_contacts() == 0


class TestContactStoreProtocol:
    def test_same_event_is_stored_once(self, store: CustomerStore) -> None:
        """A contact whose channel and source id are already stored is refused."""
        first = contact("m1", 0, N.email("a@x.fr"))
        assert store.put_contact(first) is True
        assert store.put_contact(contact("m1", 5, N.email("b@x.fr"))) is False
        assert store.count_contacts() == 1
        assert store.get_contact(first.id) == first

    def test_contacts_of_customer_in_time_order(self, store: CustomerStore) -> None:
        """A customer's contacts come back oldest first, whatever the insertion order."""
        late, early = contact("m2", 5), contact("m1", 1)
        for item in (late, early):
            store.put_contact(item)
        store.assign("c1", [late.id, early.id])
        assert store.contacts_of_customer("c1") == [early, late]

    def test_consents_and_preferences(self, store: CustomerStore) -> None:
        """Consents are found by identifier, preferences by record, oldest first."""
        email = N.email("a@x.fr")
        consent = Consent(
            point=ContactPoint(channel="email", identifier=email),
            purpose="marketing",
            status="granted",
            recorded_at=T0,
            source="web-form",
        )
        store.add_consent(consent)
        store.add_consent(consent)
        assert store.consents_for([email.key]) == [consent]
        store.put_preferences("r2", Preferences(language="en"), at(2))
        store.put_preferences("r1", Preferences(language="fr"), at(1))
        assert [p.language for _t, p in store.preferences_of(["r1", "r2"])] == ["fr", "en"]
        store.delete_consents([email.key])
        store.delete_preferences("r1")
        assert store.consents_for([email.key]) == []
        assert len(store.preferences_of(["r1", "r2"])) == 1


# ------------------------------------------------------------------------------ resolver


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
class TestResolverOnPersistentStores:
    @settings(deadline=None)
    @given(population=populations(max_people=3), data=st.data())
    def test_same_partition_as_memory(
        self, kind: str, population: Population, data: st.DataObject
    ) -> None:
        """Resolving records into a persistent store gives the partition memory gives."""
        records = data.draw(st.permutations(population.records))
        with tempfile.TemporaryDirectory() as folder:
            self._check(new_store(kind, Path(folder)), population, records)

    def _check(
        self, persistent: CustomerStore, population: Population, records: list[Record]
    ) -> None:
        try:
            expected = Resolver(clock=lambda: T0)
            expected.resolve_many(population.records)
            resolver = Resolver(store=persistent, clock=lambda: T0)
            for record in records:
                resolver.resolve(record)
            assert resolver.partition() == expected.partition()
            assert sorted(resolver.customers()) == sorted(expected.customers())
        finally:
            close(persistent)


# ----------------------------------------------------------------------------- workspace


def _sample(ws: Workspace) -> tuple[Contact, Contact, Contact]:
    email = contact("m1", 0, N.email("ann@x.fr"), case_id="refund", subject="Refund")
    call = contact(
        "c1", 24, N.email("ann@x.fr"), N.phone("0612345678"), channel="phone", case_id="refund"
    )
    visit = contact("v1", 48, N.phone("06 12 34 56 78"), channel="branch")
    ws.ingest([visit, email, call])
    return email, call, visit


class TestWorkspace:
    def test_ingesting_twice_stores_once(self, store: CustomerStore) -> None:
        """Re-ingesting the same events adds nothing and reports them as duplicates."""
        ws = Workspace(store, clock=lambda: T0)
        email, call, visit = _sample(ws)
        report = ws.ingest([email, call, visit])
        assert report.added == ()
        assert set(report.duplicates) == {email.id, call.id, visit.id}
        assert store.count_contacts() == 3
        assert store.count_records() == 3

    def test_timeline_spans_channels_in_time_order(self, store: CustomerStore) -> None:
        """One customer's timeline holds every channel's contacts, oldest first."""
        ws = Workspace(store, clock=lambda: T0)
        email, call, visit = _sample(ws)
        customer = ws.customer_of(email.id)
        assert [c.id for c in ws.timeline(customer)] == [email.id, call.id, visit.id]

    def test_retired_id_gives_the_merged_timeline(self, store: CustomerStore) -> None:
        """After a merge, the retired id's timeline is the survivor's, older contacts included."""
        ws = Workspace(store, clock=lambda: T0)
        first = contact("p1", 0, N.phone("0645237819"), channel="phone")
        second = contact("m1", 1, N.email("bob@x.fr"))
        ws.ingest([first, second])
        retired = {ws.customer_of(first.id), ws.customer_of(second.id)}
        ws.ingest([contact("m2", 2, N.email("bob@x.fr"), N.phone("0645237819"))])
        assert len({ws.customer_of(first.id), ws.customer_of(second.id)}) == 1
        for customer in retired:
            assert [c.id for c in ws.timeline(customer)][:2] == [first.id, second.id]

    def test_repeat_contacts_share_one_identity_record(self, store: CustomerStore) -> None:
        """Contacts with the same channel and identifiers feed one record, whatever order
        they arrive in; the timeline still lists every contact."""
        ws = Workspace(store, clock=lambda: T0)
        later, earlier = (
            contact(f"m{i}", hours, N.email("ann@x.fr")) for i, hours in [(1, 5), (2, 1)]
        )
        ws.ingest([later, earlier])
        assert ws.record_of(later.id) == ws.record_of(earlier.id)
        assert store.count_records() == 1
        record = store.get_record(ws.record_of(later.id))
        assert record is not None
        assert record.observed_at == earlier.occurred_at
        customer = ws.customer_of(later.id)
        assert [c.id for c in ws.timeline(customer)] == [earlier.id, later.id]

    def test_unmerge_splits_the_timelines(self, store: CustomerStore) -> None:
        """Judging two merged customers different splits their timelines again."""
        ws = Workspace(store, clock=lambda: T0)
        email, call, visit = _sample(ws)
        ws.resolver.remove_identifier(
            ws.record_of(call.id), N.phone("0612345678"), reason="wrong number"
        )
        assert ws.customer_of(visit.id) != ws.customer_of(email.id)
        assert [c.id for c in ws.timeline(ws.customer_of(email.id))] == [email.id, call.id]
        assert [c.id for c in ws.timeline(ws.customer_of(visit.id))] == [visit.id]

    def test_cases_open_join_reopen_and_log(self, store: CustomerStore) -> None:
        """A contact opens a case, the next joins it, and one after resolution reopens it."""
        ws = Workspace(store, clock=lambda: at(30))
        _sample(ws)
        case = store.get_case("refund")
        assert case is not None
        assert case.channels == ("email", "phone")
        ws.set_case_status("refund", "resolved", reason="refunded")
        ws.ingest([contact("m3", 72, N.email("ann@x.fr"), case_id="refund")])
        reopened = store.get_case("refund")
        assert reopened is not None
        assert reopened.is_open
        kinds = [e.kind.value for e in ws.case_events()]
        assert kinds == ["opened", "joined", "status_changed", "reopened"]

    def test_cases_merge_and_split(self, store: CustomerStore) -> None:
        """Cases merge into one (logged) and split back into two (logged)."""
        ws = Workspace(store, clock=lambda: at(100))
        a = contact("m1", 0, N.email("ann@x.fr"), case_id="a")
        b = contact("m2", 1, N.email("ann@x.fr"), case_id="b")
        ws.ingest([a, b])
        merged = ws.merge_cases("a", ["b"], reason="same matter")
        assert [e.contact_id for e in merged.contacts] == [a.id, b.id]
        assert store.get_case("b") is None
        old, new = ws.split_case("a", [b.id], new_case_id="b2", reason="two matters")
        assert [e.contact_id for e in old.contacts] == [a.id]
        assert store.get_case("b2") == new
        assert [e.kind.value for e in ws.case_events()][-2:] == ["merged", "split"]

    def test_a_merged_case_id_leads_to_the_merged_case(self, store: CustomerStore) -> None:
        """A later contact, a status change or an added contact naming a merged case's id
        go to the case it was merged into, through later merges too."""
        ws = Workspace(store, clock=lambda: at(100))
        a = contact("m1", 0, N.email("ann@x.fr"), case_id="a")
        b = contact("m2", 1, N.email("ann@x.fr"), case_id="b")
        c = contact("m3", 2, N.email("bob@x.fr"), case_id="c")
        ws.ingest([a, b, c])
        ws.merge_cases("a", ["b"])
        assert store.case_successor_of("b") == "a"
        later = contact("m4", 3, N.email("ann@x.fr"), case_id="b")
        ws.ingest([later])
        assert store.get_case("b") is None
        assert [e.contact_id for e in store.get_case("a").contacts] == [a.id, b.id, later.id]
        assert ws.set_case_status("b", "pending").id == "a"
        ws.merge_cases("c", ["b"])  # "b" names "a" now: "a" goes into "c"
        assert ws.canonical_case_id("b") == ws.canonical_case_id("a") == "c"
        assert ws.canonical_case_id("unknown") == "unknown"
        assert ws.add_to_case("a", later.id).id == "c"
        with pytest.raises(InvalidValueError, match="merged into another"):
            ws.split_case("c", [c.id], new_case_id="b")

    @given(
        merges=st.lists(
            st.tuples(st.integers(0, 4), st.lists(st.integers(0, 4), min_size=1, max_size=3)),
            max_size=6,
        )
    )
    def test_every_case_id_ever_given_leads_to_its_contacts(
        self, merges: list[tuple[int, list[int]]]
    ) -> None:
        """After any merges, each contact's own case id leads to the case that holds it, and
        a later contact naming any of those ids joins that same case."""
        ws = Workspace(clock=lambda: at(100))
        contacts = [contact(f"m{i}", i, N.email("ann@x.fr"), case_id=f"case-{i}") for i in range(5)]
        ws.ingest(contacts)
        for into, others in merges:
            ids = [ws.canonical_case_id(f"case-{i}") for i in (into, *others)]
            if len(set(ids)) > 1:
                ws.merge_cases(ids[0], ids[1:])
        for item in contacts:
            assert item.case_id is not None
            case = ws.store.get_case(ws.canonical_case_id(item.case_id))
            assert case is not None
            assert item.id in {entry.contact_id for entry in case.contacts}
            late = contact(f"late-{item.source_id}", 10, N.email("ann@x.fr"), case_id=item.case_id)
            ws.ingest([late])
            assert ws.store.get_case(case.id) is not None
            assert late.id in {e.contact_id for e in ws.store.get_case(case.id).contacts}

    def test_a_refused_merge_changes_nothing(self, store: CustomerStore) -> None:
        """A merge naming an unknown case is refused: no case merged, no id redirected."""
        ws = Workspace(store, clock=lambda: at(100))
        ws.ingest([contact("m1", 0, N.email("ann@x.fr"), case_id="a")])
        ws.ingest([contact("m2", 1, N.email("ann@x.fr"), case_id="b")])
        with pytest.raises(InvalidValueError):
            ws.merge_cases("a", ["b", "missing"])
        assert store.case_successor_of("b") is None
        assert ws.canonical_case_id("b") == "b"
        assert store.get_case("b") is not None

    def test_advisor_view(self, store: CustomerStore) -> None:
        """The advisor view gathers golden record, open case, channels, consent, preferences."""
        ws = Workspace(store, clock=lambda: at(50))
        email, call, visit = _sample(ws)
        customer = ws.customer_of(email.id)
        ws.record_consent(
            Consent(
                point=ContactPoint(channel="sms", identifier=N.phone("0612345678")),
                purpose="marketing",
                status="denied",
                recorded_at=at(1),
                source="call",
            )
        )
        ws.set_preferences(customer, Preferences(preferred_channels=["email"]), at=at(2))
        view = ws.advisor_view(customer)
        assert view.customer_id == customer
        assert view.contact_count == 3
        assert view.channels == ("email", "phone", "branch")
        assert [s.case.id for s in view.open_cases] == ["refund"]
        assert [c.id for c in view.open_cases[0].last_contacts] == [email.id, call.id]
        assert view.last_by_channel["branch"] == visit
        assert [c.status.value for c in view.consents.entries] == ["denied"]
        assert view.preferences.preferred_channels == ("email",)
        assert view.golden.get("email") == N.email("ann@x.fr")
        text = view.render(zone="Europe/Paris")
        assert f"Customer {customer}" in text
        assert "refund [open] Refund — email, phone" in text
        assert "sms:+33612345678 marketing: denied" in text
        assert view.customer_view().id == customer

    def test_failed_contact_leaves_nothing(self, store: CustomerStore) -> None:
        """A contact whose ingestion fails midway is not stored, resolved or logged at all."""
        calls = {"n": 0}

        def clock() -> dt.datetime:
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("clock failure in the middle of an ingest")
            return T0

        ws = Workspace(store, clock=clock)
        item = contact("m1", 0, N.email("ann@x.fr"), case_id="k")
        with pytest.raises(RuntimeError):
            ws.ingest([item])
        assert store.count_contacts() == 0
        assert store.count_records() == 0
        assert list(store.events()) == []
        assert store.get_case("k") is None
        report = ws.ingest([item])
        assert report.added == (item.id,)
        assert ws.timeline(ws.customer_of(item.id)) == [item]

    def test_forget_erases_personal_data(self, store: CustomerStore) -> None:
        """Erasure removes the customer's contacts, consents and preferences from the store."""
        ws = Workspace(store, clock=lambda: at(60))
        email, call, visit = _sample(ws)
        other = contact("o1", 3, N.email("zoe@x.fr"), case_id="refund")
        ws.ingest([other])
        customer = ws.customer_of(email.id)
        ws.set_preferences(customer, Preferences(language="fr"))
        ws.record_consent(
            Consent(
                point=ContactPoint(channel="email", identifier=N.email("ann@x.fr")),
                purpose="marketing",
                status="granted",
                recorded_at=T0,
                source="web",
            )
        )
        ws.forget(customer, reason="erasure request")
        for item in (email, call, visit):
            assert store.get_contact(item.id) is None
            assert store.get_record(item.id) is None
        assert store.consents_for([N.email("ann@x.fr").key]) == []
        assert store.preferences_of([email.id, call.id, visit.id]) == []
        case = store.get_case("refund")
        assert case is not None
        assert [e.contact_id for e in case.contacts] == [other.id]
        assert store.count_contacts() == 1


class TestSQLiteFile:
    def test_erased_values_leave_the_file(self, tmp_path: Path) -> None:
        """After erasure no table of the SQLite file holds the erased email address."""
        path = tmp_path / "s.sqlite3"
        store = SQLiteStore(path)
        ws = Workspace(store, clock=lambda: T0)
        _sample(ws)
        ws.forget(ws.customer_ids()[0])
        store.close()
        connection = sqlite3.connect(path)
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            for row in connection.execute(f"SELECT * FROM {table}"):
                assert "ann@x.fr" not in repr(row)
                assert "+33612345678" not in repr(row)
        connection.close()

    def test_a_contact_read_from_one_store_cannot_change_another(self, tmp_path: Path) -> None:
        """Two stores on one file: the contact one hands out cannot be changed (its
        attributes are read-only all the way down), so the other returns it as stored."""
        path = tmp_path / "s.sqlite3"
        first, second = SQLiteStore(path), SQLiteStore(path)
        stored = contact("m1", 0, N.email("ann@x.fr"), attributes={"tags": ["vip"], "n": 1})
        first.put_contact(stored)
        read = first.get_contact(stored.id)
        assert read is not None
        with pytest.raises(TypeError):
            read.attributes["n"] = 2  # type: ignore[index]
        with pytest.raises(AttributeError):
            read.attributes["tags"].append("hacked")
        again = second.get_contact(stored.id)
        assert again is not None
        assert again.attributes == {"tags": ("vip",), "n": 1}
        assert again == stored
        first.close()
        second.close()

    def test_reopening_keeps_everything(self, tmp_path: Path) -> None:
        """A store reopened from its file answers as before (timeline, events, cases)."""
        path = tmp_path / "s.sqlite3"
        ws = Workspace(SQLiteStore(path), clock=lambda: T0)
        email, call, visit = _sample(ws)
        customer = ws.customer_of(email.id)
        again = Workspace(SQLiteStore(path), clock=lambda: T0)
        assert [c.id for c in again.timeline(customer)] == [email.id, call.id, visit.id]
        assert again.resolver.events() == ws.resolver.events()
        assert again.store.get_case("refund") == ws.store.get_case("refund")
        again.close()
        ws.close()

    def test_newer_schema_is_refused(self, tmp_path: Path) -> None:
        """Opening a store written by a newer omnicontact raises StoreVersionError."""
        path = tmp_path / "s.sqlite3"
        SQLiteStore(path).close()
        connection = sqlite3.connect(path)
        connection.execute("UPDATE oc_schema SET version = 99")
        connection.commit()
        connection.close()
        with pytest.raises(StoreVersionError, match="version 99 is newer"):
            SQLiteStore(path)

    def test_version_1_store_is_migrated(self, tmp_path: Path) -> None:
        """A store written before contacts linked to shared records opens migrated: each old
        contact keeps its own record, and its timeline reads as before."""
        path = tmp_path / "s.sqlite3"
        ws = Workspace(SQLiteStore(path), clock=lambda: T0)
        first = contact("m1", 0, N.email("ann@x.fr"))
        ws.ingest([first])
        ws.close()
        with sqlite3.connect(path) as connection:  # back to the version 1 layout
            connection.execute("DROP TABLE oc_case_successors")
            connection.execute("DROP INDEX oc_contacts_record")
            connection.execute("ALTER TABLE oc_contacts DROP COLUMN record_id")
            connection.execute("UPDATE oc_schema SET version = 1")
        connection.close()
        store = SQLiteStore(path)
        assert store.schema_version == 3
        assert store.record_of_contact(first.id) == first.id
        store.close()

    def test_version_2_store_is_migrated(self, tmp_path: Path) -> None:
        """A store written before merged case ids were kept opens migrated, its cases intact,
        and keeps the ids of cases merged from then on."""
        path = tmp_path / "s.sqlite3"
        ws = Workspace(SQLiteStore(path), clock=lambda: T0)
        first = contact("m1", 0, N.email("ann@x.fr"), case_id="a")
        second = contact("m2", 1, N.email("ann@x.fr"), case_id="b")
        ws.ingest([first, second])
        ws.close()
        with sqlite3.connect(path) as connection:  # back to the version 2 layout
            connection.execute("DROP TABLE oc_case_successors")
            connection.execute("UPDATE oc_schema SET version = 2")
        connection.close()
        ws = Workspace(SQLiteStore(path), clock=lambda: T0)
        assert ws.store.schema_version == 3  # type: ignore[attr-defined]
        ws.merge_cases("a", ["b"])
        assert ws.canonical_case_id("b") == "a"
        ws.close()

    def test_two_connections_see_each_others_writes(self, tmp_path: Path) -> None:
        """Two workspaces on one file build the customers one workspace would build."""
        path = tmp_path / "s.sqlite3"
        one = Workspace(SQLiteStore(path), clock=lambda: T0)
        two = Workspace(SQLiteStore(path), clock=lambda: T0)
        one.ingest([contact("p1", 0, N.phone("0645237819"), channel="phone")])
        two.ingest([contact("m1", 1, N.email("bob@x.fr"))])
        one.ingest([contact("m2", 2, N.email("bob@x.fr"), N.phone("0645237819"))])
        two.ingest([contact("m3", 3, N.email("bob@x.fr"))])
        assert len(one.customer_ids()) == 1
        assert one.customer_ids() == two.customer_ids()
        assert len(two.timeline(two.customer_ids()[0])) == 4
        one.close()
        two.close()
