"""The Multipol screens: the actions and criteria, the notes grid (a plain form, arrow keys
and cell-by-cell saving with JavaScript) and the policies with their weights."""

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

INCOMPLETE = _("Le formulaire est incomplet\u00a0: rechargez la page.")
# Empty rows offered for new policies.
NEW_POLICIES = 3


def _multipol_study(request: HttpRequest, pk: int) -> Study:
    study = access.get_study_for_user(request.user, pk, write=True)
    if study.method != Method.MULTIPOL:
        raise Http404(_("Cette page est celle d’une étude Multipol."))
    return study


def _names(post: Any, prefix: str, names: list[str]) -> tuple[list[dict[str, Any]], str]:
    rows = [
        {
            "position": i,
            "name": post.get(f"{prefix}-{i}", name),
            "remove": post.get(f"{prefix}-remove-{i}") == "on",
        }
        for i, name in enumerate(names)
    ]
    return rows, post.get(f"{prefix}-new", "")


def _kept(rows: list[dict[str, Any]], added: str) -> list[tuple[int | None, str]]:
    return [(r["position"], r["name"]) for r in rows if not r["remove"]] + [
        (None, line) for line in added.splitlines() if line.strip()
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def lists(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _multipol_study(request, pk)
    actions, criteria, _scores, _policies = services.multipol_inputs(study)
    errors: list[str] = []
    action_rows, action_new = _names({}, "action", actions)
    criterion_rows, criterion_new = _names({}, "criterion", criteria)
    if request.method == "POST":
        action_rows, action_new = _names(request.POST, "action", actions)
        criterion_rows, criterion_new = _names(request.POST, "criterion", criteria)
        version = posted_lock_version(request)
        if version is None:
            errors = [INCOMPLETE]
        else:
            try:
                services.multipol_lists_save(
                    study=study,
                    actor=request.user,
                    actions=_kept(action_rows, action_new),
                    criteria=_kept(criterion_rows, criterion_new),
                    expected_version=version,
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(request, _("Les actions et les critères sont enregistrés."))
                return redirect("studies:multipol_lists", pk=study.pk)
    return render(
        request,
        "studies/multipol/lists.html",
        study_context(
            study,
            lists=[
                {
                    "prefix": "action",
                    "legend": _("Actions évaluées"),
                    "item": _("Action"),
                    "remove": _("Retirer l’action"),
                    "add": _("Ajouter des actions"),
                    "rows": action_rows,
                    "new": action_new,
                },
                {
                    "prefix": "criterion",
                    "legend": _("Critères d’évaluation"),
                    "item": _("Critère"),
                    "remove": _("Retirer le critère"),
                    "add": _("Ajouter des critères"),
                    "rows": criterion_rows,
                    "new": criterion_new,
                },
            ],
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def scores(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _multipol_study(request, pk)
    errors: list[str] = []
    posted = None
    if request.method == "POST":
        actions, criteria, _scores, _policies = services.multipol_inputs(study)
        posted = {
            (i, j): request.POST.get(f"c-{i}-{j}", "")
            for i in range(len(actions))
            for j in range(len(criteria))
        }
        version = posted_lock_version(request)
        if version is None:
            errors = [INCOMPLETE]
        else:
            try:
                changed = services.multipol_scores_save(
                    study=study, actor=request.user, cells=posted, expected_version=version
                )
            except services.EditConflict:
                return grid_conflict(request, study, "scores", posted)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("Les notes sont enregistrées (%(count)s cellules modifiées).")
                    % {"count": changed},
                )
                return redirect("studies:multipol_scores", pk=study.pk)
    return render(
        request,
        "studies/multipol/scores.html",
        study_context(
            study,
            grid=selectors.multipol_grid(study, posted),
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def policies(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _multipol_study(request, pk)
    _actions, criteria, _scores, stored = services.multipol_inputs(study)
    count = len(stored) + NEW_POLICIES
    rows: list[dict[str, Any]] = [
        {
            "index": k,
            "name": policy["name"],
            "weights": [services.format_decimal(w) for w in policy["weights"]],
            "probability": services.format_decimal(policy.get("probability")),
        }
        for k, policy in enumerate(stored)
    ] + [
        {"index": k, "name": "", "weights": [""] * len(criteria), "probability": ""}
        for k in range(len(stored), count)
    ]
    sensitivity = services.format_decimal(study.inputs.get("sensitivity"))
    errors: list[str] = []
    if request.method == "POST":
        post = request.POST
        rows = [
            {
                "index": k,
                "name": post.get(f"name-{k}", ""),
                "weights": [post.get(f"w-{k}-{j}", "") for j in range(len(criteria))],
                "probability": post.get(f"prob-{k}", ""),
                "remove": post.get(f"remove-{k}") == "on",
            }
            for k in range(count)
        ]
        sensitivity = post.get("sensitivity", "")
        version = posted_lock_version(request)
        if version is None:
            errors = [INCOMPLETE]
        else:
            try:
                services.multipol_policies_save(
                    study=study,
                    actor=request.user,
                    rows=[
                        (r["name"], r["weights"], r["probability"]) for r in rows if not r["remove"]
                    ],
                    sensitivity=sensitivity,
                    expected_version=version,
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(request, _("Les politiques sont enregistrées."))
                return redirect("studies:multipol_policies", pk=study.pk)
    for row in rows:
        row["cells"] = list(zip(criteria, row["weights"], strict=True))
    return render(
        request,
        "studies/multipol/policies.html",
        study_context(
            study,
            criteria=criteria,
            rows=rows,
            stored_count=len(stored),
            sensitivity=sensitivity,
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


S = "espace/etudes/<int:pk>/multipol/"
urlpatterns: list[URLPattern] = [
    path(S + "actions-criteres/", lists, name="multipol_lists"),
    path(S + "notes/", scores, name="multipol_scores"),
    path(S + "politiques/", policies, name="multipol_policies"),
]
