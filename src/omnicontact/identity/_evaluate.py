"""Accuracy against the user's own labels: pairwise and B-cubed scores, a threshold sweep
and blocking recall.

The clustering to judge maps record ids to customer ids (what ``omnicontact resolve``
writes). The labels are one of:

* ``truth``: every record's true cluster id (a column of a file the user labelled);
* ``true_pairs``: every pair of records that are one person, all others being different
  people (the closure of the pairs gives the true clusters);
* ``labelled_pairs``: some pairs, each labelled same or different (a sample reviewed by
  hand). Only those pairs are scored, so B-cubed, which needs every record's true
  cluster, is not given.

With complete labels, a record the labels name but the clustering lacks (a row that could
not be read) counts as a customer of its own, so its true pairs count as missed; a record
the clustering has but the labels lack is not scored.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from ..exceptions import InvalidValueError
from ._fellegi_sunter import PairEvidence

__all__ = [
    "DEFAULT_THRESHOLDS",
    "AccuracyReport",
    "BlockingRecall",
    "Scores",
    "ThresholdScores",
    "evaluate",
    "partition_scores",
]

DEFAULT_THRESHOLDS = (
    0.01,
    0.05,
    0.1,
    0.2,
    0.3,
    0.4,
    0.5,
    0.6,
    0.7,
    0.8,
    0.9,
    0.95,
    0.99,
    0.999,
)
"""The probabilities :func:`evaluate` sweeps unless told otherwise."""


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@attrs.frozen(kw_only=True)
class Scores:
    """Precision, recall and their harmonic mean (F1), each in [0, 1]."""

    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, precision: float, recall: float) -> Scores:
        return cls(precision=precision, recall=recall, f1=_f1(precision, recall))


@attrs.frozen(kw_only=True)
class ThresholdScores:
    """Pairwise scores of the clusters made by joining every pair at ``threshold``
    probability or above (or whose deterministic rule fired), but vetoed pairs."""

    threshold: float
    pairwise: Scores
    predicted_pairs: int


@attrs.frozen(kw_only=True)
class BlockingRecall:
    """How many true pairs blocking lets the resolver see.

    ``direct`` is the share of true pairs that are candidate pairs themselves;
    ``connected`` the share whose two records are joined by a chain of candidate pairs
    (the most any clustering of those pairs could find).
    """

    true_pairs: int
    direct: float
    connected: float


@attrs.frozen(kw_only=True)
class AccuracyReport:
    """What :func:`evaluate` measured.

    ``records`` is the number of records scored, ``true_pairs`` and ``predicted_pairs``
    count the pairs the labels and the clustering put together (with labelled pairs: among
    the labelled pairs). ``bcubed`` is ``None`` with labelled pairs; ``sweep`` and
    ``blocking`` are empty / ``None`` without scored pairs.
    """

    records: int
    true_pairs: int
    predicted_pairs: int
    pairwise: Scores
    bcubed: Scores | None
    sweep: tuple[ThresholdScores, ...] = ()
    blocking: BlockingRecall | None = None
    unscored: int = 0
    """Records of the clustering the labels say nothing about (not scored)."""

    def text(self) -> str:
        """The report as lines of text, as ``omnicontact evaluate`` prints it."""
        lines = [
            f"records scored: {self.records:,}; true pairs: {self.true_pairs:,}; "
            f"predicted pairs: {self.predicted_pairs:,}"
        ]
        if self.unscored:
            lines.append(f"records without a label (not scored): {self.unscored:,}")
        lines.append("              precision  recall  F1")
        lines.append(_row("pairwise", self.pairwise))
        if self.bcubed is not None:
            lines.append(_row("B-cubed", self.bcubed))
        else:
            lines.append("B-cubed       (needs every record's true cluster, not labelled pairs)")
        if self.blocking is not None:
            lines.append(
                f"blocking recall: {self.blocking.direct:.4f} of {self.blocking.true_pairs:,} "
                f"true pairs are candidate pairs, {self.blocking.connected:.4f} are "
                "connected through candidate pairs"
            )
        if self.sweep:
            lines.append("threshold  precision  recall  F1      predicted pairs")
            for point in self.sweep:
                scores = point.pairwise
                lines.append(
                    f"{point.threshold:<9}  {scores.precision:.4f}     {scores.recall:.4f}  "
                    f"{scores.f1:.4f}  {point.predicted_pairs:,}"
                )
        return "\n".join(lines)

    def save_chart(self, path: str | os.PathLike[str]) -> None:
        """Draw pairwise precision and recall against the threshold (the sweep) to ``path``
        (PNG, SVG or PDF, by its suffix). Needs the ``chart`` extra (matplotlib).

        Raises :class:`~omnicontact.exceptions.InvalidValueError` when the report has no
        sweep (it was made without scored pairs).
        """
        if not self.sweep:
            raise InvalidValueError("sweep", (), "a chart needs the scored pairs' sweep")
        try:
            from matplotlib.figure import Figure
        except ImportError:
            raise ModuleNotFoundError(
                "a chart needs matplotlib: pip install 'omnicontact[chart]'", name="matplotlib"
            ) from None
        # A Figure of its own, without pyplot: nothing global is switched in the host.
        figure = Figure(figsize=(6.4, 4.0), layout="constrained")
        axes = figure.add_subplot()
        thresholds = [point.threshold for point in self.sweep]
        for label, values in (
            ("precision", [point.pairwise.precision for point in self.sweep]),
            ("recall", [point.pairwise.recall for point in self.sweep]),
            ("F1", [point.pairwise.f1 for point in self.sweep]),
        ):
            axes.plot(thresholds, values, marker="o", label=label)
        axes.set_xlabel("match probability threshold")
        axes.set_ylabel("pairwise score")
        axes.set_xlim(0.0, 1.0)
        axes.grid(True, alpha=0.3)
        axes.legend()
        figure.savefig(path)


def _row(name: str, scores: Scores) -> str:
    return f"{name:<12}  {scores.precision:.4f}     {scores.recall:.4f}  {scores.f1:.4f}"


def _pairs_in(size: int) -> int:
    return size * (size - 1) // 2


@attrs.frozen(kw_only=True)
class _Contingency:
    """How many records each (predicted, true) cluster pair holds, and the cluster sizes."""

    cells: Counter[tuple[Hashable, Hashable]]
    predicted: Counter[Hashable]
    true: Counter[Hashable]

    @classmethod
    def of(cls, predicted: Mapping[str, Hashable], truth: Mapping[str, Hashable]) -> _Contingency:
        """Over the records of ``truth``; one missing from ``predicted`` is alone."""
        cells: Counter[tuple[Hashable, Hashable]] = Counter()
        for record_id, person in truth.items():
            cluster = predicted.get(record_id, ("alone", record_id))
            cells[cluster, person] += 1
        predicted_sizes: Counter[Hashable] = Counter()
        true_sizes: Counter[Hashable] = Counter()
        for (cluster, person), count in cells.items():
            predicted_sizes[cluster] += count
            true_sizes[person] += count
        return cls(cells=cells, predicted=predicted_sizes, true=true_sizes)

    def pair_counts(self) -> tuple[int, int, int]:
        """(pairs found that are true, predicted pairs, true pairs)."""
        hit = sum(_pairs_in(count) for count in self.cells.values())
        return (
            hit,
            sum(_pairs_in(size) for size in self.predicted.values()),
            sum(_pairs_in(size) for size in self.true.values()),
        )

    def pairwise(self) -> Scores:
        hit, predicted, true = self.pair_counts()
        return Scores.of(hit / predicted if predicted else 1.0, hit / true if true else 1.0)

    def bcubed(self) -> Scores:
        n = sum(self.cells.values())
        if not n:
            return Scores.of(1.0, 1.0)
        precision = recall = 0.0
        for (cluster, person), count in self.cells.items():
            precision += count * count / self.predicted[cluster]
            recall += count * count / self.true[person]
        return Scores.of(precision / n, recall / n)


def partition_scores(
    predicted: Mapping[str, Hashable], truth: Mapping[str, Hashable]
) -> tuple[Scores, Scores, int, int]:
    """Pairwise and B-cubed scores of ``predicted`` (record id → cluster) against ``truth``
    (record id → true cluster), with the predicted and true pair counts."""
    table = _Contingency.of(predicted, truth)
    _, predicted_pairs, true_pairs = table.pair_counts()
    return table.pairwise(), table.bcubed(), predicted_pairs, true_pairs


class _Components:
    """Union-find over record ids."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self._parent
        root = parent.setdefault(item, item)
        while root != parent[root]:
            root = parent[root]
        while item != root:
            parent[item], item = root, parent[item]
        return root

    def join(self, left: str, right: str) -> None:
        a, b = self.find(left), self.find(right)
        if a != b:
            self._parent[max(a, b)] = min(a, b)

    def of(self, ids: Iterable[str]) -> dict[str, str]:
        return {item: self.find(item) for item in ids}


