"""The identity graph: the partition of records into customers, as a pure function.

:func:`partition` takes a set of records, the match edges among them, the judgements and
the guard policy, and returns the customers. Edges are processed in one canonical order —
"same" judgements first, then deterministic-rule matches, then scored matches by weight
descending, ties broken by record ids — and two customers are joined only when no "not the
same" judgement and no guard forbids it. The order depends on the inputs alone, never on
when records arrived, so the partition is a function of its inputs.

The function is *local*: a group of records connected by match edges is partitioned using
only the edges, judgements and values inside it. The resolver therefore recomputes just
the groups a change touches, and gets exactly what a full recomputation would.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping

import attrs

from ._events import Judgement
from ._fellegi_sunter import Outcome, PairEvidence
from ._guards import GuardPolicy

__all__ = ["Rejection", "customer_id_for", "match_order", "partition"]

_CUSTOMER_NAMESPACE = uuid.UUID("2b0f5c1e-8d7a-4c55-a1f7-4a4f1b5f9e63")


def customer_id_for(anchor_record_id: str) -> str:
    """The id of a customer anchored on a record: ``cus_`` + a UUID 5 of the record id.

    A customer's anchor is its earliest record by ``(observed_at, record id)``; so when
    customers merge the id of the one with the earliest record survives, and a customer's
    id is the same in every run over the same records.
    """
    return "cus_" + uuid.uuid5(_CUSTOMER_NAMESPACE, anchor_record_id).hex


@attrs.frozen(kw_only=True)
class Rejection:
    """A match edge that was not followed, and why (``judgement:<id>`` or ``guard:<slot>``)."""

    left: str
    right: str
    reason: str


def match_order(edge: PairEvidence) -> tuple[int, float, str, str]:
    """The canonical processing order of match edges."""
    rank = 1 if edge.rule is not None else 2
    return (rank, -edge.weight, edge.left, edge.right)


def partition(
    records: Iterable[str],
    edges: Iterable[PairEvidence],
    judgements: Iterable[Judgement],
    values: Callable[[str], Mapping[str, frozenset[str]]],
    guards: GuardPolicy,
    *,
    trace: bool = False,
) -> tuple[list[frozenset[str]], list[Rejection]]:
    """The customers formed by ``records``.

    ``values(record_id)`` gives the guard-counted value keys of a record by slot; edges and
    judgements naming records outside ``records`` are ignored. With ``trace``, the refused
    joins are returned too (for explanations).
    """
    parent: dict[str, str] = {}
    members: dict[str, set[str]] = {}
    counted: dict[str, dict[str, set[str]]] = {}
    limits = guards.max_distinct
    for record_id in sorted(set(records)):
        parent[record_id] = record_id
        members[record_id] = {record_id}
        counted[record_id] = {
            slot: set(keys) for slot, keys in values(record_id).items() if slot in limits
        }

    def find(item: str) -> str:
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    cannot: dict[str, list[tuple[str, str]]] = {}
    ordered: list[tuple[tuple[int, float, str, str], str, str]] = []
    for judgement in sorted(judgements, key=lambda j: j.id):
        left = sorted(r for r in judgement.left if r in parent)
        right = sorted(r for r in judgement.right if r in parent)
        if not left or not right:
            continue
        if judgement.same:
            for other in (*left[1:], *right):
                ordered.append(((0, 0.0, left[0], other), left[0], other))
        else:
            for a in left:
                for b in right:
                    cannot.setdefault(a, []).append((b, judgement.id))
                    cannot.setdefault(b, []).append((a, judgement.id))
    for edge in edges:
        if edge.outcome is Outcome.MATCH and edge.left in parent and edge.right in parent:
            ordered.append((match_order(edge), edge.left, edge.right))
    ordered.sort()

    rejections: list[Rejection] = []
    for _order, a, b in ordered:
        root_a, root_b = find(a), find(b)
        if root_a == root_b:
            continue
        reason = _refusal(root_a, root_b, members, counted, cannot, limits, find)
        if reason is not None:
            if trace:
                rejections.append(Rejection(left=a, right=b, reason=reason))
            continue
        if len(members[root_a]) < len(members[root_b]):
            root_a, root_b = root_b, root_a
        parent[root_b] = root_a
        members[root_a] |= members.pop(root_b)
        for slot, keys in counted.pop(root_b).items():
            counted[root_a].setdefault(slot, set()).update(keys)
    return [frozenset(group) for group in members.values()], rejections


def _refusal(
    root_a: str,
    root_b: str,
    members: Mapping[str, set[str]],
    counted: Mapping[str, Mapping[str, set[str]]],
    cannot: Mapping[str, list[tuple[str, str]]],
    limits: Mapping[str, int],
    find: Callable[[str], str],
) -> str | None:
    small, large = (
        (root_a, root_b) if len(members[root_a]) <= len(members[root_b]) else (root_b, root_a)
    )
    found: list[str] = []
    for record_id in members[small]:
        for other, judgement_id in cannot.get(record_id, ()):
            if find(other) == large:
                found.append(judgement_id)
    if found:
        return f"judgement:{min(found)}"
    for slot in sorted(set(counted[root_a]) | set(counted[root_b])):
        union = counted[root_a].get(slot, set()) | counted[root_b].get(slot, set())
        if len(union) > limits[slot]:
            return f"guard:{slot}"
    return None
