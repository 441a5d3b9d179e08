"""Attendance pages of the workshops, for the people who run them, on a phone: check-in by
code or QR code, the roll call, walk-ins; the sign-in sheet (PDF) and the attendance export.

Each view: the access function, one service or selector, render.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors
from fabriques.core.pdf import render_pdf
from fabriques.workinggroups.imports import FORMULA_STARTS

from .. import access
from ..forms.attendance import (
    ATTENDANCE_BUTTONS,
    AttendanceForm,
    CheckInForm,
    NewcomerForm,
    WalkInForm,
)
from ..models import Registration, Workshop
from ..selectors import attendance as selectors
from ..services import attendance as services

# The check-in page may use the camera of this site only (the QR scanner); the rest of the
# site keeps the camera off (core.security.PERMISSIONS_POLICY).
CHECK_IN_PERMISSIONS_POLICY = "camera=(self)"
# Empty rows at the end of the sign-in sheet, for the people who come without registering.
SHEET_EMPTY_ROWS = 8


def _url(name: str, workshop: Workshop) -> str:
    return reverse(f"workshops:{name}", args=[workshop.pk])


def _context(workshop: Workshop, **extra: Any) -> dict[str, Any]:
    return {
        "workspace_nav": "fabriques",
        "workshop": workshop,
        "fabrique": workshop.fabrique,
        "check_in_open": services.check_in_is_open(workshop),
        "check_in_opens_at": services.check_in_opens_at(workshop),
        **extra,
    }


def _check_in_page(
    request: HttpRequest, workshop: Workshop, form: CheckInForm, *, status: int = 200
) -> HttpResponse:
    response = render(
        request,
        "workshops/attendance/check_in.html",
        _context(
            workshop,
            form=form,
            roll_call=selectors.roll_call(workshop=workshop),
            buttons=ATTENDANCE_BUTTONS,
        ),
        status=status,
    )
    response["Permissions-Policy"] = CHECK_IN_PERMISSIONS_POLICY
    return response


def _checked_in_message(registration: Registration, started: Any) -> str:
    name = registration.member.full_name
    checked = registration.checked_in_at
    if checked is not None and checked < started:
        return _("%(name)s était déjà pointé(e) présent(e), à %(time)s.") % {
            "name": name,
            "time": timezone.localtime(checked).strftime("%H\u00a0h\u00a0%M"),
        }
    return _("%(name)s est pointé(e) présent(e).") % {"name": name}


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_user(request.user, pk, manage=True)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            started = timezone.now()
            try:
                registration = services.attendance_check_in_by_code(
                    workshop=workshop, code=form.cleaned_data["code"], actor=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _checked_in_message(registration, started))
                return redirect(_url("check_in", workshop))
        return _check_in_page(request, workshop, form)
    return _check_in_page(request, workshop, CheckInForm())


@login_required
@require_POST
def attendance_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One line of the roll call: the person's presence, then back to the list at that line."""
    workshop = access.get_workshop_for_user(request.user, pk, manage=True)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ce pointage est incomplet : rien n’a été enregistré."))
        return redirect(_url("check_in", workshop) + "#appel")
    registration = (
        Registration.objects.select_related("member")
        .filter(workshop=workshop, pk=form.cleaned_data["registration"])
        .first()
    )
    if registration is None:
        raise Http404(_("Cette personne n’est pas sur la liste de la rencontre."))
    registration.workshop = workshop
    try:
        services.attendance_set(
            registration=registration,
            attendance=form.cleaned_data["attendance"],
            actor=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(name)s : %(attendance)s.")
            % {
                "name": registration.member.full_name,
                "attendance": registration.get_attendance_display(),
            },
        )
    return redirect(_url("check_in", workshop) + f"#personne-{registration.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def walk_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member who came without registering, or a person who is not a member yet."""
    workshop = access.get_workshop_for_user(request.user, pk, manage=True)
    candidates = selectors.walk_in_candidates(workshop=workshop)
    participations = services.walk_in_participations(workshop)
    member_form = WalkInForm(members=candidates)
    newcomer_form = NewcomerForm(participations=participations)
    if request.method == "POST":
        registration = None
        if "newcomer" in request.POST:
            newcomer_form = NewcomerForm(request.POST, participations=participations)
            if newcomer_form.is_valid():
                data = dict(newcomer_form.cleaned_data)
                participation = data.pop("participation")
                try:
                    registration = services.walk_in_newcomer_add(
                        workshop=workshop,
                        participation=participation,
                        data=data,
                        actor=request.user,
                    )
                except ValidationError as error:
                    add_service_errors(newcomer_form, error)
        else:
            member_form = WalkInForm(request.POST, members=candidates)
            if member_form.is_valid():
                try:
                    registration = services.walk_in_add(
                        workshop=workshop,
                        member=member_form.cleaned_data["member"],
                        actor=request.user,
                    )
                except ValidationError as error:
                    add_service_errors(member_form, error)
        if registration is not None:
            messages.success(
                request,
                _("%(name)s est pointé(e) présent(e), venu(e) sans inscription.")
                % {"name": registration.member.full_name},
            )
            return redirect(_url("check_in", workshop))
    return render(
        request,
        "workshops/attendance/walk_in.html",
        _context(
            workshop,
            member_form=member_form,
            newcomer_form=newcomer_form,
            has_candidates=candidates.exists(),
        ),
    )


def _sheet_filename(workshop: Workshop) -> str:
    """emargement-2026-12-04-atelier-mobilites.pdf: the day (Paris time), then the title."""
    day = timezone.localtime(workshop.starts_at).date().isoformat()
    slug = slugify(workshop.title)[:60].strip("-") or f"rencontre-{workshop.pk}"
    return f"emargement-{day}-{slug}.pdf"


@require_safe
@login_required
def sign_in_sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The sign-in sheet to print and sign: a tagged PDF (PDF/UA-1)."""
    workshop = access.get_workshop_for_user(request.user, pk, manage=True)
    rows = selectors.sign_in_sheet_rows(workshop=workshop)
    pdf = render_pdf(
        "workshops/attendance/sign_in_sheet.html",
        _context(workshop, rows=rows, empty_rows=range(SHEET_EMPTY_ROWS)),
    )
    services.attendance_list_record(
        workshop=workshop, actor=request.user, kind="sheet", count=len(rows)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_sheet_filename(workshop)}"'
    response["Cache-Control"] = "no-store"
    return response


EXPORT_HEADER = (
    "nom",
    "prenom",
    "organisation",
    "famille",
    "territoire",
    "inscription",
    "presence",
    "sans_inscription",
    "pointe_le",
)


def _inert(cell: str) -> str:
    """A cell a spreadsheet would run as a formula is written as text (as the group export)."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def _export_csv(rows: list[Registration]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    for row in rows:
        member = row.member
        checked = row.checked_in_at
        writer.writerow(
            [
                _inert(cell)
                for cell in (
                    member.last_name,
                    member.first_name,
                    member.organisation_name,
                    str(member.get_family_display()),
                    member.working_group.participation.label,
                    str(row.get_status_display()),
                    str(row.get_attendance_display()),
                    _("oui") if row.walk_in else _("non"),
                    timezone.localtime(checked).strftime("%Y-%m-%d %H:%M") if checked else "",
                )
            ]
        )
    return out.getvalue()


@require_safe
@login_required
def attendance_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The workshop's list with each person's presence (CSV for a French spreadsheet)."""
    workshop = access.get_workshop_for_user(request.user, pk, manage=True)
    rows = selectors.attendance_rows(workshop=workshop)
    services.attendance_list_record(
        workshop=workshop, actor=request.user, kind="export", count=len(rows)
    )
    response = HttpResponse(_export_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="presences-rencontre-{workshop.pk}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("espace/rencontres/<int:pk>/pointage/", check_in, name="check_in"),
    path("espace/rencontres/<int:pk>/pointage/appel/", attendance_set, name="attendance_set"),
    path("espace/rencontres/<int:pk>/pointage/sans-inscription/", walk_in, name="walk_in"),
    path("espace/rencontres/<int:pk>/emargement.pdf", sign_in_sheet, name="sign_in_sheet"),
    path("espace/rencontres/<int:pk>/presences.csv", attendance_export, name="attendance_export"),
]
