"""Tests for policies written as data: TOML and JSON files, and their errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from omnicontact import Contact
from omnicontact.exceptions import OmnicontactError, PolicyError
from omnicontact.routing import (
    AllOf,
    AnyOf,
    Compare,
    Not,
    load_policy,
    policy_from_dict,
    policy_from_json,
    policy_from_toml,
)

EXAMPLE = Path(__file__).parent.parent / "examples" / "policy.toml"

MINIMAL = {
    "id": "p",
    "version": "1",
    "default": {"route": "self_service", "target": "faq"},
}


def with_rule(**rule) -> dict:
    base = {
        "id": "r1",
        "when": {"fact": "complaint", "value": True},
        "route": "human",
        "target": "care",
    }
    return {**MINIMAL, "rules": [{**base, **rule}]}


class TestLoadPolicy:
    def test_example_file_loads(self):
        """The shipped example policy loads with its rules and calendars."""
        policy = load_policy(EXAMPLE)
        assert policy.id == "retail-support"
        assert [rule.id for rule in policy.rules][:2] == ["complaints", "urgent-outage"]
        assert set(policy.calendars) == {"general", "care", "sales-advice", "tech"}
        assert policy.window == dt.timedelta(days=7)

    def test_example_file_decides(self):
        """A complaint on a Monday morning goes to the care queue of the example policy."""
        policy = load_policy(EXAMPLE)
        contact = Contact(
            channel="email",
            direction="inbound",
            source_id="m1",
            occurred_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc),
            attributes={"complaint": True},
        )
        assert policy.decide(contact).label == "human:care"

    def test_json_equals_toml(self, tmp_path):
        """The same policy as JSON and as TOML gives equal policies."""
        data = with_rule(skills=["complaints"], priority=3)
        path = tmp_path / "p.json"
        path.write_text(json.dumps(data))
        toml = (
            'id = "p"\nversion = "1"\n[default]\nroute = "self_service"\ntarget = "faq"\n'
            '[[rules]]\nid = "r1"\nwhen = { fact = "complaint", value = true }\n'
            'route = "human"\ntarget = "care"\nskills = ["complaints"]\npriority = 3\n'
        )
        assert load_policy(path) == policy_from_toml(toml)

    def test_nested_conditions(self):
        """all/any/not nest into AllOf/AnyOf/Not of Compare leaves."""
        when = {
            "all": [
                {"fact": "urgency", "op": "in", "value": ["high"]},
                {"any": [{"not": {"fact": "segment", "op": "exists", "value": True}}]},
            ]
        }
        policy = policy_from_dict(with_rule(when=when))
        assert policy.rules[0].when == AllOf(
            [
                Compare("urgency", "in", ["high"]),
                AnyOf([Not(Compare("segment", "exists", True))]),
            ]
        )


class TestPolicyErrors:
    @pytest.mark.parametrize(
        ("rule", "message"),
        [
            ({"when": {"fact": "mood", "value": 1}}, "unknown fact 'mood'"),
            ({"when": {"fact": "urgency", "op": "~=", "value": "x"}}, "unknown operator"),
            ({"when": {"fakt": "urgency"}}, "a condition has 'fact'"),
            ({"when": {"fact": "urgency", "value": "high", "extra": 1}}, "unknown keys"),
            ({"when": {"all": {"fact": "urgency"}}}, "must be a list"),
            ({"route": "teleport"}, "route"),
            ({"priority": 99}, "priority"),
            ({"colour": "red"}, "colour"),
        ],
    )
    def test_bad_rule_names_file_rule_and_reason(self, tmp_path, rule, message):
        """A faulty rule fails with the file, the rule id and the reason."""
        path = tmp_path / "policy.json"
        path.write_text(json.dumps(with_rule(**rule)))
        with pytest.raises(PolicyError) as caught:
            load_policy(path)
        error = caught.value
        assert error.file == str(path)
        assert error.rule == "r1"
        assert message in error.reason
        assert str(path) in str(error)
        assert "r1" in str(error)

    def test_policy_error_is_value_error(self):
        """PolicyError is an OmnicontactError and a ValueError."""
        with pytest.raises(PolicyError) as caught:
            policy_from_dict({"id": "p"})
        assert isinstance(caught.value, OmnicontactError)
        assert isinstance(caught.value, ValueError)
        assert caught.value.rule is None

    def test_missing_default_reported(self):
        """A policy without a default action says so."""
        with pytest.raises(PolicyError, match="default"):
            policy_from_dict({"id": "p", "version": "1"})

    def test_bad_calendar_named(self):
        """A bad calendar names its queue."""
        data = {**MINIMAL, "calendars": {"care": {"weekly": {"mon": ["18:00-09:00"]}}}}
        with pytest.raises(PolicyError, match=r"calendars\.care"):
            policy_from_dict(data, file="x.toml")

    def test_bad_syntax_named(self, tmp_path):
        """Invalid TOML or JSON fails with the file name."""
        path = tmp_path / "broken.toml"
        path.write_text("id = ")
        with pytest.raises(PolicyError) as caught:
            load_policy(path)
        assert caught.value.file == str(path)
        with pytest.raises(PolicyError):
            policy_from_json("{")

    def test_unknown_suffix_and_missing_file(self, tmp_path):
        """Only .toml and .json are read; a missing file is a PolicyError."""
        other = tmp_path / "p.yaml"
        other.write_text("id: p")
        with pytest.raises(PolicyError, match=r"\.toml or \.json"):
            load_policy(other)
        with pytest.raises(PolicyError, match="cannot read"):
            load_policy(tmp_path / "absent.toml")

    def test_strings_are_never_code(self):
        """A value that looks like code is only ever compared, never run."""
        code = "__import__('os').system('echo hacked')"
        policy = policy_from_dict(with_rule(when={"fact": "intent", "value": code}))
        contact = Contact(
            channel="chat",
            direction="inbound",
            source_id="s",
            intent=code,
            occurred_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc),
        )
        assert policy.decide(contact).rule_ids == ("r1",)
