"""The platform's daily jobs in one command, for one cron line or scheduler entry."""

from typing import Any

from django.core.management import BaseCommand, call_command

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


class Command(BaseCommand):
    help = "Lance les tâches quotidiennes : relances des livrables et purges prévues par la politique de données."

    def handle(self, *args: Any, **options: Any) -> None:
        for name in DAILY:
            self.stdout.write(f"— {name}")
            call_command(name, stdout=self.stdout, stderr=self.stderr)
