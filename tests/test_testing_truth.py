"""The ground-truth and reference checkers of omnicontact.testing, and the bad configurations
they exist to catch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import hypothesis
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from omnicontact import DateOfBirth, Normalizer
from omnicontact import testing as oct
from omnicontact.exceptions import InvalidValueError, InvariantViolationError, StoreError
from omnicontact.identity import (
    Comparison,
    DeterministicRule,
    GuardPolicy,
    MatchModel,
    Record,
    Resolver,
)
from omnicontact.testing import (
    Population,
    check_accuracy,
    check_against_reference,
    check_no_over_merge,
    household_populations,
    synthetic_population,
    tangled_records,
)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
N = Normalizer(default_region="FR")


def _record(record_id: str, *identifiers: object) -> Record:
    return Record(id=record_id, source="crm", observed_at=T0, identifiers=list(identifiers))


def _weighted(field: str, level: str, m: float, u: float) -> tuple[Comparison, ...]:
    """The default comparisons, with one level of one field re-weighted."""
    out = []
    for comparison in MatchModel().comparisons:
        if comparison.field == field:
            i = comparison.levels.index(level)
            ms, us = list(comparison.m), list(comparison.u)
            ms[i], us[i] = m, u
            comparison = Comparison(field=field, m=ms, u=us)
        out.append(comparison)
    return tuple(out)


# A user's plausible mistakes. The family name alone can only make a match once the veto on
# clearly different given names is dropped too: re-weighting ``family_only`` alone changes
# no decision (the veto caps the level's weight), so that variant is harmless.
BAD_CONFIGURATIONS = {
    "family name alone matches": MatchModel(
        comparisons=_weighted("name", "family_only", 0.9, 0.0000001),
        vetoes={"middle_name": ["different"]},
    ),
    "match_threshold=0.01": MatchModel(match_threshold=0.01, review_threshold=0.005),
    "guards off": MatchModel(
        guards=GuardPolicy(
            max_distinct={},
            junk_local_parts=(),
            junk_domains=(),
            junk_external_values=(),
            shared_after_names=1000,
        )
    ),
    # the default veto on dates of birth that clearly differ caps that level's weight too:
    # weighting it positive is harmful only with the veto dropped
    "dob disagreement weighted positive": MatchModel(
        comparisons=_weighted("date_of_birth", "different", 0.9, 0.01),
        vetoes={"name": ["family_only", "different"], "middle_name": ["different"]},
    ),
    "prior 0.5": MatchModel(prior=0.5),
    "under-merging": MatchModel(rules=(), match_threshold=0.999999),
}
SEEDS = (0, 1, 2)
FAST = settings(
    max_examples=40,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)


def _first_failure(model: MatchModel, seed: int) -> str | None:
    """Which of the kit's checkers a Hypothesis search with ``seed`` finds failing, if any."""

    @FAST
    @hypothesis.seed(seed)
    @given(household_populations())
    def populations_hold(population: Population) -> None:
        check_no_over_merge(model, population)
        check_accuracy(model, population)
        check_against_reference(model, population)

    @settings(FAST, max_examples=150)
    @hypothesis.seed(seed)
    @given(tangled_records())
    def tangled_hold(records: tuple[Record, ...]) -> None:
        check_against_reference(model, records)

    for test in (populations_hold, tangled_hold):
        try:
            test()
        except InvariantViolationError as error:
            return error.invariant
    return None


class TestBadConfigurations:
    @pytest.mark.parametrize("name", sorted(BAD_CONFIGURATIONS))
    def test_each_is_caught(self, name: str) -> None:
        """Every plausible bad configuration is caught by a checker on every seed tried."""
        for seed in SEEDS:
            assert _first_failure(BAD_CONFIGURATIONS[name], seed) is not None, (name, seed)

    def test_the_default_configuration_is_never_caught(self) -> None:
        """No false alarm: the default configuration passes every checker on every seed."""
        for seed in SEEDS:
            assert _first_failure(MatchModel(), seed) is None, seed


def _two_people(first: list[object], second: list[object]) -> Population:
    records = (_record("a", *first), _record("b", *second))
    return Population(records=records, truth={"a": "p1", "b": "p2"})


SAME_EMAIL = MatchModel(rules=(DeterministicRule(kind="email"),), conflicts={}, vetoes={})


class TestAmbiguity:
    def test_identical_records_of_two_people_are_ambiguous_and_left_out(self) -> None:
        """Two people whose records carry the same values on every shared slot are left out."""
        email, name = N.email("ann@mail.fr"), N.name("Ann Martin")
        population = _two_people([email, name], [email])
        assert population.ambiguous("a", "b")
        check_no_over_merge(SAME_EMAIL, population)  # merged, but undecidable: no failure

    def test_a_differing_value_makes_the_pair_decidable(self) -> None:
        """A slot both records carry with different values tells the people apart."""
        email = N.email("ann@mail.fr")
        population = _two_people([email, N.name("Ann Martin")], [email, N.name("Bob Durand")])
        assert not population.ambiguous("a", "b")
        with pytest.raises(InvariantViolationError) as caught:
            check_no_over_merge(SAME_EMAIL, population)
        message = str(caught.value)
        assert "ann@mail.fr" in message
        assert "Bob Durand" in message
        assert "decisive edge a -- b" in message
        assert "rule same_email fired" in message
        assert "1 of 1 decidable joined pairs" in message
        assert caught.value.record_ids == ("a", "b")

    def test_placeholder_values_do_not_make_two_people_ambiguous(self) -> None:
        """A shared test@test.com is set aside: the differing names decide the pair."""
        junk = N.email("test@test.com")
        population = _two_people([junk, N.name("Ann Martin")], [junk, N.name("Bob Durand")])
        assert not population.ambiguous("a", "b")

    def test_records_of_one_person_are_never_ambiguous(self) -> None:
        """Ambiguity is about telling two people apart."""
        population = Population(
            records=(_record("a", N.email("x@mail.fr")), _record("b", N.email("x@mail.fr"))),
            truth={"a": "p1", "b": "p1"},
        )
        assert not population.ambiguous("a", "b")


