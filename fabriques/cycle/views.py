"""The status page of a Fabrique: the moves it may make, what each still lacks, and the move."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.programme.access import get_fabrique_for_user
from fabriques.programme.status import stepper

from .forms import TransitionForm
from .services import (
    ConfirmationRequired,
    TransitionError,
    allowed_transitions,
    fabrique_transition,
)


@login_required
def fabrique_transition_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    fabrique = get_fabrique_for_user(request.user, slug, action="manage")
    problems: list[str] = []
    unconfirmed = ""
    form = TransitionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                fabrique = fabrique_transition(
                    fabrique=fabrique,
                    to_status=form.cleaned_data["to_status"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    confirmed=form.cleaned_data["confirmed"],
                )
            except ConfirmationRequired:
                unconfirmed = form.cleaned_data["to_status"]
                problems = [_("Cochez la case de confirmation : ce passage a des conséquences.")]
            except TransitionError as exc:
                problems = exc.problems
            else:
                messages.success(
                    request,
                    _("La Fabrique est passée au statut «\u00a0%(status)s\u00a0».")
                    % {"status": fabrique.get_status_display()},
                )
                return redirect("programme:fabrique_detail", slug=fabrique.slug)
        else:
            problems = [str(e) for errors in form.errors.values() for e in errors]
    return render(
        request,
        "cycle/fabrique_transition.html",
        {
            "fabrique": fabrique,
            "options": allowed_transitions(fabrique),
            "stepper": stepper(fabrique.status),
            "problems": problems,
            "unconfirmed": unconfirmed,
            "posted": form.data if request.method == "POST" else {},
            "workspace_nav": "fabriques",
        },
    )
