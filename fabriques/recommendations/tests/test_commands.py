"""The daily commands of the recommendations: orphaned answer letters are swept."""

import datetime
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from fabriques.calls.tests.factories import pdf_bytes
from fabriques.core.management.commands.run_daily import DAILY
from fabriques.recommendations.models import Answer
from fabriques.recommendations.services.files import answer_files_purge_orphans

from .factories import RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(settings):
    """A storage of its own: the shared in-memory one holds other tests' files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


def test_orphaned_answer_files_are_deleted_after_the_grace_period(storage):
    answer = Answer(
        recommendation=RecommendationFactory(published=True),
        answered_on=datetime.date(2026, 11, 2),
        text="Réponse",
        original_name="reponse.pdf",
    )
    answer.file.save("reponse.pdf", ContentFile(pdf_bytes()), save=True)
    orphan = storage.save("recommendations/orphan.pdf", ContentFile(pdf_bytes()))
    other = storage.save("deliverables/orphan.pdf", ContentFile(pdf_bytes()))
    out = StringIO()
    call_command("purge_orphan_recommendation_files", stdout=out)
    assert storage.exists(orphan)  # within the grace period
    assert "sur 2 dans" in out.getvalue()
    report = answer_files_purge_orphans(now=timezone.now() + datetime.timedelta(hours=25))
    assert (report.scanned, report.deleted) == (2, 1)
    assert not storage.exists(orphan)
    assert storage.exists(answer.file.name)
    assert storage.exists(other)


def test_the_sweep_and_the_reminders_run_daily():
    assert "purge_orphan_recommendation_files" in DAILY
    assert "send_recommendation_review_reminders" in DAILY
