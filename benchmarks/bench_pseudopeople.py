"""omnicontact, Splink and exact matching on pseudopeople's simulated US town.

The data: the sample data shipped with the ``pseudopeople`` package (a simulated US
population with realistic noise), three of its data sets of one population, put into one
CSV as a user would (:func:`assemble`): the 2020 decennial census
(``generate_decennial_census``), the social security number creations
(``generate_social_security``, events of type ``creation``) and the 2020 W2 and 1099 tax
forms (``generate_taxes_w2_and_1099``), all generated with ``--seed``. The columns:
``record_id``, ``source`` (``census``, ``social_security``, ``tax``), first, middle and last
name (the census and tax forms give a middle initial, social security a middle name), the
date of birth in one ISO column (census gives ``MM/DD/YYYY``, social security ``YYYYMMDD``;
a date that does not convert, such as a day and month swapped into an impossible date, is
kept as written, as ``pd.to_datetime(errors="coerce")`` then ``fillna`` with the raw text
leaves it), the SSN, the street number, name and unit, city, state and zipcode (the tax
form's mailing address). A tax form has no date of birth, a census row no SSN, a social
security record no address. The noise is pseudopeople's: households with twins, placeholder
first names ("Baby", "Wife", "Man Of The House" …), nicknames, typos, OCR errors, swapped
day and month, SSNs copied from a household member. Each row's true person
(``simulant_id``) and household (``household_id``) go to a separate truth file that no
tool reads.

Each tool runs in its own subprocess:

* **omnicontact** exactly as a user runs it: ``omnicontact resolve people.csv --config
  examples/pseudopeople.toml --output out.csv`` (the command-line program, in a
  subprocess), the shipped configuration written from the docs
  (``docs/reference/resolve-config.md``). Its time is the command's, end to end: starting
  Python, importing omnicontact, reading the CSV, estimating the model and resolving;
  wall time, CPU time and peak resident memory are the command's own (``os.wait4``).
  Its output CSV is scored.
* **Splink 5, textbook** and **tuned** (DuckDB): the settings of ``bench_households.py``
  (:func:`bench_households.splink_settings`), on these columns read from the same CSV:
  folded names, the ISO date of birth (a date that does not parse is left out, as Splink's
  date comparison needs), SSN as the national id, zipcode as the postcode, city.
  Textbook: Splink's getting-started comparisons and blocking. Tuned: term frequencies on
  names and city, blocking on SSN, first name + date of birth, surname + date of birth,
  first name + surname, surname + zipcode and date of birth + city, fuzzy SSN, EM blocked on
  the date of birth then the SSN. Each is reported at clustering thresholds 0.5, 0.9 and
  0.99; its time runs from reading the CSV (imports excluded) to the first clustering.
* **exact**: records with the same first name, last name and date of birth (all present,
  folded) are one person; others stay alone.

Printed for each: pairwise and B-cubed precision / recall / F1, the number of **household
false merges** (wrongly joined pairs whose two people share a household; a social security
record has no household, so its person's households are those of the person's census and
tax rows), wall and CPU time (all threads) and peak resident memory of the tool's process.
Runs of the tools are interleaved (``--repeat``, default 1); times are medians. Splink's
clusters vary a little from one run to the next (DuckDB samples and sums on several
threads): its scores are those of the run of median pairwise F1, and every run's F1 is
printed.

Usage: python benchmarks/bench_pseudopeople.py [--tools omnicontact splink_textbook
splink_tuned exact] [--repeat 1] [--seed 0] [--keep DIR]

Needs the ``bench`` extra (``pip install -e '.[bench]'``), which includes pseudopeople on
Python 3.11 and later; or ``pip install pseudopeople`` next to it.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench_febrl import cpu_seconds, median_run, rss_mib, scores
from bench_households import (
    TABLE_HEADER,
    household_false_merges,
    import_tool,
    pairs_of,
    run_exact,
    run_splink,
    table_row,
)

REQUIRED = ("splink", "duckdb", "pandas")
TOOLS = ("omnicontact", "splink_textbook", "splink_tuned", "exact")
EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "examples" / "pseudopeople.toml"
"""The configuration a user copies: the benchmark runs exactly what it says."""
COLUMNS = (
    "record_id",
    "source",
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "ssn",
    "street_number",
    "street_name",
    "unit_number",
    "city",
    "state",
    "zipcode",
)
"""The columns of the file the tools read (the truth is kept apart)."""
TRUTH_COLUMNS = ("record_id", "simulant_id", "household_id")
USAGE = (
    "Needs the bench extra: pip install -e '.[bench]' (it includes pseudopeople on Python "
    "3.11 and later), or pip install pseudopeople next to splink, duckdb and pandas."
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def require_extras() -> None:
    from importlib.util import find_spec

    missing = [name for name in (*REQUIRED, "pseudopeople") if find_spec(name) is None]
    if missing:
        sys.exit(f"bench_pseudopeople.py needs {', '.join(missing)}. {USAGE}")


# ----------------------------------------------------------------------------------- data


PERSON = {"first_name": "first_name", "last_name": "last_name", "simulant_id": "simulant_id"}
SOURCES: dict[str, dict[str, str]] = {
    "census": {
        **PERSON,
        "middle_name": "middle_initial",
        "date_of_birth": "date_of_birth",
        **{column: column for column in ("street_number", "street_name", "unit_number")},
        **{column: column for column in ("city", "state", "zipcode", "household_id")},
    },
    "social_security": {
        **PERSON,
        "middle_name": "middle_name",
        "date_of_birth": "date_of_birth",
        "ssn": "ssn",
    },
    "tax": {
        **PERSON,
        "middle_name": "middle_initial",
        "ssn": "ssn",
        "household_id": "household_id",
        **{
            column: f"mailing_address_{column}"
            for column in ("street_number", "street_name", "unit_number", "city", "state")
        },
        "zipcode": "mailing_address_zipcode",
    },
}
"""Each source's columns: ours = pseudopeople's (the tax form's address is its mailing
address)."""
DATE_FORMATS = {"census": "%m/%d/%Y", "social_security": "%Y%m%d"}
"""How each source writes the date of birth (tax forms have none)."""


def assemble(census: Any, social_security: Any, taxes: Any) -> Any:
    """One data frame of the three data sets (as pseudopeople gives them), in
    :data:`COLUMNS` plus the truth columns, as a user preparing one file would make it."""
    import pandas as pd

    social_security = social_security[social_security["event_type"] == "creation"]
    frames = []
    for (source, theirs), data in zip(
        SOURCES.items(), (census, social_security, taxes), strict=True
    ):
        frame = pd.DataFrame({ours: data[column] for ours, column in theirs.items()})
        frame.insert(0, "record_id", f"{source}-" + data.index.astype(str))
        frame.insert(1, "source", source)
        if source in DATE_FORMATS:  # one ISO column; a date that does not convert stays
            dates = frame["date_of_birth"]
            parsed = pd.to_datetime(dates, format=DATE_FORMATS[source], errors="coerce")
            frame["date_of_birth"] = parsed.dt.strftime("%Y-%m-%d").fillna(dates)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    return table.reindex(columns=[*COLUMNS, *TRUTH_COLUMNS[1:]])


def build(seed: int, directory: Path) -> tuple[Path, Path]:
    """Write ``people.csv`` (what the tools read) and ``truth.csv`` from the sample data."""
    os.environ.setdefault("TQDM_DISABLE", "1")  # pseudopeople's progress bars
    import pseudopeople

    table = assemble(
        pseudopeople.generate_decennial_census(seed=seed, year=2020),
        pseudopeople.generate_social_security(seed=seed, year=2020),
        pseudopeople.generate_taxes_w2_and_1099(seed=seed, year=2020),
    )
    people, truth = directory / "people.csv", directory / "truth.csv"
    table[list(COLUMNS)].to_csv(people, index=False)
    table[list(TRUTH_COLUMNS)].to_csv(truth, index=False)
    return people, truth


def read_truth(path: Path) -> tuple[set[tuple[str, str]], dict[str, frozenset[str]]]:
    """The true pairs, and each record's households: those of its person's rows."""
    person: dict[str, str] = {}
    homes: dict[str, set[str]] = {}
    with path.open(newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            person[row["record_id"]] = row["simulant_id"]
            home = homes.setdefault(row["simulant_id"], set())
            if row["household_id"]:
                home.add(row["household_id"])
    records_of: dict[str, list[str]] = {}
    for record_id, simulant in person.items():
        records_of.setdefault(simulant, []).append(record_id)
    households = {record_id: frozenset(homes[simulant]) for record_id, simulant in person.items()}
    return pairs_of(records_of.values()), households


def splink_rows(path: Path) -> list[dict[str, str | None]]:
    """The CSV as the columns of :func:`bench_households.splink_settings`: folded names and
    city, the ISO date of birth (else missing), SSN, street, zipcode."""

    def folded(*texts: str) -> str | None:
        return " ".join(" ".join(texts).lower().split()) or None

    table = []
    with path.open(newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            dob = row["date_of_birth"].strip()
            table.append(
                {
                    "unique_id": row["record_id"],
                    "first_name": folded(row["first_name"]),
                    "middle_name": folded(row["middle_name"]),
                    "surname": folded(row["last_name"]),
                    "dob": dob if _is_iso_date(dob) else None,
                    "street": folded(row["street_number"], row["street_name"], row["unit_number"]),
                    "postcode": row["zipcode"].strip() or None,
                    "city": folded(row["city"]),
                    "national_id": row["ssn"].strip() or None,
                    "phone": None,
                }
            )
    return table


def _is_iso_date(text: str) -> bool:
    if not ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def clusters_of(path: Path) -> list[frozenset[str]]:
    """The customers of an ``omnicontact resolve`` output (``record_id,customer_id``)."""
    grouped: dict[str, set[str]] = {}
    with path.open(newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            grouped.setdefault(row["customer_id"], set()).add(row["record_id"])
    return [frozenset(group) for group in grouped.values()]


# ---------------------------------------------------------------------------- omnicontact


def omnicontact_command() -> str:
    """The ``omnicontact`` program of this Python's environment (else the one on PATH)."""
    beside = Path(sys.executable).parent / "omnicontact"
    found = str(beside) if beside.exists() else shutil.which("omnicontact")
    if found is None:
        sys.exit("the omnicontact command is not installed: pip install -e .")
    return found


