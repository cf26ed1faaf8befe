"""France: telephone canvassing and electronic marketing rules."""

from __future__ import annotations

import datetime as dt

from ..._model import Purpose
from .._calendar import BusinessCalendar
from .._holidays import french_public_holidays
from .._outbound import (
    Area,
    AttemptCap,
    CallingHours,
    CoolingOff,
    JurisdictionPack,
    PriorConsent,
)

__all__ = ["FRANCE", "FRENCH_AREAS", "FRENCH_CALLING_HOURS", "french_public_holidays"]

_DECREE = "décret n° 2022-1313 du 13 octobre 2022, art. 1 (code de la consommation D.223-8)"
_DECREE_IN_FORCE = dt.date(2023, 3, 1)

FRENCH_CALLING_HOURS = BusinessCalendar(
    timezone="Europe/Paris",
    weekly={day: ["10:00-13:00", "14:00-20:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    public_holidays="FR",
)
"""When sales calls are allowed in France: Monday to Friday, 10:00–13:00 and 14:00–20:00,
never on a public holiday, in the consumer's local time (Paris time here; the pack moves it
to each customer's zone)."""

FRENCH_AREAS = (
    Area(
        name="Guadeloupe", regions={"GP"}, timezone="America/Guadeloupe", public_holidays="FR-971"
    ),
    Area(
        name="Martinique", regions={"MQ"}, timezone="America/Martinique", public_holidays="FR-972"
    ),
    Area(name="Guyane", regions={"GF"}, timezone="America/Cayenne", public_holidays="FR-973"),
    Area(name="La Réunion", regions={"RE"}, timezone="Indian/Reunion", public_holidays="FR-974"),
    Area(name="Mayotte", regions={"YT"}, timezone="Indian/Mayotte", public_holidays="FR-976"),
)
"""The overseas departments and regions (départements et régions d'outre-mer), each with
its own time zone and public holidays (the commemoration of the abolition of slavery, loi
n° 83-550 du 30 juin 1983, on each one's own date; Victor Schœlcher day in Guadeloupe and
Martinique; Good Friday and mid-Lent in Guadeloupe), as the ``holidays`` package gives
them; a number's region (``+262 262`` is ``RE``) or the customer's zone places a customer
in one."""

_PHONE = frozenset({"phone"})
_SALES = frozenset({Purpose.SALES_CALLS})

FRANCE = JurisdictionPack(
    code="FR",
    name="France",
    timezone="Europe/Paris",
    areas=FRENCH_AREAS,
    rules=(
        CallingHours(
            id="fr.sales-calls.hours",
            citation=_DECREE,
            summary=(
                "sales calls only Monday to Friday 10:00-13:00 and 14:00-20:00, "
                "never on public holidays"
            ),
            effective_from=_DECREE_IN_FORCE,
            channels=_PHONE,
            purposes=_SALES,
            hours=FRENCH_CALLING_HOURS,
        ),
        AttemptCap(
            id="fr.sales-calls.attempts",
            citation=_DECREE,
            summary="at most 4 sales call attempts to a consumer in 30 days",
            effective_from=_DECREE_IN_FORCE,
            channels=_PHONE,
            purposes=_SALES,
            max_attempts=4,
            window=dt.timedelta(days=30),
        ),
        CoolingOff(
            id="fr.sales-calls.after-refusal",
            citation=_DECREE,
            summary="no new sales call for 60 days after the consumer refused",
            effective_from=_DECREE_IN_FORCE,
            channels=_PHONE,
            purposes=_SALES,
            period=dt.timedelta(days=60),
        ),
        PriorConsent(
            id="fr.sales-calls.prior-consent",
            citation=(
                "code de la consommation L.223-1 as amended by loi n° 2025-594 du "
                "30 juin 2025, in force 11 August 2026"
            ),
            summary=(
                "no sales call without the consumer's prior, provable consent, "
                "except about an ongoing contract"
            ),
            effective_from=dt.date(2026, 8, 11),
            channels=_PHONE,
            purposes=_SALES,
            provable=True,
            except_ongoing_contract=True,
        ),
        PriorConsent(
            id="fr.marketing.email-sms-prior-consent",
            citation="code des postes et des communications électroniques L.34-5",
            summary="marketing by email or SMS needs the recipient's prior consent",
            effective_from=dt.date(2004, 6, 22),
            channels=frozenset({"email", "sms"}),
            purposes=frozenset({Purpose.MARKETING}),
        ),
    ),
)
"""The French pack, read in each consumer's local time (metropolitan France and the
overseas departments): décret 2022-1313 (hours, attempts, refusal), L.223-1 as amended by loi
2025-594 (prior consent for sales calls from 11 August 2026), CPCE L.34-5 (marketing email
and SMS)."""
