"""Who may see and write a foresight study: the one place.

- Writing (creating a study, its inputs, running it, publishing it) belongs to the Fabrique's
  provider consultants, who run the foresight work, and to its ANCT pilots (and the
  administrators).
- Reading extends to the Fabrique's partners (elected officials' associations, partners,
  co-funders). A territory's study is also read by that territory's referents and by the
  current members of its working group (who take part in the workshops where it is filled);
  the Fabrique's collective study is not theirs to read, and the referents of the Fabrique's
  other territories do not see another territory's study.
- Roles are scoped per Fabrique by `accounts.roles`: a role held in Fabrique B never reaches A.
- A published study is public (`studies:public`), without any personal data (no names of who
  created or ran it). Its workspace pages stay its team's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from fabriques.accounts.roles import grants_for, manages_fabrique, provides_fabrique
from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique
from fabriques.workinggroups.access import is_referent_of
from fabriques.workinggroups.models import Member

from .models import Study, StudyRun, StudyStatus

NOT_FOUND = _("Cette étude n’existe pas ou vous n’y avez pas accès.")
RUN_NOT_FOUND = _("Ce calcul n’existe pas ou vous n’y avez pas accès.")
FABRIQUE_NOT_FOUND = _("Cette Fabrique n’existe pas ou vous n’y avez pas accès.")


def _current_member_territories(user: Person) -> Any:
    """The territories whose working group the person is a current member of (a subquery)."""
    return Member.objects.filter(user_id=user.pk or 0, left_on__isnull=True).values(
        "working_group__participation_id"
    )


def may_write_in(user: Person, fabrique: Fabrique) -> bool:
    """Create and run the Fabrique's studies."""
    return manages_fabrique(user, fabrique) or provides_fabrique(user, fabrique)


def may_write_study(user: Person, study: Study) -> bool:
    return manages_fabrique(user, study) or provides_fabrique(user, study)


def _member_of_territory(user: Person, participation_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return Member.objects.filter(
        user_id=user.pk, left_on__isnull=True, working_group__participation_id=participation_id
    ).exists()


def may_see_study(user: Person, study: Study) -> bool:
    """The workspace's view of a study, drafts included."""
    if may_write_study(user, study) or grants_for(user).is_partner_of(study.fabrique_id):
        return True
    if study.participation_id is None:
        return False
    assert study.participation is not None
    return is_referent_of(user, study.participation) or _member_of_territory(
        user, study.participation_id
    )


def may_read_public(study: Study) -> bool:
    return study.status == StudyStatus.PUBLISHED


def visible_studies_q(user: Person) -> Q:
    """The studies this person sees in the workspace, as a queryset condition (same rules)."""
    grants = grants_for(user)
    if grants.is_admin:
        return Q()
    condition = Q(
        fabrique_id__in=grants.piloted | grants.provider_fabriques | grants.partner_fabriques
    )
    condition |= Q(participation_id__in=grants.referent_participations)
    if user.is_authenticated:
        condition |= Q(participation_id__in=_current_member_territories(user))
    return condition


def _study_queryset() -> Any:
    return Study.objects.select_related("fabrique", "participation")


def get_study_for_user(user: Person, pk: int, *, write: bool = False) -> Study:
    """404 for people who do not see it; 403 for those who see it but may not write it."""
    study = _study_queryset().filter(pk=pk).first()
    if study is None or not may_see_study(user, study):
        raise Http404(NOT_FOUND)
    if write and not may_write_study(user, study):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette étude."))
    return study


def get_run_for_user(user: Person, pk: int, run_pk: int) -> StudyRun:
    study = get_study_for_user(user, pk)
    run = StudyRun.objects.select_related("run_by").filter(pk=run_pk, study=study).first()
    if run is None:
        raise Http404(RUN_NOT_FOUND)
    run.study = study
    return run


def get_published_study(pk: int) -> Study:
    study = _study_queryset().filter(pk=pk, status=StudyStatus.PUBLISHED).first()
    if study is None:
        raise Http404(NOT_FOUND)
    return study


def get_fabrique_for_studies(user: Person, slug: str, *, write: bool = False) -> Fabrique:
    """The Fabrique for those who see its work (staff, provider, partners, referents): 404
    for everyone else; with `write`, 403 for those who may not create a study in it."""
    fabrique = Fabrique.objects.filter(slug=slug).first()
    if fabrique is None or not grants_for(user).sees(fabrique.pk):
        raise Http404(FABRIQUE_NOT_FOUND)
    if write and not may_write_in(user, fabrique):
        raise PermissionDenied(_("Vous ne pouvez pas créer d’étude dans cette Fabrique."))
    return fabrique


def get_run_for_writer(user: Person, pk: int, run_pk: int) -> StudyRun:
    """A run of a study this person may write (saving one of its scenarios): 404 for people
    who do not see the study or for another study's run, 403 for its readers."""
    study = get_study_for_user(user, pk, write=True)
    run = StudyRun.objects.filter(pk=run_pk, study=study).first()
    if run is None:
        raise Http404(RUN_NOT_FOUND)
    run.study = study
    return run
