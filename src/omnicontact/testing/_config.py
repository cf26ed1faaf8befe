"""Strategies for identity configurations, to property-test ranges of settings.

Each strategy shrinks towards the default value of its type (the first choice of a
``one_of`` is the default), so a failing configuration shrinks to the fewest settings
changed from the defaults.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .._identifiers import ExternalId
from ..identity import (
    BLOCKING_RULES,
    LEVELS,
    AddressColumns,
    Blocking,
    Comparison,
    DateOfBirthColumn,
    DeterministicRule,
    GuardPolicy,
    MatchModel,
    NameColumns,
    RecordMapping,
)

__all__ = [
    "blockings",
    "comparisons",
    "deterministic_rules",
    "guard_policies",
    "match_models",
    "record_mappings",
]

_PROBABILITIES = st.floats(0.0001, 1.0, allow_nan=False)
_NAMESPACES = (
    ExternalId.LOYALTY_CARD,
    ExternalId.CUSTOMER_NUMBER,
    ExternalId.WEB_ACCOUNT,
    ExternalId.NATIONAL_ID,
)
_SLOTS = ("email", "phone", "date_of_birth", "external_id:national_id")


def _drawn_comparison(field: str) -> st.SearchStrategy[Comparison]:
    size = len(LEVELS[field])
    return st.builds(
        Comparison,
        field=st.just(field),
        m=st.lists(_PROBABILITIES, min_size=size, max_size=size),
        u=st.lists(_PROBABILITIES, min_size=size, max_size=size),
        term_frequency=st.booleans(),
    )


def comparisons(*, field: str | None = None) -> st.SearchStrategy[Comparison]:
    """A strategy for :class:`~omnicontact.identity.Comparison` values.

    ``field`` fixes the compared field (``name``, ``date_of_birth`` …); by default any.
    Shrinks towards :meth:`Comparison.default`.

    >>> from hypothesis import given
    >>> @given(comparisons(field="date_of_birth"))
    ... def test_weights_are_finite(comparison):
    ...     assert all(abs(comparison.weight(i)) < 100 for i in range(len(comparison.levels)))
    """

    def build() -> st.SearchStrategy[Comparison]:
        if field is not None and field not in LEVELS:
            raise InvalidArgument(f"field={field!r} must be one of {', '.join(LEVELS)}")
        fields = st.just(field) if field is not None else st.sampled_from(tuple(LEVELS))
        return fields.flatmap(
            lambda name: st.just(Comparison.default(name)) | _drawn_comparison(name)
        )

    return st.deferred(build)


def deterministic_rules() -> st.SearchStrategy[DeterministicRule]:
    """A strategy for :class:`~omnicontact.identity.DeterministicRule` values.

    Any rule kind; external-id rules sometimes restricted to some namespaces.
    """
    namespaces = st.none() | st.sets(st.sampled_from(_NAMESPACES), min_size=1)
    return st.builds(
        DeterministicRule,
        kind=st.sampled_from(("email", "phone", "external_id", "social")),
        namespaces=namespaces,
    )


def guard_policies() -> st.SearchStrategy[GuardPolicy]:
    """A strategy for :class:`~omnicontact.identity.GuardPolicy` values.

    Limits on the distinct values of the usual slots, the number of people after which a
    value is shared, and the shortest real phone number; junk lists stay the defaults.
    Shrinks towards ``GuardPolicy()``.
    """
    drawn = st.builds(
        GuardPolicy,
        max_distinct=st.dictionaries(st.sampled_from(_SLOTS), st.integers(1, 10)),
        shared_after_names=st.integers(2, 8),
        min_phone_digits=st.integers(1, 10),
    )
    return st.just(GuardPolicy()) | drawn


def blockings() -> st.SearchStrategy[Blocking]:
    """A strategy for :class:`~omnicontact.identity.Blocking` values (any built-in rules).

    Shrinks towards ``Blocking()``.
    """
    drawn = st.builds(
        Blocking,
        rules=st.sets(st.sampled_from(BLOCKING_RULES), min_size=1),
        max_block_size=st.integers(2, 2000),
    )
    return st.just(Blocking()) | drawn


@st.composite
def _match_model(draw: st.DrawFn) -> MatchModel:
    fields = draw(st.sets(st.sampled_from(tuple(LEVELS)), min_size=1), label="fields")
    chosen = tuple(draw(comparisons(field=name)) for name in LEVELS if name in fields)
    match_threshold = draw(st.floats(0.01, 0.999999), label="match_threshold")
    review_threshold = draw(st.floats(0.001, match_threshold), label="review_threshold")
    rules: list[DeterministicRule] = draw(
        st.lists(deterministic_rules(), max_size=4, unique=True), label="rules"
    )
    return MatchModel(
        comparisons=chosen,
        prior=draw(st.floats(0.000001, 0.5), label="prior"),
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        # converter=tuple types the parameter as Iterable[_T_co], which mypy cannot solve
        rules=rules,  # type: ignore[arg-type]
        guards=draw(guard_policies(), label="guards"),
        blocking=draw(blockings(), label="blocking"),
    )


def match_models() -> st.SearchStrategy[MatchModel]:
    """A strategy for :class:`~omnicontact.identity.MatchModel` values.

    Draws the comparisons (a subset of the fields, each default or re-weighted), prior,
    thresholds, rules, guards and blocking. Shrinks towards ``MatchModel()``, so a failing
    configuration is reported with as few settings changed as possible.

    >>> from hypothesis import given
    >>> @given(match_models())
    ... def test_review_is_below_match(model):
    ...     assert model.review_threshold <= model.match_threshold
    """
    return st.just(MatchModel()) | _match_model()


_COLUMN_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)


@st.composite
def _record_mapping(draw: st.DrawFn) -> RecordMapping:
    names = iter(draw(st.lists(_COLUMN_NAMES, min_size=16, max_size=16, unique=True)))

    def some(most: int) -> tuple[str, ...]:
        return tuple(next(names) for _ in range(draw(st.integers(0, most))))

    name = draw(
        st.none()
        | st.builds(NameColumns, full=st.just(next(names)))
        | st.builds(NameColumns, given=st.just(next(names)), family=st.just(next(names)))
    )
    dob = draw(st.none() | st.builds(DateOfBirthColumn, column=st.just(next(names))))
    addresses: list[AddressColumns] = [
        AddressColumns(lines=(next(names),), postal_code=next(names), locality=next(names))
        for _ in range(draw(st.integers(0, 1)))
    ]
    return RecordMapping(
        record_id=next(names),
        source=draw(st.sampled_from(("csv", "crm", "web"))),
        default_region=draw(st.sampled_from((None, "FR", "GB", "US"))),
        emails=some(2),
        phones=some(2),
        name=name,
        date_of_birth=dob,
        addresses=addresses,  # type: ignore[arg-type]  # as rules in _match_model
        default_observed_at=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc),
    )


def record_mappings() -> st.SearchStrategy[RecordMapping]:
    """A strategy for :class:`~omnicontact.identity.RecordMapping` values.

    Distinct column names for the record id, e-mails, phones, a name (full or in parts), a
    date of birth and an address, as a CSV export would have them.
    """
    return _record_mapping()
