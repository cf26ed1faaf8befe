"""Tests for the invariant checkers and the accuracy measure of ``omnicontact.testing``.

A checker must pass on configurations that keep the guarantee and *fail* on ones that do
not: each broken resolver below breaks exactly one guarantee, the way a real bug would.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from omnicontact import Normalizer
from omnicontact import testing as oct
from omnicontact.exceptions import (
    InvalidValueError,
    InvariantViolationError,
    OmnicontactError,
)
from omnicontact.identity import (
    Event,
    GuardPolicy,
    Judgement,
    MatchModel,
    Record,
    Resolution,
    Resolver,
)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
N = Normalizer(default_region="FR")
TIGHT = MatchModel(guards=GuardPolicy(max_distinct={"email": 1, "phone": 1, "date_of_birth": 1}))
TANGLE = MatchModel(guards=GuardPolicy(max_distinct={"email": 1, "phone": 2, "date_of_birth": 1}))


def clock() -> dt.datetime:
    return T0


def record(record_id: str, *identifiers: Any, minutes: int = 0) -> Record:
    return Record(
        id=record_id,
        source="web",
        observed_at=T0 + dt.timedelta(minutes=minutes),
        identifiers=identifiers,
    )


# Three records of one person, all sharing one e-mail.
SAME_EMAIL = [record(f"r{i}", N.email("ann@mail.fr"), minutes=i) for i in range(3)]


# ----------------------------------------------------------------------- broken resolvers


class FirstRecordBlind(Resolver):
    """Drops the identifiers of the first record it ever sees: arrival order matters."""

    blind = True

    def resolve_many(self, records: Iterable[Record], *, reason: str = "") -> list[Resolution]:
        batch = list(records)
        if self.blind and batch:
            self.blind = False
            batch[0] = attrs.evolve(batch[0], identifiers=())
        return super().resolve_many(batch, reason=reason)


class BatchDropsLast(Resolver):
    """A batch of several records loses the last one's identifiers (an off-by-one)."""

    def resolve_many(self, records: Iterable[Record], *, reason: str = "") -> list[Resolution]:
        batch = list(records)
        if len(batch) > 1:
            batch[-1] = attrs.evolve(batch[-1], identifiers=())
        return super().resolve_many(batch, reason=reason)


class Restamping(Resolver):
    """Stamps each record with its arrival count, so resolving it again updates it."""

    calls = 0

    def resolve_many(self, records: Iterable[Record], *, reason: str = "") -> list[Resolution]:
        self.calls += 1
        batch = [
            attrs.evolve(r, observed_at=r.observed_at + dt.timedelta(seconds=self.calls))
            for r in records
        ]
        return super().resolve_many(batch, reason=reason)


class NotSameMeansSame(Resolver):
    """Records every judgement as "the same"."""

    def judge_records(self, left: str, right: str, *, same: bool, reason: str = "") -> Judgement:
        return super().judge_records(left, right, same=True, reason=reason)


class ClaimsTightGuards(Resolver):
    """Declares tight guards but resolves with the default, looser ones."""

    @property
    def model(self) -> MatchModel:
        return TIGHT


class RemoveForgets(Resolver):
    """Logs the removal of a record but keeps it."""

    def remove_record(self, record_id: str, *, reason: str = "") -> tuple[Event, ...]:
        return ()


class DropsRetiringEvents(Resolver):
    """Loses every event that retires a customer id (merges, splits, renames)."""

    def events(self, *, since: int = 0) -> Sequence[Event]:
        return [e for e in super().events(since=since) if not e.retired]


def factory(cls: type[Resolver], model: MatchModel | None = None) -> Callable[[], Resolver]:
    return lambda: cls(model=model, clock=clock)


def fails(test: Callable[..., None]) -> InvariantViolationError:
    """Run a ``@given`` test that must fail; return the violation it raised."""
    with pytest.raises(InvariantViolationError) as caught:
        test()
    return caught.value