def run_command(args: list[str], log: Path) -> dict[str, Any]:
    """Run a command, its output to ``log``; its status, wall time, CPU time and peak
    resident memory (its own, from ``os.wait4``)."""
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "status": process.returncode,
        "seconds": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_peak_mib": rss_mib(usage),
    }


PHASE = re.compile(r"(read|train|resolve): .*[ (]([0-9.]+)s\)( done)?")
"""A progress line of ``omnicontact resolve`` that gives a phase's time so far."""


def run_omnicontact(people: Path) -> tuple[list[frozenset[str]], dict[str, Any]]:
    """``omnicontact resolve`` on the file: its customers, and its time and memory, with
    the time of each phase its progress lines give."""
    output, log = people.parent / "customers.csv", people.parent / "omnicontact.log"
    args = [omnicontact_command(), "resolve", str(people), "--config", str(EXAMPLE_CONFIG)]
    figures = run_command([*args, "--output", str(output), "--force"], log)
    status = figures.pop("status")
    if status not in (0, 1):  # 1: some rows skipped, each reported in the log
        sys.exit(f"omnicontact resolve failed ({status}):\n{log.read_text(encoding='utf-8')}")
    lines = log.read_text(encoding="utf-8").strip().splitlines()
    summary = lines[-1] if lines else ""
    return clusters_of(output), {**figures, **phase_times(lines), "summary": summary}


