"""Who may see and change calls and applications.

Applications hold personal data: only the person who filled one in and the managers of its
Fabrique (ANCT administrators and its pilots) ever see it. The Fabrique's provider, partners
and referents get the same 404 as strangers.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.roles import grants_for, manages_fabrique, sees_fabrique
from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique

from .models import Application, ApplicationStatus, Call, CallState
from .selectors import review_queryset


def is_applicant(user: Person, application: Application) -> bool:
    return grants_for(user).is_authenticated and application.applicant_id == user.pk


def manages_application(user: Person, application: Application) -> bool:
    return grants_for(user).manages(application.call.fabrique_id)


def is_editable_draft(application: Application) -> bool:
    return (
        application.status == ApplicationStatus.DRAFT
        and application.call.state(timezone.now()) == CallState.OPEN
    )


def may_manage_call(user: Person, fabrique: Fabrique) -> bool:
    return manages_fabrique(user, fabrique)


def may_see_application(user: Person, application: Application) -> bool:
    return is_applicant(user, application) or manages_application(user, application)


def may_edit_application(user: Person, application: Application) -> bool:
    return is_applicant(user, application) and is_editable_draft(application)


def may_review_application(user: Person, application: Application) -> bool:
    return manages_application(user, application)


def may_list_received_applications(user: Person) -> bool:
    """ANCT staff: an administrator (every call) or a pilot (their Fabriques' calls)."""
    return grants_for(user).is_anct


def require_received_applications(user: Person) -> None:
    """403 for a signed-in person without an ANCT role (a page of a role, not of an object)."""
    if not may_list_received_applications(user):
        raise PermissionDenied(_("Seule l’ANCT consulte les candidatures reçues."))


def get_call_for_user(user: Person, fabrique_slug: str, *, write: bool = False) -> Call:
    """The Fabrique's call for its managers; unsaved (pk None) while not yet written.

    The back-office of a call is ANCT's alone: people with another role on the Fabrique get
    a 403, everyone else a 404 (`write` is accepted for the symmetry of access functions).
    """
    fabrique = Fabrique.objects.select_related("programme_year").filter(slug=fabrique_slug).first()
    if fabrique is None or not sees_fabrique(user, fabrique):
        raise Http404(_("Cette Fabrique n’existe pas ou vous n’y avez pas accès."))
    if not may_manage_call(user, fabrique):
        raise PermissionDenied(_("Seule l’ANCT gère l’appel à volontaires et les candidatures."))
    call = Call.objects.filter(fabrique=fabrique).first()
    if call is None:
        call = Call(fabrique=fabrique)
    call.fabrique = fabrique
    return call


def get_application_for_user(
    user: Person, pk: int, *, write: bool = False, review: bool = False
) -> Application:
    """An application for its applicant or its Fabrique's managers; 404 for anyone else.

    `write`: change the content, for the applicant only, while it is a draft and the call
    is open. `review`: score and decide, for the managers only. Both give 403 to a person
    who sees the application but may not do this.
    """
    application = review_queryset().filter(pk=pk).first()
    if application is None or not may_see_application(user, application):
        raise Http404(_("Cette candidature n’existe pas ou vous n’y avez pas accès."))
    # A draft is its author's own business until it is submitted.
    if application.status == ApplicationStatus.DRAFT and not is_applicant(user, application):
        raise Http404(_("Cette candidature n’existe pas ou vous n’y avez pas accès."))
    if write:
        require_edit(user, application)
    if review and not may_review_application(user, application):
        raise PermissionDenied(_("Seule l’ANCT évalue les candidatures."))
    return application


def require_edit(user: Person, application: Application) -> None:
    """403 unless the person may change the application's content now."""
    if not may_edit_application(user, application):
        raise PermissionDenied(
            _("Cette candidature ne peut plus être modifiée.")
            if is_applicant(user, application)
            else _("Seule la personne qui a rempli la candidature peut la modifier.")
        )
