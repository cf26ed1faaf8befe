"""Given names: which two spellings can be one person, and which cannot.

Two given names are *compatible* when they can name one person: equal, a known variant
(a nickname or hypocoristic: Bobbie / Barbara, Maïté / Marie-Thérèse), a spelling variant
that sounds the same (Katherine / Catherine), a truncation (Ant / Anthony), an initial
(J / John, JP / Jean-Pierre), a typing or OCR slip (Jessica / Jessixa, Paul / Pavl), the
first name of a compound (Jean / Jean-Pierre), or the name after an initial (Paul /
J. Paul). Two given names that are none of these *clearly differ*: that is the evidence
that keeps two members of one household apart.

Name variants come from the ``nicknames`` package (a curated data set of English names
and nicknames) plus :data:`FRENCH_VARIANTS`, a table of French hypocoristics and
compound first names and their usual short forms. Placeholder names (``Baby``,
``Unknown``, ``NFN``) are no name at all: :data:`PLACEHOLDER_GIVEN_NAMES` and
:data:`PLACEHOLDER_FAMILY_NAMES` list them.

Everything here works on folded text (as name keys are): lower case, no
accents, hyphens and punctuation as single spaces.
"""

from __future__ import annotations

import functools
import itertools

from rapidfuzz.distance import JaroWinkler

__all__ = [
    "FRENCH_VARIANTS",
    "PLACEHOLDER_FAMILY_NAMES",
    "PLACEHOLDER_GIVEN_NAMES",
    "are_variants",
    "given_names_compatible",
    "is_placeholder",
    "name_variants",
]

PLACEHOLDER_GIVEN_NAMES: frozenset[str] = frozenset(
    {
        "baby", "babe", "bb", "bebe", "boy", "girl", "infant", "child", "son", "daughter",
        "male", "female", "man", "woman", "lady", "gentleman", "sir", "madam", "madame",
        "mister", "mr", "mrs", "ms", "miss", "mme", "mlle", "monsieur", "mademoiselle",
        "unknown", "unk", "unkn", "not known", "not given", "not stated", "no name",
        "noname", "nfn", "fnu", "nmn", "nn", "na", "n a", "none", "null", "nil", "test",
        "xx", "xxx", "xxxx", "x", "twin", "twin a", "twin b", "inconnu", "inconnue",
        "sans prenom", "sp", "prenom", "firstname", "first name", "given name",
        # a relationship or a role written where the name was not known or not given
        "adult", "minor", "kid", "newborn", "baby boy", "baby girl", "male child",
        "female child", "boy child", "girl child", "wife", "husband", "spouse", "partner",
        "mother", "father", "mom", "dad", "brother", "sister", "grandchild", "grandson",
        "granddaughter", "grandmother", "grandfather", "grandma", "grandpa", "niece",
        "nephew", "aunt", "uncle", "cousin", "stepson", "stepdaughter", "stepchild",
        "son in law", "daughter in law", "head", "head of household", "householder",
        "resident", "occupant", "tenant", "roomer", "boarder", "lodger", "housemate",
        "roommate", "man of the house", "lady of the house", "gentlemen", "ladies",
        "hijo", "hija", "nino", "nina", "senor", "senora", "enfant", "fils", "fille",
        "epoux", "epouse", "nourrisson", "person", "owner", "homeowner", "the house",
        "man in the house", "woman of the house", "oldest", "youngest", "eldest", "inmate",
        "patient", "client", "customer", "nombre", "apellido", "desconocido", "one", "two",
        "three", "four", "five", "household", "family",
        # a refusal
        "declined", "refused", "anonymous", "anon", "withheld", "not provided",
        "no first name", "unnamed",
    }
)  # fmt: skip
"""Folded given names that stand for a missing one (a newborn's ``Baby``, ``Unknown``,
a relationship such as ``Wife`` or ``Son``, a refusal such as ``Declined``); a name of
these followed by *of*, *of the* or *in the* (``Son Of``, ``Lady Of The``) is one too, as
is any name with *of* among its words (``Lady Of House``, ``Of The Home``): a
description, not a name."""

