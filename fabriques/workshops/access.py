"""Who may see and run workshops, their registrations and their minutes: the one place.

Running a workshop (plan, invite, check in, write the minutes) belongs to the people who run
its group: for a territory's workshop, those of workinggroups.access (the territory's
referents, the Fabrique's provider consultants, its pilots, the administrators); for a
meeting of the whole Fabrique, its provider consultants, pilots and administrators.

Seeing a workshop (title, date, place, agenda — never the list of people) extends to:
- the Fabrique's referents and partners, for the meetings of the whole Fabrique;
- the working groups' members, through their own account (a sign-in link signs them in):
  their territory's workshops and the whole Fabrique's meetings, and any workshop they were
  invited to.
Everyone else — a member of another territory's group included, for a local workshop — gets
the same 404 as a stranger.

The Fabrique's list of workshops applies the same rules as a queryset condition
(`visibility_condition`): the two change together.

Minutes follow their visibility once published (the group, the whole Fabrique, or public);
before that, shared minutes are read and commented by the attendees (and the people running
the workshop), drafts only by the people running it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.roles import grants_for, manages_fabrique, provides_fabrique
from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique
from fabriques.territories.models import Participation
from fabriques.workinggroups.access import may_manage_group
from fabriques.workinggroups.models import Member

from .models import (
    Attendance,
    Minutes,
    MinutesStatus,
    MinutesVisibility,
    Registration,
    RegistrationStatus,
    Workshop,
)

_CACHE_ATTR = "_fabriques_member_scope"

NOT_FOUND = _("Cette rencontre n’existe pas ou vous n’y avez pas accès.")
MINUTES_NOT_FOUND = _("Ce compte rendu n’existe pas ou vous n’y avez pas accès.")


@dataclass(frozen=True)
class MemberScope:
    """The person's current memberships of working groups, read once per request."""

    member_ids: frozenset[int] = field(default_factory=frozenset)
    participation_ids: frozenset[int] = field(default_factory=frozenset)
    fabrique_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_member(self) -> bool:
        return bool(self.member_ids)


NO_SCOPE = MemberScope()


