"""Routing policies: ordered rules over facts, and the guarantees no rule can switch off."""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from .._model import Contact, aware
from ..exceptions import InvalidValueError, PolicyError
from ._calendar import BusinessCalendar
from ._decision import Action, Decision, Route, trusted_decision
from ._facts import COMPLEXITIES, FACTS, CustomerView, Facts, is_fact_name

__all__ = [
    "GUARANTEES",
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Compare",
    "Condition",
    "Not",
    "Policy",
    "Predicate",
    "Rule",
    "guarantee_violations",
]

Test = Callable[[Facts], bool]

OPERATORS = {
    "eq": "equals",
    "ne": "differs from",
    "lt": "is less than",
    "le": "is at most",
    "gt": "is greater than",
    "ge": "is at least",
    "in": "is one of",
    "not_in": "is none of",
    "contains": "contains",
    "exists": "is known (true) or unknown (false)",
}
"""Operators a :class:`Compare` condition may use, with their meaning."""

GUARANTEES = {
    "guarantee.human-request": "an explicit request for a person is always honoured",
    "guarantee.failed-self-service": "after N failed self-service attempts a person takes over",
    "guarantee.repeat-contact": "a repeat contact on an open case skips self-service",
    "guarantee.closed-queue": "a closed queue turns into a callback at its next opening",
    "guarantee.opt-out": "the channel suggested is never one the customer opted out of",
}
"""The built-in guarantees, by the id decisions cite."""

_MISSING = object()
# Facts that are plain fields of the contact or the customer, read without the cache.
_DIRECT: dict[str, Callable[[Facts], Any]] = {
    "intent": operator.attrgetter("contact.intent"),
    "channel": operator.attrgetter("contact.channel"),
    "segment": operator.attrgetter("customer.segment"),
    "customer_value": operator.attrgetter("customer.value"),
}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_NUMBER = (int, float)


def _is_number(value: Any) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, bool) and math.isfinite(value)


def _check_compare(instance: Compare) -> None:
    if not isinstance(instance.fact, str) or not is_fact_name(instance.fact):
        raise PolicyError(f"unknown fact {instance.fact!r}")
    if instance.op not in OPERATORS:
        raise PolicyError(f"unknown operator {instance.op!r} (use one of: {', '.join(OPERATORS)})")
    value = instance.value
    if instance.op in ("lt", "le", "gt", "ge") and not _is_number(value):
        raise PolicyError(f"operator {instance.op!r} needs a number, got {value!r}")
    if instance.op in ("in", "not_in") and (
        isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, frozenset, set))
    ):
        raise PolicyError(f"operator {instance.op!r} needs a list, got {value!r}")
    if instance.op == "exists" and not isinstance(value, bool):
        raise PolicyError(f"operator 'exists' needs true or false, got {value!r}")
    if (
        instance.fact == "complexity"
        and instance.op in ("eq", "ne")
        and value is not None
        and value not in COMPLEXITIES
    ):
        raise PolicyError(f"complexity is one of {', '.join(COMPLEXITIES)}, not {value!r}")


def _hashable(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_hashable(item) for item in value)
    return value


@attrs.frozen
class Compare:
    """``fact op value``: the leaf of a declarative condition.

    An unknown fact value (``None``) never satisfies an ordering (``lt`` … ``ge``) nor
    ``contains``.

    >>> Compare("urgency", "in", ["high", "critical"])
    Compare(fact='urgency', op='in', value=('high', 'critical'))
    """

    fact: str
    op: str = "eq"
    value: Any = attrs.field(default=None, converter=_hashable)

    def __attrs_post_init__(self) -> None:
        _check_compare(self)

    def compile(self) -> Test:
        """A function of the facts that evaluates this comparison."""
        fact, value = self.fact, self.value
        op = self.op
        read = _DIRECT.get(fact) or _reader(fact)
        return _compile_read(read, op, value)

    def describe(self) -> str:
        """The condition in words."""
        return f"{self.fact} {OPERATORS[self.op]} {self.value!r}"


def _members(value: Any) -> Any:
    try:
        return frozenset(value)
    except TypeError:  # pragma: no cover - lists of lists
        return value


