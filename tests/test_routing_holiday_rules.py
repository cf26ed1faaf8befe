"""Holiday rules (RRULEs) of business calendars: refused when costly, fast for any year."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from omnicontact.exceptions import InvalidValueError
from omnicontact.routing import BusinessCalendar
from omnicontact.routing._calendar import _EPOCH, MAX_HOLIDAY_RULES, _rule_dates

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def numbers(low: int, high: int, *, signed: bool = False) -> st.SearchStrategy[str]:
    """A BY list: one to three distinct numbers in ``low..high`` (or their negatives)."""
    values = st.integers(low, high) | st.integers(-high, -low) if signed else st.integers(low, high)
    return st.lists(values, min_size=1, max_size=3, unique=True).map(
        lambda items: ",".join(map(str, items))
    )


@st.composite
def rules(draw: st.DrawFn) -> str:
    """Holiday rules of every frequency a calendar accepts, with the usual BY parts."""
    frequency = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={frequency}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 9))}")
    if draw(st.booleans()):
        parts.append(f"BYMONTH={draw(numbers(1, 12))}")
    if draw(st.booleans()):
        parts.append(f"BYMONTHDAY={draw(numbers(1, 28, signed=True))}")
    if draw(st.booleans()):
        prefix = (
            st.sampled_from(["", "1", "2", "-1"])
            if frequency in ("MONTHLY", "YEARLY")
            else st.just("")
        )
        days = draw(st.lists(st.tuples(prefix, st.sampled_from(DAYS)), min_size=1, max_size=3))
        parts.append("BYDAY=" + ",".join(n + day for n, day in days))
    if draw(st.booleans()):
        # A daily period holds one day: a position past the first never matches (and a rule
        # that never matches is slow to find out about, and refused).
        highest = 1 if frequency == "DAILY" else 2
        parts.append(f"BYSETPOS={draw(numbers(1, highest, signed=True))}")
    if frequency == "YEARLY" and draw(st.booleans()):
        parts.append(f"BYWEEKNO={draw(numbers(1, 52, signed=True))}")
    if draw(st.booleans()):
        parts.append(f"WKST={draw(st.sampled_from(DAYS))}")
    if draw(st.booleans()):
        parts.append(f"UNTIL={draw(st.integers(1975, 2090))}0101")
    return ";".join(draw(st.permutations(parts)))


def dates_from_1970(rule: str, year: int) -> frozenset[dt.date]:
    """The definition: the rule expanded from 1970-01-01, the slow way."""
    recurrence = rrulestr(rule, dtstart=_EPOCH, ignoretz=True)
    start, end = dt.datetime(year, 1, 1), dt.datetime(year, 12, 31, 23, 59, 59)
    return frozenset(moment.date() for moment in recurrence.between(start, end, inc=True))


class TestHolidayRules:
    @given(rules(), st.integers(1970, 2060))
    @settings(
        # Each example expands up to 90 years of a rule from 1970 (and a rule that never
        # matches, to the year 9999): at most 100 of them, even in the CI profile.
        max_examples=min(settings.default.max_examples, 100),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    def test_dates_of_a_year_are_those_expanded_from_1970(self, rule: str, year: int) -> None:
        """Starting the expansion near the year asked gives the same dates as from 1970."""
        recurrence = rrulestr(rule, dtstart=_EPOCH, ignoretz=True)
        # A rule that never falls on a date is refused by calendars (and slow to expand).
        assume(recurrence.after(_EPOCH, inc=True) is not None)
        assert _rule_dates(rule, year) == dates_from_1970(rule, year)

    def test_a_far_year_is_quick(self) -> None:
        """A daily rule asked about the year 9999 is expanded from near then, not from 1970."""
        calendar = BusinessCalendar(weekly={}, holiday_rules=["FREQ=DAILY;BYMONTH=8"])
        started = time.process_time()
        assert calendar.is_holiday(dt.date(9999, 8, 3))
        assert not calendar.is_holiday(dt.date(9998, 9, 3))
        assert time.process_time() - started < 0.5

    @pytest.mark.parametrize(
        ("rule", "reason"),
        [
            ("FREQ=SECONDLY", "recurs within a day"),
            ("FREQ=hourly", "recurs within a day"),
            ("FREQ=DAILY;BYHOUR=1,2", "recurs within a day"),
            ("FREQ=YEARLY;COUNT=3", "COUNT"),
            ("DTSTART:20200101T000000\nRRULE:FREQ=YEARLY", "without DTSTART"),
            ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never falls on a date"),
            ("FREQ=YEARLY;UNTIL=19600101", "never falls on a date"),
            ("FREQ=YEARLY;" + "BYMONTH=1;" * 100, "over 512 characters"),
            ("EVERY SUNDAY", "not an RFC 5545 RRULE"),
        ],
    )
    def test_costly_or_meaningless_rules_are_refused(self, rule: str, reason: str) -> None:
        """Each rule is refused with a reason saying why."""
        with pytest.raises(InvalidValueError, match=reason):
            BusinessCalendar(weekly={}, holiday_rules=[rule])

    def test_too_many_rules_are_refused(self) -> None:
        """A calendar holds a bounded number of rules."""
        many = [
            f"FREQ=YEARLY;BYMONTH=1;BYMONTHDAY={day}" for day in range(1, MAX_HOLIDAY_RULES + 2)
        ]
        with pytest.raises(InvalidValueError, match="more than"):
            BusinessCalendar(weekly={}, holiday_rules=many)
        assert BusinessCalendar(weekly={}, holiday_rules=many[:MAX_HOLIDAY_RULES])

    @given(st.text(max_size=60) | st.text(max_size=40).map(lambda text: "FREQ=YEARLY;" + text))
    @settings(deadline=None)
    def test_any_text_is_a_rule_or_a_typed_error(self, text: str) -> None:
        """Random text as a holiday rule: a calendar, or an InvalidValueError."""
        try:
            calendar = BusinessCalendar(weekly={}, holiday_rules=[text])
        except InvalidValueError:
            return
        calendar.is_holiday(dt.date(2026, 5, 1))
