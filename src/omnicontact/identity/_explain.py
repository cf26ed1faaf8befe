"""Explanations: why two records are, or are not, one customer — as data and as text."""

from __future__ import annotations

from typing import Any

import attrs

from ._events import Judgement
from ._fellegi_sunter import Outcome, PairEvidence
from ._graph import Rejection

__all__ = ["Explanation", "PathStep"]


@attrs.frozen(kw_only=True)
class PathStep:
    """One link of the chain that joins two records of one customer."""

    left: str
    right: str
    via: str
    """``match`` (a scored or rule match) or ``judgement:<id>``."""
    evidence: PairEvidence | None = None


@attrs.frozen(kw_only=True)
class Explanation:
    """The whole case for or against two records being one customer.

    ``evidence`` is the direct comparison of the pair (rules, comparison levels, weights);
    ``candidate`` says whether blocking put the pair up for comparison at all; ``path`` is
    the chain of matches that joins them when they are one customer (they may be joined
    through other records); ``rejections`` are the joins that a judgement or guard refused;
    ``judgements`` are the judgements about this very pair.
    """

    left: str
    right: str
    left_customer: str
    right_customer: str
    same_customer: bool
    candidate: bool
    evidence: PairEvidence
    path: tuple[PathStep, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    judgements: tuple[Judgement, ...] = ()
    match_threshold: float = 0.95
    review_threshold: float = 0.5

    def as_dict(self) -> dict[str, Any]:
        """The explanation as plain data (JSON-ready)."""

        def plain(_instance: Any, _field: Any, value: Any) -> Any:
            if isinstance(value, Outcome):
                return value.value
            if isinstance(value, frozenset):
                return sorted(value)
            if hasattr(value, "isoformat"):
                return value.isoformat()
            return value

        return attrs.asdict(self, value_serializer=plain)

    def text(self) -> str:
        """A readable account, one fact per line."""
        e = self.evidence
        verdict = "the same customer" if self.same_customer else "different customers"
        lines = [f"Records {self.left} and {self.right} are {verdict}."]
        if self.same_customer:
            lines.append(f"  customer: {self.left_customer}")
        else:
            lines.append(f"  customers: {self.left_customer} and {self.right_customer}")
        lines.append(
            f"Direct comparison: {e.outcome.value} (weight {e.weight:+.2f} bits, "
            f"probability {e.probability:.4f}; match at >= {self.match_threshold}, "
            f"review at >= {self.review_threshold})"
            + ("" if self.candidate else "; blocking did not pair them")
        )
        if e.rule:
            lines.append(f"  rule {e.rule} fired")
        for slot in e.related_by:
            if slot == "household":
                lines.append(
                    "  household: one family name and an address or contact identifier, "
                    "but given names that clearly differ"
                )
            else:
                lines.append(f"  they share a {slot} that is not evidence (shared, or vetoed)")
        for veto in e.vetoes:
            lines.append(f"  veto {veto}: never one customer, whatever the other evidence")
        for conflict in e.conflicts:
            if conflict not in e.vetoes:
                lines.append(f"  conflict {conflict} vetoes identifier rules")
        if e.comparisons:
            prior = e.weight - sum(result.weight for result in e.comparisons)
            lines.append(f"  prior: {prior:+.2f} (two records taken at random, before evidence)")
        for result in e.comparisons:
            note = " (term-frequency adjusted)" if result.term_frequency_adjusted else ""
            lines.append(f"  {result.field}: {result.level} {result.weight:+.2f}{note}")
        if self.path:
            lines.append("Joined through:")
            for step in self.path:
                how = step.via
                if step.evidence is not None:
                    how = step.evidence.rule or f"score {step.evidence.probability:.4f}"
                lines.append(f"  {step.left} -- {step.right} ({how})")
        for rejection in self.rejections:
            lines.append(
                f"Join {rejection.left} -- {rejection.right} refused by {rejection.reason}"
            )
        for judgement in self.judgements:
            kind = "same" if judgement.same else "not the same"
            note = f": {judgement.reason}" if judgement.reason else ""
            lines.append(f"Judgement {judgement.id} says {kind}{note}")
        return "\n".join(lines)