def _reader(name: str) -> Callable[[Facts], Any]:
    """What ``facts[name]`` does, without its dispatch on the name: the cached value, else
    the fact computed once and cached."""
    entry = FACTS.get(name)
    if entry is None:  # queue_open.<queue>, attribute.<key>
        return lambda f: f[name]
    compute = entry[1]

    def read(f: Facts) -> Any:
        cache = f._cache
        value = cache.get(name, _MISSING)
        if value is _MISSING:
            value = cache[name] = compute(f)
        return value

    return read


def _compile_read(read: Callable[[Facts], Any], op: str, value: Any) -> Test:
    """The comparison ``op value`` on the fact ``read`` returns."""
    if op == "eq":
        return lambda f: bool(read(f) == value)
    if op == "ne":
        return lambda f: bool(read(f) != value)
    if op in ("in", "not_in"):
        members = _members(value)
        if op == "in":
            return lambda f: _member(read(f), members)
        return lambda f: not _member(read(f), members)
    if op == "exists":
        return lambda f: (read(f) is not None) is value
    if op == "contains":
        return lambda f: _contains(read(f), value)
    compare = _ORDERINGS[op]
    return lambda f: _ordered(read(f), value, compare)


def _member(item: Any, members: Any) -> bool:
    try:
        return item in members
    except TypeError:
        return False


def _contains(container: Any, item: Any) -> bool:
    if container is None or not isinstance(container, (list, tuple, str, frozenset, set)):
        return False
    try:
        return item in container
    except TypeError:
        return False


def _ordered(left: Any, right: Any, compare: Callable[[Any, Any], bool]) -> bool:
    if not _is_number(left):
        return False
    return compare(left, right)


_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": lambda a, b: bool(a < b),
    "le": lambda a, b: bool(a <= b),
    "gt": lambda a, b: bool(a > b),
    "ge": lambda a, b: bool(a >= b),
}


def _conditions(value: Iterable[Condition]) -> tuple[Condition, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, _CONDITION_TYPES):
            raise PolicyError(f"{item!r} is not a condition")
    return items


@attrs.frozen
class AllOf:
    """True when every condition is (and when there are none)."""

    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def compile(self) -> Test:
        tests = tuple(condition.compile() for condition in self.conditions)

        def test_all(f: Facts) -> bool:
            for test in tests:  # noqa: SIM110 - a loop is faster than all(generator)
                if not test(f):
                    return False
            return True

        return test_all

    def describe(self) -> str:
        return "(" + " and ".join(c.describe() for c in self.conditions) + ")"


@attrs.frozen
class AnyOf:
    """True when at least one condition is."""

    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def compile(self) -> Test:
        tests = tuple(condition.compile() for condition in self.conditions)

        def test_any(f: Facts) -> bool:
            for test in tests:  # noqa: SIM110 - a loop is faster than any(generator)
                if test(f):
                    return True
            return False

        return test_any

    def describe(self) -> str:
        return "(" + " or ".join(c.describe() for c in self.conditions) + ")"


@attrs.frozen
class Not:
    """True when its condition is not."""

    condition: Condition

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.condition, _CONDITION_TYPES):
            raise PolicyError(f"{self.condition!r} is not a condition")

    def compile(self) -> Test:
        test = self.condition.compile()
        return lambda f: not test(f)

    def describe(self) -> str:
        return f"not {self.condition.describe()}"


@attrs.frozen
class Predicate:
    """A condition written in Python: a function of :class:`Facts` returning a bool.

    >>> Predicate(lambda facts: facts.customer.segment == "gold", name="gold customer").name
    'gold customer'
    """

    function: Callable[[Facts], bool]
    name: str = ""

    def __attrs_post_init__(self) -> None:
        if not callable(self.function):
            raise PolicyError(f"{self.function!r} is not callable")

    def compile(self) -> Test:
        function = self.function
        return lambda f: bool(function(f))

    def describe(self) -> str:
        return self.name or getattr(self.function, "__name__", "a Python predicate")


Condition = Compare | AllOf | AnyOf | Not | Predicate
_CONDITION_TYPES = (Compare, AllOf, AnyOf, Not, Predicate)


