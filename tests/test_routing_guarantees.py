"""Property tests: the built-in routing guarantees hold for arbitrary policies and inputs."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import given
from hypothesis import strategies as st

from _routing_strategies import contacts, histories, policies, situations
from omnicontact import Contact, Preferences
from omnicontact.routing import (
    Action,
    BusinessCalendar,
    CustomerView,
    Outcome,
    Policy,
    Route,
    guarantee_violations,
)

HUMAN = (Route.HUMAN, Route.CALLBACK)


def _queue_open(policy: Policy, queue: str, at: dt.datetime) -> bool:
    calendar = policy.calendars.get(queue)
    return True if calendar is None else calendar.is_open(at)


class TestHumanRequest:
    @given(situations())
    def test_asked_for_human_never_gets_self_service(self, situation):
        """An explicit request for a person is never answered by a self-service flow."""
        policy, contact, customer = situation
        contact = attrs.evolve(contact, attributes={**contact.attributes, "asked_for_human": True})
        decision = policy.decide(contact, customer)
        assert decision.route in HUMAN

    @given(situations())
    def test_asked_for_human_gets_live_advisor_when_open(self, situation):
        """An explicit request for a person gets a live advisor whenever the queue is open."""
        policy, contact, customer = situation
        contact = attrs.evolve(contact, attributes={**contact.attributes, "asked_for_human": True})
        decision = policy.decide(contact, customer)
        if _queue_open(policy, decision.target, contact.occurred_at):
            assert decision.route is Route.HUMAN
        else:
            assert decision.route is Route.CALLBACK
            calendar = policy.calendars[decision.target]
            assert decision.callback_at == calendar.next_opening(contact.occurred_at)


class TestFailedSelfService:
    @given(policies(), contacts(), st.integers(0, 5))
    def test_after_n_failures_a_person_takes_over(self, policy, contact, failures):
        """From N failed self-service attempts on the same matter, the next contact goes to a
        person (live or by callback)."""
        past = [
            Contact(
                channel="web",
                direction="inbound",
                occurred_at=contact.occurred_at - dt.timedelta(minutes=10 + i),
                intent=contact.intent,
                case_id=contact.case_id,
                attributes={"outcome": Outcome.SELF_SERVICE_FAILED},
                source_id=f"fail-{i}",
            )
            for i in range(failures)
        ]
        # minutes-old failures are inside any window of an hour or more
        decision = policy.decide(contact, CustomerView(id="c", contacts=past))
        if failures >= policy.max_failed_self_service:
            assert decision.route in HUMAN


class TestRepeatContact:
    @given(policies(), contacts())
    def test_repeat_contact_on_open_case_skips_self_service(self, policy, contact):
        """A second contact on an open case within the window never goes to self-service."""
        contact = attrs.evolve(contact, case_id="case-7")
        earlier = Contact(
            channel="email",
            direction="inbound",
            occurred_at=contact.occurred_at - dt.timedelta(minutes=30),
            case_id="case-7",
            source_id="earlier",
        )
        decision = policy.decide(contact, CustomerView(id="c", contacts=[earlier]))
        assert decision.route in HUMAN


class TestOptOut:
    @given(situations())
    def test_suggested_channel_never_opted_out(self, situation):
        """The channel a decision suggests is never one the customer opted out of."""
        policy, contact, customer = situation
        decision = policy.decide(contact, customer)
        assert decision.channel not in customer.preferences.opted_out_channels

    @given(policies(), contacts())
    def test_every_channel_opted_out_suggests_none(self, policy, contact):
        """When the customer opted out of every channel in play, no channel is suggested."""
        everything = {"phone", "chat", "email", "sms", "web", "app", "social"}
        customer = CustomerView(preferences=Preferences(opted_out_channels=everything))
        assert policy.decide(contact, customer).channel is None


class TestNeverDropped:
    @given(situations())
    def test_closed_queue_means_callback_with_next_opening(self, situation):
        """A contact for a closed queue becomes a callback at the queue's next opening."""
        policy, contact, customer = situation
        decision = policy.decide(contact, customer)
        if decision.route is Route.SELF_SERVICE:
            return
        open_now = _queue_open(policy, decision.target, contact.occurred_at)
        assert decision.queue_open is open_now
        if not open_now:
            assert decision.route is Route.CALLBACK
            assert decision.meanwhile == policy.self_service_flow
            calendar = policy.calendars[decision.target]
            assert decision.callback_at == calendar.next_opening(contact.occurred_at)

    @given(situations())
    def test_independent_check_finds_no_violation(self, situation):
        """The independent guarantee checker finds nothing wrong with any decision."""
        policy, contact, customer = situation
        decision = policy.decide(contact, customer)
        facts = policy.facts(contact, customer, at=contact.occurred_at)
        assert guarantee_violations(policy, facts, decision) == []


class TestDeterminism:
    @given(situations(), st.integers(0, 10**6))
    def test_same_inputs_same_clock_same_decision(self, situation, minutes):
        """Deciding twice with the same inputs and the same clock gives equal decisions."""
        policy, contact, customer = situation
        instant = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=minutes)

        def clock():
            return instant

        first = policy.decide(contact, customer, clock=clock)
        second = policy.decide(contact, customer, clock=clock)
        assert first == second
        assert first.decided_at == instant
        assert first.explain() == second.explain()

    @given(contacts(), st.data())
    def test_decision_does_not_depend_on_history_order(self, contact, data):
        """The order in which the history is given does not change the decision."""
        policy = Policy(
            id="p",
            version="1",
            default=Action(route="self_service", target="faq"),
            calendars={"general": BusinessCalendar.always_open()},
        )
        customer = data.draw(histories(contact))
        shuffled = attrs.evolve(customer, contacts=data.draw(st.permutations(customer.contacts)))
        assert policy.decide(contact, customer) == policy.decide(contact, shuffled)
