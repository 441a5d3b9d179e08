"""The MICMAC screens: the variables, the matrix grid (a plain form, arrow keys with
JavaScript) and the presentation mode for the projector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fabriques.accounts.types import AuthenticatedHttpRequest

from .. import access, selectors, services
from ..models import Method, Study
from ._common import conflict_redirect, grid_conflict, posted_lock_version, study_context


def _micmac_study(request: HttpRequest, pk: int) -> Study:
    study = access.get_study_for_user(request.user, pk, write=True)
    if study.method != Method.MICMAC:
        raise Http404(_("Cette page est celle de l’analyse structurelle."))
    return study


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def variables(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _micmac_study(request, pk)
    names, _matrix = services.micmac_inputs(study)
    errors: list[str] = []
    rows: list[dict[str, Any]] = [
        {"position": i, "name": name, "remove": False} for i, name in enumerate(names)
    ]
    added = ""
    if request.method == "POST":
        rows = [
            {
                "position": i,
                "name": request.POST.get(f"name-{i}", name),
                "remove": request.POST.get(f"remove-{i}") == "on",
            }
            for i, name in enumerate(names)
        ]
        added = request.POST.get("new", "")
        version = posted_lock_version(request)
        if version is None:
            errors = [_("Le formulaire est incomplet\u00a0: rechargez la page.")]
        else:
            try:
                services.micmac_variables_save(
                    study=study,
                    actor=request.user,
                    kept=[(r["position"], r["name"]) for r in rows if not r["remove"]],
                    added=[line for line in added.splitlines() if line.strip()],
                    expected_version=version,
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(request, _("Les variables sont enregistrées."))
                return redirect("studies:variables", pk=study.pk)
    return render(
        request,
        "studies/variables.html",
        study_context(
            study,
            rows=rows,
            added=added,
            errors=errors,
            lock_version=study.lock_version,
            status=400 if errors else 200,
        ),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def matrix(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _micmac_study(request, pk)
    errors: list[str] = []
    posted = None
    if request.method == "POST":
        names, _matrix = services.micmac_inputs(study)
        n = len(names)
        posted = {(i, j): request.POST.get(f"c-{i}-{j}", "") for i in range(n) for j in range(n)}
        version = posted_lock_version(request)
        if version is None:
            errors = [_("Le formulaire est incomplet\u00a0: rechargez la page.")]
        else:
            try:
                changed = services.micmac_matrix_save(
                    study=study, actor=request.user, cells=posted, expected_version=version
                )
            except services.EditConflict:
                return grid_conflict(request, study, "matrix", posted)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("La matrice est enregistrée (%(count)s cellules modifiées).")
                    % {"count": changed},
                )
                return redirect("studies:matrix", pk=study.pk)
    return render(
        request,
        "studies/matrix.html",
        study_context(
            study,
            grid=selectors.micmac_grid(study, posted),
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


S = "espace/etudes/<int:pk>/"
urlpatterns: list[URLPattern] = [
    path(S + "variables/", variables, name="variables"),
    path(S + "matrice/", matrix, name="matrix"),
]
