"""Tests for outbound contact decisions: consent, caps, quiet hours and the French pack."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicontact import (
    Consent,
    ConsentLedger,
    Contact,
    ContactPoint,
    Normalizer,
    Preferences,
    QuietHours,
    dumps,
    from_dict,
    loads,
    to_dict,
)
from omnicontact.exceptions import SerializationError, UngovernedPurposeError
from omnicontact.routing import (
    CustomerView,
    FrequencyCap,
    OutboundDecision,
    OutboundPolicy,
    Verdict,
    may_contact,
)
from omnicontact.routing.packs import FRANCE, FRENCH_CALLING_HOURS

UTC = dt.timezone.utc
PARIS = ZoneInfo("Europe/Paris")
NORMALIZE = Normalizer(default_region="FR")
PHONE = ContactPoint(channel="phone", identifier=NORMALIZE.phone("06 12 34 56 78"))
SMS = ContactPoint(channel="sms", identifier=NORMALIZE.phone("06 12 34 56 78"))
EMAIL = ContactPoint(channel="email", identifier=NORMALIZE.email("anne@example.fr"))
FR_POLICY = OutboundPolicy(packs=[FRANCE])


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def grant(point, purpose, at, *, proof="recording-1", status="granted"):
    return Consent(
        point=point, purpose=purpose, status=status, recorded_at=at, source="web-form", proof=proof
    )


def customer(*consents, contacts=(), preferences=None) -> CustomerView:
    return CustomerView(
        id="anne",
        contact_points=[PHONE, SMS, EMAIL],
        consents=ConsentLedger(entries=consents),
        contacts=contacts,
        preferences=preferences or Preferences(timezone="Europe/Paris"),
    )


def call(at, *, n, outcome=None, purpose="sales_calls", channel="phone"):
    attributes = {"purpose": purpose}
    if outcome:
        attributes["outcome"] = outcome
    return Contact(
        channel=channel,
        direction="outbound",
        occurred_at=at,
        source_id=f"out-{n}",
        attributes=attributes,
    )


TUESDAY_11 = paris(2026, 3, 3, 11, 0)


class TestConsent:
    def test_no_contact_point_denied(self):
        """Without a contact point on the channel the contact is denied."""
        decision = may_contact(CustomerView(), "sms", "service", TUESDAY_11)
        assert decision.verdict is Verdict.DENY
        assert decision.rule_ids == ("consent.contact-point",)

    def test_withdrawn_consent_denied(self):
        """A withdrawn consent for the purpose on the point denies."""
        who = customer(grant(EMAIL, "surveys", paris(2026, 1, 1), status="withdrawn"))
        decision = may_contact(who, "email", "surveys", TUESDAY_11)
        assert decision.verdict is Verdict.DENY
        assert "consent.refused" in decision.rule_ids

    def test_opt_out_channel_denied_except_transactional(self):
        """An opted-out channel is denied, but a transactional message still goes."""
        who = customer(preferences=Preferences(opted_out_channels={"sms"}))
        assert may_contact(who, "sms", "service", TUESDAY_11).verdict is Verdict.DENY
        assert may_contact(who, "sms", "transactional", TUESDAY_11).allowed

    def test_consent_required_purpose(self):
        """A purpose the company marks consent-required needs a grant on any channel."""
        policy = OutboundPolicy(consent_required={"surveys"})
        assert policy.may_contact(customer(), "phone", "surveys", TUESDAY_11).verdict is (
            Verdict.DENY
        )
        who = customer(grant(PHONE, "surveys", paris(2026, 1, 1)))
        assert policy.may_contact(who, "phone", "surveys", TUESDAY_11).allowed


class TestCapsAndQuietHours:
    def test_caps_count_all_channels(self):
        """Three contacts on three channels in a week reach the weekly cap: defer."""
        history = [
            call(TUESDAY_11 - dt.timedelta(days=d), n=d, purpose="service", channel=c)
            for d, c in ((1, "sms"), (2, "email"), (3, "phone"))
        ]
        decision = may_contact(customer(contacts=history), "email", "service", TUESDAY_11)
        assert decision.verdict is Verdict.DEFER
        assert decision.until == TUESDAY_11 - dt.timedelta(days=3) + dt.timedelta(days=7)
        assert "cap.7-days" in decision.rule_ids

    def test_transactional_exempt_from_caps(self):
        """Transactional messages are neither capped nor counted."""
        history = [
            call(TUESDAY_11 - dt.timedelta(hours=h), n=h, purpose="service") for h in (1, 2, 3)
        ]
        assert may_contact(customer(contacts=history), "sms", "transactional", TUESDAY_11).allowed
        receipts = [
            call(TUESDAY_11 - dt.timedelta(hours=h), n=h, purpose="transactional")
            for h in (1, 2, 3, 4)
        ]
        assert may_contact(customer(contacts=receipts), "sms", "service", TUESDAY_11).allowed

    def test_quiet_hours_defer_to_their_end(self):
        """A contact in quiet hours is deferred to their end, in the customer's zone."""
        prefs = Preferences(
            timezone="Europe/Paris", quiet_hours=[QuietHours(start=dt.time(21), end=dt.time(8))]
        )
        decision = may_contact(
            customer(preferences=prefs), "email", "service", paris(2026, 3, 3, 22, 30)
        )
        assert decision.verdict is Verdict.DEFER
        assert decision.until == paris(2026, 3, 4, 8, 0)
        assert decision.rule_ids == ("preferences.quiet-hours",)

    @given(
        st.integers(0, 60 * 24 * 60),
        st.lists(st.integers(1, 60 * 24 * 40), max_size=12),
        st.sampled_from(["service", "marketing", "sales_calls"]),
        st.sampled_from(["phone", "sms", "email"]),
    )
    def test_deferral_lands_on_an_allowed_time(self, offset, agos, purpose, channel):
        """A deferral's 'until' is later than asked and asking again then is allowed."""
        at = paris(2026, 6, 1, 0, 0) + dt.timedelta(minutes=offset)
        history = [
            call(at - dt.timedelta(minutes=m), n=i, purpose=purpose, channel=channel)
            for i, m in enumerate(agos)
        ]
        prefs = Preferences(
            timezone="Europe/Paris", quiet_hours=[QuietHours(start=dt.time(20, 30), end=dt.time(9))]
        )
        who = customer(
            grant(PHONE, purpose, paris(2026, 1, 1)),
            grant(SMS, purpose, paris(2026, 1, 1)),
            grant(EMAIL, purpose, paris(2026, 1, 1)),
            contacts=history,
            preferences=prefs,
        )
        if (channel, purpose) not in FRANCE.governs and purpose != "service":
            # Marketing by phone and sales calls by SMS or email: no rule of the pack
            # governs them, and the policy does not declare them unregulated.
            with pytest.raises(UngovernedPurposeError):
                FR_POLICY.may_contact(who, channel, purpose, at)
            return
        decision = FR_POLICY.may_contact(who, channel, purpose, at)
        if decision.verdict is Verdict.DEFER:
            assert decision.until is not None
            assert decision.until > at
            again = FR_POLICY.may_contact(who, channel, purpose, decision.until)
            assert again.allowed, again.explain()
        if decision.allowed:
            assert not prefs.in_quiet_hours(at)

    def test_invalid_cap_refused(self):
        """A cap of zero contacts is refused."""
        with pytest.raises(ValueError, match="max_contacts"):
            FrequencyCap(id="x", max_contacts=0, window=dt.timedelta(days=1))


