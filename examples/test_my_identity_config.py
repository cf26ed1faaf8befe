"""Property tests of *your* identity configuration: copy this file into your test suite.

Replace ``make_resolver`` with the resolver your application builds (your match model,
guards and store), then run ``pytest test_my_identity_config.py``. Each test draws small
populations of customers with known truth and realistic noise, and checks one guarantee
the resolver makes; a failure names the invariant and the records, shrunk by Hypothesis.

Run as a script (``python examples/test_my_identity_config.py``), it runs every test once
and prints the accuracy of the configuration on a seeded population.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from omnicontact import testing as oct
from omnicontact.identity import GuardPolicy, MatchModel, Record, Resolver

# ---------------------------------------------------------------- your configuration

MY_MODEL = MatchModel(
    guards=GuardPolicy(max_distinct={"email": 2, "phone": 2, "date_of_birth": 1}),
)


def fixed_clock() -> dt.datetime:
    return dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def make_resolver() -> Resolver:
    """A fresh resolver, exactly as the application builds one (here: in memory)."""
    return Resolver(model=MY_MODEL, clock=fixed_clock)


# ------------------------------------------------------------------------------ tests


@given(oct.populations(max_size=4), st.data())
def test_every_invariant_holds(population: oct.Population, data: st.DataObject) -> None:
    """All guarantees at once, with orders, judgements and removals drawn by Hypothesis."""
    oct.check_invariants(make_resolver, population.records, data=data)


@given(oct.populations(max_size=4, household_percent=60))
def test_my_guards_hold_on_households(population: oct.Population) -> None:
    """Families sharing a landline and an address never exceed my guards."""
    oct.check_guards(make_resolver, population.records)


@given(oct.tangled_records(max_size=6), st.data())
def test_invariants_hold_when_guards_bind(records: tuple[Record, ...], data: st.DataObject) -> None:
    """Tangled records, where nearly every pair shares a value, keep every guarantee."""
    oct.check_invariants(make_resolver, records, data=data)


@given(oct.household_populations())
def test_no_two_people_are_merged(population: oct.Population) -> None:
    """Against the truth of household-rich populations, no customer holds two people, and
    no link is made that the default configuration would not make."""
    oct.check_no_over_merge(make_resolver, population)
    oct.check_against_reference(make_resolver, population)


@given(oct.tangled_records())
def test_my_guards_are_no_looser_than_the_defaults(records: tuple[Record, ...]) -> None:
    """Records sharing placeholder and household values are joined no more than by default."""
    oct.check_against_reference(make_resolver, records)


def test_accuracy_stays_above_my_floor() -> None:
    """On a seeded population of 200 people, precision stays above the floor I accept."""
    score = oct.accuracy(make_resolver(), oct.synthetic_population(200, seed=1))
    assert score.bcubed_precision >= 0.9, score


if __name__ == "__main__":
    for test in (
        test_every_invariant_holds,
        test_my_guards_hold_on_households,
        test_invariants_hold_when_guards_bind,
        test_no_two_people_are_merged,
        test_my_guards_are_no_looser_than_the_defaults,
        test_accuracy_stays_above_my_floor,
    ):
        # A quick run: 20 examples per property (your test suite's profile decides there).
        settings(max_examples=20, database=None)(test)()
        print(f"ok  {test.__name__}")
    score = oct.accuracy(make_resolver(), oct.synthetic_population(200, seed=1))
    print(
        f"accuracy on 200 seeded people: pairwise P={score.pairwise_precision:.3f} "
        f"R={score.pairwise_recall:.3f} F1={score.pairwise_f1:.3f}; "
        f"B-cubed P={score.bcubed_precision:.3f} R={score.bcubed_recall:.3f} "
        f"F1={score.bcubed_f1:.3f}"
    )
