"""minutes pages of the workshops (see urls.py): the minutes, their form, their workflow and
comments, the public minutes, and the actions to follow. Each view: access function, one
service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors

from .. import access
from ..forms.minutes import (
    ActionFilterForm,
    ActionStatusForm,
    BaseOutcomeFormSet,
    CommentForm,
    MinutesForm,
    OutcomeForm,
    OutcomeFormSet,
    TransitionForm,
)
from ..models import MinutesStatus, Outcome, OutcomeKind
from ..selectors import minutes as selectors
from ..services import minutes as services

ACTIONS_PER_PAGE = 50


def _minutes_url(pk: int) -> str:
    return reverse("workshops:minutes", args=[pk])


@require_safe
@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_minutes_for_user(request.user, pk)
    page = selectors.minutes_page(minutes=record, user=request.user)
    comment_form = None
    if page.may_comment:
        comment_form = CommentForm()
        comment_form.fields["outcome"].choices = [  # type: ignore[attr-defined]
            ("", _("Le compte rendu dans son ensemble")),
            *((o.pk, o.text[:80]) for o in page.outcomes),
        ]
    return render(
        request,
        "workshops/minutes/minutes.html",
        {
            "workspace_nav": "fabriques",
            "workshop": record.workshop,
            "page": page,
            "comment_form": comment_form,
            "transition_form": TransitionForm(),
            "may_validate": services.may_validate_minutes(request.user, record.workshop),
            "comments_open": record.comments_until is not None
            and record.comments_until > timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = access.get_minutes_for_user(request.user, pk, write=True)
    workshop = record.workshop
    if record.status not in services.EDITABLE_STATUSES:
        raise PermissionDenied(
            _("Un compte rendu validé ou publié ne se modifie plus : rouvrez-le d’abord.")
        )
    agenda = selectors.agenda_choices(workshop=workshop)
    owners = selectors.owner_choices(workshop=workshop)
    formset: BaseOutcomeFormSet
    if request.method == "POST":
        form = MinutesForm(request.POST)
        formset = OutcomeFormSet(request.POST, prefix="suites", agenda=agenda, owners=owners)
        if form.is_valid() and formset.is_valid():
            try:
                services.minutes_save(
                    workshop=workshop,
                    actor=request.user,
                    data=form.cleaned_data,
                    outcomes=formset.outcomes(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Le compte rendu est enregistré."))
                return redirect(_minutes_url(workshop.pk))
    else:
        if record.pk is None:
            record = services.minutes_new(workshop=workshop)
            initial_outcomes = []
        else:
            initial_outcomes = [
                OutcomeForm.initial_for(o)
                for o in selectors.minutes_page(minutes=record, user=request.user).outcomes
            ]
        form = MinutesForm(initial={"body": record.body, "visibility": record.visibility})
        formset = OutcomeFormSet(
            initial=initial_outcomes, prefix="suites", agenda=agenda, owners=owners
        )
    return render(
        request,
        "workshops/minutes/minutes_form.html",
        {"workspace_nav": "fabriques", "workshop": workshop, "form": form, "formset": formset},
    )


@login_required
@require_POST
def minutes_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = access.get_minutes_for_user(request.user, pk)
    workshop = record.workshop
    if record.pk is None or not (
        access.may_manage_workshop(request.user, workshop)
        or services.may_validate_minutes(request.user, workshop)
    ):
        raise PermissionDenied(_("Seules les personnes qui animent cette rencontre le peuvent."))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(_minutes_url(pk))
    to = form.cleaned_data["to"]
    try:
        services.minutes_transition(
            minutes=record,
            to=to,
            actor=request.user,
            comment_days=form.cleaned_data["comment_days"],
            early=form.cleaned_data["early"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _DONE[to])
    return redirect(_minutes_url(pk))


_DONE = {
    MinutesStatus.SHARED: _(
        "Le compte rendu est soumis aux participants ; ils ont reçu un courriel."
    ),
    MinutesStatus.VALIDATED: _("Le compte rendu est validé."),
    MinutesStatus.PUBLISHED: _("Le compte rendu est publié."),
    MinutesStatus.DRAFT: _("Le compte rendu est revenu au brouillon."),
}


@login_required
@require_POST
def minutes_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = access.get_minutes_for_user(request.user, pk)
    if record.pk is None:
        raise Http404(access.MINUTES_NOT_FOUND)
    form = CommentForm(request.POST, outcomes=Outcome.objects.filter(minutes=record))
    if form.is_valid():
        try:
            services.minutes_comment_add(
                minutes=record,
                actor=request.user,
                text=form.cleaned_data["text"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Votre commentaire est enregistré."))
    else:
        for errors in form.errors.values():
            for error_message in errors:
                messages.error(request, str(error_message))
    return redirect(_minutes_url(pk) + "#commentaires")


@require_safe
def public_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.public_minutes(workshop_pk=pk)
    outcomes = selectors.group_outcomes(list(record.outcomes.select_related("owner_member")))
    return render(
        request,
        "workshops/minutes/public_minutes.html",
        {
            "minutes": record,
            "workshop": record.workshop,
            "groups": outcomes,
            "attendees": selectors.public_attendees(workshop=record.workshop),
        },
    )


@require_safe
@login_required
def actions(request: HttpRequest) -> HttpResponse:
    form = ActionFilterForm(request.GET or None)
    status = form.cleaned_data["statut"] if form.is_valid() else ""
    page = Paginator(
        selectors.actions_for_user(user=request.user, status=status or None), ACTIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "workshops/minutes/actions.html",
        {
            "workspace_nav": "dashboard",
            "form": form,
            "page_obj": page,
            "actions": page.object_list,
            "today": timezone.localdate(),
            "status_form": ActionStatusForm(),
            "status": status,
        },
    )


@login_required
@require_POST
def action_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    outcome = (
        Outcome.objects.select_related("minutes__workshop")
        .filter(pk=pk, kind=OutcomeKind.ACTION)
        .first()
    )
    if outcome is None:
        raise Http404(access.MINUTES_NOT_FOUND)
    # The minutes' access function decides: 404 for those who do not read them, 403 for
    # readers who do not run the workshop.
    access.get_minutes_for_user(request.user, outcome.minutes.workshop_id, write=True)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.action_update(
                outcome=outcome, actor=request.user, status=form.cleaned_data["action_status"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("L’avancement de l’action est enregistré."))
    else:
        messages.error(request, _("Choisissez un avancement."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/espace/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(reverse("workshops:actions"))


urlpatterns: list[URLPattern] = [
    path("espace/rencontres/<int:pk>/compte-rendu/", minutes, name="minutes"),
    path("espace/rencontres/<int:pk>/compte-rendu/modifier/", minutes_edit, name="minutes_edit"),
    path(
        "espace/rencontres/<int:pk>/compte-rendu/etat/",
        minutes_transition,
        name="minutes_transition",
    ),
    path(
        "espace/rencontres/<int:pk>/compte-rendu/commenter/",
        minutes_comment,
        name="minutes_comment",
    ),
    path("comptes-rendus/<int:pk>/", public_minutes, name="public_minutes"),
    path("espace/actions/", actions, name="actions"),
    path("espace/actions/<int:pk>/", action_update, name="action_update"),
]
