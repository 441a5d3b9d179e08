"""Pages of a territory's working group, under the workspace: list, member form, leave,
import and export. Each view: access function, one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors
from fabriques.territories.models import Participation

from . import access, imports, selectors, services
from .forms import ImportForm, LeaveForm, MemberForm
from .models import GroupRole, JoinedHow, LawfulBasis, Member

PAGE_SIZE = 100
IMPORT_SALT = "workinggroups.import"
# A preview is confirmed within the hour, by the person who made it, for the same group.
IMPORT_MAX_AGE = 3600


def _group_url(participation: Participation) -> str:
    return reverse("workinggroups:group", args=[participation.fabrique.slug, participation.pk])


def _context(participation: Participation, **extra: Any) -> dict[str, Any]:
    return {
        "workspace_nav": "fabriques",
        "fabrique": participation.fabrique,
        "participation": participation,
        "group_url": _group_url(participation),
        **extra,
    }


@require_safe
@login_required
def group(request: HttpRequest, slug: str, participation: int) -> HttpResponse:
    territory = access.get_participation_for_user(request.user, slug, participation)
    working_group = selectors.working_group_of(participation=territory)
    show_all = request.GET.get("membres") == "tous"
    members = selectors.group_members(group=working_group, current_only=not show_all)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    current, left = selectors.member_totals(group=working_group)
    return render(
        request,
        "workinggroups/group.html",
        _context(
            territory,
            group=working_group,
            page_obj=page,
            members=page.object_list,
            show_all=show_all,
            current_count=current,
            left_count=left,
            families=selectors.family_counts(group=working_group),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedHttpRequest, slug: str, participation: int) -> HttpResponse:
    territory = access.get_participation_for_user(request.user, slug, participation)
    if request.method == "POST":
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                member = services.member_add(
                    participation=territory, actor=request.user, data=form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s a été ajouté(e) au groupe de travail.")
                    % {"name": member.full_name},
                )
                return redirect(_group_url(territory))
    else:
        form = MemberForm(
            initial={
                "joined_on": timezone.localdate(),
                "role": GroupRole.MEMBER,
                "joined_how": JoinedHow.INVITATION,
                "lawful_basis": LawfulBasis.PUBLIC_INTEREST,
            }
        )
    return render(request, "workinggroups/member_form.html", _context(territory, form=form))


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(
    request: AuthenticatedHttpRequest, slug: str, participation: int, pk: int
) -> HttpResponse:
    member = access.get_member_for_user(request.user, slug, participation, pk)
    territory = member.working_group.participation
    if request.method == "POST":
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                services.member_update(member=member, actor=request.user, data=form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Les informations du membre sont enregistrées."))
                return redirect(_group_url(territory))
    else:
        form = MemberForm(initial=MemberForm.initial_for(member))
    return render(
        request, "workinggroups/member_form.html", _context(territory, form=form, member=member)
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(
    request: AuthenticatedHttpRequest, slug: str, participation: int, pk: int
) -> HttpResponse:
    """A confirmation page, then the leave: the member stays in the list of all members."""
    member = access.get_member_for_user(request.user, slug, participation, pk)
    territory = member.working_group.participation
    if member.left_on is not None:
        messages.info(request, _("Ce membre a déjà quitté le groupe."))
        return redirect(_group_url(territory))
    if request.method == "POST":
        form = LeaveForm(request.POST)
        if form.is_valid():
            try:
                services.member_leave(
                    member=member, actor=request.user, left_on=form.cleaned_data["left_on"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Le départ de %(name)s est enregistré ; son historique est conservé.")
                    % {"name": member.full_name},
                )
                return redirect(_group_url(territory))
    else:
        form = LeaveForm(initial={"left_on": timezone.localdate()})
    return render(
        request, "workinggroups/member_leave.html", _context(territory, form=form, member=member)
    )


@login_required
@require_POST
def member_rejoin(
    request: AuthenticatedHttpRequest, slug: str, participation: int, pk: int
) -> HttpResponse:
    member = access.get_member_for_user(request.user, slug, participation, pk)
    territory = member.working_group.participation
    try:
        services.member_rejoin(member=member, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(name)s fait de nouveau partie du groupe.") % {"name": member.full_name}
        )
    return redirect(_group_url(territory) + "?membres=tous")


def _existing_emails(territory: Participation) -> set[str]:
    return {
        email.lower()
        for email in Member.objects.filter(
            working_group__participation=territory, left_on__isnull=True
        ).values_list("email", flat=True)
    }


@login_required
@require_http_methods(["GET", "POST"])
def members_import(
    request: AuthenticatedHttpRequest, slug: str, participation: int
) -> HttpResponse:
    """Upload → preview (nothing written) → confirm (every row written, or none)."""
    territory = access.get_participation_for_user(request.user, slug, participation)
    preview: imports.ImportPreview | None = None
    token = ""
    form = ImportForm()
    if request.method == "POST" and "confirm" in request.POST:
        try:
            payload = signing.loads(
                request.POST.get("confirm", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
            )
            if payload["participation"] != territory.pk or payload["user"] != request.user.pk:
                raise signing.BadSignature
        except (signing.BadSignature, KeyError, TypeError):
            messages.error(
                request,
                _("Cet aperçu a expiré ou n’est plus valable : déposez le fichier de nouveau."),
            )
            return redirect(reverse("workinggroups:members_import", args=[slug, participation]))
        preview = imports.rows_from_payload([(line, data) for line, data in payload["rows"]])
        if preview.is_valid:
            try:
                created = services.members_import(
                    participation=territory, actor=request.user, rows=preview.rows
                )
            except ValidationError as error:
                preview.errors.extend(imports.LineError(0, "", m) for m in error.messages)
            else:
                messages.success(
                    request,
                    _("%(count)d membre(s) importé(s) dans le groupe de travail.")
                    % {"count": len(created)},
                )
                return redirect(_group_url(territory))
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            raw = form.cleaned_data["file"].read(imports.MAX_BYTES + 1)
            preview = imports.parse_members_file(raw, existing_emails=_existing_emails(territory))
            if preview.is_valid:
                token = signing.dumps(
                    {
                        "participation": territory.pk,
                        "user": request.user.pk,
                        "rows": preview.payload,
                    },
                    salt=IMPORT_SALT,
                    compress=True,
                )
    return render(
        request,
        "workinggroups/members_import.html",
        _context(
            territory,
            form=form,
            preview=preview,
            token=token,
            columns=imports.COLUMNS,
            choice_lists=_choice_lists(),
        ),
    )


def _choice_lists() -> list[tuple[str, list[str]]]:
    return [
        (header, [str(label) for _code, label in imports.CHOICES[field].choices])
        for header, field in (
            ("famille", "family"),
            ("role", "role"),
            ("mode_entree", "joined_how"),
            ("base_legale", "lawful_basis"),
            ("genre", "gender"),
            ("tranche_age", "age_band"),
        )
    ]


@require_safe
@login_required
def import_template(request: HttpRequest, slug: str, participation: int) -> HttpResponse:
    access.get_participation_for_user(request.user, slug, participation)
    return _download(
        imports.template_xlsx() if request.GET.get("format") == "xlsx" else imports.template_csv(),
        "modele-groupe-de-travail",
        xlsx=request.GET.get("format") == "xlsx",
    )


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: str | bytes, name: str, *, xlsx: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE if xlsx else "text/csv; charset=utf-8")
    extension = "xlsx" if xlsx else "csv"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


@login_required
@require_POST
def members_export(
    request: AuthenticatedHttpRequest, slug: str, participation: int
) -> HttpResponse:
    """A POST: the download of personal data is recorded in the audit trail."""
    territory = access.get_participation_for_user(request.user, slug, participation)
    working_group = selectors.working_group_of(participation=territory)
    members = list(selectors.group_members(group=working_group, current_only=False))
    services.working_group_export_record(
        participation=territory, actor=request.user, count=len(members)
    )
    xlsx = request.POST.get("format") == "xlsx"
    response = _download(
        imports.members_xlsx(members) if xlsx else imports.members_csv(members),
        f"groupe-de-travail-{territory.pk}",
        xlsx=xlsx,
    )
    response["Cache-Control"] = "no-store"
    return response
