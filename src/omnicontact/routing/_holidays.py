"""Public holidays of any country or subdivision, read from the ``holidays`` package.

A holiday set is named by a code: an ISO 3166-1 country (``"FR"``, ``"DE"``), or a country
and one of its subdivisions as the ``holidays`` package names them (``"FR-974"`` for La
Réunion, ``"FR-57"`` for Moselle, ``"DE-BY"``, ``"US-CA"``). ``"FR-ALSACE-MOSELLE"`` is
kept as another name of ``"FR-57"`` (the Bas-Rhin, Haut-Rhin and Moselle share its two
extra days).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from ..exceptions import InvalidValueError

__all__ = ["check_holiday_code", "french_public_holidays", "public_holidays"]

_ALIASES = {"FR-ALSACE-MOSELLE": ("FR", "57")}


def _split(code: str) -> tuple[str, str | None]:
    alias = _ALIASES.get(code)
    if alias is not None:
        return alias
    country, _, subdivision = code.partition("-")
    return country, subdivision or None


@lru_cache(maxsize=1024)
def _known(code: str) -> bool:
    import holidays  # imported on first use: the package takes a tenth of a second to load

    country, subdivision = _split(code)
    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError:
        return False
    return True


def check_holiday_code(code: object, *, field: str = "calendar.public_holidays") -> None:
    """Refuse a holiday set code the ``holidays`` package does not know."""
    if not isinstance(code, str) or not code or not _known(code):
        raise InvalidValueError(
            field,
            code,
            "must be a country or country-subdivision code known to the holidays package "
            "('FR', 'FR-974', 'FR-57', 'DE-BY', 'US-CA')",
        )


@lru_cache(maxsize=256)
def _calendar_class(country: str) -> Any:
    """The ``holidays`` class of ``country``, its last year moved to 9999: the package
    stops at 2100, and the laws it encodes stay in force until they change."""
    import holidays

    known = type(holidays.country_holidays(country))
    return type(f"{known.__name__}Onward", (known,), {"end_year": 9999})


@lru_cache(maxsize=4096)
def _dates(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    import holidays

    if year <= holidays.HolidayBase.end_year:
        return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))
    return frozenset(_calendar_class(country)(subdiv=subdivision, years=year))


def public_holidays(code: str, year: int) -> frozenset[dt.date]:
    """The public holidays of ``year`` in the country or subdivision ``code``.

    Dates come from the ``holidays`` package, which follows each country's laws over time
    (moving feasts, holidays created or abolished); after 2100, the last year it states,
    its rules as they stand are applied. The answer is a frozen set, computed once per code
    and year.

    >>> sorted(d.isoformat() for d in public_holidays("FR-974", 2026) - public_holidays("FR", 2026))
    ['2026-12-20']
    >>> sorted(d.isoformat() for d in public_holidays("FR-57", 2026) - public_holidays("FR", 2026))
    ['2026-04-03', '2026-12-26']
    """
    check_holiday_code(code, field="public_holidays")
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise InvalidValueError("year", year, "must be a whole number from 1 to 9999")
    country, subdivision = _split(code)
    return _dates(country, subdivision, year)


def french_public_holidays(year: int, *, alsace_moselle: bool = False) -> frozenset[dt.date]:
    """The French public holidays (jours fériés, code du travail L.3133-1) of ``year``.

    ``alsace_moselle`` adds Good Friday and 26 December, holidays in the Bas-Rhin,
    Haut-Rhin and Moselle départements (code du travail L.3134-13). The same as
    ``public_holidays("FR", year)`` and ``public_holidays("FR-57", year)``.

    >>> sorted(d.isoformat() for d in french_public_holidays(2026))[:4]
    ['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08']
    """
    return _dates("FR", "57" if alsace_moselle else None, year)
