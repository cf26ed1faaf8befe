"""Mutation score of the testing kit: plausible bad identity configurations, caught or not.

Each bad configuration is run, as a user's test suite would run it, through the kit's
checkers with Hypothesis's default settings (100 examples; no example database) on
``household_populations()`` (``check_no_over_merge``, ``check_accuracy``,
``check_against_reference``) and on ``tangled_records()`` (``check_against_reference``),
for each seed. Printed per configuration: on how many seeds a checker failed, the median
time to find the first failing example, and the median time Hypothesis then spent
shrinking it. The default configuration must be caught on no seed.

    python benchmarks/bench_mutations.py --seeds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings

from omnicontact import testing as oct
from omnicontact.identity import MatchModel

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from test_testing_truth import BAD_CONFIGURATIONS


def _tests(model: MatchModel) -> list[Callable[[Any], None]]:
    def on_populations(population: oct.Population) -> None:
        oct.check_no_over_merge(model, population)
        oct.check_accuracy(model, population)
        oct.check_against_reference(model, population)

    def on_tangled(records: tuple[Any, ...]) -> None:
        oct.check_against_reference(model, records)

    return [
        given(oct.household_populations())(on_populations),
        given(oct.tangled_records())(on_tangled),
    ]


def _run(model: MatchModel, seed: int, phases: list[Phase]) -> tuple[bool, float]:
    """Whether a checker failed, and the seconds taken."""
    start = time.perf_counter()
    for test in _tests(model):
        configured = settings(
            database=None,
            deadline=None,
            phases=phases,
            suppress_health_check=[HealthCheck.too_slow],
        )(hypothesis.seed(seed)(test))
        try:
            configured()
        except Exception:  # a checker's failure, or several (an ExceptionGroup)
            return True, time.perf_counter() - start
    return False, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    seeds = range(parser.parse_args().seeds)
    configurations = {"default (must pass)": MatchModel(), **BAD_CONFIGURATIONS}
    for name, model in configurations.items():
        found, shrunk = [], []
        for seed in seeds:
            caught, find = _run(model, seed, [Phase.generate])
            if caught:
                _, total = _run(model, seed, [Phase.generate, Phase.shrink])
                found.append(find)
                shrunk.append(max(0.0, total - find))
        timing = (
            f"find {statistics.median(found):.1f} s, shrink {statistics.median(shrunk):.1f} s "
            f"(median; slowest shrink {max(shrunk):.1f} s)"
            if found
            else "never caught"
        )
        print(f"{name:38} caught on {len(found)}/{len(seeds)} seeds; {timing}", flush=True)


if __name__ == "__main__":
    main()
