"""Hypothesis strategies for identity values the tests share (not part of the library)."""

from __future__ import annotations

from hypothesis import strategies as st

from omnicontact.identity import (
    BLOCKING_RULES,
    LEVELS,
    Blocking,
    Comparison,
    DeterministicRule,
    GuardPolicy,
    MatchModel,
)

probabilities = st.floats(min_value=1e-9, max_value=1.0, allow_nan=False)
open_unit = st.floats(min_value=1e-9, max_value=1 - 1e-9, allow_nan=False)
names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@st.composite
def comparisons(draw: st.DrawFn, field: str) -> Comparison:
    size = len(LEVELS[field])
    return Comparison(
        field=field,
        m=draw(st.lists(probabilities, min_size=size, max_size=size)),
        u=draw(st.lists(probabilities, min_size=size, max_size=size)),
        term_frequency=draw(st.booleans()),
    )


@st.composite
def models(draw: st.DrawFn) -> MatchModel:
    """Any valid MatchModel: every field drawn, levels and rules those the matcher has."""
    fields = draw(st.lists(st.sampled_from(list(LEVELS)), unique=True))
    thresholds = sorted(draw(st.lists(open_unit, min_size=2, max_size=2)))
    rules = draw(
        st.lists(
            st.builds(
                DeterministicRule,
                kind=st.sampled_from(["email", "phone", "external_id", "social"]),
                namespaces=st.none() | st.frozensets(names, max_size=3),
            ),
            max_size=4,
        )
    )
    conflicts, vetoes, overrule = (
        {
            field: draw(st.frozensets(st.sampled_from(LEVELS[field])))
            for field in draw(st.lists(st.sampled_from(list(LEVELS)), unique=True))
        }
        for _ in range(3)
    )
    guards = GuardPolicy(
        max_distinct=draw(st.dictionaries(names, st.integers(1, 9), max_size=4)),
        shared_after_names=draw(st.integers(2, 9)),
        junk_local_parts=draw(st.frozensets(names, max_size=3)),
        junk_domains=draw(st.frozensets(names, max_size=3)),
        junk_external_values=draw(st.frozensets(names, max_size=3)),
        min_phone_digits=draw(st.integers(1, 12)),
    )
    frequencies = {
        field: draw(st.dictionaries(st.text(max_size=12), probabilities, max_size=4))
        for field in draw(st.lists(st.sampled_from(list(LEVELS)), unique=True))
    }
    return MatchModel(
        comparisons=[draw(comparisons(field)) for field in fields],
        prior=draw(open_unit),
        review_threshold=thresholds[0],
        match_threshold=thresholds[1],
        rules=rules,
        conflicts=conflicts,
        vetoes=vetoes,
        overrule_vetoes=overrule,
        veto_weight=draw(st.floats(min_value=-1000.0, max_value=0.0)),
        guards=guards,
        blocking=Blocking(
            rules=draw(st.lists(st.sampled_from(BLOCKING_RULES), unique=True)),
            max_block_size=draw(st.integers(2, 10_000)),
        ),
        term_frequencies=frequencies,
    )