# ---- rule index
#
# Most rules of a real policy start by testing one plain field for equality ("intent is
# billing"). Such a rule cannot hold for a contact whose field has another value, and its
# test returns false at that first comparison without reading anything else. So the policy
# keeps, for each value of the most tested field, the ordered subsequence of its rules that
# can still hold, and one dict lookup replaces most tests. Order (first match wins), every
# side effect of a Python predicate and every error a fact raises stay exactly as in a
# linear evaluation, because a skipped rule is one whose evaluation would have stopped at
# that very comparison.

_INDEXABLE = ("intent", "channel", "segment")
"""Facts a policy may index its rules by: plain fields read without computation."""

Entry = tuple[Test, Action, str, str]
"""A compiled rule: its test, its action, its id and the reason it gives."""


def _guard(condition: Condition) -> tuple[str, frozenset[str | None]] | None:
    """``(fact, values)`` when ``condition`` is false, with no other effect, whenever the
    plain field ``fact`` is text or null and not among ``values``; else ``None``."""
    if isinstance(condition, Compare):
        if condition.fact not in _INDEXABLE:
            return None
        if condition.op == "eq":
            values: tuple[Any, ...] = (condition.value,)
        elif condition.op == "in":
            values = tuple(condition.value)
        elif condition.op == "exists" and condition.value is False:
            values = (None,)
        else:
            return None
        if all(value is None or type(value) is str for value in values):
            return condition.fact, frozenset(values)
        return None
    if isinstance(condition, AllOf):
        # evaluated left to right: a false first condition ends the evaluation
        return _guard(condition.conditions[0]) if condition.conditions else None
    if isinstance(condition, AnyOf):
        guards = [_guard(item) for item in condition.conditions]
        if not guards or any(guard is None for guard in guards):
            return None
        facts = {guard[0] for guard in guards if guard is not None}
        if len(facts) != 1:
            return None
        union: frozenset[str | None] = frozenset()
        for guard in guards:
            if guard is not None:
                union |= guard[1]
        return facts.pop(), union
    return None


@attrs.frozen
class _RuleIndex:
    """The rules that can hold for each value of one plain field, in policy order."""

    read: Callable[[Facts], Any]
    by_value: dict[str | None, tuple[Entry, ...]]
    others: tuple[Entry, ...]
    everything: tuple[Entry, ...]

    def candidates(self, facts: Facts) -> tuple[Entry, ...]:
        key = self.read(facts)
        if key is None or type(key) is str:
            return self.by_value.get(key, self.others)
        return self.everything  # an unusual value (not text): evaluate every rule


def _index(entries: tuple[Entry, ...], conditions: list[Condition]) -> _RuleIndex | None:
    guards = [_guard(condition) for condition in conditions]
    counts = {fact: sum(1 for g in guards if g is not None and g[0] == fact) for fact in _INDEXABLE}
    fact = max(_INDEXABLE, key=lambda name: counts[name])
    if counts[fact] == 0:
        return None
    mine = [g[1] if g is not None and g[0] == fact else None for g in guards]
    values = frozenset().union(*(g for g in mine if g is not None))
    by_value = {
        value: tuple(
            entry for entry, g in zip(entries, mine, strict=True) if g is None or value in g
        )
        for value in values
    }
    others = tuple(entry for entry, g in zip(entries, mine, strict=True) if g is None)
    return _RuleIndex(read=_DIRECT[fact], by_value=by_value, others=others, everything=entries)


def _when(value: Condition | Callable[[Facts], bool]) -> Condition:
    if isinstance(value, _CONDITION_TYPES):
        return value
    if callable(value):
        return Predicate(value)
    raise PolicyError(f"{value!r} is neither a condition nor a function of the facts")