def phase_times(lines: list[str]) -> dict[str, float]:
    """The times of reading, estimating (``training_s``) and resolving that the progress
    lines of ``omnicontact resolve`` give (the last line of each phase)."""
    phases = {}
    for line in lines:
        if found := PHASE.fullmatch(line):
            phases["training_s" if found[1] == "train" else f"{found[1]}_s"] = float(found[2])
    return phases


# ------------------------------------------------------------------------------ processes


def worker(tool: str, directory: Path) -> None:
    people = directory / "people.csv"
    if tool == "omnicontact":
        clusters, figures = run_omnicontact(people)
        runs = {tool: clusters}
    else:
        import_tool(tool)  # imports are not part of the run
        gc.collect()
        cpu_start = cpu_seconds()
        start = time.perf_counter()
        table = splink_rows(people)
        if tool == "exact":
            runs = {tool: run_exact(table)}
            stop, extra = time.perf_counter(), {}
        else:
            by_threshold, extra = run_splink(table, tuned=tool == "splink_tuned")
            stop = extra.pop("stop")
            runs = {f"{tool}@{t}": found for t, found in by_threshold.items()}
        figures = {
            "seconds": stop - start,
            "cpu_s": cpu_seconds() - cpu_start,
            "rss_peak_mib": rss_mib(),
            **extra,
        }
    truth, households = read_truth(directory / "truth.csv")  # read after the run
    results = [
        {
            "tool": label,
            "household_false_merges": household_false_merges(clusters, truth, households),
            **figures,
            **scores(clusters, truth),
        }
        for label, clusters in runs.items()
    ]
    print(json.dumps(results))