class TestFrenchPack:
    def test_sales_call_hours(self):
        """Sales calls are deferred from 13:30 to 14:00, and from Friday 20:00 to Monday 10:00."""
        who = customer(grant(PHONE, "sales_calls", paris(2026, 1, 1)))
        lunch = FR_POLICY.may_contact(who, "phone", "sales_calls", paris(2026, 3, 3, 13, 30))
        assert lunch.verdict is Verdict.DEFER
        assert lunch.until == paris(2026, 3, 3, 14, 0)
        assert lunch.rule_ids == ("fr.sales-calls.hours",)
        assert "2022-1313" in lunch.citations[0]
        friday = FR_POLICY.may_contact(who, "phone", "sales_calls", paris(2026, 3, 6, 20, 0))
        assert friday.until == paris(2026, 3, 9, 10, 0)

    def test_no_sales_calls_on_public_holidays(self):
        """Whit Monday 2026 (25 May) has no sales calls: deferred to Tuesday 10:00."""
        who = customer(grant(PHONE, "sales_calls", paris(2026, 1, 1)))
        decision = FR_POLICY.may_contact(who, "phone", "sales_calls", paris(2026, 5, 25, 11, 0))
        assert decision.until == paris(2026, 5, 26, 10, 0)

    def test_four_attempts_in_thirty_days(self):
        """A fifth call attempt within 30 days is deferred until the first leaves the window."""
        start = paris(2026, 3, 2, 10, 0)
        history = [call(start + dt.timedelta(days=d), n=d) for d in (0, 1, 2, 3)]
        who = customer(grant(PHONE, "sales_calls", paris(2026, 1, 1)), contacts=history)
        policy = OutboundPolicy(packs=[FRANCE], caps=())
        decision = policy.may_contact(who, "phone", "sales_calls", paris(2026, 3, 10, 11, 0))
        assert decision.verdict is Verdict.DEFER
        assert "fr.sales-calls.attempts" in decision.rule_ids
        # 30 days of elapsed time (UTC arithmetic: the window spans the change to summer time)
        freed = start.astimezone(UTC) + dt.timedelta(days=30)
        assert decision.until == FRENCH_CALLING_HOURS.next_opening(freed)

    def test_sixty_days_after_refusal(self):
        """After a refusal no sales call for 60 days."""
        refused = paris(2026, 3, 2, 11, 0)
        who = customer(
            grant(PHONE, "sales_calls", paris(2026, 1, 1)),
            contacts=[call(refused, n=1, outcome="refused")],
        )
        decision = FR_POLICY.may_contact(who, "phone", "sales_calls", paris(2026, 4, 15, 11, 0))
        assert decision.verdict is Verdict.DEFER
        assert "fr.sales-calls.after-refusal" in decision.rule_ids
        assert decision.until >= refused + dt.timedelta(days=60)

    def test_prior_consent_from_11_august_2026(self):
        """Without consent a sales call is allowed on 10 August 2026, denied from 11 August."""
        who = customer()
        before = FR_POLICY.may_contact(who, "phone", "sales_calls", paris(2026, 8, 10, 11, 0))
        after = FR_POLICY.may_contact(who, "phone", "sales_calls", paris(2026, 8, 11, 11, 0))
        assert before.allowed
        assert after.verdict is Verdict.DENY
        assert after.rule_ids == ("fr.sales-calls.prior-consent",)
        assert "2025-594" in after.citations[0]

    def test_prior_consent_must_be_provable(self):
        """A grant without proof does not count; one with proof does."""
        at = paris(2026, 9, 1, 11, 0)
        unproven = customer(grant(PHONE, "sales_calls", paris(2026, 1, 1), proof=None))
        proven = customer(grant(PHONE, "sales_calls", paris(2026, 1, 1)))
        assert FR_POLICY.may_contact(unproven, "phone", "sales_calls", at).verdict is Verdict.DENY
        assert FR_POLICY.may_contact(proven, "phone", "sales_calls", at).allowed

    def test_ongoing_contract_exception(self):
        """A sales call about an ongoing contract needs no prior consent."""
        at = paris(2026, 9, 1, 11, 0)
        decision = FR_POLICY.may_contact(
            customer(), "phone", "sales_calls", at, ongoing_contract=True
        )
        assert decision.allowed

    @pytest.mark.parametrize("channel", ["email", "sms"])
    def test_marketing_email_and_sms_need_consent(self, channel):
        """Marketing by email or SMS needs a prior grant; with one it is allowed."""
        point = EMAIL if channel == "email" else SMS
        assert FR_POLICY.may_contact(customer(), channel, "marketing", TUESDAY_11).verdict is (
            Verdict.DENY
        )
        who = customer(grant(point, "marketing", paris(2026, 1, 1)))
        decision = FR_POLICY.may_contact(who, channel, "marketing", TUESDAY_11)
        assert decision.allowed, decision.explain()

    def test_explanation_cites_rule(self):
        """The explanation names the rule and its legal basis."""
        text = FR_POLICY.may_contact(customer(), "sms", "marketing", TUESDAY_11).explain()
        assert "fr.marketing.email-sms-prior-consent" in text
        assert "L.34-5" in text


