"""Replay: run a policy over a history of contacts before deploying it, and compare two policies."""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from .._model import Contact
from .._serialization import from_dict
from ..exceptions import InvalidValueError, SerializationError
from ._decision import Decision, Route
from ._facts import CustomerView, Facts, Signal, trusted_view
from ._policy import Policy, guarantee_violations

__all__ = [
    "Change",
    "PolicyDiff",
    "ReplayReport",
    "Violation",
    "compare_policies",
    "customer_key",
    "read_contacts",
    "replay",
]

CustomerKey = Callable[[Contact], "str | None"]


def customer_key(contact: Contact) -> str | None:
    """Whose contact this is, for replay: the ``customer_id`` attribute, else the first
    identifier's key, else ``None`` (an unknown customer with no history)."""
    given = contact.attributes.get(Signal.CUSTOMER_ID)
    if isinstance(given, str):
        return given
    if contact.identifiers:
        return contact.identifiers[0].key
    return None


@attrs.frozen(kw_only=True)
class Violation:
    """A decision that broke built-in guarantees (ids from ``GUARANTEES``)."""

    contact_id: str
    guarantees: tuple[str, ...]


@attrs.frozen(kw_only=True)
class ReplayReport:
    """What a policy would have done with a history of contacts.

    ``by_target`` counts decisions per ``route:target`` label; ``load`` gives, per human
    queue, the contacts per hour (UTC, ``YYYY-MM-DDTHH``; a callback counts in the hour it is
    scheduled for).
    """

    policy_id: str
    policy_version: str
    total: int
    by_route: dict[str, int]
    by_target: dict[str, int]
    load: dict[str, dict[str, int]]
    violations: tuple[Violation, ...]
    decisions: tuple[Decision, ...] = ()

    def share(self, route: Route | str) -> float:
        """The share of contacts sent on ``route`` (0 when the history is empty)."""
        key = Route(route).value
        return self.by_route.get(key, 0) / self.total if self.total else 0.0

    def shares(self) -> dict[str, float]:
        """The share of each ``route:target`` label, largest first."""
        if not self.total:
            return {}
        ordered = sorted(self.by_target.items(), key=lambda item: (-item[1], item[0]))
        return {label: count / self.total for label, count in ordered}

    def peak(self, queue: str) -> tuple[str, int] | None:
        """The busiest hour of ``queue`` and its load, or ``None`` if it got nothing."""
        hours = self.load.get(queue)
        if not hours:
            return None
        return max(hours.items(), key=lambda item: (item[1], item[0]))

    def summary(self) -> str:
        """A short plain-text report."""
        lines = [f"policy {self.policy_id} {self.policy_version}: {self.total} contacts"]
        for label, share in self.shares().items():
            lines.append(f"  {label:<40} {self.by_target[label]:>9}  {share:7.2%}")
        for queue in sorted(self.load):
            peak = self.peak(queue)
            if peak is not None:
                lines.append(f"  peak of {queue}: {peak[1]} contacts in hour {peak[0]}")
        lines.append(f"  guarantee violations: {len(self.violations)}")
        return "\n".join(lines)


@attrs.frozen(kw_only=True)
class Change:
    """A contact whose decision differs between two policies."""

    contact_id: str
    before: Decision
    after: Decision


@attrs.frozen(kw_only=True)
class PolicyDiff:
    """The decisions that change from one policy to another over the same history.

    ``shifts`` counts the moves ``before label → after label``.
    """

    before: ReplayReport
    after: ReplayReport
    changes: tuple[Change, ...]
    shifts: dict[tuple[str, str], int]

    def summary(self) -> str:
        """A short plain-text report of the shifts."""
        total = self.before.total
        lines = [
            f"{len(self.changes)} of {total} decisions change "
            f"({self.before.policy_id} {self.before.policy_version} → "
            f"{self.after.policy_id} {self.after.policy_version})"
        ]
        for (old, new), count in sorted(self.shifts.items(), key=lambda item: -item[1]):
            lines.append(f"  {old} → {new}: {count}")
        return "\n".join(lines)


def _decisions(
    policy: Policy,
    contacts: Iterable[Contact],
    customers: Mapping[str, CustomerView] | None,
    key: CustomerKey,
) -> Iterator[tuple[Facts, Decision]]:
    """Decide each contact in time order, with the customer's history as it was then."""
    known = customers or {}
    recent: dict[str, deque[Contact]] = defaultdict(deque)
    window = policy.window
    unknown = CustomerView()
    history = list(contacts)
    for item in history:
        if not isinstance(item, Contact):
            raise InvalidValueError("contacts", item, "is not a Contact")
    history.sort(key=_ORDER)
    for contact in history:
        who = key(contact)
        if who is None:
            view = unknown
        else:
            base = known.get(who)
            past = recent[who]
            since = contact.occurred_at - window
            while past and past[0].occurred_at < since:
                past.popleft()
            if base is None:
                # past: this customer's earlier contacts of the stream, in time order
                view = trusted_view(who, tuple(past))
            elif past:
                view = attrs.evolve(base, contacts=(*base.contacts, *past))
            else:
                view = base
            past.append(contact)
        facts = policy.facts(contact, view, at=contact.occurred_at)
        yield facts, policy.decide_facts(facts)


