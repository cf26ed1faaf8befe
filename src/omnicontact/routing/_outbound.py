"""Outbound contacts: may the company contact this customer, on this channel, for this purpose, now?

One call, :meth:`OutboundPolicy.may_contact`, answers *allow*, *deny* or *defer until* with
reasons and the ids of the rules applied. It checks channel opt-outs, consent for the purpose
on the contact point, frequency caps across **all** channels over rolling windows
(transactional messages exempt), quiet hours (a deferral, never a drop), and the rules of
jurisdiction packs, each in force from its own date.

Every hour, quiet hour and "defer until" is read in the customer's local time, chosen in
this order (:meth:`OutboundPolicy.local_zone`): the customer's preferences
(``Preferences.timezone``), then the region of the contact point (a phone number's region,
an address's country: an :class:`Area` of a pack, such as Réunion, or the single zone of
the number's region), then the first pack's ``timezone``, then UTC.
"""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import attrs
import phonenumbers
from phonenumbers import timezone as phone_zones

from .._identifiers import PhoneNumber, PostalAddress
from .._model import (
    ConsentStatus,
    Contact,
    ContactPoint,
    Direction,
    Preferences,
    Purpose,
    aware,
)
from .._serialization import register_document_type
from ..exceptions import InvalidValueError, UngovernedPurposeError
from ._calendar import BusinessCalendar
from ._facts import CustomerView, Outcome, Signal
from ._holidays import check_holiday_code

__all__ = [
    "Area",
    "AttemptCap",
    "CallingHours",
    "CoolingOff",
    "FrequencyCap",
    "JurisdictionPack",
    "OutboundDecision",
    "OutboundPolicy",
    "PackRule",
    "PriorConsent",
    "Verdict",
    "may_contact",
]


class Verdict(str, enum.Enum):
    """The answer to "may we contact them?"."""

    ALLOW = "allow"
    DENY = "deny"
    DEFER = "defer"
    """Not now: at ``until`` (quiet hours, calling hours, a cap, a cooling-off period)."""


def _verdict(value: Verdict | str) -> Verdict:
    try:
        return Verdict(value)
    except ValueError:
        raise InvalidValueError("verdict", value, "must be allow, deny or defer") from None


