"""E-mails go through the real task queue: stored in the database, sent by the worker."""

import json
import re
from typing import cast
from unittest.mock import ANY

import pytest
from django.apps import apps
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fabriques.accounts.services import (
    user_data_export,
    user_erase,
    user_invite,
    user_invite_with_link,
)
from fabriques.accounts.tests.factories import UserFactory
from fabriques.core.emails import email_queue
from fabriques.core.models import OutgoingEmail

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
    html, mimetype = cast(EmailMultiAlternatives, message).alternatives[0]
    assert isinstance(html, str)  # the alternative's content is typed str, bytes or a message
    assert mimetype == "text/html" and "/compte/invitation/" in html


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_sends_nothing(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        user_invite(email="personne@exemple.fr")
        raise RuntimeError("the service's transaction fails after the e-mail was rendered")
    assert not DBTaskResult.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert mail.outbox == []


# --- No secret outlives the sending -------------------------------------------------------


def _rows_holding(secret: str) -> dict[str, int]:
    """How many rows of each table hold `secret` anywhere, once serialised."""
    found = {}
    for model in apps.get_models():
        rows = [json.dumps(row, default=str) for row in model._default_manager.values()]
        count = sum(secret in row for row in rows)
        if count:
            found[model._meta.label] = count
    return found


def _task_rows_holding(secret: str) -> int:
    return sum(
        secret in json.dumps([r.args_kwargs, r.return_value, r.traceback], default=str)
        for r in DBTaskResult.objects.all()
    )


@pytest.mark.django_db(transaction=True)
def test_invitation_and_reset_links_are_not_kept_once_sent(database_queue, client):
    _user, invitation_link = user_invite_with_link(email="pilote@anct.gouv.fr")
    UserFactory.create(username="agent@commune.fr")
    client.post(reverse("accounts:password_reset"), {"email": "agent@commune.fr"})
    assert invitation_link is not None
    invitation_token = invitation_link.rstrip("/").rsplit("/", 1)[1]
    # The task table only carries ids, even while the messages wait for the worker.
    assert DBTaskResult.objects.count() == 2
    for result in DBTaskResult.objects.all():
        assert result.args_kwargs == {"args": [], "kwargs": {"email_id": ANY}}
    assert _task_rows_holding(invitation_token) == 0

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    reset, invitation = sorted(mail.outbox, key=lambda m: m.to)
    assert invitation_link in invitation.body
    reset_url = re.search(r"https?://\S+/compte/mot-de-passe/\S+", str(reset.body))
    assert reset_url is not None
    reset_token = reset_url.group(0).rstrip("/").rsplit("/", 1)[1]
    for secret in (invitation_token, invitation_link, reset_token, reset_url.group(0)):
        assert _task_rows_holding(secret) == 0
        assert _rows_holding(secret) == {}
    # Who was written to, about what and when stays a while; the bodies are gone.
    sent = OutgoingEmail.objects.order_by("to")
    assert [(m.to, m.text, m.html, m.sent_at is not None) for m in sent] == [
        (["agent@commune.fr"], "", "", True),
        (["pilote@anct.gouv.fr"], "", "", True),
    ]


@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_trace_in_the_task_table_and_outgoing_mail(database_queue):
    user = user_invite(email="Elue@Commune.fr", first_name="Élise")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    email_queue(to=["elue@commune.fr"], subject="Relance", template="accounts/emails/signup")
    # A task result written before e-mails left the task table, and a refused address.
    DBTaskResult.objects.create(
        task_path="fabriques.core.emails.send_email",
        args_kwargs={"args": [], "kwargs": {"to": ["elue@commune.fr"], "text": "Bonjour Élise"}},
        backend_name="default",
        run_after=timezone.now(),
        status="SUCCESSFUL",
    )
    DBTaskResult.objects.create(
        task_path="fabriques.core.emails.send_email",
        args_kwargs={"args": [], "kwargs": {"email_id": 1}},
        backend_name="default",
        run_after=timezone.now(),
        status="FAILED",
        traceback="SMTPRecipientsRefused: {'elue@commune.fr': (550, b'unknown')}",
    )
    exported = user_data_export(user=user)["sources"]
    assert [row["objet"] for row in exported["core.outgoing_emails"]["rows"]] == [
        "Fabriques Prospectives : votre invitation",
        "Relance",
    ]
    assert len(exported["core.task_results"]["rows"]) == 2

    counts = user_erase(user=user, actor=user)

    assert counts["core.outgoing_emails"] == 2
    assert counts["core.task_results"] == 2
    assert _rows_holding("elue@commune.fr") == {}
    assert _rows_holding("Élise") == {}