PLACEHOLDER_FAMILY_NAMES: frozenset[str] = frozenset(
    {
        "unknown", "unk", "unkn", "not known", "not given", "not stated", "no name",
        "noname", "lnu", "nln", "nn", "na", "n a", "none", "null", "nil", "test", "x", "xx",
        "xxx", "xxxx", "inconnu", "inconnue", "sans nom", "sn", "nom", "lastname",
        "last name", "surname", "family name", "lname", "female", "male", "infant",
        "newborn", "declined", "refused", "anonymous", "anon", "withheld", "not provided",
        "no last name", "unnamed", "man of the house", "lady of the house",
    }
)  # fmt: skip
"""Folded family names that stand for a missing one."""


_PLACEHOLDERS = PLACEHOLDER_GIVEN_NAMES | PLACEHOLDER_FAMILY_NAMES


def is_placeholder(name: str) -> bool:
    """Whether a folded name part stands for a missing one, as a given or a family name.

    >>> is_placeholder("baby"), is_placeholder("lady of the"), is_placeholder("anna")
    (True, True, False)
    """
    if name in _PLACEHOLDERS:
        return True
    if " " not in name:
        return False  # the common case: one word, not a placeholder
    if name.startswith("of ") or " of " in name:
        return True  # a description: Lady Of House, Of The Home, Son Of Maria
    for tail in (" of the", " of", " in the"):
        if name.endswith(tail):
            return name[: -len(tail)] in _PLACEHOLDERS
    return False


FRENCH_VARIANTS: tuple[tuple[str, ...], ...] = (
    # hypocoristics
    ("alexandre", "alex", "sacha", "sasha"),
    ("alexandra", "alex", "sandra", "sacha"),
    ("amandine", "mandy", "mandine"),
    ("anne", "annette", "anouk", "nanou"),
    ("antoine", "toine", "tonio", "toto"),
    ("benedicte", "bene"),
    ("benjamin", "ben", "benji"),
    ("bernard", "nanard"),
    ("camille", "cam", "cami"),
    ("caroline", "caro"),
    ("catherine", "cathy", "cath", "kathy"),
    ("charlotte", "lolotte", "charlie"),
    ("christophe", "chris", "kiki"),
    ("christian", "chris"),
    ("christine", "chris", "titine"),
    ("dominique", "dom", "domi"),
    ("dorothee", "doro"),
    ("elisabeth", "babette", "zabeth", "lisa", "lise", "elise", "betty"),
    ("emmanuel", "manu"),
    ("emmanuelle", "manu", "manue"),
    ("francois", "fanfan", "franck", "francky"),
    ("francoise", "fanfan", "francette"),
    ("frederic", "fred", "fredo"),
    ("frederique", "fred"),
    ("gabriel", "gaby", "gabi"),
    ("gabrielle", "gaby", "gabi"),
    ("gerard", "gege"),
    ("guillaume", "guigui", "guil"),
    ("henri", "riri"),
    ("isabelle", "isa", "babette"),
    ("jacqueline", "jacky", "jackie"),
    ("jacques", "jacquot", "jacky", "jack"),
    ("jeanne", "jeannette", "jeannine", "janine"),
    ("joseph", "jo", "jojo", "jose"),
    ("josephine", "jo", "josie", "fifine"),
    ("laurent", "lolo"),
    ("laurence", "lolo"),
    ("louis", "loulou"),
    ("madeleine", "mado", "madelon"),
    ("marguerite", "margot", "guite"),
    ("marie", "mimi", "manon", "marion", "maryse"),
    ("mathieu", "matt", "math"),
    ("mathilde", "mathou", "tilde"),
    ("maxime", "max"),
    ("maximilien", "max"),
    ("nathalie", "nat", "nath"),
    ("nicolas", "nico", "colas"),
    ("philippe", "phil", "flip"),
    ("raphael", "raph"),
    ("sebastien", "seb", "bastien"),
    ("stephane", "steph"),
    ("stephanie", "steph", "fanny"),
    ("sylvie", "sylvette"),
    ("thomas", "tom", "tomtom"),
    ("valerie", "val"),
    ("veronique", "vero"),
    ("virginie", "virgi"),
    # compound first names and their short forms
    ("jean baptiste", "jb", "baptiste"),
    ("jean charles", "jc"),
    ("jean claude", "jc"),
    ("jean francois", "jf"),
    ("jean jacques", "jj"),
    ("jean louis", "jl"),
    ("jean luc", "jl"),
    ("jean marc", "jm"),
    ("jean michel", "jm"),
    ("jean paul", "jp"),
    ("jean pierre", "jp"),
    ("marie anne", "marianne"),
    ("marie christine", "marie chris"),
    ("marie claude", "mc"),
    ("marie france", "mf"),
    ("marie helene", "marilene"),
    ("marie jose", "marijo", "majo"),
    ("marie laure", "malo"),
    ("marie louise", "malou", "marilou"),
    ("marie madeleine", "mado"),
    ("marie noelle", "marinette"),
    ("marie therese", "maite", "marite"),
    ("anne marie", "annemarie"),
    ("anne sophie", "as"),
)
"""Groups of folded French given names that one person goes by (one group a line).

The same name in another language (Guillaume / William) is not listed: in one household
those are as likely to be two people as one."""


