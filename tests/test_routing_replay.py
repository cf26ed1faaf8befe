"""Tests for replaying policies over past contacts and comparing two policies."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import omnicontact.routing as routing
from _routing_strategies import contacts, policies
from omnicontact import Contact, to_dict
from omnicontact.exceptions import SerializationError
from omnicontact.routing import (
    Action,
    BusinessCalendar,
    Compare,
    Policy,
    Route,
    Rule,
    compare_policies,
    read_contacts,
    replay,
)

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 10:00 Paris

OPEN = BusinessCalendar(
    timezone="Europe/Paris",
    weekly={day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
)
BASE = Policy(
    id="base",
    version="1",
    default=Action(route="self_service", target="faq"),
    calendars={"general": OPEN},
    rules=[
        Rule(
            id="complaints",
            when=Compare("complaint", "eq", True),
            then=Action(route="human", target="general"),
        )
    ],
)
STRICTER = attrs.evolve(
    BASE,
    version="2",
    rules=[
        *BASE.rules,
        Rule(
            id="billing",
            when=Compare("intent", "eq", "billing"),
            then=Action(route="human", target="billing"),
        ),
    ],
)


def inbound(n: int, *, minutes: int = 0, **kwargs) -> Contact:
    return Contact(
        channel="chat",
        direction="inbound",
        source_id=f"s{n}",
        occurred_at=T0 + dt.timedelta(minutes=minutes),
        **kwargs,
    )


HISTORY = [
    inbound(1, intent="password"),
    inbound(2, minutes=5, intent="billing"),
    inbound(3, minutes=70, attributes={"complaint": True}),
    inbound(4, minutes=80, intent="billing", attributes={"customer_id": "anne"}, case_id="k"),
    inbound(5, minutes=90, intent="billing", attributes={"customer_id": "anne"}, case_id="k"),
]


class TestReplay:
    def test_shares_and_load(self):
        """Replay counts routes and targets and the load per queue per hour."""
        report = replay(BASE, HISTORY)
        assert report.total == 5
        # s5 repeats case k within the window: the guarantee sends it to a person
        assert report.by_target == {"self_service:faq": 3, "human:general": 2}
        assert report.share(Route.SELF_SERVICE) == pytest.approx(0.6)
        assert report.load == {"general": {"2026-03-02T10": 2}}
        assert report.peak("general") == ("2026-03-02T10", 2)
        assert report.violations == ()
        assert "self_service:faq" in report.summary()

    def test_history_in_any_order(self):
        """The stream is replayed in time order whatever order it is given in."""
        assert replay(BASE, reversed(HISTORY)) == replay(BASE, HISTORY)

    def test_keep_decisions(self):
        """Decisions are kept only when asked."""
        assert replay(BASE, HISTORY).decisions == ()
        kept = replay(BASE, HISTORY, keep_decisions=True).decisions
        assert [d.contact_id for d in kept] == [c.id for c in HISTORY]

    def test_empty_history(self):
        """An empty history gives an empty report with zero shares."""
        report = replay(BASE, [])
        assert report.total == 0
        assert report.share("human") == 0.0
        assert report.shares() == {}

    @given(policies(), st.lists(contacts(), max_size=15))
    def test_replay_never_reports_violations(self, policy, stream):
        """Replaying any policy over any stream finds no broken guarantee, and the shares add
        up to the whole."""
        report = replay(policy, stream)
        assert report.violations == ()
        assert sum(report.by_route.values()) == report.total == len(stream)


class TestCompare:
    def test_lists_changed_decisions(self):
        """Adding a billing rule moves the billing contacts to the billing queue."""
        diff = compare_policies(BASE, STRICTER, HISTORY)
        changed = {change.contact_id for change in diff.changes}
        assert changed == {HISTORY[1].id, HISTORY[3].id, HISTORY[4].id}
        assert diff.shifts == {
            ("self_service:faq", "human:billing"): 2,
            ("human:general", "human:billing"): 1,
        }
        assert "3 of 5 decisions change" in diff.summary()

    @given(policies(), st.lists(contacts(), max_size=10))
    def test_policy_compared_with_itself_changes_nothing(self, policy, stream):
        """A policy compared with itself changes no decision."""
        diff = compare_policies(policy, policy, stream)
        assert diff.changes == ()
        assert diff.shifts == {}


class TestReadContacts:
    def test_json_lines_and_array(self, tmp_path):
        """Contacts are read from JSON Lines or a JSON array of documents."""
        lines = tmp_path / "h.jsonl"
        lines.write_text("\n".join(json.dumps(to_dict(c)) for c in HISTORY) + "\n")
        array = tmp_path / "h.json"
        array.write_text(json.dumps([to_dict(c) for c in HISTORY]))
        assert read_contacts(lines) == HISTORY == read_contacts(array)

    def test_bad_line_named(self, tmp_path):
        """A bad document names its line."""
        path = tmp_path / "h.jsonl"
        path.write_text(json.dumps(to_dict(HISTORY[0])) + '\n{"omnicontact": 1}\n')
        with pytest.raises(SerializationError, match=":2:"):
            read_contacts(path)


class TestExports:
    def test_all_sorted_and_importable(self):
        """The routing facade's __all__ is sorted (constants, classes, functions) and every
        name in it exists."""
        names = routing.__all__
        assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
        for name in names:
            assert hasattr(routing, name), name

    def test_no_routing_names_at_top_level(self):
        """Routing names live under omnicontact.routing, not at the top level."""
        import omnicontact

        assert "Policy" not in omnicontact.__all__


class TestRouteCommand:
    def write_history(self, tmp_path):
        path = tmp_path / "history.jsonl"
        path.write_text("\n".join(json.dumps(to_dict(c)) for c in HISTORY))
        return path

    def test_replay_prints_report(self, tmp_path):
        """`route replay` prints the shares of the example policy and exits 0."""
        import io

        from omnicontact.routing._cli import main

        out = io.StringIO()
        policy = Path(__file__).parent.parent / "examples" / "policy.toml"
        status = main(["replay", str(policy), str(self.write_history(tmp_path))], out=out)
        assert status == 0
        assert "5 contacts" in out.getvalue()

    def test_compare_as_json(self, tmp_path):
        """`route replay --compare --json` lists the changed contacts as JSON."""
        import io

        from omnicontact.routing._cli import main

        policy = Path(__file__).parent.parent / "examples" / "policy.toml"
        other = tmp_path / "other.toml"
        other.write_text(
            policy.read_text().replace('version = "2026.03"', 'version = "2026.04"')
            + '\n[[rules]]\nid = "billing"\nwhen = { fact = "intent", value = "billing" }\n'
            'route = "human"\ntarget = "billing"\n'
        )
        out = io.StringIO()
        history = self.write_history(tmp_path)
        status = main(
            ["replay", str(policy), str(history), "--compare", str(other), "--json"], out=out
        )
        document = json.loads(out.getvalue())
        assert status == 0
        assert set(document["changed"]) == {HISTORY[1].id, HISTORY[3].id, HISTORY[4].id}

    def test_bad_policy_exits_2(self, tmp_path, capsys):
        """A bad policy file is reported on stderr with exit status 2."""
        from omnicontact.routing._cli import main

        bad = tmp_path / "bad.toml"
        bad.write_text("id = 1")
        assert main(["replay", str(bad), str(self.write_history(tmp_path))]) == 2
        assert "bad.toml" in capsys.readouterr().err
