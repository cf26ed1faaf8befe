"""Tests that every outbound purpose is governed by a pack or declared unregulated."""

from __future__ import annotations

import datetime as dt
import pickle
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _routing_strategies import CHANNELS, consenting
from omnicontact import Normalizer, Purpose
from omnicontact.exceptions import OmnicontactError, UngovernedPurposeError
from omnicontact.routing import CustomerView, OutboundPolicy, Verdict
from omnicontact.routing.packs import FRANCE

PARIS = ZoneInfo("Europe/Paris")
FR_POLICY = OutboundPolicy(packs=[FRANCE])
PURPOSES = [
    Purpose.SERVICE,
    Purpose.TRANSACTIONAL,
    Purpose.MARKETING,
    Purpose.SALES_CALLS,
    Purpose.SURVEYS,
]


class TestUngoverned:
    def test_marketing_by_phone_is_an_error(self):
        """Marketing by phone on a Saturday night, without consent, is not allowed silently:
        the French pack does not govern it, so asking raises a typed error."""
        saturday_23 = dt.datetime(2026, 3, 7, 23, 0, tzinfo=PARIS)
        with pytest.raises(UngovernedPurposeError, match="marketing on phone") as caught:
            FR_POLICY.may_contact(consenting(), "phone", "marketing", saturday_23)
        assert isinstance(caught.value, OmnicontactError)
        assert isinstance(caught.value, ValueError)
        assert (caught.value.channel, caught.value.purpose) == ("phone", "marketing")
        again = pickle.loads(pickle.dumps(caught.value))
        assert str(again) == str(caught.value)

    def test_before_the_rules_take_effect_is_an_error(self):
        """Sales calls in 2022, before décret 2022-1313 took effect, are governed by no rule
        of the pack."""
        with pytest.raises(UngovernedPurposeError):
            FR_POLICY.may_contact(
                consenting(), "phone", "sales_calls", dt.datetime(2022, 6, 1, 11, tzinfo=PARIS)
            )

    def test_declared_unregulated_purpose_is_decided(self):
        """A purpose the policy declares unregulated is decided by the company's own rules."""
        policy = OutboundPolicy(
            packs=[FRANCE], unregulated_purposes={"service", "transactional", "marketing"}
        )
        tuesday = dt.datetime(2026, 3, 3, 11, 0, tzinfo=PARIS)
        assert policy.may_contact(consenting(), "phone", "marketing", tuesday).allowed
        assert FR_POLICY.may_contact(consenting(), "sms", "service", tuesday).verdict is (
            Verdict.DENY  # no SMS contact point: the company's own rule
        )

    def test_no_pack_makes_no_claim(self):
        """A policy without packs applies the company's rules only, and raises nothing."""
        number = Normalizer().phone("+33 6 12 34 56 78")
        decision = OutboundPolicy().may_contact(
            consenting(number),
            "phone",
            "marketing",
            dt.datetime(2026, 3, 3, 11, 0, tzinfo=PARIS),
        )
        assert decision.allowed

    def test_allowed_call_cites_the_rules_checked(self):
        """An allowed sales call cites every pack rule in force it was checked against."""
        decision = FR_POLICY.may_contact(
            consenting(), "phone", "sales_calls", dt.datetime(2026, 9, 1, 11, 0, tzinfo=PARIS)
        )
        assert decision.allowed
        assert decision.rule_ids == (
            "fr.sales-calls.hours",
            "fr.sales-calls.attempts",
            "fr.sales-calls.after-refusal",
            "fr.sales-calls.prior-consent",
        )
        assert any("2022-1313" in text for text in decision.citations)
        assert any("2025-594" in text for text in decision.citations)


class TestEveryPurposeGovernedOrDeclared:
    @given(
        purpose=st.sampled_from(PURPOSES) | st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True),
        channel=st.sampled_from(CHANNELS),
        minutes=st.integers(0, 60 * 24 * 365),
        customer=st.sampled_from([CustomerView(), consenting()]),
    )
    def test_decision_cites_a_rule_or_purpose_is_unregulated(
        self, purpose, channel, minutes, customer
    ):
        """For every purpose and channel, a decision cites at least one rule, or the
        purpose is declared unregulated; anything else raises UngovernedPurposeError."""
        at = dt.datetime(2026, 8, 11, tzinfo=PARIS) + dt.timedelta(minutes=minutes)
        governed = (channel, purpose) in FRANCE.governs
        unregulated = purpose in FR_POLICY.unregulated_purposes
        if not governed and not unregulated:
            with pytest.raises(UngovernedPurposeError):
                FR_POLICY.may_contact(customer, channel, purpose, at)
            return
        decision = FR_POLICY.may_contact(customer, channel, purpose, at)
        assert decision.rule_ids or unregulated
        if governed:
            assert set(decision.rule_ids) & {rule.id for rule in FRANCE.rules}
