"""Deletions: the retention period and erasure of a person (RGPD)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.core.uploads import SweepReport, orphan_cutoff, sweep_orphans

from ..models import (
    DELIBERATION_DIR,
    Application,
    ApplicationScore,
    ApplicationStatus,
)
from .common import delete_file_on_commit, now_or_current

# --------------------------------------------------------------------------------------------
# Retention


@dataclass(frozen=True)
class PurgeReport:
    rejected: int = 0
    drafts: int = 0
    files: int = 0

    @property
    def total(self) -> int:
        return self.rejected + self.drafts


def _delete_applications(ids: list[int]) -> None:
    """Delete applications with their scores, and the history that still names them."""
    if not ids:
        return
    score_ids = list(
        ApplicationScore.objects.filter(application_id__in=ids).values_list("pk", flat=True)
    )
    Application.objects.filter(pk__in=ids).delete()
    # The deletion itself leaves a history row; none of it is kept past the retention period.
    Application.history.filter(id__in=ids).delete()  # type: ignore[attr-defined]
    ApplicationScore.history.filter(id__in=score_ids).delete()  # type: ignore[attr-defined]


@transaction.atomic
def applications_purge(
    *, now: datetime.datetime | None = None, actor: User | None = None
) -> PurgeReport:
    """Delete what the retention period no longer allows to keep.

    Applications not retained, APPLICATION_RETENTION_DAYS after the decision; drafts never
    deposited, the same delay after their call closed. Their deliberations go with them.
    """
    now = now_or_current(now)
    limit = now - datetime.timedelta(days=settings.APPLICATION_RETENTION_DAYS)
    rejected = list(
        Application.objects.filter(
            status=ApplicationStatus.REJECTED, decided_at__lt=limit
        ).values_list("pk", "deliberation")
    )
    drafts = list(
        Application.objects.filter(
            status=ApplicationStatus.DRAFT, call__closes_at__lt=limit
        ).values_list("pk", "deliberation")
    )
    files = [name for _pk, name in rejected + drafts if name]
    _delete_applications([pk for pk, _name in rejected + drafts])
    for name in files:
        delete_file_on_commit(name)
    report = PurgeReport(rejected=len(rejected), drafts=len(drafts), files=len(files))
    if report.total:
        audit_event_create(
            action="applications.purged",
            actor=actor,
            summary=_("%(count)d candidature(s) supprimée(s) à l’issue de la durée de conservation")
            % {"count": report.total},
            data={
                "rejected": report.rejected,
                "drafts": report.drafts,
                "files": report.files,
                "retention_days": settings.APPLICATION_RETENTION_DAYS,
            },
        )
    return report


def deliberations_purge_orphans(*, now: datetime.datetime | None = None) -> SweepReport:
    """Delete deliberation files no application refers to, once UPLOAD_ORPHAN_GRACE_HOURS old.

    They are left by requests that stored the file and then failed (a refused submission, a
    lost race between two saves): the transaction rolls back, the file stays.
    """
    storage = Application._meta.get_field("deliberation").storage  # type: ignore[attr-defined]
    referenced = Application.objects.exclude(deliberation="").values_list("deliberation", flat=True)
    return sweep_orphans(storage, DELIBERATION_DIR, referenced, orphan_cutoff(now_or_current(now)))


# --------------------------------------------------------------------------------------------
# Personal data (RGPD erasure)

ELECTED_FIELDS = ("elected_name", "elected_mandate", "elected_email")
TECHNICAL_FIELDS = ("technical_name", "technical_role", "technical_email", "technical_phone")


@transaction.atomic
def applications_erase_person(*, user: User) -> int:
    """Erase a person from applications; returns how many applications changed.

    Those they filled in and that did not make a territory join a Fabrique are deleted with
    their deliberation. In the others, the territory and the decision stay (they are part of
    the programme's record) but every name and address of the person is blanked.
    """
    email = (user.email or "").strip()
    own = Application.objects.filter(applicant=user)
    removable = list(
        own.exclude(status=ApplicationStatus.SELECTED).values_list("pk", "deliberation")
    )
    _delete_applications([pk for pk, _name in removable])
    for _pk, name in removable:
        delete_file_on_commit(name)
    changed = {pk for pk, _name in removable}
    changed |= set(own.values_list("pk", flat=True))
    own.update(applicant=None)
    if email:
        for fields, address in (
            (ELECTED_FIELDS, "elected_email"),
            (TECHNICAL_FIELDS, "technical_email"),
        ):
            rows = Application.objects.filter(**{f"{address}__iexact": email})
            changed |= set(rows.values_list("pk", flat=True))
            rows.update(**dict.fromkeys(fields, ""))
    if changed:
        audit_event_create(
            action="applications.person_erased",
            summary=_("Données personnelles effacées de %(count)d candidature(s)")
            % {"count": len(changed)},
            data={"deleted": len(removable), "changed": len(changed)},
        )
    return len(changed)
