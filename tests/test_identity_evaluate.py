"""Tests for :func:`omnicontact.identity.evaluate`: accuracy against the user's labels."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _stores import KINDS, close, new_store
from omnicontact import Normalizer
from omnicontact.exceptions import InvalidValueError
from omnicontact.identity import (
    Outcome,
    PairEvidence,
    Record,
    Resolver,
    evaluate,
)
from omnicontact.testing import synthetic_population


def _pair(
    left: str,
    right: str,
    probability: float,
    rule: str | None = None,
    vetoes: tuple[str, ...] = (),
) -> PairEvidence:
    return PairEvidence(
        vetoes=vetoes,
        left=left,
        right=right,
        outcome=Outcome.MATCH if probability >= 0.95 else Outcome.NON_MATCH,
        weight=0.0 if probability in (0.0, 1.0) else math.log2(probability / (1 - probability)),
        probability=probability,
        rule=rule,
    )


# Five records of two people: {a, b, c} and {d, e}. The clustering joins a-b, and c-d.
TRUTH = {"a": "P", "b": "P", "c": "P", "d": "Q", "e": "Q"}
CLUSTERS = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3"}


class TestHandComputed:
    def test_pairwise_scores(self) -> None:
        """Predicted pairs ab, cd; true pairs ab, ac, bc, de: precision 1/2, recall 1/4."""
        report = evaluate(CLUSTERS, truth=TRUTH)
        assert (report.predicted_pairs, report.true_pairs) == (2, 4)
        assert report.pairwise.precision == pytest.approx(1 / 2)
        assert report.pairwise.recall == pytest.approx(1 / 4)
        assert report.pairwise.f1 == pytest.approx(2 * (1 / 2) * (1 / 4) / (1 / 2 + 1 / 4))

    def test_bcubed_scores(self) -> None:
        """B-cubed averages per record: precision (1+1+1/2+1/2+1)/5, recall
        (2/3+2/3+1/3+1/2+1/2)/5."""
        bcubed = evaluate(CLUSTERS, truth=TRUTH).bcubed
        assert bcubed is not None
        assert bcubed.precision == pytest.approx(4 / 5)
        assert bcubed.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 / 2 + 1 / 2) / 5)

    def test_true_pairs_are_the_same_labels_as_cluster_ids(self) -> None:
        """Listing every true pair gives the report the cluster ids give (closure of pairs)."""
        by_pairs = evaluate(CLUSTERS, true_pairs=[("a", "b"), ("b", "c"), ("d", "e")])
        assert by_pairs == evaluate(CLUSTERS, truth=TRUTH)

    def test_labelled_pairs_score_only_those_pairs(self) -> None:
        """With labelled pairs, precision and recall count the labelled pairs; no B-cubed."""
        labelled = [("a", "b", True), ("c", "d", False), ("a", "c", True), ("b", "e", False)]
        report = evaluate(CLUSTERS, labelled_pairs=labelled)
        # found: a-b (true), c-d (false); missed: a-c
        assert report.pairwise.precision == pytest.approx(1 / 2)
        assert report.pairwise.recall == pytest.approx(1 / 2)
        assert report.bcubed is None
        assert (report.true_pairs, report.predicted_pairs, report.records) == (2, 2, 5)

    def test_a_record_missing_from_the_clustering_is_alone(self) -> None:
        """A labelled record that the clustering lacks (a skipped row) loses its true pairs."""
        report = evaluate({"a": "1"}, truth={"a": "P", "b": "P"})
        assert report.pairwise.recall == 0.0
        assert report.pairwise.precision == 1.0  # nothing was wrongly joined

    def test_records_without_labels_are_counted_not_scored(self) -> None:
        """Records of the clustering the truth does not name are left out, and counted."""
        report = evaluate({"a": "1", "b": "1", "z": "1"}, truth={"a": "P", "b": "P"})
        assert report.pairwise.precision == 1.0
        assert (report.records, report.unscored) == (2, 1)

    def test_threshold_sweep_joins_pairs_at_or_above_each_threshold(self) -> None:
        """At 0.5 the a-b and a-c pairs join; at 0.9 only a-b; a fired rule joins d-e at any
        threshold."""
        pairs = [
            _pair("a", "b", 0.95),
            _pair("a", "c", 0.6),
            _pair("c", "d", 0.1),
            _pair("d", "e", 0.01, rule="same_email"),
        ]
        report = evaluate(CLUSTERS, truth=TRUTH, pairs=pairs, thresholds=[0.9, 0.5, 0.05])
        assert [point.threshold for point in report.sweep] == [0.05, 0.5, 0.9]
        low, middle, high = report.sweep
        assert low.predicted_pairs == 10  # everyone joined through c-d
        assert low.pairwise.recall == 1.0
        assert low.pairwise.precision == pytest.approx(4 / 10)
        assert middle.predicted_pairs == 4  # {a, b, c} and {d, e}
        assert middle.pairwise.precision == middle.pairwise.recall == 1.0
        assert high.predicted_pairs == 2  # a-b and d-e
        assert high.pairwise.recall == pytest.approx(2 / 4)

    def test_a_vetoed_pair_is_never_joined_by_the_sweep(self) -> None:
        """A pair a veto rules out (clearly different given names) stays apart at every
        threshold, however probable, and whatever rule fired; it is still a candidate pair."""
        pairs = [
            _pair("a", "b", 0.999, vetoes=("name:different",)),
            _pair("d", "e", 0.999, rule="same_phone", vetoes=("name:different",)),
        ]
        report = evaluate(CLUSTERS, truth=TRUTH, pairs=pairs, thresholds=[0.0, 0.5])
        assert [point.predicted_pairs for point in report.sweep] == [0, 0]
        assert report.blocking is not None
        assert report.blocking.direct == pytest.approx(2 / 4)

    def test_blocking_recall_direct_and_through_chains(self) -> None:
        """True pairs ab, ac, bc, de; candidates a-b, b-c, c-d: direct 2/4 (ab, bc), connected
        3/4 (ac through b; de not at all)."""
        pairs = [_pair("a", "b", 0.9), _pair("c", "b", 0.2), _pair("c", "d", 0.1)]
        blocking = evaluate(CLUSTERS, truth=TRUTH, pairs=pairs).blocking
        assert blocking is not None
        assert blocking.true_pairs == 4
        assert blocking.direct == pytest.approx(2 / 4)
        assert blocking.connected == pytest.approx(3 / 4)

    def test_text_lists_every_figure(self) -> None:
        """The report's text holds the pairwise, B-cubed, blocking and sweep lines."""
        text = evaluate(
            CLUSTERS, truth=TRUTH, pairs=[_pair("a", "b", 0.9)], thresholds=[0.5]
        ).text()
        assert "pairwise      0.5000     0.2500  0.3333" in text
        assert "B-cubed       0.8000" in text
        assert "blocking recall: 0.2500 of 4 true pairs" in text
        assert text.splitlines()[-1].startswith("0.5 ")


