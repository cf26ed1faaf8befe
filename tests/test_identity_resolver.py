"""Unit tests of the resolver: outcomes, ids, judgements, guards, unmerge, erasure, audit."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicontact import Contact, Normalizer, aware
from omnicontact.exceptions import (
    InvalidValueError,
    UnknownCustomerError,
    UnknownJudgementError,
    UnknownRecordError,
)
from omnicontact.identity import (
    Event,
    EventKind,
    GuardPolicy,
    MatchModel,
    Record,
    ResolutionOutcome,
    Resolver,
    customer_id_for,
    estimate,
)
from omnicontact.identity._graph import _CUSTOMER_NAMESPACE
from omnicontact.identity._record import _SOURCE, _observed_at
from omnicontact.identity._resolver import _merged
from omnicontact.store import IdentityStore, MemoryStore
from omnicontact.testing import synthetic_population

N = Normalizer(default_region="FR")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def rec(
    record_id: str,
    *,
    day: int = 0,
    source: str = "web",
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    dob: str | None = None,
    emails: tuple[str, ...] = (),
    dobs: tuple[str, ...] = (),
    attributes: dict[str, object] | None = None,
) -> Record:
    identifiers: list[object] = []
    for value in (*([email] if email else []), *emails):
        identifiers.append(N.email(value))
    if phone:
        identifiers.append(N.phone(phone))
    if name:
        identifiers.append(N.name(name))
    for value in (*([dob] if dob else []), *dobs):
        identifiers.append(N.date_of_birth(value))
    return Record(
        id=record_id,
        source=source,
        observed_at=T0 + dt.timedelta(days=day),
        identifiers=identifiers,
        attributes=attributes or {},
    )


def make(model: MatchModel | None = None) -> Resolver:
    return Resolver(model=model, clock=lambda: T0)


class _Moment(dt.datetime):
    """A datetime subclass, which the shortcut leaves to the general path."""


class TestRecord:
    @given(
        st.datetimes(timezones=st.none() | st.timezones() | st.just(dt.timezone.utc)),
        st.booleans(),
    )
    def test_observed_at_shortcut_is_aware(self, when: dt.datetime, subclass: bool) -> None:
        """A record's time is what aware() makes of it: UTC times pass as they are, other
        aware times are moved to UTC, naive ones are refused naming the field."""
        if subclass:
            when = _Moment.fromisoformat(when.isoformat())

        def outcome(convert: Any) -> tuple[Any, ...]:
            try:
                got = convert(when)
            except InvalidValueError as error:
                return ("error", error.field, str(error))
            return ("value", got, got.tzinfo, type(got))

        assert outcome(_observed_at) == outcome(
            lambda value: aware(value, field="record.observed_at")
        )

    @given(st.text(alphabet="ab1_.-A \n", max_size=5))
    def test_source_names_are_checked_every_time(self, source: str) -> None:
        """A source is accepted when it is a lowercase name, the second time as the first."""
        for _ in range(2):
            if _SOURCE.match(source):
                assert Record(id="r1", source=source, observed_at=T0).source == source
            else:
                with pytest.raises(InvalidValueError) as caught:
                    Record(id="r1", source=source, observed_at=T0)
                assert caught.value.field == "record.source"

    def test_from_contact_keeps_id_channel_identifiers_and_time(self) -> None:
        """A contact becomes a record with its id, channel as source, identifiers and time."""
        contact = Contact(
            channel="phone",
            direction="inbound",
            occurred_at=T0,
            identifiers=[N.phone("0612345678")],
            source_id="call-1",
            attributes={"queue": "billing"},
        )
        record = Record.from_contact(contact)
        assert (record.id, record.source, record.observed_at) == (contact.id, "phone", T0)
        assert record.identifiers == contact.identifiers
        assert record.attributes == {}

    def test_from_contact_takes_customer_attributes_explicitly(self) -> None:
        """Attributes about the customer are passed explicitly, not taken from the contact."""
        contact = Contact(channel="web", direction="inbound", occurred_at=T0, source_id="s1")
        record = Record.from_contact(contact, attributes={"segment": "gold"})
        assert record.attributes == {"segment": "gold"}

    def test_invalid_fields_are_named(self) -> None:
        """A bad source or a naive time raises an error naming the field."""
        with pytest.raises(InvalidValueError, match=r"record\.source"):
            Record(id="x", source="Bad Source", observed_at=T0)
        with pytest.raises(InvalidValueError, match=r"record\.observed_at"):
            Record(id="x", source="web", observed_at=dt.datetime(2026, 1, 1))
        with pytest.raises(InvalidValueError, match=r"record\.id"):
            Record(id="", source="web", observed_at=T0)


class TestResolve:
    def test_outcomes_new_joined_merged_unchanged(self) -> None:
        """Resolution reports a new customer, a join, a merge of two, and an unchanged repeat."""
        r = make()
        a = r.resolve(rec("a", email="ann@mail.fr"))
        b = r.resolve(rec("b", day=1, phone="0612345678"))
        assert (a.outcome, b.outcome) == (ResolutionOutcome.NEW, ResolutionOutcome.NEW)
        c = r.resolve(rec("c", day=2, email="ann@mail.fr"))
        assert c.outcome is ResolutionOutcome.JOINED
        assert c.customer_id == a.customer_id
        d = r.resolve(rec("d", day=3, email="ann@mail.fr", phone="06 12 34 56 78"))
        assert d.outcome is ResolutionOutcome.MERGED
        assert set(d.merged) == {a.customer_id, b.customer_id}
        assert d.customer_id == a.customer_id  # "a" is the earliest record
        assert {e.rule for e in d.evidence} == {"same_email", "same_phone"}
        assert r.resolve(rec("d", day=3, email="ann@mail.fr", phone="0612345678")).outcome is (
            ResolutionOutcome.UNCHANGED
        )

    @given(st.text(st.characters(exclude_categories=["Cs"]), min_size=1))
    def test_customer_ids_are_uuid5_of_the_anchor(self, anchor: str) -> None:
        """A customer id is ``cus_`` and the hex of UUID 5 of its anchor record id."""
        assert customer_id_for(anchor) == "cus_" + uuid.uuid5(_CUSTOMER_NAMESPACE, anchor).hex

    def test_retired_id_resolves_to_the_survivor(self) -> None:
        """When an earlier record joins, the old id is retired and still resolves."""
        r = make()
        late = r.resolve(rec("late", day=5, email="ann@mail.fr"))
        early = r.resolve(rec("early", day=1, email="ann@mail.fr"))
        assert early.customer_id == customer_id_for("early")
        assert late.customer_id != early.customer_id
        assert r.canonical_id(late.customer_id) == early.customer_id
        assert r.members(late.customer_id) == {"early", "late"}

    def test_id_of_removed_anchor_moves_to_successor(self) -> None:
        """Removing the anchor record renames the customer; the old id resolves to the new."""
        r = make()
        first = r.resolve(rec("a", email="ann@mail.fr"))
        r.resolve(rec("b", day=1, email="ann@mail.fr"))
        events = r.remove_record("a")
        assert EventKind.CUSTOMER_RENAMED in {e.kind for e in events}
        assert r.canonical_id(first.customer_id) == customer_id_for("b")

    def test_update_replaces_the_record(self) -> None:
        """Resolving a record id again with new identifiers moves it to the right customer."""
        r = make()
        r.resolve(rec("a", email="ann@mail.fr"))
        r.resolve(rec("b", day=1, email="bob@mail.fr"))
        moved = r.resolve(rec("b", day=1, email="ann@mail.fr"))
        assert moved.customer_id == r.customer_of("a")
        assert any(e.kind is EventKind.RECORD_UPDATED for e in r.events())

    def test_unknown_ids_raise_lookup_errors(self) -> None:
        """Unknown records, customers and judgements raise typed LookupErrors."""
        r = make()
        with pytest.raises(UnknownRecordError):
            r.customer_of("nope")
        with pytest.raises(UnknownCustomerError):
            r.canonical_id("cus_nope")
        with pytest.raises(UnknownJudgementError):
            r.withdraw_judgement("nope")
        with pytest.raises(LookupError):
            r.remove_record("nope")

    def test_uses_the_store_it_is_given(self) -> None:
        """Every fact lives in the given store (the resolver keeps only derived caches)."""
        store = MemoryStore()
        assert isinstance(store, IdentityStore)
        r = Resolver(store=store, clock=lambda: T0)
        r.resolve(rec("a", email="ann@mail.fr"))
        assert store.get_record("a") is not None
        assert store.customer_of("a") == customer_id_for("a")


class TestPersonMatching:
    def test_name_and_date_of_birth_match_across_channels(self) -> None:
        """Records with no shared identifier match on a close name and the same birth date."""
        r = make()
        r.resolve(rec("a", name="Jean Dupont", dob="03/04/1980"))
        b = r.resolve(rec("b", day=1, name="DUPONT Jean", dob="03/04/1980"))
        c = r.resolve(rec("c", day=2, name="Jean Dupond", dob="03/04/1980"))
        assert b.outcome is ResolutionOutcome.JOINED
        assert c.customer_id == r.customer_of("a")

    def test_name_alone_is_not_enough(self) -> None:
        """Two records with only the same common name stay two customers."""
        r = make()
        r.resolve(rec("a", name="Jean Martin", email="j1@mail.fr"))
        r.resolve(rec("b", name="Jean Martin", phone="0612345678"))
        assert r.customer_of("a") != r.customer_of("b")

    def test_possible_matches_are_listed_not_merged(self) -> None:
        """A pair between the thresholds is kept for review, not merged."""
        r = make(MatchModel(match_threshold=0.999999, review_threshold=0.5))
        r.resolve(rec("a", name="Jean Dupont", dob="03/04/1980"))
        r.resolve(rec("b", name="J. Dupont", dob="03/04/1980"))
        review = r.possible_matches()
        assert [(p.left, p.right) for p in review] == [("a", "b")]
        assert r.customer_of("a") != r.customer_of("b")


class TestGuardsAndSharedValues:
    def test_junk_email_does_not_link(self) -> None:
        """Two records with only test@test.com in common stay apart."""
        r = make()
        r.resolve(rec("a", email="test@test.com", name="Ann Lee"))
        r.resolve(rec("b", email="test@test.com", name="Bob Ray"))
        assert r.customer_of("a") != r.customer_of("b")

    def test_household_phone_relates_without_merging(self) -> None:
        """A phone shared by people whose names and dates conflict makes them related only:
        one family name and clearly different given names make them a household."""
        r = make()
        r.resolve(rec("a", phone="0145678901", name="Anne Martin", dob="01/02/1970"))
        r.resolve(rec("b", phone="0145678901", name="Paul Martin", dob="05/06/1968"))
        assert r.customer_of("a") != r.customer_of("b")
        assert r.related(r.customer_of("a")) == {r.customer_of("b"): ("household", "phone")}

    def test_switchboard_number_is_shared_after_three_names(self) -> None:
        """A phone carried by three different names links nobody, even without conflicts."""
        r = make()
        for index, name in enumerate(["Ann Lee", "Bob Ray", "Cat Poe"]):
            r.resolve(rec(f"r{index}", phone="0145678901", name=name))
        assert len({r.customer_of(f"r{i}") for i in range(3)}) == 3

    def test_shared_status_splits_an_existing_customer(self) -> None:
        """When a value becomes shared, customers it had joined are split again."""
        r = make()
        r.resolve(rec("a", phone="0145678901", name="Ann Lee"))
        r.resolve(rec("b", phone="0145678901"))
        assert r.customer_of("a") == r.customer_of("b")
        r.resolve(rec("c", phone="0145678901", name="Bob Ray"))
        since = len(r.events()) + 1
        r.resolve(rec("d", phone="0145678901", name="Cat Poe"))
        assert EventKind.CUSTOMER_SPLIT in {e.kind for e in r.events(since=since)}
        assert r.customer_of("a") != r.customer_of("b")

    def test_per_customer_limit_refuses_merge(self) -> None:
        """A merge that would give a customer two dates of birth is refused (limit 1)."""
        model = MatchModel(guards=GuardPolicy(max_distinct={"date_of_birth": 1}))
        r = make(model)
        r.resolve(rec("a", email="ann@mail.fr", dob="01/02/1970"))
        r.resolve(rec("b", day=1, phone="0612345678", dob="02/02/1970"))
        r.resolve(rec("c", day=2, email="ann@mail.fr", phone="0612345678"))
        assert r.customer_of("a") != r.customer_of("b")
        assert r.customer_of("c") == r.customer_of("a")  # the earlier-ranked edge wins
        explanation = r.explain("b", "c")
        assert [x.reason for x in explanation.rejections] == ["guard:date_of_birth"]


class TestJudgements:
    def test_not_same_splits_and_holds_against_later_links(self) -> None:
        """A "not the same" judgement splits a customer and no later record rejoins it."""
        r = make()
        r.resolve(rec("a", email="ann@mail.fr"))
        r.resolve(rec("b", day=1, email="ann@mail.fr"))
        judgement = r.judge_records("a", "b", same=False, reason="advisor checked")
        assert r.customer_of("a") != r.customer_of("b")
        r.resolve(rec("c", day=2, email="ann@mail.fr"))
        assert r.customer_of("a") != r.customer_of("b")
        explanation = r.explain("a", "b")
        assert explanation.judgements == (judgement,)
        assert "advisor checked" in explanation.text()

    def test_customer_judgement_covers_all_its_records(self) -> None:
        """ "Not the same" between two customers holds for every record they had."""
        r = make()
        r.resolve_many(
            [
                rec("a1", email="ann@mail.fr"),
                rec("a2", email="ann@mail.fr", phone="0612345678"),
                rec("b1", email="bob@mail.fr"),
            ]
        )
        r.judge_customers(r.customer_of("a1"), r.customer_of("b1"), same=False)
        r.resolve(rec("x", email="bob@mail.fr", phone="0612345678"))
        assert r.customer_of("a2") != r.customer_of("b1")

    def test_same_judgement_joins_and_withdrawal_undoes(self) -> None:
        """A "same" judgement joins two customers; withdrawing it splits them again."""
        r = make()
        r.resolve(rec("a", email="ann@mail.fr"))
        r.resolve(rec("b", phone="0612345678"))
        before = r.customers()
        judgement = r.judge_customers(r.customer_of("a"), r.customer_of("b"), same=True)
        assert r.customer_of("a") == r.customer_of("b")
        assert [s.via for s in r.explain("a", "b").path] == [f"judgement:{judgement.id}"]
        r.withdraw_judgement(judgement.id)
        assert r.customers() == before

    def test_a_freed_same_judgement_takes_effect_incrementally(self) -> None:
        """Removing what blocked a "same" judgement joins the records, as a batch run would."""
        model = MatchModel(guards=GuardPolicy(max_distinct={"date_of_birth": 1}))
        r = make(model)
        a = rec("a", email="ann@mail.fr", dob="01/02/1970")
        r.resolve_many([a, rec("b", phone="0612345678", dob="02/02/1970")])
        r.judge_records("a", "b", same=True)
        assert r.customer_of("a") != r.customer_of("b")
        r.remove_identifier("a", a.identifiers[1])
        assert r.customer_of("a") == r.customer_of("b")


class TestErasure:
    def test_forget_customer_removes_records_and_unlinks(self) -> None:
        """Erasing a customer removes its records; records it linked are split apart."""
        r = make()
        r.resolve_many(
            [
                rec("a", email="ann@mail.fr"),
                rec("b", phone="0612345678"),
                rec("link", email="ann@mail.fr", phone="0612345678"),
            ]
        )
        assert len(r.customers()) == 1
        r.remove_record("link")
        assert len(r.customers()) == 2
        cid = r.customer_of("a")
        events = r.forget_customer(cid, reason="GDPR art. 17")
        assert events[0].kind is EventKind.CUSTOMER_ERASED
        assert r.store.get_record("a") is None
        with pytest.raises(UnknownCustomerError):
            r.members(cid)


class TestAudit:
    def test_events_carry_time_reason_and_cause(self) -> None:
        """Partition events point at the operation that caused them, stamped by the clock."""
        r = make()
        r.resolve(rec("a", email="ann@mail.fr"), reason="web signup")
        added, created = r.events()
        assert added.kind is EventKind.RECORD_ADDED
        assert added.reason == "web signup"
        assert added.at == T0
        assert created.kind is EventKind.CUSTOMER_CREATED
        assert created.cause == added.sequence
        assert created.created == (customer_id_for("a"),)

    def test_model_change_is_logged_and_re_resolves(self) -> None:
        """Setting an estimated model is an explicit, logged step."""
        population = synthetic_population(60, seed=3)
        r = make()
        r.resolve_many(population.records)
        events = r.set_model(estimate(population.records, seed=1), reason="monthly training")
        assert events[0].kind is EventKind.MODEL_CHANGED
        fresh = make(r.model)
        fresh.resolve_many(population.records)
        assert fresh.customers() == r.customers()


class TestEventMerge:
    @given(st.sets(st.integers(1, 40)), st.sets(st.integers(1, 40)))
    def test_merged_in_order_each_once(self, first: set[int], second: set[int]) -> None:
        """Merging two event lists gives every event once, in sequence order."""

        def events(numbers: set[int]) -> list[Event]:
            return [Event(sequence=n, at=T0, kind=EventKind.RECORD_ADDED) for n in sorted(numbers)]

        merged = _merged(events(first), events(second))
        assert [e.sequence for e in merged] == sorted(first | second)


class TestStoreCalls:
    def test_single_records_never_count_the_store(self) -> None:
        """Resolving one record at a time never asks for the record count (a scan in SQL)."""

        class CountingStore(MemoryStore):
            counted = 0

            def count_records(self) -> int:
                CountingStore.counted += 1
                return super().count_records()

        store = CountingStore()
        resolver = Resolver(store=store, clock=lambda: T0)
        for record in synthetic_population(20, seed=4).records:
            resolver.resolve(record)
        assert CountingStore.counted == 0
