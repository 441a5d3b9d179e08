"""The sources of the public search index, registered by the apps that own the data.

Search sits below the apps it indexes, so each of them registers a `Source` in its
AppConfig.ready() (modules ``<app>/search_sources.py``), the way calendar sources are
registered in programme.calendar. A source yields entries for its **public** objects only;
an object it does not yield leaves the index.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Facet:
    facet: str  # one of FACETS
    value: str
    label: str


@dataclass(frozen=True)
class EntryData:
    object_id: int
    title: str
    body: str
    url: str
    year: int | None = None
    published_at: datetime.datetime | None = None
    facets: tuple[Facet, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Source:
    kind: str
    label: str | Promise  # French, singular: « Fabrique », « Fiche action »…
    # entries(pks): the public objects among pks (all public objects when pks is None).
    entries: Callable[[list[int] | None], Iterable[EntryData]]
    # Refreshed when the public data version moved (programme data changes through many
    # writers that bump it; see services.ensure_fresh) rather than by refresh_later().
    follows_data_version: bool = False
    order: int = 0  # position among the kinds on the page


# The facets the page offers, in order.
FACETS = ("year", "theme", "type", "status", "addressee", "region")

_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.kind] = source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda source: (source.order, source.kind))


def get_source(kind: str) -> Source:
    try:
        return _SOURCES[kind]
    except KeyError:
        raise LookupError(f"No search source of kind {kind!r}.") from None


def public_url(name: str, fallback: str, **kwargs: object) -> str:
    """reverse(name) or, while that public page is not routed yet, its planned path."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback
