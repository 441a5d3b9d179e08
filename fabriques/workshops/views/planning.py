"""Planning pages of the workshops (see urls.py): the Fabrique's list, the workshop page, its
form, cancellation, agenda and documents. Each view: access function, one service or
selector, render."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors
from fabriques.deliverables.files import content_type_for
from fabriques.programme.models import Fabrique

from .. import access
from ..forms.planning import (
    FORM_FIELD_OF,
    AgendaFormSet,
    DocumentForm,
    WorkshopForm,
    ordered_agenda_items,
)
from ..models import Workshop, WorkshopDocument, WorkshopKind
from ..selectors import planning as selectors
from ..services import planning as services

PAGE_SIZE = 25


def _detail_url(workshop: Workshop) -> str:
    return reverse("workshops:workshop_detail", args=[workshop.pk])


def _context(fabrique: Fabrique, **extra: Any) -> dict[str, Any]:
    return {
        "workspace_nav": "fabriques",
        "fabrique": fabrique,
        "list_url": reverse("workshops:fabrique_workshops", args=[fabrique.slug]),
        **extra,
    }


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_safe
@login_required
def fabrique_workshops(request: HttpRequest, slug: str) -> HttpResponse:
    fabrique = access.get_fabrique_for_workshops(request.user, slug)
    territory = _int(request.GET.get("territoire"))
    kind = request.GET.get("type", "")
    if kind not in WorkshopKind.values:
        kind = ""
    period = request.GET.get("periode", "")
    workshops = selectors.workshop_list(
        user=request.user,
        fabrique=fabrique,
        participation_id=territory,
        kind=kind,
        period=period,
        now=timezone.now(),
    )
    page = Paginator(workshops, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(w, selectors.when_text(w.starts_at, w.ends_at)) for w in page.object_list]
    territories = selectors.territories_of(fabrique=fabrique)
    return render(
        request,
        "workshops/planning/list.html",
        _context(
            fabrique,
            page_obj=page,
            rows=rows,
            territories=territories,
            kinds=WorkshopKind.choices,
            selected_territory=territory,
            selected_kind=kind,
            selected_period=period,
            may_plan=selectors.may_plan_somewhere(
                user=request.user, fabrique=fabrique, territories=territories
            ),
            now=timezone.now(),
        ),
    )


def _workshop_form(
    request: HttpRequest, fabrique: Fabrique, *, data: Any = None, initial: Any = None
) -> WorkshopForm:
    return WorkshopForm(
        data,
        initial=initial,
        territories=selectors.planning_territories(user=request.user, fabrique=fabrique),
        fabrique_wide=access.may_plan_in_fabrique(request.user, fabrique),
        facilitators=selectors.facilitator_choices(fabrique=fabrique, user=request.user),
        deliverables=selectors.deliverable_choices(fabrique=fabrique),
    )


def _service_errors(form: WorkshopForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        error = ValidationError(
            {FORM_FIELD_OF.get(name, name): errors for name, errors in error.error_dict.items()}
        )
    add_service_errors(form, error)


@login_required
@require_http_methods(["GET", "POST"])
def workshop_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    fabrique = access.get_fabrique_for_workshops(request.user, slug)
    if not selectors.may_plan_somewhere(user=request.user, fabrique=fabrique):
        raise PermissionDenied(_("Vous ne pouvez pas prévoir de rencontre dans cette Fabrique."))
    if request.method == "POST":
        form = _workshop_form(request, fabrique, data=request.POST)
        if form.is_valid():
            try:
                workshop = services.workshop_create(
                    fabrique=fabrique, actor=request.user, data=form.cleaned_data
                )
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(
                    request, _("La rencontre « %(title)s » est prévue.") % {"title": workshop.title}
                )
                return redirect(_detail_url(workshop))
    else:
        territory = request.GET.get("territoire", "")
        form = _workshop_form(request, fabrique, initial={"participation": territory})
    return render(request, "workshops/planning/form.html", _context(fabrique, form=form))


@require_safe
@login_required
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_for_page(workshop=access.get_workshop_for_user(request.user, pk))
    manages = access.may_manage_workshop(request.user, workshop)
    return render(
        request,
        "workshops/planning/detail.html",
        _context(
            workshop.fabrique,
            workshop=workshop,
            when=selectors.when_text(workshop.starts_at, workshop.ends_at),
            deadline=(
                selectors.when_deadline(workshop.registration_deadline)
                if workshop.registration_deadline
                else ""
            ),
            agenda=selectors.agenda_of(workshop=workshop),
            documents=selectors.documents_of(workshop=workshop),
            counts=selectors.workshop_counts(workshop=workshop) if manages else None,
            manages=manages,
            has_minutes=hasattr(workshop, "minutes"),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def workshop_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_user(request.user, pk, manage=True)
    fabrique = workshop.fabrique
    if request.method == "POST":
        form = _workshop_form(request, fabrique, data=request.POST)
        if form.is_valid():
            try:
                services.workshop_update(
                    workshop=workshop, actor=request.user, data=form.cleaned_data
                )
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(request, _("Les modifications de la rencontre sont enregistrées."))
                return redirect(_detail_url(workshop))
    else:
        form = _workshop_form(request, fabrique, initial=WorkshopForm.initial_for(workshop))
    return render(
        request,
        "workshops/planning/form.html",
        _context(fabrique, form=form, workshop=workshop, detail_url=_detail_url(workshop)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def workshop_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_user(request.user, pk, manage=True)
    if workshop.is_cancelled:
        messages.info(request, _("Cette rencontre est déjà annulée."))
        return redirect(_detail_url(workshop))
    if request.method == "POST":
        try:
            services.workshop_cancel(workshop=workshop, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _(
                    "La rencontre est annulée ; les personnes invitées et inscrites en sont "
                    "informées par courriel."
                ),
            )
        return redirect(_detail_url(workshop))
    return render(
        request,
        "workshops/planning/cancel.html",
        _context(
            workshop.fabrique,
            workshop=workshop,
            when=selectors.when_text(workshop.starts_at, workshop.ends_at),
            counts=selectors.workshop_counts(workshop=workshop),
            detail_url=_detail_url(workshop),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_user(request.user, pk, manage=True)
    if request.method == "POST":
        formset = AgendaFormSet(request.POST, prefix="agenda")
        if formset.is_valid():
            try:
                services.agenda_save(
                    workshop=workshop, actor=request.user, items=ordered_agenda_items(formset)
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("L’ordre du jour est enregistré."))
                return redirect(_detail_url(workshop))
    else:
        formset = AgendaFormSet(
            prefix="agenda",
            initial=[
                {
                    "position": item.position,
                    "title": item.title,
                    "duration_minutes": item.duration_minutes,
                    "speaker": item.speaker,
                }
                for item in selectors.agenda_of(workshop=workshop)
            ],
        )
    return render(
        request,
        "workshops/planning/agenda.html",
        _context(
            workshop.fabrique,
            workshop=workshop,
            formset=formset,
            detail_url=_detail_url(workshop),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_user(request.user, pk, manage=True)
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_add(
                    workshop=workshop,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Le document est ajouté à la rencontre."))
                return redirect(_detail_url(workshop))
    else:
        form = DocumentForm()
    return render(
        request,
        "workshops/planning/document_form.html",
        _context(workshop.fabrique, workshop=workshop, form=form, detail_url=_detail_url(workshop)),
    )


IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


@require_safe
@login_required
def document_download(request: HttpRequest, pk: int, document: int) -> FileResponse:
    workshop = access.get_workshop_for_user(request.user, pk)
    item = WorkshopDocument.objects.filter(workshop=workshop, pk=document).first()
    if item is None:
        raise Http404(access.NOT_FOUND)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(access.NOT_FOUND) from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=item.original_name,
        content_type=IMAGE_TYPES.get(
            PurePath(item.original_name).suffix.lower().lstrip("."),
            content_type_for(item.original_name),
        ),
    )


urlpatterns: list[URLPattern] = [
    path(
        "espace/fabriques/<slug:slug>/rencontres/",
        fabrique_workshops,
        name="fabrique_workshops",
    ),
    path(
        "espace/fabriques/<slug:slug>/rencontres/nouvelle/",
        workshop_create,
        name="workshop_create",
    ),
    path("espace/rencontres/<int:pk>/", workshop_detail, name="workshop_detail"),
    path("espace/rencontres/<int:pk>/modifier/", workshop_edit, name="workshop_edit"),
    path("espace/rencontres/<int:pk>/annuler/", workshop_cancel, name="workshop_cancel"),
    path("espace/rencontres/<int:pk>/ordre-du-jour/", agenda_edit, name="agenda_edit"),
    path("espace/rencontres/<int:pk>/documents/ajouter/", document_add, name="document_add"),
    path(
        "espace/rencontres/<int:pk>/documents/<int:document>/",
        document_download,
        name="document_download",
    ),
]
