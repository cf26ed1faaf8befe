"""Jurisdiction packs: the outbound rules of a country, each with the date it takes effect.

Give them to :class:`omnicontact.routing.OutboundPolicy` (``packs=[FRANCE]``).
"""

from __future__ import annotations

from ._fr import FRANCE, FRENCH_AREAS, FRENCH_CALLING_HOURS, french_public_holidays

__all__ = ["FRANCE", "FRENCH_AREAS", "FRENCH_CALLING_HOURS", "french_public_holidays"]
