"""French words as the search sees them: accents folded, stemmed, stop words dropped.

The same rules on both databases. PostgreSQL's ``fr_unaccent`` configuration (migration 0002)
runs ``unaccent`` then the Snowball ``french_stem`` dictionary on each word; the SQLite index
stores, and queries, the output of ``stems()`` below, which folds accents with
``core.text.normalize`` and stems with the same Snowball algorithm. Whole words only: « sante »
is the stem « sant », « composante » is « compos », so neither finds the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fabriques.core.text import normalize

# Letters and digits; apostrophes, hyphens and punctuation separate words, as in PostgreSQL's
# default parser.
WORD = re.compile(r"[^\W_]+")

# PostgreSQL's french.stop (the Snowball list). french_stem checks a word against it after
# unaccent, so the accented entries (« été », « à »…) never stop anything there: folded
# words are compared with this list as it is, exactly as PostgreSQL does.
STOP_WORDS = frozenset(
    [
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "eux",
        "il",
        "je",
        "la",
        "le",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "même",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "c",
        "d",
        "j",
        "l",
        "à",
        "m",
        "n",
        "s",
        "t",
        "y",
        "été",
        "étée",
        "étées",
        "étés",
        "étant",
        "étante",
        "étants",
        "étantes",
        "suis",
        "es",
        "est",
        "sommes",
        "êtes",
        "sont",
        "serai",
        "seras",
        "sera",
        "serons",
        "serez",
        "seront",
        "serais",
        "serait",
        "serions",
        "seriez",
        "seraient",
        "étais",
        "était",
        "étions",
        "étiez",
        "étaient",
        "fus",
        "fut",
        "fûmes",
        "fûtes",
        "furent",
        "sois",
        "soit",
        "soyons",
        "soyez",
        "soient",
        "fusse",
        "fusses",
        "fût",
        "fussions",
        "fussiez",
        "fussent",
        "ayant",
        "ayante",
        "ayantes",
        "ayants",
        "eu",
        "eue",
        "eues",
        "eus",
        "ai",
        "as",
        "avons",
        "avez",
        "ont",
        "aurai",
        "auras",
        "aura",
        "aurons",
        "aurez",
        "auront",
        "aurais",
        "aurait",
        "aurions",
        "auriez",
        "auraient",
        "avais",
        "avait",
        "avions",
        "aviez",
        "avaient",
        "eut",
        "eûmes",
        "eûtes",
        "eurent",
        "aie",
        "aies",
        "ait",
        "ayons",
        "ayez",
        "aient",
        "eusse",
        "eusses",
        "eût",
        "eussions",
        "eussiez",
        "eussent",
    ]
)

EXCERPT_WORDS = 12  # words kept on each side of the first match
EXCERPT_FALLBACK = 30  # words shown when nothing in the body matches (a title match)

_stemmer = snowballstemmer.stemmer("french")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one word already folded by normalize(); numbers are kept as they are."""
    if word.isdigit():
        return word
    return str(_stemmer.stemWord(word))


def stems(text: str) -> list[str]:
    """The stems of ``text``'s words, in order, stop words left out."""
    folded = normalize(text)
    return [stem(word) for word in WORD.findall(folded) if word not in STOP_WORDS]


def query_words(q: str) -> list[str]:
    """The words of a search, folded, without stop words and repeats, in order."""
    folded = normalize(q)
    words = [w for w in WORD.findall(folded) if w not in STOP_WORDS]
    return list(dict.fromkeys(words))


def _matches(token: str, wanted: frozenset[str]) -> bool:
    folded = normalize(token)
    return folded not in STOP_WORDS and stem(folded) in wanted


def highlight(text: str, wanted: frozenset[str]) -> SafeString:
    """``text`` escaped, each word whose stem is wanted in <mark>."""
    parts: list[str] = []
    position = 0
    for token in WORD.finditer(text):
        parts.append(escape(text[position : token.start()]))
        if _matches(token.group(), wanted):
            parts.append(f"<mark>{escape(token.group())}</mark>")
        else:
            parts.append(escape(token.group()))
        position = token.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # every part escaped


def excerpt(text: str, wanted: frozenset[str]) -> SafeString:
    """A window of words around the first match of ``text``, marked; its start when nothing
    matches."""
    tokens = text.split()
    first = next(
        (
            i
            for i, token in enumerate(tokens)
            if any(_matches(t, wanted) for t in WORD.findall(token))
        ),
        None,
    )
    if first is None:
        start, end = 0, EXCERPT_FALLBACK
    else:
        start, end = max(0, first - EXCERPT_WORDS), first + EXCERPT_WORDS + 1
    marked = highlight(" ".join(tokens[start:end]), wanted)
    before = "… " if start > 0 else ""
    after = " …" if end < len(tokens) else ""
    return mark_safe(f"{before}{marked}{after}")  # highlight() escaped it


def query_stems(words: Iterable[str]) -> frozenset[str]:
    return frozenset(stem(word) for word in words)
