"""Routing: self-service or a human advisor, explained, guaranteed, replayable.

A :class:`Policy` turns an inbound contact plus what is known of the customer
(:class:`CustomerView`, plain data — empty for an unknown customer) into a :class:`Decision`.
Policies are written in Python or as data (:func:`load_policy` reads TOML or JSON); built-in
guarantees (:data:`GUARANTEES`) hold whatever the rules say. :class:`OutboundPolicy` answers
whether the company may contact a customer; :func:`replay` and :func:`compare_policies` run
policies over past contacts. Jurisdiction packs live in :mod:`omnicontact.routing.packs`.

>>> import datetime as dt
>>> from omnicontact import Contact
>>> policy = Policy(id="demo", version="1",
...                 default=Action(route="self_service", target="faq"))
>>> contact = Contact(channel="chat", direction="inbound", source_id="c-1",
...                   occurred_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc))
>>> policy.decide(contact).label
'self_service:faq'
"""

from __future__ import annotations

from . import packs
from ._calendar import WEEKDAYS, BusinessCalendar, DateException, Interval
from ._decision import Action, Decision, Route
from ._facts import COMPLEXITIES, FACTS, URGENCIES, CustomerView, Facts, Outcome, Signal
from ._holidays import french_public_holidays, public_holidays
from ._loader import load_policy, policy_from_dict, policy_from_json, policy_from_toml
from ._outbound import (
    Area,
    AttemptCap,
    CallingHours,
    CoolingOff,
    FrequencyCap,
    JurisdictionPack,
    OutboundDecision,
    OutboundPolicy,
    PackRule,
    PriorConsent,
    Verdict,
    may_contact,
)
from ._policy import (
    GUARANTEES,
    OPERATORS,
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Not,
    Policy,
    Predicate,
    Rule,
    guarantee_violations,
)
from ._replay import (
    Change,
    PolicyDiff,
    ReplayReport,
    Violation,
    compare_policies,
    customer_key,
    read_contacts,
    replay,
)

__all__ = [
    "COMPLEXITIES",
    "FACTS",
    "GUARANTEES",
    "OPERATORS",
    "URGENCIES",
    "WEEKDAYS",
    "Action",
    "AllOf",
    "AnyOf",
    "Area",
    "AttemptCap",
    "BusinessCalendar",
    "CallingHours",
    "Change",
    "Compare",
    "Condition",
    "CoolingOff",
    "CustomerView",
    "DateException",
    "Decision",
    "Facts",
    "FrequencyCap",
    "Interval",
    "JurisdictionPack",
    "Not",
    "OutboundDecision",
    "OutboundPolicy",
    "Outcome",
    "PackRule",
    "Policy",
    "PolicyDiff",
    "Predicate",
    "PriorConsent",
    "ReplayReport",
    "Route",
    "Rule",
    "Signal",
    "Verdict",
    "Violation",
    "compare_policies",
    "customer_key",
    "french_public_holidays",
    "guarantee_violations",
    "load_policy",
    "may_contact",
    "packs",
    "policy_from_dict",
    "policy_from_json",
    "policy_from_toml",
    "public_holidays",
    "read_contacts",
    "replay",
]
