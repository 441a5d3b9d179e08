"""Writing a roadmap in the workspace (placeholder routes, replaced by the editing views)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path

from fabriques.programme.models import Fabrique

from ..access import get_roadmap_for_user


def fabrique_list(request: HttpRequest, slug: str) -> HttpResponse:
    fabrique = get_object_or_404(Fabrique, slug=slug)
    return HttpResponse(str(fabrique))


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk)
    return HttpResponse(roadmap.title)


urlpatterns: list[URLPattern] = [
    path("espace/fabriques/<slug:slug>/feuilles-de-route/", fabrique_list, name="fabrique_list"),
    path("espace/feuilles-de-route/<int:pk>/", detail, name="detail"),
]
