"""The action sheet's editing pages: the sheet, its status, its parts, its links, its invited
editors, its comments and its history (routes listed in editing.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors

from .. import access
from ..forms import editing as forms
from ..models import (
    ActionSheet,
    Indicator,
    IndicatorValue,
)
from ..selectors import editing as selectors
from ..services import editing as services
from .editing_common import (
    PART_LABELS,
    PART_SLUGS,
    SLUG_OF_PART,
    _conflict_page,
    _context,
    _roadmap_url,
    _sheet_url,
    _write_roadmap,
    _write_sheet,
)

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
    page = selectors.sheet_for_page(sheet=sheet, user=request.user)
    roadmap = page.roadmap
    writes = access.may_write_sheet(request.user, sheet)
    writes_roadmap = access.may_write_roadmap(request.user, roadmap)
    part_forms = {
        part: bound.get(part) or form_class(prefix=part)
        for part, form_class in forms.PART_FORMS.items()
    }
    value_form = bound.get("value") or forms.IndicatorValueForm(prefix="value")
    notes = list(page.notes.all())
    context = _context(
        roadmap,
        sheet=page,
        notes=[note for note in notes if not note.is_comment],
        comments=[note for note in notes if note.is_comment],
        comments_allowed=access.may_comment_roadmap(request.user, roadmap),
        comment_form=bound.get("comment") or forms.CommentForm(prefix="comment"),
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
        context["answers_form"] = forms.AnswersForm(
            choices=services.answer_choices_for(roadmap, request.user),
            initial={"answers": [r.pk for r in page.answers.all()]},
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


@login_required
@require_http_methods(["GET", "POST"])
def sheet_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A confirmation page, then the deletion (its parts go with it; the history stays)."""
    sheet = _write_sheet(request, pk)
    roadmap = sheet.roadmap
    if not access.may_write_roadmap(request.user, roadmap):
        raise PermissionDenied(
            _("Seules les personnes qui écrivent la feuille de route le peuvent.")
        )
    if request.method == "GET":
        return render(request, "roadmaps/editing/sheet_delete.html", _context(roadmap, sheet=sheet))
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
    rows = model._default_manager.filter(sheet=sheet)
    if kind == "note":
        # Reviewers' comments are theirs: the writers' notes only.
        rows = rows.filter(is_comment=False)
    return get_object_or_404(rows, pk=row_pk)


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


@require_POST
@login_required
def answers_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = _write_sheet(request, pk)
    form = forms.AnswersForm(
        request.POST, choices=services.answer_choices_for(sheet.roadmap, request.user)
    )
    if not form.is_valid():
        return _sheet_with_errors(request, sheet)
    try:
        services.sheet_answers_set(
            sheet=sheet, actor=request.user, answers=form.cleaned_data["answers"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _sheet_with_errors(request, sheet)
    messages.success(request, _("Les résultats de la prospective cités sont enregistrés."))
    return redirect(_sheet_url(sheet) + "#prospective")


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


@require_POST
@login_required
def sheet_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = access.get_sheet_for_user(request.user, pk)
    if not access.may_comment_roadmap(request.user, sheet.roadmap):
        raise PermissionDenied(_("Vous ne pouvez pas commenter cette fiche action."))
    form = forms.CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        try:
            services.sheet_comment_create(
                sheet=sheet, actor=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Votre commentaire est publié."))
            return redirect(_sheet_url(sheet) + "#commentaires")
    return _sheet_with_errors(request, sheet, comment=form)


@require_safe
@login_required
def sheet_history(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = access.get_sheet_for_user(request.user, pk)
    return render(
        request,
        "roadmaps/editing/sheet_history.html",
        _context(sheet.roadmap, sheet=sheet, entries=selectors.sheet_history(sheet=sheet)),
    )
