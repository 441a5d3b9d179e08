"""Background jobs of calls (django-tasks): the daily purge of expired applications."""

from django_tasks import task

from .services import applications_purge


@task()
def purge_applications() -> dict[str, int]:
    """Delete applications past the retention period; returns the counts for the task log."""
    report = applications_purge()
    return {"rejected": report.rejected, "drafts": report.drafts, "files": report.files}
