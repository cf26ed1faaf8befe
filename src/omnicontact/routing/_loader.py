"""Policies written as data (TOML or JSON), read through the library's converter.

Conditions in data are a small declarative structure — never code::

    {"fact": "urgency", "op": "in", "value": ["high", "critical"]}
    {"all": [...]}   {"any": [...]}   {"not": {...}}
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import cattrs

from .._serialization import make_converter
from ..exceptions import InvalidValueError, PolicyError
from ._calendar import BusinessCalendar, DateException
from ._decision import Action
from ._policy import AllOf, AnyOf, Compare, Condition, Not, Policy, Rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["load_policy", "policy_from_dict", "policy_from_json", "policy_from_toml"]


@attrs.define(kw_only=True)
class _ActionDoc:
    route: str
    target: str
    skills: list[str] = attrs.Factory(list)
    priority: int = 0
    channel: str | None = None
    reason: str = ""
    handoff: str | None = None


@attrs.define(kw_only=True)
class _RuleDoc:
    id: str
    when: dict[str, Any]
    route: str
    target: str
    skills: list[str] = attrs.Factory(list)
    priority: int = 0
    channel: str | None = None
    reason: str = ""
    handoff: str | None = None
    description: str = ""


@attrs.define(kw_only=True)
class _ExceptionDoc:
    date: dt.date
    hours: list[str] = attrs.Factory(list)
    reason: str = ""


@attrs.define(kw_only=True)
class _CalendarDoc:
    timezone: str = "UTC"
    weekly: dict[str, list[str]] = attrs.Factory(dict)
    holidays: list[dt.date] = attrs.Factory(list)
    holiday_rules: list[str] = attrs.Factory(list)
    public_holidays: str | None = None
    exceptions: list[_ExceptionDoc] = attrs.Factory(list)


@attrs.define(kw_only=True)
class _PolicyDoc:
    id: str
    version: str
    description: str = ""
    human_queue: str = "general"
    self_service_flow: str | None = None
    callback_channel: str = "phone"
    max_failed_self_service: int = 2
    window_hours: float = 168.0
    intent_complexity: dict[str, str] = attrs.Factory(dict)
    default: _ActionDoc
    rules: list[dict[str, Any]] = attrs.Factory(list)
    calendars: dict[str, _CalendarDoc] = attrs.Factory(dict)


_CONVERTER = make_converter()


def _structure(data: Any, cls: type[Any], *, file: str | None, rule: str | None, what: str) -> Any:
    try:
        return _CONVERTER.structure(data, cls)
    except cattrs.BaseValidationError as error:
        details = "; ".join(cattrs.transform_error(error, path=what))
        raise PolicyError(details, file=file, rule=rule) from None
    except (InvalidValueError, TypeError, ValueError) as error:
        raise PolicyError(f"{what}: {error}", file=file, rule=rule) from None


def _condition(data: Any, path: str) -> Condition:
    if not isinstance(data, Mapping):
        raise PolicyError(f"{path}: a condition is a table/object, not {data!r}")
    keys = set(data)
    if keys == {"all"} or keys == {"any"}:
        key = "all" if "all" in keys else "any"
        items = data[key]
        if not isinstance(items, list):
            raise PolicyError(f"{path}.{key}: must be a list of conditions")
        parts = [_condition(item, f"{path}.{key}[{i}]") for i, item in enumerate(items)]
        return AllOf(parts) if key == "all" else AnyOf(parts)
    if keys == {"not"}:
        return Not(_condition(data["not"], f"{path}.not"))
    if "fact" in keys:
        extra = keys - {"fact", "op", "value"}
        if extra:
            raise PolicyError(f"{path}: unknown keys {sorted(extra)} (use fact, op, value)")
        try:
            return Compare(data["fact"], data.get("op", "eq"), data.get("value"))
        except PolicyError as error:
            raise PolicyError(f"{path}: {error.reason}") from None
    raise PolicyError(
        f"{path}: a condition has 'fact' (with 'op' and 'value'), or exactly one of "
        f"'all', 'any', 'not'; got keys {sorted(keys)}"
    )


def _calendar(doc: _CalendarDoc, queue: str, file: str | None) -> BusinessCalendar:
    try:
        return BusinessCalendar(
            timezone=doc.timezone,
            weekly=doc.weekly,
            holidays=doc.holidays,
            holiday_rules=doc.holiday_rules,
            public_holidays=doc.public_holidays,
            exceptions=[
                DateException(date=item.date, intervals=item.hours, reason=item.reason)
                for item in doc.exceptions
            ],
        )
    except InvalidValueError as error:
        raise PolicyError(f"calendars.{queue}: {error}", file=file) from None


def policy_from_dict(data: Mapping[str, Any], *, file: str | None = None) -> Policy:
    """A policy from its data form (as read from TOML or JSON).

    Errors are :class:`~omnicontact.exceptions.PolicyError` naming ``file``, the rule and
    the reason.

    >>> policy = policy_from_dict({"id": "p", "version": "1",
    ...     "default": {"route": "self_service", "target": "faq"},
    ...     "rules": [{"id": "vip", "when": {"fact": "segment", "op": "eq", "value": "gold"},
    ...                "route": "human", "target": "premium"}]})
    >>> [rule.id for rule in policy.rules]
    ['vip']
    """
    if not isinstance(data, Mapping):
        raise PolicyError("a policy is a table/object at the top level", file=file)
    doc: _PolicyDoc = _structure(dict(data), _PolicyDoc, file=file, rule=None, what="$")
    rules = []
    for index, raw in enumerate(doc.rules, start=1):
        name = str(raw.get("id", f"#{index}")) if isinstance(raw, Mapping) else f"#{index}"
        rule_doc: _RuleDoc = _structure(
            raw, _RuleDoc, file=file, rule=name, what=f"rules[{index - 1}]"
        )
        try:
            when = _condition(rule_doc.when, "when")
            action = Action(
                route=rule_doc.route,
                target=rule_doc.target,
                skills=rule_doc.skills,
                priority=rule_doc.priority,
                channel=rule_doc.channel,
                reason=rule_doc.reason,
                handoff=rule_doc.handoff,
            )
            rules.append(
                Rule(id=rule_doc.id, when=when, then=action, description=rule_doc.description)
            )
        except PolicyError as error:
            raise PolicyError(error.reason, file=file, rule=name) from None
        except InvalidValueError as error:
            raise PolicyError(str(error), file=file, rule=name) from None
    calendars = {queue: _calendar(cal, queue, file) for queue, cal in doc.calendars.items()}
    try:
        default = Action(
            route=doc.default.route,
            target=doc.default.target,
            skills=doc.default.skills,
            priority=doc.default.priority,
            channel=doc.default.channel,
            reason=doc.default.reason,
            handoff=doc.default.handoff,
        )
    except InvalidValueError as error:
        raise PolicyError(f"default: {error}", file=file) from None
    if not doc.window_hours > 0:
        raise PolicyError(f"window_hours must be positive, got {doc.window_hours!r}", file=file)
    try:
        return Policy(
            id=doc.id,
            version=doc.version,
            description=doc.description,
            rules=rules,
            default=default,
            human_queue=doc.human_queue,
            self_service_flow=doc.self_service_flow,
            callback_channel=doc.callback_channel,
            calendars=calendars,
            intent_complexity=doc.intent_complexity,
            max_failed_self_service=doc.max_failed_self_service,
            window=dt.timedelta(hours=doc.window_hours),
        )
    except PolicyError as error:
        raise PolicyError(error.reason, file=file, rule=error.rule) from None


def policy_from_toml(text: str, *, file: str | None = None) -> Policy:
    """A policy from TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"not valid TOML: {error}", file=file) from None
    return policy_from_dict(data, file=file)


def policy_from_json(text: str | bytes, *, file: str | None = None) -> Policy:
    """A policy from JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyError(f"not valid JSON: {error}", file=file) from None
    return policy_from_dict(data, file=file)


def load_policy(path: str | Path) -> Policy:
    """Read a policy file: ``.toml`` or ``.json`` (by its suffix).

    Every problem is reported as a :class:`~omnicontact.exceptions.PolicyError` naming the
    file, the rule (when the problem is in one) and the reason.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"cannot read the policy: {error.strerror}", file=str(file)) from None
    suffix = file.suffix.lower()
    if suffix == ".toml":
        return policy_from_toml(text, file=str(file))
    if suffix == ".json":
        return policy_from_json(text, file=str(file))
    raise PolicyError("a policy file ends in .toml or .json", file=str(file))
