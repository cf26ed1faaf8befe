"""Routing decisions: what a policy chose for a contact, and why."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from typing import Any

import attrs

from .._model import aware
from .._serialization import register_document_type
from ..exceptions import InvalidValueError

__all__ = ["Action", "Decision", "Route"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")


class Route(str, enum.Enum):
    """Where a contact goes."""

    SELF_SERVICE = "self_service"
    """A digital flow answers (web page, app, bot, IVR)."""
    HUMAN = "human"
    """A human advisor in a queue answers now."""
    CALLBACK = "callback"
    """A human advisor calls or writes back, at ``callback_at`` or as soon as possible."""


def _route(value: Route | str) -> Route:
    try:
        return Route(value)
    except ValueError:
        raise InvalidValueError("route", value, "must be self_service, human or callback") from None


def _name(field: str, *, optional: bool = False) -> Any:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or not _NAME.match(value):
            raise InvalidValueError(
                field, value, "must be lowercase: letters, digits, _ . - (no spaces)"
            )

    return check


def _skills(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidValueError("skills", value, "must be a list of skill names")
    skills = frozenset(value)
    for skill in skills:
        _name("skills")(None, None, skill)
    return skills


def _priority(_instance: Any, _attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InvalidValueError("priority", value, "must be a whole number from 0 to 10")


@attrs.frozen(kw_only=True)
class Action:
    """What a rule asks for: a route, its target (flow or queue) and how to serve it.

    ``channel`` is the channel to suggest (default: the contact's own; for a callback, the
    policy's callback channel).

    >>> Action(route="human", target="billing", skills={"refunds"}, priority=5).route
    <Route.HUMAN: 'human'>
    """

    route: Route = attrs.field(converter=_route)
    target: str = attrs.field(validator=_name("target"))
    skills: frozenset[str] = attrs.field(default=frozenset(), converter=_skills)
    priority: int = attrs.field(default=0, validator=_priority)
    channel: str | None = attrs.field(default=None, validator=_name("channel", optional=True))
    reason: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    handoff: str | None = attrs.field(default=None, validator=_name("handoff", optional=True))
    """The human queue a guarantee sends the contact to instead of this self-service flow
    (the policy's ``human_queue`` when not given)."""


def _reasons(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _decided_at(value: dt.datetime) -> dt.datetime:
    return aware(value, field="decided_at")


def _callback_at(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else aware(value, field="callback_at")


@attrs.frozen(kw_only=True)
class Decision:
    """A routing decision: a value, comparable and serializable, that explains itself.

    ``rule_ids`` are the rules that decided, in order: the policy rule that matched (or
    ``"default"``), then any built-in guarantee that overrode it (ids starting with
    ``guarantee.``). ``callback_at`` is set for a callback (``None``: as soon as possible),
    ``meanwhile`` names a self-service flow offered while the customer waits.

    >>> t = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
    >>> d = Decision(route="human", target="billing", priority=3, channel="phone",
    ...              reasons=["billing questions need an advisor"], rule_ids=["billing"],
    ...              policy_id="demo", policy_version="1", contact_id="c-1", decided_at=t)
    >>> d.explain()
    "Contact c-1 goes to a human advisor in queue 'billing' (priority 3), answering on phone. \
Why: billing questions need an advisor. Decided by rule billing of policy demo version 1 at \
2026-03-02T09:00:00+00:00."
    """

    route: Route = attrs.field(converter=_route)
    target: str = attrs.field(validator=_name("target"))
    skills: frozenset[str] = attrs.field(default=frozenset(), converter=_skills)
    priority: int = attrs.field(default=0, validator=_priority)
    channel: str | None = attrs.field(default=None, validator=_name("channel", optional=True))
    callback_at: dt.datetime | None = attrs.field(default=None, converter=_callback_at)
    meanwhile: str | None = attrs.field(default=None, validator=_name("meanwhile", optional=True))
    queue_open: bool | None = attrs.field(default=None)
    reasons: tuple[str, ...] = attrs.field(default=(), converter=_reasons)
    rule_ids: tuple[str, ...] = attrs.field(default=(), converter=_reasons)
    policy_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    policy_version: str = attrs.field(validator=attrs.validators.instance_of(str))
    contact_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    decided_at: dt.datetime = attrs.field(converter=_decided_at)

    @property
    def label(self) -> str:
        """``route:target``, the short form replay reports group by."""
        return f"{self.route.value}:{self.target}"

    def explain(self) -> str:
        """The decision as one paragraph a supervisor or the customer's advisor can read."""
        if self.route is Route.SELF_SERVICE:
            what = f"goes to the self-service flow '{self.target}'"
        elif self.route is Route.HUMAN:
            what = f"goes to a human advisor in queue '{self.target}' (priority {self.priority})"
        else:
            when = (
                f"at {self.callback_at.isoformat()}"
                if self.callback_at is not None
                else "as soon as an advisor is free"
            )
            what = (
                f"gets a callback from a human advisor of queue '{self.target}' {when} "
                f"(priority {self.priority})"
            )
        parts = [f"Contact {self.contact_id} {what}"]
        if self.skills:
            parts.append(f", needing skills {', '.join(sorted(self.skills))}")
        if self.channel is not None:
            parts.append(f", answering on {self.channel}")
        text = "".join(parts) + "."
        if self.queue_open is False:
            text += f" Queue '{self.target}' is closed now."
        if self.meanwhile is not None:
            text += f" Meanwhile the self-service flow '{self.meanwhile}' is offered."
        if self.reasons:
            text += " Why: " + "; ".join(reason.rstrip(".") for reason in self.reasons) + "."
        rules = ", ".join(self.rule_ids) or "none"
        noun = "rule" if len(self.rule_ids) == 1 else "rules"
        text += (
            f" Decided by {noun} {rules} of policy {self.policy_id} version "
            f"{self.policy_version} at {self.decided_at.isoformat()}."
        )
        return text


# Slot setters of the frozen class, which skip its refusal to be modified once built.
(
    _set_route,
    _set_target,
    _set_skills,
    _set_priority,
    _set_channel,
    _set_callback_at,
    _set_meanwhile,
    _set_queue_open,
    _set_reasons,
    _set_rule_ids,
    _set_policy_id,
    _set_policy_version,
    _set_contact_id,
    _set_decided_at,
) = (getattr(Decision, field.name).__set__ for field in attrs.fields(Decision))


def trusted_decision(
    route: Route,
    target: str,
    skills: frozenset[str],
    priority: int,
    channel: str | None,
    callback_at: dt.datetime | None,
    meanwhile: str | None,
    queue_open: bool | None,
    reasons: tuple[str, ...],
    rule_ids: tuple[str, ...],
    policy_id: str,
    policy_version: str,
    contact_id: str,
    decided_at: dt.datetime,
) -> Decision:
    """A :class:`Decision` from values already checked by the policy (validation skipped).

    Used on the hot path of :meth:`Policy.decide`, where every value comes from a validated
    action, policy or contact; the result is indistinguishable from a validated decision.
    """
    decision: Decision = object.__new__(Decision)
    _set_route(decision, route)
    _set_target(decision, target)
    _set_skills(decision, skills)
    _set_priority(decision, priority)
    _set_channel(decision, channel)
    _set_callback_at(decision, callback_at)
    _set_meanwhile(decision, meanwhile)
    _set_queue_open(decision, queue_open)
    _set_reasons(decision, reasons)
    _set_rule_ids(decision, rule_ids)
    _set_policy_id(decision, policy_id)
    _set_policy_version(decision, policy_version)
    _set_contact_id(decision, contact_id)
    _set_decided_at(decision, decided_at)
    return decision


register_document_type(Decision)