def _rule_id(_instance: Any, _attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not _ID.match(value) or value.startswith("guarantee."):
        raise PolicyError(
            "a rule id is letters, digits, _ . - and does not start with 'guarantee.'",
            rule=repr(value),
        )


@attrs.frozen(kw_only=True)
class Rule:
    """When ``when`` holds, do ``then``. ``when`` is a condition or a Python function.

    >>> Rule(id="complaints", when=Compare("complaint", "eq", True),
    ...      then=Action(route="human", target="care", reason="complaints need a person")).id
    'complaints'
    """

    id: str = attrs.field(validator=_rule_id)
    when: Condition = attrs.field(converter=_when)
    then: Action = attrs.field(validator=attrs.validators.instance_of(Action))
    description: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    @property
    def reason(self) -> str:
        """Why this rule routes as it does, for the decision's explanation."""
        return self.then.reason or self.description or f"{self.when.describe()}"


def _rules(value: Iterable[Rule]) -> tuple[Rule, ...]:
    rules = tuple(value)
    seen: set[str] = set()
    for index, rule in enumerate(rules, start=1):
        if not isinstance(rule, Rule):
            raise PolicyError(f"{rule!r} is not a Rule", rule=f"#{index}")
        if rule.id in seen or rule.id == "default":
            raise PolicyError("the rule id is used twice (or is 'default')", rule=rule.id)
        seen.add(rule.id)
    return rules


def _calendars(value: Mapping[str, BusinessCalendar]) -> dict[str, BusinessCalendar]:
    if not isinstance(value, Mapping):
        raise PolicyError("calendars must map queue names to business calendars")
    for queue, calendar in value.items():
        if not isinstance(calendar, BusinessCalendar):
            raise PolicyError(f"calendar of queue {queue!r} is not a BusinessCalendar")
    return dict(value)


def _complexities(value: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise PolicyError("intent_complexity must map intents to low, medium or high")
    for intent, level in value.items():
        if level not in COMPLEXITIES:
            raise PolicyError(
                f"intent_complexity[{intent!r}] is {level!r}, not one of {', '.join(COMPLEXITIES)}"
            )
    return dict(value)


def _max_failed(_instance: Any, _attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise PolicyError(
            f"max_failed_self_service must be a whole number from 1 to 10, got {value!r}"
        )


def _window(_instance: Any, _attribute: Any, value: Any) -> None:
    if not isinstance(value, dt.timedelta) or not (
        dt.timedelta(hours=1) <= value <= dt.timedelta(days=90)
    ):
        raise PolicyError(f"window must be between 1 hour and 90 days, got {value!r}")


def _text(field: str) -> Any:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, str) or not value:
            raise PolicyError(f"{field} must be non-empty text, got {value!r}")

    return check


def _queue_name(field: str, *, optional: bool = False) -> Any:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        if value is None and optional:
            return
        try:
            Action(route=Route.HUMAN, target=value)
        except InvalidValueError:
            raise PolicyError(f"{field} {value!r} is not a valid queue or flow name") from None

    return check


@attrs.frozen(kw_only=True)
class Policy:
    """A routing policy: ordered rules (the first that holds decides), a default, and settings.

    ``human_queue`` receives the contacts a guarantee takes from self-service (unless the
    rule's action names a ``handoff`` queue, see :class:`Action`); ``self_service_flow`` is
    offered while a closed queue's callback waits. ``calendars`` give each queue its hours
    (a queue without one is always open). ``intent_complexity`` maps intents to low, medium
    or high. ``window`` bounds the history counted as "recent" (repeat contacts, failed
    self-service attempts).

    >>> policy = Policy(id="demo", version="1", default=Action(route="self_service", target="faq"),
    ...     rules=[Rule(id="complaints", when=Compare("complaint", "eq", True),
    ...                 then=Action(route="human", target="care"))])
    >>> t = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
    >>> contact = Contact(channel="chat", direction="inbound", occurred_at=t, source_id="x",
    ...                   attributes={"asked_for_human": True})
    >>> policy.decide(contact).label
    'human:general'
    """

    id: str = attrs.field(validator=_text("policy id"))
    version: str = attrs.field(validator=_text("policy version"))
    rules: tuple[Rule, ...] = attrs.field(default=(), converter=_rules)
    default: Action = attrs.field(validator=attrs.validators.instance_of(Action))
    human_queue: str = attrs.field(default="general", validator=_queue_name("human_queue"))
    self_service_flow: str | None = attrs.field(
        default=None, validator=_queue_name("self_service_flow", optional=True)
    )
    callback_channel: str = attrs.field(default="phone", validator=_queue_name("callback_channel"))
    calendars: dict[str, BusinessCalendar] = attrs.field(factory=dict, converter=_calendars)
    intent_complexity: dict[str, str] = attrs.field(factory=dict, converter=_complexities)
    max_failed_self_service: int = attrs.field(default=2, validator=_max_failed)
    window: dt.timedelta = attrs.field(default=dt.timedelta(days=7), validator=_window)
    description: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    _compiled: tuple[Entry, ...] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _index: _RuleIndex | None = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        compiled = []
        for rule in self.rules:
            try:
                compiled.append((rule.when.compile(), rule.then, rule.id, rule.reason))
            except PolicyError as error:  # pragma: no cover - conditions check themselves
                raise PolicyError(error.reason, rule=rule.id) from None
        entries = tuple(compiled)
        object.__setattr__(self, "_compiled", entries)
        object.__setattr__(self, "_index", _index(entries, [rule.when for rule in self.rules]))

    def facts(
        self, contact: Contact, customer: CustomerView | None = None, *, at: dt.datetime
    ) -> Facts:
        """The facts this policy sees for ``contact`` at ``at``."""
        return Facts(
            contact,
            customer,
            at=at,
            window=self.window,
            intent_complexity=self.intent_complexity,
            calendars=self.calendars,
        )

    def decide(
        self,
        contact: Contact,
        customer: CustomerView | None = None,
        *,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> Decision:
        """Route ``contact`` for ``customer`` (``None``: an unknown customer with no history).

        The decision time is ``clock()`` when a clock is given, else the contact's
        ``occurred_at``: the same inputs and the same clock give the same decision.
        """
        if not isinstance(contact, Contact):
            raise InvalidValueError("contact", contact, "must be a Contact")
        at = contact.occurred_at if clock is None else aware(clock(), field="clock()")
        return self.decide_facts(self.facts(contact, customer, at=at))

    def decide_facts(self, facts: Facts) -> Decision:
        """Route on already computed :class:`Facts` (what :meth:`decide` does next)."""
        index = self._index
        entries = self._compiled if index is None else index.candidates(facts)
        for test, then, rule_id, reason in entries:
            if test(facts):
                action = then
                rule_ids = [rule_id]
                reasons = [reason]
                break
        else:
            action = self.default
            rule_ids = ["default"]
            reasons = [action.reason or "no rule matched: the policy's default applies"]
        return _guarantee(self, facts, action, rule_ids, reasons)


_asked_for_human = _reader("asked_for_human")
_failed_self_service = _reader("failed_self_service")
_repeat_contact = _reader("repeat_contact")


def _guarantee(
    policy: Policy, facts: Facts, action: Action, rule_ids: list[str], reasons: list[str]
) -> Decision:
    """Apply the built-in guarantees to the rule's action and build the decision."""
    route, target, skills = action.route, action.target, action.skills
    asked = _asked_for_human(facts)
    needs: list[tuple[str, str]] = []
    if asked:
        needs.append(("guarantee.human-request", "the customer asked for a person"))
    if facts.customer.contacts:
        failed = _failed_self_service(facts)
        repeat = _repeat_contact(facts)
    else:  # no history: no failed attempt and no earlier contact on the case
        failed, repeat = 0, False
    if failed >= policy.max_failed_self_service:
        needs.append(
            (
                "guarantee.failed-self-service",
                f"{failed} failed self-service attempts on this matter "
                f"(a person takes over from {policy.max_failed_self_service})",
            )
        )
    if repeat:
        needs.append(
            (
                "guarantee.repeat-contact",
                f"repeat contact on open case {facts.contact.case_id} within "
                f"{_duration(policy.window)}: self-service is skipped",
            )
        )
    if needs and route is Route.SELF_SERVICE:
        route, target, skills = Route.HUMAN, action.handoff or policy.human_queue, frozenset()
        for rule_id, reason in needs:
            rule_ids.append(rule_id)
            reasons.append(reason)
    elif asked and route is Route.CALLBACK:
        route = Route.HUMAN
        rule_ids.append("guarantee.human-request")
        reasons.append("the customer asked for a person: a live advisor rather than a callback")

    callback_at = None
    queue_open: bool | None = None
    meanwhile = None
    at = facts.at
    if route is not Route.SELF_SERVICE:
        calendar = policy.calendars.get(target)
        queue_open = True if calendar is None else calendar.is_open(at)
        if queue_open:
            if route is Route.CALLBACK:
                callback_at = at
        else:
            if route is Route.HUMAN:
                rule_ids.append("guarantee.closed-queue")
            route = Route.CALLBACK
            meanwhile = policy.self_service_flow
            assert calendar is not None
            callback_at = calendar._next_opening_closed(at, 400)  # at: checked, closed
            if callback_at is None:
                reasons.append(
                    f"queue {target!r} is closed with no opening in the next 400 days: "
                    "the callback is to be scheduled by a supervisor"
                )
            else:
                reasons.append(f"queue {target!r} is closed: callback at its next opening")

    channel = _channel(policy, facts, route, action.channel, rule_ids, reasons)
    return trusted_decision(
        route,
        target,
        skills,
        action.priority,
        channel,
        callback_at,
        meanwhile,
        queue_open,
        tuple(reasons),
        tuple(rule_ids),
        policy.id,
        policy.version,
        facts.contact.id,
        at,
    )


def _channel(
    policy: Policy,
    facts: Facts,
    route: Route,
    wanted: str | None,
    rule_ids: list[str],
    reasons: list[str],
) -> str | None:
    """The channel to suggest: the rule's, else the contact's (a callback: the callback
    channel). When the customer opted out of it: the channel the contact came on, else
    their first preferred channel, else the channel of their first contact point, that
    they did not opt out of; ``None`` when there is none."""
    customer = facts.customer
    preferences = customer.preferences
    opted_out = preferences.opted_out_channels
    fallback = policy.callback_channel if route is Route.CALLBACK else facts.contact.channel
    first = wanted or fallback
    if first not in opted_out:
        return first
    rule_ids.append("guarantee.opt-out")
    if facts.contact.channel not in opted_out:
        reasons.append(
            f"the customer opted out of {first}: {facts.contact.channel}, the channel they "
            "came on, is suggested instead"
        )
        return facts.contact.channel
    for candidate in preferences.preferred_channels:
        if candidate not in opted_out:
            reasons.append(
                f"the customer opted out of {first}: {candidate}, a channel they prefer, is "
                "suggested instead"
            )
            return candidate
    for point in customer.contact_points:
        if point.channel not in opted_out:
            reasons.append(
                f"the customer opted out of {first}: {point.channel}, where they have a "
                "contact point, is suggested instead"
            )
            return point.channel
    reasons.append(
        f"the customer opted out of {first}, and of the channel they came on, every channel "
        "they prefer and every channel of their contact points: no channel is suggested"
    )
    return None


def _duration(window: dt.timedelta) -> str:
    if window % dt.timedelta(days=1) == dt.timedelta(0):
        days = window.days
        return f"{days} day" + ("s" if days != 1 else "")
    hours = window / dt.timedelta(hours=1)
    return f"{hours:g} hours"


def guarantee_violations(policy: Policy, facts: Facts, decision: Decision) -> list[str]:
    """The guarantees ``decision`` breaks for these facts (empty when it keeps them all).

    An independent check, used by replay and by tests: a decision made by
    :meth:`Policy.decide` never breaks one, but a decision recorded by another system may.
    """
    broken = []
    human_now_or_later = decision.route in (Route.HUMAN, Route.CALLBACK)
    callback_while_open = decision.route is Route.CALLBACK and facts.queue_open(decision.target)
    if _asked_for_human(facts) and (not human_now_or_later or callback_while_open):
        broken.append("guarantee.human-request")
    if _failed_self_service(facts) >= policy.max_failed_self_service and not human_now_or_later:
        broken.append("guarantee.failed-self-service")
    if _repeat_contact(facts) and not human_now_or_later:
        broken.append("guarantee.repeat-contact")
    if decision.route is Route.HUMAN and not facts.queue_open(decision.target):
        broken.append("guarantee.closed-queue")
    if decision.channel is not None and (
        decision.channel in facts.customer.preferences.opted_out_channels
    ):
        broken.append("guarantee.opt-out")
    return broken
