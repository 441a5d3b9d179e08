"""Reminders before and after due dates: who gets them, what they say, and only once."""

import datetime
import io

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.utils import timezone

from fabriques.core.models import AuditEvent
from fabriques.deliverables.models import DeliverableStatus, ReminderSent
from fabriques.deliverables.services import reminders_send
from fabriques.deliverables.tasks import send_deliverable_reminders
from fabriques.programme.models import FabriqueStatus

from .factories import DeliverableFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def _send(capture, today=TODAY):
    with capture(execute=True):
        return reminders_send(today=today)


def _deliverable(cast, due_on, **kwargs):
    return DeliverableFactory(
        fabrique=cast.fabrique_a,
        participation=cast.participation_a,
        title="Feuille de route",
        due_on=due_on,
        **kwargs,
    )


def test_reminder_before_due_goes_to_the_provider_with_a_copy_to_pilots(
    cast, django_capture_on_commit_callbacks
):
    deliverable = _deliverable(cast, TODAY + datetime.timedelta(days=7))
    counts = _send(django_capture_on_commit_callbacks)
    assert (counts.before_due, counts.overdue) == (1, 0)
    assert [m.to for m in mail.outbox] == [[cast.provider_a.email], [cast.pilot_a.email]]
    to_provider, copy = mail.outbox
    assert to_provider.subject.startswith(
        "[Fabriques] Rappel\u00a0: livrable attendu le 22/06/2026"
    )
    assert "est attendu dans 7 jours, le 22 juin 2026" in to_provider.body
    assert f"/espace/livrables/{deliverable.pk}/" in to_provider.body
    assert isinstance(to_provider, EmailMultiAlternatives)
    html, _mimetype = to_provider.alternatives[0]
    assert isinstance(html, str)
    assert "Déposer le livrable" in html
    assert copy.subject.startswith("[Copie]")
    assert "en copie, en tant que pilote de la Fabrique" in copy.body
    assert ReminderSent.objects.get().kind == "before_due"


def test_running_twice_sends_once(cast, django_capture_on_commit_callbacks):
    _deliverable(cast, TODAY + datetime.timedelta(days=3))
    assert _send(django_capture_on_commit_callbacks).total == 1
    assert _send(django_capture_on_commit_callbacks).total == 0
    events = AuditEvent.objects.filter(action="deliverable.reminders_sent")
    assert [e.data["reminders"][0]["kind"] for e in events] == ["before_due"]  # one run wrote
    # Later days within the same window send nothing more either.
    assert _send(django_capture_on_commit_callbacks, TODAY + datetime.timedelta(days=2)).total == 0
    assert len(mail.outbox) == 2  # the provider's and the pilots' copy, once


def test_nothing_too_early(cast, django_capture_on_commit_callbacks):
    _deliverable(cast, TODAY + datetime.timedelta(days=8))
    assert _send(django_capture_on_commit_callbacks).total == 0
    assert mail.outbox == []


def test_overdue_reminders_after_one_and_seven_days(cast, django_capture_on_commit_callbacks):
    due = TODAY - datetime.timedelta(days=1)
    _deliverable(cast, due, status=DeliverableStatus.CHANGES_REQUESTED)
    assert _send(django_capture_on_commit_callbacks).overdue == 1
    body = mail.outbox[0].body
    assert "était attendu le 14 juin 2026\u00a0: il a 1 jour de retard." in body
    assert "Des modifications ont été demandées sur la dernière version déposée" in body
    assert mail.outbox[0].subject.startswith("[Fabriques] Livrable en retard depuis le 14/06/2026")
    mail.outbox.clear()
    for days in range(2, 7):
        assert (
            _send(django_capture_on_commit_callbacks, due + datetime.timedelta(days=days)).total
            == 0
        )
    assert _send(django_capture_on_commit_callbacks, due + datetime.timedelta(days=7)).overdue == 1
    assert "il a 7 jours de retard" in mail.outbox[0].body
    assert _send(django_capture_on_commit_callbacks, due + datetime.timedelta(days=30)).total == 0
    assert sorted(ReminderSent.objects.values_list("kind", flat=True)) == [
        "overdue_1",
        "overdue_7",
    ]


def test_a_late_first_run_sends_only_the_latest_reminder(cast, django_capture_on_commit_callbacks):
    _deliverable(cast, TODAY - datetime.timedelta(days=10))
    assert _send(django_capture_on_commit_callbacks).overdue == 1
    assert list(ReminderSent.objects.values_list("kind", flat=True)) == ["overdue_7"]
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("status", [DeliverableStatus.ACCEPTED, DeliverableStatus.SUBMITTED])
def test_nothing_for_accepted_or_submitted(cast, django_capture_on_commit_callbacks, status):
    _deliverable(cast, TODAY - datetime.timedelta(days=1), status=status)
    DeliverableFactory(fabrique=cast.fabrique_a, title="Synthèse", due_on=TODAY, status=status)
    assert _send(django_capture_on_commit_callbacks).total == 0
    assert mail.outbox == []


def test_nothing_for_fabriques_not_at_work(cast, django_capture_on_commit_callbacks):
    cast.fabrique_a.status = FabriqueStatus.PUBLISHED
    cast.fabrique_a.save()
    _deliverable(cast, TODAY - datetime.timedelta(days=1))
    assert _send(django_capture_on_commit_callbacks).total == 0


def test_provider_of_another_fabrique_is_not_reminded(cast, django_capture_on_commit_callbacks):
    DeliverableFactory(fabrique=cast.fabrique_b, title="Synthèse", due_on=TODAY)
    _send(django_capture_on_commit_callbacks)
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {cast.provider_b.email, cast.pilot_b.email}
    assert "est attendu aujourd’hui" in mail.outbox[0].body


def test_pilots_are_told_when_the_provider_has_no_account(cast, django_capture_on_commit_callbacks):
    cast.provider_a.memberships.all().delete()
    _deliverable(cast, TODAY - datetime.timedelta(days=1))
    _send(django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[cast.pilot_a.email]]
    assert "Aucun consultant du prestataire n’a de compte" in mail.outbox[0].body


def test_management_command(cast, django_capture_on_commit_callbacks):
    _deliverable(cast, TODAY + datetime.timedelta(days=1))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_deliverable_reminders", "--date", "2026-06-15", stdout=out)
    assert "1 rappel(s) avant échéance, 0 relance(s) de retard" in out.getvalue()
    assert len(mail.outbox) == 2
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("send_deliverable_reminders", "--date", "15/06/2026")


def test_task_wrapper_uses_today(cast, django_capture_on_commit_callbacks):
    _deliverable(cast, timezone.localdate() - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = send_deliverable_reminders.enqueue()
    assert result.return_value == {"before_due": 0, "overdue": 1}
    assert len(mail.outbox) == 2
