"""omnicontact, Splink and exact matching side by side on a household-rich person register.

The data: :func:`omnicontact.testing.synthetic_population` with its real-file options
(``POPULATION`` below): about 28,000 records of 14,000 people from three registers with
their own fields (census: name, date of birth, address, household phone; tax form: name,
national id, address; social security: name, date of birth, national id), a third of the
people in households (same family name, address and phone) with twins and dependants whose
forms carry a parent's national id, nicknames (English and French), truncations, initials,
misread letters, placeholder given names, middle names, mistyped ids and missing or wrong
postcodes. Each record's true person and household are known.

Each tool runs in its own subprocess, so its peak memory is its own:

* **omnicontact**, configured as a user would from the docs, and the config to copy:
  ``model = estimate(records, MatchModel(), seed=1)`` (no labels, the default model and
  its documented default blocking), then one batch
  :meth:`~omnicontact.identity.Resolver.resolve_many`; the customers are the clusters.
  Only the public API is used, so changes to the default model show up here unedited.
* **Splink 5, textbook** (DuckDB): the comparisons of Splink's own getting-started
  example mapped to these columns (``NameComparison`` on first name and surname,
  ``DateOfBirthComparison``, exact postcode, city and national id), its blocking rules
  (first name + date of birth, surname) and training (prior from exact name + date of
  birth, ``u`` by random sampling, ``m`` by EM blocked on first name + surname, then on
  date of birth).
* **Splink 5, tuned**: term frequency adjustments on names and city, fuzzy national id
  and postcode (the street and the phone, which housemates share, are left out: with them
  Splink merged four times as many housemates on a trial file), blocking on the national
  id, first name + date of birth, surname + date of birth, first name + surname, surname +
  postcode and date of birth + city, a prior from the national id and exact name + date
  of birth, and EM blocked on two fields in turn (date of birth, then national id).
* **exact**: records with the same first given name, family name and date of birth (all
  present, folded) are one person; others stay alone.

Both Splink settings are reported at clustering thresholds 0.5, 0.9 and 0.99 (predictions
at 0.5; the time is training + predictions + clustering at 0.5).

Printed for each: pairwise and B-cubed precision / recall / F1, the number of **household
false merges** (wrongly joined pairs whose two people live in one household), end-to-end
wall and CPU time (all threads) and peak resident memory of the worker. For omnicontact
also its **blocking recall**: the share of true pairs that share a key of a block within
``max_block_size`` (``model.blocking.keys(model.profile(record))``), directly, and the
share joined through chains of such candidate pairs. Runs of the tools are interleaved
(``--repeat``, default 3); times are medians.

Usage: python benchmarks/bench_households.py [--tools omnicontact splink_textbook
splink_tuned exact] [--repeat 3] [--people 14000] [--noise 5]

Needs the ``bench`` extra: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import subprocess
import sys
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from bench_febrl import cpu_seconds, median_run, rss_mib, scores

REQUIRED = ("splink", "duckdb", "pandas", "hypothesis")
TOOLS = ("omnicontact", "splink_textbook", "splink_tuned", "exact")
THRESHOLDS = (0.5, 0.9, 0.99)
PEOPLE = 14_000
POPULATION: dict[str, Any] = {
    "seed": 2026,
    "max_records_per_person": 3,
    "noise": 5,
    "household_percent": 35,
    "twin_percent": 15,
    "shared_id_percent": 15,
    "name_variants": True,
    "id_errors": 3,
    "postcode_errors": 10,
    "sources": ("census", "tax", "social_security"),
}


def require_bench_extra() -> None:
    from importlib.util import find_spec  # not imported: this process must stay small

    missing = [name for name in REQUIRED if find_spec(name) is None]
    if missing:
        sys.exit(
            f"bench_households.py needs {', '.join(missing)}: install the benchmark extra "
            "with pip install -e '.[bench]'"
        )


# ----------------------------------------------------------------------------------- data


def load(people: int, noise: int) -> Any:
    from omnicontact.testing import synthetic_population

    return synthetic_population(people, **{**POPULATION, "noise": noise})


def pairs_of(clusters: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    """Every pair of records of one cluster, each as ``(smaller id, larger id)``."""
    return {(a, b) for cluster in clusters for a, b in itertools.combinations(sorted(cluster), 2)}


def true_pairs(population: Any) -> set[tuple[str, str]]:
    return pairs_of(population.true_partition())


def household_false_merges(
    clusters: Iterable[Iterable[str]],
    truth: set[tuple[str, str]],
    households: Mapping[str, Collection[str]],
) -> int:
    """Wrongly joined pairs whose two people live in one household: ``households`` gives,
    for each record id, the households of its person (none when unknown)."""
    return sum(
        1
        for a, b in pairs_of(clusters) - truth
        if not set(households.get(a, ())).isdisjoint(households.get(b, ()))
    )


def households_of(population: Any) -> dict[str, tuple[str]]:
    """Each record's household: its person's one household in the population."""
    person, house = population.truth, population.households
    return {record_id: (house[person[record_id]],) for record_id in person}


def flat_rows(records: Sequence[Any]) -> list[dict[str, str | None]]:
    """One row per record for Splink and the exact baseline: folded names, ISO dates."""
    from omnicontact import DateOfBirth, ExternalId, PersonName, PhoneNumber, PostalAddress

    table = []
    for record in records:
        row: dict[str, str | None] = dict.fromkeys(
            ("first_name", "middle_name", "surname", "dob", "street", "postcode", "city",
             "national_id", "phone")
        )  # fmt: skip
        row["unique_id"] = record.id
        for item in record.identifiers:
            if type(item) is PersonName:
                words = item.given_key.split() if item.given else []
                row["first_name"] = words[0] if words else None
                row["middle_name"] = " ".join(words[1:]) or None
                row["surname"] = item.family_key or None
            elif type(item) is DateOfBirth:
                row["dob"] = item.value.isoformat()
            elif type(item) is PostalAddress:
                street, _code, city, _country = item.key.split("|")
                row["street"] = street or None
                row["postcode"] = item.postal_code
                row["city"] = city or None
            elif type(item) is ExternalId and item.namespace == ExternalId.NATIONAL_ID:
                row["national_id"] = item.value
            elif type(item) is PhoneNumber:
                row["phone"] = item.value
        table.append(row)
    return table


# ---------------------------------------------------------------------------- omnicontact


def run_omnicontact(records: Sequence[Any]) -> tuple[list[frozenset[str]], Any, dict[str, Any]]:
    from omnicontact.identity import MatchModel, Resolver, estimate

    start = time.perf_counter()
    model = estimate(records, MatchModel(), seed=1)  # the config a user copies
    trained = time.perf_counter()
    resolver = Resolver(model=model)
    resolver.resolve_many(records)
    return list(resolver.partition()), model, {"training_s": trained - start}


def blocking_recall(
    model: Any, records: Sequence[Any], truth: set[tuple[str, str]]
) -> dict[str, float]:
    """The share of true pairs that are candidate pairs, directly and through chains."""
    keys = {record.id: model.blocking.keys(model.profile(record)) for record in records}
    blocks: dict[str, list[str]] = {}
    for record_id, record_keys in keys.items():
        for key in record_keys:
            blocks.setdefault(key, []).append(record_id)
    limit = model.blocking.max_block_size
    usable = {key for key, members in blocks.items() if 2 <= len(members) <= limit}
    parent = {record_id: record_id for record_id in keys}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for key in usable:
        first, *rest = blocks[key]
        for other in rest:
            parent[find(other)] = find(first)
    direct = sum(1 for a, b in truth if keys[a] & keys[b] & usable)
    chained = sum(1 for a, b in truth if find(a) == find(b))
    return {"blocking_direct": direct / len(truth), "blocking_chained": chained / len(truth)}


# --------------------------------------------------------------------------------- splink


def splink_settings(tuned: bool) -> tuple[Any, list[Any], float, list[Any]]:
    """Settings, deterministic rules and their recall (for the prior), EM blocking rules."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if not tuned:
        comparisons = [
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("city"),
            cl.ExactMatch("national_id"),
        ]
        blocking = [block_on("first_name", "dob"), block_on("surname")]
        deterministic = [block_on("first_name", "surname", "dob")]
        recall = 0.7
        em = [block_on("first_name", "surname"), block_on("dob")]
    else:
        comparisons = [
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.DamerauLevenshteinAtThresholds("national_id", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ]
        blocking = [
            block_on("national_id"),
            block_on("first_name", "dob"),
            block_on("surname", "dob"),
            block_on("first_name", "surname"),
            block_on("surname", "postcode"),
            block_on("dob", "city"),
        ]
        deterministic = [block_on("national_id"), block_on("first_name", "surname", "dob")]
        recall = 0.8
        em = [block_on("dob"), block_on("national_id")]
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
    )
    return settings, deterministic, recall, em


