"""The SMIC-Prob-Expert screens: the hypotheses with their simple probabilities and the
options, the two grids of conditional probabilities (a plain form, arrow keys and cell-by-cell
saving with JavaScript) and a run's scenario saved under a name."""

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
# Empty rows offered for new hypotheses (SMIC takes 10 at most).
NEW_ROWS = 5


def _smic_study(request: HttpRequest, pk: int) -> Study:
    study = access.get_study_for_user(request.user, pk, write=True)
    if study.method != Method.SMIC:
        raise Http404(_("Cette page est celle d’une étude SMIC-Prob-Expert."))
    return study


def _intervals_fields(intervals: Any) -> tuple[str, str]:
    if intervals in ("all", "none"):
        return str(intervals), ""
    return "top", str(intervals)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def hypotheses(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _smic_study(request, pk)
    names, p, _p_if, _p_if_not = services.smic_inputs(study)
    slots = max(0, min(NEW_ROWS, 10 - len(names)))
    rows: list[dict[str, Any]] = [
        {"key": str(i), "name": name, "p": services.format_decimal(p[i]), "remove": False}
        for i, name in enumerate(names)
    ]
    new_rows = [{"key": f"n{k}", "name": "", "p": ""} for k in range(slots)]
    interval_mode, interval_count = _intervals_fields(study.inputs.get("intervals", "all"))
    options = {
        "objective": study.inputs.get("objective", "linear"),
        "interval_mode": interval_mode,
        "interval_count": interval_count,
        "elasticities": bool(study.inputs.get("elasticities")),
    }
    errors: list[str] = []
    if request.method == "POST":
        post = request.POST
        rows = [
            {
                "key": str(i),
                "name": post.get(f"name-{i}", name),
                "p": post.get(f"p-{i}", ""),
                "remove": post.get(f"remove-{i}") == "on",
            }
            for i, name in enumerate(names)
        ]
        new_rows = [
            {"key": f"n{k}", "name": post.get(f"name-n{k}", ""), "p": post.get(f"p-n{k}", "")}
            for k in range(slots)
        ]
        options = {
            "objective": post.get("objective", "linear"),
            "interval_mode": post.get("interval_mode", "all"),
            "interval_count": post.get("interval_count", ""),
            "elasticities": post.get("elasticities") == "on",
        }
        version = posted_lock_version(request)
        if version is None:
            errors = [INCOMPLETE]
        else:
            mode = options["interval_mode"]
            try:
                services.smic_hypotheses_save(
                    study=study,
                    actor=request.user,
                    rows=[(i, r["name"], r["p"]) for i, r in enumerate(rows) if not r["remove"]]
                    + [(None, r["name"], r["p"]) for r in new_rows],
                    options={
                        "objective": options["objective"],
                        "intervals": options["interval_count"] if mode == "top" else mode,
                        "elasticities": "on" if options["elasticities"] else "",
                    },
                    expected_version=version,
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(request, _("Les hypothèses et les options sont enregistrées."))
                return redirect("studies:smic_hypotheses", pk=study.pk)
    return render(
        request,
        "studies/smic/hypotheses.html",
        study_context(
            study,
            rows=rows,
            new_rows=new_rows,
            options=options,
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def conditionals(request: AuthenticatedHttpRequest, pk: int, matrix: str) -> HttpResponse:
    study = _smic_study(request, pk)
    errors: list[str] = []
    posted = None
    url_name = "studies:smic_p_if" if matrix == "p_if" else "studies:smic_p_if_not"
    if request.method == "POST":
        names, *_rest = services.smic_inputs(study)
        n = len(names)
        posted = {(i, j): request.POST.get(f"c-{i}-{j}", "") for i in range(n) for j in range(n)}
        version = posted_lock_version(request)
        if version is None:
            errors = [INCOMPLETE]
        else:
            try:
                changed = services.smic_conditionals_save(
                    study=study,
                    actor=request.user,
                    matrix=matrix,
                    cells=posted,
                    expected_version=version,
                )
            except services.EditConflict:
                return grid_conflict(request, study, matrix, posted)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("Les probabilités sont enregistrées (%(count)s cellules modifiées).")
                    % {"count": changed},
                )
                return redirect(url_name, pk=study.pk)
    return render(
        request,
        "studies/smic/conditionals.html",
        study_context(
            study,
            matrix=matrix,
            grid=selectors.smic_grid(study, matrix, posted),
            other_url_name="studies:smic_p_if_not" if matrix == "p_if" else "studies:smic_p_if",
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def scenario_save(request: AuthenticatedHttpRequest, pk: int, run: int) -> HttpResponse:
    found = access.get_run_for_writer(request.user, pk, run)
    study = found.study
    if study.method != Method.SMIC:
        raise Http404(_("Cette page est celle d’une étude SMIC-Prob-Expert."))
    form = {
        "scenario": request.GET.get("scenario", ""),
        "name": "",
        "narrative": "",
    }
    errors: list[str] = []
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in form}
        try:
            scenario = services.smic_scenario_save(
                study=study,
                run=found,
                actor=request.user,
                bits=form["scenario"],
                name=form["name"],
                narrative=form["narrative"],
            )
        except services.InputErrors as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("Le scénario «\u00a0%(name)s\u00a0» est enregistré.") % {"name": scenario.name},
            )
            return redirect("studies:run_detail", pk=study.pk, run=found.pk)
    return render(
        request,
        "studies/smic/scenario.html",
        study_context(
            study,
            run=found,
            choices=selectors.smic_scenario_choices(found),
            saved=selectors.smic_saved_scenarios(study),
            form=form,
            errors=errors,
        ),
        status=400 if errors else 200,
    )


S = "espace/etudes/<int:pk>/smic/"
urlpatterns: list[URLPattern] = [
    path(S + "hypotheses/", hypotheses, name="smic_hypotheses"),
    path(S + "si/", conditionals, {"matrix": "p_if"}, name="smic_p_if"),
    path(S + "si-non/", conditionals, {"matrix": "p_if_not"}, name="smic_p_if_not"),
    path(S + "calculs/<int:run>/scenario/", scenario_save, name="smic_scenario"),
]
