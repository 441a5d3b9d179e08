"""Invitations and registrations: the workspace's pages for the people who run a workshop
(invite, the list of people), and a working-group member's own space (`/mon-espace/`), which
the sign-in link of an invitation opens. Each view: access function, one service or selector,
render."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors
from fabriques.workinggroups.services import member_public_name_set

from .. import access
from ..forms.registrations import AnswerForm, InviteForm, PublicNameForm
from ..models import RegistrationStatus
from ..selectors import registrations as selectors
from ..services import registrations as services

PAGE_SIZE = 100


def _workspace_context(workshop: object, **extra: object) -> dict[str, object]:
    pk = getattr(workshop, "pk", None)
    return {
        "workspace_nav": "fabriques",
        "workshop": workshop,
        "detail_url": reverse("workshops:workshop_detail", args=[pk]),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_user(request.user, pk, manage=True)
    candidates = selectors.invitation_candidates(workshop=workshop)
    form = InviteForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.invitations_send(
                workshop=workshop, members=form.chosen(), actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = ngettext(
                "%(count)d personne invitée.", "%(count)d personnes invitées.", result.invited
            ) % {"count": result.invited}
            if result.already:
                message += " " + ngettext(
                    "%(count)d personne était déjà sur la liste : elle n’a pas été relancée.",
                    "%(count)d personnes étaient déjà sur la liste : elles n’ont pas été "
                    "relancées.",
                    result.already,
                ) % {"count": result.already}
            messages.success(request, message)
            return redirect("workshops:registrations", pk=workshop.pk)
    return render(
        request,
        "workshops/registrations/invite.html",
        _workspace_context(
            workshop,
            form=form,
            territories=selectors.by_territory(candidates),
            refusal=selectors.invitation_refusal(workshop),
        ),
    )


TABS = (
    (selectors.ListTab.REGISTERED, _("Inscrits")),
    (selectors.ListTab.WAITING, _("Liste d’attente")),
    (selectors.ListTab.INVITED, _("Invités sans réponse")),
    (selectors.ListTab.OTHERS, _("Désinscrits ou ayant décliné")),
)


@require_safe
@login_required
def registrations(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_user(request.user, pk, manage=True)
    tab = request.GET.get("liste", selectors.ListTab.REGISTERED)
    if tab not in selectors.TAB_STATUSES:
        tab = selectors.ListTab.REGISTERED
    counts = selectors.registration_counts(workshop=workshop)
    page = Paginator(
        selectors.registrations_in_tab(workshop=workshop, tab=tab), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "workshops/registrations/list.html",
        _workspace_context(
            workshop,
            tab=tab,
            tabs=[(key, label, counts[key]) for key, label in TABS],
            counts=counts,
            page_obj=page,
            rows=page.object_list,
            first_position=page.start_index(),
            territories=selectors.places_by_territory(workshop=workshop),
        ),
    )


# --- The member's own space ---------------------------------------------------------------


@require_safe
@login_required
def my_space(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "workshops/member/space.html",
        {
            "workspace_nav": "my_space",
            "space": selectors.member_space(user=request.user),
            "calendar_url": reverse("workshops:calendar_settings"),
        },
    )


@require_safe
@login_required
def my_workshop(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_user(request.user, pk)
    return render(
        request,
        "workshops/member/workshop.html",
        {
            "workspace_nav": "my_space",
            "page": selectors.member_workshop(user=request.user, workshop=workshop),
        },
    )


@require_POST
@login_required
def my_registration(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_user(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cette action n’est pas reconnue."))
        return redirect("workshops:my_workshop", pk=workshop.pk)
    action = form.cleaned_data["action"]
    member, registration = selectors.member_for_workshop(user=request.user, workshop=workshop)
    try:
        if action == "register":
            if member is None:
                raise ValidationError(
                    _(
                        "Seuls les membres actuels des groupes de travail peuvent s’inscrire "
                        "à cette rencontre."
                    )
                )
            registration = services.registration_request(
                workshop=workshop, member=member, actor=request.user
            )
            if registration.status == RegistrationStatus.REGISTERED:
                messages.success(request, _("Vous êtes inscrit(e) à cette rencontre."))
            else:
                messages.info(
                    request,
                    _("La rencontre est complète : vous êtes en liste d’attente."),
                )
        elif registration is None:
            raise ValidationError(_("Vous n’êtes pas sur la liste de cette rencontre."))
        elif action == "cancel":
            services.registration_cancel(registration=registration, actor=request.user)
            messages.success(request, _("Votre désinscription est enregistrée."))
        else:
            services.registration_decline(registration=registration, actor=request.user)
            messages.success(request, _("Vous avez décliné l’invitation."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("workshops:my_workshop", pk=workshop.pk)


@require_safe
@login_required
@never_cache
def my_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The check-in code of the person's registration as a QR code (SVG)."""
    registration = access.get_own_registration(request.user, pk)  # type: ignore[arg-type]
    if registration.status != RegistrationStatus.REGISTERED:
        raise Http404(access.NOT_FOUND)
    buffer = io.BytesIO()
    segno.make(registration.code, error="m").save(
        buffer,
        kind="svg",
        scale=8,
        border=2,
        dark="#161616",
        light="#ffffff",
        title=_("Code de pointage"),
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own choices as a member of working groups (named in public minutes)."""
    memberships = selectors.own_memberships(user=request.user)
    if request.method == "POST":
        form = PublicNameForm(request.POST)
        by_pk = {member.pk: member for member in memberships}
        if form.is_valid() and form.cleaned_data["member"] in by_pk:
            member_public_name_set(
                member=by_pk[form.cleaned_data["member"]],
                actor=request.user,
                opt_in=form.cleaned_data["public_name_opt_in"],
            )
            messages.success(request, _("Votre choix est enregistré."))
            return redirect("workshops:my_preferences")
        raise Http404(_("Ce groupe de travail n’existe pas ou vous n’y avez pas accès."))
    forms = [
        (
            member,
            PublicNameForm(
                initial={"member": member.pk, "public_name_opt_in": member.public_name_opt_in},
                auto_id=f"choix-{member.pk}-%s",
            ),
        )
        for member in memberships
    ]
    return render(
        request,
        "workshops/member/preferences.html",
        {"workspace_nav": "my_space", "forms": forms},
    )


urlpatterns: list[URLPattern] = [
    path("espace/rencontres/<int:pk>/inviter/", invite, name="invite"),
    path("espace/rencontres/<int:pk>/inscriptions/", registrations, name="registrations"),
    path("mon-espace/", my_space, name="my_space"),
    path("mon-espace/preferences/", my_preferences, name="my_preferences"),
    path("mon-espace/rencontres/<int:pk>/", my_workshop, name="my_workshop"),
    path("mon-espace/rencontres/<int:pk>/inscription/", my_registration, name="my_registration"),
    path("mon-espace/rencontres/<int:pk>/qr.svg", my_qr, name="my_qr"),
]
