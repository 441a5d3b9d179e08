"""The roadmap's lifecycle pages: its steps and moves, its frozen versions and their
differences. Each view: access function, one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from fabriques.core.forms import add_service_errors

from ..access import get_roadmap_for_user
from ..forms.lifecycle import FORMS
from ..models import Roadmap, RoadmapVersion
from ..selectors import lifecycle as selectors
from ..services import lifecycle as services

DONE = {
    "submit": gettext_lazy("La feuille de route est soumise au pilote pour relecture."),
    "review": gettext_lazy(
        "Votre relecture est enregistrée ; les référents et le prestataire sont prévenus."
    ),
    "return": gettext_lazy(
        "La feuille de route est renvoyée à reprendre ; ses rédacteurs sont prévenus."
    ),
    "validate": gettext_lazy("La validation par le comité de pilotage local est enregistrée."),
    "adopt": gettext_lazy(
        "La délibération est enregistrée ; la feuille de route adoptée est figée en version."
    ),
    "publish": gettext_lazy("La feuille de route est publiée."),
    "unpublish": gettext_lazy("La feuille de route est retirée de la bibliothèque publique."),
}


def _render(
    request: HttpRequest, roadmap: Roadmap, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    panel = selectors.lifecycle_panel(roadmap=roadmap, user=request.user)
    forms = {
        option.name: (bound or {}).get(option.name) or FORMS[option.name]()
        for option in panel.actions
        if option.allowed
    }
    return render(
        request,
        "roadmaps/lifecycle/lifecycle.html",
        {
            "workspace_nav": "fabriques",
            "roadmap": roadmap,
            "fabrique": roadmap.fabrique,
            "panel": panel,
            "forms": forms,
        },
        status=status,
    )


@require_safe
@login_required
def lifecycle(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk)
    return _render(request, roadmap)


def _run(name: str, roadmap: Roadmap, user: Any, data: dict[str, Any]) -> None:
    if name == "submit":
        services.roadmap_submit(roadmap=roadmap, actor=user, note=data["note"])
    elif name in ("review", "return"):
        services.roadmap_review(
            roadmap=roadmap, actor=user, comment=data["comment"], accept=name == "review"
        )
    elif name == "validate":
        services.roadmap_validate(
            roadmap=roadmap, actor=user, committee_date=data["committee_date"]
        )
    elif name == "adopt":
        services.roadmap_adopt(
            roadmap=roadmap,
            actor=user,
            body=data["deliberation_body"],
            date=data["deliberation_date"],
            number=data["deliberation_number"],
            file=data["deliberation_file"],
        )
    elif name == "publish":
        services.roadmap_publish(roadmap=roadmap, actor=user)
    else:
        services.roadmap_unpublish(roadmap=roadmap, actor=user, reason=data["reason"])


@require_POST
@login_required
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk)
    move = services.TRANSITIONS.get(action)
    if move is None:
        raise Http404(_("Cette action n’existe pas."))
    if not move.may(request.user, roadmap):
        raise PermissionDenied(_("Vous ne pouvez pas faire avancer cette feuille de route ainsi."))
    form = FORMS[action](request.POST, request.FILES)
    if form.is_valid():
        try:
            _run(action, roadmap, request.user, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, DONE[action])
            return redirect("roadmaps:lifecycle", pk=roadmap.pk)
    roadmap.refresh_from_db()
    return _render(request, roadmap, {action: form}, status=400)


@require_safe
@login_required
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk)
    return render(
        request,
        "roadmaps/lifecycle/versions.html",
        {
            "workspace_nav": "fabriques",
            "roadmap": roadmap,
            "fabrique": roadmap.fabrique,
            "versions": selectors.roadmap_versions(roadmap),
        },
    )


def _version(roadmap: Roadmap, number: Any) -> RoadmapVersion:
    version = RoadmapVersion.objects.filter(roadmap=roadmap, number=number).first()
    if version is None:
        raise Http404(_("Cette version n’existe pas."))
    return version


@require_safe
@login_required
def version_diff(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Version `number` against the current state, or against version ?avec=<n>."""
    roadmap = get_roadmap_for_user(request.user, pk)
    old = _version(roadmap, number)
    other = request.GET.get("avec", "")
    if other:
        if not other.isdigit():
            raise Http404(_("Cette version n’existe pas."))
        new_version: RoadmapVersion | None = _version(roadmap, int(other))
        new = new_version.snapshot  # type: ignore[union-attr]
    else:
        new_version = None
        new = selectors.roadmap_snapshot(roadmap)
    return render(
        request,
        "roadmaps/lifecycle/diff.html",
        {
            "workspace_nav": "fabriques",
            "roadmap": roadmap,
            "fabrique": roadmap.fabrique,
            "old": old,
            "new_version": new_version,
            "diff": selectors.snapshot_diff(old.snapshot, new),
        },
    )


urlpatterns: list[URLPattern] = [
    path("espace/feuilles-de-route/<int:pk>/etapes/", lifecycle, name="lifecycle"),
    path(
        "espace/feuilles-de-route/<int:pk>/etapes/<slug:action>/",
        transition,
        name="transition",
    ),
    path("espace/feuilles-de-route/<int:pk>/versions/", versions, name="versions"),
    path(
        "espace/feuilles-de-route/<int:pk>/versions/<int:number>/differences/",
        version_diff,
        name="version_diff",
    ),
]
