"""Reads of the calendar feeds: the feed of a token, and the workshops each feed lists.

The person's feed: the workshops they are invited, registered or waiting to through their
current working-group memberships, plus, for the staff of Fabriques (pilots, provider
consultants, referents, partners), the workshops they see in those Fabriques. Cancelled ones
stay, with STATUS:CANCELLED, so that calendars that hold them remove them. A fixed number of
queries whatever the number of workshops.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fabriques.accounts.roles import grants_for
from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique

from ..access import member_scope, visibility_condition
from ..models import CalendarFeed, RegistrationStatus, Workshop
from ..services.calendar import token_hash

# Statuses that put a workshop in the member's calendar.
IN_CALENDAR = (
    RegistrationStatus.INVITED,
    RegistrationStatus.REGISTERED,
    RegistrationStatus.WAITING,
)


def feed_by_token(token: str) -> CalendarFeed | None:
    if not token:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_hash(token), user__is_active=True)
        .first()
    )


def feed_of(*, user: Person) -> CalendarFeed | None:
    if not user.is_authenticated:
        return None
    return CalendarFeed.objects.filter(user=user).first()


def _staff_fabrique_ids(user: Person) -> frozenset[int] | None:
    """The Fabriques whose workshops the person sees as staff; None: all (administrators)."""
    grants = grants_for(user)
    if grants.is_admin:
        return None
    return (
        grants.piloted
        | grants.provider_fabriques
        | grants.partner_fabriques
        | grants.referent_fabriques
    )


def personal_feed_workshops(*, user: Person) -> QuerySet[Workshop]:
    scope = member_scope(user)
    condition = Q(pk__in=[])
    if scope.member_ids:
        condition |= Q(
            pk__in=Workshop.objects.filter(
                registrations__member_id__in=sorted(scope.member_ids),
                registrations__status__in=IN_CALENDAR,
            ).values("pk")
        )
    staff = _staff_fabrique_ids(user)
    if staff is None:
        condition = Q()
    else:
        for fabrique_id in sorted(staff):
            seen = visibility_condition(user, fabrique_id)
            fabrique = Q(fabrique_id=fabrique_id)
            condition |= fabrique if seen is None else fabrique & seen
    return Workshop.objects.filter(condition).order_by("starts_at", "pk")


def fabrique_feed_workshops(*, user: Person, fabrique: Fabrique) -> QuerySet[Workshop]:
    workshops = Workshop.objects.filter(fabrique=fabrique)
    condition = visibility_condition(user, fabrique.pk)
    if condition is not None:
        workshops = workshops.filter(condition)
    return workshops.order_by("starts_at", "pk")


def feed_fabriques(*, user: Person) -> list[Fabrique]:
    """The Fabriques whose calendar the person may follow (staff or working-group member)."""
    staff = _staff_fabrique_ids(user)
    fabriques = Fabrique.objects.order_by("title", "pk")
    if staff is not None:
        fabriques = fabriques.filter(pk__in=sorted(staff | member_scope(user).fabrique_ids))
    return list(fabriques)
