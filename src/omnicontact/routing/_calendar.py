"""Business calendars: when a queue is staffed, in the queue's own time zone."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import attrs
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from ..exceptions import InvalidValueError
from ._holidays import check_holiday_code, public_holidays

__all__ = ["WEEKDAYS", "BusinessCalendar", "DateException", "Interval"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names, Monday first (index = :meth:`datetime.date.weekday`)."""

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_EPOCH = dt.datetime(1970, 1, 1)
_UTC_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_DAY = 24 * 60
_CACHE_LIMIT = 100_000
_MISSING: Any = object()


def _local_time(field: str) -> Any:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, dt.time) or value.tzinfo is not None:
            raise InvalidValueError(field, value, "must be a local time of day (no zone)")

    return check


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


@attrs.frozen(kw_only=True)
class Interval:
    """Opening hours within one day, ``start`` included, ``end`` excluded.

    An ``end`` of ``00:00`` means midnight at the end of the day (24:00).

    >>> Interval.parse("09:00-12:30")
    Interval(start=datetime.time(9, 0), end=datetime.time(12, 30))
    """

    start: dt.time = attrs.field(validator=_local_time("interval.start"))
    end: dt.time = attrs.field(validator=_local_time("interval.end"))

    def __attrs_post_init__(self) -> None:
        if self.start_minute >= self.end_minute:
            raise InvalidValueError("interval", f"{self}", "start must be before end")

    @property
    def start_minute(self) -> int:
        """Minutes after local midnight at which the interval opens."""
        return _minutes(self.start)

    @property
    def end_minute(self) -> int:
        """Minutes after local midnight at which it closes (1440 for midnight)."""
        return _minutes(self.end) or _DAY

    @classmethod
    def parse(cls, text: str) -> Interval:
        """An interval written ``"HH:MM-HH:MM"`` (``24:00`` allowed as the end)."""
        match = _SPAN.match(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidValueError("interval", text, "must be written 'HH:MM-HH:MM'")
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        if h2 == 24 and m2 == 0:
            h2 = 0
        try:
            return cls(start=dt.time(h1, m1), end=dt.time(h2, m2))
        except ValueError as error:
            if isinstance(error, InvalidValueError):
                raise
            raise InvalidValueError("interval", text, "is not a valid time span") from None

    def __str__(self) -> str:
        end = "24:00" if self.end_minute == _DAY else self.end.strftime("%H:%M")
        return f"{self.start.strftime('%H:%M')}-{end}"


def _intervals(value: Iterable[Interval | str], field: str) -> tuple[Interval, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidValueError(field, value, "must be a list of intervals")
    spans = tuple(item if isinstance(item, Interval) else Interval.parse(item) for item in value)
    ordered = tuple(sorted(spans, key=lambda span: span.start_minute))
    for before, after in itertools.pairwise(ordered):
        if after.start_minute < before.end_minute:
            raise InvalidValueError(field, [str(s) for s in ordered], "intervals overlap")
    return ordered


def _weekly(value: Any) -> tuple[tuple[Interval, ...], ...]:
    if isinstance(value, Mapping):
        days: list[tuple[Interval, ...]] = [() for _ in WEEKDAYS]
        for key, spans in value.items():
            index = WEEKDAYS.index(key) if key in WEEKDAYS else key
            if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index <= 6:
                raise InvalidValueError(
                    "calendar.weekly", key, f"is not a weekday (0-6 or {', '.join(WEEKDAYS)})"
                )
            days[index] = _intervals(spans, f"calendar.weekly.{WEEKDAYS[index]}")
        return tuple(days)
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidValueError("calendar.weekly", value, "must map weekdays to intervals")
    listed = tuple(value)
    if len(listed) != 7:
        raise InvalidValueError("calendar.weekly", value, "must give the 7 weekdays")
    return tuple(
        _intervals(spans, f"calendar.weekly.{WEEKDAYS[i]}") for i, spans in enumerate(listed)
    )


def _date_exception_intervals(value: Iterable[Interval | str]) -> tuple[Interval, ...]:
    return _intervals(value, "calendar.exceptions.intervals")


@attrs.frozen(kw_only=True)
class DateException:
    """Special hours on one date: closed when ``intervals`` is empty.

    An exception wins over the weekly hours and over holidays (open on a holiday by exception).
    """

    date: dt.date = attrs.field(validator=attrs.validators.instance_of(dt.date))
    intervals: tuple[Interval, ...] = attrs.field(default=(), converter=_date_exception_intervals)
    reason: str = attrs.field(default="", validator=attrs.validators.instance_of(str))


def _zone_name(_instance: Any, _attribute: Any, value: Any) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        # OSError: a name too long for a file name of the zone database.
        raise InvalidValueError("calendar.timezone", value, "is not an IANA time zone") from None


def _dates(value: Any) -> frozenset[dt.date]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidValueError("calendar.holidays", value, "must be a list of dates")
    days = frozenset(value)
    for day in days:
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise InvalidValueError("calendar.holidays", day, "is not a date")
    return days


MAX_HOLIDAY_RULES = 16
"""The most recurrence rules one calendar may hold."""

MAX_RULE_LENGTH = 512
"""The longest recurrence rule text read."""

# A holiday is a whole date: rules that recur within a day only multiply the work of
# expanding them (``FREQ=SECONDLY`` is 31 million occurrences a year). dateutil reads rule
# names in any case, hence the flag.
_SUB_DAILY = re.compile(r"FREQ\s*=\s*(HOURLY|MINUTELY|SECONDLY)|BY(HOUR|MINUTE|SECOND)\s*=", re.I)


def _rules(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidValueError("calendar.holiday_rules", value, "must be a list of RRULEs")
    rules = tuple(value)
    if len(rules) > MAX_HOLIDAY_RULES:
        raise InvalidValueError(
            "calendar.holiday_rules", len(rules), f"holds more than {MAX_HOLIDAY_RULES} rules"
        )
    for rule in rules:
        _check_rule(rule)
    return rules


def _check_rule(rule: Any) -> None:
    """Refuse a holiday rule that is not one plain RRULE falling on some date, cheaply."""

    def refuse(reason: str) -> InvalidValueError:
        return InvalidValueError("calendar.holiday_rules", rule, reason)

    if not isinstance(rule, str):
        raise refuse("is not an RRULE text")
    if len(rule) > MAX_RULE_LENGTH:
        raise InvalidValueError(
            "calendar.holiday_rules", rule[:40] + "…", f"is over {MAX_RULE_LENGTH} characters"
        )
    if _SUB_DAILY.search(rule):
        raise refuse(
            "recurs within a day: a holiday rule is DAILY, WEEKLY, MONTHLY or YEARLY, "
            "without BYHOUR, BYMINUTE or BYSECOND"
        )
    try:
        recurrence = rrulestr(rule, dtstart=_EPOCH, ignoretz=True)
    except (ValueError, TypeError, OverflowError):
        raise refuse("is not an RFC 5545 RRULE") from None
    if not isinstance(recurrence, rrule) or vars(recurrence).get("_dtstart") != _EPOCH:
        raise refuse("must be one RRULE, without DTSTART")
    if vars(recurrence).get("_count") is not None:
        raise refuse(
            "has COUNT, which would count from 1970-01-01 (the start every holiday rule is "
            "read from): use UNTIL"
        )
    # Expanding a rule that never matches walks every period up to the year 9999, for each
    # year asked about: it is refused once, here.
    if recurrence.after(_EPOCH, inc=True) is None:
        raise refuse("never falls on a date")


def _public(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None:
        check_holiday_code(value)


def _exceptions(value: Iterable[DateException]) -> tuple[DateException, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, DateException):
            raise InvalidValueError("calendar.exceptions", item, "is not a DateException")
    if len({item.date for item in items}) != len(items):
        raise InvalidValueError("calendar.exceptions", items, "gives one date twice")
    return tuple(sorted(items, key=lambda item: item.date))


@lru_cache(maxsize=4096)
def _rule_dates(rule: str, year: int) -> frozenset[dt.date]:
    """The dates in ``year`` on which the RRULE ``rule`` falls (pure, hence cacheable)."""
    recurrence = _started_near(rrulestr(rule, dtstart=_EPOCH, ignoretz=True), year)
    start = dt.datetime(year, 1, 1)
    end = dt.datetime(year, 12, 31, 23, 59, 59)
    return frozenset(moment.date() for moment in recurrence.between(start, end, inc=True))


def _started_near(recurrence: Any, year: int) -> Any:
    """``recurrence`` with its start moved forward by whole periods to the year before
    ``year``: the same dates from then on, found without walking every period since 1970
    (the year 9999 took seconds per rule).

    Only a plain rule started at the epoch by us, without COUNT (which counts from the
    start), is moved: the periods it skips are whole days, weeks, months or years, so the
    days, weekdays and months that a rule takes from its start are unchanged.
    """
    if not isinstance(recurrence, rrule):
        return recurrence
    fields = vars(recurrence)
    if fields.get("_count") is not None or fields.get("_dtstart") != _EPOCH or year < 1972:
        return recurrence
    interval = int(fields.get("_interval", 1))
    frequency = fields.get("_freq")
    target = dt.datetime(year - 1, 1, 1)
    if frequency == DAILY:
        moved = _EPOCH + dt.timedelta(days=(target - _EPOCH).days // interval * interval)
    elif frequency == WEEKLY:
        weeks = (target - _EPOCH).days // 7 // interval * interval
        moved = _EPOCH + dt.timedelta(weeks=weeks)
    elif frequency == MONTHLY:
        months = ((target.year - _EPOCH.year) * 12) // interval * interval
        moved = _EPOCH.replace(year=_EPOCH.year + months // 12, month=months % 12 + 1)
    elif frequency == YEARLY:
        moved = _EPOCH.replace(
            year=_EPOCH.year + (target.year - _EPOCH.year) // interval * interval
        )
    else:
        return recurrence
    return recurrence.replace(dtstart=moved)


@attrs.frozen(kw_only=True)
class BusinessCalendar:
    """When a queue is open: weekly hours, holidays and exceptions, in the queue's zone.

    ``weekly`` maps weekdays (``"mon"`` … ``"sun"`` or 0–6) to intervals, several per day.
    ``holidays`` are closed dates; ``holiday_rules`` are RFC 5545 recurrence rules read by
    :func:`dateutil.rrule.rrulestr` (``"FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24"``) — parsed,
    never evaluated; ``public_holidays`` names the public holidays of a country or subdivision,
    read from the ``holidays`` package (``"FR"``, ``"FR-974"`` for La Réunion, ``"FR-57"``
    for Moselle, ``"DE-BY"``, ``"US-CA"``: see :func:`public_holidays`); ``exceptions``
    override any of these for one date.

    >>> cal = BusinessCalendar(timezone="Europe/Paris", public_holidays="FR",
    ...     weekly={"mon": ["09:00-12:30", "13:30-18:00"], "tue": ["09:00-18:00"]})
    >>> cal.is_open(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.timezone.utc))  # 13:00 Paris
    False
    >>> cal.next_opening(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.timezone.utc)).isoformat()
    '2026-03-02T12:30:00+00:00'
    """

    timezone: str = attrs.field(default="UTC", validator=_zone_name)
    weekly: tuple[tuple[Interval, ...], ...] = attrs.field(converter=_weekly)
    holidays: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_dates)
    holiday_rules: tuple[str, ...] = attrs.field(default=(), converter=_rules)
    public_holidays: str | None = attrs.field(default=None, validator=_public)
    exceptions: tuple[DateException, ...] = attrs.field(default=(), converter=_exceptions)
    _zone: zoneinfo.ZoneInfo = attrs.field(init=False, eq=False, repr=False, hash=False)
    _by_date: dict[dt.date, DateException] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _days: dict[dt.date, tuple[tuple[int, int], ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _hours: dict[int, tuple[tuple[int, int], ...] | None] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _openings: dict[tuple[dt.date, int, int], dt.datetime | None] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _moved: dict[tuple[str, str | None], BusinessCalendar] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_zone", zoneinfo.ZoneInfo(self.timezone))
        object.__setattr__(self, "_by_date", {item.date: item for item in self.exceptions})
        # Caches filled on first use. Each holds a pure function of the calendar (a value),
        # so it never goes stale: opening minutes per local date; per UTC hour, the open
        # stretches of that hour in UTC seconds; per local minute, the first candidate
        # opening after it.
        object.__setattr__(self, "_days", {})
        object.__setattr__(self, "_hours", {})
        object.__setattr__(self, "_openings", {})
        object.__setattr__(self, "_moved", {})

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> BusinessCalendar:
        """A calendar open every hour of every day (a queue staffed around the clock)."""
        return cls(timezone=timezone, weekly=[[Interval(start=dt.time(0), end=dt.time(0))]] * 7)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The queue's time zone."""
        return self._zone

    def moved_to(self, timezone: str, public_holidays: str | None) -> BusinessCalendar:
        """The same weekly hours, holidays and exceptions read in ``timezone``, with the
        public holidays ``public_holidays`` (a set code, see ``public_holidays``).

        Legal hours that protect the person called apply in their own local time: a
        jurisdiction pack moves its calendar to each customer's zone and region this way.
        The moved calendars are kept (one per zone and holiday set), so asking again is cheap.

        >>> paris = BusinessCalendar(timezone="Europe/Paris", weekly={"mon": ["10:00-13:00"]})
        >>> reunion = paris.moved_to("Indian/Reunion", "FR-974")
        >>> reunion.next_opening(dt.datetime(2026, 3, 2, 5, tzinfo=dt.timezone.utc)).isoformat()
        '2026-03-02T06:00:00+00:00'
        """
        key = (timezone, public_holidays)
        moved = self._moved.get(key)
        if moved is None:
            if key == (self.timezone, self.public_holidays):
                moved = self
            else:
                moved = attrs.evolve(self, timezone=timezone, public_holidays=public_holidays)
            self._moved[key] = moved
        return moved

    def is_holiday(self, day: dt.date) -> bool:
        """Whether ``day`` is a holiday of this calendar (before exceptions apply)."""
        if day in self.holidays:
            return True
        if self.public_holidays is not None and day in public_holidays(
            self.public_holidays, day.year
        ):
            return True
        return any(day in _rule_dates(rule, day.year) for rule in self.holiday_rules)

    def intervals_on(self, day: dt.date) -> tuple[Interval, ...]:
        """The opening intervals of local date ``day``, exceptions and holidays applied."""
        special = self._by_date.get(day)
        if special is not None:
            return special.intervals
        if self.is_holiday(day):
            return ()
        return self.weekly[day.weekday()]

    def is_open(self, at: dt.datetime) -> bool:
        """Whether the queue is open at the instant ``at`` (an aware datetime)."""
        delta = _aware(at) - _UTC_EPOCH
        second = delta.days * 86400 + delta.seconds  # whole seconds since the epoch, floored
        hour = second // 3600
        spans = self._hours.get(hour, _MISSING)
        if spans is _MISSING:
            spans = self._hour_spans(hour)
            if len(self._hours) >= _CACHE_LIMIT:
                self._hours.clear()
            self._hours[hour] = spans
        if spans is None:
            return self._is_open_local(at)
        for low, high in spans:  # noqa: SIM110 - a loop is faster than any(generator)
            if low <= second < high:
                return True
        return False

    def _is_open_local(self, at: dt.datetime) -> bool:
        """:meth:`is_open` by converting to local time (the definition)."""
        local = at.astimezone(self._zone)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self._spans(local.date()))

    def _hour_spans(self, hour: int) -> tuple[tuple[int, int], ...] | None:
        """The open stretches ``[low, high)`` of UTC hour ``hour``, in seconds since the
        epoch; ``None`` when the zone's offset changes within the hour or is not a whole
        number of seconds (then :meth:`_is_open_local` answers)."""
        begin = hour * 3600
        try:
            first = (_UTC_EPOCH + dt.timedelta(seconds=begin)).astimezone(self._zone)
            last = (_UTC_EPOCH + dt.timedelta(seconds=begin + 3599)).astimezone(self._zone)
        except (OverflowError, ValueError):
            return None
        offset = first.utcoffset()
        if offset is None or offset != last.utcoffset() or offset.microseconds:
            return None
        shift = offset.days * 86400 + offset.seconds
        # With a fixed offset, local = UTC + shift: a local minute m of local day d is open
        # when a span (start, end) of d has start <= m < end, i.e. for UTC seconds in
        # [d * 86400 + start * 60 - shift, d * 86400 + end * 60 - shift).
        spans = []
        for day in range((begin + shift) // 86400, (begin + 3599 + shift) // 86400 + 1):
            for start, end in self._spans(dt.date.fromordinal(day + _EPOCH_ORDINAL)):
                low = max(begin, day * 86400 + start * 60 - shift)
                high = min(begin + 3600, day * 86400 + end * 60 - shift)
                if low < high:
                    spans.append((low, high))
        return tuple(spans)

    def _spans(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        spans = self._days.get(day)
        if spans is None:
            spans = tuple((s.start_minute, s.end_minute) for s in self.intervals_on(day))
            self._days[day] = spans
        return spans

    def next_opening(self, at: dt.datetime, *, horizon_days: int = 400) -> dt.datetime | None:
        """``at`` if open then, else the next instant it opens (UTC); ``None`` past the horizon."""
        moment = _aware(at)
        if self.is_open(moment):
            return moment.astimezone(dt.timezone.utc)
        return self._next_opening_closed(moment, horizon_days)

    def _next_opening_closed(self, moment: dt.datetime, horizon_days: int) -> dt.datetime | None:
        """:meth:`next_opening` for an aware ``moment`` at which the queue is closed."""
        local = moment.astimezone(self._zone)
        day = local.date()
        minute = local.hour * 60 + local.minute
        # The search skips the spans of the first day that start at or before ``minute``:
        # minutes with the same next start on that day share their candidates.
        following = next((start for start, _end in self._spans(day) if start > minute), -1)
        key = (day, following, horizon_days)
        if key in self._openings:
            first = self._openings[key]
        else:
            first = next(self._candidates(day, minute, horizon_days), None)
            if len(self._openings) >= _CACHE_LIMIT:
                self._openings.clear()
            self._openings[key] = first
        if first is None or first > moment:
            # no candidate at all, or the first one (what the search below returns first)
            return first
        for opening in self._candidates(day, minute, horizon_days):
            if opening > moment:
                return opening
        return None

    def _candidates(self, day: dt.date, minute: int, horizon_days: int) -> Iterator[dt.datetime]:
        """Openings after local ``minute`` of ``day``, in order, as UTC instants."""
        for offset in range(horizon_days + 1):
            current = day + dt.timedelta(days=offset)
            for start, _end in self._spans(current):
                if offset == 0 and start <= minute:
                    continue
                naive = dt.datetime.combine(current, dt.time(start // 60, start % 60))
                yield naive.replace(tzinfo=self._zone).astimezone(dt.timezone.utc)

    def describe(self) -> str:
        """The weekly hours in one line, e.g. ``mon 09:00-12:30, 13:30-18:00; tue closed``."""
        days = []
        for name, spans in zip(WEEKDAYS, self.weekly, strict=True):
            hours = ", ".join(str(span) for span in spans) or "closed"
            days.append(f"{name} {hours}")
        return f"{'; '.join(days)} ({self.timezone})"


def _aware(at: dt.datetime) -> dt.datetime:
    if not isinstance(at, dt.datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise InvalidValueError("at", at, "must be a timezone-aware datetime")
    return at
