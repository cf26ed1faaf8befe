"""Street words of postal addresses, expanded by the rules of the address's country.

The same abbreviation means different things in different countries: ``St`` is *Street* in
the United States, *Saint* in France and *Sankt* in Germany; ``Str.`` is *Strasse* in
Germany, *Straat* in the Netherlands and *Street* in the United States; ``Pl.`` is *Place*,
*Platz*, *Plaza* or *Plein*. An address's street key therefore follows its country's table
(:data:`TABLES`). An address of no country, or of a country without a table, gets only the
words that every table reads alike (:data:`ANY_COUNTRY`), never a single letter or a word
that is an ordinary word in one of the languages covered.

The US table is the street suffixes, directionals and secondary unit designators of USPS
Publication 28 (appendices C1 and C2): every unit designator (``Apt``, ``Ste``, ``Unit``,
``#``) becomes ``#``, so ``Apt 4``, ``Suite 4`` and ``#4`` meet. The French table is the
La Poste abbreviations of street types (NF Z10-011), with the repetition indices ``bis``,
``ter``, ``quater`` (``12b``, ``12 B`` and ``12 bis`` meet). German and Dutch compounds
ending in ``str`` are expanded (``Hauptstr.`` gives ``hauptstrasse``, as ``Hauptstraße``
does). The reference page ``docs/reference/address-words.md`` lists every table; a test
checks that it matches the code.

Words are looked up in a cache per country, one entry per distinct word, so that a batch of
a million addresses costs a dictionary look-up per word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

__all__ = ["ANY_COUNTRY", "COUNTRY_TABLES", "TABLES", "StreetWords", "street_words"]

# Each table maps the key word (folded: lower case, no accents, ß as ss) to the written
# forms that mean it. Written forms are folded too, as `fold` leaves them ("St." is "st").

_US = {
    # USPS Publication 28, C1: street suffixes (the standard abbreviation, then the common
    # variants the Postal Service lists for it).
    "alley": ("aly", "ally"),
    "annex": ("anx", "annx"),
    "arcade": ("arc",),
    "avenue": ("ave", "av", "aven", "avenu", "avn", "avnue"),
    "bayou": ("byu",),
    "beach": ("bch",),
    "bend": ("bnd",),
    "bluff": ("blf",),
    "bottom": ("btm",),
    "boulevard": ("blvd", "boul", "boulv"),
    "branch": ("br",),
    "bridge": ("brg",),
    "brook": ("brk",),
    "bypass": ("byp",),
    "canyon": ("cyn",),
    "causeway": ("cswy",),
    "center": ("ctr", "cntr", "centr", "cnter"),
    "circle": ("cir", "circ", "crcl", "crcle"),
    "cliff": ("clf",),
    "club": ("clb",),
    "common": ("cmn",),
    "corner": ("cor",),
    "course": ("crse",),
    "court": ("ct", "crt"),
    "cove": ("cv",),
    "creek": ("crk",),
    "crescent": ("cres", "crsnt"),
    "crossing": ("xing", "crssng"),
    "drive": ("dr", "drv", "driv"),
    "expressway": ("expy", "expw", "expr"),
    "extension": ("ext",),
    "falls": ("fls",),
    "ferry": ("fry",),
    "field": ("fld",),
    "fields": ("flds",),
    "ford": ("frd",),
    "forest": ("frst",),
    "fork": ("frk",),
    "fort": ("ft",),
    "freeway": ("fwy", "frwy"),
    "garden": ("gdn",),
    "gardens": ("gdns",),
    "gateway": ("gtwy",),
    "glen": ("gln",),
    "green": ("grn",),
    "grove": ("grv",),
    "harbor": ("hbr",),
    "haven": ("hvn",),
    "heights": ("hts", "ht"),
    "highway": ("hwy", "hiway", "hiwy", "hway"),
    "hill": ("hl",),
    "hills": ("hls",),
    "hollow": ("holw",),
    "junction": ("jct",),
    "knoll": ("knl",),
    "lake": ("lk",),
    "lakes": ("lks",),
    "landing": ("lndg",),
    "lane": ("ln",),
    "manor": ("mnr",),
    "meadow": ("mdw",),
    "meadows": ("mdws",),
    "mill": ("ml",),
    "mount": ("mt",),
    "mountain": ("mtn",),
    "orchard": ("orch",),
    "parkway": ("pkwy", "pky", "pkway", "parkwy"),
    "place": ("pl",),
    "plaza": ("plz", "plza"),
    "point": ("pt",),
    "ranch": ("rnch",),
    "ridge": ("rdg",),
    "river": ("riv",),
    "road": ("rd",),
    "route": ("rte",),
    "shore": ("shr",),
    "spring": ("spg",),
    "springs": ("spgs",),
    "square": ("sq", "sqr"),
    "station": ("sta",),
    "street": ("st", "str", "strt"),
    "summit": ("smt",),
    "terrace": ("ter", "terr"),
    "trail": ("trl",),
    "tunnel": ("tunl",),
    "turnpike": ("tpke",),
    "valley": ("vly",),
    "view": ("vw",),
    "village": ("vlg",),
    "way": ("wy",),
    # Directionals.
    "north": ("n",),
    "south": ("s",),
    "east": ("e",),
    "west": ("w",),
    "northeast": ("ne",),
    "northwest": ("nw",),
    "southeast": ("se",),
    "southwest": ("sw",),
    # C2: secondary unit designators. Those that only say "this is a unit number" are one
    # word, ``#``, which the Postal Service itself uses when the designator is unknown.
    "#": ("apt", "apartment", "ste", "suite", "unit"),
    "basement": ("bsmt",),
    "building": ("bldg",),
    "department": ("dept",),
    "floor": ("fl",),
    "front": ("frnt",),
    "lobby": ("lbby",),
    "office": ("ofc",),
    "penthouse": ("ph",),
    "room": ("rm",),
    "space": ("spc",),
    "trailer": ("trlr",),
}

# Great Britain, Ireland, Australia, New Zealand: Royal Mail usage and the Australian
# standard's street types (AS 4590).
_COMMONWEALTH = {
    "approach": ("app",),
    "arcade": ("arc",),
    "avenue": ("ave", "av"),
    "boulevard": ("blvd", "bvd"),
    "circuit": ("cct",),
    "close": ("cl", "clo"),
    "corner": ("cnr",),
    "court": ("ct", "crt"),
    "crescent": ("cres", "cr"),
    "drive": ("dr", "dve"),
    "esplanade": ("esp",),
    "gardens": ("gdns",),
    "green": ("grn",),
    "grove": ("gr", "gro"),
    "heights": ("hts",),
    "highway": ("hwy",),
    "lane": ("ln",),
    "mount": ("mt",),
    "parade": ("pde",),
    "park": ("pk",),
    "parkway": ("pkwy",),
    "place": ("pl",),
    "promenade": ("prom",),
    "road": ("rd",),
    "square": ("sq",),
    "street": ("st",),
    "terrace": ("tce", "terr"),
    "walk": ("wk",),
    "way": ("wy",),
}

# France (and Luxembourg, Monaco): La Poste's street types (NF Z10-011) and the usual
# written forms; ``st``/``ste`` are Saint/Sainte, as in ``rue St Honoré``.
_FR = {
    "allee": ("all",),
    "appartement": ("appt", "apt"),
    "avenue": ("av", "ave"),
    "batiment": ("bat", "bt"),
    "boulevard": ("bd", "bld", "blvd", "bvd", "boul"),
    "chaussee": ("chs",),
    "chemin": ("ch", "che", "chem"),
    "cours": ("crs",),
    "escalier": ("esc",),
    "esplanade": ("esp",),
    "faubourg": ("fbg", "fg"),
    "hameau": ("ham",),
    "impasse": ("imp",),
    "lotissement": ("lot",),
    "montee": ("mte",),
    "passage": ("pass", "psg"),
    "place": ("pl",),
    "quai": ("qu",),
    "quartier": ("qua",),
    "residence": ("res", "resid"),
    "rond point": ("rpt",),
    "route": ("rte",),
    "rue": ("r",),
    "ruelle": ("rle",),
    "saint": ("st",),
    "sainte": ("ste",),
    "sentier": ("sen", "sent"),
    "square": ("sq",),
    "traverse": ("tra",),
    "villa": ("vla",),
}

# Germany, Austria: ``Str.`` is Strasse (also at the end of a compound: ``Hauptstr.``),
# ``Pl.`` Platz, ``St.`` Sankt, ``Dr.`` Doktor (``Dr.-Karl-Renner-Ring``).
_DE = {
    "strasse": ("str",),
    "platz": ("pl",),
    "sankt": ("st",),
    "doktor": ("dr",),
    "professor": ("prof",),
}

_NL = {
    "straat": ("str",),
    "laan": ("ln",),
    "plein": ("pln",),
    "gracht": ("gr",),
    "kade": ("kd",),
    "singel": ("sngl",),
    "sint": ("st",),
}

_ES = {
    "avenida": ("av", "avda", "avd"),
    "calle": ("c", "cl", "cll"),
    "callejon": ("cjon",),
    "camino": ("cno", "cmno"),
    "carretera": ("ctra",),
    "glorieta": ("gta",),
    "pasaje": ("pje",),
    "paseo": ("po", "pso"),
    "plaza": ("pza", "pl", "plza"),
    "poligono": ("pol",),
    "ronda": ("rda",),
    "travesia": ("trav",),
    "urbanizacion": ("urb",),
}

_IT = {
    "corso": ("cso",),
    "frazione": ("fraz",),
    "largo": ("lgo",),
    "localita": ("loc",),
    "piazza": ("pza", "pzza"),
    "piazzale": ("pzle",),
    "strada": ("str",),
    "via": ("v",),
    "viale": ("vle",),
    "vicolo": ("vc", "vco"),
}

_PT = {
    "alameda": ("al",),
    "avenida": ("av", "avda"),
    "estrada": ("estr",),
    "largo": ("lg", "lgo"),
    "parque": ("pq",),
    "praca": ("pc", "pca"),
    "rodovia": ("rod",),
    "rua": ("r",),
    "travessa": ("tv", "trav"),
}

# Words that are ordinary words or names in a language covered (English ``all``, ``ham``,
# French ``lot``, ``se``, Portuguese ``al``, the French house-number index ``ter`` …), and
# the US directionals: expanded in their own country only, never for an address of no known
# country, where they may just be words of a street name.
_NOT_FOR_ANY_COUNTRY = frozenset(
    {
        *("all", "lot", "pass", "al", "po", "loc", "res", "arc", "cor", "ter", "bis", "quater"),
        *("ham", "rod", "sent", "sen", "bat", "tra", "app", "ne", "nw", "se", "sw"),
    }
)


def _invert(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    words: dict[str, str] = {}
    for key, written in table.items():
        for word in written:
            if words.setdefault(word, key) != key:  # pragma: no cover - a table's own typo
                raise ValueError(f"{word!r} is written for {words[word]!r} and {key!r}")
    return words


def _agreed(*tables: Mapping[str, str]) -> dict[str, str]:
    """The words that every one of ``tables`` holding them reads alike (a country of several
    languages keeps only those: in Switzerland ``pl`` is Platz or place, so it stays)."""
    meanings: dict[str, set[str]] = {}
    for table in tables:
        for word, key in table.items():
            meanings.setdefault(word, set()).add(key)
    return {word: keys.pop() for word, keys in meanings.items() if len(keys) == 1}


_WORDS = {
    "US": _invert(_US),
    "COMMONWEALTH": _invert(_COMMONWEALTH),
    "FR": _invert(_FR),
    "DE": _invert(_DE),
    "NL": _invert(_NL),
    "ES": _invert(_ES),
    "IT": _invert(_IT),
    "PT": _invert(_PT),
}

# "12b", "12 B", "12bis": the repetition index of a French house number.
_REPETITION = {
    "b": "bis",
    "t": "ter",
    "q": "quater",
    "bis": "bis",
    "ter": "ter",
    "quater": "quater",
}
_REPETITION_LETTERS = frozenset({"b", "t", "q"})
_NUMBER_SUFFIX = re.compile(r"^([0-9]+)([a-z]+)$")
_UNIT_NUMBER = re.compile(r"^#+(.+)$")
_PAIR_FIRSTS = frozenset({"n", "s"})
_PAIR_SECONDS = frozenset({"e", "w"})
_DIRECTION_PAIRS = {
    ("n", "e"): "northeast",
    ("n", "w"): "northwest",
    ("s", "e"): "southeast",
    ("s", "w"): "southwest",
}
# Distinct words kept per country before its cache is emptied and refilled.
_CACHE_SIZE = 1 << 16


class StreetWords:
    """The street-word rules of one country: a word table, and the few rules a table cannot
    say (compounds, house-number suffixes, unit numbers, two-letter directionals)."""

    __slots__ = (
        "_cache",
        "compounds",
        "direction_pairs",
        "key",
        "name",
        "repetition",
        "unit_numbers",
        "words",
    )

    def __init__(
        self,
        name: str,
        words: Mapping[str, str],
        *,
        compounds: tuple[tuple[str, str], ...] = (),
        repetition: bool = False,
        unit_numbers: bool = False,
        direction_pairs: bool = False,
    ) -> None:
        self.name = name
        self.words: Mapping[str, str] = MappingProxyType(dict(words))
        """Written word to key word."""
        self.compounds = compounds
        """``(ending, key ending)``: a longer word with that ending gets the key ending."""
        self.repetition = repetition
        """French house-number repetition indices (``12b``, ``12 B``: ``12 bis``)."""
        self.unit_numbers = unit_numbers
        """``#4`` is ``# 4``, and ``Apt #4`` is ``# 4`` (US)."""
        self.direction_pairs = direction_pairs
        """``N.W.`` (``n w`` once folded) is ``northwest`` (US)."""
        self._cache: dict[str, str] = dict(self.words)
        self.key: Callable[[str], str] = self._make_key()
        """The street key of folded text (what :func:`omnicontact._text.fold` gives)."""

    def __repr__(self) -> str:
        return f"StreetWords({self.name!r})"

    def word(self, word: str) -> str:
        """The key of one folded word (cached per distinct word)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        key = self._expand(word)
        cache = self._cache
        if len(cache) >= _CACHE_SIZE:
            # Refilled from the table at once; a thread reading in between computes the
            # same value with _expand, so it never sees a wrong one.
            cache.clear()
            cache.update(self.words)
        cache[word] = key
        return key

    def _expand(self, word: str) -> str:
        key = self.words.get(word)
        if key is not None:
            return key
        for ending, key_ending in self.compounds:
            if len(word) > len(ending) + 2 and word.endswith(ending) and word.isalpha():
                return word[: -len(ending)] + key_ending
        if self.repetition and (match := _NUMBER_SUFFIX.match(word)):
            index = _REPETITION.get(match[2])
            if index is not None:
                return f"{match[1]} {index}"
        if self.unit_numbers and (match := _UNIT_NUMBER.match(word)):
            return f"# {match[1]}"
        return word

    def _make_key(self) -> Callable[[str], str]:
        """:attr:`key`, with the look-ups it needs bound once (it runs once an address)."""
        cached = self._cache.get  # the cache is emptied in place, never replaced
        word = self.word
        direction_pairs, repetition = self.direction_pairs, self.repetition
        unit_numbers = self.unit_numbers

        # A look-up per word (every key is non-empty); a word never seen is expanded once,
        # a house number (never in a table, and many) is kept as it is without caching.
        def plain(folded: str) -> str:
            return " ".join([cached(w) or (w if w.isdigit() else word(w)) for w in folded.split()])

        def in_context(folded: str) -> str:
            words = folded.split()
            keys = [cached(w) or (w if w.isdigit() else word(w)) for w in words]
            # words whose key depends on their neighbour: checked only when present
            if (
                direction_pairs
                and not _PAIR_FIRSTS.isdisjoint(words)
                and not _PAIR_SECONDS.isdisjoint(words)
            ):
                keys = _join_direction_pairs(words, keys)
            if repetition and not _REPETITION_LETTERS.isdisjoint(words):
                for i in range(1, len(words)):
                    if words[i] in _REPETITION_LETTERS and words[i - 1].isdigit():
                        keys[i] = _REPETITION[words[i]]
            text = " ".join(keys)
            if unit_numbers and "# #" in text:
                while "# #" in text:
                    text = text.replace("# #", "#")
            return text

        return in_context if direction_pairs or repetition or unit_numbers else plain


def _join_direction_pairs(words: list[str], keys: list[str]) -> list[str]:
    """``keys`` with each directional written in two letters (``n w``) made one word."""
    joined: list[str] = []
    previous = ""
    for w, key in zip(words, keys, strict=True):
        pair = _DIRECTION_PAIRS.get((previous, w))
        if pair is not None:
            joined[-1] = pair
            previous = ""  # "n e w": the pair is made, w stands alone
        else:
            joined.append(key)
            previous = w
    return joined


TABLES: Mapping[str, StreetWords] = MappingProxyType(
    {
        "US": StreetWords("US", _WORDS["US"], unit_numbers=True, direction_pairs=True),
        "COMMONWEALTH": StreetWords("COMMONWEALTH", _WORDS["COMMONWEALTH"]),
        "FR": StreetWords("FR", _WORDS["FR"], repetition=True),
        "DE": StreetWords("DE", _WORDS["DE"], compounds=(("str", "strasse"),)),
        "NL": StreetWords("NL", _WORDS["NL"], compounds=(("str", "straat"),)),
        "ES": StreetWords("ES", _WORDS["ES"]),
        "IT": StreetWords("IT", _WORDS["IT"]),
        "PT": StreetWords("PT", _WORDS["PT"]),
        # Countries of two languages: the words both read alike.
        "BE": StreetWords(
            "BE",
            _agreed(_WORDS["FR"], _WORDS["NL"]),
            repetition=True,
            compounds=(("str", "straat"),),
        ),
        "CA": StreetWords("CA", _agreed(_WORDS["US"], _WORDS["FR"]), direction_pairs=True),
        "CH": StreetWords(
            "CH",
            _agreed(_WORDS["DE"], _WORDS["FR"]),
            repetition=True,
            compounds=(("str", "strasse"),),
        ),
    }
)
"""Each table by name (a country code, or ``COMMONWEALTH`` for GB, UK, IE, AU and NZ)."""

COUNTRY_TABLES: Mapping[str, str] = MappingProxyType(
    {
        **{name: name for name in TABLES if name != "COMMONWEALTH"},
        # UK is not the ISO code of the United Kingdom (GB) but is reserved for it and in use
        **dict.fromkeys(("GB", "UK", "IE", "AU", "NZ"), "COMMONWEALTH"),
        **dict.fromkeys(("LU", "MC"), "FR"),
        "AT": "DE",
        "BR": "PT",
        **dict.fromkeys(("PR", "VI", "GU", "AS", "MP"), "US"),
    }
)
"""The table each country code uses."""

# A word that is the key word of a table (French ``allee``) is left alone too, and so are the
# US unit designators, whose ``#`` needs the US rule for ``#4``.
_KEY_WORDS = frozenset(key for table in _WORDS.values() for key in table.values())
ANY_COUNTRY = StreetWords(
    "any country",
    {
        word: key
        for word, key in _agreed(*_WORDS.values()).items()
        if len(word) > 1
        and word not in _NOT_FOR_ANY_COUNTRY
        and word not in _KEY_WORDS
        and key != "#"
    },
)
"""The words every table reads alike: for an address of no country, or of another country."""

_BY_COUNTRY: dict[str | None, StreetWords] = {
    code: TABLES[name] for code, name in COUNTRY_TABLES.items()
}


def street_words(country: str | None) -> StreetWords:
    """The rules for an address of ``country`` (an upper-case ISO 3166 code, or ``None``)."""
    return _BY_COUNTRY.get(country, ANY_COUNTRY)
