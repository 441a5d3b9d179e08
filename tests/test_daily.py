import datetime
import io
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from fabriques.calls.models import Application, ApplicationStatus
from fabriques.calls.tests.factories import ApplicationFactory, CallFactory
from fabriques.core.management.commands import run_daily
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


def test_next_run_is_the_coming_hour_in_the_sites_time_zone():
    paris = datetime.time(3, 30)
    summer = datetime.datetime(2026, 6, 1, 1, 0, tzinfo=datetime.UTC)  # 03:00 in Paris
    assert run_daily.next_run(summer, paris).isoformat() == "2026-06-01T03:30:00+02:00"
    later = datetime.datetime(2026, 6, 1, 1, 30, tzinfo=datetime.UTC)  # 03:30: done already
    assert run_daily.next_run(later, paris).isoformat() == "2026-06-02T03:30:00+02:00"
    # The night clocks go forward: still 03:30 in Paris, one hour less to wait.
    spring = datetime.datetime(2026, 3, 28, 12, 0, tzinfo=datetime.UTC)
    assert run_daily.next_run(spring, paris).isoformat() == "2026-03-29T03:30:00+02:00"


def test_the_clock_process_runs_the_jobs_each_day_and_survives_a_failed_day(monkeypatch):
    """The Procfile's `clock`: run_daily --every-day-at, with a clock that sleeps instantly."""
    now = [datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)]
    slept: list[float] = []
    runs: list[str] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += datetime.timedelta(seconds=seconds)

    def run_jobs(command: object) -> None:
        runs.append(timezone.localtime(now[0]).isoformat())
        if len(runs) == 1:
            raise RuntimeError("the first day fails")
        if len(runs) == 3:
            raise SystemExit  # what a platform's SIGTERM would do, in effect

    monkeypatch.setattr(run_daily, "time", SimpleNamespace(sleep=sleep))
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    monkeypatch.setattr(run_daily.Command, "run_jobs", run_jobs)
    with pytest.raises(SystemExit):
        call_command("run_daily", every_day_at="03:30", stdout=io.StringIO())
    assert runs == [
        "2026-06-02T03:30:00+02:00",
        "2026-06-03T03:30:00+02:00",
        "2026-06-04T03:30:00+02:00",
    ]
    assert max(slept) <= run_daily.SLEEP_PIECE_SECONDS


def test_the_clock_refuses_an_hour_it_cannot_read():
    with pytest.raises(CommandError, match="HH:MM"):
        call_command("run_daily", every_day_at="3h30")