def quiet(test: Callable[..., None]) -> Callable[..., None]:
    """A nested search that keeps no failures in the example database and stops at the
    first failure found (shrinking is checked once, in the order-dependence test)."""
    return settings(database=None, phases=[Phase.generate])(test)


# ------------------------------------------------------------------------ passing checks


@st.composite
def population_and_order(draw: Any, **kwargs: Any) -> tuple[oct.Population, list[Record]]:
    population = draw(oct.populations(**kwargs))
    return population, draw(st.permutations(population.records))


@st.composite
def tangle_and_order(draw: Any) -> tuple[tuple[Record, ...], list[Record]]:
    records = draw(oct.tangled_records(min_size=3, max_size=4))
    return records, draw(st.permutations(records))


class TestCheckersPassOnSoundConfigurations:
    @given(oct.populations(max_size=3), st.data())
    def test_default_model_keeps_every_invariant(
        self, population: oct.Population, data: st.DataObject
    ) -> None:
        """check_invariants passes on the default model, given as a MatchModel."""
        oct.check_invariants(MatchModel(), population.records, data=data)

    @given(oct.populations(max_size=3, household_percent=60), st.data())
    def test_tight_guards_keep_every_invariant(
        self, population: oct.Population, data: st.DataObject
    ) -> None:
        """check_invariants passes on tight guards, given as a resolver factory."""
        oct.check_invariants(factory(Resolver, TIGHT), population.records, data=data)

    @given(oct.tangled_records(max_size=6), st.data())
    def test_tangled_records_keep_every_invariant(
        self, records: tuple[Record, ...], data: st.DataObject
    ) -> None:
        """check_invariants passes on tangled records where guards bind constantly."""
        oct.check_invariants(TANGLE, records, data=data)

    @given(population_and_order(max_size=3))
    def test_single_checkers_pass(self, case: tuple[oct.Population, list[Record]]) -> None:
        """Each checker, called on its own with explicit inputs, passes on the default model."""
        population, order = case
        records = population.records
        make = factory(Resolver)
        oct.check_order_independence(make, records, order)
        oct.check_incremental_equals_batch(make, order)
        oct.check_idempotence(make, order)
        oct.check_guards(make, order)
        oct.check_unmerge_restores(make, order)
        ids = [r.id for r in order]
        oct.check_ids_logged(make, order, removals=ids[::2])
        if len(ids) >= 2:
            oct.check_judgements(make, order, [(ids[0], ids[-1], False)], split=len(ids))


# ------------------------------------------------------------------------ failing checks


