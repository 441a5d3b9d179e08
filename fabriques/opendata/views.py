"""The /donnees/ page and the downloads: CSV, JSON and Table Schema of each dataset."""

from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fabriques.core.licence import LICENCE
from fabriques.core.versioning import cached_by_version
from fabriques.programme.selectors import public_data_last_change

from .datasets import DATASETS, LIST_SEPARATOR
from .exports import csv_chunks, descriptor, json_chunks, size

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


def _dataset_summaries() -> list[dict]:
    """Rows, columns and real file sizes of each dataset: building every file to measure it
    grows with the programme, so the result is cached per data version."""
    datasets = []
    for dataset in DATASETS.values():
        rows = dataset.rows()  # a fixed number of queries per dataset, whatever its size
        datasets.append(
            {
                "name": dataset.name,
                "title": dataset.title,
                "description": dataset.description,
                "rows": len(rows),
                "columns": len(dataset.field_names),
                "version": dataset.schema["version"],
                "files": [
                    {
                        "format": "CSV",
                        "url": reverse(
                            "opendata:download", kwargs={"dataset": dataset.name, "ext": "csv"}
                        ),
                        "size": size(csv_chunks(dataset, rows)),
                    },
                    {
                        "format": "JSON",
                        "url": reverse(
                            "opendata:download", kwargs={"dataset": dataset.name, "ext": "json"}
                        ),
                        "size": size(json_chunks(dataset, rows)),
                    },
                ],
                "schema_url": reverse(
                    "opendata:download", kwargs={"dataset": dataset.name, "ext": "schema.json"}
                ),
            }
        )
    return datasets


def _index() -> dict:
    return {"datasets": _dataset_summaries(), "last_change": public_data_last_change()}


@require_safe
def index(request):
    """Every dataset with its description, sizes, schema and licence, then the API."""
    index = cached_by_version("opendata-index-v2", _index)
    datasets = index["datasets"]
    api = [
        (_("Fabriques"), reverse("api:fabrique-list")),
        (_("Territoires accompagnés"), reverse("api:territory-list")),
        (_("Organisations"), reverse("api:organisation-list")),
        (_("Thèmes"), reverse("api:theme-list")),
        (_("Programmes de l’ANCT"), reverse("api:programme-list")),
        (_("Statistiques par année"), reverse("api:statistics")),
    ]
    context = {
        "datasets": datasets,
        "last_change": index["last_change"],
        "licence": LICENCE,
        "separator": LIST_SEPARATOR,
        "api": api,
        "api_docs_url": reverse("api:docs"),
        "api_schema_url": reverse("api:schema"),
        "breadcrumb_data": {"links": [], "current": _("Données ouvertes")},
    }
    return render(request, "opendata/index.html", context)


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
    rows = found.rows()  # queried before streaming starts: a database error is a clean 500
    chunks = csv_chunks(found, rows) if ext == "csv" else json_chunks(found, rows)
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[ext])
    response["Content-Disposition"] = f'attachment; filename="{found.name}.{ext}"'
    return response
