"""The public library's downloads: a published roadmap, a Fabrique's published
recommendations and its results booklet, as PDF, DOCX or ODT.

Only published content, ever: the roadmap must be published (roadmaps.access
.get_published_roadmap), the Fabrique public (programme.selectors.public_fabriques), and
the booklet and the recommendations document hold only published roadmaps and published
recommendations. The public roadmap leaves out the sheets' notes (the writers' log).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fabriques.documents.renderers import CONTENT_TYPES
from fabriques.documents.views import document_filename, document_response
from fabriques.programme.models import Fabrique
from fabriques.programme.selectors import public_fabriques
from fabriques.recommendations.documents import recommendations_document, results_booklet
from fabriques.roadmaps.access import get_published_roadmap
from fabriques.roadmaps.documents import roadmap_document, roadmap_for_document


def _public_fabrique(slug: str) -> Fabrique:
    fabrique = public_fabriques().filter(slug=slug).first()
    if fabrique is None:
        raise Http404(_("Cette Fabrique n’existe pas ou n’est pas publiée."))
    return fabrique


@require_safe
def roadmap_document_view(request: HttpRequest, pk: str, fmt: str) -> HttpResponse:
    roadmap = get_published_roadmap(int(pk))
    return document_response(
        request,
        key=f"public-roadmap:{roadmap.pk}",
        fmt=fmt,  # type: ignore[arg-type]
        document=roadmap_document(roadmap_for_document(roadmap.pk), public=True),
        filename=document_filename("feuille-de-route", roadmap.title, fmt=fmt),
        base_template="base.html",
        back_url=reverse("public:fabrique_detail", args=[roadmap.fabrique.slug]),
    )


@require_safe
def recommendations_document_view(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    fabrique = _public_fabrique(slug)
    return document_response(
        request,
        key=f"public-recommendations:{fabrique.slug}",
        fmt=fmt,  # type: ignore[arg-type]
        document=recommendations_document(fabrique, published_only=True),
        filename=document_filename("preconisations", fabrique.title, fmt=fmt),
        base_template="base.html",
        back_url=reverse("public:fabrique_detail", args=[fabrique.slug]),
    )


@require_safe
def booklet_view(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    fabrique = _public_fabrique(slug)
    return document_response(
        request,
        key=f"public-booklet:{fabrique.slug}",
        fmt=fmt,  # type: ignore[arg-type]
        document=results_booklet(fabrique, published_only=True),
        filename=document_filename("resultats", fabrique.title, fmt=fmt),
        base_template="base.html",
        back_url=reverse("public:fabrique_detail", args=[fabrique.slug]),
    )


FORMATS = "|".join(CONTENT_TYPES)
SLUG = r"[-a-zA-Z0-9_]+"
urlpatterns: list[URLPattern] = [
    re_path(
        rf"^bibliotheque/feuilles-de-route/(?P<pk>[0-9]+)/document\.(?P<fmt>{FORMATS})$",
        roadmap_document_view,
        name="roadmap_document",
    ),
    re_path(
        rf"^bibliotheque/fabriques/(?P<slug>{SLUG})/preconisations\.(?P<fmt>{FORMATS})$",
        recommendations_document_view,
        name="recommendations_document",
    ),
    re_path(
        rf"^bibliotheque/fabriques/(?P<slug>{SLUG})/resultats\.(?P<fmt>{FORMATS})$",
        booklet_view,
        name="booklet",
    ),
]
