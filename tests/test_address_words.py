"""Tests for street words: address keys follow the rules of the address's country."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import omnicontact.testing as oct
from omnicontact import Normalizer, PostalAddress
from omnicontact import _address_words as words_module
from omnicontact._address_words import ANY_COUNTRY, COUNTRY_TABLES, TABLES, street_words
from omnicontact._text import fold
from omnicontact.identity import MatchModel, Record

PAGE = Path(__file__).parent.parent / "docs" / "reference" / "address-words.md"
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


# The former single table (one for every country); the words France still expands alike.
FORMER = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "bvd": "boulevard",
    "ch": "chemin",
    "imp": "impasse",
    "pl": "place",
    "r": "rue",
    "rte": "route",
    "sq": "square",
    "fbg": "faubourg",
    "all": "allee",
}


def street_key(lines: str, country: str | None) -> str:
    return PostalAddress.parse(lines=lines, locality="X", country=country).street_key


class TestCountryRules:
    @pytest.mark.parametrize(
        "lines",
        [
            "123 N Main St #4",
            "123 N. Main St., Suite 4",
            "123 north main street apt #4",
            "123 N MAIN ST UNIT 4",
        ],
    )
    def test_us_spellings_of_one_address_share_their_keys(self, lines: str) -> None:
        """Abbreviated suffix, directional and unit designator give the full form's key."""
        us = Normalizer(default_region="US")
        full = us.address(
            lines="123 North Main Street Apt 4", postal_code="62701", locality="Springfield"
        )
        short = us.address(lines=lines, postal_code="62701", locality="Springfield")
        assert short.street_key == full.street_key == "123 north main street # 4"
        assert short.key == full.key

    def test_us_spellings_are_one_address_for_the_resolver(self) -> None:
        """The match model sees the two US spellings as the same address (level exact)."""
        us = Normalizer(default_region="US")
        a = us.address(lines="123 North Main Street Apt 4", postal_code="62701")
        b = us.address(lines="123 N Main St #4", postal_code="62701")
        model = MatchModel()
        records = [
            Record(id=rid, source="web", observed_at=T0, identifiers=(address,))
            for rid, address in (("a", a), ("b", b))
        ]
        evidence = model.evaluate(model.profile(records[0]), model.profile(records[1]))
        assert {c.field: c.level for c in evidence.comparisons}["address"] == "exact"

    @pytest.mark.parametrize(
        ("lines", "key"),
        [
            ("12 Oak Str", "12 oak street"),
            ("500 E Pine Pkwy NW", "500 east pine parkway northwest"),
            ("7 Elm Cir", "7 elm circle"),
            ("1600 Pennsylvania Ave. N.W.", "1600 pennsylvania avenue northwest"),
            ("9 W 42nd St Fl 3", "9 west 42nd street floor 3"),
        ],
    )
    def test_us_words_follow_publication_28(self, lines: str, key: str) -> None:
        """In a US address Str is Street, and Pkwy, Cir, NW, E and N.W. are expanded."""
        assert street_key(lines, "US") == key

    @pytest.mark.parametrize("country", ["DE", "AT", "CH"])
    @pytest.mark.parametrize(
        "lines", ["Hauptstr. 5", "Hauptstraße 5", "Hauptstrasse 5", "HAUPTSTR 5"]
    )
    def test_german_street_compounds_meet(self, lines: str, country: str) -> None:
        """Hauptstr., Hauptstraße and Hauptstrasse are one street in German-speaking countries."""
        assert street_key(lines, country) == "hauptstrasse 5"

    def test_german_words(self) -> None:
        """St. is Sankt, Pl. is Platz and Dr. is Doktor in Germany and Austria."""
        assert street_key("St.-Anna-Pl. 3", "DE") == "sankt anna platz 3"
        assert street_key("Dr.-Karl-Renner-Ring 1", "AT") == "doktor karl renner ring 1"

    @pytest.mark.parametrize(
        "lines", ["12b r. St Honoré", "12 B rue Saint-Honoré", "12bis rue Saint Honoré"]
    )
    def test_french_repetition_index_and_saint(self, lines: str) -> None:
        """12b, 12 B and 12bis are 12 bis; St is Saint in France."""
        assert street_key(lines, "FR") == "12 bis rue saint honore"

    def test_french_letter_not_after_a_number_is_kept(self) -> None:
        """A lone letter is a repetition index only right after a house number."""
        assert street_key("Bâtiment B, 3 rue Pasteur", "FR") == "batiment b 3 rue pasteur"

    @pytest.mark.parametrize(
        ("short", "full"),
        [
            ("3 Manor Cres", "3 Manor Crescent"),
            ("Flat 2, 5 Rose Gdns", "Flat 2, 5 Rose Gardens"),
            ("12 Oak Cl", "12 Oak Close"),
            ("4 Lexcen Pde", "4 Lexcen Parade"),
        ],
    )
    def test_commonwealth_words(self, short: str, full: str) -> None:
        """GB (also written UK) and AU street types are expanded."""
        for country in ("GB", "UK", "AU"):
            assert street_key(short, country) == street_key(full, country)

    def test_close_is_british(self) -> None:
        """Cl is Close in Great Britain, calle in Spain, and left as written elsewhere."""
        assert street_key("12 Oak Cl", "UK") == "12 oak close"
        assert street_key("12 Cl Mayor", "ES") == "12 calle mayor"
        assert street_key("12 Oak Cl", None) == "12 oak cl"

    def test_two_languages_keep_what_both_read_alike(self) -> None:
        """Switzerland expands Str. and r. but leaves pl. (Platz or place) as written."""
        assert street_key("Bahnhofstr. 1", "CH") == "bahnhofstrasse 1"
        assert street_key("3 r. du Rhône", "CH") == "3 rue du rhone"
        assert street_key("5 pl. du Molard", "CH") == "5 pl du molard"

    @pytest.mark.parametrize(
        ("word", "country", "key"),
        [
            ("st", "US", "street"),
            ("st", "GB", "street"),
            ("st", "FR", "saint"),
            ("st", "DE", "sankt"),
            ("st", "NL", "sint"),
            ("str", "US", "street"),
            ("str", "DE", "strasse"),
            ("str", "NL", "straat"),
            ("str", "IT", "strada"),
            ("str", "GB", "str"),
            ("pl", "FR", "place"),
            ("pl", "DE", "platz"),
            ("pl", "ES", "plaza"),
            ("av", "FR", "avenue"),
            ("av", "ES", "avenida"),
            ("av", "BR", "avenida"),
            ("ste", "US", "#"),
            ("ste", "FR", "sainte"),
        ],
    )
    def test_words_that_differ_follow_the_country(self, word: str, country: str, key: str) -> None:
        """A word with different meanings gets the one of the address's country."""
        assert street_key(f"1 {word} Oak", country) == f"1 {key} oak"

    @pytest.mark.parametrize(
        ("lines", "key"),
        [
            ("12 Main St", "12 main st"),  # Street, Saint or Sankt
            ("Hauptstr. 5", "hauptstr 5"),  # Strasse, Street or Straat
            ("5 r Pasteur", "5 r pasteur"),  # a single letter
            ("5 N Oak Ave", "5 n oak avenue"),
            ("12 bd Haussmann", "12 boulevard haussmann"),
            ("1 Elm Pkwy", "1 elm parkway"),
            ("12b rue X", "12b rue x"),
            ("3 All Saints Rd", "3 all saints road"),
        ],
    )
    def test_no_country_gets_only_unambiguous_words(self, lines: str, key: str) -> None:
        """Without a country only the words every table reads alike are expanded."""
        assert street_key(lines, None) == key

    def test_country_without_a_table_is_read_as_no_country(self) -> None:
        """A country with no table of its own gets the words of no country."""
        assert street_words("JP") is street_words(None) is ANY_COUNTRY
        assert street_key("12 Main St", "JP") == street_key("12 Main St", None)

    def test_normalizer_default_region_chooses_the_rules(self) -> None:
        """The normalizer's default region is the country whose words apply; a country given
        with the address wins over it."""
        us = Normalizer(default_region="US")
        assert us.address(lines="12 Oak Str").street_key == "12 oak street"
        assert us.address(lines="Hauptstr. 5", country="de").street_key == "hauptstrasse 5"
        assert Normalizer().address(lines="12 Oak Str").street_key == "12 oak str"

    @pytest.mark.parametrize(("word", "key"), sorted(FORMER.items()))
    def test_french_keys_of_the_former_table_are_kept(self, word: str, key: str) -> None:
        """French words keep the key they had (only st, which is Saint there, changed)."""
        assert street_words("FR").word(word) == key

    def test_keys_without_country_kept_where_unambiguous(self) -> None:
        """Without a country, the former expansions that mean one thing everywhere stay."""
        kept = {"ave", "bd", "bld", "blvd", "bvd", "ch", "imp", "rte", "sq", "fbg", "rd"}
        for word in kept:
            assert ANY_COUNTRY.word(word) == (FORMER | {"rd": "road"})[word]
        for word in ("av", "pl", "r", "st", "str", "dr", "ln", "all"):  # mean several things
            assert ANY_COUNTRY.word(word) == word