_ORDER = operator.attrgetter("occurred_at", "id")
_UTC_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _hour(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H")


class _Tally:
    def __init__(self, policy: Policy, keep: bool) -> None:
        self.policy = policy
        self.keep = keep
        self.total = 0
        self.by_route: Counter[str] = Counter()
        self.by_target: Counter[str] = Counter()
        self.load: dict[str, Counter[str]] = defaultdict(Counter)
        self.violations: list[Violation] = []
        self.decisions: list[Decision] = []
        self.hours: dict[int, str] = {}  # hours since the epoch -> their label

    def hour(self, moment: dt.datetime) -> str:
        delta = moment - _UTC_EPOCH
        index = (delta.days * 86400 + delta.seconds) // 3600
        label = self.hours.get(index)
        if label is None:
            label = self.hours[index] = _hour(moment)
        return label

    def add(self, facts: Facts, decision: Decision) -> None:
        self.total += 1
        self.by_route[decision.route.value] += 1
        self.by_target[decision.label] += 1
        if decision.route is not Route.SELF_SERVICE:
            when = decision.callback_at or decision.decided_at
            self.load[decision.target][self.hour(when)] += 1
        broken = guarantee_violations(self.policy, facts, decision)
        if broken:
            self.violations.append(
                Violation(contact_id=decision.contact_id, guarantees=tuple(broken))
            )
        if self.keep:
            self.decisions.append(decision)

    def report(self) -> ReplayReport:
        return ReplayReport(
            policy_id=self.policy.id,
            policy_version=self.policy.version,
            total=self.total,
            by_route=dict(self.by_route),
            by_target=dict(self.by_target),
            load={queue: dict(hours) for queue, hours in self.load.items()},
            violations=tuple(self.violations),
            decisions=tuple(self.decisions),
        )


def replay(
    policy: Policy,
    contacts: Iterable[Contact],
    *,
    customers: Mapping[str, CustomerView] | None = None,
    key: CustomerKey = customer_key,
    keep_decisions: bool = False,
) -> ReplayReport:
    """Run ``policy`` over past ``contacts`` as if it had been live, and report.

    Each contact is decided at its own ``occurred_at`` with the history of its customer
    (found by ``key``) as it stood then: the earlier contacts in the stream within the policy's
    window, added to what ``customers`` says of them (segment, preferences, older history).
    """
    tally = _Tally(policy, keep_decisions)
    for facts, decision in _decisions(policy, contacts, customers, key):
        tally.add(facts, decision)
    return tally.report()


def _outcome(decision: Decision) -> tuple[Any, ...]:
    return (
        decision.route,
        decision.target,
        decision.skills,
        decision.priority,
        decision.channel,
        decision.callback_at,
        decision.meanwhile,
    )


def compare_policies(
    before: Policy,
    after: Policy,
    contacts: Iterable[Contact],
    *,
    customers: Mapping[str, CustomerView] | None = None,
    key: CustomerKey = customer_key,
) -> PolicyDiff:
    """Replay both policies over the same ``contacts`` and list the decisions that change.

    A decision changes when its route, target, skills, priority, channel, callback time or
    meanwhile flow differ (not merely the rule ids or the policy version).
    """
    history = list(contacts)
    old = _Tally(before, keep=False)
    new = _Tally(after, keep=False)
    changes: list[Change] = []
    shifts: Counter[tuple[str, str]] = Counter()
    pairs = zip(
        _decisions(before, history, customers, key),
        _decisions(after, history, customers, key),
        strict=True,
    )
    for (facts_a, decision_a), (facts_b, decision_b) in pairs:
        old.add(facts_a, decision_a)
        new.add(facts_b, decision_b)
        if _outcome(decision_a) != _outcome(decision_b):
            changes.append(
                Change(contact_id=decision_a.contact_id, before=decision_a, after=decision_b)
            )
            shifts[(decision_a.label, decision_b.label)] += 1
    return PolicyDiff(
        before=old.report(), after=new.report(), changes=tuple(changes), shifts=dict(shifts)
    )


def read_contacts(path: str | Path) -> list[Contact]:
    """Contacts from a file in the library's JSON format: one document per line (JSON
    Lines), or a JSON array of documents (as written by :func:`omnicontact.to_dict`)."""
    text = Path(path).read_text(encoding="utf-8")
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            documents = json.loads(text)
        except json.JSONDecodeError as error:
            raise SerializationError(f"{path}: not JSON: {error}") from None
        numbered = list(enumerate(documents, start=1))
    else:
        numbered = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    numbered.append((number, json.loads(line)))
                except json.JSONDecodeError as error:
                    raise SerializationError(f"{path}:{number}: not JSON: {error}") from None
    contacts = []
    for number, document in numbered:
        try:
            contacts.append(from_dict(document, Contact))
        except SerializationError as error:
            raise SerializationError(f"{path}:{number}: {error}") from None
    return contacts
