"""Tests for routing policies: conditions, rules, facts, decisions and their explanation."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given

from _routing_strategies import POINTS, situations
from omnicontact import Case, Contact, Preferences, from_dict, to_dict
from omnicontact.exceptions import InvalidValueError, PolicyError
from omnicontact.routing import (
    Action,
    AllOf,
    AnyOf,
    BusinessCalendar,
    Compare,
    CustomerView,
    Decision,
    Facts,
    Not,
    Outcome,
    Policy,
    Predicate,
    Route,
    Rule,
)

UTC = dt.timezone.utc
MONDAY_10_PARIS = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SUNDAY = dt.datetime(2026, 3, 8, 9, 0, tzinfo=UTC)

WEEKDAYS_9_TO_18 = BusinessCalendar(
    timezone="Europe/Paris",
    weekly={day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
)


def contact(at: dt.datetime = MONDAY_10_PARIS, **kwargs) -> Contact:
    fields = {"channel": "chat", "direction": "inbound", "source_id": "c-1", **kwargs}
    return Contact(occurred_at=at, **fields)


POLICY = Policy(
    id="retail",
    version="2026.03",
    default=Action(route="self_service", target="faq", reason="simple requests self-serve"),
    human_queue="general",
    self_service_flow="faq",
    calendars={"general": WEEKDAYS_9_TO_18, "care": WEEKDAYS_9_TO_18},
    intent_complexity={"password": "low", "mortgage": "high"},
    rules=[
        Rule(
            id="complaints",
            when=Compare("complaint", "eq", True),
            then=Action(
                route="human",
                target="care",
                skills={"complaints"},
                priority=7,
                reason="complaints need a person",
            ),
        ),
        Rule(
            id="complex",
            when=AnyOf([Compare("complexity", "eq", "high"), Compare("urgency_level", "ge", 2)]),
            then=Action(route="human", target="general", priority=5),
            description="complex or urgent matters go to an advisor",
        ),
        Rule(
            id="gold",
            when=lambda facts: facts.customer.segment == "gold",
            then=Action(route="human", target="general", skills={"vip"}, channel="phone"),
        ),
    ],
)


class TestConditions:
    def facts(self, **attributes) -> Facts:
        return POLICY.facts(contact(attributes=attributes), at=MONDAY_10_PARIS)

    def test_compare_operators(self):
        """Each operator compares the fact with the value as documented."""
        facts = self.facts(urgency="high", sentiment=-0.5)
        checks = {
            Compare("urgency", "eq", "high"): True,
            Compare("urgency", "ne", "high"): False,
            Compare("urgency_level", "lt", 3): True,
            Compare("urgency_level", "le", 1): False,
            Compare("sentiment", "gt", -0.6): True,
            Compare("sentiment", "ge", 0): False,
            Compare("urgency", "in", ["high", "critical"]): True,
            Compare("urgency", "not_in", ["high"]): False,
            Compare("opted_out_channels", "contains", "sms"): False,
            Compare("segment", "exists", False): True,
        }
        for condition, expected in checks.items():
            assert condition.compile()(facts) is expected, condition

    def test_unknown_value_never_orders(self):
        """An unknown fact (null) satisfies neither lt nor ge."""
        facts = self.facts()
        assert not Compare("sentiment", "lt", 0).compile()(facts)
        assert not Compare("sentiment", "ge", 0).compile()(facts)

    def test_composition(self):
        """all/any/not compose, and an empty all holds."""
        facts = self.facts(complaint=True)
        yes, no = Compare("complaint", "eq", True), Compare("complaint", "eq", False)
        assert AllOf([]).compile()(facts)
        assert not AllOf([yes, no]).compile()(facts)
        assert AnyOf([no, yes]).compile()(facts)
        assert Not(no).compile()(facts)

    @pytest.mark.parametrize(
        ("fact", "op", "value"),
        [
            ("mood", "eq", 1),
            ("urgency", "like", "h%"),
            ("urgency_level", "gt", "2"),
            ("urgency", "in", "high"),
            ("segment", "exists", 1),
            ("complexity", "eq", "extreme"),
        ],
    )
    def test_invalid_comparisons_refused(self, fact, op, value):
        """Unknown facts and operators, and values of the wrong shape, are PolicyErrors."""
        with pytest.raises(PolicyError):
            Compare(fact, op, value)

    def test_fact_families(self):
        """queue_open.<queue> and attribute.<key> are facts."""
        facts = POLICY.facts(contact(at=SUNDAY, attributes={"plan": "pro"}), at=SUNDAY)
        assert facts["queue_open.general"] is False
        assert facts["queue_open.unstaffed"] is True
        assert facts["attribute.plan"] == "pro"
        with pytest.raises(KeyError):
            facts["nonsense"]


class TestFacts:
    def test_unknown_customer(self):
        """An unknown customer has no history, no segment and is not known."""
        facts = POLICY.facts(contact(), at=MONDAY_10_PARIS)
        assert facts["known_customer"] is False
        assert facts["segment"] is None
        assert facts["failed_self_service"] == 0
        assert facts["contacts_on_case"] == 0

    def test_history_counts_within_window(self):
        """Failed attempts and contacts on the same case count only inside the window."""
        past = [
            contact(
                at=MONDAY_10_PARIS - dt.timedelta(days=days),
                source_id=f"p{days}",
                case_id="k1",
                intent="billing",
                attributes={"outcome": Outcome.SELF_SERVICE_FAILED},
            )
            for days in (1, 2, 30)
        ]
        customer = CustomerView(id="c", contacts=past)
        facts = POLICY.facts(contact(case_id="k1", intent="billing"), customer, at=MONDAY_10_PARIS)
        assert facts["failed_self_service"] == 2
        assert facts["contacts_on_case"] == 2
        assert facts["contacts_on_topic"] == 2
        assert facts["repeat_contact"] is True

    def test_resolved_case_is_not_a_repeat(self):
        """A contact on a case known to be resolved is not a repeat contact."""
        first = contact(at=MONDAY_10_PARIS - dt.timedelta(hours=2), source_id="p", case_id="k1")
        case = Case.open_with(first, id="k1").transition(
            "resolved", at=MONDAY_10_PARIS - dt.timedelta(hours=1)
        )
        customer = CustomerView(id="c", contacts=[first], cases=[case])
        facts = POLICY.facts(contact(case_id="k1"), customer, at=MONDAY_10_PARIS)
        assert facts["repeat_contact"] is False

    def test_complexity_from_table_or_attribute(self):
        """Complexity comes from the attribute when given, else from the intents table."""
        assert POLICY.facts(contact(intent="mortgage"), at=MONDAY_10_PARIS)["complexity"] == "high"
        given = contact(intent="mortgage", attributes={"complexity": "low"})
        assert POLICY.facts(given, at=MONDAY_10_PARIS)["complexity"] == "low"

    def test_malformed_signal_named(self):
        """A malformed signal attribute raises an error naming it."""
        with pytest.raises(InvalidValueError, match=r"attributes\.urgency"):
            POLICY.decide(contact(attributes={"urgency": "asap"}))


class TestDecide:
    def test_first_matching_rule_decides(self):
        """The first rule whose condition holds decides; its id and reason are cited."""
        decision = POLICY.decide(contact(attributes={"complaint": True, "urgency": "high"}))
        assert decision.label == "human:care"
        assert decision.rule_ids == ("complaints",)
        assert decision.skills == {"complaints"}
        assert decision.priority == 7
        assert decision.reasons == ("complaints need a person",)

    def test_default_when_nothing_matches(self):
        """With no matching rule the default action applies, cited as 'default'."""
        decision = POLICY.decide(contact(intent="password"))
        assert decision.label == "self_service:faq"
        assert decision.rule_ids == ("default",)

    def test_python_predicate_over_customer(self):
        """A Python predicate can look at the customer's data."""
        decision = POLICY.decide(contact(), CustomerView(id="c", segment="gold"))
        assert decision.rule_ids == ("gold",)
        assert decision.channel == "phone"

    def test_closed_queue_offers_callback_and_self_service(self):
        """On Sunday the human queue is closed: a callback Monday 09:00 Paris, FAQ meanwhile."""
        decision = POLICY.decide(contact(at=SUNDAY, attributes={"complaint": True}))
        assert decision.route is Route.CALLBACK
        assert decision.queue_open is False
        assert decision.callback_at == dt.datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
        assert decision.meanwhile == "faq"
        assert "guarantee.closed-queue" in decision.rule_ids
        text = decision.explain()
        assert "closed" in text
        assert "callback" in text
        assert "faq" in text

    def test_rule_callback_while_open_is_immediate(self):
        """A rule asking for a callback while the queue is open schedules it now."""
        policy = Policy(
            id="p",
            version="1",
            default=Action(route="callback", target="general"),
            calendars={"general": WEEKDAYS_9_TO_18},
        )
        decision = policy.decide(contact())
        assert decision.route is Route.CALLBACK
        assert decision.callback_at == MONDAY_10_PARIS

    def test_guarantee_uses_handoff_queue(self):
        """A guarantee taking a contact from self-service uses the action's handoff queue."""
        policy = Policy(
            id="p",
            version="1",
            default=Action(route="self_service", target="faq", handoff="billing"),
        )
        decision = policy.decide(contact(attributes={"asked_for_human": True}))
        assert decision.label == "human:billing"
        assert decision.rule_ids == ("default", "guarantee.human-request")

    def test_opted_out_channel_replaced(self):
        """A rule's channel the customer opted out of is replaced by an allowed one."""
        customer = CustomerView(
            id="c",
            segment="gold",
            preferences=Preferences(opted_out_channels={"phone"}, preferred_channels=["email"]),
        )
        decision = POLICY.decide(contact(), customer)
        assert decision.channel == "chat"
        assert "guarantee.opt-out" in decision.rule_ids

    def test_opt_out_fallback_from_contact_points(self):
        """A customer with phone and email contact points who opted out of SMS, writing by
        SMS, is answered on their first contact point's channel, and the reason says why."""
        customer = CustomerView(
            id="c",
            contact_points=[POINTS[0], POINTS[2]],  # phone, email
            preferences=Preferences(opted_out_channels={"sms"}),
        )
        decision = POLICY.decide(contact(channel="sms"), customer)
        assert decision.channel == "phone"
        assert "guarantee.opt-out" in decision.rule_ids
        assert decision.reasons[-1] == (
            "the customer opted out of sms: phone, where they have a contact point, is "
            "suggested instead"
        )

    def test_opt_out_fallback_skips_opted_out_contact_points(self):
        """Contact points on opted-out channels are skipped; with none left, no channel is
        suggested, and the reason lists what was looked at."""
        customer = CustomerView(
            id="c",
            contact_points=list(POINTS),  # phone, sms, email
            preferences=Preferences(opted_out_channels={"sms", "phone"}),
        )
        assert POLICY.decide(contact(channel="sms"), customer).channel == "email"
        nowhere = attrs.evolve(
            customer, preferences=Preferences(opted_out_channels={"sms", "phone", "email"})
        )
        decision = POLICY.decide(contact(channel="sms"), nowhere)
        assert decision.channel is None
        assert decision.reasons[-1] == (
            "the customer opted out of sms, and of the channel they came on, every channel "
            "they prefer and every channel of their contact points: no channel is suggested"
        )

    @given(situations())
    def test_no_channel_only_when_every_candidate_is_opted_out(self, situation):
        """No channel is suggested only when the contact's channel, every preferred channel
        and every contact point's channel are opted out; a replacement is one of them."""
        policy, contact_, customer = situation
        decision = policy.decide(contact_, customer)
        opted_out = customer.preferences.opted_out_channels
        candidates = {
            contact_.channel,
            *customer.preferences.preferred_channels,
            *(point.channel for point in customer.contact_points),
        }
        if decision.channel is None:
            assert candidates <= opted_out
        elif "guarantee.opt-out" in decision.rule_ids:
            assert decision.channel in candidates - opted_out

    def test_clock_sets_decision_time(self):
        """With a clock, the decision time is the clock's, not the contact's."""
        later = MONDAY_10_PARIS + dt.timedelta(hours=1)
        assert POLICY.decide(contact(), clock=lambda: later).decided_at == later

    def test_naive_clock_refused(self):
        """A clock returning a naive datetime is refused."""
        with pytest.raises(InvalidValueError):
            POLICY.decide(contact(), clock=lambda: dt.datetime(2026, 3, 2, 10))


