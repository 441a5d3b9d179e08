"""The programme workspace: years, Fabriques, their design, calendar, team and history.

The status page belongs to the cycle app, which sits above this one.

Each view checks access with one function of access.py, then calls one selector or service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from fabriques.accounts.models import MembershipRole
from fabriques.accounts.roles import grants_for, manages_fabrique
from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors

from .access import (
    check_fabrique_create,
    get_fabrique_for_user,
    get_fabrique_organisation_for_user,
    get_team_membership_for_user,
    get_year_for_user,
    may_revoke_team_membership,
    require_admin,
    team_roles_for_user,
)
from .calendar import calendar_entries
from .forms import (
    FabriqueForm,
    MilestoneFormSet,
    MilestoneGenerateForm,
    OrganisationRoleForm,
    ProgrammeYearForm,
    TeamInviteForm,
)
from .models import Fabrique, Organisation, ProgrammeYear
from .selectors import (
    fabrique_history,
    fabrique_organisation_roles,
    fabrique_role_labels,
    fabrique_team,
    programme_years_overview,
    workspace_fabrique_detail,
    workspace_fabriques,
)
from .services import (
    DESIGN_FIELDS,
    DESIGN_M2M,
    fabrique_create,
    fabrique_organisation_add,
    fabrique_organisation_add_new,
    fabrique_organisation_remove,
    fabrique_team_invite,
    fabrique_team_revoke,
    fabrique_update,
    milestones_generate,
    milestones_save,
    programme_year_create,
    programme_year_update,
)
from .status import stepper

FABRIQUES_PER_PAGE = 30


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], **kwargs: Any
) -> HttpResponse:
    return render(request, f"programme/{template}", context, **kwargs)


# --- Programme years (administrators) ---------------------------------------------------


@login_required
@require_safe
def year_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    return _page(
        request,
        "year_list.html",
        {"years": list(programme_years_overview()), "workspace_nav": "years"},
    )


@login_required
def year_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = ProgrammeYearForm(request.POST or None, initial={"target_fabriques": 3})
    if request.method == "POST" and form.is_valid():
        try:
            programme_year = programme_year_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("L’année %(year)d a été créée.") % {"year": programme_year.year}
            )
            return redirect("programme:year_list")
    return _page(request, "year_form.html", {"form": form, "workspace_nav": "years"})


@login_required
def year_edit(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    programme_year = get_year_for_user(request.user, year)
    form = ProgrammeYearForm(
        request.POST or None,
        editing=True,
        initial={
            "target_fabriques": programme_year.target_fabriques,
            "declared_territories": programme_year.declared_territories,
        },
    )
    if request.method == "POST" and form.is_valid():
        programme_year_update(
            programme_year=programme_year, actor=request.user, **form.cleaned_data
        )
        messages.success(request, _("L’année %(year)d a été modifiée.") % {"year": year})
        return redirect("programme:year_list")
    return _page(
        request,
        "year_form.html",
        {"form": form, "programme_year": programme_year, "workspace_nav": "years"},
    )


# --- Fabriques ------------------------------------------------------------------------------


@login_required
@require_safe
def fabrique_list(request: HttpRequest) -> HttpResponse:
    grants = grants_for(request.user)
    page = Paginator(workspace_fabriques(grants=grants), FABRIQUES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [
        {"fabrique": fabrique, "roles": fabrique_role_labels(grants, fabrique.pk)}
        for fabrique in page.object_list
    ]
    return _page(
        request,
        "fabrique_list.html",
        {"page_obj": page, "rows": rows, "workspace_nav": "fabriques"},
    )


@login_required
def fabrique_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_fabrique_create(request.user)
    current = ProgrammeYear.objects.filter(year=timezone.localdate().year).first()
    form = FabriqueForm(request.POST or None, initial={"programme_year": current})
    if request.method == "POST" and form.is_valid():
        try:
            fabrique = fabrique_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("La Fabrique «\u00a0%(title)s\u00a0» a été créée au statut «\u00a0Idée\u00a0».")
                % {"title": fabrique.title},
            )
            return redirect("programme:fabrique_detail", slug=fabrique.slug)
    return _page(request, "fabrique_form.html", {"form": form, "workspace_nav": "fabriques"})


@login_required
@require_safe
def fabrique_detail(request: HttpRequest, slug: str) -> HttpResponse:
    fabrique = get_fabrique_for_user(request.user, slug)
    grants = grants_for(request.user)
    detail = workspace_fabrique_detail(fabrique=fabrique)
    return _page(
        request,
        "fabrique_detail.html",
        {
            "fabrique": fabrique,
            "detail": detail,
            # Milestones, and the workshops this person sees (registered by that app).
            "calendar": calendar_entries(
                fabrique=fabrique, user=request.user, milestones=detail.milestones
            ),
            "manages": manages_fabrique(request.user, fabrique),
            "my_roles": fabrique_role_labels(grants, fabrique.pk),
            "stepper": stepper(fabrique.status),
            "workspace_nav": "fabriques",
        },
    )


@login_required
def fabrique_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    fabrique = get_fabrique_for_user(request.user, slug, action="manage")
    initial = {name: getattr(fabrique, name) for name in DESIGN_FIELDS}
    if request.method != "POST":
        initial |= {name: list(getattr(fabrique, name).all()) for name in DESIGN_M2M}
    form = FabriqueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fabrique_update(fabrique=fabrique, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("La conception de la Fabrique a été enregistrée."))
            return redirect("programme:fabrique_detail", slug=fabrique.slug)
    return _page(
        request,
        "fabrique_form.html",
        {"form": form, "fabrique": fabrique, "workspace_nav": "fabriques"},
    )


# --- Organisations --------------------------------------------------------------------------


@login_required
def fabrique_organisations(request: HttpRequest, slug: str) -> HttpResponse:
    fabrique = get_fabrique_for_user(request.user, slug, action="manage")
    form = OrganisationRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "fabrique": fabrique,
            "role": data["role"],
            "actor": request.user,
            "amount": data["amount"],
            "contact_name": data["contact_name"],
        }
        try:
            if data["organisation"] is not None:
                role = fabrique_organisation_add(organisation=data["organisation"], **common)
            else:
                role = fabrique_organisation_add_new(
                    name=data["new_name"],
                    acronym=data["new_acronym"],
                    kind=data["new_kind"],
                    **common,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(organisation)s a désormais le rôle «\u00a0%(role)s\u00a0».")
                % {"organisation": role.organisation, "role": role.get_role_display()},
            )
            return redirect("programme:fabrique_organisations", slug=fabrique.slug)
    return _page(
        request,
        "fabrique_organisations.html",
        {
            "fabrique": fabrique,
            "roles": fabrique_organisation_roles(fabrique=fabrique),
            "form": form,
            "workspace_nav": "fabriques",
        },
    )


@login_required
@require_POST
def fabrique_organisation_remove_view(
    request: AuthenticatedHttpRequest, slug: str, pk: int
) -> HttpResponse:
    role = get_fabrique_organisation_for_user(request.user, slug, pk)
    try:
        fabrique_organisation_remove(fabrique_organisation=role, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(organisation)s n’a plus le rôle «\u00a0%(role)s\u00a0».")
            % {"organisation": role.organisation, "role": role.get_role_display()},
        )
    return redirect("programme:fabrique_organisations", slug=slug)


# --- Team -----------------------------------------------------------------------------------


@login_required
def fabrique_team_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    fabrique = get_fabrique_for_user(request.user, slug, action="manage")
    roles = team_roles_for_user(request.user, fabrique)
    organisations = Organisation.objects.filter(roles__fabrique=fabrique).distinct()
    form = TeamInviteForm(request.POST or None, roles=roles, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = fabrique_team_invite(fabrique=fabrique, actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(person)s a reçu le rôle «\u00a0%(role)s\u00a0» et en est informé(e) par courriel."
                )
                % {"person": user.display_name, "role": MembershipRole(data["role"]).label},
            )
            return redirect("programme:fabrique_team", slug=fabrique.slug)
    members = list(fabrique_team(fabrique=fabrique))
    return _page(
        request,
        "fabrique_team.html",
        {
            "fabrique": fabrique,
            "members": members,
            "revocable": {
                m.pk for m in members if may_revoke_team_membership(request.user, fabrique, m)
            },
            "form": form,
            "workspace_nav": "fabriques",
        },
    )


@login_required
@require_POST
def fabrique_team_revoke_view(
    request: AuthenticatedHttpRequest, slug: str, pk: int
) -> HttpResponse:
    fabrique, membership = get_team_membership_for_user(request.user, slug, pk)
    fabrique_team_revoke(fabrique=fabrique, membership=membership, actor=request.user)
    messages.success(
        request,
        _("%(person)s n’a plus le rôle «\u00a0%(role)s\u00a0».")
        % {"person": membership.user.display_name, "role": membership.get_role_display()},
    )
    return redirect("programme:fabrique_team", slug=slug)


# --- Calendar -------------------------------------------------------------------------------


@login_required
def fabrique_milestones(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    fabrique = get_fabrique_for_user(request.user, slug, action="manage")
    queryset = fabrique.milestones.order_by("date", "position", "id")
    formset = MilestoneFormSet(request.POST or None, queryset=queryset, prefix="jalons")
    if request.method == "POST" and formset.is_valid():
        changed = formset.save(commit=False)
        try:
            milestones_save(
                fabrique=fabrique,
                actor=request.user,
                milestones=changed,
                deleted=formset.deleted_objects,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Le calendrier a été enregistré."))
            return redirect("programme:fabrique_milestones", slug=fabrique.slug)
    return _page(
        request,
        "fabrique_milestones.html",
        {
            "fabrique": fabrique,
            "formset": formset,
            "has_milestones": bool(formset.get_queryset()),
            "generate_form": MilestoneGenerateForm(initial={"start": fabrique.start_month}),
            "workspace_nav": "fabriques",
        },
    )


@login_required
@require_POST
def fabrique_milestones_generate(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    fabrique = get_fabrique_for_user(request.user, slug, action="manage")
    form = MilestoneGenerateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        milestones = milestones_generate(
            fabrique=fabrique, actor=request.user, start=form.cleaned_data["start"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Le calendrier a été généré : %(count)d jalons, à ajuster selon la Fabrique.")
            % {"count": len(milestones)},
        )
    return redirect("programme:fabrique_milestones", slug=fabrique.slug)


# --- History --------------------------------------------------------------------------------


@login_required
@require_safe
def fabrique_history_view(request: HttpRequest, slug: str) -> HttpResponse:
    fabrique: Fabrique = get_fabrique_for_user(request.user, slug, action="manage")
    return _page(
        request,
        "fabrique_history.html",
        {
            "fabrique": fabrique,
            "history": fabrique_history(fabrique=fabrique),
            "workspace_nav": "fabriques",
        },
    )
