"""Writing a roadmap in the workspace: a Fabrique's roadmaps, the roadmap page and its forms
(framing and governance, axes, partners, contracts, attachments, comments), the sheet page and
its forms (the sheet, its status, its parts, its links, its invited editors), the conflict page,
the sheet's history, and the table and calendar views. Each view: access function, one service
or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors
from fabriques.deliverables.files import content_type_for
from fabriques.territories.models import Participation
from fabriques.workinggroups.access import may_manage_group

from .. import access
from ..forms import editing as forms
from ..models import (
    Axis,
    ContractLink,
    Roadmap,
    RoadmapAttachment,
    RoadmapPartner,
)
from ..selectors import editing as selectors
from ..selectors.lifecycle import lifecycle_panel
from ..services import editing as services
from . import editing_sheets as sheets
from .editing_common import _conflict_page, _context, _roadmap_url, _write_roadmap

# A Fabrique's roadmaps --------------------------------------------------------------------------


@require_safe
@login_required
def fabrique_list(request: HttpRequest, slug: str) -> HttpResponse:
    fabrique = access.get_fabrique_for_roadmaps(request.user, slug)
    rows = selectors.fabrique_roadmap_rows(user=request.user, fabrique=fabrique)
    return render(
        request,
        "roadmaps/editing/fabrique_list.html",
        {"workspace_nav": "fabriques", "fabrique": fabrique, "rows": rows},
    )


@require_POST
@login_required
def roadmap_create(
    request: AuthenticatedHttpRequest, slug: str, participation: int
) -> HttpResponse:
    fabrique = access.get_fabrique_for_roadmaps(request.user, slug)
    territory = Participation.objects.filter(pk=participation, fabrique=fabrique).first()
    if territory is None:
        raise Http404(access.NOT_FOUND)
    territory.fabrique = fabrique
    if not may_manage_group(request.user, territory):
        raise PermissionDenied(_("Vous ne pouvez pas écrire la feuille de route de ce territoire."))
    try:
        roadmap = services.roadmap_create(participation=territory, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("roadmaps:fabrique_list", slug=fabrique.slug)
    messages.success(request, _("La feuille de route est créée."))
    return redirect(_roadmap_url(roadmap))


# The roadmap page and its forms -----------------------------------------------------------------


def _detail_context(request: HttpRequest, roadmap: Roadmap, **forms_: Any) -> dict[str, Any]:
    page = selectors.roadmap_for_page(roadmap=roadmap, user=request.user)
    writes = access.may_write_roadmap(request.user, roadmap)
    axes = [
        (axis, [(sheet, selectors.completeness(sheet)) for sheet in axis.sheets.all()])
        for axis in page.axes.all()
    ]
    complete = sum(1 for _axis, sheets in axes for _s, missing in sheets if not missing)
    total = sum(len(sheets) for _axis, sheets in axes)
    return _context(
        page,
        axes=axes,
        complete=complete,
        total=total,
        writes=writes,
        comments_allowed=access.may_comment_roadmap(request.user, roadmap),
        axis_form=forms_.get("axis_form") or forms.AxisForm(prefix="axis"),
        partner_form=forms_.get("partner_form") or forms.RoadmapPartnerForm(prefix="partner"),
        contract_form=forms_.get("contract_form") or forms.ContractLinkForm(prefix="contract"),
        attachment_form=forms_.get("attachment_form") or forms.AttachmentForm(prefix="file"),
        comment_form=forms_.get("comment_form") or forms.CommentForm(prefix="comment"),
        panel=lifecycle_panel(roadmap=roadmap, user=request.user),
        vision=selectors.roadmap_vision(roadmap=roadmap, user=request.user),
    )


@require_safe
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = access.get_roadmap_for_user(request.user, pk)
    return render(request, "roadmaps/editing/detail.html", _detail_context(request, roadmap))


def _detail_with_errors(request: HttpRequest, roadmap: Roadmap, **forms_: Any) -> HttpResponse:
    messages.error(request, _("Le formulaire contient des erreurs : corrigez-les ci-dessous."))
    return render(
        request,
        "roadmaps/editing/detail.html",
        _detail_context(request, roadmap, **forms_),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    if request.method == "POST":
        form = forms.RoadmapForm(request.POST, instance=roadmap)
        if form.is_valid():
            data = dict(form.cleaned_data)
            expected = data.pop("lock_version")
            try:
                services.roadmap_update(
                    roadmap=roadmap, actor=request.user, data=data, expected_version=expected
                )
            except services.EditConflict as conflict:
                form._extra_kwargs = {"instance": roadmap}  # type: ignore[attr-defined]
                return _conflict_page(
                    request,
                    template_context=_context(roadmap),
                    form=form,
                    conflict=conflict,
                    model=Roadmap,
                    action=request.path,
                    reload_url=request.path,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Le cadrage et la gouvernance sont enregistrés."))
                return redirect(_roadmap_url(roadmap))
    else:
        form = forms.RoadmapForm(instance=roadmap, initial={"lock_version": roadmap.lock_version})
    return render(request, "roadmaps/editing/roadmap_form.html", _context(roadmap, form=form))


@require_POST
@login_required
def comment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roadmap = access.get_roadmap_for_user(request.user, pk)
    if not access.may_comment_roadmap(request.user, roadmap):
        raise PermissionDenied(_("Vous ne pouvez pas commenter cette feuille de route."))
    form = forms.CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        try:
            services.roadmap_comment_create(
                roadmap=roadmap, actor=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Votre commentaire est publié."))
            return redirect(_roadmap_url(roadmap) + "#commentaires")
    return _detail_with_errors(request, roadmap, comment_form=form)


@require_POST
@login_required
def axis_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    form = forms.AxisForm(request.POST, prefix="axis")
    if form.is_valid():
        try:
            services.axis_create(roadmap=roadmap, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L’axe est ajouté."))
            return redirect(_roadmap_url(roadmap) + "#axes")
    return _detail_with_errors(request, roadmap, axis_form=form)


def _axis(roadmap: Roadmap, axis_pk: int) -> Axis:
    axis = get_object_or_404(Axis, pk=axis_pk, roadmap=roadmap)
    axis.roadmap = roadmap
    return axis


@login_required
@require_http_methods(["GET", "POST"])
def axis_edit(request: AuthenticatedHttpRequest, pk: int, axis_pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    axis = _axis(roadmap, axis_pk)
    choices = services.answer_choices_for(roadmap, request.user)
    if request.method == "POST":
        form = forms.AxisForm(request.POST, answers=choices)
        if form.is_valid():
            try:
                services.axis_update(axis=axis, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("L’axe est modifié."))
                return redirect(_roadmap_url(roadmap) + "#axes")
    else:
        form = forms.AxisForm(
            answers=choices,
            initial={
                "title": axis.title,
                "description": axis.description,
                "answers": list(choices.filter(answering_axes=axis).values_list("pk", flat=True)),
            },
        )
    return render(
        request,
        "roadmaps/editing/part_form.html",
        _context(roadmap, form=form, heading=_("Modifier l’axe"), cancel_url=_roadmap_url(roadmap)),
    )


@require_POST
@login_required
def axis_move(request: AuthenticatedHttpRequest, pk: int, axis_pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    services.axis_move(
        axis=_axis(roadmap, axis_pk), actor=request.user, up=request.POST.get("sens") == "haut"
    )
    return redirect(_roadmap_url(roadmap) + "#axes")


@require_POST
@login_required
def axis_delete(request: AuthenticatedHttpRequest, pk: int, axis_pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    try:
        services.axis_delete(axis=_axis(roadmap, axis_pk), actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("L’axe est supprimé."))
    return redirect(_roadmap_url(roadmap) + "#axes")


@require_POST
@login_required
def partner_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    form = forms.RoadmapPartnerForm(request.POST, prefix="partner")
    if form.is_valid():
        try:
            services.roadmap_partner_create(
                roadmap=roadmap, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le partenaire est ajouté."))
            return redirect(_roadmap_url(roadmap) + "#partenaires")
    return _detail_with_errors(request, roadmap, partner_form=form)


def _partner(roadmap: Roadmap, partner_pk: int) -> RoadmapPartner:
    partner = get_object_or_404(RoadmapPartner, pk=partner_pk, roadmap=roadmap)
    partner.roadmap = roadmap
    return partner


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: AuthenticatedHttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    partner = _partner(roadmap, partner_pk)
    if request.method == "POST":
        form = forms.RoadmapPartnerForm(request.POST)
        if form.is_valid():
            try:
                services.roadmap_partner_update(
                    partner=partner, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Le partenaire est modifié."))
                return redirect(_roadmap_url(roadmap) + "#partenaires")
    else:
        form = forms.RoadmapPartnerForm(initial={"name": partner.name, "role": partner.role})
    return render(
        request,
        "roadmaps/editing/part_form.html",
        _context(
            roadmap,
            form=form,
            heading=_("Modifier le partenaire"),
            cancel_url=_roadmap_url(roadmap),
        ),
    )


@require_POST
@login_required
def partner_move(request: AuthenticatedHttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    services.roadmap_partner_move(
        partner=_partner(roadmap, partner_pk),
        actor=request.user,
        up=request.POST.get("sens") == "haut",
    )
    return redirect(_roadmap_url(roadmap) + "#partenaires")


@require_POST
@login_required
def partner_delete(request: AuthenticatedHttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    partner = get_object_or_404(RoadmapPartner, pk=partner_pk, roadmap=roadmap)
    partner.roadmap = roadmap
    services.roadmap_partner_delete(partner=partner, actor=request.user)
    messages.success(request, _("Le partenaire est retiré."))
    return redirect(_roadmap_url(roadmap) + "#partenaires")


@require_POST
@login_required
def contract_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    form = forms.ContractLinkForm(request.POST, prefix="contract")
    if form.is_valid():
        try:
            services.contract_link_create(
                roadmap=roadmap, actor=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le contrat ou programme est ajouté."))
            return redirect(_roadmap_url(roadmap) + "#contrats")
    return _detail_with_errors(request, roadmap, contract_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request: AuthenticatedHttpRequest, pk: int, contract_pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    link = get_object_or_404(ContractLink, pk=contract_pk, roadmap=roadmap)
    link.roadmap = roadmap
    if request.method == "POST":
        form = forms.ContractLinkForm(request.POST, instance=link)
        if form.is_valid():
            try:
                services.contract_link_update(link=link, actor=request.user, data=form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Le contrat ou programme est modifié."))
                return redirect(_roadmap_url(roadmap) + "#contrats")
    else:
        form = forms.ContractLinkForm(instance=link)
    return render(
        request,
        "roadmaps/editing/part_form.html",
        _context(
            roadmap,
            form=form,
            heading=_("Modifier le contrat ou programme"),
            cancel_url=_roadmap_url(roadmap),
        ),
    )


@require_POST
@login_required
def contract_delete(request: AuthenticatedHttpRequest, pk: int, contract_pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    link = get_object_or_404(ContractLink, pk=contract_pk, roadmap=roadmap)
    link.roadmap = roadmap
    services.contract_link_delete(link=link, actor=request.user)
    messages.success(request, _("Le contrat ou programme est retiré."))
    return redirect(_roadmap_url(roadmap) + "#contrats")


@require_POST
@login_required
def attachment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES, prefix="file")
    if form.is_valid():
        try:
            services.roadmap_attachment_create(
                roadmap=roadmap,
                actor=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La pièce jointe est déposée."))
            return redirect(_roadmap_url(roadmap) + "#pieces-jointes")
    return _detail_with_errors(request, roadmap, attachment_form=form)


@require_safe
@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    roadmap = access.get_roadmap_for_user(request.user, pk)
    attachment = get_object_or_404(RoadmapAttachment, pk=attachment_pk, roadmap=roadmap)
    extension = attachment.original_name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=content_type_for(extension),
    )


@require_POST
@login_required
def attachment_delete(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    attachment = get_object_or_404(RoadmapAttachment, pk=attachment_pk, roadmap=roadmap)
    attachment.roadmap = roadmap
    services.roadmap_attachment_delete(attachment=attachment, actor=request.user)
    messages.success(request, _("La pièce jointe est retirée."))
    return redirect(_roadmap_url(roadmap) + "#pieces-jointes")


# Table and calendar -----------------------------------------------------------------------------


def _views_context(request: HttpRequest, pk: int) -> tuple[Roadmap, dict[str, Any]]:
    roadmap = access.get_roadmap_for_user(request.user, pk)
    filters = selectors.TableFilters.from_query(request.GET)
    sheets = list(selectors.table_sheets(roadmap=roadmap, filters=filters))
    return roadmap, _context(
        roadmap,
        sheets=sheets,
        filters=filters,
        choices=selectors.filter_choices(roadmap=roadmap),
        sorts=selectors.SORTS,
        query=request.GET.urlencode(),
    )


@require_safe
@login_required
def table(request: HttpRequest, pk: int) -> HttpResponse:
    _roadmap, context = _views_context(request, pk)
    return render(request, "roadmaps/editing/table.html", context)


@require_safe
@login_required
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap, context = _views_context(request, pk)
    context["calendar"] = selectors.calendar(roadmap=roadmap, sheets=context["sheets"])
    return render(request, "roadmaps/editing/calendar.html", context)


R = "espace/feuilles-de-route/<int:pk>/"
S = "espace/fiches-action/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path("espace/fabriques/<slug:slug>/feuilles-de-route/", fabrique_list, name="fabrique_list"),
    path(
        "espace/fabriques/<slug:slug>/feuilles-de-route/creer/<int:participation>/",
        roadmap_create,
        name="create",
    ),
    path(R, detail, name="detail"),
    path(R + "modifier/", roadmap_edit, name="edit"),
    path(R + "commenter/", comment_create, name="comment"),
    path(R + "axes/ajouter/", axis_create, name="axis_create"),
    path(R + "axes/<int:axis_pk>/modifier/", axis_edit, name="axis_edit"),
    path(R + "axes/<int:axis_pk>/deplacer/", axis_move, name="axis_move"),
    path(R + "axes/<int:axis_pk>/supprimer/", axis_delete, name="axis_delete"),
    path(R + "partenaires/ajouter/", partner_create, name="partner_create"),
    path(R + "partenaires/<int:partner_pk>/modifier/", partner_edit, name="partner_edit"),
    path(R + "partenaires/<int:partner_pk>/deplacer/", partner_move, name="partner_move"),
    path(R + "partenaires/<int:partner_pk>/supprimer/", partner_delete, name="partner_delete"),
    path(R + "contrats/ajouter/", contract_create, name="contract_create"),
    path(R + "contrats/<int:contract_pk>/modifier/", contract_edit, name="contract_edit"),
    path(R + "contrats/<int:contract_pk>/supprimer/", contract_delete, name="contract_delete"),
    path(R + "pieces-jointes/ajouter/", attachment_create, name="attachment_create"),
    path(R + "pieces-jointes/<int:attachment_pk>/", attachment_download, name="attachment"),
    path(
        R + "pieces-jointes/<int:attachment_pk>/supprimer/",
        attachment_delete,
        name="attachment_delete",
    ),
    path(R + "tableau/", table, name="table"),
    path(R + "calendrier/", calendar, name="calendar"),
    path(R + "fiches/ajouter/", sheets.sheet_create, name="sheet_create"),
    path(S, sheets.sheet_detail, name="sheet_detail"),
    path(S + "modifier/", sheets.sheet_edit, name="sheet_edit"),
    path(S + "supprimer/", sheets.sheet_delete, name="sheet_delete"),
    path(S + "etat/", sheets.sheet_status, name="sheet_status"),
    path(S + "historique/", sheets.sheet_history, name="sheet_history"),
    path(S + "commenter/", sheets.sheet_comment, name="sheet_comment"),
    path(S + "fiches-liees/", sheets.related_set, name="sheet_related"),
    path(S + "origines/", sheets.outcomes_set, name="sheet_outcomes"),
    path(S + "prospective/", sheets.answers_set, name="sheet_answers"),
    path(S + "redacteurs/ajouter/", sheets.editor_add, name="sheet_editor_add"),
    path(S + "redacteurs/<int:user_pk>/retirer/", sheets.editor_remove, name="sheet_editor_remove"),
    path(
        S + "indicateurs/<int:indicator_pk>/valeurs/ajouter/",
        sheets.value_create,
        name="value_create",
    ),
    path(S + "valeurs/<int:value_pk>/supprimer/", sheets.value_delete, name="value_delete"),
    path(S + "<slug:part>/ajouter/", sheets.part_create, name="part_create"),
    path(S + "<slug:part>/<int:row_pk>/modifier/", sheets.part_edit, name="part_edit"),
    path(S + "<slug:part>/<int:row_pk>/supprimer/", sheets.part_delete, name="part_delete"),
]