def _check_probability(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise InvalidValueError("thresholds", value, "must be a probability in [0, 1]")
    if not 0.0 <= value <= 1.0:
        raise InvalidValueError("thresholds", value, "must be a probability in [0, 1]")
    return float(value)


def evaluate(
    clusters: Mapping[str, str],
    *,
    truth: Mapping[str, Hashable] | None = None,
    true_pairs: Iterable[tuple[str, str]] | None = None,
    labelled_pairs: Iterable[tuple[str, str, bool]] | None = None,
    pairs: Iterable[PairEvidence] | None = None,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
) -> AccuracyReport:
    """Measure ``clusters`` (record id → customer id) against the user's labels.

    Give exactly one of ``truth`` (record id → true cluster id), ``true_pairs`` (every pair
    of one person; the others are different people) or ``labelled_pairs`` (``(left, right,
    same)`` for a sample of pairs). ``pairs`` are the scored candidate pairs (as
    :meth:`Resolver.candidate_pairs` yields them): with them the report adds the pairwise
    scores at each of ``thresholds`` — clusters made by joining every pair at that
    probability or above, or whose deterministic rule fired, but pairs a veto rules out;
    without the guards, and without the vetoes' hold on chains of pairs, that the resolver
    applies — and blocking recall.

    >>> report = evaluate({"a": "c1", "b": "c1", "c": "c2"}, truth={"a": 1, "b": 1, "c": 1})
    >>> report.pairwise.precision, round(report.pairwise.recall, 3)
    (1.0, 0.333)
    """
    given = [item is not None for item in (truth, true_pairs, labelled_pairs)]
    if sum(given) != 1:
        raise InvalidValueError(
            "labels", sum(given), "give exactly one of truth, true_pairs or labelled_pairs"
        )
    levels = tuple(sorted({_check_probability(t) for t in thresholds}))
    scored = None if pairs is None else list(pairs)
    if labelled_pairs is not None:
        return _evaluate_labelled(clusters, list(labelled_pairs), scored, levels)
    if true_pairs is not None:
        joined = _Components()
        listed: set[str] = set()
        for left, right in true_pairs:
            joined.join(left, right)
            listed.update((left, right))
        truth = joined.of(listed | set(clusters))
    assert truth is not None
    table = _Contingency.of(clusters, truth)
    _, predicted_pairs, true_count = table.pair_counts()
    report = AccuracyReport(
        records=len(truth),
        true_pairs=true_count,
        predicted_pairs=predicted_pairs,
        pairwise=table.pairwise(),
        bcubed=table.bcubed(),
        unscored=len(clusters.keys() - truth.keys()),
    )
    if scored is None:
        return report

    def score(components: _Components) -> tuple[Scores, int]:
        at = _Contingency.of(components.of(truth), truth)
        return at.pairwise(), at.pair_counts()[1]

    sweep = _sweep(scored, levels, score)
    people: dict[Hashable, list[str]] = {}
    for record_id, person in truth.items():
        people.setdefault(person, []).append(record_id)
    truly = (
        (group[i], group[j])
        for group in people.values()
        for j in range(1, len(group))
        for i in range(j)
    )
    blocking = _blocking_recall(truly, scored)
    return attrs.evolve(report, sweep=sweep, blocking=blocking)


def _sweep(
    scored: Sequence[PairEvidence],
    levels: tuple[float, ...],
    score: Callable[[_Components], tuple[Scores, int]],
) -> tuple[ThresholdScores, ...]:
    """The scores at each threshold of ``levels`` (ascending) of the clusters joining every
    pair at that probability or above, or whose rule fired, but vetoed pairs: the pairs are
    added from the most probable down, so each is joined once whatever the number of
    thresholds."""
    joinable = [pair for pair in scored if not pair.vetoes]  # never one customer
    order = sorted(joinable, key=lambda p: 2.0 if p.rule is not None else p.probability)
    components = _Components()
    found = []
    for threshold in reversed(levels):
        while order and (order[-1].rule is not None or order[-1].probability >= threshold):
            pair = order.pop()
            components.join(pair.left, pair.right)
        scores, predicted = score(components)
        found.append(
            ThresholdScores(threshold=threshold, pairwise=scores, predicted_pairs=predicted)
        )
    return tuple(reversed(found))


def _blocking_recall(
    true_pairs: Iterable[tuple[str, str]], scored: Sequence[PairEvidence]
) -> BlockingRecall:
    candidates = set()
    chains = _Components()
    for pair in scored:
        candidates.add((pair.left, pair.right) if pair.left < pair.right else pair.pair[::-1])
        chains.join(pair.left, pair.right)
    total = direct = connected = 0
    for left, right in true_pairs:
        total += 1
        direct += ((left, right) if left < right else (right, left)) in candidates
        connected += chains.find(left) == chains.find(right)
    if not total:
        return BlockingRecall(true_pairs=0, direct=1.0, connected=1.0)
    return BlockingRecall(true_pairs=total, direct=direct / total, connected=connected / total)


def _evaluate_labelled(
    clusters: Mapping[str, str],
    labelled: list[tuple[str, str, bool]],
    scored: list[PairEvidence] | None,
    levels: tuple[float, ...],
) -> AccuracyReport:
    def counts(same_cluster: Any) -> tuple[int, int, int]:
        found = [same_cluster(left, right) for left, right, _ in labelled]
        hit = sum(f and same for f, (_, _, same) in zip(found, labelled, strict=True))
        return hit, sum(found), sum(same for _, _, same in labelled)

    def scores(hit: int, predicted: int, true: int) -> Scores:
        return Scores.of(hit / predicted if predicted else 1.0, hit / true if true else 1.0)

    def alone(record_id: str) -> Any:
        return clusters.get(record_id, ("alone", record_id))

    hit, predicted, true = counts(lambda a, b: alone(a) == alone(b))
    ids = {record_id for left, right, _ in labelled for record_id in (left, right)}
    report = AccuracyReport(
        records=len(ids),
        true_pairs=true,
        predicted_pairs=predicted,
        pairwise=scores(hit, predicted, true),
        bcubed=None,
        unscored=len(clusters.keys() - ids),
    )
    if scored is None:
        return report

    def score(components: _Components) -> tuple[Scores, int]:
        at = counts(lambda a, b: components.find(a) == components.find(b))
        return scores(*at), at[1]

    sweep = _sweep(scored, levels, score)
    positives = ((left, right) for left, right, same in labelled if same)
    return attrs.evolve(report, sweep=sweep, blocking=_blocking_recall(positives, scored))
