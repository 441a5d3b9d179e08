import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from fabriques.calls.models import Application, ApplicationStatus
from fabriques.calls.tests.factories import ApplicationFactory, CallFactory
from fabriques.core.models import AuditEvent
from fabriques.deliverables.tests.factories import DeliverableFactory
from fabriques.programme.tests.personas import build_personas


@pytest.mark.django_db
def test_run_daily_sends_reminders_and_purges(django_capture_on_commit_callbacks):
    cast = build_personas()
    overdue = DeliverableFactory(
        fabrique=cast.fabrique_a, due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    call = CallFactory(fabrique=cast.fabrique_b)
    old = timezone.now() - datetime.timedelta(days=400)
    ApplicationFactory(
        call=call, status=ApplicationStatus.REJECTED, submitted_at=old, decided_at=old
    )
    ancient = AuditEvent.objects.create(action="fabrique.transition")
    AuditEvent.objects.filter(pk=ancient.pk).update(created_at=old - datetime.timedelta(days=1500))
    recent = AuditEvent.objects.create(action="fabrique.transition")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_daily", stdout=out)
    assert "send_deliverable_reminders" in out.getvalue()
    assert not Application.objects.exists()
    assert not AuditEvent.objects.filter(pk=ancient.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.filter(action="audit.purged").exists()
    assert any(overdue.title in str(message.body) for message in mail.outbox)
