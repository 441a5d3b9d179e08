"""Background tasks of the roadmaps."""

from django.utils import timezone
from django_tasks import task

from .services.followup import follow_ups_open_due, follow_ups_remind


@task()
def send_roadmap_follow_ups() -> dict[str, int]:
    """The daily follow-up job (same as the management command), for a task scheduler."""
    today = timezone.localdate()
    opened = follow_ups_open_due(today=today)
    reminded = follow_ups_remind(today=today)
    return {"opened": len(opened), "reminded": len(reminded)}
