"""The morphological analysis screens: the components and their hypotheses, the exclusions,
and the live screen where the group picks one hypothesis per component (a plain GET form;
with JavaScript, `morpho.js` asks for the answer's fragment at each click, as htmx would,
with the `HX-Request` header) and saves a consistent configuration as a named scenario."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest

from .. import access, selectors, services
from ..models import Method, Scenario, Study
from ._common import conflict_redirect, posted_lock_version, study_context

INCOMPLETE = _("Le formulaire est incomplet\u00a0: rechargez la page.")


def _morpho_study(request: HttpRequest, pk: int, *, write: bool = True) -> Study:
    study = access.get_study_for_user(request.user, pk, write=write)
    if study.method != Method.MORPHO:
        raise Http404(_("Cette page est celle de l’analyse morphologique."))
    return study


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# Components and hypotheses -------------------------------------------------------------------


def _component_rows(study: Study, data: Any = None) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The form's rows: each component with its hypotheses, as stored or as posted."""
    rows = []
    for i, comp in enumerate(services.morpho_components(study)):
        prefix = f"comp-{i}"
        get = (
            (lambda name, default: data.get(name, default))
            if data is not None
            else (lambda name, default: default)
        )
        rows.append(
            {
                "position": i,
                "prefix": prefix,
                "name": get(f"{prefix}-name", comp.name),
                "remove": data is not None and data.get(f"{prefix}-remove") == "on",
                "added": get(f"{prefix}-new", ""),
                "hypotheses": [
                    {
                        "position": j,
                        "field": f"{prefix}-h-{j}",
                        "name": get(f"{prefix}-h-{j}", hyp),
                        "remove": data is not None and data.get(f"{prefix}-h-{j}-remove") == "on",
                    }
                    for j, hyp in enumerate(comp.hypotheses)
                ],
            }
        )
    new = {
        "name": data.get("new-name", "") if data is not None else "",
        "hypotheses": data.get("new-hypotheses", "") if data is not None else "",
    }
    return rows, new