# ------------------------------------------------------------------------------ properties

ENTRIES = sorted(
    (name, written, key) for name, table in TABLES.items() for written, key in table.words.items()
)
COUNTRIES = [*sorted(COUNTRY_TABLES), None, "JP"]
US_DIRECTIONS = [
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
]
US_UNITS = ["#"]


def _forms(table: str) -> dict[str, list[str]]:
    """Each key word of ``table`` with the written forms that mean it."""
    forms: dict[str, list[str]] = {}
    for written, key in sorted(TABLES[table].words.items()):
        forms.setdefault(key, []).append(written)
    return forms


NAME_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéß", min_size=2, max_size=10)


class TestProperties:
    @given(
        entry=st.sampled_from(ENTRIES),
        name=NAME_WORDS,
        number=st.integers(1, 9999),
        number_first=st.booleans(),
    )
    def test_written_and_key_forms_give_one_key(
        self, entry: tuple[str, str, str], name: str, number: int, number_first: bool
    ) -> None:
        """In each table's countries, a written form and its key word give the same key."""
        table, written, key = entry
        country = next(code for code, used in COUNTRY_TABLES.items() if used == table)
        if number_first:
            left, right = f"{number} {written} {name}", f"{number} {key} {name}"
        else:
            left, right = f"{name} {written} {number}", f"{name} {key} {number}"
        assert street_key(left, country) == street_key(right, country)

    @given(data=st.data(), number=st.integers(1, 9999), unit=st.integers(1, 999))
    def test_us_addresses_written_short_and_long_share_a_key(
        self, data: st.DataObject, number: int, unit: int
    ) -> None:
        """A US address made of a directional, a name, a suffix and a unit has one key whether
        each part is abbreviated or written out."""
        forms = _forms("US")
        suffixes = [key for key in forms if key not in US_DIRECTIONS and key not in US_UNITS]
        pre = data.draw(st.sampled_from(["", *US_DIRECTIONS]))
        post = data.draw(st.sampled_from(["", *US_DIRECTIONS]))
        suffix = data.draw(st.sampled_from(suffixes))
        name = data.draw(NAME_WORDS)
        has_unit = data.draw(st.booleans())

        def write(key: str) -> str:
            return data.draw(st.sampled_from(forms.get(key, [key]))) if key else ""

        short_unit = data.draw(st.sampled_from([f"#{unit}", f"{write('#')} {unit}"]))
        full = [str(number), pre, name, suffix, post, f"# {unit}" if has_unit else ""]
        short = [str(number), write(pre), name, write(suffix), write(post)]
        short.append(short_unit if has_unit else "")
        assert street_key(" ".join(short), "US") == street_key(" ".join(full), "US")

    @given(
        name=st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß", min_size=3, max_size=12),
        written=st.sampled_from(["str.", "Str", "straße", "strasse", "STRASSE"]),
        number=st.integers(1, 999),
        country=st.sampled_from(["DE", "AT", "CH"]),
    )
    def test_german_compounds_written_any_way_share_a_key(
        self, name: str, written: str, number: int, country: str
    ) -> None:
        """A compound street name ending in Str., Straße or Strasse has one key."""
        assert street_key(f"{name}{written} {number}", country) == street_key(
            f"{name}strasse {number}", country
        )

    @given(
        data=st.data(),
        number=st.integers(1, 999),
        name=NAME_WORDS,
    )
    def test_french_addresses_written_short_and_long_share_a_key(
        self, data: st.DataObject, number: int, name: str
    ) -> None:
        """A French address with a repetition index and a street type has one key whether each
        part is abbreviated or written out."""
        forms = _forms("FR")
        street_type = data.draw(st.sampled_from(sorted(forms)))
        index, letter = data.draw(st.sampled_from([("", ""), ("bis", "b"), ("ter", "t")]))
        glued = data.draw(st.booleans())
        short_number = f"{number}{letter}" if glued else f"{number} {letter.upper()}"
        written = data.draw(st.sampled_from(forms[street_type]))
        short = f"{short_number} {written}. {name}"
        full = f"{number} {index} {street_type} {name}"
        assert street_key(short, "FR") == street_key(full, "FR")

    @given(
        words=st.lists(
            st.one_of(
                st.sampled_from(sorted({e[1] for e in ENTRIES} | {e[2] for e in ENTRIES})),
                st.sampled_from(["b", "t", "q", "n", "s", "e", "w", "#", "#4", "12b", "3ter"]),
                st.integers(0, 999).map(str),
                NAME_WORDS,
            ),
            max_size=8,
        ),
        separators=st.lists(st.sampled_from([" ", ". ", "-", ", ", "\n"]), min_size=8),
        country=st.sampled_from(COUNTRIES),
    )
    def test_normalizing_is_idempotent(
        self, words: list[str], separators: list[str], country: str | None
    ) -> None:
        """The street key of a street key is itself, in every country."""
        text = "".join(w + s for w, s in zip(words, separators, strict=False)) or "x"
        once = street_key(text, country)
        assert street_key(once, country) == once
        assert street_words(country).key(fold(once)) == once

    @given(oct.postal_addresses())
    def test_address_rebuilt_from_its_key_keeps_it(self, address: PostalAddress) -> None:
        """An address whose lines are its street key has the same street key."""
        if address.street_key:
            again = PostalAddress(lines=[address.street_key], country=address.country)
            assert again.street_key == address.street_key

    @pytest.mark.parametrize("name", [*TABLES, "any country"])
    def test_every_key_word_is_its_own_key(self, name: str) -> None:
        """No table maps a key word to something else (what idempotence needs)."""
        table = TABLES.get(name, ANY_COUNTRY)
        for key in set(table.words.values()):
            assert table.key(key) == key


