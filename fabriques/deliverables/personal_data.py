"""Personal data kept by the provider follow-up: who handed in a version, who reviewed it.

The deliverables and their files belong to the public contract and stay; erasure only cuts
the link to the person.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fabriques.accounts.models import User
from fabriques.accounts.personal_data import PersonalDataSource, register

from .models import DeliverableReview, DeliverableVersion


def export_submissions(user: User) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    versions = (
        DeliverableVersion.objects.filter(submitted_by=user)
        .select_related("deliverable__fabrique", "deliverable__participation")
        .order_by("submitted_at", "id")
    )
    for version in versions:
        rows.append(
            {
                "type": "version déposée",
                "fabrique": str(version.deliverable.fabrique),
                "livrable": str(version.deliverable),
                "version": version.number,
                "fichier": version.original_name,
                "note": version.note,
                "date": version.submitted_at.isoformat(),
            }
        )
    reviews = (
        DeliverableReview.objects.filter(reviewer=user)
        .select_related("version__deliverable__fabrique", "version__deliverable__participation")
        .order_by("reviewed_at", "id")
    )
    for review in reviews:
        rows.append(
            {
                "type": "examen",
                "fabrique": str(review.version.deliverable.fabrique),
                "livrable": str(review.version.deliverable),
                "version": review.version.number,
                "décision": str(review.get_decision_display()),
                "commentaire": review.comment,
                "date": review.reviewed_at.isoformat(),
            }
        )
    return rows


@transaction.atomic
def erase_submissions(user: User) -> int:
    versions = DeliverableVersion.objects.filter(submitted_by=user).update(submitted_by=None)
    reviews = DeliverableReview.objects.filter(reviewer=user).update(reviewer=None)
    return versions + reviews


def register_sources() -> None:
    register(
        PersonalDataSource(
            key="deliverables.submissions",
            label=_("Livrables déposés et examinés"),
            export=export_submissions,
            erase=erase_submissions,
        )
    )
