"""Tests for local time in outbound decisions: every hour is read in the customer's zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _routing_strategies import consenting
from omnicontact import ContactPoint, Normalizer, QuietHours
from omnicontact.routing import CustomerView, OutboundPolicy, Verdict, public_holidays
from omnicontact.routing.packs import FRANCE, FRENCH_AREAS

UTC = dt.timezone.utc
REUNION = ZoneInfo("Indian/Reunion")
NORMALIZE = Normalizer()
REUNION_NUMBER = NORMALIZE.phone("+262 262 12 34 56")
NEW_YORK_NUMBER = NORMALIZE.phone("+1 212 555 0123")
FR_POLICY = OutboundPolicy(packs=[FRANCE])
ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
OVERSEAS_ZONES = [area.timezone for area in FRENCH_AREAS]


def reunion(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=REUNION)


HOLIDAYS_BY_ZONE = {
    "America/Guadeloupe": "FR-971",
    "America/Martinique": "FR-972",
    "America/Cayenne": "FR-973",
    "Indian/Reunion": "FR-974",
    "Indian/Mayotte": "FR-976",
}


def legal_hours(local: dt.datetime) -> bool:
    """Whether the local time is within the French sales-call hours (décret 2022-1313):
    Monday to Friday, 10:00-13:00 and 14:00-20:00, not on a public holiday of the place
    (an overseas department's own, else mainland France's)."""
    clock = local.time()
    assert isinstance(local.tzinfo, ZoneInfo)
    code = HOLIDAYS_BY_ZONE.get(local.tzinfo.key, "FR")
    return (
        local.weekday() < 5
        and (dt.time(10) <= clock < dt.time(13) or dt.time(14) <= clock < dt.time(20))
        and local.date() not in public_holidays(code, local.year)
    )


class TestCustomerZone:
    def test_preferences_zone_read_for_calling_hours(self):
        """A Réunion customer called at 21:30 Réunion time is deferred to 10:00 the next
        morning there, not allowed as 18:30 Paris time would be."""
        who = consenting(timezone="Indian/Reunion")
        decision = FR_POLICY.may_contact(who, "phone", "sales_calls", reunion(2026, 9, 1, 21, 30))
        assert decision.verdict is Verdict.DEFER
        assert decision.until == reunion(2026, 9, 2, 10, 0)
        assert decision.rule_ids == ("fr.sales-calls.hours",)

    def test_morning_in_reunion_is_allowed(self):
        """10:30 in Réunion is within the legal hours there: allowed (it was deferred to
        '13:00 local', inside the lunch gap, when read in Paris time)."""
        who = consenting(timezone="Indian/Reunion")
        decision = FR_POLICY.may_contact(who, "phone", "sales_calls", reunion(2026, 9, 1, 10, 30))
        assert decision.allowed, decision.explain()

    def test_region_of_the_number_gives_the_zone(self):
        """Without a zone in the preferences, a +262 262 number places the customer in
        Réunion."""
        who = consenting(REUNION_NUMBER)
        assert FR_POLICY.local_zone(who, who.contact_points[0]).key == "Indian/Reunion"
        decision = FR_POLICY.may_contact(who, "phone", "sales_calls", reunion(2026, 9, 1, 8, 0))
        assert decision.until == reunion(2026, 9, 1, 10, 0)

    def test_preferences_win_over_the_number(self):
        """A zone in the preferences is used before the region of the number."""
        who = consenting(REUNION_NUMBER, timezone="Europe/Paris")
        assert FR_POLICY.local_zone(who, who.contact_points[0]).key == "Europe/Paris"

    def test_number_outside_the_pack_areas_uses_its_region_zone(self):
        """A New York number with no zone preference is read in New York time."""
        who = consenting(NEW_YORK_NUMBER)
        assert FR_POLICY.local_zone(who, who.contact_points[0]).key == "America/New_York"

    def test_pack_default_when_nothing_tells(self):
        """An email address has no region: the first pack's zone applies, and UTC without
        a pack."""
        email = ContactPoint(channel="email", identifier=NORMALIZE.email("a@example.fr"))
        assert FR_POLICY.local_zone(CustomerView(), email).key == "Europe/Paris"
        assert OutboundPolicy().local_zone(CustomerView(), email).key == "UTC"
        assert OutboundPolicy().local_zone(CustomerView()).key == "UTC"

    def test_quiet_hours_read_in_the_region_zone(self):
        """Quiet hours without a zone preference are read in the zone of the number."""
        who = consenting(
            REUNION_NUMBER, quiet_hours=[QuietHours(start=dt.time(21), end=dt.time(9))]
        )
        decision = FR_POLICY.may_contact(who, "phone", "service", reunion(2026, 9, 1, 22, 0))
        assert decision.verdict is Verdict.DEFER
        assert decision.until == reunion(2026, 9, 2, 9, 0)
        assert "Indian/Reunion" in decision.reasons[0]

    @pytest.mark.parametrize("zone", OVERSEAS_ZONES)
    def test_overseas_zone_places_the_customer_in_its_area(self, zone):
        """A zone preference of an overseas department selects that area of the pack."""
        assert FRANCE.area(None, ZoneInfo(zone)) is not None
        assert FRANCE.area(None, ZoneInfo("Europe/Paris")) is None


class TestLocalTimeProperties:
    @given(
        zone=st.sampled_from(OVERSEAS_ZONES) | st.sampled_from(ZONES),
        minutes=st.integers(0, 60 * 24 * 400),
    )
    def test_no_allowed_call_outside_the_legal_hours_in_the_customer_time(self, zone, minutes):
        """Whatever the customer's zone, an allowed sales call falls within the legal hours
        in that zone, and a deferral lands within them there."""
        at = dt.datetime(2026, 9, 1, tzinfo=UTC) + dt.timedelta(minutes=minutes)
        who = consenting(timezone=zone)
        decision = FR_POLICY.may_contact(who, "phone", "sales_calls", at)
        local = ZoneInfo(zone)
        if decision.allowed:
            assert legal_hours(at.astimezone(local)), decision.explain()
        else:
            assert decision.verdict is Verdict.DEFER, decision.explain()
            assert decision.until is not None
            assert not legal_hours(at.astimezone(local))
            assert legal_hours(decision.until.astimezone(local)), decision.explain()

    @given(
        zone=st.sampled_from(ZONES),
        minutes=st.integers(0, 60 * 24 * 30),
        start=st.integers(0, 23),
        length=st.integers(1, 12),
    )
    def test_quiet_hours_hold_in_the_customer_time(self, zone, minutes, start, length):
        """A contact inside the quiet hours, read in the customer's zone, is never allowed,
        and a deferral lands outside them."""
        window = QuietHours(start=dt.time(start), end=dt.time((start + length) % 24))
        at = dt.datetime(2026, 9, 1, tzinfo=UTC) + dt.timedelta(minutes=minutes)
        who = consenting(timezone=zone, quiet_hours=[window])
        decision = OutboundPolicy().may_contact(who, "phone", "service", at)
        local = ZoneInfo(zone)
        if decision.allowed:
            assert not window.contains(at.astimezone(local))
        else:
            assert decision.until is not None
            assert window.contains(at.astimezone(local))
            assert not window.contains(decision.until.astimezone(local))
