"""The background rendering of a document (a row id only: no personal data in arguments)."""

from django_tasks import task

from .services import document_render


@task()
def render_document(pk: int) -> str:
    """Render the RenderedDocument `pk` from the tree it holds; returns its new status."""
    row = document_render(pk=pk)
    return row.status if row is not None else "gone"
