"""The identity graph: the partition of records into customers, as a pure function.

:func:`partition` takes a set of records, the match edges among them, the judgements and
the guard policy, and returns the customers. Edges are processed in one canonical order —
"same" judgements first, then deterministic-rule matches, then scored matches by weight
descending, ties broken by record ids — and two customers are joined only when no "not the
same" judgement, no vetoed pair (two records whose given names clearly differ) and no guard
forbids it. The order depends on the inputs alone, never on
when records arrived, so the partition is a function of its inputs.

The function is *local*: a group of records connected by match edges is partitioned using
only the edges, judgements and values inside it. The resolver therefore recomputes just
the groups a change touches, and gets exactly what a full recomputation would.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet

import attrs

from ._events import Judgement
from ._fellegi_sunter import Outcome, PairEvidence
from ._guards import GuardPolicy

__all__ = ["Rejection", "customer_id_for", "match_order", "partition"]

_CUSTOMER_NAMESPACE = uuid.UUID("2b0f5c1e-8d7a-4c55-a1f7-4a4f1b5f9e63")
_NAMESPACE_BYTES = _CUSTOMER_NAMESPACE.bytes


def customer_id_for(anchor_record_id: str) -> str:
    """The id of a customer anchored on a record: ``cus_`` + a UUID 5 of the record id.

    A customer's anchor is its earliest record by ``(observed_at, record id)``; so when
    customers merge the id of the one with the earliest record survives, and a customer's
    id is the same in every run over the same records.
    """
    # uuid.uuid5 spelled out (SHA-1 of namespace and name, version and variant bits set),
    # without building a UUID object: one call per customer of every batch.
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + anchor_record_id.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    return "cus_" + digest.hex()


@attrs.frozen(kw_only=True)
class Rejection:
    """A match edge that was not followed, and why: ``judgement:<id>``, ``guard:<slot>``, or
    ``conflict:<field>:<level>`` (a vetoed pair, such as two given names that clearly
    differ, would have ended up in one customer)."""

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
    veto: Callable[[str, str], str | None] | None = None,
    trace: bool = False,
) -> tuple[list[frozenset[str]], list[Rejection]]:
    """The customers formed by ``records``.

    ``values(record_id)`` gives the guard-counted value keys of a record by slot; edges and
    judgements naming records outside ``records`` are ignored. ``veto(a, b)`` names the
    conflict (``name:family_only`` …) that forbids two records that do not match each other
    directly from being one customer, or ``None``: no customer ever holds two such records,
    whether or not blocking compared them, unless a "same" judgement joins them. With
    ``trace``, the refused joins are returned too (for explanations).
    """
    nodes = records if isinstance(records, set | frozenset) else set(records)
    limits = guards.max_distinct
    # Union-find over the records. Most customers are one record, so a record enters
    # ``parent`` only once joined below another root, and ``members`` / ``counted`` hold
    # only roots of two or more records.
    parent: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    counted: dict[str, dict[str, set[str]]] = {}

    def find(item: str) -> str:
        root = item
        while root in parent:
            root = parent[root]
        while item != root:
            parent[item], item = root, parent[item]
        return root

    def group(root: str) -> list[str]:
        return members.get(root) or [root]

    def counts(root: str) -> Mapping[str, AbstractSet[str]]:
        found = counted.get(root)
        return found if found is not None else values(root)

    cannot: dict[str, list[tuple[str, str]]] = {}  # from "not the same" judgements
    vetoes: dict[tuple[str, str], str | None] = {}  # veto() of the pairs looked at, by pair
    ordered: list[tuple[int, float, str, str]] = []  # match_order: rank, -weight, left, right
    for judgement in sorted(judgements, key=lambda j: j.id):
        left = sorted(r for r in judgement.left if r in nodes)
        right = sorted(r for r in judgement.right if r in nodes)
        if not left or not right:
            continue
        if judgement.same:
            for other in (*left[1:], *right):
                ordered.append((0, 0.0, left[0], other))
        else:
            why = f"judgement:{judgement.id}"
            for a in left:
                for b in right:
                    cannot.setdefault(a, []).append((b, why))
                    cannot.setdefault(b, []).append((a, why))
    for edge in edges:
        if edge.outcome is Outcome.MATCH and edge.left in nodes and edge.right in nodes:
            ordered.append(match_order(edge))
            vetoes[(edge.left, edge.right)] = None  # records that match directly: no veto
    ordered.sort()

    rejections: list[Rejection] = []
    for rank, _weight, a, b in ordered:
        root_a, root_b = find(a), find(b)
        if root_a == root_b:
            continue
        group_a, group_b = group(root_a), group(root_b)
        counts_a, counts_b = counts(root_a), counts(root_b)
        reason = _refusal(group_a, group_b, counts_a, counts_b, cannot, limits, find)
        if reason is None and rank > 0 and veto is not None:  # a person's judgement overrules
            reason = _vetoed(group_a, group_b, veto, vetoes, trace=trace)
        if reason is not None:
            if trace:
                rejections.append(Rejection(left=a, right=b, reason=reason))
            continue
        if len(group_a) < len(group_b):
            root_a, root_b = root_b, root_a
            group_a, group_b = group_b, group_a
            counts_a, counts_b = counts_b, counts_a
        parent[root_b] = root_a
        group_a.extend(group_b)  # the larger group grows in place
        members[root_a] = group_a
        members.pop(root_b, None)
        # a root joined for the first time gets sets of its own, to grow (only slots that
        # have a cap count)
        grown = counted.get(root_a)
        if grown is None:
            grown = {slot: set(keys) for slot, keys in counts_a.items() if slot in limits}
            counted[root_a] = grown
        for slot, keys in counts_b.items():
            if slot in limits:
                grown.setdefault(slot, set()).update(keys)
        counted.pop(root_b, None)
    groups = [
        frozenset(members[root]) if root in members else frozenset((root,))
        for root in sorted(nodes)
        if root not in parent
    ]
    return groups, rejections


def _refusal(
    group_a: list[str],
    group_b: list[str],
    counts_a: Mapping[str, AbstractSet[str]],
    counts_b: Mapping[str, AbstractSet[str]],
    cannot: Mapping[str, list[tuple[str, str]]],
    limits: Mapping[str, int],
    find: Callable[[str], str],
) -> str | None:
    if cannot:
        reason = _forbidden(group_a, group_b, cannot, find)
        if reason is not None:
            return reason
    for slot in sorted(set(counts_a) | set(counts_b)):
        limit = limits.get(slot)
        if limit is None:
            continue
        mine, theirs = counts_a.get(slot, _NONE), counts_b.get(slot, _NONE)
        if len(mine) + len(theirs) > limit and len(mine | theirs) > limit:
            return f"guard:{slot}"
    return None


def _vetoed(
    group_a: list[str],
    group_b: list[str],
    veto: Callable[[str, str], str | None],
    seen: dict[tuple[str, str], str | None],
    *,
    trace: bool,
) -> str | None:
    """The conflict forbidding a record of one group to be one customer with the other's.

    Without ``trace`` the first conflict found is enough; with it, the first in sort order.
    """
    found: list[str] = []
    for a in group_a:
        for b in group_b:
            pair = (a, b) if a < b else (b, a)
            if pair in seen:
                reason = seen[pair]
            else:
                reason = seen[pair] = veto(*pair)
            if reason is not None:
                if not trace:
                    return f"conflict:{reason}"
                found.append(f"conflict:{reason}")
    return min(found) if found else None


def _forbidden(
    group_a: list[str],
    group_b: list[str],
    cannot: Mapping[str, list[tuple[str, str]]],
    find: Callable[[str], str],
) -> str | None:
    """The first reason (in sort order) why a record of one group may not join the other."""
    small, large = (group_a, group_b) if len(group_a) <= len(group_b) else (group_b, group_a)
    large_root = find(large[0])
    found: list[str] = []
    for record_id in small:
        for other, reason in cannot.get(record_id, ()):
            if find(other) == large_root:
                found.append(reason)
    return min(found) if found else None


_NONE: frozenset[str] = frozenset()