class TestArguments:
    def test_exactly_one_kind_of_label(self) -> None:
        """Giving no labels, or two kinds, is an InvalidValueError."""
        with pytest.raises(InvalidValueError, match="exactly one"):
            evaluate(CLUSTERS)
        with pytest.raises(InvalidValueError, match="exactly one"):
            evaluate(CLUSTERS, truth=TRUTH, true_pairs=[])

    @pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan"), "0.5", True])
    def test_thresholds_must_be_probabilities(self, threshold: object) -> None:
        """A threshold outside [0, 1] (or not a number) is refused."""
        with pytest.raises(InvalidValueError, match="probability"):
            evaluate(CLUSTERS, truth=TRUTH, thresholds=[threshold])  # type: ignore[list-item]

    def test_a_chart_needs_a_sweep(self, tmp_path: object) -> None:
        """save_chart without scored pairs is an InvalidValueError, not an empty chart."""
        with pytest.raises(InvalidValueError, match="sweep"):
            evaluate(CLUSTERS, truth=TRUTH).save_chart("unused.png")

    def test_chart_is_drawn(self, tmp_path: pytest.TempPathFactory) -> None:
        """With matplotlib, save_chart writes a PNG image."""
        pytest.importorskip("matplotlib")
        path = tmp_path / "chart.png"  # type: ignore[operator]
        report = evaluate(CLUSTERS, truth=TRUTH, pairs=[_pair("a", "b", 0.9)])
        report.save_chart(path)
        assert path.read_bytes().startswith(b"\x89PNG")


