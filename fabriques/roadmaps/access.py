"""Who may see, write, review, adopt and publish a territory's roadmap: the one place.

- Writing the roadmap (framing, axes, sheets, partners, contracts, attachments) belongs to
  those who run the territory's group (workinggroups.access.may_manage_group): the
  territory's referents, the Fabrique's provider consultants (who draft), its ANCT pilots and
  the administrators.
- A working-group member invited on one sheet (`ActionSheet.editors`) writes that sheet
  only, and sees the roadmap it belongs to, while they are a current member of the
  territory's group: one who left it (or whose row no longer carries their account) loses
  both, though the invitation stays recorded.
- Reading an unpublished roadmap and commenting on it extends to the Fabrique's partners
  (elected officials' associations, partners, co-funders). The referents of the Fabrique's
  other territories do not see another territory's draft: they get the same 404 as strangers.
- Reviewing (the pilot's review) and publishing belong to ANCT (`manages_fabrique`).
  Recording the local steering committee's validation and the council's deliberation belongs
  to the territory's referents, the provider and ANCT (those who write).
- A published roadmap is public (the public library); its follow-up is written by those who
  write the roadmap.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from fabriques.accounts.roles import grants_for, manages_fabrique
from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique
from fabriques.workinggroups.access import may_manage_group
from fabriques.workinggroups.models import Member

from .models import ActionSheet, Roadmap, RoadmapStatus

NOT_FOUND = _("Cette feuille de route n’existe pas ou vous n’y avez pas accès.")
SHEET_NOT_FOUND = _("Cette fiche action n’existe pas ou vous n’y avez pas accès.")


def may_write_roadmap(user: Person, roadmap: Roadmap) -> bool:
    return may_manage_group(user, roadmap.participation)


def _current_member_territories(user: Person) -> Any:
    """The territories whose working group the person is a current member of (a subquery;
    callers check is_authenticated first, so the 0 of an anonymous pk is never asked)."""
    return Member.objects.filter(user_id=user.pk or 0, left_on__isnull=True).values(
        "working_group__participation_id"
    )


def is_sheet_editor(user: Person, sheet: ActionSheet) -> bool:
    """Invited on the sheet and still a member of the territory's group (one query)."""
    if not user.is_authenticated:
        return False
    return ActionSheet.objects.filter(
        pk=sheet.pk,
        editors=user.pk,
        roadmap__participation_id__in=_current_member_territories(user),
    ).exists()


def edits_a_sheet_of(user: Person, roadmap: Roadmap) -> bool:
    if not user.is_authenticated:
        return False
    return (
        roadmap.sheets.filter(editors=user.pk)
        .filter(roadmap__participation_id__in=_current_member_territories(user))
        .exists()
    )


def may_write_sheet(user: Person, sheet: ActionSheet) -> bool:
    return may_write_roadmap(user, sheet.roadmap) or is_sheet_editor(user, sheet)


def may_see_roadmap(user: Person, roadmap: Roadmap) -> bool:
    """The workspace's view of a roadmap, drafts included."""
    return (
        may_write_roadmap(user, roadmap)
        or grants_for(user).is_partner_of(roadmap.fabrique_id)
        or edits_a_sheet_of(user, roadmap)
    )


def may_comment_roadmap(user: Person, roadmap: Roadmap) -> bool:
    return may_see_roadmap(user, roadmap)


def may_review_roadmap(user: Person, roadmap: Roadmap) -> bool:
    """The pilot's review, and publication."""
    return manages_fabrique(user, roadmap.fabrique)


may_publish_roadmap = may_review_roadmap


def may_read_public(roadmap: Roadmap) -> bool:
    return roadmap.status == RoadmapStatus.PUBLISHED


def visible_roadmaps_q(user: Person) -> Q:
    """The roadmaps this person sees in the workspace, as a queryset condition (same rules)."""
    grants = grants_for(user)
    if grants.is_admin:
        return Q()
    condition = Q(
        fabrique_id__in=grants.piloted | grants.provider_fabriques | grants.partner_fabriques
    )
    condition |= Q(participation_id__in=grants.referent_participations)
    if user.is_authenticated:
        condition |= Q(
            sheets__editors=user.pk, participation_id__in=_current_member_territories(user)
        )
    return condition


def _roadmap_queryset():
    return Roadmap.objects.select_related("participation", "fabrique", "participation__fabrique")


def get_roadmap_for_user(user: Person, pk: int, *, write: bool = False) -> Roadmap:
    """404 for people who do not see it; 403 for those who see it but may not write it."""
    roadmap = _roadmap_queryset().filter(pk=pk).first()
    if roadmap is None or not may_see_roadmap(user, roadmap):
        raise Http404(NOT_FOUND)
    if write and not may_write_roadmap(user, roadmap):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette feuille de route."))
    return roadmap


def get_sheet_for_user(user: Person, pk: int, *, write: bool = False) -> ActionSheet:
    sheet = (
        ActionSheet.objects.select_related(
            "roadmap", "roadmap__participation", "roadmap__fabrique", "axis"
        )
        .filter(pk=pk)
        .first()
    )
    if sheet is None or not may_see_roadmap(user, sheet.roadmap):
        raise Http404(SHEET_NOT_FOUND)
    if write and not may_write_sheet(user, sheet):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette fiche action."))
    return sheet


def get_published_roadmap(pk: int) -> Roadmap:
    roadmap = _roadmap_queryset().filter(pk=pk, status=RoadmapStatus.PUBLISHED).first()
    if roadmap is None:
        raise Http404(NOT_FOUND)
    return roadmap


def get_published_sheet(pk: int) -> ActionSheet:
    sheet = (
        ActionSheet.objects.select_related(
            "roadmap", "roadmap__participation", "roadmap__fabrique", "axis"
        )
        .filter(pk=pk, roadmap__status=RoadmapStatus.PUBLISHED)
        .first()
    )
    if sheet is None:
        raise Http404(SHEET_NOT_FOUND)
    return sheet


# A Fabrique's roadmaps page (rm-edit).
FABRIQUE_NOT_FOUND = _("Cette Fabrique n’existe pas ou vous n’y avez pas accès.")


def get_fabrique_for_roadmaps(user: Person, slug: str) -> Fabrique:
    """The Fabrique for those who see its collective work (staff, partners, referents) or a
    roadmap of it (a member invited on a sheet); 404 for everyone else."""
    fabrique = Fabrique.objects.filter(slug=slug).first()
    if fabrique is None:
        raise Http404(FABRIQUE_NOT_FOUND)
    if grants_for(user).sees(fabrique.pk):
        return fabrique
    if (
        user.is_authenticated
        and Roadmap.objects.filter(
            fabrique=fabrique,
            sheets__editors=user.pk,
            participation_id__in=_current_member_territories(user),
        ).exists()
    ):
        return fabrique
    raise Http404(FABRIQUE_NOT_FOUND)