class TestCheckersFailOnBrokenResolvers:
    def test_order_dependence_is_caught_and_described(self) -> None:
        """An order-dependent resolver fails order independence, naming records and orders."""
        order = [SAME_EMAIL[1], SAME_EMAIL[0], SAME_EMAIL[2]]
        with pytest.raises(InvariantViolationError) as caught:
            oct.check_order_independence(factory(FirstRecordBlind), SAME_EMAIL, order)
        error = caught.value
        assert error.invariant == "order independence"
        assert set(error.record_ids) == {"r0", "r1", "r2"}
        assert "email=ann@mail.fr" in str(error)
        assert "['r1', 'r0', 'r2']" in str(error)

    def test_order_dependence_is_found_and_shrunk(self) -> None:
        """Inside @given, the order-dependent resolver is caught and shrunk to a few records."""

        @settings(database=None)
        @given(tangle_and_order())
        def test(case: tuple[tuple[Record, ...], list[Record]]) -> None:
            records, order = case
            oct.check_order_independence(factory(FirstRecordBlind), records, order)

        error = fails(test)
        assert error.invariant == "order independence"
        assert 2 <= len(error.record_ids) <= 4

    def test_batch_bug_is_caught(self) -> None:
        """A batch that differs from one-by-one resolution fails incremental = batch."""

        @quiet
        @given(oct.populations(max_size=3))
        def test(population: oct.Population) -> None:
            oct.check_incremental_equals_batch(factory(BatchDropsLast), population.records)

        assert fails(test).invariant == "incremental = batch"

    def test_restamping_is_caught(self) -> None:
        """A resolver that changes a record when it is resolved again fails idempotence."""
        with pytest.raises(InvariantViolationError, match="idempotence") as caught:
            oct.check_idempotence(factory(Restamping), SAME_EMAIL[:1])
        assert caught.value.record_ids == ("r0",)

    def test_ignored_judgements_are_caught(self) -> None:
        """A resolver turning "not the same" into "the same" fails the judgement check."""
        with pytest.raises(InvariantViolationError) as caught:
            oct.check_judgements(factory(NotSameMeansSame), SAME_EMAIL, [("r0", "r2", False)])
        assert caught.value.invariant == "judgements never violated"
        assert set(caught.value.record_ids) == {"r0", "r2"}

        @quiet
        @given(oct.populations(min_size=2, max_size=3), st.data())
        def test(population: oct.Population, data: st.DataObject) -> None:
            oct.check_invariants(factory(NotSameMeansSame), population.records, data=data)

        assert fails(test).invariant == "judgements never violated"

    def test_guards_not_enforced_are_caught(self) -> None:
        """A resolver merging beyond the guards it declares fails the guard check."""
        two_phones = [
            record("a", N.email("ann@mail.fr"), N.phone("0612345678")),
            record("b", N.email("ann@mail.fr"), N.phone("0698765432"), minutes=1),
        ]
        with pytest.raises(InvariantViolationError, match="2 distinct phone") as caught:
            oct.check_guards(factory(ClaimsTightGuards), two_phones)
        assert caught.value.record_ids == ("a", "b")
        # The same check with an explicit stricter policy fails on the sound resolver too.
        with pytest.raises(InvariantViolationError):
            oct.check_guards(factory(Resolver), two_phones, guards=TIGHT.guards)

        @quiet
        @given(oct.populations(max_size=3))
        def test(population: oct.Population) -> None:
            oct.check_guards(factory(ClaimsTightGuards), population.records)

        assert fails(test).invariant == "guards never violated"

    def test_removal_that_forgets_is_caught(self) -> None:
        """A removal that keeps the record fails unmerge restores."""

        @quiet
        @given(oct.populations(max_size=3))
        def test(population: oct.Population) -> None:
            oct.check_unmerge_restores(factory(RemoveForgets), population.records)

        error = fails(test)
        assert error.invariant == "unmerge restores"
        assert error.record_ids

    def test_unlogged_id_changes_are_caught(self) -> None:
        """A log that loses merge events fails the ids-only-through-events check."""
        split = [
            record("a", N.email("ann@mail.fr")),
            record("b", N.phone("0612345678"), minutes=1),
            record("c", N.email("ann@mail.fr"), N.phone("0612345678"), minutes=2),
        ]
        with pytest.raises(InvariantViolationError, match="after resolving c") as caught:
            oct.check_ids_logged(factory(DropsRetiringEvents), split)
        assert caught.value.invariant == "ids change only through logged events"

        @quiet
        @given(oct.tangled_records(max_size=6))
        def test(records: tuple[Record, ...]) -> None:
            oct.check_ids_logged(factory(DropsRetiringEvents), records)

        assert fails(test).invariant == "ids change only through logged events"