class TestCache:
    def test_word_cache_is_bounded_and_stays_right(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The per-word cache never grows past its size, and table words stay right after it
        is emptied."""
        table = TABLES["DE"]
        monkeypatch.setattr(words_module, "_CACHE_SIZE", len(table.words) + 4)
        for i in range(50):
            assert table.word(f"gartenstr{'x' * (i % 3)}{i}") == f"gartenstr{'x' * (i % 3)}{i}"
            assert table.word(f"weg{chr(97 + i % 26)}str") == f"weg{chr(97 + i % 26)}strasse"
            assert len(table._cache) <= len(table.words) + 4
        assert table.word("str") == "strasse"
        assert table.key("hauptstr 5") == "hauptstrasse 5"

    def test_threads_get_the_keys_one_thread_gets(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Keys made by several threads at once, the cache filling and emptying, are the
        keys of one thread."""
        monkeypatch.setattr(words_module, "_CACHE_SIZE", 40)
        texts = [f"{i} n w kirchstr apt #{i} st {i % 7}b" for i in range(300)]
        countries = ("US", "DE", "FR", "CH", None)
        expected = {(t, c): street_words(c).key(t) for t in texts for c in countries}
        failures: list[tuple[str, str | None]] = []

        def work() -> None:
            for (text, country), key in expected.items():
                if street_words(country).key(text) != key:
                    failures.append((text, country))

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures


class TestReferencePage:
    def test_page_lists_every_table_as_the_code_has_it(self) -> None:
        """docs/reference/address-words.md lists each table's words and countries exactly."""
        sections = re.split(r"^## ", PAGE.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
        found: dict[str, dict[str, str]] = {}
        countries: dict[str, set[str]] = {}
        for section in sections:
            title, _, body = section.partition("\n")
            table_name = re.search(r"^Table `([A-Z]+)`, for (.*)\.$", body, re.MULTILINE)
            if title == "Any other country":
                name = "any country"
            elif table_name:
                name = table_name[1]
                countries[name] = set(re.findall(r"`([A-Z]{2})`", table_name[2]))
            else:
                continue
            rows = re.findall(r"^\| `([^`]+)` \| (.+) \|$", body, re.MULTILINE)
            found[name] = {
                written: key for key, cells in rows for written in re.findall(r"`([^`]+)`", cells)
            }
        expected = {name: dict(table.words) for name, table in TABLES.items()}
        expected["any country"] = dict(ANY_COUNTRY.words)
        assert found == expected
        assert countries == {
            name: {code for code, used in COUNTRY_TABLES.items() if used == name} for name in TABLES
        }
