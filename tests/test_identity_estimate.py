"""Tests of parameter estimation: the pair sampler, the exact-level u, reproducibility."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
import random
import subprocess
import sys
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from omnicontact import Normalizer, PersonName
from omnicontact.identity import MatchModel, Record, estimate
from omnicontact.identity._fellegi_sunter import _exact_u, _sample_pairs
from omnicontact.testing import synthetic_population

N = Normalizer(default_region="AU", date_order="YMD")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

# Groups of distinct record indices in increasing order; groups may overlap.
groups = st.lists(
    st.lists(st.integers(0, 40), max_size=12).map(lambda g: sorted(set(g))), max_size=6
)


def all_pairs(blocks: list[list[int]]) -> set[tuple[int, int]]:
    return {pair for block in blocks for pair in itertools.combinations(block, 2)}


class TestSamplePairs:
    @given(groups, st.integers(0, 80), st.integers(0, 2**32))
    def test_pairs_are_distinct_and_inside_blocks(
        self, blocks: list[list[int]], limit: int, seed: int
    ) -> None:
        """Each pair is two different records of one block, ordered, and appears once."""
        pairs = _sample_pairs(blocks, limit, random.Random(seed))
        assert len(pairs) == len(set(pairs))
        assert all(i < j for i, j in pairs)
        assert set(pairs) <= all_pairs(blocks)

    @given(groups, st.integers(0, 80), st.integers(0, 2**32))
    def test_same_seed_same_sample(self, blocks: list[list[int]], limit: int, seed: int) -> None:
        """The sample replays exactly for a seed."""
        first = _sample_pairs(blocks, limit, random.Random(seed))
        assert first == _sample_pairs(blocks, limit, random.Random(seed))

    @given(groups, st.integers(0, 2**32))
    def test_every_pair_when_within_the_limit(self, blocks: list[list[int]], seed: int) -> None:
        """At most ``limit`` pairs in all: every one of them is returned."""
        pairs = _sample_pairs(blocks, 10_000, random.Random(seed))
        assert set(pairs) == all_pairs(blocks)

    @given(st.lists(st.integers(2, 60), min_size=1, max_size=5), st.integers(0, 2**32))
    def test_limit_pairs_from_disjoint_blocks(self, sizes: list[int], seed: int) -> None:
        """Disjoint blocks holding more pairs than the limit give exactly ``limit`` pairs."""
        starts = [0, *itertools.accumulate(sizes)]
        blocks = [list(range(a, b)) for a, b in itertools.pairwise(starts)]
        total = sum(math.comb(size, 2) for size in sizes)
        limit = max(total // 3, 1)
        pairs = _sample_pairs(blocks, limit, random.Random(seed))
        assert len(pairs) == min(limit, total)

    def test_huge_block_is_sampled_without_listing_its_pairs(self) -> None:
        """A block of a million records (half a trillion pairs) gives a sample of the limit."""
        block = range(1_000_000)
        pairs = _sample_pairs([block], 1_000, random.Random(7))
        assert len(set(pairs)) == 1_000
        assert all(0 <= i < j < 1_000_000 for i, j in pairs)

    def test_sample_covers_blocks_in_proportion(self) -> None:
        """A block with nine times the pairs of another gets about nine times the draws."""
        small, large = list(range(10)), list(range(100, 130))  # 45 and 435 pairs
        pairs = _sample_pairs([small, large], 240, random.Random(3))
        in_small = sum(1 for i, _ in pairs if i < 100)
        assert 10 <= in_small <= 40  # expected 240 * 45 / 480 = 22.5


def person(record_id: str, given: str, family: str, dob: str | None = None) -> Record:
    identifiers: list[Any] = [PersonName(given=given, family=family)]
    if dob:
        identifiers.append(N.date_of_birth(dob))
    return Record(id=record_id, source="crm", observed_at=T0, identifiers=identifiers)


class TestExactU:
    def test_formula_on_a_hand_example(self) -> None:
        """Values held by 3, 2 and 1 of 6 records: 3 + 1 of 15 pairs agree, smoothed."""
        assert _exact_u(3 + 1, 15, 2) == (4 + 0.5) / (15 + 0.5 * 2)

    def test_estimated_exact_u_is_the_frequency_formula(self) -> None:
        """The exact level's u is the share of record pairs sharing a name, not a sample."""
        counts = {"Ann Lee": 5, "Bob Stone": 3, "Carl Marx": 2}
        records = []
        for name, times in counts.items():
            given, family = name.split()
            records += [person(f"{given}{k}", given, family) for k in range(times)]
        records += [person(f"u{k}", f"Given{k}", f"Family{k}") for k in range(30)]
        model = estimate(records, seed=4, u_pairs=5_000)
        name = next(c for c in model.comparisons if c.field == "name")
        agreeing = sum(math.comb(times, 2) for times in counts.values())  # 10 + 3 + 1
        pairs = math.comb(len(records), 2)
        assert name.u[0] == (agreeing + 0.5) / (pairs + 0.5 * len(name.u))
        assert math.isclose(sum(name.u), 1.0)


class TestEstimateIsDeterministic:
    def test_same_model_in_another_process(self) -> None:
        """String hashing differs between processes; the estimated parameters do not."""
        script = (
            "from omnicontact.identity import estimate\n"
            "from omnicontact.testing import synthetic_population\n"
            "records = synthetic_population(150, seed=9).records\n"
            "model = estimate(records, seed=3, u_pairs=3000)\n"
            "print([(c.field, c.m, c.u) for c in model.comparisons], model.prior)\n"
            "print(sorted((f, sorted(t.items())) for f, t in model.term_frequencies.items()))\n"
        )
        outputs = {
            subprocess.run(
                [sys.executable, "-c", script],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONHASHSEED": hash_seed},
            ).stdout
            for hash_seed in ("1", "2")
        }
        assert len(outputs) == 1

    def test_different_seeds_may_differ_but_each_replays(self) -> None:
        """Each seed replays its own model."""
        records = synthetic_population(120, seed=4).records
        for seed in (0, 1):
            assert estimate(records, seed=seed, u_pairs=3_000) == estimate(
                records, seed=seed, u_pairs=3_000
            )

    def test_records_with_several_dates_are_blocked_once_per_pair(self) -> None:
        """Two records sharing two dates of birth are one EM pair, and estimation replays."""
        records = [
            Record(
                id=f"r{k}",
                source="crm",
                observed_at=T0,
                identifiers=[
                    PersonName(given="Ann", family=f"Lee{k % 7}"),
                    N.date_of_birth("1990-01-02"),
                    N.date_of_birth(f"19{50 + k % 40}-03-04"),
                ],
            )
            for k in range(80)
        ]
        first = estimate(records, MatchModel(), seed=2, u_pairs=2_000)
        assert first == estimate(records, MatchModel(), seed=2, u_pairs=2_000)
        assert 0 < first.prior <= 0.5
