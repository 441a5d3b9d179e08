"""Outgoing e-mails: the task carries an id, a failed send is kept for a retry, all is purged."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fabriques.core.emails import outgoing_emails_purge, outgoing_emails_retry, send_email
from fabriques.core.management.commands.run_daily import DAILY
from fabriques.core.models import OutgoingEmail
from fabriques.core.services import task_results_purge

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def _outgoing(**values) -> OutgoingEmail:
    values = {
        "to": ["a@exemple.fr"],
        "subject": "Objet",
        "text": "lien",
        "html": "<p>lien</p>",
    } | values
    return OutgoingEmail.objects.create(**values)


def _work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_keeps_the_message_and_the_retry_sends_it_once(database_queue, monkeypatch):
    outgoing = _outgoing()
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send",
        lambda self, fail_silently=False: (_ for _ in ()).throw(OSError("SMTP down")),
    )
    send_email.enqueue(email_id=outgoing.pk)
    _work()

    assert DBTaskResult.objects.get().status == "FAILED"
    outgoing.refresh_from_db()
    assert (outgoing.text, outgoing.sent_at) == ("lien", None)

    monkeypatch.undo()
    later = timezone.now() + datetime.timedelta(hours=2)
    # Twice: a retry racing another finds the message sent and sends nothing.
    assert outgoing_emails_retry(now=later) == 1
    assert outgoing_emails_retry(now=later) == 1
    _work()

    assert len(mail.outbox) == 1 and mail.outbox[0].body == "lien"
    outgoing.refresh_from_db()
    assert (outgoing.text, outgoing.html) == ("", "") and outgoing.sent_at is not None
    assert outgoing_emails_retry(now=later) == 0


@pytest.mark.django_db
def test_old_messages_and_task_results_are_purged():
    now = timezone.now()
    old, recent = _outgoing(), _outgoing()
    OutgoingEmail.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=31))
    task = {"args_kwargs": {}, "backend_name": "default", "run_after": now}
    finished_long_ago = DBTaskResult.objects.create(
        status="SUCCESSFUL", finished_at=now - datetime.timedelta(days=8), **task
    )
    failed_long_ago = DBTaskResult.objects.create(
        status="FAILED", finished_at=now - datetime.timedelta(days=8), **task
    )
    finished_yesterday = DBTaskResult.objects.create(
        status="SUCCESSFUL", finished_at=now - datetime.timedelta(days=1), **task
    )
    waiting = DBTaskResult.objects.create(status="READY", **task)

    assert outgoing_emails_purge(days=30) == 1
    assert task_results_purge(days=7) == 2

    assert list(OutgoingEmail.objects.all()) == [recent]
    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert remaining == {finished_yesterday.pk, waiting.pk}
    assert not {finished_long_ago.pk, failed_long_ago.pk} & remaining


def test_the_daily_run_purges_and_retries_emails_and_task_results():
    assert {"send_pending_emails", "purge_emails", "purge_task_results"} <= set(DAILY)


@pytest.mark.django_db
def test_the_admin_has_no_task_result_page(admin_client):
    assert not admin.site.is_registered(DBTaskResult)
    with pytest.raises(NoReverseMatch):
        reverse("admin:django_tasks_database_dbtaskresult_changelist")
    assert "dbtaskresult" not in admin_client.get(reverse("admin:index")).content.decode()
    # Outgoing messages hold links until sent: not in the admin either.
    assert not admin.site.is_registered(OutgoingEmail)


@pytest.mark.django_db
def test_the_migration_takes_queued_bodies_out_of_the_task_table():
    migration = importlib.import_module(
        "fabriques.core.migrations.0004_move_queued_emails_out_of_task_table"
    )
    legacy = {
        "to": ["a@exemple.fr"],
        "subject": "Invitation",
        "text": "lien",
        "html": "<p>lien</p>",
    }
    task = {
        "task_path": migration.TASK_PATH,
        "backend_name": "default",
        "run_after": timezone.now(),
    }
    waiting = DBTaskResult.objects.create(
        status="READY", args_kwargs={"args": [], "kwargs": legacy}, **task
    )
    sent = DBTaskResult.objects.create(
        status="SUCCESSFUL", args_kwargs={"args": [], "kwargs": legacy}, **task
    )

    migration.forwards(apps, None)

    outgoing = OutgoingEmail.objects.get()
    assert (outgoing.to, outgoing.subject, outgoing.text) == (
        ["a@exemple.fr"],
        "Invitation",
        "lien",
    )
    waiting.refresh_from_db()
    sent.refresh_from_db()
    assert waiting.args_kwargs == {"args": [], "kwargs": {"email_id": outgoing.pk}}
    assert sent.args_kwargs == {"args": [], "kwargs": {}}
