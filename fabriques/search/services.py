"""Keeping the public search index in step with what is published.

Roadmaps, action sheets and recommendations: their services call ``refresh_later(kind, pks)``
whenever something published changes (publish, unpublish, edit). Fabriques and territories
change through many writers (services, imports, the admin), all of which bump the public data
version (programme.signals): their sources are marked ``follows_data_version`` and
``ensure_fresh()``, called by the search selector, re-indexes them when that version moved
since they were last indexed — one query when nothing moved, and only changed rows are
rewritten. ``search_reindex`` (management command) rebuilds everything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import partial
from typing import TypeVar

from django.contrib.postgres.search import SearchVector
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from fabriques.core.versioning import data_version

from . import registry
from .models import SearchEntry, SearchFacet, SearchSourceState
from .text import stems

FTS_TABLE = "search_entry_fts"
TITLE_WEIGHT = "A"
BODY_WEIGHT = "B"
CONFIG = "fr_unaccent"
BATCH = 500

T = TypeVar("T")


def refresh_later(kind: str, pks: Iterable[int]) -> None:
    """After the current transaction commits, re-index these objects of this kind.

    An object that is no longer published leaves the index. `kind` is one of the registered
    sources' kinds: "fabrique", "territory", "roadmap", "sheet", "recommendation".
    """
    registry.get_source(kind)  # an unknown kind is a programming error: fail now
    transaction.on_commit(partial(refresh, kind=kind, pks=list(pks)))


def _digest(data: registry.EntryData) -> str:
    payload = [
        data.title,
        data.body,
        data.url,
        data.year,
        data.published_at.isoformat() if data.published_at else None,
        sorted([f.facet, f.value, f.label] for f in data.facets),
    ]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


@transaction.atomic
def refresh(*, kind: str, pks: list[int] | None) -> int:
    """Re-index these objects of `kind` (all of them when pks is None): upsert the public ones,
    delete the others. Returns the number of rows written or deleted."""
    source = registry.get_source(kind)
    fresh = {data.object_id: data for data in source.entries(pks)}
    existing = SearchEntry.objects.filter(kind=kind)
    if pks is not None:
        existing = existing.filter(object_id__in=pks)
    current = {
        object_id: (pk, digest)
        for pk, object_id, digest in existing.values_list("pk", "object_id", "digest")
    }
    gone = [pk for object_id, (pk, _digest_) in current.items() if object_id not in fresh]
    created: list[SearchEntry] = []
    updated: list[SearchEntry] = []
    facets: dict[int, tuple[registry.Facet, ...]] = {}  # object_id -> facets
    now = timezone.now()
    for object_id, data in fresh.items():
        digest = _digest(data)
        pk_digest = current.get(object_id)
        if pk_digest is not None and pk_digest[1] == digest:
            continue
        entry = SearchEntry(
            pk=pk_digest[0] if pk_digest else None,
            kind=kind,
            object_id=object_id,
            title=data.title[:300],
            body=data.body,
            url=data.url,
            year=data.year,
            published_at=data.published_at,
            digest=digest,
            indexed_at=now,
        )
        (updated if pk_digest else created).append(entry)
        facets[object_id] = data.facets
    # Bulk writes: a full rebuild touches tens of thousands of sheets.
    SearchEntry.objects.bulk_create(created, batch_size=BATCH)
    SearchEntry.objects.bulk_update(
        updated,
        ["title", "body", "url", "year", "published_at", "digest", "indexed_at"],
        batch_size=BATCH,
    )
    changed = created + updated
    for chunk in _chunks([e.pk for e in updated]):
        SearchFacet.objects.filter(entry__in=chunk).delete()
    SearchFacet.objects.bulk_create(
        (
            SearchFacet(entry=entry, facet=f.facet, value=f.value[:100], label=f.label[:250])
            for entry in changed
            for f in {(f.facet, f.value): f for f in facets[entry.object_id]}.values()
        ),
        batch_size=BATCH,
    )
    for chunk in _chunks(gone):
        _delete_text(chunk)
        SearchEntry.objects.filter(pk__in=chunk).delete()
    for entries in _chunks(changed):
        _write_text(entries)
    return len(changed) + len(gone)


def _chunks(items: list[T]) -> Iterable[list[T]]:
    """Slices of BATCH items: database parameters are limited in number."""
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _write_text(entries: list[SearchEntry]) -> None:
    """The searchable form of these entries: the stored tsvector, or the FTS5 row."""
    if not entries:
        return
    ids = [entry.pk for entry in entries]
    if connection.vendor == "postgresql":
        SearchEntry.objects.filter(pk__in=ids).update(
            search_vector=SearchVector("title", weight=TITLE_WEIGHT, config=CONFIG)
            + SearchVector("body", weight=BODY_WEIGHT, config=CONFIG)
        )
    elif connection.vendor == "sqlite":
        _delete_text(ids)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
                [(e.pk, " ".join(stems(e.title)), " ".join(stems(e.body))) for e in entries],
            )


def _delete_text(ids: list[int]) -> None:
    if ids and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i in ids])


def reindex(*, kind: str | None = None) -> dict[str, int]:
    """Rebuild the index of one kind, or of every registered kind; rows written per kind."""
    kinds = [kind] if kind else [source.kind for source in registry.sources()]
    written = {}
    for each in kinds:
        version = data_version()  # read before the data (see core.versioning)
        written[each] = refresh(kind=each, pks=None)
        _mark_indexed(each, version)
    return written


def _mark_indexed(kind: str, version: int) -> None:
    SearchSourceState.objects.update_or_create(kind=kind, defaults={"data_version": version})


def ensure_fresh() -> None:
    """Re-index the sources that follow the data version if it moved since (one query when
    nothing did, two with the version)."""
    following = [s.kind for s in registry.sources() if s.follows_data_version]
    if not following:
        return
    version = data_version()
    indexed = dict(
        SearchSourceState.objects.filter(kind__in=following).values_list("kind", "data_version")
    )
    for kind in following:
        if indexed.get(kind) != version:
            try:
                with transaction.atomic():
                    refresh(kind=kind, pks=None)
                    _mark_indexed(kind, version)
            except IntegrityError:  # a concurrent request indexed the same rows first
                continue