def run_splink(
    table: list[dict[str, str | None]], tuned: bool
) -> tuple[dict[float, list[frozenset[str]]], dict[str, Any]]:
    """Clusters at each of :data:`THRESHOLDS`; the clock stops after the first."""
    import logging

    import pandas as pd
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)
    frame = pd.DataFrame(table)
    start = time.perf_counter()
    settings, deterministic, recall, em = splink_settings(tuned)
    linker = Linker(DuckDBAPI().register(frame), settings)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in em:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=min(THRESHOLDS))
    found: dict[float, list[frozenset[str]]] = {}
    stop = 0.0
    for threshold in THRESHOLDS:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        grouped: dict[str, set[str]] = {}
        for row in clusters.as_record_list():
            grouped.setdefault(str(row["cluster_id"]), set()).add(str(row["unique_id"]))
        found[threshold] = [frozenset(g) for g in grouped.values()]
        stop = stop or time.perf_counter()
    return found, {"training_s": trained - start, "stop": stop}


# ---------------------------------------------------------------------------------- exact


def run_exact(table: list[dict[str, str | None]]) -> list[frozenset[str]]:
    groups: dict[tuple[Any, ...], set[str]] = {}
    for row in table:
        key: tuple[Any, ...] = (row["first_name"], row["surname"], row["dob"])
        if None in (row["first_name"], row["surname"], row["dob"]):
            key = ("alone", row["unique_id"])
        groups.setdefault(key, set()).add(str(row["unique_id"]))
    return [frozenset(group) for group in groups.values()]


