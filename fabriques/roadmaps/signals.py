"""Workshop writes that change what a public action sheet shows bump the public data version.

A public sheet lists the outcomes of published public minutes it comes from (selectors.public
.public_sheet), and the page is cached by data version: when such minutes change (edited,
unpublished, made private) or one of their outcomes does, the cached page must go at once —
an outcome of minutes that are no longer public must not stay on show. Only writes touching
an outcome cited by a sheet of a published roadmap bump (one query otherwise).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_save, pre_delete

from fabriques.core.versioning import bump_data_version
from fabriques.workshops.models import Minutes, Outcome

from .models import ActionSheet, RoadmapStatus


def _cited(outcomes: models.QuerySet[Outcome]) -> bool:
    return ActionSheet.objects.filter(
        outcomes__in=outcomes, roadmap__status=RoadmapStatus.PUBLISHED
    ).exists()


def _minutes_changed(sender: type[Minutes], instance: Minutes, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if _cited(Outcome.objects.filter(minutes_id=instance.pk)):
        bump_data_version()


def _outcome_changed(sender: type[Outcome], instance: Outcome, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if _cited(Outcome.objects.filter(pk=instance.pk)):
        bump_data_version()


def connect() -> None:
    # Deletions are seen before the rows go (the citing links go with them).
    post_save.connect(_minutes_changed, sender=Minutes, dispatch_uid="roadmaps-minutes-saved")
    pre_delete.connect(_minutes_changed, sender=Minutes, dispatch_uid="roadmaps-minutes-gone")
    post_save.connect(_outcome_changed, sender=Outcome, dispatch_uid="roadmaps-outcome-saved")
    pre_delete.connect(_outcome_changed, sender=Outcome, dispatch_uid="roadmaps-outcome-gone")
