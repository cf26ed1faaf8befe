"""Explanations: why two records are, or are not, one customer — as data and as text."""

from __future__ import annotations

import math
import os
from typing import Any

import attrs

from ..exceptions import InvalidValueError
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

    def _prior_weight(self) -> float:
        """The prior's weight in bits: the pair's weight less its comparisons' weights."""
        return self.evidence.weight - sum(result.weight for result in self.evidence.comparisons)

    def save_chart(self, path: str | os.PathLike[str]) -> None:
        """Draw the direct comparison's match weights as a waterfall to ``path`` (PNG, SVG
        or PDF, by its suffix): the prior, then each comparison's weight in bits, adding up
        to the pair's weight, with the match threshold's weight marked. Needs the ``chart``
        extra (matplotlib).

        Raises :class:`~omnicontact.exceptions.InvalidValueError` when the pair was decided
        by a rule alone (no comparison was scored).
        """
        e = self.evidence
        if all(result.level == "missing" for result in e.comparisons):
            raise InvalidValueError("evidence", e.rule, "a chart needs scored comparisons")
        try:
            from matplotlib.figure import Figure
        except ImportError:
            raise ModuleNotFoundError(
                "a chart needs matplotlib: pip install 'omnicontact[chart]'", name="matplotlib"
            ) from None
        steps = [("prior", self._prior_weight())] + [
            (f"{result.field}: {result.level}", result.weight) for result in e.comparisons
        ]
        # A Figure of its own, without pyplot: nothing global is switched in the host.
        figure = Figure(figsize=(7.0, 0.45 * len(steps) + 1.6), layout="constrained")
        axes = figure.add_subplot()
        start, ends = 0.0, [0.0, e.weight]
        for row, (_label, weight) in enumerate(steps):
            colour = "tab:green" if weight > 0 else "tab:red" if weight < 0 else "tab:gray"
            axes.barh(row, weight, left=start, color=colour)
            axes.text(
                start + weight,
                row,
                f" {weight:+.1f} " if weight else "",
                va="center",
                ha="left" if weight >= 0 else "right",
                fontsize=8,
            )
            start += weight
            ends.append(start)
        axes.barh(len(steps), e.weight, color="tab:blue")
        axes.text(e.weight, len(steps), f" {e.weight:+.1f}", va="center", fontsize=8)
        if 0.0 < self.match_threshold < 1.0:  # the weight a match needs (none at 0 or 1)
            threshold = math.log2(self.match_threshold / (1.0 - self.match_threshold))
            ends.append(threshold)
            axes.axvline(threshold, color="black", linestyle="--", linewidth=1)
        axes.set_yticks(
            range(len(steps) + 1),
            [label for label, _ in steps] + [f"total ({e.outcome.value})"],
        )
        axes.invert_yaxis()
        pad = 0.12 * (max(ends) - min(ends) or 1.0)
        axes.set_xlim(min(ends) - pad, max(ends) + pad)
        axes.axvline(0.0, color="gray", linewidth=0.5)
        axes.set_xlabel(f"match weight, bits (dashed: match at {self.match_threshold})")
        axes.set_title(f"{self.left} and {self.right}: probability {e.probability:.4f}")
        figure.savefig(path)

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
            prior = self._prior_weight()
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
