"""Who may see and change calls and applications.

Applications hold personal data: only the person who filled one in and the managers of its
Fabrique (ANCT administrators and its pilots) ever see it. The Fabrique's provider, partners
and referents get the same 404 as strangers.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.roles import grants_for, manages_fabrique, sees_fabrique
from fabriques.programme.models import Fabrique

from .models import Application, ApplicationStatus, Call, CallState
from .selectors import review_queryset


@rules.predicate
def is_applicant(user: Any, application: Application) -> bool:
    return (
        application is not None
        and grants_for(user).is_authenticated
        and application.applicant_id == user.pk
    )


@rules.predicate
def manages_application(user: Any, application: Application) -> bool:
    return application is not None and grants_for(user).manages(application.call.fabrique_id)


@rules.predicate
def is_editable_draft(user: Any, application: Application) -> bool:
    return (
        application is not None
        and application.status == ApplicationStatus.DRAFT
        and application.call.state(timezone.now()) == CallState.OPEN
    )


rules.add_perm("calls.manage_call", manages_fabrique)
rules.add_perm("calls.see_application", is_applicant | manages_application)
rules.add_perm("calls.edit_application", is_applicant & is_editable_draft)
rules.add_perm("calls.review_application", manages_application)


def get_call_for_user(user: Any, fabrique_slug: str, *, write: bool = False) -> Call:
    """The Fabrique's call for its managers; unsaved (pk None) while not yet written.

    The back-office of a call is ANCT's alone: people with another role on the Fabrique get
    a 403, everyone else a 404 (`write` is accepted for the symmetry of access functions).
    """
    fabrique = Fabrique.objects.select_related("programme_year").filter(slug=fabrique_slug).first()
    if fabrique is None or not sees_fabrique(user, fabrique):
        raise Http404(_("Cette Fabrique n’existe pas ou vous n’y avez pas accès."))
    if not rules.has_perm("calls.manage_call", user, fabrique):
        raise PermissionDenied(_("Seule l’ANCT gère l’appel à volontaires et les candidatures."))
    call = Call.objects.filter(fabrique=fabrique).first()
    if call is None:
        call = Call(fabrique=fabrique)
    call.fabrique = fabrique
    return call


def get_application_for_user(
    user: Any, pk: int, *, write: bool = False, review: bool = False
) -> Application:
    """An application for its applicant or its Fabrique's managers; 404 for anyone else.

    `write`: change the content, for the applicant only, while it is a draft and the call
    is open. `review`: score and decide, for the managers only. Both give 403 to a person
    who sees the application but may not do this.
    """
    application = review_queryset().filter(pk=pk).first()
    if application is None or not rules.has_perm("calls.see_application", user, application):
        raise Http404(_("Cette candidature n’existe pas ou vous n’y avez pas accès."))
    # A draft is its author's own business until it is submitted.
    if application.status == ApplicationStatus.DRAFT and not is_applicant(user, application):
        raise Http404(_("Cette candidature n’existe pas ou vous n’y avez pas accès."))
    if write:
        require_edit(user, application)
    if review and not may_review(user, application):
        raise PermissionDenied(_("Seule l’ANCT évalue les candidatures."))
    return application


def require_edit(user: Any, application: Application) -> None:
    """403 unless the person may change the application's content now."""
    if not may_edit(user, application):
        raise PermissionDenied(
            _("Cette candidature ne peut plus être modifiée.")
            if is_applicant(user, application)
            else _("Seule la personne qui a rempli la candidature peut la modifier.")
        )


def may_edit(user: Any, application: Application) -> bool:
    return rules.has_perm("calls.edit_application", user, application)


def may_review(user: Any, application: Application) -> bool:
    return rules.has_perm("calls.review_application", user, application)
