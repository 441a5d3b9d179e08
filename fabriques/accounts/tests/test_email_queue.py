"""E-mails go through the real task queue: stored in the database, sent by the worker."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from fabriques.accounts.services import user_invite

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue():
    # django-tasks rebuilds its backends when TASKS changes (setting_changed receiver).
    with override_settings(TASKS=DATABASE_TASKS):
        yield


@pytest.mark.django_db(transaction=True)
def test_an_invitation_is_queued_after_commit_and_sent_by_the_worker(database_queue):
    with transaction.atomic():
        user_invite(email="Elue@Commune.fr", first_name="Élise")
        # Nothing leaves before the transaction commits.
        assert not DBTaskResult.objects.exists()
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["elue@commune.fr"]
    assert "invitation" in message.subject
    assert "/compte/invitation/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "/compte/invitation/" in html


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_sends_nothing(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        user_invite(email="personne@exemple.fr")
        raise RuntimeError("the service's transaction fails after the e-mail was rendered")
    assert not DBTaskResult.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert mail.outbox == []