def spawn(*args: str) -> Any:
    """Run this script with ``args`` in a new process; the JSON of its last line.

    The parent stays small (it never imports pandas or pseudopeople): a child's peak
    resident memory (``ru_maxrss``) starts from its parent's size at the fork.
    """
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def describe(directory: Path) -> str:
    """What the file holds: records by source, people, households, true pairs."""
    with (directory / "people.csv").open(newline="", encoding="utf-8") as stream:
        sources: dict[str, int] = {}
        for row in csv.DictReader(stream):
            sources[row["source"]] = sources.get(row["source"], 0) + 1
    with (directory / "truth.csv").open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    people = {row["simulant_id"] for row in rows}
    houses = {row["household_id"] for row in rows if row["household_id"]}
    truth, _ = read_truth(directory / "truth.csv")
    counts = ", ".join(f"{n:,} {source}" for source, n in sources.items())
    return (
        f"{len(rows):,} records ({counts}) of {len(people):,} people in {len(houses):,} "
        f"households; {len(truth):,} true pairs"
    )


def report(runs: dict[str, list[dict[str, Any]]]) -> None:
    print(TABLE_HEADER)
    for label, tool_runs in runs.items():
        r = median_run(tool_runs, scores_may_vary=label.startswith("splink"))
        print(table_row(label, r, tool_runs))
        if len({run["pairwise_f1"] for run in tool_runs}) > 1:
            f1s = " ".join(f"{run['pairwise_f1']:.4f}" for run in tool_runs)
            print(f"{'':<22} pairwise F1 of each run: {f1s} (the row is the median run's)")
        if "summary" in r:
            # no time of reading or resolving if the progress lines changed; none of
            # estimating with too few records to estimate
            phases = [
                _median_of(tool_runs, "read_s"),
                _median_of(tool_runs, "training_s", 0.0),
                _median_of(tool_runs, "resolve_s"),
            ]
            if None not in phases:
                read, train, resolve = phases
                rest = r["seconds"] - read - train - resolve
                print(
                    f"{'':<22} of which reading {read:.2f} s, estimating {train:.2f} s, "
                    f"resolving {resolve:.2f} s (the command gives tenths), the rest "
                    f"(starting Python, imports, writing the output, counting customers) "
                    f"{rest:.2f} s"
                )
            print(f"{'':<22} omnicontact resolve said: {r['summary']}")


def _median_of(runs: list[dict[str, Any]], key: str, default: float | None = None) -> Any:
    """The median of a figure over the runs, ``None`` when a run lacks it."""
    values = [run.get(key, default) for run in runs]
    return None if None in values else statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=USAGE)
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument("--seed", type=int, default=0, help="pseudopeople's seed (default 0)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each tool, interleaved; times are their medians",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="build the file in this directory and keep it (default: a temporary directory)",
    )
    parser.add_argument("--worker", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.keep)
        return
    if args.build:
        build(args.seed, args.keep)
        print(json.dumps(describe(args.keep)))
        return
    require_extras()
    with tempfile.TemporaryDirectory(prefix="bench_pseudopeople_") as temporary:
        directory = args.keep or Path(temporary)
        directory.mkdir(parents=True, exist_ok=True)
        description = spawn("--build", "--seed", str(args.seed), "--keep", str(directory))
        print(
            f"pseudopeople {version('pseudopeople')} sample data, seed {args.seed}: "
            f"{description}; each tool run {args.repeat} times, interleaved; times are medians"
        )
        runs: dict[str, list[dict[str, Any]]] = {}
        for _ in range(max(1, args.repeat)):
            for tool in args.tools:
                for result in spawn("--worker", tool, "--keep", str(directory)):
                    runs.setdefault(result["tool"], []).append(result)
        report(runs)


if __name__ == "__main__":
    main()