class TestOutboundDecisionDocument:
    @given(
        answer=st.builds(
            OutboundDecision,
            verdict=st.sampled_from(Verdict),
            until=st.none() | st.datetimes(timezones=st.just(UTC)),
            channel=st.sampled_from(["phone", "sms", "email"]),
            purpose=st.text(max_size=12),
            at=st.datetimes(timezones=st.sampled_from([UTC, PARIS])),
            reasons=st.lists(st.text(max_size=20), max_size=3),
            rule_ids=st.lists(st.text(max_size=20), max_size=3),
            citations=st.lists(st.text(max_size=20), max_size=3),
        )
    )
    def test_round_trip(self, answer):
        """Any outbound decision survives to_dict/from_dict and dumps/loads unchanged."""
        assert from_dict(to_dict(answer), OutboundDecision) == answer
        assert loads(dumps(answer), OutboundDecision) == answer

    def test_french_pack_answer_round_trip(self):
        """A real deferral, with its rules and citations, reads back equal and explains the
        same instant."""
        answer = FR_POLICY.may_contact(customer(), "phone", "sales_calls", paris(2026, 3, 3, 13))
        again = loads(dumps(answer), OutboundDecision)
        assert again == answer
        assert again.rule_ids == ("fr.sales-calls.hours",)
        assert again.until == answer.until

    @pytest.mark.parametrize(
        ("field", "value"),
        [("verdict", "maybe"), ("at", "2026-03-03T10:00:00"), ("until", "tomorrow")],
    )
    def test_invalid_document_refused(self, field, value):
        """A document with a wrong verdict, a naive time or a time that is not one is
        refused."""
        answer = FR_POLICY.may_contact(customer(), "phone", "sales_calls", TUESDAY_11)
        document = to_dict(answer)
        document["data"][field] = value
        with pytest.raises(SerializationError, match="invalid OutboundDecision document"):
            from_dict(document, OutboundDecision)
