"""Tests of the text helpers: white space collapsing and its fast path."""

from __future__ import annotations

import re
import unicodedata

import attrs
from hypothesis import given
from hypothesis import strategies as st

from omnicontact import PersonName, PostalAddress
from omnicontact._text import _fold_unicode, collapse_spaces, fold


def reference_collapse(text: str) -> str:
    """The definition: NFC, then each run of white space one space, ends trimmed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


class TestCollapseSpaces:
    @given(st.text())
    def test_same_as_the_definition(self, text: str) -> None:
        """Any text, ASCII or not, collapses as the regular-expression definition does."""
        assert collapse_spaces(text) == reference_collapse(text)

    @given(st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000ae\u0301"))
    def test_unusual_white_space_and_accents(self, text: str) -> None:
        """Every kind of Unicode white space, and combining accents, as the definition."""
        assert collapse_spaces(text) == reference_collapse(text)


parts = st.from_regex(r"[aéBü][aéBü \-]{0,6}", fullmatch=True)


class TestFold:
    @given(st.text(alphabet=st.characters(max_codepoint=127)))
    def test_ascii_shortcut_is_the_full_fold(self, text: str) -> None:
        """For ASCII text the shortcut gives what every step of the full fold gives."""
        assert fold(text) == _fold_unicode(text)

    @given(st.text())
    def test_any_text_folds_fully(self, text: str) -> None:
        """Text with any non-ASCII character goes through every step."""
        assert fold(text) == _fold_unicode(text)

    def test_examples(self) -> None:
        """Accents go, umlauts transliterate, punctuation becomes single spaces."""
        assert fold("Jean-Pierre  L'Hôte") == "jean pierre l hote"
        assert fold("Öztürk") == "oeztuerk"
        assert fold("12, RUE des Lilas.") == "12 rue des lilas"


class TestCachedKeys:
    @given(parts, parts)
    def test_name_keys_are_the_folded_parts(self, given_name: str, family: str) -> None:
        """A name's cached keys equal the fold of its parts, also after an evolve."""
        name = PersonName(given=given_name, family=family)
        assert name.key == f"{fold(name.given or '')}|{fold(name.family or '')}"
        renamed = attrs.evolve(name, family="Martin")
        assert renamed.family_key == "martin"
        assert renamed.key == f"{name.given_key}|martin"

    def test_address_key_follows_its_fields(self) -> None:
        """An evolved address has the key of its new fields, not the cached one."""
        address = PostalAddress.parse(lines=["12 bd Haussmann"], postal_code="75009")
        assert address.key == "12 boulevard haussmann|75009||"
        moved = attrs.evolve(address, lines=("3 rue de la Paix",))
        assert moved.street_key == "3 rue de la paix"
        assert moved.key == "3 rue de la paix|75009||"


class TestFoldShortcuts:
    @given(st.text(alphabet="abcXYZ019", min_size=1))
    def test_letters_and_digits_shortcut_is_the_full_fold(self, text: str) -> None:
        """ASCII letters and digits only (no separator to replace) fold as every step does."""
        assert fold(text) == _fold_unicode(text)
