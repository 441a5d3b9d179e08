"""Asking for a document: rendered once per content version, inline when small, in the task
queue when large (pending → done), failures kept with their reason and retried on demand."""

from __future__ import annotations

import pytest

from fabriques.core.models import AuditEvent
from fabriques.documents import services
from fabriques.documents.blocks import Document, Paragraph
from fabriques.documents.models import RenderedDocument, RenderStatus


def _document(text: str = "Premier état « œ »") -> Document:
    return Document(title="Document d’essai", blocks=[Paragraph(text)])


@pytest.fixture
def renders(monkeypatch):
    """Count the renderings (and make them instant): the cache must spare the second one."""
    calls: list[str] = []

    def fake(document, fmt):
        calls.append(fmt)
        return f"{fmt}:{document.blocks[0].text}".encode()

    monkeypatch.setattr(services, "render", fake)
    return calls


def _ask(document, *, fmt="docx", retry=False):
    return services.document_request(
        key="essai:1", fmt=fmt, document=document, filename="essai.docx", retry=retry
    )


def test_a_small_document_renders_inline_once_per_content_version(db, renders):
    row = _ask(_document())
    assert row.status == RenderStatus.DONE
    assert bytes(row.content) == "docx:Premier état « œ »".encode()
    again = _ask(_document())
    assert again.pk == row.pk and renders == ["docx"]  # served from the cache
    event = AuditEvent.objects.get(action="document.rendered")
    assert event.data == {"key": "essai:1", "format": "docx", "bytes": len(row.content)}


def test_new_content_gets_a_new_rendering_and_the_old_one_goes(db, renders):
    first = _ask(_document())
    second = _ask(_document("Second état"))
    assert second.content_version != first.content_version
    assert bytes(second.content) == b"docx:Second \xc3\xa9tat"
    assert list(RenderedDocument.objects.values_list("pk", flat=True)) == [second.pk]
    assert renders == ["docx", "docx"]


def test_formats_are_kept_apart(db, renders):
    _ask(_document(), fmt="docx")
    _ask(_document(), fmt="odt")
    assert sorted(RenderedDocument.objects.values_list("format", flat=True)) == ["docx", "odt"]


def test_a_large_document_is_pending_until_the_task_has_run(
    db, renders, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "INLINE_MAX_CHARS", 5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = _ask(_document())
    assert row.status == RenderStatus.PENDING and renders == []
    assert len(callbacks) == 1
    # A second request while it is pending queues nothing more.
    with django_capture_on_commit_callbacks(execute=False) as more:
        assert _ask(_document()).status == RenderStatus.PENDING
    assert more == []
    # The queued task (ImmediateBackend in the test settings) renders it from the row.
    callbacks[0]()
    row.refresh_from_db()
    assert row.status == RenderStatus.DONE and renders == ["docx"]
    assert bytes(row.content) == "docx:Premier état « œ »".encode()
    assert _ask(_document()).status == RenderStatus.DONE and renders == ["docx"]


def test_the_task_takes_the_row_id_only_and_renders_the_stored_tree(db, monkeypatch):
    from fabriques.documents.tasks import render_document

    monkeypatch.setattr(services, "INLINE_MAX_CHARS", 0)
    row = _ask(_document(), fmt="odt")
    result = render_document.enqueue(row.pk)
    assert result.args == [row.pk]
    row.refresh_from_db()
    assert row.status == RenderStatus.DONE
    assert bytes(row.content)[:2] == b"PK"  # a real ODT (zip) from the real renderer
    assert row.duration_ms is not None


def test_a_failure_is_kept_with_its_reason_and_retried_on_demand(db, monkeypatch):
    def broken(document, fmt):
        raise ValueError("police introuvable")

    monkeypatch.setattr(services, "render", broken)
    row = _ask(_document())
    assert row.status == RenderStatus.FAILED
    assert row.message == "ValueError: police introuvable"
    assert not AuditEvent.objects.filter(action="document.rendered").exists()
    # Asked again without « réessayer »: the failure is shown, nothing is re-rendered.
    assert _ask(_document()).status == RenderStatus.FAILED
    monkeypatch.setattr(services, "render", lambda document, fmt: b"ok")
    retried = _ask(_document(), retry=True)
    assert retried.pk == row.pk and retried.status == RenderStatus.DONE
    assert bytes(retried.content) == b"ok"


def test_renderings_past_their_retention_are_purged_and_rendered_again(db, renders, settings):
    import datetime
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from fabriques.core.management.commands.run_daily import DAILY

    old = _ask(_document(), fmt="docx")
    recent = _ask(_document(), fmt="odt")
    RenderedDocument.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    settings.DOCUMENT_RETENTION_DAYS = 30
    out = StringIO()
    call_command("purge_rendered_documents", stdout=out)
    assert "1 document(s) produit(s) de plus de 30 jours supprimé(s)." in out.getvalue()
    assert list(RenderedDocument.objects.values_list("pk", flat=True)) == [recent.pk]
    # Asked again, it is rendered again.
    assert _ask(_document(), fmt="docx").status == RenderStatus.DONE
    assert renders == ["docx", "odt", "docx"]
    assert "purge_rendered_documents" in DAILY
