"""The daily sweep of deliverable files that no version refers to."""

import datetime
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from fabriques.core.management.commands.run_daily import DAILY
from fabriques.deliverables import services

from .factories import DeliverableVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(settings):
    """A storage of its own: the shared in-memory one holds other tests' files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


def test_orphaned_version_files_are_deleted_after_the_grace_period(storage):
    kept = DeliverableVersionFactory()
    orphan = storage.save("deliverables/orphan.docx", ContentFile(b"PK"))
    other = storage.save("applications/orphan.pdf", ContentFile(b"%PDF-1.7"))
    out = StringIO()
    call_command("purge_orphan_deliverable_files", stdout=out)
    assert storage.exists(orphan)  # within the grace period
    assert "0\u00a0fichier(s) orphelin(s) supprimé(s) sur 2 dans «\u00a0deliverables/" in (
        out.getvalue()
    )
    report = services.version_files_purge_orphans(now=timezone.now() + datetime.timedelta(hours=25))
    assert (report.scanned, report.deleted) == (2, 1)
    assert not storage.exists(orphan)
    assert storage.exists(kept.file.name)
    assert storage.exists(other)


def test_the_sweep_runs_daily():
    assert "purge_orphan_deliverable_files" in DAILY
