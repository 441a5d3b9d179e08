"""Roadmap files no row refers to (deliberations, attachments) are swept daily."""

import datetime
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from fabriques.calls.tests.factories import pdf_bytes
from fabriques.core.management.commands.run_daily import DAILY
from fabriques.roadmaps.models import RoadmapAttachment
from fabriques.roadmaps.services.files import roadmap_files_purge_orphans

from .factories import RoadmapFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(settings):
    """A storage of its own: the shared in-memory one holds other tests' files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


def test_orphaned_roadmap_files_are_deleted_after_the_grace_period(storage):
    roadmap = RoadmapFactory()
    roadmap.deliberation_file.save("deliberation.pdf", ContentFile(pdf_bytes()), save=True)
    attachment = RoadmapAttachment(
        roadmap=roadmap, title="Diagnostic", original_name="diagnostic.pdf", size=10
    )
    attachment.file.save("diagnostic.pdf", ContentFile(pdf_bytes()), save=True)
    gone = RoadmapFactory()
    gone.deliberation_file.save("ancienne.pdf", ContentFile(pdf_bytes()), save=True)
    left_behind = gone.deliberation_file.name
    gone.delete()  # its file stays in storage: the sweep takes it
    orphan = storage.save("roadmaps/orphan.pdf", ContentFile(pdf_bytes()))
    other = storage.save("recommendations/orphan.pdf", ContentFile(pdf_bytes()))

    out = StringIO()
    call_command("purge_orphan_roadmap_files", stdout=out)
    assert storage.exists(orphan) and storage.exists(left_behind)  # within the grace period
    assert "sur 4 dans" in out.getvalue()

    report = roadmap_files_purge_orphans(now=timezone.now() + datetime.timedelta(hours=25))
    assert (report.scanned, report.deleted) == (4, 2)
    assert not storage.exists(orphan)
    assert not storage.exists(left_behind)
    assert storage.exists(roadmap.deliberation_file.name)
    assert storage.exists(attachment.file.name)
    assert storage.exists(other)


def test_the_sweep_runs_daily():
    assert "purge_orphan_roadmap_files" in DAILY