class TestCheckAccuracy:
    def test_a_split_is_reported_with_the_missing_link(self) -> None:
        """Under-merging names the records the reference joins and the link not made."""
        phone = N.phone("+33612345678")
        records = (
            _record("a", phone, N.name("Ann Martin")),
            _record("b", phone, N.name("Ann Martin")),
        )
        population = Population(records=records, truth={"a": "p1", "b": "p1"})
        check_accuracy(MatchModel(), population)
        with pytest.raises(InvariantViolationError) as caught:
            check_accuracy(MatchModel(rules=(), match_threshold=0.999999), population)
        message = str(caught.value)
        assert "recall 0.000 < min_recall 0.9" in message
        assert "the reference's link a -- b is not made" in message
        check_accuracy(MatchModel(rules=(), match_threshold=0.999999), population, min_recall=0)

    @pytest.mark.parametrize("bad", [-0.1, 1.5, "high", True])
    def test_bad_thresholds_are_rejected(self, bad: object) -> None:
        """Thresholds outside [0, 1] raise a typed error."""
        population = _two_people([N.email("a@mail.fr")], [N.email("b@mail.fr")])
        with pytest.raises(InvalidValueError):
            check_accuracy(MatchModel(), population, min_recall=bad)  # type: ignore[arg-type]


class TestCheckAgainstReference:
    def test_a_rule_the_user_added_explains_its_merges(self) -> None:
        """A deliberate rule (national ids) is evidence; the reference would keep them apart."""
        nid = N.external_id("national_id", "2930001234567")
        records = [_record("a", nid, N.name("Ann Martin")), _record("b", nid)]
        model = MatchModel(rules=(*MatchModel().rules, DeterministicRule(kind="external_id")))
        resolver = Resolver(model=model)
        resolver.resolve_many(records)
        assert resolver.customer_of("a") == resolver.customer_of("b")
        check_against_reference(model, records)

    def test_a_placeholder_merge_is_reported(self) -> None:
        """Guards off: a shared test@test.com joins records the reference keeps apart."""
        records = [
            _record("a", N.email("ann@mail.fr"), N.email("test@test.com")),
            _record("b", N.email("test@test.com")),
        ]
        with pytest.raises(InvariantViolationError) as caught:
            check_against_reference(BAD_CONFIGURATIONS["guards off"], records)
        assert "rule same_email fired" in str(caught.value)
        assert caught.value.record_ids == ("a", "b")


class TestHouseholdPopulations:
    @settings(max_examples=20, deadline=None)
    @given(household_populations(max_size=8))
    def test_every_draw_is_consistent(self, population: Population) -> None:
        """Truth covers every record, and every person has a household."""
        assert set(population.truth) == {r.id for r in population.records}
        assert set(population.truth.values()) <= set(population.households)

    @settings(max_examples=20, deadline=None)
    @given(st.integers(0, 10_000))
    def test_the_default_keeps_juniors_and_twins_apart(self, seed: int) -> None:
        """Juniors named after a parent and twins are decidable, and the default decides them."""
        population = synthetic_population(
            8, seed=seed, household_percent=90, namesake_percent=100, twin_percent=100
        )
        check_no_over_merge(MatchModel(), population)

    @settings(max_examples=50, deadline=None)
    @given(
        oct.populations(
            min_size=2, max_size=8, noise=0, household_percent=60, twin_percent=30,
            distinct_dates_of_birth=True,
        )
    )  # fmt: skip
    def test_distinct_dates_of_birth_leaves_only_twins_born_on_one_day(
        self, population: Population
    ) -> None:
        """With ``distinct_dates_of_birth``, two people born on one day are twins: one
        household (read from noiseless records, whose dates are the true ones)."""
        born: dict[object, set[str]] = {}
        for record in population.records:
            for item in record.identifiers:
                if isinstance(item, DateOfBirth):
                    born.setdefault(item.value, set()).add(population.truth[record.id])
        for people in born.values():
            assert len({population.households[person] for person in people}) == 1, people


class TestFileBackedResolvers:
    def test_stores_are_closed_and_their_files_removed(self) -> None:
        """Every store the factory made is closed on exit, and its directory (the database,
        its -wal and -shm files) is gone."""
        with oct.file_backed_resolvers() as make:
            resolvers = [make(), make()]
            resolvers[0].resolve_many(oct.synthetic_population(3, seed=1).records)
            folders = {Path(r.store.path).parent for r in resolvers}  # type: ignore[attr-defined]
            assert len(folders) == 1
            assert any(folder.iterdir() for folder in folders)
        assert not any(folder.exists() for folder in folders)
        for resolver in resolvers:
            with pytest.raises(StoreError, match="closed"):
                resolver.store.count_records()

    def test_the_model_given_is_used(self) -> None:
        """Each resolver scores with the model given (the default model without one)."""
        model = MatchModel(match_threshold=0.99)
        with oct.file_backed_resolvers(model) as make:
            assert make().model == model
        with oct.file_backed_resolvers() as make:
            assert make().model == MatchModel()
