"""The match model: deterministic rules plus Fellegi–Sunter scoring of person data.

A pair of records is scored by adding, to the prior log-odds that two random records are
one customer, the weight ``log2(m / u)`` of the level each comparison falls into, where
``m`` is the chance of that level for two records of one customer and ``u`` for two
records of different customers. A missing value weighs 0. The exact level of a comparison
uses the value's own frequency as ``u`` when term frequencies are known and the value is
more common than the level's average, so sharing ``Martin`` counts for less than sharing
a rarer surname. Frequencies only ever lower a weight: a value seen twice in a data set is
often one person seen twice, so its frequency says little about chance agreement.

Parameters can be set by hand (the defaults need no training) or estimated from the user's
unlabelled records with :func:`estimate`: ``u`` of exact levels from value frequencies,
of other levels from random pairs, ``m`` and the prior by expectation maximisation over
pairs blocked on another field.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from .._identifiers import ExternalId, IdentifierKind, SocialHandle
from ..exceptions import InvalidValueError
from ._blocking import Blocking
from ._compare import COMPARATORS, LEVELS, Profile, compare_dobs, exact_values_of
from ._guards import GuardPolicy
from ._record import Record

__all__ = [
    "Comparison",
    "ComparisonResult",
    "DeterministicRule",
    "MatchModel",
    "Outcome",
    "PairEvidence",
    "estimate",
]


class Outcome(str, enum.Enum):
    """What the model concludes about a pair of records."""

    MATCH = "match"
    POSSIBLE_MATCH = "possible_match"
    """Kept for human review; never merged automatically."""
    NON_MATCH = "non_match"


def _probabilities(field: str, value: Any) -> tuple[float, ...]:
    try:
        items = tuple(float(item) for item in value)
    except (TypeError, ValueError):
        raise InvalidValueError(field, value, "must be a sequence of numbers") from None
    for item in items:
        if not 0.0 < item <= 1.0:
            raise InvalidValueError(field, value, "every probability must be in (0, 1]")
    return items


def _m_values(value: Any) -> tuple[float, ...]:
    return _probabilities("comparison.m", value)


def _u_values(value: Any) -> tuple[float, ...]:
    return _probabilities("comparison.u", value)


@attrs.frozen(kw_only=True)
class Comparison:
    """The ``m`` and ``u`` probabilities of each level of one built-in comparison.

    ``field`` is ``name``, ``date_of_birth``, ``address`` or ``national_id``; ``m`` and ``u``
    list one probability per level, in the order of :attr:`levels`.

    >>> c = Comparison.default("date_of_birth")
    >>> c.levels[0], round(c.weight(0), 1)
    ('exact', 13.1)
    """

    field: str = attrs.field()
    m: tuple[float, ...] = attrs.field(converter=_m_values)
    u: tuple[float, ...] = attrs.field(converter=_u_values)
    term_frequency: bool = True

    @field.validator
    def _check(self, _attribute: Any, value: str) -> None:
        if value not in LEVELS:
            raise InvalidValueError(
                "comparison.field", value, f"must be one of: {', '.join(LEVELS)}"
            )
        size = len(LEVELS[value])
        if len(self.m) != size or len(self.u) != size:
            raise InvalidValueError(
                f"comparison.{value}", (self.m, self.u), f"needs {size} m and {size} u values"
            )

    @property
    def levels(self) -> tuple[str, ...]:
        return LEVELS[self.field]

    def weight(self, level: int) -> float:
        """The match weight (bits) of ``level``: ``log2(m / u)``."""
        return math.log2(self.m[level] / self.u[level])

    @classmethod
    def default(cls, field: str) -> Comparison:
        """Hand-set parameters that work without training."""
        m, u = _DEFAULTS[field]
        return cls(field=field, m=m, u=u)


_DEFAULTS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    # exact, swapped, fuzzy, variant, partial, given_only, partial_mismatch, family_only,
    # different
    "name": (
        (0.74, 0.03, 0.12, 0.05, 0.03, 0.02, 0.005, 0.003, 0.002),
        (0.0008, 0.00001, 0.0002, 0.002, 0.004, 0.01, 0.01, 0.02, 0.95299),
    ),
    # exact, initial, variant, different
    "middle_name": ((0.8, 0.12, 0.05, 0.03), (0.02, 0.06, 0.02, 0.9)),
    # exact, transposed, one_digit, one_part, within_year, different
    "date_of_birth": (
        (0.86, 0.02, 0.04, 0.04, 0.01, 0.03),
        (0.0001, 0.00001, 0.0014, 0.0026, 0.01, 0.98589),
    ),
    # exact, street_fuzzy, same_area, different
    "address": ((0.7, 0.1, 0.1, 0.1), (0.0005, 0.0005, 0.02, 0.979)),
    # exact, one_edit, two_edits, different
    "national_id": ((0.9, 0.05, 0.02, 0.03), (0.000001, 0.00001, 0.00005, 0.999939)),
}

_RULE_KINDS = (
    IdentifierKind.EMAIL,
    IdentifierKind.PHONE,
    IdentifierKind.EXTERNAL_ID,
    IdentifierKind.SOCIAL,
)


_RULE_NAMES = {kind: f"same_{kind.value}" for kind in _RULE_KINDS}
"""One string per rule name: profiles of a million records hold it a million times."""


def _rule_kind(value: Any) -> IdentifierKind:
    try:
        kind = IdentifierKind(value)
    except ValueError:
        kind = None
    if kind not in _RULE_KINDS:
        raise InvalidValueError(
            "rule.kind", value, "must be one of: email, phone, external_id, social"
        )
    assert kind is not None
    return kind


def _namespaces(value: Any) -> frozenset[str] | None:
    return None if value is None else frozenset(value)


@attrs.frozen(kw_only=True)
class DeterministicRule:
    """Two records that share a usable identifier of this kind are one customer.

    ``namespaces`` restricts external ids (or social platforms) to some namespaces; ``None``
    accepts all. The rule does not fire on junk or shared values, nor when the pair's person
    data conflict (see :attr:`MatchModel.conflicts`): those make the records *related*.

    >>> DeterministicRule(kind="external_id", namespaces=["loyalty_card"]).name
    'same_external_id'
    """

    kind: IdentifierKind = attrs.field(converter=_rule_kind)
    namespaces: frozenset[str] | None = attrs.field(default=None, converter=_namespaces)

    @property
    def name(self) -> str:
        return _RULE_NAMES[self.kind]

    def applies_to(self, identifier: Any) -> bool:
        if identifier.kind is not self.kind:
            return False
        if self.namespaces is None:
            return True
        if isinstance(identifier, ExternalId):
            return identifier.namespace in self.namespaces
        if isinstance(identifier, SocialHandle):
            return identifier.platform in self.namespaces
        return True


def _default_rules() -> tuple[DeterministicRule, ...]:
    return (
        DeterministicRule(kind="email"),
        DeterministicRule(kind="phone"),
        DeterministicRule(
            kind="external_id",
            namespaces=[
                ExternalId.LOYALTY_CARD,
                ExternalId.CUSTOMER_NUMBER,
                ExternalId.WEB_ACCOUNT,
            ],
        ),
        DeterministicRule(kind="social"),
    )


_ONE_PART_NAME_LEVELS = frozenset(
    {LEVELS["name"].index("partial"), LEVELS["name"].index("partial_mismatch")}
)
_PERSONAL_AGREEMENT = {
    "date_of_birth": ("exact", "transposed", "one_digit"),
    "national_id": ("exact", "one_edit", "two_edits"),
    "middle_name": ("exact", "initial"),
}
"""The levels at which a comparison of a person's own data (not a household's) agrees."""


def _household_only(
    tables: Sequence[_Scoring],
) -> tuple[int, tuple[tuple[int, frozenset[int]], ...]] | None:
    """Where :meth:`MatchModel._only_household_agrees` looks: the index of the name table
    and of each personal comparison with its agreeing levels (``None`` without names)."""
    fields = [table.comparison.field for table in tables]
    if "name" not in fields:
        return None
    personal = tuple(
        (index, frozenset(LEVELS[field].index(level) for level in _PERSONAL_AGREEMENT[field]))
        for index, field in enumerate(fields)
        if field in _PERSONAL_AGREEMENT
    )
    return fields.index("name"), personal


def _default_conflicts() -> dict[str, frozenset[str]]:
    return {
        # a household's phone or e-mail joins only records whose given names agree
        "name": frozenset(
            {"partial", "given_only", "partial_mismatch", "family_only", "different"}
        ),
        "middle_name": frozenset({"different"}),
        "date_of_birth": frozenset({"different"}),
        "national_id": frozenset({"different"}),
    }


def _default_vetoes() -> dict[str, frozenset[str]]:
    return {
        "name": frozenset({"family_only", "different"}),
        "middle_name": frozenset({"different"}),
        # a father and a son of one name at one address: only their birth dates differ
        "date_of_birth": frozenset({"different"}),
    }


def _levels_by_field(
    what: str,
) -> Callable[[Mapping[str, Iterable[str]]], dict[str, frozenset[str]]]:
    def convert(value: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
        if not isinstance(value, Mapping):
            raise InvalidValueError(f"model.{what}", value, "must map comparisons to levels")
        checked = {}
        for field, levels in value.items():
            if field not in LEVELS:
                raise InvalidValueError(f"model.{what}", field, "is not a comparison")
            if isinstance(levels, str):
                raise InvalidValueError(f"model.{what}.{field}", levels, "must be a list of levels")
            levels = frozenset(levels)
            unknown = levels - set(LEVELS[field])
            if unknown:
                raise InvalidValueError(f"model.{what}.{field}", sorted(unknown), "unknown levels")
            checked[field] = levels
        return checked

    return convert


_check_conflicts = _levels_by_field("conflicts")
_check_vetoes = _levels_by_field("vetoes")


def _conflicts(value: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    return _check_conflicts(value)


def _vetoes(value: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    return _check_vetoes(value)


_check_overrule = _levels_by_field("overrule_vetoes")


def _overrule(value: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    return _check_overrule(value)


_check_chain_vetoes = _levels_by_field("chain_vetoes")


def _chain_vetoes(value: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    return _check_chain_vetoes(value)


def _default_chain_vetoes() -> dict[str, frozenset[str]]:
    return {"date_of_birth": frozenset({"different"}), "national_id": frozenset({"different"})}


def _non_positive(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, float) or not -1000.0 <= value <= 0.0:
        raise InvalidValueError(f"model.{attribute.name}", value, "must be a float in [-1000, 0]")


def _threshold(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, float) or not 0.0 < value < 1.0:
        raise InvalidValueError(f"model.{attribute.name}", value, "must be a float in (0, 1)")


def _comparisons(value: Iterable[Comparison]) -> tuple[Comparison, ...]:
    items = tuple(value)
    fields = [item.field for item in items]
    if len(set(fields)) != len(fields):
        raise InvalidValueError("model.comparisons", fields, "each field may appear once")
    return items


def _frequencies(value: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    return {field: dict(table) for field, table in value.items()}


@attrs.frozen(kw_only=True)
class ComparisonResult:
    """How one comparison scored a pair: its level (``missing`` if either lacks it) and weight."""

    field: str
    level: str
    weight: float
    term_frequency_adjusted: bool = False


@attrs.frozen(kw_only=True)
class PairEvidence:
    """Why the model reached its outcome for one pair of records (ids only, no values).

    ``rule`` names the deterministic rule that fired; ``related_by`` names identifier
    slots the two share that were not evidence (junk-free but shared, or vetoed by a
    conflict), and ``household`` when the two are kept apart by clearly different given
    names while sharing a family name and an address or a contact identifier;
    ``conflicts`` lists ``field:level`` that vetoed a rule; ``vetoes`` the ``field:level``
    that rule out a match whatever the weight (see :attr:`MatchModel.vetoes`): two such
    records are never one customer, not even through other records.
    """

    left: str
    right: str
    outcome: Outcome
    weight: float
    probability: float
    comparisons: tuple[ComparisonResult, ...] = ()
    rule: str | None = None
    related_by: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    vetoes: tuple[str, ...] = ()

    @property
    def related(self) -> bool:
        return bool(self.related_by)

    @property
    def pair(self) -> tuple[str, str]:
        return (self.left, self.right)


@attrs.frozen(kw_only=True)
class MatchModel:
    """Everything that decides whether two records are one customer.

    The defaults need no training: a user who only supplies normalized identifiers gets
    deterministic rules on email, phone, loyalty/customer/web ids and social handles, and
    Fellegi–Sunter scoring of names, middle names, dates of birth, addresses and national
    ids. A pair is a match at ``match_threshold`` probability or above, a possible match
    (listed for review) at ``review_threshold`` or above.

    ``conflicts`` are the levels that stop a deterministic rule from firing (two records
    sharing a phone but not a date of birth are related, not one customer). ``vetoes`` are
    the levels that rule a match out altogether, whatever the other evidence: by default,
    given names (or middle names) that clearly differ, and dates of birth that clearly
    differ (no two parts in common, more than a year apart: a junior named after a parent).
    That is what keeps the members of a household apart when they share a family name, an
    address, a phone, a date of birth (twins) or even a national id (a dependant's form
    carrying a parent's number). A vetoed pair is never one customer, not even through a
    chain of other records, and a vetoed level never weighs more than ``veto_weight`` bits
    (whatever :func:`estimate` finds).

    Two names that agree on one part only (``partial`` or ``partial_mismatch``: a family
    name beside a missing or placeholder given name, ``Baby Martin`` / ``Theo Martin``)
    make a match only with a personal comparison agreeing too: a date of birth (exact,
    transposed or one digit off), a national id (at most two edits) or a middle name
    (exact or initial). A family name with an address or a phone is what a household
    shares: without more, such a pair is at most a possible match, whatever its weight.

    ``overrule_vetoes`` maps comparisons to levels: when *every one* of these comparisons
    falls in one of its levels, a vetoed pair is scored after all. It is empty by default:
    clearly different given names are never one person on the evidence of values a
    household can share. For a register whose given names get replaced by errors, give
    for example ``{"date_of_birth": ["exact"], "national_id": ["exact"]}``: two personal
    identifiers that members of one household rarely share *together* (twins have their own
    numbers, a dependant carrying a parent's number was born another year). A national id
    held by two clearly different people born on clearly different days is a household's
    and never overrules (see :meth:`household_number`); twins who both carry one number
    that nobody else holds cannot be told from one person by these two values.

    >>> model = MatchModel()
    >>> [c.field for c in model.comparisons]
    ['name', 'middle_name', 'date_of_birth', 'address', 'national_id']
    """

    comparisons: tuple[Comparison, ...] = attrs.field(
        factory=lambda: tuple(Comparison.default(field) for field in LEVELS),
        converter=_comparisons,
    )
    prior: float = attrs.field(default=0.0001, validator=_threshold)
    match_threshold: float = attrs.field(default=0.95, validator=_threshold)
    review_threshold: float = attrs.field(default=0.5, validator=_threshold)
    rules: tuple[DeterministicRule, ...] = attrs.field(factory=_default_rules, converter=tuple)
    conflicts: dict[str, frozenset[str]] = attrs.field(
        factory=_default_conflicts, converter=_conflicts
    )
    vetoes: dict[str, frozenset[str]] = attrs.field(factory=_default_vetoes, converter=_vetoes)
    overrule_vetoes: dict[str, frozenset[str]] = attrs.field(factory=dict, converter=_overrule)
    veto_weight: float = attrs.field(default=-6.0, validator=_non_positive)
    chain_vetoes: dict[str, frozenset[str]] = attrs.field(
        factory=_default_chain_vetoes, converter=_chain_vetoes
    )
    guards: GuardPolicy = attrs.field(factory=GuardPolicy)
    blocking: Blocking = attrs.field(factory=Blocking)
    term_frequencies: dict[str, dict[str, float]] = attrs.field(
        factory=dict, converter=_frequencies, hash=False
    )
    # Derived once from the fields above, for scoring millions of pairs.
    _tables: tuple[_Scoring, ...] = attrs.field(init=False, eq=False, hash=False, repr=False)
    _household_only: tuple[int, tuple[tuple[int, frozenset[int]], ...]] | None = attrs.field(
        init=False, eq=False, hash=False, repr=False
    )
    """The name table's index and, per personal comparison, its index and agreeing levels:
    see :func:`_household_only`."""
    _prior_weight: float = attrs.field(init=False, eq=False, hash=False, repr=False)
    _overrulers: int = attrs.field(init=False, eq=False, hash=False, repr=False)
    _vetoing: tuple[_Scoring, ...] = attrs.field(init=False, eq=False, hash=False, repr=False)
    _chain_vetoing: tuple[_Scoring, ...] = attrs.field(init=False, eq=False, hash=False, repr=False)
    _dob_agreeing: frozenset[int] = attrs.field(init=False, eq=False, hash=False, repr=False)
    _overruling: tuple[_Scoring, ...] = attrs.field(init=False, eq=False, hash=False, repr=False)
    _rules_by_kind: dict[IdentifierKind, tuple[DeterministicRule, ...]] = attrs.field(
        init=False, eq=False, hash=False, repr=False
    )
    _results: dict[tuple[Any, ...], tuple[ComparisonResult, ...]] = attrs.field(
        init=False, eq=False, hash=False, repr=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        if self.review_threshold > self.match_threshold:
            raise InvalidValueError(
                "model.review_threshold", self.review_threshold, "must not exceed match_threshold"
            )
        overrule = self.overrule_vetoes
        if not set(overrule) <= {c.field for c in self.comparisons}:
            overrule = {}  # a comparison the model lacks never agrees: vetoes stand
        tables = tuple(
            _Scoring(
                comparison=c,
                compare=COMPARATORS[c.field],
                weights=tuple(
                    min(c.weight(level), self.veto_weight)
                    if name in self.vetoes.get(c.field, ())
                    else c.weight(level)
                    for level, name in enumerate(c.levels)
                ),
                overrules=c.field in overrule,
                agreeing=frozenset(
                    c.levels.index(name) for name in overrule.get(c.field, frozenset())
                ),
                conflicts=frozenset(
                    c.levels.index(name)
                    for name in self.conflicts.get(c.field, frozenset())
                    | self.vetoes.get(c.field, frozenset())
                ),
                vetoes=frozenset(c.levels.index(name) for name in self.vetoes.get(c.field, ())),
                chain_vetoes=frozenset(
                    c.levels.index(name) for name in self.chain_vetoes.get(c.field, ())
                ),
                frequencies=_frequency_table(c, self.term_frequencies.get(c.field)),
                exact=_dates_of if c.field == "date_of_birth" else exact_values_of(c.field),
                conflict_names=tuple(f"{c.field}:{name}" for name in c.levels),
            )
            for c in self.comparisons
        )
        object.__setattr__(self, "_tables", tables)
        object.__setattr__(self, "_household_only", _household_only(tables))
        object.__setattr__(self, "_vetoing", tuple(t for t in tables if t.vetoes))
        object.__setattr__(self, "_chain_vetoing", tuple(t for t in tables if t.chain_vetoes))
        object.__setattr__(self, "_overruling", tuple(t for t in tables if t.overrules))
        object.__setattr__(self, "_overrulers", len(overrule))
        dob_levels = LEVELS["date_of_birth"]
        object.__setattr__(
            self,
            "_dob_agreeing",
            frozenset(
                dob_levels.index(name)
                for name in self.overrule_vetoes.get("date_of_birth", frozenset({"exact"}))
            ),
        )
        object.__setattr__(self, "_prior_weight", math.log2(self.prior / (1.0 - self.prior)))
        by_kind: dict[IdentifierKind, tuple[DeterministicRule, ...]] = {}
        for rule in self.rules:
            by_kind[rule.kind] = (*by_kind.get(rule.kind, ()), rule)
        object.__setattr__(self, "_rules_by_kind", by_kind)

    def profile(self, record: Record) -> Profile:
        """The comparison features of ``record`` under this model."""
        keys: set[tuple[str, str]] = set()
        by_kind = self._rules_by_kind
        for item in record.identifiers:
            rules = by_kind.get(item.kind)
            if rules is None:  # no rule uses this kind (names, dates, addresses)
                continue
            applying = [rule for rule in rules if rule.applies_to(item)]
            if applying and not self.guards.is_junk(item):
                keys.update((rule.name, item.key) for rule in applying)
        return Profile(record, rule_keys=keys)

    def evaluate(
        self, left: Profile, right: Profile, *, shared: Callable[[str], bool] = lambda _: False
    ) -> PairEvidence:
        """Score one pair. ``shared`` says whether an identifier key is shared by many names."""
        evidence = self._score(left, right, shared, keep_all=True)
        assert evidence is not None
        return evidence

    def veto(
        self, left: Profile, right: Profile, *, shared: Callable[[str], bool] = lambda _: False
    ) -> str | None:
        """The ``field:level`` that forbids the two records from being one customer, or
        ``None``: what :attr:`PairEvidence.vetoes` would hold first, computed alone."""
        found = None
        for table in self._vetoing:
            level = self._veto_level(table, left, right)
            if level is not None:
                found = table.conflict_names[level]
                break
        if found is None or not self._overrulers:
            return found
        for table in self._overruling:
            if table.compare(left, right) not in table.agreeing:
                return found
        return found if self._shared_national_id(left, right, shared) else None

    def chain_veto(self, left: Profile, right: Profile) -> str | None:
        """The ``field:level`` of :attr:`chain_vetoes` the two records fall in, or ``None``."""
        for table in self._chain_vetoing:
            level = table.compare(left, right)
            if level is not None and level in table.chain_vetoes:
                return table.conflict_names[level]
        return None

    def _score(
        self, left: Profile, right: Profile, shared: Callable[[str], bool], *, keep_all: bool
    ) -> PairEvidence | None:
        """:meth:`evaluate`; with ``keep_all=False``, ``None`` for an unrelated non-match.

        A resolver keeps only matches, possible matches and related pairs, and most
        candidate pairs are none of them: those are dropped before any result is built.
        """
        if left.record.id > right.record.id:
            left, right = right, left
        total = self._prior_weight
        # the pattern: per comparison its level, None if missing, (level, weight) if the
        # weight was adjusted by the value's frequency
        levels: list[int | tuple[int, float] | None] = []
        conflicts: list[str] = []
        vetoes: list[str] = []
        agreeing = 0  # comparisons that overrule vetoes, at their exact level
        for table in self._tables:
            level = table.compare(left, right)
            if level is None:
                levels.append(None)
                continue
            if table.overrules and level in table.agreeing:
                agreeing += 1
            weight = table.weights[level]
            if level == 0 and table.frequencies:
                frequency = table.frequency(left, right)
                if frequency is not None and frequency > table.comparison.u[0]:
                    weight = math.log2(table.comparison.m[0] / frequency)
                    levels.append((level, weight))
                else:
                    levels.append(level)
            else:
                levels.append(level)
            if level in table.conflicts:
                conflicts.append(table.conflict_names[level])
                if level in table.vetoes:
                    vetoes.append(table.conflict_names[level])
            total += weight
        probability = 1.0 / (1.0 + 2.0 ** (-total)) if total > -1000 else 0.0
        if (
            vetoes
            and self._overrulers
            and agreeing == self._overrulers
            and not self._shared_national_id(left, right, shared)
        ):
            vetoes = []  # scored after all: see overrule_vetoes
        fired = None
        related: set[str] = set()
        common_keys = left.shares_rule_key(right)
        if common_keys:
            for rule in self.rules:
                keys = [key for name, key in common_keys if name == rule.name]
                if not keys:
                    continue
                if not conflicts and any(not shared(key) for key in keys):
                    fired = fired or rule.name
                else:
                    related.add(rule.kind.value)
        if vetoes:
            # Never one customer (see _graph.partition): kept when it would have been evidence
            if probability < self.review_threshold and not related and not keep_all:
                return None
            outcome = Outcome.NON_MATCH
            if _HOUSEHOLD in vetoes and (related or self._same_address(levels)):
                related.add("household")
        elif fired is not None or (
            probability >= self.match_threshold and not self._only_household_agrees(levels)
        ):
            outcome = Outcome.MATCH
        elif probability >= self.review_threshold:
            outcome = Outcome.POSSIBLE_MATCH
        elif not related and not keep_all:
            return None
        else:
            outcome = Outcome.NON_MATCH
        return PairEvidence(
            left=left.record.id,
            right=right.record.id,
            outcome=outcome,
            weight=total,
            probability=probability,
            comparisons=self._comparison_results(tuple(levels)),
            rule=fired,
            related_by=tuple(sorted(related)),
            conflicts=tuple(conflicts),
            vetoes=tuple(vetoes),
        )

    def _only_household_agrees(self, levels: Sequence[int | tuple[int, float] | None]) -> bool:
        """Whether the names agree on one part only (a family name beside a placeholder or
        a missing given name) and no personal comparison agrees: what such a pair shares
        (a family name, an address, a phone) is what a household shares, so it is at most a
        possible match, whatever its weight."""
        if self._household_only is None:
            return False
        name_index, personal = self._household_only
        name = levels[name_index]
        if (name[0] if isinstance(name, tuple) else name) not in _ONE_PART_NAME_LEVELS:
            return False
        for index, agreeing in personal:
            level = levels[index]
            if level is not None and (level[0] if isinstance(level, tuple) else level) in agreeing:
                return False
        return True

    def household_number(self, holders: Sequence[Profile]) -> bool:
        """Whether a national id held by these records is a household's, not one person's.

        It is when two of them are clearly different people (their names are vetoed) born
        on clearly different dates (not within :attr:`overrule_vetoes`' date levels): a
        parent's number on a child's form. Such a number never overrules a veto. A number
        held by more than :data:`HOUSEHOLD_NUMBER_HOLDERS` records is taken as shared.

        >>> from omnicontact import Normalizer, PersonName
        >>> from omnicontact.identity import Record
        >>> import datetime as dt
        >>> n, t = Normalizer(), dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        >>> def holder(given, born):
        ...     ids = [PersonName(given=given, family="Ray"), n.date_of_birth(born)]
        ...     return MatchModel().profile(Record(id=given, source="tax", observed_at=t,
        ...                                       identifiers=ids))
        >>> MatchModel().household_number([holder("Dakota", "1970-05-06"),
        ...                                holder("Jessie", "2010-07-08")])
        True
        """
        if len(holders) > HOUSEHOLD_NUMBER_HOLDERS:
            return True
        dates = self._dob_agreeing
        for index, left in enumerate(holders):
            if not left.dobs:
                continue
            for right in holders[index + 1 :]:
                if not right.dobs or compare_dobs(left, right) in dates:
                    continue
                if any(self._veto_level(table, left, right) is not None for table in self._vetoing):
                    return True
        return False

    @staticmethod
    def _veto_level(table: _Scoring, left: Profile, right: Profile) -> int | None:
        level = table.compare(left, right)
        return level if level is not None and level in table.vetoes else None

    def _shared_national_id(
        self, left: Profile, right: Profile, shared: Callable[[str], bool]
    ) -> bool:
        """Whether the national ids the two share exactly are all shared by many names."""
        if "national_id" not in self.overrule_vetoes:
            return False
        common = set(left.national_ids) & set(right.national_ids)
        return bool(common) and all(shared(f"national_id:{value}") for value in common)

    def _same_address(self, levels: Sequence[int | tuple[int, float] | None]) -> bool:
        """Whether the pattern has the address comparison at ``exact`` or ``street_fuzzy``."""
        for table, item in zip(self._tables, levels, strict=True):
            if table.comparison.field == "address" and item is not None:
                level = item[0] if isinstance(item, tuple) else item
                return level <= 1
        return False

    def _comparison_results(
        self, levels: tuple[int | tuple[int, float] | None, ...]
    ) -> tuple[ComparisonResult, ...]:
        """The results for these levels: one shared tuple per pattern, not one per pair."""
        results = self._results.get(levels)
        if results is None:
            built = []
            for table, item in zip(self._tables, levels, strict=True):
                field = table.comparison.field
                if item is None:
                    built.append(ComparisonResult(field=field, level="missing", weight=0.0))
                    continue
                level, adjusted = item if isinstance(item, tuple) else (item, None)
                built.append(
                    ComparisonResult(
                        field=field,
                        level=table.comparison.levels[level],
                        weight=table.weights[level] if adjusted is None else adjusted,
                        term_frequency_adjusted=adjusted is not None,
                    )
                )
            results = tuple(built)
            if len(self._results) >= _RESULT_PATTERNS:
                self._results.clear()
            self._results[levels] = results
        return results


def _frequency_table(
    comparison: Comparison, table: dict[str, float] | None
) -> dict[Any, float] | None:
    """The term frequencies a :class:`_Scoring` looks values up in.

    Dates of birth are looked up as the dates profiles hold rather than as the ISO text the
    table is written in, so no text is made per scored pair. A key that is not a date's ISO
    text could never be found, and is left out.
    """
    if not comparison.term_frequency or table is None:
        return None
    if comparison.field != "date_of_birth":
        return table
    by_date: dict[Any, float] = {}
    for text, frequency in table.items():
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            continue
        if day.isoformat() == text:
            by_date[day] = frequency
    return by_date


def _dates_of(profile: Profile) -> Sequence[dt.date]:
    return profile.dobs


HOUSEHOLD_NUMBER_HOLDERS = 50
"""A national id held by more records than this is shared, whoever holds it."""

_HOUSEHOLD = "name:family_only"
"""The veto of two people with one family name: a household when they share more."""

_RESULT_PATTERNS = 65_536
"""How many distinct comparison patterns a model keeps built results for."""


@attrs.frozen(kw_only=True)
class _Scoring:
    """One comparison, ready to score: its comparator, weights and conflicting levels."""

    comparison: Comparison
    compare: Callable[[Profile, Profile], int | None]
    weights: tuple[float, ...]
    conflicts: frozenset[int]
    vetoes: frozenset[int]
    chain_vetoes: frozenset[int]
    overrules: bool
    """Whether this comparison, when it agrees, helps overrule a veto."""
    agreeing: frozenset[int]
    """The levels at which it helps overrule a veto."""
    frequencies: dict[Any, float] | None
    exact: Callable[[Profile], Sequence[Any]]
    conflict_names: tuple[str, ...]

    def frequency(self, left: Profile, right: Profile) -> float | None:
        """The lowest known frequency among the exact values the two profiles share."""
        table = self.frequencies
        assert table is not None
        mine, theirs = self.exact(left), self.exact(right)
        if len(mine) == 1 and len(theirs) == 1:  # the common case, without sets
            value = mine[0]
            return table.get(value) if value == theirs[0] else None
        common = set(mine) & set(theirs)
        return min((table[v] for v in common if v in table), default=None)


# ------------------------------------------------------------------------------------ training


def _record_id(record: Record) -> str:
    return record.id


def _pairs_in(size: int) -> int:
    return size * (size - 1) // 2


def _sample_pairs(
    groups: Sequence[Sequence[int]], limit: int, rng: random.Random
) -> list[tuple[int, int]]:
    """Distinct pairs ``(i, j)``, ``i < j``, of two members of one group: all, or ``limit``.

    ``groups`` hold distinct record indices in increasing order. When the groups hold more
    than ``limit`` pairs, ``limit`` of them are drawn uniformly without replacement with
    ``rng`` by their position in a virtual list of every pair, which is never built: time
    and memory grow with ``limit``, not with the square of a block's size (a common date of
    birth among a million records). A pair found in two groups is kept once, so a sample
    may hold slightly fewer than ``limit`` pairs.
    """
    kept = [group for group in groups if len(group) >= 2]
    ends = list(itertools.accumulate(_pairs_in(len(group)) for group in kept))
    total = ends[-1] if ends else 0
    if total <= limit:
        every = (
            (group[i], group[j]) for group in kept for j in range(1, len(group)) for i in range(j)
        )
        return list(dict.fromkeys(every))
    picked = []
    for position in sorted(rng.sample(range(total), limit)):
        index = bisect.bisect_right(ends, position)
        offset = position - (ends[index - 1] if index else 0)
        # pairs of a group listed as (0, 1), (0, 2), (1, 2), (0, 3) …: offset j(j-1)/2 + i
        j = (1 + math.isqrt(8 * offset + 1)) // 2
        i = offset - j * (j - 1) // 2
        group = kept[index]
        picked.append((group[i], group[j]))
    return list(dict.fromkeys(picked))


def _blocks(held: Sequence[str], owners: Sequence[int], tally: Counter[str]) -> list[list[int]]:
    """The records sharing each value held by two or more (``owners[k]`` holds ``held[k]``)."""
    blocks: dict[str, list[int]] = {}
    for value, owner in zip(held, owners, strict=True):
        if tally[value] >= 2:
            blocks.setdefault(value, []).append(owner)
    return list(blocks.values())


def _patterns(
    profiles: Sequence[Profile],
    pairs: Sequence[tuple[int, int]],
    comparators: Sequence[Callable[[Profile, Profile], int | None]],
    blocked: int,
) -> Counter[tuple[int | None, ...]]:
    """How many pairs fall into each pattern of levels (the blocked comparison agrees)."""
    lefts = [profiles[i] for i, _ in pairs]
    rights = [profiles[j] for _, j in pairs]
    # one column of levels per comparison, a whole column at once; the blocked one agrees
    columns: list[Iterable[int | None]] = [
        itertools.repeat(0, len(lefts)) if index == blocked else map(compare, lefts, rights)
        for index, compare in enumerate(comparators)
    ]
    return Counter(zip(*columns, strict=True))


def _em(
    model: MatchModel,
    patterns: Counter[tuple[int | None, ...]],
    m: list[list[float]],
    u: list[list[float]],
    skip: int,
    iterations: int,
) -> tuple[list[list[float]], float]:
    share = 0.1
    total = sum(patterns.values())
    for _ in range(iterations):
        sums = [[0.0] * len(row) for row in m]
        present = [0.0] * len(m)
        matched = 0.0
        for pattern, count in patterns.items():
            odds = share / (1.0 - share)
            for index, level in enumerate(pattern):
                if level is None or index == skip:
                    continue
                odds *= m[index][level] / u[index][level]
            probability = odds / (1.0 + odds) if odds != math.inf else 1.0
            weight = probability * count
            matched += weight
            for index, level in enumerate(pattern):
                if level is None:
                    continue
                sums[index][level] += weight
                present[index] += weight
        share = min(max(matched / total, 1e-6), 1.0 - 1e-6)
        for index, row in enumerate(sums):
            if index == skip or present[index] < _EM_MIN_MATCHES:
                continue  # too few matches carry this comparison to learn from
            size = len(row)
            m[index] = [(value + 1e-3) / (present[index] + 1e-3 * size) for value in row]
    del model
    return m, share


_EM_MIN_MATCHES = 20.0
"""How many (expected) matching pairs must carry a comparison for EM to learn its ``m``."""

_EM_BLOCKS = ("date_of_birth", "name")
"""The fields EM blocks on, in order: the date of birth teaches the others, the name it."""


def _exact_u(agreeing: int, pairs: int, size: int) -> float:
    """``u`` of an exact level: the share of pairs of distinct records sharing a value.

    ``agreeing`` is the sum over values of ``c (c - 1) / 2`` for a value held by ``c``
    records, ``pairs`` the number of pairs of records holding the field; the same additive
    smoothing as sampled levels keeps a field whose values are all distinct from giving
    ``u = 0``.
    """
    return (agreeing + 0.5) / (pairs + 0.5 * size)


def estimate(
    records: Iterable[Record],
    model: MatchModel | None = None,
    *,
    seed: int = 0,
    u_pairs: int = 20_000,
    em_pairs: int = 200_000,
    iterations: int = 25,
) -> MatchModel:
    """A model whose parameters are estimated from unlabelled ``records``.

    * ``u`` of each exact level: computed, not sampled, from the frequencies of the exact
      values over all records: the share of pairs of distinct records that share a value,
      the sum over values of ``c (c - 1)`` over ``p (p - 1)`` for a value held by ``c`` of
      the ``p`` records holding the field (lightly smoothed, so it is never 0).
    * ``u`` of each other level: its share among the non-exact comparisons of ``u_pairs``
      random pairs (nearly all of them are two different customers), drawn with
      ``random.Random(seed)`` so a run replays.
    * ``m`` of each level: expectation maximisation over up to ``em_pairs`` pairs blocked
      on an exact date of birth (which teaches every other comparison) and as many blocked
      on an exact name (which teaches the date of birth), each comparison learning only
      from the block on another field. When the blocks hold more pairs than that, a sample
      is drawn with the same seed, without listing every pair.
    * the prior: the matches EM finds among date-of-birth pairs, divided by the share of
      matches that agree on the date of birth, over all pairs.
    * term frequencies of exact names, dates, addresses and national ids.

    Rules, thresholds, guards and blocking are kept from ``model``. Comparisons a sample
    cannot inform keep their previous parameters. Re-estimating changes the model; give the
    new model to :meth:`Resolver.set_model`, which logs the change. Like a large
    :meth:`Resolver.resolve_many`, a large estimate may run inside
    :func:`~omnicontact.gc_paused` (it makes no reference cycles).
    """
    records = list(records)
    return _estimate(
        records,
        model or MatchModel(),
        seed=seed,
        u_pairs=u_pairs,
        em_pairs=em_pairs,
        iterations=iterations,
    )


def _estimate(
    records: list[Record],
    model: MatchModel,
    *,
    seed: int,
    u_pairs: int,
    em_pairs: int,
    iterations: int,
) -> MatchModel:
    rng = random.Random(seed)
    # In the order of record ids, so that the model is a function of the set of records
    # (the sampled pairs are drawn by position), never of the order they were given in.
    records = sorted(records, key=_record_id)
    profiles = [Profile(record) for record in records]  # comparisons need no rule keys
    n = len(profiles)
    if n < 2:
        return model
    fields = [c.field for c in model.comparisons]
    comparators = [COMPARATORS[field] for field in fields]
    m = [list(c.m) for c in model.comparisons]
    u = [list(c.u) for c in model.comparisons]
    # How many records hold each exact value, per field: exact u and term frequencies.
    tallies: list[Counter[str]] = []
    present: list[int] = []
    holdings: dict[str, tuple[list[str], list[int]]] = {}  # of the fields EM blocks on
    for field in fields:
        values_of = exact_values_of(field)
        held: list[str] = []  # each record's distinct values, one after another
        owners: list[int] = []  # the record holding each of them
        count = 0
        for index, profile in enumerate(profiles):
            values = values_of(profile)
            if not values:
                continue
            count += 1
            if len(values) == 1:
                held.append(values[0])
                owners.append(index)
            else:
                distinct = dict.fromkeys(values)  # in a fixed order, unlike a set
                held.extend(distinct)
                owners.extend([index] * len(distinct))
        tallies.append(Counter(held))
        present.append(count)
        if field in _EM_BLOCKS:
            holdings[field] = (held, owners)
    agreeing = [sum(_pairs_in(c) for c in tally.values()) for tally in tallies]
    # u of the other levels from random pairs, exact agreements left out
    draw = rng.random
    lefts: list[Profile] = []
    rights: list[Profile] = []
    for _ in range(u_pairs):
        i, j = int(draw() * n), int(draw() * n)
        if i != j:
            lefts.append(profiles[i])
            rights.append(profiles[j])
    counts: list[list[int]] = []
    for params, compare in zip(u, comparators, strict=True):
        found = Counter(map(compare, lefts, rights))  # a whole column of levels at once
        # neither missing (None) nor exact (0)
        counts.append([0] + [found[level] for level in range(1, len(params))])
    for index, row in enumerate(counts):
        seen = sum(row)
        if seen >= 100:
            exact = _exact_u(agreeing[index], _pairs_in(present[index]), len(row))
            rest = 1.0 - exact
            share = seen + 0.5 * (len(row) - 1)
            u[index] = [exact, *(rest * (value + 0.5) / share for value in row[1:])]
    # m and the prior by EM over blocked pairs
    learned: dict[int, list[list[float]]] = {}
    dob_share = None
    for blocked in _EM_BLOCKS:
        if blocked not in fields:
            continue
        skip = fields.index(blocked)
        pairs = _sample_pairs(_blocks(*holdings[blocked], tallies[skip]), em_pairs, rng)
        if len(pairs) < 50:
            continue
        patterns = _patterns(profiles, pairs, comparators, skip)
        start = [list(row) for row in m]
        result, share = _em(model, patterns, start, u, skip, iterations)
        for index in range(len(fields)):
            if index != skip:
                learned.setdefault(index, []).append(result[index])
        if blocked == "date_of_birth":
            dob_share = share
    for index, rows in learned.items():
        m[index] = [sum(values) / len(rows) for values in zip(*rows, strict=True)]
    prior = model.prior
    if dob_share is not None:
        dob = fields.index("date_of_birth")
        recall = m[dob][0]
        matches = dob_share * agreeing[dob] / max(recall, 1e-3)
        prior = min(max(matches / (n * (n - 1) / 2), 1e-9), 0.5)
    # term frequencies (values seen at least twice)
    frequencies: dict[str, dict[str, float]] = {}
    for field, tally, count in zip(fields, tallies, present, strict=True):
        if count:
            frequencies[field] = {
                value: times / count for value, times in tally.items() if times >= 2
            }
    comparisons = tuple(
        attrs.evolve(c, m=tuple(m[index]), u=tuple(u[index]))
        for index, c in enumerate(model.comparisons)
    )
    return attrs.evolve(model, comparisons=comparisons, prior=prior, term_frequencies=frequencies)
