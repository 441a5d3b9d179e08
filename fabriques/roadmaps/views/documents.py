"""The roadmap's documents in the workspace: PDF, DOCX, ODT, and the sheets' exports.

- document.<pdf|docx|odt>: the whole roadmap (fabriques.documents: cached by content
  version; large ones are prepared in the task queue behind a waiting page);
- fiches.<csv|xlsx>, budget.csv, financements.csv: the three fixed-column tables of the
  action sheets (roadmaps.documents.EXPORT_TABLES). The XLSX holds the three as worksheets;
  the CSV is one file a table, each at its own address, so that each opens directly in a
  spreadsheet (no archive to unpack).

Everyone who sees the roadmap (roadmaps.access.get_roadmap_for_user) downloads them.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import URLPattern, re_path, reverse
from django.views.decorators.http import require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.documents.renderers import CONTENT_TYPES
from fabriques.documents.views import document_filename, document_response

from ..access import get_roadmap_for_user
from ..documents import (
    EXPORT_TABLES,
    roadmap_document,
    roadmap_for_document,
    sheet_tables,
    table_csv,
    tables_xlsx,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_safe
@login_required
def document(request: AuthenticatedHttpRequest, pk: str, fmt: str) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, int(pk))
    content = roadmap_document(roadmap_for_document(roadmap.pk))
    return document_response(
        request,
        key=f"roadmap:{roadmap.pk}",
        fmt=fmt,  # type: ignore[arg-type]
        document=content,
        filename=document_filename("feuille-de-route", roadmap.title, fmt=fmt),
        base_template="workspace/base.html",
        back_url=reverse("roadmaps:detail", args=[roadmap.pk]),
    )


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@login_required
def export(request: AuthenticatedHttpRequest, pk: str, table: str, fmt: str) -> HttpResponse:
    """One table as CSV, or the three as one XLSX workbook (fiches.xlsx)."""
    roadmap = get_roadmap_for_user(request.user, int(pk))
    tables = sheet_tables(roadmap_for_document(roadmap.pk))
    if fmt == "xlsx":
        filename = document_filename("fiches-action", roadmap.title, fmt="xlsx")
        return _attachment(tables_xlsx(tables), XLSX, filename)
    filename = document_filename(table, roadmap.title, fmt="csv")
    return _attachment(
        table_csv(EXPORT_TABLES[table], tables[table]), "text/csv; charset=utf-8", filename
    )


FORMATS = "|".join(CONTENT_TYPES)
urlpatterns: list[URLPattern] = [
    re_path(
        rf"^espace/feuilles-de-route/(?P<pk>[0-9]+)/document\.(?P<fmt>{FORMATS})$",
        document,
        name="document",
    ),
    re_path(
        r"^espace/feuilles-de-route/(?P<pk>[0-9]+)/(?P<table>fiches)\.(?P<fmt>csv|xlsx)$",
        export,
        name="sheets_export",
    ),
    re_path(
        r"^espace/feuilles-de-route/(?P<pk>[0-9]+)/(?P<table>budget|financements)\.(?P<fmt>csv)$",
        export,
        name="table_export",
    ),
]