class TestCheckerArguments:
    def test_a_factory_must_give_a_fresh_resolver(self) -> None:
        """A factory returning a resolver that already holds customers is reported."""
        shared = Resolver(clock=clock)
        shared.resolve(SAME_EMAIL[0])
        with pytest.raises(InvariantViolationError, match="fresh resolver"):
            oct.check_idempotence(lambda: shared, SAME_EMAIL)

    def test_reordered_must_be_a_permutation(self) -> None:
        """check_order_independence refuses a second order holding other records."""
        with pytest.raises(InvalidValueError, match="same records"):
            oct.check_order_independence(MatchModel(), SAME_EMAIL, SAME_EMAIL[:2])

    def test_violation_is_an_assertion_and_pickles(self) -> None:
        """The violation is an AssertionError and an OmnicontactError, and survives pickling."""
        error = InvariantViolationError("idempotence", "r1 changed", record_ids=("r1",))
        assert isinstance(error, AssertionError)
        assert isinstance(error, OmnicontactError)
        again = pickle.loads(pickle.dumps(error))
        assert (again.invariant, again.record_ids, str(again)) == (
            "idempotence",
            ("r1",),
            "idempotence violated: r1 changed",
        )


# ------------------------------------------------------------------------------ accuracy


TRUTH = {"a": "p1", "b": "p1", "c": "p2"}


@st.composite
def population_and_partition(draw: Any) -> tuple[oct.Population, list[set[str]]]:
    population = draw(oct.populations(max_size=4))
    labels = {r.id: draw(st.integers(0, 3)) for r in population.records}
    groups: dict[int, set[str]] = {}
    for record_id, label in labels.items():
        groups.setdefault(label, set()).add(record_id)
    return population, list(groups.values())


class TestAccuracy:
    def test_the_truth_scores_one(self) -> None:
        """The true partition has every score at 1."""
        score = oct.score_partition([{"a", "b"}, {"c"}], TRUTH)
        assert (score.pairwise_f1, score.bcubed_f1, score.true_pairs) == (1.0, 1.0, 1)

    def test_one_cluster_for_everything(self) -> None:
        """Lumping everything together finds every true pair, with documented precisions."""
        score = oct.score_partition([{"a", "b", "c"}], TRUTH)
        assert score.pairwise_precision == pytest.approx(1 / 3)
        assert score.pairwise_recall == 1.0
        assert score.bcubed_precision == pytest.approx(5 / 9)
        assert score.bcubed_recall == 1.0
        assert score.pairwise_f1 == pytest.approx(0.5)

    def test_singletons_and_missing_records(self) -> None:
        """Records left out of the partition count as singletons; unknown ids are ignored."""
        score = oct.score_partition([{"zz", "a"}], TRUTH)
        assert (score.pairwise_precision, score.pairwise_recall) == (1.0, 0.0)
        assert score.bcubed_precision == 1.0
        assert score.bcubed_recall == pytest.approx((1 / 2 + 1 / 2 + 1) / 3)
        assert score.records == 3

    @given(population_and_partition())
    def test_scores_are_bounded_and_f1_is_between(
        self, case: tuple[oct.Population, list[set[str]]]
    ) -> None:
        """Every score lies in [0, 1] and each F1 lies between its precision and recall."""
        population, groups = case
        score = oct.score_partition(groups, population.truth)
        for p, r, f in (
            (score.pairwise_precision, score.pairwise_recall, score.pairwise_f1),
            (score.bcubed_precision, score.bcubed_recall, score.bcubed_f1),
        ):
            assert 0.0 <= p <= 1.0
            assert 0.0 <= r <= 1.0
            if p and r:
                assert min(p, r) - 1e-12 <= f <= max(p, r) + 1e-12

    @given(oct.populations(max_size=4))
    def test_accuracy_scores_the_resolver_partition(self, population: oct.Population) -> None:
        """accuracy() scores the resolver's customers, and again gives the same answer."""
        resolver = Resolver(clock=clock)
        first = oct.accuracy(resolver, population)
        assert first == oct.score_partition(resolver.partition(), population.truth)
        assert oct.accuracy(resolver, population) == first

    def test_default_model_is_accurate_on_a_seeded_population(self) -> None:
        """On 100 seeded people the default model keeps B-cubed precision high."""
        score = oct.accuracy(Resolver(clock=clock), oct.synthetic_population(100, seed=2))
        assert score.bcubed_precision > 0.9
        assert score.records == len(oct.synthetic_population(100, seed=2).records)
