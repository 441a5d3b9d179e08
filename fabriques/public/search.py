"""Why a Fabrique card matched a catalogue search: the fields, with the matched words marked.

The catalogue keeps a Fabrique when every word of the search starts a word of its search text
(programme.selectors.word_starts); here each field the card can name is checked the same way,
word by word, on data the catalogue's query already loaded.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from fabriques.core.text import normalize
from fabriques.programme.models import Fabrique

# A word of a text as the search sees it: letters and digits (apostrophes, hyphens and
# spaces separate words).
_TOKEN = re.compile(r"[^\W_]+")
# The objective is Markdown: its emphasis and heading marks would show in an excerpt.
_MARKDOWN = re.compile(r"[*_#>`]+")
EXCERPT_WORDS = 8  # words kept on each side of the first match in a long text


def _matches(token: str, words: Sequence[str]) -> bool:
    folded = normalize(token)
    return any(folded.startswith(word) for word in words)


def highlight(text: str, words: Sequence[str]) -> SafeString | None:
    """``text`` escaped, each word starting with one of ``words`` in <mark>; None when no
    word matches."""
    parts: list[str] = []
    found = False
    position = 0
    for token in _TOKEN.finditer(text):
        parts.append(escape(text[position : token.start()]))
        if _matches(token.group(), words):
            found = True
            parts.append(f"<mark>{escape(token.group())}</mark>")
        else:
            parts.append(escape(token.group()))
        position = token.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts)) if found else None  # every part escaped


def excerpt(text: str, words: Sequence[str]) -> SafeString | None:
    """A few words around the first match of a long text, marked; None when nothing
    matches."""
    tokens = text.split()
    first = next(
        (
            i
            for i, token in enumerate(tokens)
            if any(_matches(t, words) for t in _TOKEN.findall(token))
        ),
        None,
    )
    if first is None:
        return None
    start, end = max(0, first - EXCERPT_WORDS), first + EXCERPT_WORDS + 1
    part = " ".join(tokens[start:end])
    marked = highlight(part, words)
    if marked is None:
        return None
    before = "… " if start > 0 else ""
    after = " …" if end < len(tokens) else ""
    return mark_safe(f"{before}{marked}{after}")  # highlight() escaped it


@dataclass(frozen=True)
class Reason:
    field: str  # « objectif », « thème »… in French
    text: SafeString | None = None  # the matched value or excerpt, marked


@dataclass
class SearchMatch:
    title: SafeString | None = None
    summary: SafeString | None = None
    reasons: list[Reason] = field(default_factory=list)


def _named(label: str, names: Iterable[str], words: Sequence[str]) -> list[Reason]:
    reasons = []
    for name in names:
        marked = highlight(name, words)
        if marked is not None:
            reasons.append(Reason(label, marked))
    return reasons


def search_match(fabrique: Fabrique, words: Sequence[str]) -> SearchMatch:
    """The fields of ``fabrique`` that hold at least one of ``words``, as its card says them.

    Reads the card's prefetched lists and the catalogue's search prefetches (``search_roles``,
    ``anct_programmes``): no query.
    """
    match = SearchMatch(
        title=highlight(fabrique.title, words),
        summary=highlight(fabrique.summary, words) if fabrique.summary else None,
    )
    if match.title is not None:
        match.reasons.append(Reason(_("titre")))
    if match.summary is not None:
        match.reasons.append(Reason(_("résumé")))
    objective = excerpt(_MARKDOWN.sub("", fabrique.objective), words)
    if objective is not None:
        match.reasons.append(Reason(_("objectif"), objective))
    match.reasons += _named(_("thème"), (t.name for t in fabrique.themes.all()), words)
    match.reasons += _named(
        _("programme de l’ANCT"), (p.name for p in fabrique.anct_programmes.all()), words
    )
    # Lists the catalogue's query prefetched under these names.
    roles = getattr(fabrique, "search_roles", [])
    participations = getattr(fabrique, "card_participations", [])
    organisations = dict.fromkeys(str(r.organisation) for r in roles)  # « Name (ACRONYM) »
    match.reasons += _named(_("organisation"), organisations, words)
    places = dict.fromkeys(name for p in participations for name in (p.label, p.departement.name))
    match.reasons += _named(_("territoire"), places, words)
    return match