def _edits(rows: list[dict[str, Any]], new: dict[str, str]) -> list[services.ComponentEdit]:
    edits = [
        services.ComponentEdit(
            row["position"],
            row["name"],
            [(h["position"], h["name"]) for h in row["hypotheses"] if not h["remove"]]
            + [(None, line) for line in _lines(row["added"])],
        )
        for row in rows
        if not row["remove"]
    ]
    if new["name"].strip() or new["hypotheses"].strip():
        edits.append(
            services.ComponentEdit(
                None, new["name"], [(None, line) for line in _lines(new["hypotheses"])]
            )
        )
    return edits


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def components(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _morpho_study(request, pk)
    errors: list[str] = []
    rows, new = _component_rows(study)
    if request.method == "POST":
        rows, new = _component_rows(study, request.POST)
        version = posted_lock_version(request)
        if version is None:
            errors = [INCOMPLETE]
        else:
            try:
                dropped = services.morpho_components_save(
                    study=study,
                    actor=request.user,
                    components=_edits(rows, new),
                    expected_version=version,
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(
                    request, _("Les composantes et leurs hypothèses sont enregistrées.")
                )
                if any(dropped.values()):
                    messages.info(
                        request,
                        _(
                            "Des contraintes nommaient une hypothèse retirée et ont été "
                            "retirées avec elle\u00a0: %(exclusions)s exclusions, "
                            "%(obligations)s obligations, %(implications)s implications."
                        )
                        % dropped,
                    )
                return redirect("studies:morpho_components", pk=study.pk)
    return render(
        request,
        "studies/morpho/components.html",
        study_context(study, rows=rows, new=new, errors=errors, lock_version=study.lock_version),
        status=400 if errors else 200,
    )


# Exclusions ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def exclusions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _morpho_study(request, pk)
    errors: list[str] = []
    posted: dict[str, Any] = {"a": "", "b": "", "removed": set()}
    existing = services.morpho_exclusions(study)
    if request.method == "POST":
        posted = {
            "a": request.POST.get("a", ""),
            "b": request.POST.get("b", ""),
            "removed": {i for i in range(len(existing)) if request.POST.get(f"remove-{i}") == "on"},
        }
        version = posted_lock_version(request)
        if version is None:
            errors = [INCOMPLETE]
        else:
            try:
                services.morpho_exclusions_save(
                    study=study,
                    actor=request.user,
                    added=[(posted["a"], posted["b"])],
                    removed=posted["removed"],
                    expected_version=version,
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(request, _("Les exclusions sont enregistrées."))
                return redirect("studies:morpho_exclusions", pk=study.pk)
    components = services.morpho_components(study)
    options = [
        (comp.name, [(f"{c}-{h}", hyp) for h, hyp in enumerate(comp.hypotheses)])
        for c, comp in enumerate(components)
    ]
    return render(
        request,
        "studies/morpho/exclusions.html",
        study_context(
            study,
            components=components,
            options=options,
            existing=[
                {
                    "position": i,
                    "elements": [services.element_label(e) for e in excl],
                    "remove": i in posted["removed"],
                }
                for i, excl in enumerate(existing)
            ],
            others=services.other_constraints(study),
            posted=posted,
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


# The live screen -----------------------------------------------------------------------------


def _live_response(
    request: HttpRequest,
    study: Study,
    choices: dict[int, int] | None = None,
    *,
    errors: list[str] | None = None,
    scenario: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    components = services.morpho_components(study)
    if choices is None:
        choices = selectors.parse_choices(request.GET, components)
    answer = None
    refused: list[str] = []
    if components:
        try:
            answer = selectors.morpho_live(study, choices)
        except services.InputErrors as error:
            refused = error.messages
    context = study_context(
        study,
        answer=answer,
        refused=refused,
        errors=errors or [],
        scenario=scenario or {"name": "", "narrative": ""},
        may_write=access.may_write_study(request.user, study),
        live_url=reverse("studies:morpho_live", args=[study.pk]),
        lock_version=study.lock_version,
    )
    if request.headers.get("HX-Request") == "true":
        return render(request, "studies/morpho/_live.html", context, status=status)
    return render(request, "studies/morpho/live.html", context, status=status)


@require_safe
@login_required
def live(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's choices (GET `c-<component>`) and the platform's answer; with the
    `HX-Request` header, the answer's fragment only."""
    study = _morpho_study(request, pk, write=False)
    return _live_response(request, study)


@require_POST
@login_required
def scenario_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _morpho_study(request, pk)
    choices = selectors.parse_choices(request.POST, services.morpho_components(study))
    posted = {
        "name": request.POST.get("name", ""),
        "narrative": request.POST.get("narrative", ""),
    }
    version = posted_lock_version(request)
    if version is None:
        return _live_response(request, study, choices, errors=[INCOMPLETE], status=400)
    try:
        scenario = services.morpho_scenario_save(
            study=study,
            actor=request.user,
            name=posted["name"],
            narrative=posted["narrative"],
            choices=choices,
            expected_version=version,
            run=selectors.latest_run(study),
        )
    except services.EditConflict:
        messages.error(
            request,
            _(
                "Les composantes ont changé depuis que vous avez ouvert l’exploration\u00a0: "
                "le scénario n’a pas été enregistré. Refaites vos choix sur l’étude à jour."
            ),
        )
        return redirect("studies:morpho_live", pk=study.pk)
    except services.InputErrors as error:
        return _live_response(
            request, study, choices, errors=error.messages, scenario=posted, status=400
        )
    messages.success(
        request,
        _("Le scénario %(name)s est enregistré.") % {"name": f"«\u00a0{scenario.name}\u00a0»"},
    )
    return redirect(reverse("studies:detail", args=[study.pk]) + "#scenarios")


@require_POST
@login_required
def scenario_delete(request: AuthenticatedHttpRequest, pk: int, scenario: int) -> HttpResponse:
    study = _morpho_study(request, pk)
    found = get_object_or_404(Scenario, pk=scenario, study=study)
    services.morpho_scenario_delete(scenario=found, actor=request.user)
    messages.success(
        request, _("Le scénario %(name)s est supprimé.") % {"name": f"«\u00a0{found.name}\u00a0»"}
    )
    return redirect(reverse("studies:detail", args=[study.pk]) + "#scenarios")


S = "espace/etudes/<int:pk>/"
urlpatterns: list[URLPattern] = [
    path(S + "composantes/", components, name="morpho_components"),
    path(S + "exclusions/", exclusions, name="morpho_exclusions"),
    path(S + "exploration/", live, name="morpho_live"),
    path(S + "scenarios/", scenario_save, name="morpho_scenario_save"),
    path(S + "scenarios/<int:scenario>/supprimer/", scenario_delete, name="morpho_scenario_delete"),
]
