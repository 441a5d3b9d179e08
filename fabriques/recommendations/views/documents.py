"""A Fabrique's recommendations document and results booklet in the workspace (PDF, DOCX,
ODT), for everyone who sees the Fabrique's recommendations (access.may_see_recommendations).

The booklet shows only the roadmaps the reader sees (roadmaps.access.visible_roadmaps_q): a
territory's referents do not read another territory's draft there either.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import URLPattern, re_path, reverse
from django.views.decorators.http import require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.documents.renderers import CONTENT_TYPES
from fabriques.documents.views import document_filename, document_response
from fabriques.programme.models import Fabrique
from fabriques.roadmaps.access import visible_roadmaps_q

from ..access import NOT_FOUND, may_see_recommendations
from ..documents import recommendations_document, results_booklet


def _fabrique(request: AuthenticatedHttpRequest, slug: str) -> Fabrique:
    fabrique = Fabrique.objects.filter(slug=slug).first()
    if fabrique is None or not may_see_recommendations(request.user, fabrique):
        raise Http404(NOT_FOUND)
    return fabrique


@require_safe
@login_required
def document(request: AuthenticatedHttpRequest, slug: str, fmt: str) -> HttpResponse:
    fabrique = _fabrique(request, slug)
    return document_response(
        request,
        key=f"recommendations:{fabrique.slug}",
        fmt=fmt,  # type: ignore[arg-type]
        document=recommendations_document(fabrique),
        filename=document_filename("preconisations", fabrique.title, fmt=fmt),
        base_template="workspace/base.html",
        back_url=reverse("programme:fabrique_detail", args=[fabrique.slug]),
    )


@require_safe
@login_required
def booklet(request: AuthenticatedHttpRequest, slug: str, fmt: str) -> HttpResponse:
    fabrique = _fabrique(request, slug)
    # The key names the reader: two readers who see different roadmaps get different books.
    return document_response(
        request,
        key=f"booklet:{fabrique.slug}:{request.user.pk}",
        fmt=fmt,  # type: ignore[arg-type]
        document=results_booklet(fabrique, roadmaps_q=visible_roadmaps_q(request.user)),
        filename=document_filename("resultats", fabrique.title, fmt=fmt),
        base_template="workspace/base.html",
        back_url=reverse("programme:fabrique_detail", args=[fabrique.slug]),
    )


FORMATS = "|".join(CONTENT_TYPES)
urlpatterns: list[URLPattern] = [
    re_path(
        rf"^espace/fabriques/(?P<slug>[-a-zA-Z0-9_]+)/preconisations/document\.(?P<fmt>{FORMATS})$",
        document,
        name="document",
    ),
    re_path(
        rf"^espace/fabriques/(?P<slug>[-a-zA-Z0-9_]+)/resultats\.(?P<fmt>{FORMATS})$",
        booklet,
        name="booklet",
    ),
]
