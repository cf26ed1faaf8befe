"""Public holidays computed from their rules (fixed dates and Easter-based feasts)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dateutil.easter import easter

__all__ = ["PUBLIC_HOLIDAY_SETS", "french_public_holidays"]


@lru_cache(maxsize=256)
def _french(year: int, alsace_moselle: bool) -> frozenset[dt.date]:
    sunday = easter(year)
    days = {
        dt.date(year, 1, 1),  # Jour de l'an
        sunday + dt.timedelta(days=1),  # Lundi de Pâques
        dt.date(year, 5, 1),  # Fête du travail
        dt.date(year, 5, 8),  # Victoire 1945
        sunday + dt.timedelta(days=39),  # Ascension
        sunday + dt.timedelta(days=50),  # Lundi de Pentecôte
        dt.date(year, 7, 14),  # Fête nationale
        dt.date(year, 8, 15),  # Assomption
        dt.date(year, 11, 1),  # Toussaint
        dt.date(year, 11, 11),  # Armistice
        dt.date(year, 12, 25),  # Noël
    }
    if alsace_moselle:
        days |= {sunday - dt.timedelta(days=2), dt.date(year, 12, 26)}
    return frozenset(days)


def french_public_holidays(year: int, *, alsace_moselle: bool = False) -> frozenset[dt.date]:
    """The French public holidays (jours fériés, code du travail L.3133-1) of ``year``.

    Easter Monday, Ascension and Whit Monday move with Easter (computed by
    :func:`dateutil.easter.easter`). ``alsace_moselle`` adds Good Friday and 26 December,
    holidays in the Bas-Rhin, Haut-Rhin and Moselle départements.

    >>> sorted(d.isoformat() for d in french_public_holidays(2026))[:4]
    ['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08']
    """
    return _french(year, alsace_moselle)


PUBLIC_HOLIDAY_SETS = {
    "FR": lambda year: _french(year, False),
    "FR-ALSACE-MOSELLE": lambda year: _french(year, True),
}
"""Named sets of public holidays a calendar can refer to by code (read only)."""
