"""The one response of every document route: the file, or the page that waits for it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from .blocks import Document, Format
from .models import RenderedDocument, RenderStatus
from .renderers import CONTENT_TYPES
from .services import document_request

# Seconds between two looks of the waiting page (meta refresh).
REFRESH_SECONDS = 2


def document_filename(*parts: str, fmt: str) -> str:
    """« feuille-de-route-coeur-de-ville.pdf »: ASCII, lower case, no accents, 100 characters."""
    stem = "-".join(slugify(part.replace("œ", "oe").replace("Œ", "Oe")) for part in parts if part)
    return f"{stem[:100].strip('-') or 'document'}.{fmt}"


def file_response(row: RenderedDocument) -> HttpResponse:
    response = HttpResponse(bytes(row.content), content_type=CONTENT_TYPES[row.format])
    response["Content-Disposition"] = f'attachment; filename="{row.filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def document_response(
    request: HttpRequest,
    *,
    key: str,
    fmt: Format,
    document: Document,
    filename: str,
    base_template: str,
    back_url: str,
) -> HttpResponse:
    """The document when its rendering is ready; else a page refreshing every 2 s until it is.

    `base_template` is the surface's page (workspace or public site) the waiting page extends.
    """
    row = document_request(
        key=key, fmt=fmt, document=document, filename=filename, retry="reessayer" in request.GET
    )
    if row.status == RenderStatus.DONE:
        return file_response(row)
    context = {
        "base_template": base_template,
        "document": document,
        "row": row,
        "failed": row.status == RenderStatus.FAILED,
        "refresh_seconds": REFRESH_SECONDS,
        "here": request.path,
        "back_url": back_url,
    }
    response = render(request, "documents/pending.html", context, status=200)
    response["Cache-Control"] = "no-store"
    return response
