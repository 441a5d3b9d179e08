"""Background tasks of the provider follow-up."""

from django.utils import timezone
from django_tasks import task

from .services import reminders_send


@task()
def send_deliverable_reminders() -> dict[str, int]:
    """The daily reminders (same as the management command), for a task scheduler."""
    counts = reminders_send(today=timezone.localdate())
    return {"before_due": counts.before_due, "overdue": counts.overdue}
