"""Unit tests of explanations."""

from __future__ import annotations

import datetime as dt
import json

from omnicontact import Normalizer
from omnicontact.identity import Record, Resolver

N = Normalizer(default_region="FR")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def resolver() -> Resolver:
    r = Resolver(clock=lambda: T0)
    r.resolve_many(
        [
            Record(id="a", source="web", observed_at=T0, identifiers=[N.email("ann@mail.fr")]),
            Record(id="b", source="crm", observed_at=T0,
                   identifiers=[N.email("ann@mail.fr"), N.phone("0612345678")]),
            Record(id="c", source="phone", observed_at=T0, identifiers=[N.phone("0612345678")]),
            Record(id="d", source="web", observed_at=T0, identifiers=[N.name("Zoe Poe")]),
        ]
    )  # fmt: skip
    return r


class TestExplain:
    def test_path_through_other_records(self) -> None:
        """Records joined only through a third record are explained by the chain of rules."""
        explanation = resolver().explain("a", "c")
        assert explanation.same_customer
        assert not explanation.candidate
        assert [(s.left, s.right, s.evidence.rule) for s in explanation.path if s.evidence] == [
            ("a", "b", "same_email"),
            ("b", "c", "same_phone"),
        ]
        text = explanation.text()
        assert "same customer" in text
        assert "same_email" in text

    def test_different_customers_with_levels(self) -> None:
        """A non-match lists each comparison level and weight."""
        explanation = resolver().explain("a", "d")
        assert not explanation.same_customer
        assert {c.field: c.level for c in explanation.evidence.comparisons}["name"] == "missing"
        assert "different customers" in explanation.text()

    def test_as_dict_is_json_ready(self) -> None:
        """The explanation as data serializes to JSON."""
        data = resolver().explain("a", "b").as_dict()
        assert json.loads(json.dumps(data))["evidence"]["rule"] == "same_email"
