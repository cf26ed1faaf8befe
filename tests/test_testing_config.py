"""Strategies for configuration types, and ``st.from_type`` on every public type."""

from __future__ import annotations

import datetime as dt
import inspect
import warnings
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import omnicontact
from omnicontact import identity
from omnicontact import testing as oct
from omnicontact.identity import (
    Blocking,
    Comparison,
    DeterministicRule,
    GuardPolicy,
    MatchModel,
    RecordMapping,
    Resolver,
)

CONFIG = {
    "blockings": Blocking,
    "comparisons": Comparison,
    "deterministic_rules": DeterministicRule,
    "guard_policies": GuardPolicy,
    "match_models": MatchModel,
    "record_mappings": RecordMapping,
}
PUBLIC_TYPES = sorted(
    {
        getattr(module, name)
        for module in (omnicontact, identity, oct)
        for name in module.__all__
        if inspect.isclass(getattr(module, name))
        and not issubclass(getattr(module, name), BaseException)
    },
    key=lambda cls: cls.__name__,
)
# Types with no strategy: from_type says what to use (for the last three, because a
# field's type has none).
REFUSED = {
    "AddressColumns",
    "ChannelRegistry",
    "DateOfBirthColumn",
    "Event",
    "GoldenRecord",
    "GoldenValue",
    "Judgement",
    "NameColumns",
    "Resolver",
    "SurvivorshipPolicy",
    "Workspace",
    "AdvisorView",
    "Explanation",
    "Resolution",
}


def _naive(value: Any, depth: int = 0) -> bool:
    """Whether a datetime without a time zone hides anywhere in ``value``."""
    if depth > 6:
        return False
    if isinstance(value, dt.datetime):
        return value.tzinfo is None
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return any(_naive(getattr(value, f.name), depth + 1) for f in fields)
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_naive(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return any(_naive(item, depth + 1) for item in value.values())
    return False


def _draw_some(strategy: st.SearchStrategy[Any], count: int = 10) -> list[Any]:
    drawn: list[Any] = []

    @settings(max_examples=count, database=None, phases=[Phase.generate], deadline=None)
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small search spaces of enums
        collect()
    return drawn


class TestConfigurationStrategies:
    @pytest.mark.parametrize("name", sorted(CONFIG))
    @given(data=st.data())
    def test_values_are_valid(self, name: str, data: st.DataObject) -> None:
        """A drawn configuration is of its type and passes its validators again."""
        value = data.draw(getattr(oct, name)())
        assert isinstance(value, CONFIG[name])
        assert attrs.evolve(value) == value

    @pytest.mark.parametrize("name", sorted(CONFIG))
    def test_from_type_uses_the_strategy(self, name: str) -> None:
        """``st.from_type`` on a configuration type draws through the kit's strategy."""
        assert all(isinstance(v, CONFIG[name]) for v in _draw_some(st.from_type(CONFIG[name])))

    @pytest.mark.parametrize("name", ["match_models", "guard_policies", "blockings"])
    def test_shrinks_to_the_default(self, name: str) -> None:
        """The simplest value is the type's default: failures shrink to fewest changes."""
        from hypothesis import find

        assert find(getattr(oct, name)(), lambda _: True) == CONFIG[name]()

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(oct.match_models(), oct.populations(max_size=3))
    def test_drawn_models_resolve_populations(
        self, model: MatchModel, population: oct.Population
    ) -> None:
        """Every drawn model resolves records into customers covering each record once."""
        resolver = Resolver(model=model)
        resolver.resolve_many(population.records)
        members = [m for group in resolver.partition() for m in group]
        assert sorted(members) == sorted(population.truth)

    def test_a_bad_field_is_reported_when_drawn(self) -> None:
        """``comparisons(field=...)`` checks its argument when first drawn from."""
        with pytest.raises(InvalidArgument, match="field='nickname'"):
            _draw_some(oct.comparisons(field="nickname"))


class TestFromType:
    @pytest.mark.parametrize("cls", PUBLIC_TYPES, ids=lambda cls: cls.__name__)
    def test_every_public_type_draws_or_says_what_to_use(self, cls: type) -> None:
        """``from_type`` draws valid, aware values of every public type, or raises an
        error saying which strategy or constructor to use instead."""
        if cls.__name__ in REFUSED:
            with pytest.raises(InvalidArgument, match="omnicontact has no strategy for"):
                _draw_some(st.from_type(cls))
            return
        drawn = _draw_some(st.from_type(cls))
        assert drawn
        assert all(isinstance(value, cls) for value in drawn)
        assert not any(_naive(value) for value in drawn)

    @given(st.from_type(oct.Population))
    @settings(max_examples=20, deadline=None)
    def test_drawn_populations_are_consistent(self, population: oct.Population) -> None:
        """A ``Population`` from ``from_type`` has a true person for exactly its records."""
        assert set(population.truth) == {record.id for record in population.records}
        assert set(population.truth.values()) <= set(population.households)