# ------------------------------------------------------------------------------ processes


def import_tool(tool: str) -> None:
    """Import the tool's modules before the clock starts: imports are not part of the run."""
    if tool == "omnicontact":
        import omnicontact.identity  # noqa: F401
    elif tool.startswith("splink"):
        import pandas  # noqa: F401
        import splink.comparison_library  # noqa: F401
        from splink import DuckDBAPI, Linker  # noqa: F401


def worker(tool: str, people: int, noise: int) -> None:
    population = load(people, noise)
    records = population.records
    truth = true_pairs(population)
    table = flat_rows(records) if tool != "omnicontact" else []
    import_tool(tool)
    gc.collect()
    baseline = rss_mib()
    cpu_start = cpu_seconds()
    start = time.perf_counter()
    runs: dict[str, list[frozenset[str]]]
    extra: dict[str, Any] = {}
    model = None
    if tool == "omnicontact":
        clusters, model, extra = run_omnicontact(records)
        stop, cpu = time.perf_counter(), cpu_seconds() - cpu_start
        runs = {tool: clusters}
    elif tool == "exact":
        runs = {tool: run_exact(table)}
        stop, cpu = time.perf_counter(), cpu_seconds() - cpu_start
        extra["training_s"] = 0.0
    else:
        by_threshold, extra = run_splink(table, tuned=tool == "splink_tuned")
        stop, cpu = extra.pop("stop"), cpu_seconds() - cpu_start
        runs = {f"{tool}@{t}": clusters for t, clusters in by_threshold.items()}
    peak = rss_mib()
    houses = households_of(population)
    if model is not None:  # measured after the run: not part of its time or memory
        extra.update(blocking_recall(model, records, truth))
    results = []
    for label, clusters in runs.items():
        results.append(
            {
                "tool": label,
                "records": len(records),
                "people": len(population.households),
                "households": len(set(population.households.values())),
                "seconds": stop - start,
                "cpu_s": cpu,
                "rss_before_mib": baseline,
                "rss_peak_mib": peak,
                "household_false_merges": household_false_merges(clusters, truth, houses),
                **extra,
                **scores(clusters, truth),
            }
        )
    print(json.dumps(results))


