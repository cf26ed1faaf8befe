"""Unicode helpers shared by identifiers and matching: folding text into comparison keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["collapse_spaces", "fold", "nfc"]

# Letters whose usual transliteration is not "drop the accent": German umlauts and eszett,
# ligatures, and a few letters that NFKD does not decompose.
_TRANSLITERATE = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "ı": "i",
        "ŀ": "l",
    }
)
_SEPARATORS = re.compile(
    r"[\s\-_.,;:/'\"()\[\]\u2010-\u2015\u2019\u0060\u00b4]+"  # dashes, quotes, accents
)


def nfc(text: str) -> str:
    """Compose ``text`` to Unicode NFC, so that one letter has one encoding."""
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """NFC, with runs of white space folded to one space and the ends trimmed."""
    # str.split() splits on exactly the characters ``\s`` matches; ASCII text is already NFC.
    return " ".join((text if text.isascii() else nfc(text)).split())


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """An accent- and case-insensitive key for ``text``.

    Case is folded, German umlauts and ligatures are transliterated (``Ö`` gives ``oe``),
    other accents are dropped, punctuation and hyphens become single spaces. Letters of
    scripts without a Latin decomposition (Cyrillic, Greek, CJK …) are kept as they are, so
    a non-Latin name never folds to an empty key.
    """
    if text.isascii():
        # ASCII letters have no decompositions and casefold to their lower case, and the
        # transliterations only touch non-ASCII letters: the steps below reduce to this.
        if text.isalnum():
            return text.lower()  # letters and digits only: no separator, nothing to trim
        return _SEPARATORS.sub(" ", text.lower()).strip()
    return _fold_unicode(text)


def _fold_unicode(text: str) -> str:
    """:func:`fold`, every step spelled out (any text)."""
    # NFKC before case folding: compatibility letters (``𝐃``, ``ℐ``) become plain capitals
    # that casefold can lower; folding after NFKD instead left them upper-case.
    lowered = unicodedata.normalize("NFKC", text).casefold().translate(_TRANSLITERATE)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Re-compose what remains (Hangul, for instance, decomposes into jamo under NFKD).
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", stripped)).strip()
