"""The foresight studio's pages: a Fabrique's studies, a study and its form, the MICMAC
variables and matrix grid, import and export of the inputs, runs and their results, the
public page of a published study. Each view: access function, one service or selector,
render; every form works as a plain post, without JavaScript."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors

from .. import access, selectors, services
from ..forms import ImportForm, StudyForm
from ..methods import screens_for
from ._common import conflict_redirect, study_context

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# A Fabrique's studies ---------------------------------------------------------------------------


@require_safe
@login_required
def fabrique_list(request: HttpRequest, slug: str) -> HttpResponse:
    fabrique = access.get_fabrique_for_studies(request.user, slug)
    page = selectors.fabrique_studies_page(
        user=request.user, fabrique=fabrique, page=request.GET.get("page", 1)
    )
    return render(
        request,
        "studies/fabrique_list.html",
        {
            "workspace_nav": "fabriques",
            "fabrique": fabrique,
            "page_obj": page,
            "may_create": access.may_write_in(request.user, fabrique),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def study_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    fabrique = access.get_fabrique_for_studies(request.user, slug, write=True)
    form = StudyForm(request.POST or None, fabrique=fabrique)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            study = services.study_create(
                fabrique=fabrique,
                actor=request.user,
                method=data["method"],
                title=data["title"],
                purpose=data["purpose"],
                participation=data["participation"],
                meetings=data["meetings"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L’étude est créée. Saisissez ses données d’entrée."))
            return redirect("studies:detail", pk=study.pk)
    return render(
        request,
        "studies/study_form.html",
        {
            "workspace_nav": "fabriques",
            "fabrique": fabrique,
            "form": form,
            "list_url": reverse("studies:fabrique_list", args=[fabrique.slug]),
        },
    )


# A study --------------------------------------------------------------------------------------


@require_safe
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study_for_user(request.user, pk)
    screens = screens_for(study.method)
    return render(
        request,
        "studies/detail.html",
        study_context(
            study,
            may_write=access.may_write_study(request.user, study),
            screens=screens,
            meetings=selectors.study_meetings(study),
            page_obj=selectors.study_runs_page(study=study, page=request.GET.get("page", 1)),
            **screens.inputs_context(study),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def study_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = access.get_study_for_user(request.user, pk, write=True)
    initial = {
        "lock_version": study.lock_version,
        "title": study.title,
        "purpose": study.purpose,
        "participation": study.participation_id,
        "meetings": list(study.meetings.values_list("pk", flat=True)),
        "status": study.status,
    }
    form = StudyForm(request.POST or None, initial=initial, fabrique=study.fabrique, study=study)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.study_update(
                study=study,
                actor=request.user,
                data={k: data[k] for k in services.STUDY_FIELDS},
                meetings=data["meetings"],
                expected_version=data["lock_version"],
            )
        except services.EditConflict:
            return conflict_redirect(request, study)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L’étude est enregistrée."))
            return redirect("studies:detail", pk=study.pk)
    return render(request, "studies/study_form.html", study_context(study, form=form))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def inputs_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = access.get_study_for_user(request.user, pk, write=True)
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"lock_version": study.lock_version}
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.study_inputs_import(
                study=study,
                actor=request.user,
                filename=upload.name,
                content=upload.read(),
                expected_version=form.cleaned_data["lock_version"],
            )
        except services.EditConflict:
            return conflict_redirect(request, study)
        except services.InputErrors as error:
            errors = error.messages
        else:
            messages.success(request, _("Les données d’entrée sont importées."))
            return redirect("studies:detail", pk=study.pk)
    return render(
        request,
        "studies/import.html",
        study_context(study, form=form, errors=errors),
        status=400 if errors or form.errors else 200,
    )


@require_safe
@login_required
def inputs_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    study = access.get_study_for_user(request.user, pk)
    if fmt not in EXPORT_TYPES:
        raise Http404(_("Ce format n’est pas proposé."))
    try:
        content = services.study_inputs_export(study=study, fmt=fmt)
    except services.InputErrors as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("studies:detail", pk=study.pk)
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    name = slugify(study.title)[:60] or "etude"
    response["Content-Disposition"] = f'attachment; filename="{name}-entrees.{fmt}"'
    return response


@require_POST
@login_required
def run(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = access.get_study_for_user(request.user, pk, write=True)
    try:
        new_run = services.study_run(study=study, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("studies:detail", pk=study.pk)
    messages.success(request, _("Le calcul est enregistré."))
    return redirect("studies:run_detail", pk=study.pk, run=new_run.pk)


@require_safe
@login_required
def run_detail(request: HttpRequest, pk: int, run: int) -> HttpResponse:
    found = access.get_run_for_user(request.user, pk, run)
    screens = screens_for(found.study.method)
    return render(
        request,
        "studies/run_detail.html",
        study_context(
            found.study,
            run=found,
            screens=screens,
            show_people=True,
            **screens.results_context(found),
        ),
    )


@require_safe
@login_required
def run_json(request: HttpRequest, pk: int, run: int) -> HttpResponse:
    found = access.get_run_for_user(request.user, pk, run)
    document = {
        "method": found.study.method,
        "foresight_version": found.foresight_version,
        "run_at": found.run_at.isoformat(),
        "input": found.input,
        "output": found.output,
    }
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="etude-{pk}-calcul-{run}.json"'
    return response


# The public page of a published study ---------------------------------------------------------


@require_safe
def public(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_published_study(pk)
    latest = selectors.latest_run(study)
    screens = screens_for(study.method)
    return render(
        request,
        "studies/public.html",
        {
            "study": study,
            "run": latest,
            "screens": screens,
            "show_people": False,
            **(screens.results_context(latest) if latest else {}),
        },
    )


@require_POST
@login_required
def cell_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One cell of a grid, saved as it is typed (grid.js): JSON answer with the stored value,
    the new lock version and who filled it; 409 with the cell's value when someone changed it
    since it was read; 400 with the message naming the cell for a refused value."""
    study = access.get_study_for_user(request.user, pk, write=True)
    try:
        row = int(request.POST.get("row", ""))
        column = int(request.POST.get("column", ""))
    except ValueError:
        return JsonResponse({"message": _("La cellule n’est pas désignée.")}, status=400)
    try:
        value, version = services.matrix_cell_save(
            study=study,
            actor=request.user,
            matrix=request.POST.get("matrix", ""),
            row=row,
            column=column,
            expected=request.POST.get("expected", ""),
            value=request.POST.get("value", ""),
        )
    except services.InputErrors as error:
        return JsonResponse({"message": " ".join(error.messages)}, status=400)
    except services.CellConflict as conflict:
        return JsonResponse(
            {
                "message": _(
                    "Ligne %(row)s, colonne %(column)s : quelqu’un l’a modifiée entre-temps, "
                    "elle vaut maintenant %(value)s."
                )
                % {"row": row + 1, "column": column + 1, "value": conflict.value},
                "value": str(conflict.value),
            },
            status=409,
        )
    name = request.user.get_full_name() or request.user.email
    return JsonResponse(
        {
            "value": str(value),
            "lock_version": version,
            "author": _("Saisie par %(name)s") % {"name": name},
            "message": _("Ligne %(row)s, colonne %(column)s enregistrée.")
            % {"row": row + 1, "column": column + 1},
        }
    )


