"""Pages of the provider follow-up: dashboard, a Fabrique's deliverables, one deliverable."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors

from . import access, selectors, services
from .files import content_type_for
from .forms import (
    ContractForm,
    DeliverableForm,
    GenerateDefaultsForm,
    ReviewForm,
    SubmitForm,
)
from .models import DeliverableStatus, ReviewDecision

DASHBOARD_PREVIEW = 10
PAGE_SIZE = 25

SECTION_TITLES = {
    "awaiting_review": gettext_lazy("En attente d’examen"),
    "late": gettext_lazy("En retard"),
    "changes_requested": gettext_lazy("Modifications demandées"),
    "due_soon": gettext_lazy("À remettre dans les 14 jours"),
}


def _fabrique_list_url(fabrique: Any) -> str:
    return reverse("deliverables:fabrique_list", args=[fabrique.slug])


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    access.check_dashboard_access(request.user)
    board = selectors.dashboard(user=request.user)
    # Pilots look first at what waits for them; providers at what they owe.
    order = (
        ("awaiting_review", "late", "changes_requested", "due_soon")
        if board.manages
        else ("late", "changes_requested", "due_soon", "awaiting_review")
    )
    selected = request.GET.get("section", "")
    if selected not in order:
        selected = ""
    sections = []
    for key in [selected] if selected else order:
        items = getattr(board, key)
        if selected:
            page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
            shown, page_obj = page.object_list, page
        else:
            shown, page_obj = items[:DASHBOARD_PREVIEW], None
        sections.append(
            {
                "key": key,
                "title": SECTION_TITLES[key],
                "total": len(items),
                "items": shown,
                "page_obj": page_obj,
                "more": not selected and len(items) > DASHBOARD_PREVIEW,
                "show_submitted": key in ("awaiting_review", "changes_requested"),
            }
        )
    return render(
        request,
        "deliverables/dashboard.html",
        {
            "workspace_nav": "deliverables",
            "board": board,
            "sections": sections,
            "selected": selected,
            "selected_title": SECTION_TITLES.get(selected, ""),
        },
    )


@require_safe
@login_required
def fabrique_list(request: HttpRequest, slug: str) -> HttpResponse:
    fabrique = access.get_fabrique_deliverables_for_user(request.user, slug)
    manager = access.fabrique_manager(request.user, fabrique)
    return render(
        request,
        "deliverables/fabrique_list.html",
        {
            "workspace_nav": "deliverables",
            "fabrique": fabrique,
            "deliverables": selectors.fabrique_deliverables(fabrique=fabrique, user=request.user),
            "contract": selectors.fabrique_contract(fabrique=fabrique),
            "is_manager": manager,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    fabrique = access.get_fabrique_deliverables_for_user(request.user, slug, action="manage")
    contract = selectors.fabrique_contract(fabrique=fabrique)
    if request.method == "POST":
        form = ContractForm(request.POST, fabrique=fabrique)
        if form.is_valid():
            try:
                services.contract_save(fabrique=fabrique, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Le contrat du prestataire est enregistré."))
                return redirect(_fabrique_list_url(fabrique))
    else:
        form = ContractForm(initial=ContractForm.initial_for(contract), fabrique=fabrique)
    return render(
        request,
        "deliverables/contract_form.html",
        {
            "workspace_nav": "deliverables",
            "fabrique": fabrique,
            "contract": contract,
            "form": form,
            "has_provider": form.fields["provider"].queryset.exists(),  # type: ignore[attr-defined]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    fabrique = access.get_fabrique_deliverables_for_user(request.user, slug, action="manage")
    form = DeliverableForm(request.POST if request.method == "POST" else None, fabrique=fabrique)
    if request.method == "POST" and form.is_valid():
        try:
            deliverable = services.deliverable_create(
                fabrique=fabrique, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le livrable « %s » est ajouté.") % deliverable)
            return redirect(_fabrique_list_url(fabrique))
    return render(
        request,
        "deliverables/deliverable_form.html",
        {"workspace_nav": "deliverables", "fabrique": fabrique, "form": form, "deliverable": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def deliverables_generate(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    fabrique = access.get_fabrique_deliverables_for_user(request.user, slug, action="manage")
    form = GenerateDefaultsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.deliverables_generate_defaults(
                fabrique=fabrique, actor=request.user, due_on=form.cleaned_data["due_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _("%(count)d livrables types ont été ajoutés.") % {"count": len(created)},
                )
            else:
                messages.info(
                    request, _("Les livrables types existaient déjà : rien n’a été ajouté.")
                )
            return redirect(_fabrique_list_url(fabrique))
    return render(
        request,
        "deliverables/generate_form.html",
        {
            "workspace_nav": "deliverables",
            "fabrique": fabrique,
            "form": form,
            "participations": list(fabrique.participations.order_by("position", "id")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    deliverable = access.get_deliverable_for_user(request.user, pk, action="manage")
    fabrique = deliverable.fabrique
    if request.method == "POST":
        form = DeliverableForm(request.POST, fabrique=fabrique)
        if form.is_valid():
            try:
                services.deliverable_update(
                    deliverable=deliverable, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Le livrable est modifié."))
                return redirect("deliverables:deliverable_detail", pk=deliverable.pk)
    else:
        form = DeliverableForm(initial=DeliverableForm.initial_for(deliverable), fabrique=fabrique)
    return render(
        request,
        "deliverables/deliverable_form.html",
        {
            "workspace_nav": "deliverables",
            "fabrique": fabrique,
            "form": form,
            "deliverable": deliverable,
        },
    )


@login_required
@require_POST
def deliverable_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    deliverable = access.get_deliverable_for_user(request.user, pk, action="manage")
    try:
        services.deliverable_delete(deliverable=deliverable, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("deliverables:deliverable_detail", pk=deliverable.pk)
    messages.success(request, _("Le livrable « %s » est supprimé.") % deliverable)
    return redirect(_fabrique_list_url(deliverable.fabrique))


def _detail(
    request: HttpRequest,
    deliverable: Any,
    *,
    submit_form: SubmitForm | None = None,
    review_form: ReviewForm | None = None,
) -> HttpResponse:
    rights = access.deliverable_rights(request.user, deliverable)
    versions = selectors.deliverable_versions(deliverable=deliverable, full_history=rights.follow)
    latest = versions[0] if versions else None
    can_review = (
        rights.review
        and latest is not None
        and deliverable.status == DeliverableStatus.SUBMITTED
        and getattr(latest, "review", None) is None
    )
    can_submit = rights.submit and deliverable.status != DeliverableStatus.ACCEPTED
    # A refusal about the deliverable itself (already accepted, version already reviewed…)
    # when the form it came from is no longer offered: shown above the page instead.
    refusals = [
        *(review_form.non_field_errors() if review_form and not can_review else []),
        *(submit_form.non_field_errors() if submit_form and not can_submit else []),
    ]
    return render(
        request,
        "deliverables/deliverable_detail.html",
        {
            "workspace_nav": "deliverables",
            "deliverable": deliverable,
            "fabrique": deliverable.fabrique,
            "rights": rights,
            "versions": versions,
            "latest": latest,
            "refusals": refusals,
            "can_submit": can_submit,
            "can_review": can_review,
            "can_delete": rights.manage
            and deliverable.status == DeliverableStatus.PENDING
            and not versions,
            "submit_form": submit_form or SubmitForm(),
            "review_form": review_form or ReviewForm(),
        },
    )


@require_safe
@login_required
def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = access.get_deliverable_for_user(request.user, pk)
    return _detail(request, deliverable)


@login_required
@require_POST
def deliverable_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    deliverable = access.get_deliverable_for_user(request.user, pk, action="submit")
    form = SubmitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.deliverable_submit(
                deliverable=deliverable,
                file=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("La version %(number)d est déposée ; le pilote de la Fabrique en est averti.")
                % {"number": version.number},
            )
            return redirect("deliverables:deliverable_detail", pk=deliverable.pk)
    return _detail(request, deliverable, submit_form=form)


@login_required
@require_POST
def version_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = access.get_version_for_user(request.user, pk, action="review")
    deliverable = version.deliverable
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            review = services.deliverable_review(
                version=version,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if review.decision == ReviewDecision.ACCEPTED:
                text = _("Le livrable est accepté ; le prestataire en est averti.")
            else:
                text = _("Les modifications sont demandées au prestataire.")
            messages.success(request, text)
            return redirect("deliverables:deliverable_detail", pk=deliverable.pk)
    return _detail(request, deliverable, review_form=form)


@require_safe
@login_required
def version_file(request: HttpRequest, pk: int) -> FileResponse:
    version = access.get_version_for_user(request.user, pk)
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_name,
        content_type=content_type_for(version.original_name),
    )
