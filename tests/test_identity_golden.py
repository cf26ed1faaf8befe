"""Unit tests of golden records and survivorship rules."""

from __future__ import annotations

import datetime as dt

import pytest

from omnicontact import Normalizer
from omnicontact.exceptions import InvalidValueError
from omnicontact.identity import Record, Resolver, Survivorship, SurvivorshipPolicy

N = Normalizer(default_region="FR")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def customer() -> tuple[Resolver, str]:
    r = Resolver(clock=lambda: T0)
    email = N.email("ann@mail.fr")
    r.resolve_many(
        [
            Record(id="crm", source="crm", observed_at=T0, identifiers=[email, N.name("Ann Lee")],
                   attributes={"tier": "gold"}),
            Record(id="web1", source="web", observed_at=T0 + dt.timedelta(days=1),
                   identifiers=[email, N.name("Annie Lee")], attributes={"tier": "silver"}),
            Record(id="web2", source="web", observed_at=T0 + dt.timedelta(days=2),
                   identifiers=[email, N.name("Annie Lee")]),
            Record(id="shop", source="store", observed_at=T0 + dt.timedelta(days=3),
                   identifiers=[email, N.name("A. Lee")]),
        ]
    )  # fmt: skip
    return r, r.customer_of("crm")


class TestSurvivorship:
    def test_most_recent_is_the_default(self) -> None:
        """By default the latest record's value survives, with its provenance."""
        r, cid = customer()
        name = r.golden_record(cid)["name"]
        assert (name.value.full, name.record_id, name.source) == ("A. Lee", "shop", "store")
        assert name.rule is Survivorship.MOST_RECENT
        assert name.alternatives == 2

    def test_most_trusted_source(self) -> None:
        """The most trusted source wins over more recent ones."""
        r, cid = customer()
        policy = SurvivorshipPolicy(
            rules={"name": "most_trusted_source"}, source_trust={"crm": 10, "web": 5}
        )
        assert r.golden_record(cid, policy)["name"].record_id == "crm"

    def test_most_frequent(self) -> None:
        """The value most records carry wins; provenance is its latest record."""
        r, cid = customer()
        policy = SurvivorshipPolicy(default="most_frequent")
        name = r.golden_record(cid, policy)["name"]
        assert (name.value.full, name.support, name.record_id) == ("Annie Lee", 2, "web2")

    def test_explicit_priority(self) -> None:
        """The first source of the priority list wins."""
        r, cid = customer()
        policy = SurvivorshipPolicy(default="priority", source_priority=["web", "crm"])
        golden = r.golden_record(cid, policy)
        assert golden["name"].record_id == "web2"
        assert golden.get("attributes.tier") == "silver"

    def test_attributes_survive_too(self) -> None:
        """Record attributes are fields of the golden record."""
        r, cid = customer()
        assert r.golden_record(cid).get("attributes.tier") == "silver"
        assert r.golden_record(cid).get("attributes.nothing") is None

    def test_unknown_rule_is_refused(self) -> None:
        """An unknown survivorship rule raises an error naming the field."""
        with pytest.raises(InvalidValueError, match=r"survivorship\.name"):
            SurvivorshipPolicy(rules={"name": "loudest"})