class TestPolicyValidation:
    def test_duplicate_rule_ids_refused(self):
        """Two rules with one id are refused, naming the rule."""
        rule = Rule(id="a", when=AllOf([]), then=Action(route="human", target="q"))
        with pytest.raises(PolicyError) as caught:
            Policy(id="p", version="1", rules=[rule, rule], default=rule.then)
        assert caught.value.rule == "a"

    def test_guarantee_ids_reserved(self):
        """A rule cannot take a guarantee's id."""
        with pytest.raises(PolicyError):
            Rule(
                id="guarantee.human-request", when=AllOf([]), then=Action(route="human", target="q")
            )

    @pytest.mark.parametrize("count", [0, 11, True])
    def test_failed_attempts_limit_bounded(self, count):
        """The failed self-service limit is between 1 and 10: it cannot be switched off."""
        with pytest.raises(PolicyError):
            Policy(
                id="p",
                version="1",
                default=Action(route="human", target="q"),
                max_failed_self_service=count,
            )

    def test_non_callable_predicate_refused(self):
        """A predicate must be callable."""
        with pytest.raises(PolicyError):
            Predicate("facts['x']")  # type: ignore[arg-type]


class TestDecision:
    def test_serialization_round_trip(self):
        """A decision survives to_dict/from_dict unchanged."""
        decision = POLICY.decide(contact(at=SUNDAY, attributes={"complaint": True}))
        assert from_dict(to_dict(decision), Decision) == decision

    def test_explanation_is_one_paragraph(self):
        """The explanation is one paragraph naming the route, rules and policy version."""
        text = POLICY.decide(contact(attributes={"complaint": True})).explain()
        assert "\n" not in text
        assert "queue 'care'" in text
        assert "complaints" in text
        assert "2026.03" in text

    @given(situations())
    def test_every_decision_explains_itself(self, situation):
        """Every decision names at least one deciding rule and reason, and its explanation
        cites each rule id."""
        policy, contact_, customer = situation
        decision = policy.decide(contact_, customer)
        assert decision.rule_ids
        assert decision.reasons
        text = decision.explain()
        assert all(rule_id in text for rule_id in decision.rule_ids)