def spawn(tool: str, people: int, noise: int) -> list[dict[str, Any]]:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            tool,
            "--people",
            str(people),
            "--noise",
            str(noise),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{tool} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


TABLE_HEADER = (
    f"{'tool':<22} {'pair P':>7} {'pair R':>7} {'pair F1':>7} {'B3 P':>7} {'B3 R':>7} "
    f"{'B3 F1':>7} {'hh merges':>9} {'clusters':>8} {'time s':>7} {'cpu s':>7} "
    f"{'train s':>7} {'peak MiB':>8}  runs (s)"
)


def table_row(label: str, r: dict[str, Any], runs: list[dict[str, Any]]) -> str:
    """A row of the table under :data:`TABLE_HEADER`: the median run ``r`` of ``runs``."""
    times = " ".join(f"{run['seconds']:.2f}" for run in runs)
    train = f"{r['training_s']:>7.2f}" if r.get("training_s") is not None else f"{'':>7}"
    return (
        f"{label:<22} {r['pairwise_p']:>7.4f} {r['pairwise_r']:>7.4f} "
        f"{r['pairwise_f1']:>7.4f} {r['bcubed_p']:>7.4f} {r['bcubed_r']:>7.4f} "
        f"{r['bcubed_f1']:>7.4f} {r['household_false_merges']:>9} {r['clusters']:>8} "
        f"{r['seconds']:>7.2f} {r['cpu_s']:>7.2f} {train} {r['rss_peak_mib']:>8.0f}  {times}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument(
        "--noise",
        type=int,
        default=POPULATION["noise"],
        help="the population's noise percentage (see omnicontact.testing.populations)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each tool, interleaved; times are their medians",
    )
    parser.add_argument("--worker", choices=TOOLS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.people, args.noise)
        return
    require_bench_extra()
    # The population is made in the workers only: a child process's peak memory
    # (ru_maxrss) starts from its parent's peak, which must stay below any tool's.
    runs: dict[str, list[dict[str, Any]]] = {}
    for _ in range(max(1, args.repeat)):
        for tool in args.tools:
            for result in spawn(tool, args.people, args.noise):
                runs.setdefault(result["tool"], []).append(result)
    first = next(iter(runs.values()))[0]
    print(
        f"{first['records']} records of {first['people']} people, {first['households']} "
        f"households; {first['true_pairs']} true pairs; "
        f"each tool run {args.repeat} times, interleaved; times are medians"
    )
    print(TABLE_HEADER)
    for label, tool_runs in runs.items():
        r = median_run(tool_runs, scores_may_vary=label.startswith("splink"))
        print(table_row(label, r, tool_runs))
        if "blocking_direct" in r:
            print(
                f"{'':<22} blocking recall: {r['blocking_direct']:.4f} of true pairs share "
                f"a usable block, {r['blocking_chained']:.4f} joined through chains"
            )


if __name__ == "__main__":
    main()
