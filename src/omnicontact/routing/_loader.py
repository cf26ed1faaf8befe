"""Policies written as data (TOML or JSON), read through the library's converter.

Conditions in data are a small declarative structure — never code::

    {"fact": "urgency", "op": "in", "value": ["high", "critical"]}
    {"all": [...]}   {"any": [...]}   {"not": {...}}
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, get_args, get_origin

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


MAX_CONDITION_DEPTH = 32
"""How deep ``all``, ``any`` and ``not`` may nest in one rule's condition."""


def _strict_converter() -> cattrs.Converter:
    """The library's converter, made to refuse a value of the wrong type instead of
    converting it (``str(None)``, ``int(7.9)``, ``list("zz")`` are what cattrs does)."""
    converter = make_converter()

    def exactly(kind: type[Any], name: str) -> Callable[[Any, Any], Any]:
        def structure(value: Any, _type: Any) -> Any:
            if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
                raise InvalidValueError("value", value, f"must be {name}")
            return value

        return structure

    def number(value: Any, _type: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidValueError("value", value, "must be a number")
        try:
            result = float(value)
        except OverflowError:
            result = math.inf
        if not math.isfinite(result):
            raise InvalidValueError("value", value, "must be a finite number")
        return result

    def sequence(kind: Any) -> Callable[[Any, Any], Any]:
        (item,) = get_args(kind) or (Any,)

        def structure(value: Any, _type: Any) -> list[Any]:
            if not isinstance(value, list):
                raise InvalidValueError("value", value, "must be a list")
            return [converter.structure(element, item) for element in value]

        return structure

    def table(kind: Any) -> Callable[[Any, Any], Any]:
        key, item = get_args(kind) or (Any, Any)

        def structure(value: Any, _type: Any) -> dict[Any, Any]:
            if not isinstance(value, Mapping):
                raise InvalidValueError("value", value, "must be a table/object")
            return {
                converter.structure(name, key): converter.structure(element, item)
                for name, element in value.items()
            }

        return structure

    converter.register_structure_hook(str, exactly(str, "text"))
    converter.register_structure_hook(int, exactly(int, "a whole number"))
    converter.register_structure_hook(bool, exactly(bool, "true or false"))
    converter.register_structure_hook(float, number)
    converter.register_structure_hook_factory(_origin_is(list), sequence)
    converter.register_structure_hook_factory(_origin_is(dict), table)
    return converter


def _origin_is(origin: type[Any]) -> Callable[[Any], bool]:
    return lambda kind: bool(get_origin(kind) == origin)


_CONVERTER = _strict_converter()


def _format(error: BaseException, kind: Any) -> str:
    if isinstance(error, InvalidValueError):
        return f"{error.reason} (got {_preview(error.value)})"
    if isinstance(error, KeyError):
        return "required key missing"
    return cattrs.v.format_exception(error, kind)


def _preview(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "a number too large to use"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _structure(data: Any, cls: type[Any], *, file: str | None, rule: str | None, what: str) -> Any:
    try:
        return _CONVERTER.structure(data, cls)
    except cattrs.BaseValidationError as error:
        details = "; ".join(cattrs.transform_error(error, path=what, format_exception=_format))
        raise PolicyError(details, file=file, rule=rule) from None
    except (InvalidValueError, TypeError, ValueError) as error:
        raise PolicyError(f"{what}: {error}", file=file, rule=rule) from None


def _condition(data: Any, path: str, depth: int = 1) -> Condition:
    if not isinstance(data, Mapping):
        raise PolicyError(f"{path}: a condition is a table/object, not {_preview(data)}")
    if depth > MAX_CONDITION_DEPTH:
        raise PolicyError(f"{path}: conditions are nested more than {MAX_CONDITION_DEPTH} deep")
    keys = set(data)
    if keys == {"all"} or keys == {"any"}:
        key = "all" if "all" in keys else "any"
        items = data[key]
        if not isinstance(items, list):
            raise PolicyError(f"{path}.{key}: must be a list of conditions")
        parts = [_condition(item, f"{path}.{key}[{i}]", depth + 1) for i, item in enumerate(items)]
        return AllOf(parts) if key == "all" else AnyOf(parts)
    if keys == {"not"}:
        return Not(_condition(data["not"], f"{path}.not", depth + 1))
    if "fact" in keys:
        extra = keys - {"fact", "op", "value"}
        if extra:
            raise PolicyError(f"{path}: unknown keys {sorted(extra)} (use fact, op, value)")
        for key in ("fact", "op"):
            if key in data and not isinstance(data[key], str):
                raise PolicyError(f"{path}.{key}: must be text (got {_preview(data[key])})")
        if _too_deep(data.get("value"), MAX_CONDITION_DEPTH):
            raise PolicyError(f"{path}.value: nested more than {MAX_CONDITION_DEPTH} deep")
        try:
            return Compare(data["fact"], data.get("op", "eq"), data.get("value"))
        except PolicyError as error:
            raise PolicyError(f"{path}: {error.reason}") from None
        except (InvalidValueError, TypeError) as error:
            raise PolicyError(f"{path}.value: {error}") from None
    raise PolicyError(
        f"{path}: a condition has 'fact' (with 'op' and 'value'), or exactly one of "
        f"'all', 'any', 'not'; got keys {sorted(keys)}"
    )


def _too_deep(value: Any, limit: int) -> bool:
    """Whether lists and tables nest more than ``limit`` levels in ``value``."""
    level = [value]
    for _ in range(limit + 1):
        level = [
            child
            for node in level
            if isinstance(node, (list, Mapping))
            for child in (node.values() if isinstance(node, Mapping) else node)
        ]
        if not level:
            return False
    return True


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
    except RecursionError:
        raise PolicyError("not readable TOML: nested too deeply", file=file) from None
    except ValueError as error:  # an integer over 4,300 digits
        raise PolicyError(f"not valid TOML: {error}", file=file) from None
    return policy_from_dict(data, file=file)


def policy_from_json(text: str | bytes, *, file: str | None = None) -> Policy:
    """A policy from JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyError(f"not valid JSON: {error}", file=file) from None
    except RecursionError:
        raise PolicyError("not readable JSON: nested too deeply", file=file) from None
    except ValueError as error:  # bytes that are not UTF-8, an integer over 4,300 digits
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