# ------------------------------------------------------------------------------ properties

ids = st.sampled_from("abcdefghij")
labelling = st.dictionaries(ids, st.sampled_from("PQRS"), min_size=1)


def _relabel(mapping: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    return {record: names[cluster] for record, cluster in mapping.items()}


class TestProperties:
    @given(labelling)
    def test_perfect_clustering_scores_one(self, truth: dict[str, str]) -> None:
        """A clustering equal to the truth (under any cluster names) scores 1.0 everywhere."""
        clusters = _relabel(truth, {name: f"cus_{name}" for name in "PQRS"})
        report = evaluate(clusters, truth=truth)
        assert report.pairwise.precision == report.pairwise.recall == report.pairwise.f1 == 1.0
        assert report.bcubed is not None
        assert report.bcubed.precision == report.bcubed.recall == report.bcubed.f1 == 1.0

    @given(labelling, st.data())
    def test_swapping_clustering_and_truth_swaps_precision_and_recall(
        self, truth: dict[str, str], data: st.DataObject
    ) -> None:
        """Precision of A against B is recall of B against A, pairwise and B-cubed (F1 is
        symmetric)."""
        clusters = {r: data.draw(st.sampled_from("WXYZ"), label=r) for r in sorted(truth)}
        one, other = evaluate(clusters, truth=truth), evaluate(truth, truth=clusters)
        assert one.pairwise.precision == pytest.approx(other.pairwise.recall)
        assert one.pairwise.recall == pytest.approx(other.pairwise.precision)
        assert one.pairwise.f1 == pytest.approx(other.pairwise.f1)
        assert one.bcubed is not None
        assert other.bcubed is not None
        assert one.bcubed.precision == pytest.approx(other.bcubed.recall)
        assert one.bcubed.f1 == pytest.approx(other.bcubed.f1)

    @given(labelling, st.data())
    def test_bcubed_bounds(self, truth: dict[str, str], data: st.DataObject) -> None:
        """B-cubed scores lie in (0, 1]; all singletons have precision 1, one cluster of
        everything has recall 1; each record's own overlap bounds them from below by 1/n."""
        n = len(truth)
        clusters = {r: data.draw(st.sampled_from("WXYZ"), label=r) for r in sorted(truth)}
        bcubed = evaluate(clusters, truth=truth).bcubed
        assert bcubed is not None
        for value in (bcubed.precision, bcubed.recall, bcubed.f1):
            assert 1 / n - 1e-12 <= value <= 1.0
        singletons = evaluate({r: r for r in truth}, truth=truth).bcubed
        assert singletons is not None
        assert singletons.precision == 1.0
        lumped = evaluate(dict.fromkeys(truth, "all"), truth=truth).bcubed
        assert lumped is not None
        assert lumped.recall == 1.0

    @given(labelling, st.data())
    def test_every_pair_labelled_gives_the_complete_pairwise_scores(
        self, truth: dict[str, str], data: st.DataObject
    ) -> None:
        """Labelling every pair of records gives the pairwise scores the cluster ids give."""
        clusters = {r: data.draw(st.sampled_from("WXYZ"), label=r) for r in sorted(truth)}
        labelled = [
            (a, b, truth[a] == truth[b]) for a, b in itertools.combinations(sorted(truth), 2)
        ]
        full = evaluate(clusters, truth=truth)
        sample = evaluate(clusters, labelled_pairs=labelled)
        assert sample.pairwise == full.pairwise
        assert (sample.true_pairs, sample.predicted_pairs) == (
            full.true_pairs,
            full.predicted_pairs,
        )

    @given(labelling, st.lists(st.tuples(ids, ids, st.floats(0, 1)), max_size=12))
    def test_sweep_recall_never_rises_with_the_threshold(
        self, truth: dict[str, str], raw: list[tuple[str, str, float]]
    ) -> None:
        """A higher threshold joins fewer pairs: predicted pairs and recall never rise, and
        blocking recall bounds the recall at every threshold."""
        pairs = [_pair(a, b, p) for a, b, p in raw if a != b]
        report = evaluate(truth, truth=truth, pairs=pairs)
        recalls = [point.pairwise.recall for point in report.sweep]
        counts = [point.predicted_pairs for point in report.sweep]
        assert recalls == sorted(recalls, reverse=True)
        assert counts == sorted(counts, reverse=True)
        assert report.blocking is not None
        assert report.blocking.direct <= report.blocking.connected
        assert all(recall <= report.blocking.connected + 1e-12 for recall in recalls)


class TestCandidatePairs:
    @pytest.mark.parametrize("kind", KINDS)
    def test_every_candidate_pair_once_and_the_kept_ones_as_kept(self, kind: str) -> None:
        """Resolver.candidate_pairs yields each pair once, left < right, and every pair the
        resolver kept (matches, possible matches, related) with the evidence it kept, in
        every kind of store."""
        population = synthetic_population(60, seed=3)
        store = new_store(kind)
        try:
            resolver = Resolver(store=store)
            resolver.resolve_many(population.records)
            pairs = list(resolver.candidate_pairs())
            kept = list(resolver.store.all_edges())
        finally:
            close(store)
        assert all(pair.left < pair.right for pair in pairs)
        assert len({pair.pair for pair in pairs}) == len(pairs)
        by_pair = {pair.pair: pair for pair in pairs}
        assert kept
        for edge in kept:
            pair = by_pair[edge.pair]
            assert (pair.outcome, pair.rule, pair.comparisons) == (
                edge.outcome,
                edge.rule,
                edge.comparisons,
            )
            assert pair.probability == pytest.approx(edge.probability)
        assert len(pairs) > len(kept)  # the unrelated non-matches are scored too

    def test_the_sweep_at_the_match_threshold_holds_the_resolvers_clusters(self) -> None:
        """Joining the candidate pairs at the model's match threshold joins every pair the
        resolver joined (it splits those components further, with its guards and vetoes),
        so the sweep's recall there is at least the resolver's."""
        population = synthetic_population(60, seed=5)
        resolver = Resolver()
        resolver.resolve_many(population.records)
        clusters = {r.id: resolver.customer_of(r.id) for r in population.records}
        report = evaluate(
            clusters,
            truth=population.truth,
            pairs=resolver.candidate_pairs(),
            thresholds=[resolver.model.match_threshold],
        )
        (point,) = report.sweep
        assert point.predicted_pairs >= report.predicted_pairs
        assert point.pairwise.recall >= report.pairwise.recall
        # the resolver's own pairs are among the joined pairs': measured against the
        # components of the joined pairs, the resolver's clustering is perfectly precise
        parent = {r.id: r.id for r in population.records}

        def root(item: str) -> str:
            while parent[item] != item:
                item = parent[item]
            return item

        for pair in resolver.candidate_pairs():
            joined = pair.rule is not None or pair.probability >= resolver.model.match_threshold
            if joined and not pair.vetoes:
                parent[root(pair.left)] = root(pair.right)
        components = {record_id: root(record_id) for record_id in parent}
        assert evaluate(clusters, truth=components).pairwise.precision == 1.0


class TestExplanationChart:
    def test_waterfall_is_drawn(self, tmp_path: Path) -> None:
        """With matplotlib, an explanation's weights are drawn as a PNG waterfall."""
        pytest.importorskip("matplotlib")
        population = synthetic_population(60, seed=4, max_records_per_person=3)
        resolver = Resolver()
        resolver.resolve_many(population.records)
        first, second = population.records[:2]
        path = tmp_path / "waterfall.png"
        resolver.explain(first.id, second.id).save_chart(path)
        assert path.read_bytes().startswith(b"\x89PNG")

    def test_a_rule_alone_has_no_waterfall(self, tmp_path: Path) -> None:
        """A pair decided by a rule, with no comparison scored, is an InvalidValueError."""
        normalizer = Normalizer()
        at = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        email = normalizer.email("ann@example.org")
        a = Record(id="a", source="web", observed_at=at, identifiers=[email])
        b = Record(id="b", source="shop", observed_at=at, identifiers=[email])
        resolver = Resolver()
        resolver.resolve_many([a, b])
        with pytest.raises(InvalidValueError, match="comparisons"):
            resolver.explain("a", "b").save_chart(tmp_path / "unused.png")
        assert not (tmp_path / "unused.png").exists()
