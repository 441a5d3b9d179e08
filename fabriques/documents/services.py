"""Asking for a document: serve the cached rendering of its content, or render it.

A request builds the document tree (cheap: 14 queries for a roadmap, whatever its size),
hashes it and looks for a done rendering of that version. Small documents are rendered in
the request itself, large ones are queued for the task worker and the person sees « Le
document est en préparation… » until the rendering is done.

The threshold is measured with bench/documents.py on this 2-core machine: a 30-sheet roadmap
(54,000 characters of text) takes about 5 s of CPU for the PDF, 1.5 s for the DOCX, 0.7 s for
the ODT; the PDF's cost follows the number of boxes (tables, headings) more than the text.
A document of a few sheets or a handful of recommendations (under INLINE_MAX_CHARS) renders
in well under a second and is not worth a round trip through the queue.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from fabriques.core.services import audit_event_create

from .blocks import Document, Format
from .models import RenderedDocument, RenderStatus
from .renderers import render

logger = logging.getLogger(__name__)

# Characters of text (Document.size) rendered in the request; above, in the task queue.
INLINE_MAX_CHARS = 8_000


def document_request(
    *, key: str, fmt: Format, document: Document, filename: str, retry: bool = False
) -> RenderedDocument:
    """The rendering of this version of the document: done, pending (queued) or failed."""
    version = document.content_version()
    try:
        with transaction.atomic():
            row, created = RenderedDocument.objects.get_or_create(
                key=key,
                format=fmt,
                content_version=version,
                defaults={"filename": filename, "tree": document.to_data()},
            )
    except IntegrityError:  # the same request, a moment earlier, from another process
        row = RenderedDocument.objects.get(key=key, format=fmt, content_version=version)
        created = False
    if row.status == RenderStatus.DONE:
        return row
    if row.status == RenderStatus.FAILED:
        if not retry:
            return row
        row.status, row.message = RenderStatus.PENDING, ""
        row.save(update_fields=["status", "message"])
    elif not created:
        return row  # pending: already queued
    if document.size() <= INLINE_MAX_CHARS:
        return document_render(pk=row.pk) or row
    from .tasks import render_document

    transaction.on_commit(lambda: render_document.enqueue(row.pk))
    return row


@transaction.atomic
def document_render(*, pk: int) -> RenderedDocument | None:
    """Render a pending rendering from its stored tree; drop the older versions once done.

    None when the row is gone (a newer version of the document was rendered meanwhile).
    """
    row = RenderedDocument.objects.select_for_update().filter(pk=pk).first()
    if row is None or row.status != RenderStatus.PENDING:
        return row
    started = time.perf_counter()
    try:
        content = render(Document.from_data(row.tree), row.format)  # type: ignore[arg-type]
    except Exception as error:  # a failed rendering is kept, with its reason, not raised
        logger.exception("Rendering %s.%s failed", row.key, row.format)
        row.status = RenderStatus.FAILED
        row.message = f"{type(error).__name__}: {error}"[:2000]
        row.save(update_fields=["status", "message"])
        return row
    row.content = content
    row.status = RenderStatus.DONE
    row.rendered_at = timezone.now()
    row.duration_ms = round((time.perf_counter() - started) * 1000)
    row.save(update_fields=["content", "status", "rendered_at", "duration_ms"])
    RenderedDocument.objects.filter(key=row.key, format=row.format).exclude(pk=row.pk).delete()
    audit_event_create(
        action="document.rendered",
        obj=row,
        summary=f"{row.key}.{row.format}",
        data={"key": row.key, "format": row.format, "bytes": len(content)},
    )
    return row


def rendered_documents_purge(*, days: int, now: datetime.datetime | None = None) -> int:
    """Delete the renderings asked for more than `days` days ago (DOCUMENT_RETENTION_DAYS);
    returns how many went."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _by_model = RenderedDocument.objects.filter(created_at__lt=cutoff).delete()
    return deleted
