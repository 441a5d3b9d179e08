"""The daily sweep of deliberation files that no application refers to."""

import datetime
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from fabriques.calls import services
from fabriques.core.management.commands.run_daily import DAILY

from .factories import ApplicationFactory, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(settings):
    """A storage of its own: the shared in-memory one holds other tests' files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


def test_orphaned_deliberations_are_deleted_after_the_grace_period(storage, call, commune):
    kept = ApplicationFactory(call=call, commune=commune, deliberation=pdf_upload())
    orphan = storage.save("applications/orphan.pdf", ContentFile(b"%PDF-1.7"))
    other = storage.save("deliverables/orphan.pdf", ContentFile(b"%PDF-1.7"))
    out = StringIO()
    call_command("purge_orphan_deliberations", stdout=out)
    # Just written: it may belong to a request still in flight.
    assert storage.exists(orphan)
    assert out.getvalue() == (
        "0\u00a0fichier(s) orphelin(s) supprimé(s) sur 2 dans «\u00a0applications/\u00a0» "
        "(délai de grâce\u00a0: 24\u00a0heures).\n"
    )
    later = timezone.now() + datetime.timedelta(hours=25)
    report = services.deliberations_purge_orphans(now=later)
    assert (report.scanned, report.deleted) == (2, 1)
    assert not storage.exists(orphan)
    assert storage.exists(kept.deliberation.name)
    assert storage.exists(other)  # deliverables sweep their own folder


def test_the_sweep_runs_daily():
    assert "purge_orphan_deliberations" in DAILY
