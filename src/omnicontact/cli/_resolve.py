"""``omnicontact resolve``: resolve a CSV of records into customers.

The configuration file (TOML, read by :mod:`._config`) has a ``[records]`` table, which
becomes a :class:`~omnicontact.identity.RecordMapping`, and an optional ``[model]`` table
(:class:`ModelSettings`), which becomes the match model; ``--model`` scores with a model
saved by ``--save-model`` instead. Rows that cannot be read are reported on stderr with
their line, column and reason, skipped, and counted in the closing summary (with
``bad_values = "drop_value"`` an unreadable identifier is reported and dropped, its record
kept). ``--pairs`` writes every candidate pair with its probability, for
``omnicontact evaluate``.

Exit status: 0 when every row was resolved; 1 when the output was written but some rows were
skipped; 2 when nothing could be done (bad arguments, configuration or input file, or an
unknown record id given to ``--explain``).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from ..exceptions import (
    ConfigurationError,
    InvalidValueError,
    OmnicontactError,
    SerializationError,
)
from ..identity import MatchModel, Record, Resolver, load_model, save_model
from ._config import ModelSettings, ResolveConfig, load_config
from ._output import output_problem

__all__ = [
    "EXIT_OK",
    "EXIT_ROWS_SKIPPED",
    "EXIT_USAGE",
    "PAIR_COLUMNS",
    "ModelSettings",
    "Progress",
    "ResolveConfig",
    "load_config",
    "run_resolve",
]

EXIT_OK = 0
EXIT_ROWS_SKIPPED = 1
EXIT_USAGE = 2

Clock = Callable[[], float]


@attrs.define
class Progress:
    """Prints ``phase: done/total records (rate/s)`` on ``stream`` at most every ``interval``
    seconds, plus a last line when a phase ends; ``clock`` is a monotonic clock."""

    stream: IO[str]
    interval: float = 1.0
    clock: Clock = time.monotonic
    enabled: bool = True
    _phase: str = ""
    _started: float = 0.0
    _last: float = 0.0

    def start(self, phase: str) -> None:
        """Begin timing ``phase``."""
        self._phase = phase
        self._started = self._last = self.clock()

    def update(self, done: int, total: int | None = None, *, final: bool = False) -> None:
        """Report ``done`` items if ``interval`` has passed (always when ``final``)."""
        now = self.clock()
        if not self.enabled or (not final and now - self._last < self.interval):
            return
        self._last = now
        elapsed = now - self._started
        rate = f"{done / elapsed:,.0f}/s" if elapsed > 0 else "-/s"
        count = f"{done:,}/{total:,}" if total is not None else f"{done:,}"
        end = " done" if final else ""
        print(f"{self._phase}: {count} records ({rate}, {elapsed:.1f}s){end}", file=self.stream)


@attrs.frozen
class _BadRow:
    line: int
    column: str
    reason: str
    skipped: bool = True  # else only the value was ignored


def _read_rows(
    path: Path,
    config: ResolveConfig,
    progress: Progress,
    report: Callable[[_BadRow], None],
) -> list[Record]:
    """The good records of the CSV file; bad rows go to ``report``."""
    mapping = config.records
    records: list[Record] = []
    first_line: dict[str, int] = {}
    progress.start("read")
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream, skipinitialspace=True)
            header = reader.fieldnames or []
            missing = [column for column in mapping.columns if column not in header]
            if missing:
                raise InvalidValueError(
                    str(path), ",".join(header), f"has no column(s) {', '.join(missing)}"
                )
            for line, row in _numbered(reader):
                if row is None:
                    report(_BadRow(line, "row", "is not valid CSV"))
                    continue
                if None in row:
                    report(_BadRow(line, "row", "has more cells than the header"))
                    continue
                try:
                    if config.bad_values == "drop_value":
                        record, problems = mapping.read(row)
                    else:
                        record, problems = mapping.to_record(row), ()
                except InvalidValueError as error:
                    report(_BadRow(line, error.field, f"{error.reason} (got {error.value!r})"))
                    continue
                if record.id in first_line:
                    where = f"first seen on line {first_line[record.id]}"
                    report(_BadRow(line, mapping.record_id, f"repeats id {record.id!r} ({where})"))
                    continue
                for problem in problems:
                    reason = f"{problem.reason} (got {problem.value!r})"
                    report(_BadRow(line, problem.field, reason, skipped=False))
                first_line[record.id] = line
                records.append(record)
                progress.update(len(records))
    except OSError as error:
        raise InvalidValueError(str(path), None, f"cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise InvalidValueError(str(path), None, "is not UTF-8 text") from None
    progress.update(len(records), final=True)
    return records


def _numbered(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """Rows with the line they start on; ``None`` for a row the CSV reader rejects."""
    line = reader.line_num
    try:
        for row in reader:
            yield line + 1, row
            line = reader.line_num
    except csv.Error:
        yield line + 1, None


def run_resolve(
    input_path: Path,
    config_path: Path,
    output: Path | None,
    *,
    explain: tuple[str, str] | None = None,
    stdout: IO[str],
    stderr: IO[str],
    progress: Progress | None = None,
    chunk_size: int = 1000,
    force: bool = False,
    model_path: Path | None = None,
    save_model_path: Path | None = None,
    pairs_path: Path | None = None,
    max_reported: int = 20,
) -> int:
    """Resolve ``input_path`` as ``config_path`` says; return the exit status.

    Each bad row or value is counted; the first ``max_reported`` are printed on
    ``stderr`` (all of them with 0), then one line says how many more there are.

    ``model_path`` names a model file to score with (instead of building one from the
    ``[model]`` table); ``save_model_path`` where to save the model used;
    ``pairs_path`` where to write every candidate pair with its probability. No output is
    ever one of the inputs, nor two outputs one file, and an existing file is replaced only
    with ``force``.
    """
    progress = progress or Progress(stderr)
    inputs = [input_path, config_path, *([model_path] if model_path is not None else [])]
    try:
        config = load_config(config_path)
    except ConfigurationError as error:
        print(f"omnicontact resolve: {error}", file=stderr)
        return EXIT_USAGE
    outputs = [path for path in (output, save_model_path, pairs_path) if path is not None]
    for index, path in enumerate(outputs):
        problem = output_problem(path, (*inputs, *outputs[:index]), force=force)
        if problem is not None:
            print(f"omnicontact resolve: {path}: {problem}", file=stderr)
            return EXIT_USAGE
    loaded = None
    if model_path is not None:
        try:
            loaded = load_model(model_path)
        except OSError as error:
            print(
                f"omnicontact resolve: --model: {model_path}: cannot be read ({error.strerror})",
                file=stderr,
            )
            return EXIT_USAGE
        except SerializationError as error:
            print(f"omnicontact resolve: --model: {error}", file=stderr)
            return EXIT_USAGE
    bad: list[_BadRow] = []

    def report(row: _BadRow) -> None:
        bad.append(row)
        if max_reported and len(bad) > max_reported:
            return
        action = "row skipped" if row.skipped else "value ignored"
        print(f"{input_path}:{row.line}: {row.column}: {row.reason} ({action})", file=stderr)

    try:
        records = _read_rows(input_path, config, progress, report)
    except InvalidValueError as error:
        print(f"omnicontact resolve: {error.field}: {error.reason}", file=stderr)
        return EXIT_USAGE
    if max_reported and len(bad) > max_reported:
        more = len(bad) - max_reported
        print(
            f"{input_path}: {more:,} more bad rows or values, counted but not printed "
            "(--max-reported 0 prints them all)",
            file=stderr,
        )
    if explain is not None:
        known = {record.id for record in records}
        unknown = [record_id for record_id in explain if record_id not in known]
        if unknown:
            skipped_rows = sum(row.skipped for row in bad)
            hint = f" ({skipped_rows} rows were skipped)" if skipped_rows else ""
            print(
                f"omnicontact resolve: --explain: no record {unknown[0]!r} in {input_path}{hint}",
                file=stderr,
            )
            return EXIT_USAGE
    model = loaded if loaded is not None else _build_model(config, records, progress, stderr)
    if loaded is not None:
        print(f"train: the model of {model_path} is used ([model] is not)", file=stderr)
    resolver = Resolver(model=model)
    progress.start("resolve")
    for start in range(0, len(records), chunk_size):
        resolver.resolve_many(records[start : start + chunk_size], reason="omnicontact resolve")
        if start + chunk_size < len(records):
            progress.update(start + chunk_size, len(records))
    progress.update(len(records), len(records), final=True)
    if output is not None:
        try:
            with output.open("w", newline="", encoding="utf-8") as stream:
                writer = csv.writer(stream)
                writer.writerow(["record_id", "customer_id"])
                for record in records:
                    writer.writerow([record.id, resolver.customer_of(record.id)])
        except OSError as error:
            print(f"omnicontact resolve: {output}: cannot be written ({error})", file=stderr)
            return EXIT_USAGE
    if save_model_path is not None:
        try:
            save_model(model, save_model_path)
        except OSError as error:
            print(
                f"omnicontact resolve: {save_model_path}: cannot be written ({error})", file=stderr
            )
            return EXIT_USAGE
    if pairs_path is not None:
        try:
            written = _write_pairs(resolver, pairs_path)
        except OSError as error:
            print(f"omnicontact resolve: {pairs_path}: cannot be written ({error})", file=stderr)
            return EXIT_USAGE
        print(f"pairs: wrote {written:,} scored candidate pairs to {pairs_path}", file=stderr)
    customers = len(resolver.customers())
    skipped = sum(row.skipped for row in bad)
    print(
        f"resolved {len(records):,} records into {customers:,} customers; "
        f"{len(resolver.possible_matches()):,} possible matches to review; "
        f"{skipped:,} bad rows skipped"
        + (f", {len(bad) - skipped:,} bad values ignored" if len(bad) > skipped else ""),
        file=stderr,
    )
    if explain is not None:
        try:
            print(resolver.explain(*explain).text(), file=stdout)
        except OmnicontactError as error:
            hint = f" ({skipped} rows were skipped)" if skipped else ""
            print(f"omnicontact resolve: --explain: {error}{hint}", file=stderr)
            return EXIT_USAGE
    return EXIT_ROWS_SKIPPED if skipped else EXIT_OK


def _build_model(
    config: ResolveConfig, records: list[Record], progress: Progress, stderr: IO[str]
) -> MatchModel:
    """The model the ``[model]`` table makes for ``records``, saying how on ``stderr``."""
    started = progress.clock()
    model = config.model.build(records)
    if config.model.estimates(records):
        print(
            f"train: estimated the model from {len(records):,} records "
            f"({progress.clock() - started:.1f}s)",
            file=stderr,
        )
    elif config.model.estimate:
        print(
            f"train: {len(records):,} records are fewer than estimate_min_records "
            f"({config.model.estimate_min_records:,}): the configured model is used",
            file=stderr,
        )
    return model


def _write_pairs(resolver: Resolver, path: Path) -> int:
    """Write every candidate pair, scored, as ``PAIR_COLUMNS`` rows; return how many."""
    written = 0
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(PAIR_COLUMNS)
        for pair in resolver.candidate_pairs():
            writer.writerow(
                [
                    pair.left,
                    pair.right,
                    repr(pair.probability),
                    repr(pair.weight),
                    pair.outcome.value,
                    pair.rule or "",
                    ";".join(pair.vetoes),
                ]
            )
            written += 1
    return written


PAIR_COLUMNS = ("left", "right", "probability", "weight", "outcome", "rule", "vetoes")
"""The columns of the scored pairs file ``--pairs`` writes (``omnicontact evaluate`` reads
it)."""


def add_resolve_parser(commands: Any) -> None:
    """Add the ``resolve`` sub-command to the ``omnicontact`` parser's ``commands``."""
    resolve = commands.add_parser(
        "resolve",
        help="resolve a CSV of records into customers: record_id,customer_id rows",
        description=(
            "Resolve the records of a CSV file into customers and write record_id,customer_id "
            "rows. Exit status: 0 all rows resolved, 1 some rows skipped (reported on stderr), "
            "2 usage, configuration or input error."
        ),
    )
    resolve.add_argument("input", type=Path, help="the CSV file of records (UTF-8, a header row)")
    resolve.add_argument(
        "--config", type=Path, required=True, help="the TOML file mapping columns to identifiers"
    )
    resolve.add_argument(
        "--output",
        type=Path,
        help="where to write record_id,customer_id rows (required unless --explain is given)",
    )
    resolve.add_argument(
        "--force",
        action="store_true",
        help="replace --output, --save-model or --pairs if they exist (never an input)",
    )
    resolve.add_argument(
        "--explain",
        nargs=2,
        metavar=("A", "B"),
        help="print why records A and B (by record id) are or are not one customer",
    )
    resolve.add_argument(
        "--progress-interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="seconds between progress lines on stderr (default 1; 0: after every chunk)",
    )
    resolve.add_argument("--quiet", action="store_true", help="print no progress lines")
    resolve.add_argument(
        "--max-reported",
        type=int,
        default=20,
        metavar="N",
        help="print the first N bad rows or values (default 20; 0: all); all are counted",
    )
    resolve.add_argument(
        "--model",
        type=Path,
        metavar="MODEL.json",
        help="score with this saved model (from --save-model) instead of the [model] table",
    )
    resolve.add_argument(
        "--save-model",
        type=Path,
        metavar="MODEL.json",
        help="save the model used (estimated or configured) to this file, for --model",
    )
    resolve.add_argument(
        "--pairs",
        type=Path,
        metavar="PAIRS.csv",
        help=(
            "write every candidate pair with its match probability, for omnicontact "
            "evaluate's threshold sweep and blocking recall"
        ),
    )


def run_resolve_command(args: Any, stdout: IO[str], stderr: IO[str]) -> int:
    """Run ``omnicontact resolve`` with parsed ``args``."""
    if args.output is None and args.explain is None:
        print("omnicontact resolve: --output is required unless --explain is given", file=stderr)
        return EXIT_USAGE
    if args.progress_interval < 0:
        print("omnicontact resolve: --progress-interval must not be negative", file=stderr)
        return EXIT_USAGE
    if args.max_reported < 0:
        print("omnicontact resolve: --max-reported must not be negative", file=stderr)
        return EXIT_USAGE
    return run_resolve(
        args.input,
        args.config,
        args.output,
        explain=tuple(args.explain) if args.explain else None,
        stdout=stdout,
        stderr=stderr,
        progress=Progress(stderr, interval=args.progress_interval, enabled=not args.quiet),
        force=args.force,
        model_path=args.model,
        save_model_path=args.save_model,
        pairs_path=args.pairs,
        max_reported=args.max_reported,
    )
