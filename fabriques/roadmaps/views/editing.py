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
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors
from fabriques.deliverables.files import content_type_for
from fabriques.territories.models import Participation
from fabriques.workinggroups.access import may_manage_group

from .. import access
from ..forms import editing as forms
from ..models import (
    ActionSheet,
    Axis,
    ContractLink,
    Indicator,
    IndicatorValue,
    Roadmap,
    RoadmapAttachment,
    RoadmapPartner,
)
from ..selectors import editing as selectors
from ..services import editing as services

PART_LABELS = {
    "step": gettext_lazy("Étapes"),
    "partner": gettext_lazy("Partenaires"),
    "budget": gettext_lazy("Budget"),
    "funding": gettext_lazy("Plan de financement"),
    "indicator": gettext_lazy("Indicateurs"),
    "note": gettext_lazy("Notes"),
}
PART_SLUGS = {
    "etapes": "step",
    "partenaires": "partner",
    "budget": "budget",
    "financements": "funding",
    "indicateurs": "indicator",
    "notes": "note",
}
SLUG_OF_PART = {part: slug for slug, part in PART_SLUGS.items()}
CONFLICT_TITLE = gettext_lazy("Quelqu’un a modifié cette fiche pendant que vous la modifiiez")


def _roadmap_url(roadmap: Roadmap | int) -> str:
    pk = roadmap if isinstance(roadmap, int) else roadmap.pk
    return reverse("roadmaps:detail", args=[pk])


def _sheet_url(sheet: ActionSheet | int) -> str:
    pk = sheet if isinstance(sheet, int) else sheet.pk
    return reverse("roadmaps:sheet_detail", args=[pk])


def _context(roadmap: Roadmap, **extra: Any) -> dict[str, Any]:
    fabrique = roadmap.fabrique
    return {
        "workspace_nav": "fabriques",
        "fabrique": fabrique,
        "roadmap": roadmap,
        "list_url": reverse("roadmaps:fabrique_list", args=[fabrique.slug]),
        "roadmap_url": _roadmap_url(roadmap),
        **extra,
    }


def _write_roadmap(request: HttpRequest, pk: int) -> Roadmap:
    return access.get_roadmap_for_user(request.user, pk, write=True)


def _write_sheet(request: HttpRequest, pk: int) -> ActionSheet:
    return access.get_sheet_for_user(request.user, pk, write=True)


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
    page = selectors.roadmap_for_page(roadmap=roadmap)
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


