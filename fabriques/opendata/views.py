"""The /donnees/ page and the downloads: CSV, JSON and Table Schema of each dataset."""

import logging
import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fabriques.core.licence import LICENCE
from fabriques.programme.selectors import public_data_last_change

from .datasets import DATASETS, LIST_SEPARATOR, Dataset
from .exports import csv_chunks, descriptor, json_chunks
from .publishing import (
    FORMATS,
    Entry,
    Manifest,
    published_files,
    request_publication,
)

logger = logging.getLogger(__name__)
# As Django's GZipMiddleware reads Accept-Encoding.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


def _absolute_url_builder(request):
    def absolute(dataset, ext):
        if dataset is None:
            return request.build_absolute_uri(reverse("opendata:index"))
        return request.build_absolute_uri(
            reverse("opendata:download", kwargs={"dataset": dataset, "ext": ext})
        )

    return absolute


def _dataset_summaries(manifest: Manifest | None) -> list[dict]:
    """Each dataset with its rows and file sizes, read from the published files (none before
    the first publication: the files are then being built)."""
    datasets = []
    for dataset in DATASETS.values():
        entries = {ext: manifest.files.get((dataset.name, ext)) if manifest else None
                   for ext in FORMATS}  # fmt: skip
        csv_entry = entries["csv"]
        datasets.append(
            {
                "name": dataset.name,
                "title": dataset.title,
                "description": dataset.description,
                "rows": csv_entry.rows if csv_entry else None,
                "columns": len(dataset.field_names),
                "version": dataset.schema["version"],
                "files": [
                    {
                        "format": ext.upper(),
                        "url": reverse(
                            "opendata:download", kwargs={"dataset": dataset.name, "ext": ext}
                        ),
                        "size": entry.size if entry else None,
                    }
                    for ext, entry in entries.items()
                ],
                "schema_url": reverse(
                    "opendata:download", kwargs={"dataset": dataset.name, "ext": "schema.json"}
                ),
            }
        )
    return datasets


@require_safe
def index(request):
    """Every dataset with its description, sizes, schema and licence, then the API."""
    published = published_files()
    manifest, current = published.manifest, published.current
    if not current:
        request_publication(published.version)
    api = [
        (_("Fabriques"), reverse("api:fabrique-list")),
        (_("Territoires accompagnés"), reverse("api:territory-list")),
        (_("Organisations"), reverse("api:organisation-list")),
        (_("Thèmes"), reverse("api:theme-list")),
        (_("Programmes de l’ANCT"), reverse("api:programme-list")),
        (_("Statistiques par année"), reverse("api:statistics")),
    ]
    context = {
        "datasets": _dataset_summaries(manifest),
        # The date of the data the files hold: the one reusers cite with them.
        "last_change": manifest.data_changed_at if manifest else public_data_last_change(),
        "published_at": manifest.completed_at if manifest else None,
        "licence": LICENCE,
        "separator": LIST_SEPARATOR,
        "api": api,
        "api_docs_url": reverse("api:docs"),
        "api_schema_url": reverse("api:schema"),
        "breadcrumb_data": {"links": [], "current": _("Données ouvertes")},
    }
    response = render(request, "opendata/index.html", context)
    if not current:
        # New files are coming, without a new data version to say so: no page cache may keep
        # this page (fabriques.public.pagecache honours no-cache).
        patch_cache_control(response, no_cache=True)
    return response


@require_safe
def download(request, dataset: str, ext: str):
    found = DATASETS.get(dataset)
    if found is None:
        raise Http404(_("Aucun jeu de données ne porte ce nom."))
    if ext == "schema.json":
        return JsonResponse(
            descriptor(found, _absolute_url_builder(request)),
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    published = published_files()
    manifest, current = published.manifest, published.current
    if not current:
        request_publication(published.version)
    entry = manifest.files.get((found.name, ext)) if manifest else None
    if manifest is not None and entry is not None:
        try:
            return _published_file(request, found, ext, manifest, entry)
        except FileNotFoundError:  # deleted since the manifest was read: build it live
            logger.warning("Open-data file missing: %s", entry.name)
    return _live_file(found, ext)


def _published_file(request, found: Dataset, ext: str, manifest: Manifest, entry: Entry):
    """The stored file: conditional, compressed when the client takes gzip, a known length."""
    compressed = bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
    etag = f'"{entry.sha256[:32]}{"-gzip" if compressed else ""}"'
    last_modified = int(manifest.completed_at.timestamp())
    response: HttpResponseBase | None = get_conditional_response(
        request, etag=etag, last_modified=last_modified
    )
    if response is None:
        name, length = (
            (entry.gzip_name, entry.gzip_size) if compressed else (entry.name, entry.size)
        )
        response = FileResponse(
            default_storage.open(name, "rb"),
            content_type=CONTENT_TYPES[ext],
            as_attachment=True,
            filename=f"{found.name}.{ext}",
        )
        response["Content-Length"] = str(length)
        if compressed:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=60)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _live_file(found: Dataset, ext: str) -> StreamingHttpResponse:
    """Before the first publication (a fresh install): the file built as it is sent."""
    rows = found.rows()
    chunks = csv_chunks(found, rows) if ext == "csv" else json_chunks(found, rows)
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[ext])
    response["Content-Disposition"] = f'attachment; filename="{found.name}.{ext}"'
    patch_cache_control(response, no_cache=True)
    return response