@require_safe
@login_required
def presentation(request: HttpRequest, pk: int, matrix: str) -> HttpResponse:
    """A grid one row at a time, in large type, for the projector: whoever sees the study may
    show it; the row refreshes itself (htmx) as the consultant fills the grid."""
    study = access.get_study_for_user(request.user, pk)
    try:
        number = int(request.GET.get("ligne", "1"))
    except ValueError:
        number = 1
    row = selectors.presentation_row(study, matrix, number)
    if row is None:
        raise Http404(_("Cette étude n’a pas de grille à présenter sous ce nom."))
    return render(
        request,
        "studies/presentation.html",
        study_context(study, row=row, matrix=matrix),
    )


S = "espace/etudes/<int:pk>/"
urlpatterns: list[URLPattern] = [
    path("espace/fabriques/<slug:slug>/etudes/", fabrique_list, name="fabrique_list"),
    path("espace/fabriques/<slug:slug>/etudes/nouvelle/", study_create, name="create"),
    path(S, detail, name="detail"),
    path(S + "modifier/", study_edit, name="edit"),
    path(S + "importer/", inputs_import, name="import"),
    path(S + "exporter/<str:fmt>/", inputs_export, name="export"),
    path(S + "calculer/", run, name="run"),
    path(S + "cellule/", cell_save, name="cell"),
    path(S + "presentation/<slug:matrix>/", presentation, name="presentation"),
    path(S + "calculs/<int:run>/", run_detail, name="run_detail"),
    path(S + "calculs/<int:run>/json/", run_json, name="run_json"),
    path("etudes/<int:pk>/", public, name="public"),
]
