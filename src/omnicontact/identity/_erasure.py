"""What erasure needs beyond deleting rows: ids nobody can link, and caches that forget.

Record, contact and customer ids are UUID 5 digests of what they are about (a channel and
identifiers, a channel and a source id, an anchor record id), so anyone holding an erased
person's email address could recompute them and find that person's entries in a log.
:func:`tombstones` gives each erased id a random replacement instead, used consistently
in every rewritten entry, so a log still tells that a customer was erased, and what
happened to it before, with ids nobody can link to the person.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from .._identifiers import _parse_date, _parse_email, _parse_phone
from .._text import fold
from ._compare import soundex
from ._names import _compatible, _sound

__all__ = ["TOMBSTONE_PREFIX", "forget_cached_values", "tombstones"]

TOMBSTONE_PREFIX = "erased-"
"""How every tombstone id starts."""


def tombstones(ids: Iterable[str]) -> dict[str, str]:
    """A random, unguessable replacement for each id (``erased-`` and a UUID 4)."""
    return {old: f"{TOMBSTONE_PREFIX}{uuid.uuid4()}" for old in sorted(set(ids))}


def forget_cached_values() -> None:
    """Empty the memoized parsers and comparers, which key on raw personal values (email
    addresses, phone numbers, dates, folded names): after an erasure none of them stays
    in memory. They refill as values are seen again; nothing else depends on them."""
    for cached in (_parse_email, _parse_phone, _parse_date, fold, soundex, _sound, _compatible):
        cached.cache_clear()