def member_scope(user: Person | None) -> MemberScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached: MemberScope | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = Member.objects.filter(user=user, left_on__isnull=True).values_list(
        "pk", "working_group__participation_id", "working_group__participation__fabrique_id"
    )
    scope = MemberScope(
        member_ids=frozenset(r[0] for r in rows),
        participation_ids=frozenset(r[1] for r in rows),
        fabrique_ids=frozenset(r[2] for r in rows),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_member_scope(user: Person | None) -> None:
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# Planning: where new workshops are created.
def may_plan_in_fabrique(user: Person, fabrique: Fabrique) -> bool:
    """Plan a meeting of the whole Fabrique (seminar, steering committee, restitution…)."""
    return manages_fabrique(user, fabrique) or provides_fabrique(user, fabrique)


def may_plan_in_territory(user: Person, participation: Participation) -> bool:
    return may_manage_group(user, participation)


def may_manage_workshop(user: Person, workshop: Workshop) -> bool:
    """Change, cancel, invite, see the list of people, check in, write the minutes."""
    if workshop.participation is not None:
        return may_manage_group(user, workshop.participation)
    return may_plan_in_fabrique(user, workshop.fabrique)


def is_invited(user: Person, workshop: Workshop) -> bool:
    scope = member_scope(user)
    return (
        bool(scope.member_ids)
        and workshop.registrations.filter(member_id__in=scope.member_ids)
        .exclude(status=RegistrationStatus.DECLINED)
        .exists()
    )


def may_see_workshop(user: Person, workshop: Workshop) -> bool:
    if may_manage_workshop(user, workshop):
        return True
    grants = grants_for(user)
    scope = member_scope(user)
    if workshop.participation_id is None:
        if grants.is_referent_in(workshop.fabrique_id) or grants.is_partner_of(
            workshop.fabrique_id
        ):
            return True
        if workshop.fabrique_id in scope.fabrique_ids:
            return True
    elif workshop.participation_id in scope.participation_ids:
        return True
    return is_invited(user, workshop)


def may_read_minutes(user: Person, minutes: Minutes) -> bool:
    workshop = minutes.workshop
    if may_manage_workshop(user, workshop):
        return True
    if minutes.status == MinutesStatus.PUBLISHED:
        if minutes.visibility == MinutesVisibility.PUBLIC:
            return True
        if minutes.visibility == MinutesVisibility.FABRIQUE:
            return sees_fabrique_work(user, workshop.fabrique_id)
        # The group's minutes: its members (the territory's, or for a meeting of the whole
        # Fabrique, the attendees') and the people who saw the workshop as staff.
        return in_group_audience(user, workshop)
    if minutes.status in (MinutesStatus.SHARED, MinutesStatus.VALIDATED):
        return is_attendee(user, workshop)
    return False


def may_comment_minutes(user: Person, minutes: Minutes) -> bool:
    return (
        minutes.status == MinutesStatus.SHARED
        and minutes.comments_until is not None
        and minutes.comments_until > timezone.now()
        and (is_attendee(user, minutes.workshop) or may_manage_workshop(user, minutes.workshop))
    )


def sees_fabrique_work(user: Person, fabrique_id: int) -> bool:
    """The Fabrique's staff, partners and referents, and the members of any of its groups."""
    return grants_for(user).sees(fabrique_id) or fabrique_id in member_scope(user).fabrique_ids


def in_group_audience(user: Person, workshop: Workshop) -> bool:
    grants = grants_for(user)
    if workshop.participation_id is not None:
        return (
            workshop.participation_id in member_scope(user).participation_ids
            or workshop.participation_id in grants.referent_participations
        )
    return is_attendee(user, workshop) or grants.is_referent_in(workshop.fabrique_id)


def is_attendee(user: Person, workshop: Workshop) -> bool:
    """Present at the workshop (checked in), through one of the person's memberships."""
    scope = member_scope(user)
    return (
        bool(scope.member_ids)
        and Registration.objects.filter(
            workshop=workshop, member_id__in=scope.member_ids, attendance=Attendance.ATTENDED
        ).exists()
    )


# Access functions for the views.
def _workshop(pk: int) -> Workshop:
    workshop = (
        Workshop.objects.select_related("fabrique", "participation", "facilitator")
        .filter(pk=pk)
        .first()
    )
    if workshop is None:
        raise Http404(NOT_FOUND)
    return workshop


def get_workshop_for_user(user: Person, pk: int, *, manage: bool = False) -> Workshop:
    """The workshop for those who see it (404 otherwise); `manage` adds a 403 for those who
    see it without running it."""
    workshop = _workshop(pk)
    if not may_see_workshop(user, workshop):
        raise Http404(NOT_FOUND)
    if manage and not may_manage_workshop(user, workshop):
        raise PermissionDenied(_("Seules les personnes qui animent cette rencontre le peuvent."))
    return workshop


def get_minutes_for_user(user: Person, workshop_pk: int, *, write: bool = False) -> Minutes:
    """The workshop's minutes for those who may read them (404 otherwise); `write` for those
    who run the workshop (403 for readers)."""
    workshop = _workshop(workshop_pk)
    minutes = Minutes.objects.filter(workshop=workshop).first()
    if minutes is None:
        if write and may_manage_workshop(user, workshop):
            minutes = Minutes(workshop=workshop)
        else:
            raise Http404(MINUTES_NOT_FOUND)
    minutes.workshop = workshop
    if not may_read_minutes(user, minutes):
        raise Http404(MINUTES_NOT_FOUND)
    if write and not may_manage_workshop(user, minutes.workshop):
        raise PermissionDenied(_("Seules les personnes qui animent cette rencontre le peuvent."))
    return minutes


def get_own_registration(user: Person, workshop_pk: int) -> Registration:
    """The person's own registration to a workshop (through their membership); 404 when they
    have none."""
    scope = member_scope(user)
    registration = (
        Registration.objects.select_related("workshop__fabrique", "workshop__participation")
        .filter(workshop_id=workshop_pk, member_id__in=scope.member_ids)
        .first()
    )
    if registration is None:
        raise Http404(NOT_FOUND)
    return registration


# The Fabrique's workshops, as a list.
FABRIQUE_NOT_FOUND = _("Cette Fabrique n’existe pas ou vous n’y avez pas accès.")


def get_fabrique_for_workshops(user: Person, slug: str) -> Fabrique:
    """The Fabrique for those who see something of its workshops: its staff, partners and
    referents, and the members of its working groups; 404 for everyone else."""
    fabrique = Fabrique.objects.filter(slug=slug).first()
    if fabrique is None:
        raise Http404(FABRIQUE_NOT_FOUND)
    if not (grants_for(user).sees(fabrique.pk) or fabrique.pk in member_scope(user).fabrique_ids):
        raise Http404(FABRIQUE_NOT_FOUND)
    return fabrique


def visibility_condition(user: Person, fabrique_id: int) -> Q | None:
    """The workshops of one Fabrique the person sees, as a condition (None: all of them)."""
    grants = grants_for(user)
    if grants.manages(fabrique_id) or grants.is_provider_of(fabrique_id):
        return None
    scope = member_scope(user)
    condition = Q(pk__in=[])
    if (
        grants.is_referent_in(fabrique_id)
        or grants.is_partner_of(fabrique_id)
        or fabrique_id in scope.fabrique_ids
    ):
        condition |= Q(participation__isnull=True)
    territories = grants.referent_participations | scope.participation_ids
    if territories:
        condition |= Q(participation_id__in=sorted(territories))
    if scope.member_ids:
        invited = Registration.objects.filter(
            workshop=OuterRef("pk"), member_id__in=sorted(scope.member_ids)
        ).exclude(status=RegistrationStatus.DECLINED)
        condition |= Q(Exists(invited))
    return condition


# Representativeness figures.
# Who may see the representativeness and mobilisation figures in the workspace.
#
# The figures are counted from the working groups' members, so they follow the groups' own
# rule (workinggroups.access): the people who run a group see its territory's figures — the
# territory's referents, the Fabrique's provider consultants, its ANCT pilots, the
# administrators. The figures of the whole Fabrique add up every territory: only the pilots,
# administrators and provider consultants, who run every group of the Fabrique, see them.
#
# A referent opening the Fabrique-wide view is sent to their own territory's figures rather than
# shown the Fabrique's aggregate: with small counts suppressed the aggregate would still let them
# subtract their own territory's raw figures (which they see) from the Fabrique's and learn the
# other territories' small numbers. Limiting them to their territory is the safer of the two.
#
# Everyone else (partners, members, the other Fabrique's people, strangers) gets a 404.
FIGURES_NOT_FOUND = _("Ces chiffres n’existent pas ou vous n’y avez pas accès.")


def may_see_figures(user: Person, fabrique: Fabrique, participation: Participation | None) -> bool:
    if participation is not None and participation.fabrique_id != fabrique.pk:
        return False
    if manages_fabrique(user, fabrique) or provides_fabrique(user, fabrique):
        return True
    return (
        participation is not None and participation.pk in grants_for(user).referent_participations
    )


def own_territory(user: Person, fabrique: Fabrique) -> Participation | None:
    """The first territory of the Fabrique the person is a referent of, if any."""
    referent_of = grants_for(user).referent_participations
    if not referent_of:
        return None
    return (
        Participation.objects.filter(fabrique=fabrique, pk__in=referent_of)
        .order_by("position", "pk")
        .first()
    )


@dataclass(frozen=True)
class FiguresScope:
    fabrique: Fabrique
    participation: Participation | None
    # The Fabrique-wide view was asked by a referent: show their own territory instead.
    redirected: bool = False


def get_figures_scope_for_user(
    user: Person, slug: str, participation_pk: int | None
) -> FiguresScope:
    """The Fabrique and the territory whose figures are asked, for those who may see them;
    404 otherwise (an unknown territory, one of another Fabrique, included)."""
    fabrique = Fabrique.objects.filter(slug=slug).first()
    if fabrique is None:
        raise Http404(FIGURES_NOT_FOUND)
    participation = None
    if participation_pk is not None:
        participation = Participation.objects.filter(pk=participation_pk, fabrique=fabrique).first()
        if participation is None:
            raise Http404(FIGURES_NOT_FOUND)
        participation.fabrique = fabrique
    if not may_see_figures(user, fabrique, participation):
        own = own_territory(user, fabrique) if participation is None else None
        if own is None:
            raise Http404(FIGURES_NOT_FOUND)
        return FiguresScope(fabrique=fabrique, participation=own, redirected=True)
    return FiguresScope(fabrique=fabrique, participation=participation)
