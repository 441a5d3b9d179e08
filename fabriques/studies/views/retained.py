"""Retaining a run's results, the study's report (PDF, DOCX, ODT; the public one for a
published study) and a run's results as CSV. Each view: access function, one service or
selector, render; the forms are plain posts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.documents.blocks import FORMATS
from fabriques.documents.views import document_filename, document_response

from .. import access, selectors, services
from ..reports import run_csv, study_document
from ._common import study_context


def _back(study_pk: int, run_pk: int | None) -> str:
    if run_pk is not None:
        return reverse("studies:run_detail", args=[study_pk, run_pk]) + "#retenir"
    return reverse("studies:detail", args=[study_pk]) + "#retenus"


@require_POST
@login_required
def retained_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = access.get_study_for_user(request.user, pk, write=True)
    run = None
    if request.POST.get("run"):
        try:
            run = access.get_run_for_user(request.user, pk, int(request.POST["run"]))
        except ValueError:
            raise Http404(access.RUN_NOT_FOUND) from None
    try:
        retained = services.retained_add(
            study=study,
            actor=request.user,
            kind=request.POST.get("kind", ""),
            key=request.POST.get("key", ""),
            run=run,
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        return render(
            request,
            "studies/retained/refused.html",
            study_context(
                study, errors=error.messages, back_url=_back(pk, run.pk if run else None)
            ),
            status=400,
        )
    messages.success(request, _("« %(label)s » est retenu.") % {"label": retained.label})
    return redirect(_back(pk, run.pk if run else None))


@require_POST
@login_required
def retained_remove(request: AuthenticatedHttpRequest, pk: int, retained: int) -> HttpResponse:
    study = access.get_study_for_user(request.user, pk, write=True)
    found = selectors.retained_result_for(study, retained)
    if found is None:
        raise Http404(_("Ce résultat retenu n’existe pas."))
    services.retained_remove(retained=found, actor=request.user)
    messages.success(request, _("« %(label)s » n’est plus retenu.") % {"label": found.label})
    run = request.POST.get("run", "")
    return redirect(_back(pk, int(run) if run.isdigit() else None))


def _fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404(_("Ce format n’est pas proposé."))
    return fmt


@require_safe
@login_required
def report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    study = access.get_study_for_user(request.user, pk)
    _fmt(fmt)
    document = study_document(
        study,
        run=selectors.latest_run(study),
        retained=selectors.retained_for_report(study),
        meetings=selectors.study_meetings(study),
    )
    return document_response(
        request,
        key=f"study:{study.pk}",
        fmt=fmt,  # type: ignore[arg-type]
        document=document,
        filename=document_filename("etude", study.title, fmt=fmt),
        base_template="workspace/base.html",
        back_url=reverse("studies:detail", args=[study.pk]),
    )


@require_safe
def public_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The published study's report, without any personal data nor roadmap links."""
    study = access.get_published_study(pk)
    _fmt(fmt)
    document = study_document(
        study,
        run=selectors.latest_run(study),
        retained=selectors.retained_for_report(study),
        public=True,
    )
    return document_response(
        request,
        key=f"study-public:{study.pk}",
        fmt=fmt,  # type: ignore[arg-type]
        document=document,
        filename=document_filename("etude", study.title, fmt=fmt),
        base_template="base.html",
        back_url=reverse("studies:public", args=[study.pk]),
    )


@require_safe
@login_required
def run_csv_export(request: HttpRequest, pk: int, run: int) -> HttpResponse:
    found = access.get_run_for_user(request.user, pk, run)
    response = HttpResponse(
        run_csv(found.study.method, found.output), content_type="text/csv; charset=utf-8"
    )
    name = slugify(found.study.title)[:60] or "etude"
    response["Content-Disposition"] = f'attachment; filename="{name}-calcul-{run}.csv"'
    return response


S = "espace/etudes/<int:pk>/"
urlpatterns: list[URLPattern] = [
    path(S + "retenus/ajouter/", retained_add, name="retained_add"),
    path(S + "retenus/<int:retained>/retirer/", retained_remove, name="retained_remove"),
    path(S + "rapport/<str:fmt>/", report, name="report"),
    path(S + "calculs/<int:run>/csv/", run_csv_export, name="run_csv"),
    path("etudes/<int:pk>/rapport/<str:fmt>/", public_report, name="public_report"),
]
