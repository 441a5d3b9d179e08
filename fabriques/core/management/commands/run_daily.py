"""The platform's daily jobs in one command: run once (a cron line, a platform's scheduler), or
kept running with --every-day-at (the Procfile's `clock` process)."""

import datetime
import logging
import time
from typing import Any

from django.core.management import BaseCommand, CommandError, CommandParser, call_command
from django.db import connections
from django.utils import timezone

logger = logging.getLogger(__name__)

DAILY = (
    # Reminders before and after deliverables' due dates (idempotent: each is sent once).
    "send_deliverable_reminders",
    # Reviews of published recommendations due at one and three years (each sent once).
    "send_recommendation_review_reminders",
    # Roadmaps' follow-ups one and three years after their Fabrique, and their reminders.
    "send_roadmap_follow_ups",
    # Applications not selected, past their retention period (APPLICATION_RETENTION_DAYS).
    "purge_applications",
    # Accounts unused for a year, as the privacy page promises.
    "purge_inactive_accounts",
    # Sign-in links expired or revoked for SIGN_IN_LINK_RETENTION_DAYS (30 days).
    "purge_sign_in_links",
    # Working-group members, WORKING_GROUP_RETENTION_DAYS after their Fabrique's publication.
    "purge_working_group_members",
    # Audit events past AUDIT_RETENTION_DAYS (five years).
    "purge_audit_events",
    # E-mails whose sending failed, tried again until EMAIL_RETENTION_DAYS.
    "send_pending_emails",
    # Outgoing e-mails (who, what, when; the bodies go once sent) past EMAIL_RETENTION_DAYS.
    "purge_emails",
    # The task worker's results past TASK_RESULT_RETENTION_DAYS.
    "purge_task_results",
    # Rendered PDF, DOCX and ODT files past DOCUMENT_RETENTION_DAYS (rendered again on demand).
    "purge_rendered_documents",
    # Stored uploads no row refers to (a request failed after writing its file), once
    # UPLOAD_ORPHAN_GRACE_HOURS old: deliberations, deliverables' versions, answer letters,
    # roadmaps' deliberations and attachments.
    "purge_orphan_deliberations",
    "purge_orphan_deliverable_files",
    "purge_orphan_recommendation_files",
    "purge_orphan_roadmap_files",
    # The open-data files, if a change of the public data has not been published yet (the
    # task queued after each write normally has).
    "publish_open_data",
    # Request-limit counters past their two windows (hashed keys; two hours at most).
    "purge_rate_limits",
)

# A long wait is slept in pieces and the clock read again after each: a machine suspended or
# a clock set back or forth moves the next run with it.
SLEEP_PIECE_SECONDS = 300


def next_run(now: datetime.datetime, at: datetime.time) -> datetime.datetime:
    """The first moment at `at` o'clock (the site's time zone) strictly after `now`."""
    local = timezone.localtime(now)
    day = local.date()
    candidate = timezone.make_aware(datetime.datetime.combine(day, at))
    if candidate <= local:
        candidate = timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), at)
        )
    return candidate


def parse_time(value: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--every-day-at attend une heure HH:MM, pas {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Lance les tâches quotidiennes : relances des livrables et purges prévues par la "
        "politique de données. Avec --every-day-at HH:MM, reste lancé et les lance chaque jour "
        "à cette heure (processus clock du Procfile)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every-day-at",
            metavar="HH:MM",
            help="Rester lancé et lancer les tâches chaque jour à cette heure (heure de Paris).",
        )

    def handle(self, *args: Any, every_day_at: str | None = None, **options: Any) -> None:
        if every_day_at is None:
            self.run_jobs()
            return
        at = parse_time(every_day_at)
        while True:
            due = next_run(timezone.now(), at)
            self.stdout.write(f"Prochain passage quotidien : {due.isoformat()}")
            while (left := (due - timezone.now()).total_seconds()) > 0:
                time.sleep(min(left, SLEEP_PIECE_SECONDS))
            # Connections of a process that slept a day are stale; each run opens its own.
            connections.close_all()
            try:
                self.run_jobs()
            except Exception:
                # One day's failure must not stop the following days: logged, tried again.
                logger.exception("The daily jobs failed; they run again tomorrow.")
            finally:
                connections.close_all()

    def run_jobs(self) -> None:
        for name in DAILY:
            self.stdout.write(f"— {name}")
            call_command(name, stdout=self.stdout, stderr=self.stderr)
