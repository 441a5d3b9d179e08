"""The public search: full-text match, ranking, facets and a page of highlighted results.

Same rules on both databases (text.py): the words of the search are folded and stemmed; an
entry matches when it holds every one of them (AND), as whole words. Ranking weighs the title
above the body: PostgreSQL's ts_rank over the stored vector (title A, body B), SQLite's bm25
over the FTS5 table (title column weighted 10, body 1).

Queries, whatever the amount of data: the version check of services.ensure_fresh (2), then,
computed once per public data version and search: the counts per kind (1), the facet counts
(1), the page of entries (1) and their facets (1).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from fabriques.core.versioning import cached_by_version

from . import registry, services
from .models import SearchEntry, SearchFacet
from .text import excerpt, highlight, query_stems, query_words, stems

PAGE_SIZE = 20
MAX_WORDS = 12  # words of a search kept (the rest are ignored and the page says so)
FTS = services.FTS_TABLE
RANK_INDEX = "search_entry_rank_idx"  # SQLite only: (id, kind, title), migration 0003


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str | Promise
    title: SafeString
    excerpt: SafeString
    url: str
    year: int | None
    tags: tuple[str, ...]  # the entry's région(s) and theme(s), for the card


@dataclass
class SearchResults:
    q: str
    words: list[str]
    total: int = 0
    page: int = 1
    pages: int = 0
    hits: list[Hit] = field(default_factory=list)
    kinds: list[FacetValue] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    truncated: bool = False  # more than MAX_WORDS words: the rest were ignored

    @property
    def searched(self) -> bool:
        return bool(self.words)


def _matching(words: Sequence[str]) -> QuerySet[SearchEntry]:
    """Entries holding every word, without ranking (usable as a subquery)."""
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(words), config=services.CONFIG, search_type="plain")
        return SearchEntry.objects.filter(search_vector=query)
    return SearchEntry.objects.filter(
        pk__in=RawSQL(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [_fts_match(words)])
    )


def _fts_match(words: Sequence[str]) -> str:
    # Each stem quoted: FTS5 reads a sequence of strings as AND, and a quoted string never as
    # an operator or a column filter.
    return " ".join(f'"{s}"' for w in words for s in stems(w))


def _page(
    queryset: QuerySet[SearchEntry],
    words: Sequence[str],
    start: int,
    kinds: Sequence[str],
    filters: Mapping[str, Sequence[str]],
) -> list[SearchEntry]:
    """One page of the matching entries (`queryset`, with `kinds` and `filters` applied), best
    first, then by title."""
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(words), config=services.CONFIG, search_type="plain")
        return list(
            queryset.annotate(rank=SearchRank(F("search_vector"), query))
            .order_by(F("rank").desc(), "title", "pk")
            .only("kind", "title", "body", "url", "year")[start : start + PAGE_SIZE]
        )
    # bm25() is lower for better matches; the title column weighs ten times the body. It is
    # computed in a join with the FTS5 table (as a correlated subquery it would run the
    # full-text query once per row), and the kinds and facets chosen are conditions of that
    # join: the full-text query runs once. The sort reads the id, kind and title of every
    # match from the covering RANK_INDEX; the texts are read for the page's rows only.
    table = SearchEntry._meta.db_table
    conditions = [f"{FTS} MATCH %s"]
    params: list[Any] = [_fts_match(words)]
    if kinds:
        conditions.append(f"i.kind IN ({', '.join(['%s'] * len(kinds))})")
        params += list(kinds)
    facet_conditions, facet_params = _facet_conditions(filters, "i.id")
    conditions += facet_conditions
    params += facet_params
    sql = (
        f"SELECT e.id, e.kind, e.title, e.body, e.url, e.year FROM ("
        f"SELECT i.id AS id, bm25({FTS}, 10.0, 1.0) AS score, i.title AS title FROM {FTS} "
        f"JOIN {table} i INDEXED BY {RANK_INDEX} ON i.id = {FTS}.rowid "
        f"WHERE {' AND '.join(conditions)} ORDER BY score, title, id LIMIT %s OFFSET %s"
        f") top JOIN {table} e ON e.id = top.id ORDER BY top.score, top.title, top.id"
    )
    return list(SearchEntry.objects.raw(sql, [*params, PAGE_SIZE, start]))


def search(
    *,
    q: str,
    kinds: Sequence[str] = (),
    filters: Mapping[str, Sequence[str]] | None = None,
    page: int = 1,
) -> SearchResults:
    """One page of the public search; `filters` maps a facet of registry.FACETS to values."""
    services.ensure_fresh()
    chosen = {k: sorted(set(v)) for k, v in (filters or {}).items() if v}
    words = query_words(q)
    truncated = len(words) > MAX_WORDS
    words = words[:MAX_WORDS]
    key = hashlib.sha256(
        json.dumps([words, sorted(set(kinds)), sorted(chosen.items()), page]).encode()
    ).hexdigest()
    results = cached_by_version(
        f"search:{key}", lambda: _search(words, sorted(set(kinds)), chosen, page)
    )
    results.q = q
    results.truncated = truncated
    return results


def _search(
    words: list[str], kinds: list[str], filters: dict[str, list[str]], page: int
) -> SearchResults:
    results = SearchResults(q="", words=words)
    if not words:
        return results
    labels = {source.kind: source.label for source in registry.sources()}
    base = _matching(words)
    for facet, values in filters.items():
        base = base.filter(
            pk__in=SearchFacet.objects.filter(facet=facet, value__in=values).values("entry_id")
        )
    # Counts per kind, before the kind filter, so that every kind can be chosen.
    per_kind = _kind_counts(base, words, filters)
    results.kinds = [
        FacetValue(kind, str(label), per_kind.get(kind, 0), kind in kinds)
        for kind, label in labels.items()
        if per_kind.get(kind) or kind in kinds
    ]
    if kinds:
        base = base.filter(kind__in=kinds)
    results.total = sum(n for kind, n in per_kind.items() if not kinds or kind in kinds)
    results.facets = _facet_counts(base, words, kinds, filters)
    results.pages = math.ceil(results.total / PAGE_SIZE)
    results.page = min(max(page, 1), max(results.pages, 1))
    start = (results.page - 1) * PAGE_SIZE
    entries = _page(base, words, start, kinds, filters)
    tags: dict[int, list[str]] = defaultdict(list)
    for entry_id, label in (
        SearchFacet.objects.filter(entry__in=[e.pk for e in entries], facet__in=["region", "theme"])
        .order_by("entry_id", "-facet", "label")
        .values_list("entry_id", "label")
    ):
        tags[entry_id].append(label)
    wanted = query_stems(words)
    results.hits = [
        Hit(
            kind=entry.kind,
            kind_label=labels.get(entry.kind, entry.kind),
            title=highlight(entry.title, wanted),
            excerpt=excerpt(entry.body, wanted),
            url=entry.url,
            year=entry.year,
            tags=tuple(tags[entry.pk]),
        )
        for entry in entries
    ]
    return results


def _facet_conditions(
    filters: Mapping[str, Sequence[str]], column: str
) -> tuple[list[str], list[Any]]:
    """SQL conditions on an entry id `column`: one of the chosen values of each facet."""
    conditions: list[str] = []
    params: list[Any] = []
    for facet, values in filters.items():
        inner, inner_params = (
            SearchFacet.objects.filter(facet=facet, value__in=values)
            .values("entry_id")
            .query.sql_with_params()
        )
        conditions.append(f"{column} IN ({inner})")
        params += list(inner_params)
    return conditions, params


def _entry_ids_sql(
    base: QuerySet[SearchEntry],
    words: Sequence[str],
    kinds: Sequence[str],
    filters: Mapping[str, Sequence[str]],
) -> tuple[str, list[Any]]:
    """SQL selecting the ids of `base` (the matching entries, kinds and filters applied).

    On SQLite, straight from the FTS5 table, through the covering RANK_INDEX when kinds are
    chosen: going through the entries' table costs half as much again as the facet count
    itself at 100× the data.
    """
    if connection.vendor != "sqlite":
        sql, params = base.values("pk").query.sql_with_params()
        return sql, list(params)
    conditions = [f"{FTS} MATCH %s"]
    values: list[Any] = [_fts_match(words)]
    facet_conditions, facet_params = _facet_conditions(filters, "rowid")
    conditions += facet_conditions
    values += facet_params
    sql = f"SELECT rowid FROM {FTS} WHERE {' AND '.join(conditions)}"
    if kinds:
        table = SearchEntry._meta.db_table
        sql = (
            f"SELECT id FROM {table} INDEXED BY {RANK_INDEX} WHERE id IN ({sql}) "
            f"AND kind IN ({', '.join(['%s'] * len(kinds))})"
        )
        values += list(kinds)
    return sql, values


def _kind_counts(
    base: QuerySet[SearchEntry], words: Sequence[str], filters: Mapping[str, Sequence[str]]
) -> dict[str, int]:
    """The number of matching entries of each kind (the kinds chosen not applied)."""
    if connection.vendor != "sqlite":
        return dict(base.values_list("kind").annotate(n=Count("pk")).order_by())
    inner, params = _entry_ids_sql(base, words, (), filters)
    table = SearchEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, COUNT(*) FROM {table} INDEXED BY {RANK_INDEX} "
            f"WHERE id IN ({inner}) GROUP BY kind",
            params,
        )
        return dict(cursor.fetchall())


def _facet_counts(
    base: QuerySet[SearchEntry],
    words: Sequence[str],
    kinds: Sequence[str],
    filters: dict[str, list[str]],
) -> dict[str, list[FacetValue]]:
    # Counted on (facet, value) alone, which the unique index (entry, facet, value) covers:
    # the label, the same for every row of a value, is read once per value found.
    inner, params = _entry_ids_sql(base, words, kinds, filters)
    table = SearchFacet._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.facet, c.value, c.n, (SELECT g.label FROM {table} g "
            f"WHERE g.facet = c.facet AND g.value = c.value LIMIT 1) "
            f"FROM (SELECT f.facet, f.value, COUNT(*) AS n FROM {table} f "
            f"WHERE f.entry_id IN ({inner}) GROUP BY f.facet, f.value) c",
            params,
        )
        rows = cursor.fetchall()
    facets: dict[str, list[FacetValue]] = {facet: [] for facet in registry.FACETS}
    for facet, value, n, label in rows:
        if facet in facets:
            facets[facet].append(FacetValue(value, label, n, value in filters.get(facet, ())))
    for facet, values in facets.items():
        shown = {v.value for v in values}
        values += [FacetValue(v, v, 0, True) for v in filters.get(facet, ()) if v not in shown]
        # Years newest first, the others by label.
        if facet == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: v.label.casefold())
    return facets
