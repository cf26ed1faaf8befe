"""Checkers against known truth and against a reference configuration.

The checkers of :mod:`._invariants` test that the resolver keeps its own promises; a
configuration can keep every one of them and still merge a father with his son. The
checkers here judge the *customers* a configuration makes:

* :func:`check_no_over_merge`: no customer holds records of two different people;
* :func:`check_accuracy`: that, plus a recall floor measured on the true pairs a reference
  configuration finds;
* :func:`check_against_reference`: no pair of records that the reference keeps apart is
  merged unless the evidence says why.

Each failure names the two records, their values, the decisive edge and its explanation
(:meth:`~omnicontact.identity.Resolver.explain`), and the thresholds used. Pairs whose
truth the records cannot decide (:meth:`Population.ambiguous`) are left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from hypothesis import strategies as st

from ..exceptions import InvalidValueError, InvariantViolationError
from ..identity import MatchModel, Outcome, PathStep, Record, Resolver
from ._invariants import ResolverFactory, _fixed_clock, _fresh
from ._populations import Population, populations

__all__ = [
    "check_accuracy",
    "check_against_reference",
    "check_no_over_merge",
    "household_populations",
]

_MAX_REPORTED = 3


def household_populations(
    *, min_size: int = 4, max_size: int = 10
) -> st.SearchStrategy[Population]:
    """The kit's populations for the ground-truth checkers: households in every draw.

    :func:`populations` with most people joining a household (``household_percent=60``),
    twins, dependants on a parent's national id, juniors named after a parent
    (``twin_percent``, ``shared_id_percent``, ``namesake_percent`` at 20), name variants
    and junk values, and no two people born on one day but twins
    (``distinct_dates_of_birth``): the pairs a configuration must keep apart on household
    evidence turn up in nearly every draw. Between ``min_size`` and ``max_size`` people.

    >>> from hypothesis import given
    >>> @given(household_populations(max_size=6))
    ... def test_no_sibling_is_merged(population):
    ...     check_no_over_merge(MatchModel(), population)
    """
    return populations(
        min_size=min_size,
        max_size=max_size,
        max_records_per_person=3,
        household_percent=60,
        twin_percent=20,
        shared_id_percent=20,
        namesake_percent=20,
        distinct_dates_of_birth=True,
        name_variants=True,
    )


def _values(record: Record) -> str:
    shown = ", ".join(str(item) for item in record.identifiers)
    return f"{record.id} ({record.source}: {shown or 'no identifiers'})"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def _pairs(customers: dict[str, frozenset[str]]) -> Iterator[tuple[str, str]]:
    for members in customers.values():
        yield from itertools.combinations(sorted(members), 2)


def _joined(resolver: Resolver) -> set[tuple[str, str]]:
    return set(_pairs(resolver.customers()))


def _wrong_merge(resolver: Resolver, population: Population, left: str, right: str) -> str | None:
    """Why records of two people are one customer, or None when the truth is ambiguous.

    The decisive edge is the first link of the chain joining them that joins records of
    two different people; a chain whose every such link is ambiguous is not counted.
    """
    truth = population.truth
    explanation = resolver.explain(left, right)
    crossing: list[PathStep | None] = [
        s for s in explanation.path if truth[s.left] != truth[s.right]
    ]
    if not crossing:
        crossing = [None]  # joined with no chain: the direct pair is the edge
    for step in crossing:
        a, b = (left, right) if step is None else (step.left, step.right)
        if population.ambiguous(a, b):
            continue
        edge = explanation if step is None else resolver.explain(a, b)
        return (
            f"{_values(resolver.get_record(left))} of {truth[left]} and "
            f"{_values(resolver.get_record(right))} of {truth[right]} are one customer; "
            f"decisive edge {a} -- {b} ({truth[a]} / {truth[b]}"
            + (f", via {step.via}" if step is not None and step.via != "match" else "")
            + f"):\n{_indent(edge.text())}"
        )
    return None


def _over_merges(
    resolver: Resolver, population: Population
) -> tuple[list[str], int, int, int, tuple[str, ...]]:
    """(reports, wrong pairs, decidable joined pairs, ambiguous pairs left out, records)."""
    involved: set[str] = set()
    reports: list[str] = []
    wrong = decidable = ambiguous = 0
    truth = population.truth
    # Explaining a pair is costly and shrinking runs this on every candidate: the verdict
    # for the first pair of two people in one customer (the link that joined them) holds
    # for their other pairs.
    verdicts: dict[tuple[str, str, str], bool] = {}
    for left, right in sorted(_joined(resolver)):
        if truth[left] == truth[right]:
            decidable += 1
            continue
        people = sorted((truth[left], truth[right]))
        key = (resolver.customer_of(left), people[0], people[1])
        report = None
        if key not in verdicts:
            report = _wrong_merge(resolver, population, left, right)
            verdicts[key] = report is not None
        if not verdicts[key]:
            ambiguous += 1
            continue
        decidable += 1
        wrong += 1
        involved.update((left, right))
        if report is not None and len(reports) < _MAX_REPORTED:
            reports.append(report)
    return reports, wrong, decidable, ambiguous, tuple(sorted(involved))


def _listing(reports: list[str], total: int) -> str:
    more = f"\n… and {total - len(reports)} more" if total > len(reports) else ""
    return "\n".join(f"- {report}" for report in reports) + more


def _resolved(factory: ResolverFactory, records: Sequence[Record]) -> Resolver:
    resolver = _fresh(factory)
    resolver.resolve_many(records)
    return resolver


def _reference(reference: MatchModel | None, records: Sequence[Record]) -> Resolver:
    resolver = Resolver(model=reference or MatchModel(), clock=_fixed_clock)
    resolver.resolve_many(records)
    return resolver


def check_no_over_merge(factory: ResolverFactory, population: Population) -> None:
    """No customer holds records of two different people, where the records can tell.

    ``factory`` is a :class:`~omnicontact.identity.MatchModel` or a callable returning a
    fresh resolver. The population's records are resolved, and every pair of records of
    different people that ended in one customer is a wrong merge, unless the pair (or the
    link of the chain that joined the two people) is :meth:`Population.ambiguous`:
    records that carry the same values on every identifier they share cannot be told
    apart by any configuration, so such pairs are left out and counted in the message.

    Raises :class:`~omnicontact.exceptions.InvariantViolationError` listing, for the first
    wrong merges, both records with their values and the explanation of the decisive
    edge (weights, rule, thresholds of your model).
    """
    resolver = _resolved(factory, population.records)
    reports, wrong, decidable, ambiguous, involved = _over_merges(resolver, population)
    if wrong:
        raise InvariantViolationError(
            "no over-merge",
            f"{wrong} of {decidable} decidable joined pairs hold two different people "
            f"(threshold: none allowed; {ambiguous} ambiguous pairs left out):\n"
            + _listing(reports, wrong),
            record_ids=involved,
        )


def check_accuracy(
    factory: ResolverFactory,
    population: Population,
    *,
    min_precision: float = 1.0,
    min_recall: float = 0.9,
    reference: MatchModel | None = None,
) -> None:
    """Customers are precise against the truth and find the true pairs a reference finds.

    *Precision* is the share of decidable joined pairs that are one person (see
    :func:`check_no_over_merge` for what is decidable); it must be at least
    ``min_precision``. *Recall* is measured on the true pairs that the ``reference``
    configuration (default: :class:`~omnicontact.identity.MatchModel`'s defaults) joins,
    the pairs the records are known to be enough for: the share of them that your
    configuration joins too must be at least ``min_recall``. (Against all true pairs,
    recall would blame your configuration for records that share nothing.)

    The error lists the wrong merges, or the split pairs with the explanation, under your
    configuration, of the first link of the reference's chain that yours does not make.
    """
    for name, value in (("min_precision", min_precision), ("min_recall", min_recall)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
            raise InvalidValueError(name, value, "must be a number in [0, 1]")
    resolver = _resolved(factory, population.records)
    reports, wrong, decidable, ambiguous, involved = _over_merges(resolver, population)
    precision = 1.0 if not decidable else (decidable - wrong) / decidable
    if precision < min_precision:
        raise InvariantViolationError(
            "precision",
            f"pairwise precision {precision:.3f} < min_precision {min_precision} "
            f"({wrong} of {decidable} decidable joined pairs hold two different people; "
            f"{ambiguous} ambiguous pairs left out):\n" + _listing(reports, wrong),
            record_ids=involved,
        )
    witness = _reference(reference, population.records)
    truth = population.truth
    found = sorted(p for p in _joined(witness) if truth[p[0]] == truth[p[1]])
    mine = _joined(resolver)
    split = [p for p in found if p not in mine]
    recall = 1.0 if not found else 1 - len(split) / len(found)
    if recall < min_recall:
        reports = [_split(resolver, witness, a, b) for a, b in split[:_MAX_REPORTED]]
        raise InvariantViolationError(
            "recall",
            f"recall {recall:.3f} < min_recall {min_recall}: of the {len(found)} true pairs "
            f"the reference joins, {len(split)} are split (match threshold "
            f"{resolver.model.match_threshold}; reference {witness.model.match_threshold}):\n"
            + _listing(reports, len(split)),
            record_ids=tuple(sorted({i for p in split for i in p})),
        )


def _split(resolver: Resolver, witness: Resolver, left: str, right: str) -> str:
    """The two records, and why your configuration does not make the reference's link."""
    steps = witness.explain(left, right).path
    a, b = left, right
    for step in steps:
        if resolver.customer_of(step.left) != resolver.customer_of(step.right):
            a, b = step.left, step.right
            break
    return (
        f"{_values(resolver.get_record(left))} and {_values(resolver.get_record(right))} "
        f"are one person but two customers; the reference's link {a} -- {b} is not made:\n"
        + _indent(resolver.explain(a, b).text())
    )


def check_against_reference(
    factory: ResolverFactory,
    population: Population | Sequence[Record],
    *,
    reference: MatchModel | None = None,
) -> None:
    """No pair of records the reference keeps apart is merged without a stated reason.

    ``population`` is a :class:`Population` or just records (:func:`tangled_records`
    stress the guards). Both your configuration and ``reference`` (default: the default
    :class:`~omnicontact.identity.MatchModel`) resolve the population's records. For
    every pair your configuration joins and the reference does not, the chain joining
    them must be made of links the evidence explains: a "same" judgement, or a
    deterministic rule your model has and the reference does not (a rule you added on
    purpose), or a match the reference makes too but refused only because a veto forbade
    it after another merge (the two configurations chose between competing merges). A
    link made on a score, or on a rule the reference also has but refused here (a
    placeholder value, a guard), is reported with its explanation under both
    configurations. The truth is not used: this catches a lowered threshold,
    a raised prior, re-weighted comparisons or loosened guards even where they happen to
    merge correctly.
    """
    records = population.records if isinstance(population, Population) else tuple(population)
    resolver = _resolved(factory, records)
    witness = _reference(reference, records)
    own_rules = {rule.name for rule in resolver.model.rules if rule not in witness.model.rules}
    reports: list[str] = []
    unexplained: set[tuple[str, str]] = set()
    for left, right in sorted(_joined(resolver) - _joined(witness)):
        for step in resolver.explain(left, right).path:
            if step.via != "match" or (
                step.evidence is not None and step.evidence.rule in own_rules
            ):
                continue  # a judgement, or a rule added on purpose
            if witness.customer_of(step.left) == witness.customer_of(step.right):
                continue  # the reference makes this link too (elsewhere the chain differs)
            edge = (step.left, step.right)
            if edge in unexplained:
                break
            theirs = witness.explain(*edge)
            refused = {r.reason for r in theirs.rejections if {r.left, r.right} == set(edge)}
            if (
                theirs.evidence.outcome is Outcome.MATCH
                and refused
                and all(reason.startswith("conflict:") for reason in refused)
            ):
                # The reference matches this pair too, but joined one of the two records
                # elsewhere first and a veto then kept them apart: competing merges, not
                # looser evidence.
                continue
            unexplained.add(edge)
            if len(reports) < _MAX_REPORTED:
                how = (
                    theirs.evidence.outcome.value
                    if theirs.evidence.outcome is not Outcome.MATCH
                    else "a match it refused: " + "; ".join(sorted(refused) or ["(not joined)"])
                )
                joining = "" if edge == (left, right) else f" (joining {left} and {right})"
                reports.append(
                    f"{_values(resolver.get_record(step.left))} and "
                    f"{_values(resolver.get_record(step.right))} are joined by your "
                    f"configuration{joining} but the reference finds "
                    f"{how}.\n  Yours:\n{_indent(resolver.explain(*edge).text())}\n"
                    f"  Reference:\n{_indent(theirs.text())}"
                )
            break
    if unexplained:
        raise InvariantViolationError(
            "no merge beyond the reference",
            f"{len(unexplained)} links join records the reference keeps apart, with no "
            f"judgement or added rule to explain them (match threshold "
            f"{resolver.model.match_threshold}, prior {resolver.model.prior}; reference "
            f"{witness.model.match_threshold}, prior {witness.model.prior}):\n"
            + _listing(reports, len(unexplained)),
            record_ids=tuple(sorted({i for edge in unexplained for i in edge})),
        )
