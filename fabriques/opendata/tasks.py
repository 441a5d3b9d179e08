"""The background build of the open-data files (no argument: it builds the current data)."""

from django_tasks import task

from .publishing import publish


@task()
def publish_open_data() -> int | None:
    """Build the current data version's files; returns that version, or None if up to date."""
    publication = publish()
    return publication.version if publication is not None else None