def _conflict_page(
    request: HttpRequest,
    *,
    template_context: dict[str, Any],
    form: Any,
    conflict: services.EditConflict,
    model: type[models.Model],
    action: str,
    reload_url: str,
) -> HttpResponse:
    data = request.POST.copy()
    data["lock_version"] = str(conflict.lock_version)
    resubmit = type(form)(data, **getattr(form, "_extra_kwargs", {}))
    rows = selectors.conflict_rows(
        form_fields=form.fields, theirs=conflict.current, mine=form.cleaned_data, model=model
    )
    return render(
        request,
        "roadmaps/editing/conflict.html",
        {
            **template_context,
            "conflict_title": CONFLICT_TITLE,
            "rows": rows,
            "resubmit": resubmit,
            "action": action,
            "reload_url": reload_url,
        },
        status=409,
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
    if request.method == "POST":
        form = forms.AxisForm(request.POST)
        if form.is_valid():
            try:
                services.axis_update(axis=axis, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("L’axe est modifié."))
                return redirect(_roadmap_url(roadmap) + "#axes")
    else:
        form = forms.AxisForm(initial={"title": axis.title, "description": axis.description})
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


# Sheets -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def sheet_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roadmap = _write_roadmap(request, pk)
    if request.method == "POST":
        form = forms.SheetForm(request.POST, roadmap=roadmap)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("lock_version", None)
            try:
                sheet = services.sheet_create(roadmap=roadmap, actor=request.user, data=data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("La fiche action est créée."))
                return redirect(_sheet_url(sheet))
    else:
        form = forms.SheetForm(
            roadmap=roadmap,
            initial={"number": services.next_sheet_number(roadmap), "axis": request.GET.get("axe")},
        )
    return render(request, "roadmaps/editing/sheet_form.html", _context(roadmap, form=form))


def _sheet_context(request: HttpRequest, sheet: ActionSheet, **bound: Any) -> dict[str, Any]:
    page = selectors.sheet_for_page(sheet=sheet)
    roadmap = page.roadmap
    writes = access.may_write_sheet(request.user, sheet)
    writes_roadmap = access.may_write_roadmap(request.user, roadmap)
    part_forms = {
        part: bound.get(part) or form_class(prefix=part)
        for part, form_class in forms.PART_FORMS.items()
    }
    value_form = bound.get("value") or forms.IndicatorValueForm(prefix="value")
    context = _context(
        roadmap,
        sheet=page,
        missing=selectors.completeness(page),
        writes=writes,
        writes_roadmap=writes_roadmap,
        part_forms=part_forms,
        part_slugs=SLUG_OF_PART,
        value_form=value_form,
        status_form=bound.get("status")
        or forms.StatusForm(initial={"status": page.status, "changed_on": timezone.localdate()}),
    )
    if writes:
        context["related_form"] = forms.RelatedForm(
            sheet=page, initial={"related": [s.pk for s in page.related.all()]}
        )
        context["outcomes_form"] = forms.OutcomesForm(
            choices=services.outcome_choices(page),
            initial={"outcomes": [o.pk for o in page.outcomes.all()]},
        )
    if writes_roadmap:
        context["editor_form"] = bound.get("editor") or forms.EditorForm(
            members=services.invitable_members(page).exclude(user__in=page.editors.all())
        )
    return context


@require_safe
@login_required
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = access.get_sheet_for_user(request.user, pk)
    return render(request, "roadmaps/editing/sheet_detail.html", _sheet_context(request, sheet))


def _sheet_with_errors(request: HttpRequest, sheet: ActionSheet, **bound: Any) -> HttpResponse:
    messages.error(request, _("Le formulaire contient des erreurs : corrigez-les ci-dessous."))
    return render(
        request,
        "roadmaps/editing/sheet_detail.html",
        _sheet_context(request, sheet, **bound),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sheet_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = _write_sheet(request, pk)
    roadmap = sheet.roadmap
    if request.method == "POST":
        form = forms.SheetForm(request.POST, instance=sheet, roadmap=roadmap)
        form.fields["lock_version"].required = True
        if form.is_valid():
            data = dict(form.cleaned_data)
            expected = data.pop("lock_version")
            if data.get("number") is None:
                data.pop("number", None)
            try:
                services.sheet_update(
                    sheet=sheet, actor=request.user, data=data, expected_version=expected
                )
            except services.EditConflict as conflict:
                form._extra_kwargs = {"instance": sheet, "roadmap": roadmap}  # type: ignore[attr-defined]
                return _conflict_page(
                    request,
                    template_context=_context(roadmap, sheet=sheet),
                    form=form,
                    conflict=conflict,
                    model=ActionSheet,
                    action=request.path,
                    reload_url=request.path,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("La fiche action est enregistrée."))
                return redirect(_sheet_url(sheet))
    else:
        form = forms.SheetForm(
            instance=sheet, roadmap=roadmap, initial={"lock_version": sheet.lock_version}
        )
    return render(
        request, "roadmaps/editing/sheet_form.html", _context(roadmap, form=form, sheet=sheet)
    )


@require_POST
@login_required
def sheet_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = _write_sheet(request, pk)
    roadmap = sheet.roadmap
    if not access.may_write_roadmap(request.user, roadmap):
        raise PermissionDenied(
            _("Seules les personnes qui écrivent la feuille de route le peuvent.")
        )
    services.sheet_delete(sheet=sheet, actor=request.user)
    messages.success(request, _("La fiche action est supprimée."))
    return redirect(_roadmap_url(roadmap) + "#axes")


@require_POST
@login_required
def sheet_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = _write_sheet(request, pk)
    form = forms.StatusForm(request.POST)
    if form.is_valid():
        try:
            services.sheet_status_change(sheet=sheet, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L’état de la fiche est changé."))
            return redirect(_sheet_url(sheet) + "#etat")
    return _sheet_with_errors(request, sheet, status=form)


def _part_kind(slug: str) -> str:
    part = PART_SLUGS.get(slug)
    if part is None:
        raise Http404(access.SHEET_NOT_FOUND)
    return part


@require_POST
@login_required
def part_create(request: AuthenticatedHttpRequest, pk: int, part: str) -> HttpResponse:
    sheet = _write_sheet(request, pk)
    kind = _part_kind(part)
    form = forms.PART_FORMS[kind](request.POST, prefix=kind)
    if form.is_valid():
        try:
            services.sheet_part_create(
                sheet=sheet, actor=request.user, part=kind, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L’élément est ajouté à la fiche."))
            return redirect(_sheet_url(sheet) + f"#{part}")
    return _sheet_with_errors(request, sheet, **{kind: form})


def _part_row(sheet: ActionSheet, kind: str, row_pk: int) -> models.Model:
    model = services.PART_MODELS[kind]
    return get_object_or_404(model, pk=row_pk, sheet=sheet)


@login_required
@require_http_methods(["GET", "POST"])
def part_edit(request: AuthenticatedHttpRequest, pk: int, part: str, row_pk: int) -> HttpResponse:
    sheet = _write_sheet(request, pk)
    kind = _part_kind(part)
    row = _part_row(sheet, kind, row_pk)
    form_class = forms.PART_FORMS[kind]
    if request.method == "POST":
        form = form_class(request.POST, instance=row)
        if form.is_valid():
            try:
                services.sheet_part_update(
                    sheet=sheet, actor=request.user, row=row, data=form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("L’élément est modifié."))
                return redirect(_sheet_url(sheet) + f"#{part}")
    else:
        form = form_class(instance=row)
    return render(
        request,
        "roadmaps/editing/part_form.html",
        _context(
            sheet.roadmap,
            sheet=sheet,
            form=form,
            heading=_("%(part)s : modifier un élément") % {"part": PART_LABELS[kind]},
            cancel_url=_sheet_url(sheet),
        ),
    )


@require_POST
@login_required
def part_delete(request: AuthenticatedHttpRequest, pk: int, part: str, row_pk: int) -> HttpResponse:
    sheet = _write_sheet(request, pk)
    kind = _part_kind(part)
    services.sheet_part_delete(sheet=sheet, actor=request.user, row=_part_row(sheet, kind, row_pk))
    messages.success(request, _("L’élément est retiré de la fiche."))
    return redirect(_sheet_url(sheet) + f"#{part}")


@require_POST
@login_required
def value_create(request: AuthenticatedHttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    sheet = _write_sheet(request, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_pk, sheet=sheet)
    indicator.sheet = sheet
    form = forms.IndicatorValueForm(request.POST, prefix="value")
    if form.is_valid():
        try:
            services.indicator_value_create(
                indicator=indicator, actor=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La valeur est ajoutée."))
            return redirect(_sheet_url(sheet) + "#indicateurs")
    return _sheet_with_errors(request, sheet, value=form)


@require_POST
@login_required
def value_delete(request: AuthenticatedHttpRequest, pk: int, value_pk: int) -> HttpResponse:
    sheet = _write_sheet(request, pk)
    value = get_object_or_404(IndicatorValue, pk=value_pk, indicator__sheet=sheet)
    services.sheet_part_delete(sheet=sheet, actor=request.user, row=value)
    messages.success(request, _("La valeur est retirée."))
    return redirect(_sheet_url(sheet) + "#indicateurs")


@require_POST
@login_required
def related_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = _write_sheet(request, pk)
    form = forms.RelatedForm(request.POST, sheet=sheet)
    if not form.is_valid():
        return _sheet_with_errors(request, sheet)
    services.sheet_related_set(
        sheet=sheet, actor=request.user, related=form.cleaned_data["related"]
    )
    messages.success(request, _("Les fiches liées sont enregistrées."))
    return redirect(_sheet_url(sheet) + "#liens")


@require_POST
@login_required
def outcomes_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = _write_sheet(request, pk)
    form = forms.OutcomesForm(request.POST, choices=services.outcome_choices(sheet))
    if not form.is_valid():
        return _sheet_with_errors(request, sheet)
    services.sheet_outcomes_set(
        sheet=sheet, actor=request.user, outcomes=form.cleaned_data["outcomes"]
    )
    messages.success(request, _("Les rencontres à l’origine de la fiche sont enregistrées."))
    return redirect(_sheet_url(sheet) + "#origines")


def _roadmap_writer_sheet(request: HttpRequest, pk: int) -> ActionSheet:
    sheet = access.get_sheet_for_user(request.user, pk)
    if not access.may_write_roadmap(request.user, sheet.roadmap):
        raise PermissionDenied(
            _("Seules les personnes qui écrivent la feuille de route le peuvent.")
        )
    return sheet


@require_POST
@login_required
def editor_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = _roadmap_writer_sheet(request, pk)
    form = forms.EditorForm(request.POST, members=services.invitable_members(sheet))
    if form.is_valid():
        try:
            services.sheet_editor_add(
                sheet=sheet, actor=request.user, member=form.cleaned_data["member"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le membre peut maintenant rédiger cette fiche."))
            return redirect(_sheet_url(sheet) + "#redaction")
    return _sheet_with_errors(request, sheet, editor=form)


@require_POST
@login_required
def editor_remove(request: AuthenticatedHttpRequest, pk: int, user_pk: int) -> HttpResponse:
    sheet = _roadmap_writer_sheet(request, pk)
    user = get_object_or_404(sheet.editors.all(), pk=user_pk)
    services.sheet_editor_remove(sheet=sheet, actor=request.user, user=user)
    messages.success(request, _("L’invitation à rédiger la fiche est retirée."))
    return redirect(_sheet_url(sheet) + "#redaction")


@require_safe
@login_required
def sheet_history(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = access.get_sheet_for_user(request.user, pk)
    return render(
        request,
        "roadmaps/editing/sheet_history.html",
        _context(sheet.roadmap, sheet=sheet, entries=selectors.sheet_history(sheet=sheet)),
    )


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
    path(R + "partenaires/<int:partner_pk>/supprimer/", partner_delete, name="partner_delete"),
    path(R + "contrats/ajouter/", contract_create, name="contract_create"),
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
    path(R + "fiches/ajouter/", sheet_create, name="sheet_create"),
    path(S, sheet_detail, name="sheet_detail"),
    path(S + "modifier/", sheet_edit, name="sheet_edit"),
    path(S + "supprimer/", sheet_delete, name="sheet_delete"),
    path(S + "etat/", sheet_status, name="sheet_status"),
    path(S + "historique/", sheet_history, name="sheet_history"),
    path(S + "fiches-liees/", related_set, name="sheet_related"),
    path(S + "origines/", outcomes_set, name="sheet_outcomes"),
    path(S + "redacteurs/ajouter/", editor_add, name="sheet_editor_add"),
    path(S + "redacteurs/<int:user_pk>/retirer/", editor_remove, name="sheet_editor_remove"),
    path(S + "indicateurs/<int:indicator_pk>/valeurs/ajouter/", value_create, name="value_create"),
    path(S + "valeurs/<int:value_pk>/supprimer/", value_delete, name="value_delete"),
    path(S + "<slug:part>/ajouter/", part_create, name="part_create"),
    path(S + "<slug:part>/<int:row_pk>/modifier/", part_edit, name="part_edit"),
    path(S + "<slug:part>/<int:row_pk>/supprimer/", part_delete, name="part_delete"),
]
