"""``omnicontact evaluate``: measure a clustering against the user's own labels.

Reads the ``record_id,customer_id`` rows ``omnicontact resolve`` wrote, the labels (true
cluster ids, or pairs) and optionally the scored pairs ``resolve --pairs`` wrote, and prints
:meth:`omnicontact.identity.AccuracyReport.text`. Exit status: 0 when the report was
printed; 2 when it could not be made (bad arguments or files).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..exceptions import InvalidValueError
from ..identity import AccuracyReport, Outcome, PairEvidence, evaluate
from ..identity._evaluate import DEFAULT_THRESHOLDS
from ._output import output_problem
from ._resolve import EXIT_OK, EXIT_USAGE, PAIR_COLUMNS

__all__ = ["add_evaluate_parser", "read_pairs", "run_evaluate"]

_YES = {"1", "true", "yes", "y", "same", "match"}
_NO = {"0", "false", "no", "n", "different", "non_match"}


class _FileError(Exception):
    """A file evaluate reads is unusable: the message says where and why."""


def _table(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with their line numbers; the header must hold ``required``."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream, skipinitialspace=True)
            header = reader.fieldnames or []
            missing = [column for column in required if column not in header]
            if missing:
                raise _FileError(f"{path}: has no column(s) {', '.join(missing)}")
            line = reader.line_num
            for row in reader:
                yield line + 1, {k: (v or "").strip() for k, v in row.items() if k is not None}
                line = reader.line_num
    except OSError as error:
        raise _FileError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise _FileError(f"{path}: is not UTF-8 text") from None
    except csv.Error as error:
        raise _FileError(f"{path}: is not valid CSV ({error})") from None


def _header(path: Path) -> list[str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            return [name.strip() for name in next(csv.reader(stream), [])]
    except OSError as error:
        raise _FileError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise _FileError(f"{path}: is not UTF-8 text") from None


def _mapping(path: Path, key: str, value: str) -> dict[str, str]:
    """``key`` → ``value`` column, over the rows whose cells are both filled."""
    found: dict[str, str] = {}
    for line, row in _table(path, (key, value)):
        if not row[key] or not row[value]:
            continue
        if row[key] in found:
            raise _FileError(f"{path}:{line}: {key}: repeats {row[key]!r}")
        found[row[key]] = row[value]
    return found


def read_pairs(path: Path) -> list[PairEvidence]:
    """The scored pairs ``omnicontact resolve --pairs`` wrote."""
    pairs = []
    for line, row in _table(path, PAIR_COLUMNS):
        try:
            pairs.append(
                PairEvidence(
                    left=row["left"],
                    right=row["right"],
                    outcome=Outcome(row["outcome"]),
                    weight=float(row["weight"]),
                    probability=float(row["probability"]),
                    rule=row["rule"] or None,
                    vetoes=tuple(row["vetoes"].split(";")) if row["vetoes"] else (),
                )
            )
        except ValueError as error:
            raise _FileError(f"{path}:{line}: not a scored pair ({error})") from None
    return pairs


def _labels(path: Path, id_column: str, truth_column: str | None) -> dict[str, Any]:
    """The keyword giving :func:`evaluate` the labels of ``path``, by its header."""
    header = _header(path)
    if truth_column is None and "left" in header and "right" in header:
        if "match" not in header:
            return {
                "true_pairs": [
                    (row["left"], row["right"])
                    for _, row in _table(path, ("left", "right"))
                    if row["left"] and row["right"]
                ]
            }
        labelled = []
        for line, row in _table(path, ("left", "right", "match")):
            answer = row["match"].casefold()
            if answer not in _YES | _NO:
                raise _FileError(
                    f"{path}:{line}: match: must be one of 1/0, true/false, yes/no, "
                    f"same/different (got {row['match']!r})"
                )
            labelled.append((row["left"], row["right"], answer in _YES))
        return {"labelled_pairs": labelled}
    if truth_column is None:
        others = [name for name in header if name != id_column]
        if id_column not in header or len(others) != 1:
            raise _FileError(
                f"{path}: give --truth-column: the labels need a {id_column} column and one "
                "true cluster column, or left,right[,match] columns"
            )
        truth_column = others[0]
    return {"truth": _mapping(path, id_column, truth_column)}


def run_evaluate(args: Any, stdout: IO[str], stderr: IO[str]) -> int:
    """Run ``omnicontact evaluate`` with parsed ``args``; return the exit status."""
    try:
        thresholds = (
            [float(item) for item in args.thresholds.split(",")] if args.thresholds else None
        )
    except ValueError:
        print(f"omnicontact evaluate: --thresholds: not numbers ({args.thresholds})", file=stderr)
        return EXIT_USAGE
    if args.chart is not None and args.pairs is None:
        print("omnicontact evaluate: --chart needs --pairs (the sweep)", file=stderr)
        return EXIT_USAGE
    if args.chart is not None:
        inputs = [path for path in (args.clusters, args.truth, args.pairs) if path is not None]
        problem = output_problem(args.chart, inputs, force=args.force)
        if problem is not None:
            print(f"omnicontact evaluate: --chart: {args.chart}: {problem}", file=stderr)
            return EXIT_USAGE
    try:
        clusters = _mapping(args.clusters, "record_id", "customer_id")
        labels = _labels(args.truth, args.id_column, args.truth_column)
        pairs = read_pairs(args.pairs) if args.pairs is not None else None
        report: AccuracyReport = evaluate(
            clusters, pairs=pairs, thresholds=thresholds or DEFAULT_THRESHOLDS, **labels
        )
    except _FileError as error:
        print(f"omnicontact evaluate: {error}", file=stderr)
        return EXIT_USAGE
    except InvalidValueError as error:
        print(f"omnicontact evaluate: --{error.field}: {error.reason}", file=stderr)
        return EXIT_USAGE
    print(report.text(), file=stdout)
    if args.chart is not None:
        try:
            report.save_chart(args.chart)
        except ModuleNotFoundError as error:
            print(f"omnicontact evaluate: --chart: {error}", file=stderr)
            return EXIT_USAGE
        except (OSError, ValueError) as error:
            print(f"omnicontact evaluate: --chart: {args.chart}: {error}", file=stderr)
            return EXIT_USAGE
    return EXIT_OK


def add_evaluate_parser(commands: Any) -> None:
    """Add the ``evaluate`` sub-command to the ``omnicontact`` parser's ``commands``."""
    command = commands.add_parser(
        "evaluate",
        help="measure a clustering against your own labels: precision, recall, F1",
        description=(
            "Measure the record_id,customer_id rows omnicontact resolve wrote against your "
            "labels: pairwise and B-cubed precision, recall and F1; with --pairs, a threshold "
            "sweep and blocking recall. Exit status: 0 printed, 2 bad arguments or files."
        ),
    )
    command.add_argument(
        "clusters", type=Path, help="record_id,customer_id rows (resolve's output)"
    )
    command.add_argument(
        "--truth",
        type=Path,
        required=True,
        help=(
            "the labels: a CSV with a record id column and a true cluster id column, or "
            "left,right columns listing every true pair, or left,right,match columns "
            "labelling some pairs"
        ),
    )
    command.add_argument(
        "--id-column", default="record_id", help="the record id column of --truth (record_id)"
    )
    command.add_argument(
        "--truth-column",
        help="the true cluster id column of --truth (default: its one other column)",
    )
    command.add_argument(
        "--pairs", type=Path, help="the scored pairs omnicontact resolve --pairs wrote"
    )
    command.add_argument(
        "--thresholds",
        help="comma-separated probabilities to sweep (default 0.01 to 0.999)",
    )
    command.add_argument(
        "--chart",
        type=Path,
        help="draw precision and recall against the threshold to this file (needs matplotlib)",
    )
    command.add_argument(
        "--force", action="store_true", help="replace --chart if it exists (never an input)"
    )