@functools.cache
def name_variants() -> dict[str, frozenset[int]]:
    """The variant groups of each folded given name: two names sharing a group are variants.

    Built once from the ``nicknames`` data set (one group per canonical name: the name and
    its nicknames) and :data:`FRENCH_VARIANTS`. The result is never mutated.

    >>> groups = name_variants()
    >>> bool(groups["barbara"] & groups["bobbie"]), bool(groups["maite"] & groups["marie therese"])
    (True, True)
    """
    from nicknames import NickNamer  # a data set read once, when names are first compared

    groups: dict[str, set[int]] = {}
    index = 0
    for canonical, nicknames in sorted(NickNamer().nickname_lookup.items()):
        for name in (canonical, *sorted(nicknames)):
            groups.setdefault(name, set()).add(index)
        index += 1
    for group in FRENCH_VARIANTS:
        for name in group:
            groups.setdefault(name, set()).add(index)
        index += 1
    return {name: frozenset(ids) for name, ids in groups.items()}


def are_variants(left: str, right: str) -> bool:
    """Whether two folded given names share a variant group (Bob / Robert, Maïté /
    Marie-Thérèse).

    >>> are_variants("bobbie", "barbara"), are_variants("taylor", "kelsey")
    (True, False)
    """
    groups = name_variants()
    mine = groups.get(left)
    return bool(mine and mine & groups.get(right, frozenset()))


_SOUNDS = (
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("qu", "k"),
    ("c", "k"),
    ("y", "i"),
    ("z", "s"),
    ("v", "f"),
    ("w", "v"),
)


@functools.lru_cache(maxsize=65536)
def _sound(word: str) -> str:
    """A spelling-insensitive form: Katherine and Catherine, Sara and Sarah, Jon and John."""
    for old, new in _SOUNDS:
        word = word.replace(old, new)
    word = word[:1] + word[1:].replace("h", "")  # a silent h: Sarah, John, Hannah
    out: list[str] = []
    for ch in word:
        if not out or ch != out[-1]:  # doubled letters
            out.append(ch)
    return "".join(out)


_OCR = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("ii", "u"), ("v", "u"), ("0", "o"), ("1", "l"))


def _ocr(word: str) -> str:
    """The form a scanner's common confusions share (``rn``/``m``, ``v``/``u``, ``0``/``o``)."""
    for old, new in _OCR:
        word = word.replace(old, new)
    return word


_ROWS = (
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
)


def _neighbours() -> dict[str, frozenset[str]]:
    near: dict[str, set[str]] = {}
    for row in _ROWS:
        for i, ch in enumerate(row):
            near.setdefault(ch, set()).update(row[max(i - 1, 0) : i] + row[i + 1 : i + 2])
    for upper, lower in itertools.pairwise(_ROWS[1:4]):  # QWERTY columns
        for ch_up, ch_low in zip(upper, lower, strict=False):
            near[ch_up].add(ch_low)
            near[ch_low].add(ch_up)
    return {ch: frozenset(chars) for ch, chars in near.items()}


_KEYBOARD = _neighbours()
"""The keys next to each key on QWERTY and AZERTY keyboards (same row, and above/below)."""


def _known(name: str) -> bool:
    """Whether ``name`` is a given name of the variant data (a name, not a misspelling)."""
    return name in name_variants()