def _until(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else aware(value, field="until")


def _decision_at(value: dt.datetime) -> dt.datetime:
    return aware(value, field="at")


def _texts(value: Iterable[str], field: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidValueError(field, value, "must be a list of texts")
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise InvalidValueError(field, item, "is not text")
    return items


def _reasons(value: Iterable[str]) -> tuple[str, ...]:
    return _texts(value, "reasons")


def _rule_ids(value: Iterable[str]) -> tuple[str, ...]:
    return _texts(value, "rule_ids")


def _citations(value: Iterable[str]) -> tuple[str, ...]:
    return _texts(value, "citations")


@attrs.frozen(kw_only=True)
class OutboundDecision:
    """Allow, deny or defer until when, with the reasons and the ids of the rules applied.

    ``citations`` give the legal text behind pack rules (``"décret 2022-1313 art. 1"``).
    ``at`` and ``until`` are kept in UTC, as every omnicontact time. A value that serializes
    like the other documents (``to_dict``, ``dumps``), e.g. to keep the answer as evidence
    of why a customer was or was not called.

    >>> at = dt.datetime(2026, 3, 3, 12, 30, tzinfo=dt.timezone.utc)
    >>> OutboundDecision(verdict="defer", until=at.replace(hour=13), channel="phone",
    ...                  purpose="sales_calls", at=at, rule_ids=["fr.sales-calls.hours"]).allowed
    False
    """

    verdict: Verdict = attrs.field(converter=_verdict)
    until: dt.datetime | None = attrs.field(default=None, converter=_until)
    channel: str = attrs.field(validator=attrs.validators.instance_of(str))
    purpose: str = attrs.field(validator=attrs.validators.instance_of(str))
    at: dt.datetime = attrs.field(converter=_decision_at)
    reasons: tuple[str, ...] = attrs.field(default=(), converter=_reasons)
    rule_ids: tuple[str, ...] = attrs.field(default=(), converter=_rule_ids)
    citations: tuple[str, ...] = attrs.field(default=(), converter=_citations)

    @property
    def allowed(self) -> bool:
        """Whether the contact may be made at the time asked."""
        return self.verdict is Verdict.ALLOW

    def explain(self) -> str:
        """The answer in one paragraph."""
        if self.verdict is Verdict.ALLOW:
            head = (
                f"Contact on {self.channel} for {self.purpose} is allowed at {self.at.isoformat()}."
            )
        elif self.verdict is Verdict.DENY:
            head = f"Contact on {self.channel} for {self.purpose} is denied."
        else:
            head = (
                f"Contact on {self.channel} for {self.purpose} is deferred from "
                f"{self.at.isoformat()} to {self.until.isoformat() if self.until else '?'}."
            )
        why = " Why: " + "; ".join(self.reasons) + "." if self.reasons else ""
        rules = f" Rules: {', '.join(self.rule_ids)}." if self.rule_ids else ""
        cites = f" Legal basis: {'; '.join(self.citations)}." if self.citations else ""
        return head + why + rules + cites


@attrs.frozen
class _Finding:
    deny: bool
    until: dt.datetime | None
    rule_id: str
    reason: str
    citation: str = ""


@attrs.frozen(kw_only=True)
class _Request:
    customer: CustomerView
    channel: str
    purpose: str
    point: ContactPoint | None
    ongoing_contract: bool
    zone: zoneinfo.ZoneInfo
    """The customer's local time zone (see :meth:`OutboundPolicy.local_zone`)."""
    areas: tuple[Area | None, ...]
    """For each pack of the policy, the area the customer is in (``None``: none of them)."""


def _purpose_of(contact: Contact) -> str | None:
    value = contact.attributes.get(Signal.PURPOSE)
    return value if isinstance(value, str) else None


def _outbound(customer: CustomerView, at: dt.datetime) -> list[Contact]:
    return [
        past
        for past in customer.contacts
        if past.direction is Direction.OUTBOUND and past.occurred_at <= at
    ]


def _cap_until(
    times: list[dt.datetime], limit: int, window: dt.timedelta, at: dt.datetime
) -> dt.datetime | None:
    """When fewer than ``limit`` of ``times`` fall in the rolling ``window`` ending then."""
    recent = sorted(t for t in times if at - window < t <= at)
    if len(recent) < limit:
        return None
    return recent[len(recent) - limit] + window


def _names(value: Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise InvalidValueError("names", value, "must be a list of names")
    return frozenset(value)


def _positive_int(field: str) -> Any:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidValueError(field, value, "must be a whole number of at least 1")

    return check


def _positive_span(field: str) -> Any:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, dt.timedelta) or value <= dt.timedelta(0):
            raise InvalidValueError(field, value, "must be a positive duration")

    return check


@attrs.frozen(kw_only=True)
class FrequencyCap:
    """At most ``max_contacts`` outbound contacts in any rolling ``window``.

    ``channels`` and ``purposes`` narrow what is counted (``None``: every channel, every
    purpose). Exempt purposes (transactional by default) are never counted nor capped.

    >>> FrequencyCap(id="cap.week", max_contacts=3, window=dt.timedelta(days=7)).channels is None
    True
    """

    id: str
    max_contacts: int = attrs.field(validator=_positive_int("max_contacts"))
    window: dt.timedelta = attrs.field(validator=_positive_span("window"))
    channels: frozenset[str] | None = attrs.field(default=None, converter=_names)
    purposes: frozenset[str] | None = attrs.field(default=None, converter=_names)

    def counts(self, contact: Contact, exempt: frozenset[str]) -> bool:
        purpose = _purpose_of(contact)
        if purpose in exempt:
            return False
        if self.channels is not None and contact.channel not in self.channels:
            return False
        return self.purposes is None or purpose in self.purposes


def _channel_set(value: Iterable[str]) -> frozenset[str]:
    names = _names(value)
    assert names is not None
    return names


@attrs.frozen(kw_only=True)
class _PackRuleBase:
    """What every rule of a jurisdiction pack has: its id and legal source, when it is in
    force, and the channels and purposes it governs."""

    id: str
    citation: str
    summary: str
    effective_from: dt.date
    effective_until: dt.date | None = None
    channels: frozenset[str] = attrs.field(converter=_channel_set)
    purposes: frozenset[str] = attrs.field(converter=_channel_set)

    def applies(self, channel: str, purpose: str, day: dt.date) -> bool:
        """Whether the rule governs this channel and purpose on local date ``day``."""
        if channel not in self.channels or purpose not in self.purposes:
            return False
        if day < self.effective_from:
            return False
        return self.effective_until is None or day < self.effective_until


@attrs.frozen(kw_only=True)
class CallingHours(_PackRuleBase):
    """Contacts only when ``hours`` (a business calendar, holidays included) are open."""

    hours: BusinessCalendar

    def evaluate(self, request: _Request, at: dt.datetime, area: Area | None) -> _Finding | None:
        holidays = self.hours.public_holidays
        if area is not None and area.public_holidays is not None:
            holidays = area.public_holidays
        hours = self.hours.moved_to(request.zone.key, holidays)
        if hours.is_open(at):
            return None
        return _Finding(
            deny=False,
            until=hours.next_opening(at),
            rule_id=self.id,
            reason=self.summary,
            citation=self.citation,
        )


@attrs.frozen(kw_only=True)
class AttemptCap(_PackRuleBase):
    """At most ``max_attempts`` attempts (answered or not) in any rolling ``window``."""

    max_attempts: int = attrs.field(validator=_positive_int("max_attempts"))
    window: dt.timedelta = attrs.field(validator=_positive_span("window"))

    def evaluate(self, request: _Request, at: dt.datetime, area: Area | None) -> _Finding | None:
        times = [
            past.occurred_at
            for past in _outbound(request.customer, at)
            if past.channel in self.channels and _purpose_of(past) in self.purposes
        ]
        until = _cap_until(times, self.max_attempts, self.window, at)
        if until is None:
            return None
        return _Finding(
            deny=False, until=until, rule_id=self.id, reason=self.summary, citation=self.citation
        )


@attrs.frozen(kw_only=True)
class CoolingOff(_PackRuleBase):
    """No new contact for ``period`` after the customer refused one (outcome ``refused``)."""

    period: dt.timedelta = attrs.field(validator=_positive_span("period"))

    def evaluate(self, request: _Request, at: dt.datetime, area: Area | None) -> _Finding | None:
        refusals = [
            past.occurred_at
            for past in _outbound(request.customer, at)
            if past.channel in self.channels
            and _purpose_of(past) in self.purposes
            and past.attributes.get(Signal.OUTCOME) == Outcome.REFUSED
        ]
        if not refusals:
            return None
        until = max(refusals) + self.period
        if at >= until:
            return None
        return _Finding(
            deny=False, until=until, rule_id=self.id, reason=self.summary, citation=self.citation
        )


@attrs.frozen(kw_only=True)
class PriorConsent(_PackRuleBase):
    """Denied unless consent for the purpose was granted on the contact point beforehand.

    ``provable`` also asks for the grant to carry a ``proof``; ``except_ongoing_contract``
    lets contacts about a contract in progress through.
    """

    provable: bool = False
    except_ongoing_contract: bool = False

    def evaluate(self, request: _Request, at: dt.datetime, area: Area | None) -> _Finding | None:
        if self.except_ongoing_contract and request.ongoing_contract:
            return None
        point = request.point
        if point is not None:
            ledger = request.customer.consents
            if ledger.allows(point, request.purpose, at=at):
                current = ledger.current(point, request.purpose, at=at)
                if not self.provable or (current is not None and current.proof):
                    return None
        return _Finding(
            deny=True, until=None, rule_id=self.id, reason=self.summary, citation=self.citation
        )


PackRule = CallingHours | AttemptCap | CoolingOff | PriorConsent
"""The kinds of jurisdiction rules."""


def _pack_rules(value: Iterable[PackRule]) -> tuple[PackRule, ...]:
    rules = tuple(value)
    for rule in rules:
        if not isinstance(rule, (CallingHours, AttemptCap, CoolingOff, PriorConsent)):
            raise InvalidValueError("pack.rules", rule, "is not a pack rule")
    ids = [rule.id for rule in rules]
    if len(ids) != len(set(ids)):
        raise InvalidValueError("pack.rules", ids, "a rule id is used twice")
    return rules


def _zone_name(field: str) -> Any:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
            raise InvalidValueError(field, value, "is not an IANA time zone") from None

    return check


def _regions(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidValueError("area.regions", value, "must be a list of region codes")
    codes = frozenset(value)
    for code in codes:
        if not isinstance(code, str) or len(code) != 2 or not code.isupper():
            raise InvalidValueError("area.regions", code, "is not an ISO 3166-1 alpha-2 code")
    return codes


def _holiday_code(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None:
        check_holiday_code(value, field="area.public_holidays")


@attrs.frozen(kw_only=True)
class Area:
    """A part of a jurisdiction with its own time zone and public holidays (an overseas
    department, for example).

    A customer is in the area when their contact point's region (a phone number's region,
    an address's country) is one of ``regions``, or else when their local zone is the
    area's ``timezone``. ``public_holidays`` names the area's holiday set
    (``None``: the pack calendars' own).

    >>> Area(name="La Réunion", regions={"RE"}, timezone="Indian/Reunion",
    ...      public_holidays="FR-974").timezone
    'Indian/Reunion'
    """

    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    regions: frozenset[str] = attrs.field(converter=_regions)
    timezone: str = attrs.field(validator=_zone_name("area.timezone"))
    public_holidays: str | None = attrs.field(default=None, validator=_holiday_code)


def _areas(value: Iterable[Area]) -> tuple[Area, ...]:
    areas = tuple(value)
    for area in areas:
        if not isinstance(area, Area):
            raise InvalidValueError("pack.areas", area, "is not an Area")
    return areas


@attrs.frozen(kw_only=True)
class JurisdictionPack:
    """The rules of one jurisdiction, each in force from its own date (in the customer's
    local time), with the areas that keep their own zone and holidays.

    ``timezone`` is the zone used when nothing else tells the customer's (see
    :meth:`OutboundPolicy.local_zone`).
    """

    code: str
    name: str
    timezone: str = attrs.field(validator=_zone_name("pack.timezone"))
    rules: tuple[PackRule, ...] = attrs.field(converter=_pack_rules)
    areas: tuple[Area, ...] = attrs.field(default=(), converter=_areas)

    @property
    def governs(self) -> frozenset[tuple[str, str]]:
        """The ``(channel, purpose)`` pairs the pack's rules govern (at some date).

        >>> from omnicontact.routing.packs import FRANCE
        >>> sorted(FRANCE.governs)
        [('email', 'marketing'), ('phone', 'sales_calls'), ('sms', 'marketing')]
        """
        return frozenset(
            (channel, purpose)
            for rule in self.rules
            for channel in rule.channels
            for purpose in rule.purposes
        )

    def in_force(
        self,
        channel: str,
        purpose: str,
        at: dt.datetime,
        *,
        zone: zoneinfo.ZoneInfo | None = None,
    ) -> tuple[PackRule, ...]:
        """The rules governing ``channel`` and ``purpose`` at the instant ``at``, on the
        local date in ``zone`` (default: the pack's ``timezone``)."""
        day = aware(at).astimezone(zone or zoneinfo.ZoneInfo(self.timezone)).date()
        return tuple(rule for rule in self.rules if rule.applies(channel, purpose, day))

    def area(self, region: str | None, zone: zoneinfo.ZoneInfo) -> Area | None:
        """The area of a customer whose contact point is in ``region`` and whose local zone
        is ``zone``: the area listing the region, else the area of that zone, else ``None``."""
        if region is not None:
            for area in self.areas:
                if region in area.regions:
                    return area
        for area in self.areas:
            if area.timezone == zone.key:
                return area
        return None


def _region_of(point: ContactPoint | None) -> str | None:
    """The ISO 3166-1 region of a contact point, when its identifier tells it."""
    if point is None:
        return None
    identifier = point.identifier
    if isinstance(identifier, PhoneNumber):
        return identifier.region
    if isinstance(identifier, PostalAddress):
        return identifier.country
    return None


@lru_cache(maxsize=4096)
def _number_zone(value: str) -> str | None:
    """The single time zone of the E.164 number ``value``, or ``None`` when its region
    spans several zones (or none is known)."""
    try:
        zones = phone_zones.time_zones_for_number(phonenumbers.parse(value))
    except phonenumbers.NumberParseException:  # pragma: no cover - values are E.164
        return None
    known = [zone for zone in zones if zone != phone_zones.UNKNOWN_TIMEZONE]
    return known[0] if len(known) == 1 else None


@lru_cache(maxsize=1024)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _caps(value: Iterable[FrequencyCap]) -> tuple[FrequencyCap, ...]:
    caps = tuple(value)
    for cap in caps:
        if not isinstance(cap, FrequencyCap):
            raise InvalidValueError("caps", cap, "is not a FrequencyCap")
    return caps


def _packs(value: Iterable[JurisdictionPack]) -> tuple[JurisdictionPack, ...]:
    packs = tuple(value)
    for pack in packs:
        if not isinstance(pack, JurisdictionPack):
            raise InvalidValueError("packs", pack, "is not a JurisdictionPack")
    return packs


def _purposes(value: Iterable[str]) -> frozenset[str]:
    names = _names(value)
    assert names is not None
    return names


DEFAULT_CAPS = (
    FrequencyCap(id="cap.7-days", max_contacts=3, window=dt.timedelta(days=7)),
    FrequencyCap(id="cap.30-days", max_contacts=8, window=dt.timedelta(days=30)),
)


@attrs.frozen(kw_only=True)
class OutboundPolicy:
    """The company's outbound rules: caps, exemptions and the jurisdiction packs that apply.

    ``exempt_purposes`` (transactional by default) escape frequency caps and quiet hours
    (a security code must not wait for the morning); ``consent_required`` lists purposes
    that need a prior grant on every channel, whatever the packs say.

    With packs, every decision is governed or declared: asking about a channel and purpose
    that no rule of the packs governs at that date raises
    :class:`~omnicontact.exceptions.UngovernedPurposeError`, unless the purpose is in
    ``unregulated_purposes`` (service and transactional messages by default: answers about
    the customer's own requests and contracts, receipts, security codes). A policy without
    packs applies only the company's own rules above.

    >>> from omnicontact.routing.packs import FRANCE
    >>> policy = OutboundPolicy(packs=[FRANCE])
    >>> [cap.id for cap in policy.caps]
    ['cap.7-days', 'cap.30-days']
    """

    caps: tuple[FrequencyCap, ...] = attrs.field(default=DEFAULT_CAPS, converter=_caps)
    packs: tuple[JurisdictionPack, ...] = attrs.field(default=(), converter=_packs)
    exempt_purposes: frozenset[str] = attrs.field(
        default=frozenset({Purpose.TRANSACTIONAL}), converter=_purposes
    )
    consent_required: frozenset[str] = attrs.field(default=frozenset(), converter=_purposes)
    unregulated_purposes: frozenset[str] = attrs.field(
        default=frozenset({Purpose.SERVICE, Purpose.TRANSACTIONAL}), converter=_purposes
    )

    def may_contact(
        self,
        customer: CustomerView,
        channel: str,
        purpose: str,
        at: dt.datetime,
        *,
        point: ContactPoint | None = None,
        ongoing_contract: bool = False,
    ) -> OutboundDecision:
        """Allow, deny, or defer until when: contacting ``customer`` on ``channel`` for
        ``purpose`` at ``at``.

        ``point`` is the contact point to use (default: the customer's first one on
        ``channel``); ``ongoing_contract`` says the contact is about a contract in progress
        (some rules, such as the French prior-consent rule for sales calls, exempt those).
        A deferral's ``until`` is a time at which every rule allows the contact. An
        allowed contact cites the pack rules it was checked against.

        Raises :class:`~omnicontact.exceptions.UngovernedPurposeError` when the policy has
        packs, none of their rules governs ``channel`` and ``purpose`` at ``at``, and the
        purpose is not in ``unregulated_purposes``.
        """
        if not isinstance(customer, CustomerView):
            raise InvalidValueError("customer", customer, "must be a CustomerView")
        start = aware(at, field="at")
        if point is None:
            point = next((p for p in customer.contact_points if p.channel == channel), None)
        zone = self.local_zone(customer, point)
        region = _region_of(point)
        request = _Request(
            customer=customer,
            channel=channel,
            purpose=purpose,
            point=point,
            ongoing_contract=ongoing_contract,
            zone=zone,
            areas=tuple(pack.area(region, zone) for pack in self.packs),
        )
        in_force = tuple(pack.in_force(channel, purpose, start, zone=zone) for pack in self.packs)
        governing = [rule for rules in in_force for rule in rules]
        if self.packs and not governing and purpose not in self.unregulated_purposes:
            raise UngovernedPurposeError(
                channel,
                purpose,
                start.isoformat(),
                ", ".join(pack.code for pack in self.packs),
            )
        moment = start
        seen: dict[str, _Finding] = {}
        for _ in range(64):
            findings = self._findings(request, moment, in_force if moment == start else None)
            for finding in findings:
                seen.setdefault(finding.rule_id, finding)
            denials = [f for f in findings if f.deny]
            if denials:
                return _answer(Verdict.DENY, None, request, start, denials)
            if not findings:
                if moment == start:
                    met = [
                        _Finding(
                            deny=False,
                            until=None,
                            rule_id=rule.id,
                            reason=f"met: {rule.summary}",
                            citation=rule.citation,
                        )
                        for rule in governing
                    ]
                    return _answer(Verdict.ALLOW, None, request, start, met)
                return _answer(Verdict.DEFER, moment, request, start, list(seen.values()))
            untils = [f.until for f in findings]
            if any(until is None for until in untils):
                stuck = [f for f in findings if f.until is None]
                reasons = [
                    *stuck,
                    _Finding(
                        deny=True,
                        until=None,
                        rule_id="outbound.no-slot",
                        reason="no time within the calendar horizon satisfies every rule",
                    ),
                ]
                return _answer(Verdict.DENY, None, request, start, reasons)
            moment = max(until for until in untils if until is not None)
        return _answer(  # pragma: no cover - 64 rounds of deferral cannot all collide
            Verdict.DENY,
            None,
            request,
            start,
            [_Finding(deny=True, until=None, rule_id="outbound.no-slot", reason="no slot found")],
        )

    def local_zone(
        self, customer: CustomerView, point: ContactPoint | None = None
    ) -> zoneinfo.ZoneInfo:
        """The customer's local time zone, in which every hour of a decision is read.

        In this order: the customer's preferences (``Preferences.timezone``); the region
        of ``point`` (an :class:`Area` of a pack listing it, such as Réunion for a ``+262
        262`` number, else the single zone of a phone number's region); the first pack's
        ``timezone``; UTC.

        >>> from omnicontact import Normalizer
        >>> from omnicontact.routing.packs import FRANCE
        >>> number = Normalizer().phone("+262 262 12 34 56")
        >>> OutboundPolicy(packs=[FRANCE]).local_zone(
        ...     CustomerView(), ContactPoint(channel="phone", identifier=number)).key
        'Indian/Reunion'
        """
        timezone = customer.preferences.timezone
        if timezone is not None:
            return _zone(timezone)
        region = _region_of(point)
        if region is not None:
            for pack in self.packs:
                for area in pack.areas:
                    if region in area.regions:
                        return _zone(area.timezone)
            if point is not None and isinstance(point.identifier, PhoneNumber):
                number_zone = _number_zone(point.identifier.value)
                if number_zone is not None:
                    return _zone(number_zone)
        if self.packs:
            return _zone(self.packs[0].timezone)
        return _zone("UTC")

    def _findings(
        self,
        request: _Request,
        at: dt.datetime,
        in_force: tuple[tuple[PackRule, ...], ...] | None = None,
    ) -> list[_Finding]:
        """What each rule says at ``at``; ``in_force``: the rules of each pack in force
        then, when already known."""
        customer, channel, purpose = request.customer, request.channel, request.purpose
        preferences = customer.preferences
        findings: list[_Finding] = []
        exempt = purpose in self.exempt_purposes
        if channel in preferences.opted_out_channels and not exempt:
            findings.append(
                _Finding(
                    deny=True,
                    until=None,
                    rule_id="preferences.opt-out",
                    reason=f"the customer opted out of {channel}",
                )
            )
        point = request.point
        if point is None:
            findings.append(
                _Finding(
                    deny=True,
                    until=None,
                    rule_id="consent.contact-point",
                    reason=f"no contact point on {channel} is known for the customer",
                )
            )
        else:
            status = customer.consents.status(point, purpose, at=at)
            if status in (ConsentStatus.DENIED, ConsentStatus.WITHDRAWN):
                findings.append(
                    _Finding(
                        deny=True,
                        until=None,
                        rule_id="consent.refused",
                        reason=f"consent for {purpose} on {point.key} is {status.value}",
                    )
                )
            elif purpose in self.consent_required and status is not ConsentStatus.GRANTED:
                findings.append(
                    _Finding(
                        deny=True,
                        until=None,
                        rule_id="consent.required",
                        reason=f"{purpose} needs a prior grant on {point.key}",
                    )
                )
        if not exempt:
            outbound = _outbound(customer, at)
            for cap in self.caps:
                times = [c.occurred_at for c in outbound if cap.counts(c, self.exempt_purposes)]
                until = _cap_until(times, cap.max_contacts, cap.window, at)
                if until is not None:
                    findings.append(
                        _Finding(
                            deny=False,
                            until=until,
                            rule_id=cap.id,
                            reason=(
                                f"at most {cap.max_contacts} contacts in "
                                f"{_days(cap.window)} across "
                                + (
                                    "all channels"
                                    if cap.channels is None
                                    else ", ".join(sorted(cap.channels))
                                )
                            ),
                        )
                    )
            quiet_until = _quiet_until(preferences, at, request.zone)
            if quiet_until is not None:
                findings.append(
                    _Finding(
                        deny=False,
                        until=quiet_until,
                        rule_id="preferences.quiet-hours",
                        reason=(
                            f"the customer's quiet hours (in their local time, {request.zone.key})"
                        ),
                    )
                )
        for index, (pack, area) in enumerate(zip(self.packs, request.areas, strict=True)):
            rules = (
                pack.in_force(channel, purpose, at, zone=request.zone)
                if in_force is None
                else in_force[index]
            )
            for rule in rules:
                finding = rule.evaluate(request, at, area)
                if finding is not None:
                    findings.append(finding)
        return findings


def _days(window: dt.timedelta) -> str:
    if window % dt.timedelta(days=1) == dt.timedelta(0):
        return f"{window.days} days"
    return f"{window / dt.timedelta(hours=1):g} hours"


def _in_quiet_hours(preferences: Preferences, at: dt.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    local = at.astimezone(zone)
    return any(window.contains(local) for window in preferences.quiet_hours)


def _quiet_until(
    preferences: Preferences, at: dt.datetime, zone: zoneinfo.ZoneInfo
) -> dt.datetime | None:
    """The end of the quiet hours ``at`` falls in, read in ``zone`` (chained windows
    followed), or None."""
    if not preferences.quiet_hours or not _in_quiet_hours(preferences, at, zone):
        return None
    moment = at
    for _ in range(16):
        local = moment.astimezone(zone)
        clock = local.time().replace(tzinfo=None)
        ends = []
        for window in preferences.quiet_hours:
            if not window.contains(local):
                continue
            day = local.date()
            if window.start >= window.end and clock >= window.start:
                day += dt.timedelta(days=1)
            naive = dt.datetime.combine(day, window.end)
            ends.append(naive.replace(tzinfo=zone).astimezone(dt.timezone.utc))
        if not ends:
            return moment
        moment = max(ends)
        if not _in_quiet_hours(preferences, moment, zone):
            return moment
    return moment  # pragma: no cover - quiet all week: the caller keeps deferring


def _answer(
    verdict: Verdict,
    until: dt.datetime | None,
    request: _Request,
    at: dt.datetime,
    findings: list[_Finding],
) -> OutboundDecision:
    return OutboundDecision(
        verdict=verdict,
        until=until,
        channel=request.channel,
        purpose=request.purpose,
        at=at,
        reasons=tuple(f.reason for f in findings),
        rule_ids=tuple(f.rule_id for f in findings),
        citations=tuple(dict.fromkeys(f.citation for f in findings if f.citation)),
    )


_DEFAULT_POLICY = OutboundPolicy()


def may_contact(
    customer: CustomerView,
    channel: str,
    purpose: str,
    at: dt.datetime,
    *,
    policy: OutboundPolicy | None = None,
    point: ContactPoint | None = None,
    ongoing_contract: bool = False,
) -> OutboundDecision:
    """Whether the company may contact ``customer`` on ``channel`` for ``purpose`` at ``at``.

    Shorthand for ``policy.may_contact(...)``; ``policy`` defaults to an
    :class:`OutboundPolicy` with the default caps and no jurisdiction pack.

    >>> decision = may_contact(CustomerView(), "sms", "marketing",
    ...                        dt.datetime(2026, 3, 2, 10, tzinfo=dt.timezone.utc))
    >>> decision.verdict, decision.rule_ids
    (<Verdict.DENY: 'deny'>, ('consent.contact-point',))
    """
    chosen = _DEFAULT_POLICY if policy is None else policy
    return chosen.may_contact(
        customer, channel, purpose, at, point=point, ongoing_contract=ongoing_contract
    )


register_document_type(OutboundDecision)
