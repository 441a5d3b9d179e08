"""Writes elsewhere that change what a public roadmap or action sheet shows bump the public
data version: workshop minutes and outcomes, foresight studies and their retained results.

A public sheet lists the outcomes of published public minutes it comes from (selectors.public
.public_sheet), and the page is cached by data version: when such minutes change (edited,
unpublished, made private) or one of their outcomes does, the cached page must go at once —
an outcome of minutes that are no longer public must not stay on show. Only writes touching
an outcome cited by a sheet of a published roadmap bump (one query otherwise).

A public roadmap also shows its « Vision prospective », the results retained in the published
studies of its territory and of its Fabrique: a write to a study (published or unpublished,
renamed) or to one of its retained results bumps when the study has retained results and a
published roadmap of its Fabrique may show them (two queries at most otherwise).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_save, pre_delete

from fabriques.core.versioning import bump_data_version
from fabriques.studies.models import RetainedResult, Study
from fabriques.workshops.models import Minutes, Outcome

from .models import ActionSheet, Roadmap, RoadmapStatus


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


def _shown_by_a_public_roadmap(study_id: int) -> bool:
    study = Study.objects.filter(pk=study_id).only("fabrique_id", "participation_id").first()
    if study is None or not RetainedResult.objects.filter(study_id=study_id).exists():
        return False
    roadmaps = Roadmap.objects.filter(fabrique_id=study.fabrique_id, status=RoadmapStatus.PUBLISHED)
    if study.participation_id is not None:
        roadmaps = roadmaps.filter(participation_id=study.participation_id)
    return roadmaps.exists()


def _study_changed(sender: type[Study], instance: Study, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if _shown_by_a_public_roadmap(instance.pk):
        bump_data_version()


def _retained_changed(
    sender: type[RetainedResult], instance: RetainedResult, **kwargs: Any
) -> None:
    if kwargs.get("raw"):
        return
    if _shown_by_a_public_roadmap(instance.study_id):
        bump_data_version()


def connect() -> None:
    # Deletions are seen before the rows go (the citing links go with them).
    post_save.connect(_minutes_changed, sender=Minutes, dispatch_uid="roadmaps-minutes-saved")
    pre_delete.connect(_minutes_changed, sender=Minutes, dispatch_uid="roadmaps-minutes-gone")
    post_save.connect(_outcome_changed, sender=Outcome, dispatch_uid="roadmaps-outcome-saved")
    pre_delete.connect(_outcome_changed, sender=Outcome, dispatch_uid="roadmaps-outcome-gone")
    post_save.connect(_study_changed, sender=Study, dispatch_uid="roadmaps-study-saved")
    pre_delete.connect(_study_changed, sender=Study, dispatch_uid="roadmaps-study-gone")
    post_save.connect(_retained_changed, sender=RetainedResult, dispatch_uid="roadmaps-retained")
    pre_delete.connect(
        _retained_changed, sender=RetainedResult, dispatch_uid="roadmaps-retained-gone"
    )
