"""Tests for business calendars and public holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicontact.exceptions import InvalidValueError
from omnicontact.routing import BusinessCalendar, DateException, Interval, french_public_holidays

UTC = dt.timezone.utc
PARIS = "Europe/Paris"


def paris(*args: int) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(*args, tzinfo=ZoneInfo(PARIS))


OFFICE = BusinessCalendar(
    timezone=PARIS,
    weekly={day: ["09:00-12:30", "13:30-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    public_holidays="FR",
    holidays=[dt.date(2026, 12, 24)],
    holiday_rules=["FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"],
    exceptions=[DateException(date=dt.date(2026, 5, 14), intervals=["10:00-12:00"])],
)


class TestInterval:
    def test_parse_and_render(self):
        """An interval reads and writes the HH:MM-HH:MM form, 24:00 included."""
        span = Interval.parse("22:00-24:00")
        assert (span.start_minute, span.end_minute) == (22 * 60, 24 * 60)
        assert str(span) == "22:00-24:00"

    @pytest.mark.parametrize("text", ["9-12", "12:00-09:00", "10:00-10:00", "25:00-26:00"])
    def test_invalid_spans_are_refused(self, text):
        """Malformed, empty or reversed spans are refused with a typed error."""
        with pytest.raises(InvalidValueError):
            Interval.parse(text)


class TestBusinessCalendar:
    def test_several_intervals_per_day(self):
        """The lunch break between two intervals of one day is closed."""
        assert OFFICE.is_open(paris(2026, 3, 2, 9, 0))
        assert not OFFICE.is_open(paris(2026, 3, 2, 12, 30))
        assert OFFICE.is_open(paris(2026, 3, 2, 13, 30))
        assert not OFFICE.is_open(paris(2026, 3, 2, 18, 0))

    def test_weekend_closed(self):
        """Days without intervals are closed."""
        assert not OFFICE.is_open(paris(2026, 3, 7, 10, 0))

    def test_public_holiday_closed(self):
        """Easter Monday 2026 (6 April) is a French public holiday, so closed."""
        assert not OFFICE.is_open(paris(2026, 4, 6, 10, 0))

    def test_listed_holiday_and_rrule_holiday_closed(self):
        """A listed date and a date produced by an RRULE are closed."""
        assert not OFFICE.is_open(paris(2026, 12, 24, 10, 0))
        assert not OFFICE.is_open(paris(2026, 12, 31, 10, 0))
        assert not OFFICE.is_open(paris(2027, 12, 31, 10, 0))

    def test_exception_wins_over_holiday(self):
        """Ascension 2026 (14 May) is a holiday, but an exception opens 10:00-12:00."""
        assert OFFICE.is_open(paris(2026, 5, 14, 11, 0))
        assert not OFFICE.is_open(paris(2026, 5, 14, 9, 30))

    def test_time_zone_is_the_queues(self):
        """08:30 UTC in winter is 09:30 in Paris: open."""
        assert OFFICE.is_open(dt.datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
        assert not OFFICE.is_open(dt.datetime(2026, 3, 2, 7, 30, tzinfo=UTC))

    def test_next_opening_skips_holidays_and_weekends(self):
        """From Friday evening before Easter, the next opening is Tuesday 09:00 Paris."""
        opening = OFFICE.next_opening(paris(2026, 4, 3, 19, 0))
        assert opening == paris(2026, 4, 7, 9, 0).astimezone(UTC)

    def test_next_opening_when_open_is_now(self):
        """When the queue is open, its next opening is the instant asked."""
        moment = paris(2026, 3, 2, 10, 0)
        assert OFFICE.next_opening(moment) == moment

    def test_never_open_has_no_next_opening(self):
        """A calendar with no hours has no next opening within the horizon."""
        closed = BusinessCalendar(weekly={})
        assert closed.next_opening(paris(2026, 3, 2, 10, 0), horizon_days=30) is None

    def test_naive_instant_refused(self):
        """A naive datetime is refused: an instant must carry its zone."""
        with pytest.raises(InvalidValueError):
            OFFICE.is_open(dt.datetime(2026, 3, 2, 10, 0))

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"timezone": "Mars/Olympus", "weekly": {}},
            {"weekly": {"funday": ["09:00-10:00"]}},
            {"weekly": {"mon": ["09:00-12:00", "11:00-13:00"]}},
            {"weekly": {}, "holiday_rules": ["EVERY SUNDAY"]},
            {"weekly": {}, "public_holidays": "XX"},
        ],
    )
    def test_invalid_calendars_refused(self, kwargs):
        """Unknown zones, weekdays, holiday sets, bad RRULEs and overlaps are refused."""
        with pytest.raises(InvalidValueError):
            BusinessCalendar(**kwargs)

    @given(
        st.datetimes(
            min_value=dt.datetime(2020, 1, 1),
            max_value=dt.datetime(2035, 1, 1),
            timezones=st.just(UTC),
        )
    )
    def test_next_opening_is_open_and_not_before(self, moment):
        """The next opening is at or after the instant asked and the queue is open then."""
        opening = OFFICE.next_opening(moment)
        assert opening is not None
        assert opening >= moment
        assert OFFICE.is_open(opening)

    @given(
        st.datetimes(
            min_value=dt.datetime(2020, 1, 1),
            max_value=dt.datetime(2035, 1, 1),
            timezones=st.just(UTC),
        ),
        st.integers(1, 600),
    )
    def test_closed_until_next_opening(self, moment, minutes):
        """No instant between the one asked and the next opening is open."""
        opening = OFFICE.next_opening(moment)
        assert opening is not None
        probe = moment + dt.timedelta(minutes=minutes)
        if probe < opening:
            assert not OFFICE.is_open(probe)


class TestFrenchHolidays:
    def test_2026(self):
        """The eleven French public holidays of 2026, Easter-based ones included."""
        assert sorted(french_public_holidays(2026)) == [
            dt.date(2026, 1, 1),
            dt.date(2026, 4, 6),  # Easter Monday
            dt.date(2026, 5, 1),
            dt.date(2026, 5, 8),
            dt.date(2026, 5, 14),  # Ascension
            dt.date(2026, 5, 25),  # Whit Monday
            dt.date(2026, 7, 14),
            dt.date(2026, 8, 15),
            dt.date(2026, 11, 1),
            dt.date(2026, 11, 11),
            dt.date(2026, 12, 25),
        ]

    def test_history_of_the_law_is_followed(self):
        """8 May was no public holiday from 1960 to 1981 (it is again from 1982), and Whit
        Monday was the solidarity day, not a holiday, from 2005 to 2007."""
        assert dt.date(1970, 5, 8) not in french_public_holidays(1970)
        assert dt.date(1990, 5, 8) in french_public_holidays(1990)
        assert dt.date(2006, 6, 5) not in french_public_holidays(2006)
        assert dt.date(2008, 5, 12) in french_public_holidays(2008)

    def test_alsace_moselle_adds_two(self):
        """Alsace-Moselle adds Good Friday and 26 December."""
        extra = french_public_holidays(2027, alsace_moselle=True) - french_public_holidays(2027)
        assert extra == {dt.date(2027, 3, 26), dt.date(2027, 12, 26)}

    @given(st.integers(2008, 2200))
    def test_every_year_holds_fixed_and_movable_feasts(self, year):
        """Each year under the current law holds the 8 fixed dates, plus Easter and Whit
        Monday (Mondays) and Ascension (a Thursday), which may coincide with a fixed date
        (8 May 2008). Earlier years differ (see the test below)."""
        days = french_public_holidays(year)
        fixed = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}
        assert {dt.date(year, m, d) for m, d in fixed} <= days
        movable = sorted(d for d in days if (d.month, d.day) not in fixed)
        assert [d.weekday() for d in movable] in ([0, 3, 0], [0, 0])
        assert 10 <= len(days) <= 11
