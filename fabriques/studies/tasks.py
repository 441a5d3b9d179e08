"""Background tasks of the foresight studio (ids only in arguments: no personal data)."""

from django_tasks import task

from .services import cib_run_queued_execute


@task()
def cib_run_queued(pk: int) -> str:
    """Compute the queued CIB run `pk` and save it; returns its final status."""
    queued = cib_run_queued_execute(pk=pk)
    return queued.status if queued is not None else "gone"
