"""Public holidays from the ``holidays`` package: France all of it, and any country."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.easter import easter
from hypothesis import given
from hypothesis import strategies as st

from _routing_strategies import consenting
from omnicontact import Normalizer
from omnicontact.exceptions import InvalidValueError
from omnicontact.routing import (
    BusinessCalendar,
    CustomerView,
    OutboundPolicy,
    Verdict,
    french_public_holidays,
    public_holidays,
)
from omnicontact.routing.packs import FRANCE

UTC = dt.timezone.utc


def french_law(year: int, *, alsace_moselle: bool = False) -> set[dt.date]:
    """The French public holidays as code du travail L.3133-1 lists them since 2008 (and
    L.3134-13 for Alsace-Moselle), computed here independently of the package."""
    sunday = easter(year)
    days = {dt.date(year, month, day) for month, day in ((1, 1), (5, 1), (5, 8), (7, 14))}
    days |= {dt.date(year, month, day) for month, day in ((8, 15), (11, 1), (11, 11), (12, 25))}
    days |= {sunday + dt.timedelta(days=n) for n in (1, 39, 50)}
    if alsace_moselle:
        days |= {sunday - dt.timedelta(days=2), dt.date(year, 12, 26)}
    return days


class TestFrance:
    @given(st.integers(2008, 2300), st.booleans())
    def test_same_as_the_law_since_2008(self, year, alsace_moselle):
        """Mainland France and Alsace-Moselle get the days the law lists, every year."""
        assert french_public_holidays(year, alsace_moselle=alsace_moselle) == french_law(
            year, alsace_moselle=alsace_moselle
        )

    @pytest.mark.parametrize(
        ("code", "day"),
        [
            ("FR-971", dt.date(2026, 5, 27)),  # Guadeloupe
            ("FR-972", dt.date(2026, 5, 22)),  # Martinique
            ("FR-973", dt.date(2026, 6, 10)),  # Guyane
            ("FR-974", dt.date(2026, 12, 20)),  # La Réunion
            ("FR-976", dt.date(2026, 4, 27)),  # Mayotte
        ],
    )
    def test_abolition_of_slavery_in_each_overseas_department(self, code, day):
        """Each overseas department has its abolition-of-slavery day, which mainland France
        does not."""
        assert day in public_holidays(code, day.year)
        assert day not in public_holidays("FR", day.year)
        assert public_holidays("FR", day.year) <= public_holidays(code, day.year)

    @pytest.mark.parametrize("code", ["FR-57", "FR-6AE", "FR-ALSACE-MOSELLE"])
    def test_alsace_moselle_two_extra_days(self, code):
        """Moselle and Alsace add Good Friday and 26 December to the national days."""
        extra = public_holidays(code, 2027) - public_holidays("FR", 2027)
        assert extra == {dt.date(2027, 3, 26), dt.date(2027, 12, 26)}

    def test_reunion_customer_not_called_on_20_december(self):
        """A sales call to a Réunion number on Monday 20 December 2027 (the abolition of
        slavery there) is deferred to Tuesday 10:00 Réunion time; a Paris number is called."""
        normalize = Normalizer()

        def customer(number: str) -> CustomerView:
            return consenting(normalize.phone(number))

        policy = OutboundPolicy(packs=[FRANCE])
        reunion = ZoneInfo("Indian/Reunion")
        at = dt.datetime(2027, 12, 20, 11, tzinfo=reunion)
        decision = policy.may_contact(customer("+262 262 12 34 56"), "phone", "sales_calls", at)
        assert decision.verdict is Verdict.DEFER
        assert decision.until == dt.datetime(2027, 12, 21, 10, tzinfo=reunion)
        in_paris = dt.datetime(2027, 12, 20, 11, tzinfo=ZoneInfo("Europe/Paris"))
        assert policy.may_contact(
            customer("+33 6 12 34 56 78"), "phone", "sales_calls", in_paris
        ).allowed


class TestAnyCountry:
    @pytest.mark.parametrize(
        ("code", "day"),
        [
            ("DE-BY", dt.date(2026, 1, 6)),  # Epiphany in Bavaria
            ("US-CA", dt.date(2026, 7, 3)),  # Independence Day observed (4 July is a Saturday)
            ("GB-SCT", dt.date(2026, 11, 30)),  # St Andrew's Day
        ],
    )
    def test_business_hours_closed_on_a_subdivision_holiday(self, code, day):
        """A calendar of any country or subdivision is closed on its public holidays."""
        every_day = {d: ["09:00-17:00"] for d in range(7)}
        calendar = BusinessCalendar(timezone="UTC", weekly=every_day, public_holidays=code)
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=UTC)
        assert calendar.is_holiday(day)
        assert not calendar.is_open(noon)
        assert BusinessCalendar(timezone="UTC", weekly=every_day).is_open(noon)

    @pytest.mark.parametrize("code", ["ZZ", "FR-XX", "", "fr", 7])
    def test_unknown_code_refused(self, code):
        """A code the holidays package does not know is refused with a typed error."""
        with pytest.raises(InvalidValueError, match="public_holidays"):
            BusinessCalendar(timezone="UTC", weekly={}, public_holidays=code)
        with pytest.raises(InvalidValueError):
            public_holidays(code, 2026)  # type: ignore[arg-type]

    @pytest.mark.parametrize("year", ["2026", 2026.0, True, 0, 10_000])
    def test_year_that_is_not_one_refused(self, year):
        """A year that is not a whole number from 1 to 9999 is refused with a typed error."""
        with pytest.raises(InvalidValueError, match="year"):
            public_holidays("FR", year)

    def test_years_after_the_package_range_keep_the_rules(self):
        """After 2100 (the last year the package states) the rules as they stand apply."""
        assert public_holidays("FR", 2150) == french_law(2150)
