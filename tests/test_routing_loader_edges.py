"""Hostile policy documents: the loader raises only PolicyError, and never coerces a type."""

from __future__ import annotations

import json
import math
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omnicontact.exceptions import PolicyError
from omnicontact.routing import policy_from_dict, policy_from_json, policy_from_toml

MINIMAL: dict[str, Any] = {
    "id": "p",
    "version": "1",
    "default": {"route": "self_service", "target": "faq"},
}
RULE: dict[str, Any] = {
    "id": "r1",
    "when": {"fact": "complaint", "value": True},
    "route": "human",
    "target": "care",
}
CALENDAR: dict[str, Any] = {"timezone": "Europe/Paris", "weekly": {"mon": ["09:00-18:00"]}}

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.sampled_from([math.inf, -math.inf, math.nan, 10**400, -(10**400), 7.9, "9" * 400]),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=20),
    st.just([]),
    st.just({}),
    st.lists(st.text(max_size=3), max_size=2),
)
VALUES = st.recursive(
    ODD_VALUES,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
KEYS = {
    "": [
        "id",
        "version",
        "description",
        "human_queue",
        "self_service_flow",
        "callback_channel",
        "max_failed_self_service",
        "window_hours",
        "intent_complexity",
    ],
    "default": ["route", "target", "skills", "priority", "channel", "reason", "handoff"],
    "rule": ["id", "when", "route", "target", "skills", "priority", "channel", "description"],
    "when": ["fact", "op", "value", "all", "any", "not"],
    "calendar": [
        "timezone",
        "weekly",
        "holidays",
        "holiday_rules",
        "public_holidays",
        "exceptions",
    ],
}


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid policy with a few of its values (at any level) replaced by odd ones."""
    document = json.loads(json.dumps(MINIMAL))
    rule = dict(RULE, when=dict(RULE["when"]))
    calendar = json.loads(json.dumps(CALENDAR))
    document["rules"] = [rule]
    document["calendars"] = {"care": calendar}
    places = {
        "": document,
        "default": document["default"],
        "rule": rule,
        "when": rule["when"],
        "calendar": calendar,
    }
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(sorted(places)))
        key = draw(st.sampled_from(KEYS[place]))
        places[place][key] = draw(VALUES)
    return document


def nested_condition(depth: int) -> dict[str, Any]:
    condition: dict[str, Any] = {"fact": "complaint", "value": True}
    for _ in range(depth):
        condition = {"not": condition}
    return condition


class TestOnlyTypedErrors:
    @given(documents())
    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    def test_odd_values_give_a_policy_or_a_policy_error(self, document: dict[str, Any]) -> None:
        """Wrong types, huge numbers, NaN, surrogates anywhere: PolicyError at worst."""
        try:
            policy_from_dict(document)
        except PolicyError as error:
            str(error)

    @given(VALUES)
    def test_any_document_gives_a_policy_or_a_policy_error(self, document: Any) -> None:
        """A document of any shape at all, top level included."""
        with pytest.raises(PolicyError):
            policy_from_dict(document)

    @given(st.binary(max_size=200) | st.text(max_size=200))
    def test_any_text_gives_a_policy_error(self, text: bytes | str) -> None:
        """Random text read as JSON or TOML is a PolicyError."""
        with pytest.raises(PolicyError):
            policy_from_json(text)
        if isinstance(text, str):
            with pytest.raises(PolicyError):
                policy_from_toml(text)

    @pytest.mark.parametrize("depth", [20, 5_000])
    def test_deep_conditions_are_refused(self, depth: int) -> None:
        """A condition nested thousands deep is a PolicyError, not a RecursionError."""
        document = {**MINIMAL, "rules": [dict(RULE, when=nested_condition(depth))]}
        if depth <= 20:
            assert policy_from_dict(document).rules
        else:
            with pytest.raises(PolicyError, match="nested"):
                policy_from_dict(document)
        text = '{"id": "p", "version": "1", "x": ' + "[" * depth + "]" * depth + "}"
        with pytest.raises(PolicyError):
            policy_from_json(text)
        toml = "id = 'p'\nx = " + "[" * depth + "]" * depth + "\n"
        with pytest.raises(PolicyError):
            policy_from_toml(toml)
        value: Any = True
        for _ in range(depth):
            value = [value]
        deep_value = {**MINIMAL, "rules": [dict(RULE, when={"fact": "complaint", "value": value})]}
        if depth <= 20:
            assert policy_from_dict(deep_value).rules
        else:
            with pytest.raises(PolicyError, match="nested"):
                policy_from_dict(deep_value)


class TestNoCoercion:
    @pytest.mark.parametrize(
        ("where", "key", "value"),
        [
            ("rule", "skills", "zz"),
            ("rule", "priority", 7.9),
            ("rule", "priority", True),
            ("rule", "priority", "3"),
            ("rule", "id", None),
            ("rule", "target", 12),
            ("top", "id", None),
            ("top", "version", 2),
            ("top", "window_hours", math.inf),
            ("top", "window_hours", "24"),
            ("top", "window_hours", 10**400),
            ("top", "max_failed_self_service", 2.5),
            ("top", "intent_complexity", ["a"]),
            ("default", "skills", "zz"),
            ("default", "priority", 7.9),
            ("when", "op", []),
            ("when", "fact", 3),
            ("calendar", "timezone", "9" * 400),
            ("calendar", "holidays", "2026-01-01"),
            ("calendar", "holiday_rules", "FREQ=YEARLY"),
            ("calendar", "weekly", ["09:00-18:00"]),
        ],
    )
    def test_a_wrong_type_is_a_policy_error_naming_the_key(
        self, where: str, key: str, value: Any
    ) -> None:
        """The loader refuses a value of the wrong type and says which key holds it."""
        rule = dict(RULE, when=dict(RULE["when"]))
        calendar = dict(CALENDAR)
        document = {**MINIMAL, "default": dict(MINIMAL["default"]), "rules": [rule]}
        document["calendars"] = {"care": calendar}
        target = {
            "rule": rule,
            "top": document,
            "default": document["default"],
            "when": rule["when"],
            "calendar": calendar,
        }[where]
        target[key] = value
        with pytest.raises(PolicyError) as caught:
            policy_from_dict(document)
        assert key in str(caught.value)

    def test_holiday_rules_recurring_within_a_day_fail_fast(self) -> None:
        """FREQ=SECONDLY (which ran for minutes) is refused at once."""
        calendar = dict(CALENDAR, holiday_rules=["FREQ=SECONDLY"])
        started = time.process_time()
        with pytest.raises(PolicyError, match="recurs within a day"):
            policy_from_dict({**MINIMAL, "calendars": {"care": calendar}})
        assert time.process_time() - started < 0.5