def _slip(left: str, right: str) -> bool:
    """Whether two different words are one typing or OCR slip apart.

    One transposition of neighbouring letters; one letter changed, doubled or dropped past
    the first. In a name of three letters, a change must be to a neighbouring key. The
    first letter counts too in a name of six letters or more when one of the two is a
    known name and the other is not (Gichard / Richard): a slip of a known name. Two
    *known* names are never a slip of each other (Paul and Paula, John and Joan, Mary and
    Gary name different people), nor are two unknown ones on their first letter: twins
    are named Jayden and Kayden.
    """
    if len(left) > len(right):
        left, right = right, left
    known_left, known_right = _known(left), _known(right)
    if known_left and known_right:
        return False
    # where a slip may fall: past the first letter, unless one is a known name mistyped
    first = 0 if len(left) >= 6 and known_left != known_right else 1
    if len(left) == len(right):
        diffs = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
        if len(diffs) == 1:
            i = diffs[0]
            if i < first:
                return False
            return len(left) >= 4 or right[i] in _KEYBOARD.get(left[i], ())
        if len(diffs) == 2:
            i, j = diffs
            return j == i + 1 and left[i] == right[j] and left[j] == right[i]
        return False
    if len(right) != len(left) + 1 or len(left) < 3:
        return False
    return any(right[:i] + right[i + 1 :] == left for i in range(first, len(right)))


def _words_compatible(left: str, right: str) -> bool:
    """Whether two single given names (no spaces) can name one person."""
    if left == right:
        return True
    if len(left) == 1 or len(right) == 1:
        return left[0] == right[0]  # an initial
    if are_variants(left, right):
        return True
    shorter, longer = (left, right) if len(left) <= len(right) else (right, left)
    if len(shorter) >= 3 and longer.startswith(shorter):
        # a truncation (Ant / Anthony), unless both are names of their own (Paul / Paula)
        return not (_known(shorter) and _known(longer))
    sound = _sound(left)
    if len(sound) >= 3 and sound == _sound(right):
        return True
    if _ocr(left) == _ocr(right) or _slip(left, right):
        return True
    # a longer name with a typo somewhere past its start
    return len(shorter) >= 7 and JaroWinkler.similarity(left, right) >= 0.95


@functools.lru_cache(maxsize=65536)
def _compatible(left: str, right: str) -> bool:
    if " " not in left and " " not in right:
        return _words_compatible(left, right)
    if are_variants(left, right):
        return True  # Marie-Thérèse / Maïté
    joined_left, joined_right = left.replace(" ", ""), right.replace(" ", "")
    if joined_left == joined_right or _slip(joined_left, joined_right):
        return True  # Jean-Pierre / Jeanpierre, Yasmin / Yam In
    left_words, right_words = left.split(), right.split()
    # initials: "jp" or "j p" for "jean pierre", "j" for "john paul"
    for words, other in ((left_words, right_words), (right_words, left_words)):
        initials = "".join(word[0] for word in words)
        if len(words) == 1 and len(initials) > 1 and words[0] == initials and len(words[0]) <= 3:
            initials = words[0]  # "jp" written together
        elif not all(len(word) == 1 for word in words):
            continue
        if "".join(word[0] for word in other).startswith(initials):
            return True
    # a compound or a middle name: the first names agree (Jean-Pierre / Jean), or one goes
    # by the name after an initial (Paul / J. Paul). A name written alone that is another's
    # second name is not enough: twins are named Margaret Katherine and Katherine.
    if _words_compatible(left_words[0], right_words[0]):
        return True
    for alone, words in ((left_words, right_words), (right_words, left_words)):
        if len(alone) == 1 and len(words) > 1 and len(words[0]) == 1:
            return _words_compatible(alone[0], words[1])
    return False


def given_names_compatible(left: str, right: str) -> bool:
    """Whether two folded given names can name one person (see the module's docstring).

    >>> given_names_compatible("bobbie", "barbara"), given_names_compatible("ant", "anthony")
    (True, True)
    >>> given_names_compatible("jp", "jean pierre"), given_names_compatible("paul", "pavl")
    (True, True)
    >>> given_names_compatible("taylor", "kelsey"), given_names_compatible("paul", "paula")
    (False, False)
    """
    if left == right:
        return True
    if left > right:
        left, right = right, left
    return _compatible(left, right)
