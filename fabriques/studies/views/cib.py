"""The CIB screens: the descriptors and their variants, the impact grid (a plain form, arrow
keys and cell-by-cell saving with JavaScript), the import of a ScenarioWizard model, the run
(at once, or through the task queue with a page that waits), the consistent scenarios page by
page and the saving of one of them as a named scenario."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest

from .. import access, selectors, services
from ..models import Method, QueuedRun, QueuedRunStatus, Study
from ..tables import MAX_BYTES
from ._common import conflict_redirect, grid_conflict, posted_lock_version, study_context

INCOMPLETE = _("Le formulaire est incomplet\u00a0: rechargez la page.")
# How often the waiting page reloads (seconds).
REFRESH_SECONDS = 2


def _cib_study(request: HttpRequest, pk: int, *, write: bool = True) -> Study:
    study = access.get_study_for_user(request.user, pk, write=write)
    if study.method != Method.CIB:
        raise Http404(_("Cette page est celle d’une balance d’impacts croisés."))
    return study


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _posted_descriptors(
    request: HttpRequest, descriptors: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[services.DescriptorEdit], dict[str, str]]:
    """The editor's rows as posted (to show them back) and the edits they ask for."""
    rows: list[dict[str, Any]] = []
    edits: list[services.DescriptorEdit] = []
    post = request.POST
    for i, descriptor in enumerate(descriptors):
        variants = [
            {
                "position": k,
                "name": post.get(f"v-{i}-{k}-name", name),
                "remove": post.get(f"v-{i}-{k}-remove") == "on",
            }
            for k, name in enumerate(descriptor["variants"])
        ]
        row = {
            "position": i,
            "name": post.get(f"d-{i}-name", descriptor["name"]),
            "remove": post.get(f"d-{i}-remove") == "on",
            "variants": variants,
            "new": post.get(f"d-{i}-new", ""),
        }
        rows.append(row)
        if row["remove"]:
            continue
        kept: list[tuple[int | None, str]] = [
            (v["position"], v["name"]) for v in variants if not v["remove"]
        ]
        kept += [(None, line) for line in _lines(row["new"])]
        edits.append(services.DescriptorEdit(i, row["name"], tuple(kept)))
    new = {"name": post.get("new-name", ""), "variants": post.get("new-variants", "")}
    if new["name"].strip() or new["variants"].strip():
        edits.append(
            services.DescriptorEdit(
                None, new["name"], tuple((None, line) for line in _lines(new["variants"]))
            )
        )
    return rows, edits, new


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def descriptors(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _cib_study(request, pk)
    current, _matrix = services.cib_inputs(study)
    errors: list[str] = []
    rows: list[dict[str, Any]] = [
        {
            "position": i,
            "name": d["name"],
            "remove": False,
            "variants": [
                {"position": k, "name": v, "remove": False} for k, v in enumerate(d["variants"])
            ],
            "new": "",
        }
        for i, d in enumerate(current)
    ]
    new = {"name": "", "variants": ""}
    if request.method == "POST":
        rows, edits, new = _posted_descriptors(request, current)
        version = posted_lock_version(request)
        if version is None:
            errors = [INCOMPLETE]
        else:
            try:
                services.cib_descriptors_save(
                    study=study, actor=request.user, descriptors=edits, expected_version=version
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(
                    request, _("Les descripteurs et leurs variantes sont enregistrés.")
                )
                return redirect("studies:cib_descriptors", pk=study.pk)
    return render(
        request,
        "studies/cib/descriptors.html",
        study_context(study, rows=rows, new=new, errors=errors, lock_version=study.lock_version),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def matrix(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _cib_study(request, pk)
    errors: list[str] = []
    posted = None
    if request.method == "POST":
        _descriptors, current = services.cib_inputs(study)
        n = len(current)
        posted = {(i, j): request.POST.get(f"c-{i}-{j}", "") for i in range(n) for j in range(n)}
        version = posted_lock_version(request)
        if version is None:
            errors = [INCOMPLETE]
        else:
            try:
                changed = services.cib_matrix_save(
                    study=study, actor=request.user, cells=posted, expected_version=version
                )
            except services.EditConflict:
                return grid_conflict(request, study, "matrix", posted)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("La matrice des impacts est enregistrée (%(count)s cellules modifiées).")
                    % {"count": changed},
                )
                return redirect("studies:cib_matrix", pk=study.pk)
    return render(
        request,
        "studies/cib/matrix.html",
        study_context(
            study,
            grid=selectors.cib_grid(study, posted),
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def scenariowizard_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _cib_study(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        version = posted_lock_version(request)
        if version is None:
            errors = [INCOMPLETE]
        elif upload is None:
            errors = [_("Choisissez le fichier .scw du modèle.")]
        elif upload.size is not None and upload.size > MAX_BYTES:
            errors = [_("Le fichier dépasse 2\u00a0Mo.")]
        else:
            try:
                services.cib_scenariowizard_import(
                    study=study,
                    actor=request.user,
                    filename=upload.name or "",
                    content=upload.read(),
                    expected_version=version,
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(request, _("Le modèle ScenarioWizard est importé."))
                return redirect("studies:detail", pk=study.pk)
    return render(
        request,
        "studies/cib/import.html",
        study_context(study, errors=errors, lock_version=study.lock_version),
        status=400 if errors else 200,
    )


@require_POST
@login_required
def run(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Compute at once when the model is small, otherwise queue it and wait on its page."""
    study = _cib_study(request, pk)
    try:
        result = services.cib_run_start(study=study, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("studies:detail", pk=study.pk)
    if isinstance(result, QueuedRun):
        return redirect("studies:cib_pending", pk=study.pk, queued=result.pk)
    messages.success(request, _("Le calcul est enregistré."))
    return redirect("studies:run_detail", pk=study.pk, run=result.pk)


@require_safe
@login_required
def pending(request: HttpRequest, pk: int, queued: int) -> HttpResponse:
    """« Calcul en cours… »: reloads itself every few seconds until the run is saved, then
    sends to its results; says why when it failed."""
    study = _cib_study(request, pk, write=False)
    found = selectors.cib_queued_run(study, queued)
    if found is None:
        raise Http404(_("Ce calcul n’existe pas ou plus."))
    if found.status == QueuedRunStatus.DONE and found.run_id:
        return redirect("studies:run_detail", pk=study.pk, run=found.run_id)
    return render(
        request,
        "studies/cib/pending.html",
        study_context(
            study,
            queued=found,
            failed=found.status == QueuedRunStatus.FAILED,
            refresh_seconds=REFRESH_SECONDS,
            here=reverse("studies:cib_pending", args=[study.pk, found.pk]),
        ),
    )


@require_safe
@login_required
def scenarios(request: HttpRequest, pk: int, run: int) -> HttpResponse:
    """Every consistent scenario of a run, page by page, each with its button to keep it."""
    found = access.get_run_for_user(request.user, pk, run)
    if found.study.method != Method.CIB:
        raise Http404(_("Cette page est celle d’une balance d’impacts croisés."))
    page, rows = selectors.cib_scenarios_page(found, request.GET.get("page", 1))
    return render(
        request,
        "studies/cib/scenarios.html",
        study_context(
            found.study,
            run=found,
            page_obj=page,
            cib_rows=rows,
            cib_descriptors=[str(d["name"]) for d in found.input.get("descriptors", [])],
            cib_notes=selectors.cib_notes(found),
            may_write=access.may_write_study(request.user, found.study),
            saved=selectors.study_scenarios(found.study),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def scenario_create(
    request: AuthenticatedHttpRequest, pk: int, run: int, index: int
) -> HttpResponse:
    """Keep one scenario of a run under a name, with its narrative."""
    found = access.get_run_for_writer(request.user, pk, run)
    if found.study.method != Method.CIB:
        raise Http404(_("Cette page est celle d’une balance d’impacts croisés."))
    configuration = selectors.cib_run_scenario(found, index)
    if configuration is None:
        raise Http404(_("Ce calcul n’a pas de scénario à cette place."))
    errors: dict[str, list[str]] = {}
    name = request.POST.get("name", "")
    narrative = request.POST.get("narrative", "")
    if request.method == "POST":
        try:
            services.scenario_create(
                study=found.study,
                actor=request.user,
                name=name,
                narrative=narrative,
                configuration=configuration,
                run=found,
            )
        except ValidationError as error:
            errors = (
                error.message_dict if hasattr(error, "error_dict") else {"name": error.messages}
            )
        else:
            messages.success(request, _("Le scénario est enregistré."))
            return redirect("studies:cib_scenarios", pk=found.study.pk, run=found.pk)
    return render(
        request,
        "studies/cib/scenario_form.html",
        study_context(
            found.study,
            run=found,
            index=index,
            configuration=list(configuration.items()),
            name=name,
            narrative=narrative,
            errors=errors,
            all_errors=[m for messages_ in errors.values() for m in messages_],
        ),
        status=400 if errors else 200,
    )


S = "espace/etudes/<int:pk>/"
urlpatterns: list[URLPattern] = [
    path(S + "descripteurs/", descriptors, name="cib_descriptors"),
    path(S + "impacts/", matrix, name="cib_matrix"),
    path(S + "importer-scenariowizard/", scenariowizard_import, name="cib_import"),
    path(S + "calculer-cib/", run, name="cib_run"),
    path(S + "calculs-en-file/<int:queued>/", pending, name="cib_pending"),
    path(S + "calculs/<int:run>/scenarios/", scenarios, name="cib_scenarios"),
    path(
        S + "calculs/<int:run>/scenarios/<int:index>/enregistrer/",
        scenario_create,
        name="cib_scenario_create",
    ),
]
