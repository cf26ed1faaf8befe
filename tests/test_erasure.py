"""Erasure leaves nothing: no value of an erased customer stays in a store's files, its
logs or its caches, and nothing of anyone else goes with it."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _stores import KINDS, close, new_store, postgres_dsn, reset_postgres
from omnicontact import Consent, Contact, ContactPoint, Identifier, Normalizer, Workspace
from omnicontact._workspace import identity_record_id
from omnicontact.exceptions import StoreError
from omnicontact.identity import Event, EventKind, Record, Resolver
from omnicontact.identity._erasure import TOMBSTONE_PREFIX
from omnicontact.identity._graph import customer_id_for
from omnicontact.store import CustomerStore, PostgresStore, SQLiteStore
from omnicontact.testing import Population, populations

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
N = Normalizer(default_region="FR")

# Ann is erased; Zoé stays. Zoé shares Ann's landline (a household phone) and mentions
# Ann's second mobile in a contact of her own: both must survive Ann's erasure.
ANN_EMAIL = "Ann.Durand@Example.FR"
ANN_MOBILE = "06 12 34 56 78"
ANN_NAME = "Anne-Marie Durand"
ANN_BORN = "12/04/1985"
ANN_STREET = "12 bd Haussmann"
ANN_SUBJECT = "Remboursement commande 88412"
ANN_SECOND_MOBILE = "0611223344"
HOUSEHOLD_PHONE = "01 45 67 89 01"
ZOE_EMAIL = "zoe.martin@example.org"


def ann_forms() -> set[str]:
    """Every form an erased value may be stored in: as typed, normalized (lower case,
    E.164), folded, ISO date, display and key forms of the address."""
    email, mobile = N.email(ANN_EMAIL), N.phone(ANN_MOBILE)
    name, born = N.name(ANN_NAME), N.date_of_birth(ANN_BORN)
    address = N.address(lines=ANN_STREET, postal_code="75009", locality="Paris", country="FR")
    return {
        ANN_EMAIL,
        ANN_EMAIL.lower(),
        email.key,
        str(email),
        ANN_MOBILE,
        mobile.key,
        str(mobile),
        mobile.key[1:],  # without the +
        ANN_NAME,
        name.key,
        name.family_key,
        "Anne-Marie",
        ANN_BORN,
        born.key,
        str(born),
        "Haussmann",
        address.street_key,
        ANN_SUBJECT,
    }


def ann_contacts() -> list[Contact]:
    email, mobile = N.email(ANN_EMAIL), N.phone(ANN_MOBILE)
    name, born = N.name(ANN_NAME), N.date_of_birth(ANN_BORN)
    address = N.address(lines=ANN_STREET, postal_code="75009", locality="Paris", country="FR")
    household = N.phone(HOUSEHOLD_PHONE)
    contacts = []
    for i in range(12):
        identifiers = [email, (email, mobile, name, born, address, household)[i % 6]]
        contacts.append(
            Contact(
                channel=("email", "phone", "web")[i % 3],
                direction="inbound",
                occurred_at=T0 + dt.timedelta(hours=i),
                source_id=f"ann-{i}",
                identifiers=[*dict.fromkeys(identifiers)],
                case_id="refund-1" if i < 6 else None,
                subject=ANN_SUBJECT if i == 0 else "",
                summary=f"{ANN_NAME}, née le {ANN_BORN}, {ANN_STREET}",
                attributes={"email": ANN_EMAIL, "phone": ANN_MOBILE},
            )
        )
    # one contact carries everything, so a record joins every value
    contacts.append(
        Contact(
            channel="web",
            direction="inbound",
            occurred_at=T0 + dt.timedelta(hours=13),
            source_id="ann-all",
            identifiers=[email, mobile, name, born, address, household],
        )
    )
    return contacts


def zoe_contacts() -> list[Contact]:
    email, name = N.email(ZOE_EMAIL), N.name("Zoé Martin")
    household = N.phone(HOUSEHOLD_PHONE)
    return [
        Contact(
            channel="phone",
            direction="inbound",
            occurred_at=T0 + dt.timedelta(hours=i, minutes=30),
            source_id=f"zoe-{i}",
            identifiers=[email, name, household],
            case_id="refund-1" if i == 1 else None,
            summary=f"asks to call her sister back on {ANN_SECOND_MOBILE}",
        )
        for i in range(4)
    ]


def consent(raw_phone: str | None = None, raw_email: str | None = None) -> Consent:
    identifier = N.phone(raw_phone) if raw_phone else N.email(raw_email or "")
    return Consent(
        point=ContactPoint(channel="sms" if raw_phone else "email", identifier=identifier),
        purpose="marketing",
        status="denied",
        recorded_at=T0,
        source="web",
    )


def fill_and_forget(ws: Workspace) -> str:
    """Ann and Zoé, with consents, preferences and a shared case; Ann forgotten. Ann's
    customer id is returned."""
    ws.ingest([*ann_contacts(), *zoe_contacts()])
    ann = ws.customer_of(ann_contacts()[0].id)
    zoe = ws.customer_of(zoe_contacts()[0].id)
    assert ann != zoe
    ws.record_consent(consent(raw_email=ANN_EMAIL))
    ws.record_consent(consent(raw_phone=ANN_MOBILE))
    ws.record_consent(consent(raw_phone=HOUSEHOLD_PHONE))
    ws.forget(ann, reason="erasure request")
    return ann


def found_in(data: bytes, texts: set[str]) -> set[str]:
    """The texts found in ``data``, in UTF-8 or in any letter case."""
    folded = data.lower()
    return {text for text in texts if text.encode().lower() in folded}


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CustomerStore]:
    made = new_store(request.param, tmp_path)
    yield made
    close(made)


class TestForgetIsExact:
    def test_the_erased_customer_goes_and_the_other_stays(self, store: CustomerStore) -> None:
        """After forget, no stored object holds Ann's values; Zoé's contacts (with Ann's
        second number in a summary), her case and her household-phone consent stay."""
        ws = Workspace(store, clock=lambda: T0 + dt.timedelta(days=1))
        ann = fill_and_forget(ws)
        zoe = ws.customer_of(zoe_contacts()[0].id)
        assert ws.customer_ids() == [zoe]
        assert [c.id for c in ws.timeline(zoe)] == [c.id for c in zoe_contacts()]
        assert all(ANN_SECOND_MOBILE in (c.summary or "") for c in ws.timeline(zoe))
        case = store.get_case("refund-1")
        assert case is not None
        assert [e.contact_id for e in case.contacts] == [zoe_contacts()[1].id]
        assert case.subject == ""  # it came from Ann's first email
        household = N.phone(HOUSEHOLD_PHONE).key
        assert [c.point.identifier.key for c in store.consents_for([household])] == [household]
        assert store.consents_for([N.email(ANN_EMAIL).key, N.phone(ANN_MOBILE).key]) == []
        everything = json.dumps(
            [
                [attrs.asdict(e) for e in store.events()],
                [attrs.asdict(e) for e in store.case_events()],
                attrs.asdict(case),
            ],
            default=str,
        )
        assert not found_in(everything.encode(), ann_forms())
        assert ann not in everything

    def test_the_logs_name_nobody_anyone_can_recompute(self, store: CustomerStore) -> None:
        """No log entry holds an id derived from Ann's values (record, contact and customer
        ids, as anyone could recompute them); the erasure is still logged, under
        tombstones used consistently, and entries about Zoé alone are untouched."""
        ws = Workspace(store, clock=lambda: T0 + dt.timedelta(days=1))
        ws.ingest([*ann_contacts(), *zoe_contacts()])
        ann = ws.customer_of(ann_contacts()[0].id)
        recomputable = {ann}
        for item in ann_contacts():
            record_id = identity_record_id(item)
            recomputable |= {item.id, record_id, customer_id_for(record_id)}
        zoe = {ws.customer_of(zoe_contacts()[0].id)}
        zoe |= {identity_record_id(item) for item in zoe_contacts()}
        untouched = [e for e in store.events() if not _names(e) & recomputable]
        assert any(_names(e) & zoe for e in untouched)
        ws.forget(ann)
        log = json.dumps(
            [
                [attrs.asdict(e) for e in store.events()],
                [attrs.asdict(e) for e in store.case_events()],
            ],
            default=str,
        )
        assert not {name for name in recomputable if name in log}
        (erased,) = [e for e in store.events() if e.kind is EventKind.CUSTOMER_ERASED]
        (tombstone,) = erased.customer_ids
        assert tombstone.startswith(TOMBSTONE_PREFIX)
        assert erased.record_ids
        assert all(r.startswith(TOMBSTONE_PREFIX) for r in erased.record_ids)
        created = [e for e in store.events() if tombstone in e.created]
        assert len(created) == 1  # the same tombstone names the customer throughout
        assert all(store.events(since=e.sequence)[0] == e for e in untouched)
        (opened,) = [e for e in store.case_events() if e.kind.value == "opened"]
        assert opened.contact_ids[0].startswith(TOMBSTONE_PREFIX)

    def test_an_erasure_rolled_back_changes_nothing(self, store: CustomerStore) -> None:
        """An erasure whose transaction fails leaves the customer, its contacts and both
        logs exactly as they were (the rewritten entries are undone too)."""
        ws = Workspace(store, clock=lambda: T0)
        ws.ingest([*ann_contacts(), *zoe_contacts()])
        ann = ws.customer_of(ann_contacts()[0].id)
        events, case_events = list(store.events()), list(store.case_events())

        def forget_then_fail() -> None:
            with ws.transaction():
                ws.forget(ann)
                raise RuntimeError("the application's own step failed")

        with pytest.raises(RuntimeError):
            forget_then_fail()
        assert list(store.events()) == events
        assert list(store.case_events()) == case_events
        assert ws.customer_of(ann_contacts()[0].id) == ann
        assert len(ws.timeline(ann)) == len(ann_contacts())

    def test_erasing_twice_in_one_transaction_purges_once_and_erases_both(
        self, store: CustomerStore
    ) -> None:
        """Two erasures in one transaction leave neither customer in the store."""
        ws = Workspace(store, clock=lambda: T0)
        ws.ingest([*ann_contacts(), *zoe_contacts()])
        with ws.transaction():
            for customer in ws.customer_ids():
                ws.forget(customer)
        assert ws.customer_ids() == []
        assert store.count_contacts() == 0
        assert store.count_records() == 0


class TestHistory:
    def test_records_removed_before_and_retired_ids_are_erased_too(self) -> None:
        """A record the customer held and that was removed since, and the id of the
        customer it was merged into before, are tombstoned; a record that left it for a
        customer still alive keeps its id."""
        r = Resolver(clock=lambda: T0)

        def record(record_id: str, hours: int, *identifiers: Identifier) -> Record:
            when = T0 + dt.timedelta(hours=hours)
            return Record(id=record_id, source="web", observed_at=when, identifiers=identifiers)

        email, phone = N.email("ann@x.fr"), N.phone("0612345678")
        r.resolve_many([record("a", 0, email), record("b", 1, phone)])
        r.resolve(record("link", 2, email, phone))
        r.resolve(record("early", -1, N.email("ann2@x.fr"), email))  # the id moves to it
        retired = customer_id_for("a")
        assert r.canonical_id(retired) == customer_id_for("early")
        r.remove_record("link")
        ann, other = r.customer_of("a"), r.customer_of("b")
        assert ann != other
        r.forget_customer(ann)
        named = set().union(*(_names(e) for e in r.events()))
        assert not named & {"a", "early", "link", ann, retired}
        assert {"b", other} <= named


class TestOddIds:
    def test_ids_with_wildcards_quotes_and_accents_are_found_and_replaced(
        self, store: CustomerStore
    ) -> None:
        """Record ids holding LIKE wildcards, backslashes, quotes or accents are found in
        the log and replaced, and a look-alike id of another customer is left alone."""
        r = Resolver(store=store, clock=lambda: T0)
        erased = ['a%_\\"é1', "a_b"]
        kept = ['aX%_\\"é1', "axb"]
        for ids, email in ((erased, "ann@x.fr"), (kept, "zoe@x.fr")):
            r.resolve_many(
                Record(id=i, source="web", observed_at=T0, identifiers=[N.email(email)])
                for i in ids
            )
        customer = r.customer_of(erased[0])
        r.forget_customer(customer)
        named = set().union(*(_names(e) for e in store.events()))
        assert not named & {*erased, customer}
        assert set(kept) | {r.customer_of(kept[0])} <= named


def _names(event: Event) -> set[str]:
    return {*event.record_ids, *event.customer_ids, *event.created, *event.retired}


class TestErasureProperties:
    @given(populations(min_people=2, max_people=5), st.data())
    def test_the_log_names_no_erased_id_and_keeps_the_rest(
        self, population: Population, data: st.DataObject
    ) -> None:
        """For any population and erased customer: no event names one of its records or
        ids; every event naming only live records and customers reads as before; the log
        keeps its length."""
        r = Resolver(clock=lambda: T0)
        r.resolve_many(population.records)
        cid = data.draw(st.sampled_from(sorted(r.customers())))
        erased = r.members(cid) | {cid}
        before = list(r.events())
        returned = r.forget_customer(cid)
        after = list(r.events())
        assert len(after) == len(before) + len(returned)
        assert list(after[len(before) :]) == list(returned)
        live = set(r.store.record_ids()) | set(r.customers())
        for old, new in zip(before, after[: len(before)], strict=True):
            names, old_names = _names(new), _names(old)
            assert not names & erased
            if old_names <= live:
                assert new == old
            else:
                assert new.sequence == old.sequence
                assert new.kind is old.kind
                assert {n for n in names if not n.startswith(TOMBSTONE_PREFIX)} <= old_names


class TestExactErasureOnFile:
    @settings(max_examples=40)
    @given(populations(min_people=2, max_people=5), st.data())
    def test_the_file_holds_no_erased_value_that_no_live_object_holds(
        self, population: Population, data: st.DataObject
    ) -> None:
        """For any population ingested into a SQLite file and any customer erased: every
        form of the erased contacts' identifiers (key, as typed, as shown) that no live
        object of the store holds is absent from the database, -wal and -shm files; the
        other customers keep exactly their contacts."""
        contacts = [
            Contact(
                channel=record.source,
                direction="inbound",
                occurred_at=record.observed_at,
                source_id=record.id,
                identifiers=record.identifiers,
            )
            for record in population.records
        ]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "s.sqlite3"
            store = SQLiteStore(path)
            ws = Workspace(store, clock=lambda: T0)
            ws.ingest(contacts)
            customer = data.draw(st.sampled_from(ws.customer_ids()))
            erased = ws.timeline(customer)
            others = {c: ws.timeline(c) for c in ws.customer_ids() if c != customer}
            ws.forget(customer)
            assert {c: ws.timeline(c) for c in ws.customer_ids()} == others
            live = _live_text(store).lower()
            forms = {
                text
                for item in erased
                for identifier in item.identifiers
                for text in (identifier.key, identifier.raw, str(identifier))
                if len(text) >= 5 and text.lower() not in live
            }
            assert found_in(TestSQLiteFiles.files(path), forms) == set()
            store.close()


def _live_text(store: CustomerStore) -> str:
    """Everything a store hands out, as text: every contact, record (with its identifiers'
    keys), case and log entry."""
    records = [store.get_record(r) for r in store.record_ids()]
    contacts = [
        c for customer in store.customer_ids() for c in store.contacts_of_customer(customer)
    ]
    cases = {case_id for c in contacts for case_id in store.case_ids_of_contacts([c.id])}
    return json.dumps(
        [
            [attrs.asdict(x) for x in records if x is not None],
            [attrs.asdict(c) for c in contacts],
            [i.key for x in [*records, *contacts] if x is not None for i in x.identifiers],
            [attrs.asdict(store.get_case(c)) for c in sorted(cases)],
            [attrs.asdict(e) for e in store.events()],
            [attrs.asdict(e) for e in store.case_events()],
        ],
        default=str,
        ensure_ascii=False,
    )


class TestSQLiteFiles:
    @staticmethod
    def files(path: Path) -> bytes:
        return b"".join(
            Path(f"{path}{suffix}").read_bytes()
            for suffix in ("", "-wal", "-shm")
            if Path(f"{path}{suffix}").exists()
        )

    def test_no_form_of_an_erased_value_stays_in_the_files(self, tmp_path: Path) -> None:
        """The database, -wal and -shm files hold no form of Ann's values after forget,
        with the store still open and after closing it; Zoé's values and the number she
        mentions are still there (the scan finds what is stored)."""
        path = tmp_path / "crm.sqlite3"
        ws = Workspace(SQLiteStore(path), clock=lambda: T0)
        ws.ingest([*ann_contacts(), *zoe_contacts()])
        assert found_in(self.files(path), ann_forms()) == ann_forms()
        ws.forget(ws.customer_of(ann_contacts()[0].id))
        assert found_in(self.files(path), ann_forms()) == set()
        survivors = {ZOE_EMAIL, ANN_SECOND_MOBILE, N.phone(HOUSEHOLD_PHONE).key}
        assert found_in(self.files(path), survivors) == survivors
        ws.close()
        assert found_in(self.files(path), ann_forms()) == set()
        assert found_in(self.files(path), survivors) == survivors

    def test_a_file_with_older_remains_is_rebuilt(self, tmp_path: Path) -> None:
        """A file that deleted rows without secure_delete (an older omnicontact, or a
        SQLite without it) keeps their bytes; its first purge rebuilds it with VACUUM."""
        path = tmp_path / "old.sqlite3"
        SQLiteStore(path).close()
        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("PRAGMA secure_delete = OFF")
        raw.execute("DELETE FROM oc_state WHERE name = 'scrubbed'")  # as an older store
        raw.execute("INSERT INTO oc_state (name, value) VALUES ('ann@old.example', 1)")
        raw.execute("DELETE FROM oc_state WHERE name = 'ann@old.example'")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.close()
        assert found_in(self.files(path), {"ann@old.example"})
        store = SQLiteStore(path)
        store.purge()
        assert not found_in(self.files(path), {"ann@old.example"})
        assert store._rows("SELECT value FROM oc_state WHERE name = 'scrubbed'") == [(1,)]
        store.close()

    def test_without_secure_delete_every_purge_rebuilds_the_file(self, tmp_path: Path) -> None:
        """Where SQLite cannot zero deleted content, each purge runs VACUUM, so a value
        deleted since the last one still leaves the file."""
        path = tmp_path / "plain.sqlite3"
        store = SQLiteStore(path)
        store._secure_delete = False  # as on a SQLite without the setting
        store._run("PRAGMA secure_delete = OFF")
        for marker in ("ann@first.example", "ann@second.example"):
            with store.transaction():
                store.put_contact(
                    Contact(
                        channel="email",
                        direction="inbound",
                        occurred_at=T0,
                        source_id=marker,
                        identifiers=[N.email(marker)],
                    )
                )
            store._run("PRAGMA wal_checkpoint(TRUNCATE)")
            store.delete_contact(Contact.derive_id("email", marker))
            store._run("PRAGMA wal_checkpoint(TRUNCATE)")
            assert found_in(self.files(path), {marker})
            store.purge()
            assert not found_in(self.files(path), {marker})
        store.close()

    def test_a_reader_that_holds_the_log_gets_a_clear_error_and_a_later_purge(
        self, tmp_path: Path
    ) -> None:
        """While another connection reads, the -wal cannot be emptied: forget commits the
        erasure and raises StoreError saying so; purge() after the reader ends finishes."""
        path = tmp_path / "crm.sqlite3"
        ws = Workspace(SQLiteStore(path, timeout=0.2), clock=lambda: T0)
        ws.ingest([*ann_contacts(), *zoe_contacts()])
        ann = ws.customer_of(ann_contacts()[0].id)
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM oc_contacts").fetchone()
        with pytest.raises(StoreError, match="another connection is reading"):
            ws.forget(ann)
        assert ann not in ws.customer_ids()
        assert found_in(self.files(path), ann_forms())  # still in the -wal
        reader.execute("COMMIT")
        reader.close()
        assert isinstance(ws.store, SQLiteStore)
        ws.store.purge()
        assert found_in(self.files(path), ann_forms()) == set()
        ws.close()

    def test_purge_waits_for_the_commit_and_a_rollback_purges_nothing(self, tmp_path: Path) -> None:
        """Inside a transaction purge runs once it commits; a rolled-back one purges
        nothing (the -wal still holds the written frames)."""
        path = tmp_path / "s.sqlite3"
        store = SQLiteStore(path)

        def write_purge_and_fail() -> None:
            with store.transaction():
                store.put_contact(ann_contacts()[0])
                store.purge()
                raise RuntimeError("undo")

        with pytest.raises(RuntimeError):
            write_purge_and_fail()
        assert Path(f"{path}-wal").stat().st_size > 0
        with store.transaction():
            store.put_contact(ann_contacts()[0])
            store.purge()
            assert Path(f"{path}-wal").stat().st_size > 0
        assert Path(f"{path}-wal").stat().st_size == 0
        store.close()


class TestLogLines:
    def test_the_erasure_is_logged_with_tombstones(self, caplog: pytest.LogCaptureFixture) -> None:
        """The log lines an erasure writes name its tombstones, never the ids it erased."""
        caplog.set_level(logging.DEBUG, logger="omnicontact")
        ws = Workspace(clock=lambda: T0)
        ws.ingest([*ann_contacts(), *zoe_contacts()])
        ann = ws.customer_of(ann_contacts()[0].id)
        members = ws.store.members(ann)
        caplog.clear()
        ws.forget(ann)
        lines = [r for r in caplog.records if hasattr(r, "omnicontact_event")]
        erased = [r for r in lines if r.omnicontact_event == EventKind.CUSTOMER_ERASED.value]
        assert len(erased) == 1
        assert erased[0].omnicontact_customer_ids[0].startswith(TOMBSTONE_PREFIX)
        text = " ".join(r.getMessage() + repr(r.__dict__) for r in lines)
        assert not {ann, *members} & set(text.replace(",", " ").replace("'", " ").split())


class TestMemory:
    def test_memoized_values_are_forgotten(self, tmp_path: Path) -> None:
        """After forget the memoized parsers and the decoded-contact cache hold none of
        the erased values."""
        from omnicontact import _identifiers
        from omnicontact.store import _sql

        ws = Workspace(SQLiteStore(tmp_path / "s.sqlite3"), clock=lambda: T0)
        fill_and_forget(ws)
        assert _identifiers._parse_email.cache_info().currsize == 0
        cached = json.dumps([repr(c) for c in _sql._CONTACTS.values()])
        assert not found_in(cached.encode(), {ANN_EMAIL, ANN_NAME, ANN_STREET})
        ws.close()


class TestPostgresFiles:
    def relation_bytes(self, dsn: str) -> bytes:
        """The bytes of every omnicontact table, its indexes and TOAST, read from the data
        directory (or with pg_read_binary_file) after a checkpoint."""
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as connection:
            try:
                connection.execute("CHECKPOINT")
            except psycopg.Error as error:
                pytest.skip(f"cannot checkpoint PostgreSQL: {error}")
            files = [
                row[0]
                for row in connection.execute(
                    "WITH t AS (SELECT oid FROM pg_class WHERE relname LIKE 'oc\\_%'"
                    " UNION SELECT reltoastrelid FROM pg_class WHERE relname LIKE 'oc\\_%')"
                    " SELECT pg_relation_filepath(oid) FROM t"
                    " UNION SELECT pg_relation_filepath(indexrelid) FROM pg_index"
                    " WHERE indrelid IN (SELECT oid FROM t)"
                )
                if row[0]
            ]
            home = connection.execute("SHOW data_directory").fetchone()[0]
            chunks = []
            for name in files:
                local = Path(home) / name
                if os.access(local, os.R_OK):
                    chunks.append(
                        b"".join(p.read_bytes() for p in local.parent.glob(local.name + "*"))
                    )
                    continue
                try:
                    chunks.append(
                        connection.execute("SELECT pg_read_binary_file(%s)", (name,)).fetchone()[0]
                    )
                except psycopg.Error as error:
                    pytest.skip(f"cannot read PostgreSQL's table files: {error}")
            return b"".join(chunks)

    def test_no_form_of_an_erased_value_stays_in_the_table_files(self) -> None:
        """After forget (which runs VACUUM (FULL)), no table, index or TOAST file holds a
        form of Ann's values; Zoé's are still there."""
        dsn = postgres_dsn()
        reset_postgres(dsn)
        store = PostgresStore(dsn)
        ws = Workspace(store, clock=lambda: T0)
        ws.ingest([*ann_contacts(), *zoe_contacts()])
        assert found_in(self.relation_bytes(dsn), ann_forms()) == ann_forms()
        ws.forget(ws.customer_of(ann_contacts()[0].id))
        data = self.relation_bytes(dsn)
        assert found_in(data, ann_forms()) == set()
        survivors = {ZOE_EMAIL, ANN_SECOND_MOBILE, N.phone(HOUSEHOLD_PHONE).key}
        assert found_in(data, survivors) == survivors
        store.close()

    def test_a_role_that_does_not_own_the_tables_gets_an_error(self) -> None:
        """PostgreSQL skips, with a mere warning, tables a role may not vacuum: purge turns
        that into a StoreError instead of leaving the remains silently."""
        import psycopg
        from psycopg.conninfo import make_conninfo

        dsn = postgres_dsn()
        reset_postgres(dsn)
        PostgresStore(dsn).close()
        with psycopg.connect(dsn, autocommit=True) as admin:
            try:
                admin.execute("DROP ROLE IF EXISTS omnicontact_not_owner")
                admin.execute("CREATE ROLE omnicontact_not_owner LOGIN")
            except psycopg.Error as error:
                pytest.skip(f"cannot create a role: {error}")
            admin.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO omnicontact_not_owner")
            try:
                store = PostgresStore(make_conninfo(dsn, user="omnicontact_not_owner"))
                with pytest.raises(StoreError, match="needs the tables' owner"):
                    store.purge()
                store.close()
            finally:
                admin.execute(
                    "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM omnicontact_not_owner"
                )
                admin.execute("DROP ROLE omnicontact_not_owner")
