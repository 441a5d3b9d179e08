"""Reads of the retained results: what a run offers to retain, what a study retained and,
the other way round, which roadmap axes and action sheets answer each result.

The axes' and sheets' links are declared by roadmaps (`Axis.answers`, `ActionSheet.answers`,
above studies in the layers); this module reads them through their reverse names
(`answering_axes`, `answering_sheets`) without importing roadmaps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Prefetch, QuerySet

from ..models import RetainedKind, RetainedResult, Scenario, Study, StudyRun
from ..retained import KIND_HEADINGS, SCENARIO_METHODS, Candidate, Candidates, candidates_for


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    retained: RetainedResult | None


@dataclass(frozen=True)
class CandidateGroup:
    kind: str
    heading: str
    rule: str
    rows: list[CandidateRow]


def _scenarios(study: Study) -> list[Scenario]:
    if study.method not in SCENARIO_METHODS:
        return []
    return list(Scenario.objects.filter(study=study).order_by("name", "pk"))


def run_candidates(run: StudyRun) -> list[CandidateGroup]:
    """The « Retenir » section of a run's page: each method's candidates, each with the
    result retained under its key if any (two queries: the scenarios, the retained)."""
    study = run.study
    groups: list[Candidates] = candidates_for(study.method, run.output, _scenarios(study))
    retained = {
        (r.kind, r.key): r for r in RetainedResult.objects.filter(study=study).order_by("pk")
    }
    return [
        CandidateGroup(
            kind=group.kind,
            heading=str(KIND_HEADINGS[RetainedKind(group.kind)]),
            rule=group.rule,
            rows=[CandidateRow(item, retained.get((item.kind, item.key))) for item in group.items],
        )
        for group in groups
    ]


@dataclass(frozen=True)
class RetainedGroup:
    kind: str
    heading: str
    results: list[RetainedResult]


@dataclass
class StudyRetained:
    groups: list[RetainedGroup] = field(default_factory=list)
    # Key variables no action sheet answers yet.
    unanswered_variables: list[RetainedResult] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(group.results) for group in self.groups)


def _with_answers(results: QuerySet[RetainedResult]) -> QuerySet[RetainedResult]:
    # The models by name: roadmaps sits above studies and is never imported here.
    axis = apps.get_model("roadmaps", "Axis")
    sheet = apps.get_model("roadmaps", "ActionSheet")
    return results.prefetch_related(
        Prefetch(
            "answering_axes",
            queryset=axis.objects.select_related("roadmap").order_by(
                "roadmap_id", "position", "pk"
            ),
        ),
        Prefetch(
            "answering_sheets",
            queryset=sheet.objects.select_related("roadmap").order_by("roadmap_id", "number", "pk"),
        ),
    )


def study_retained(study: Study) -> StudyRetained:
    """The study's retained results by kind, each with the roadmap axes and action sheets
    that answer it, and the key variables no sheet answers yet (three queries)."""
    results = list(
        _with_answers(
            RetainedResult.objects.filter(study=study).select_related("retained_by", "scenario")
        ).order_by("kind", "position", "pk")
    )
    found = StudyRetained()
    for kind in RetainedKind:
        of_kind = [r for r in results if r.kind == kind]
        if of_kind:
            found.groups.append(RetainedGroup(kind, str(KIND_HEADINGS[kind]), of_kind))
    found.unanswered_variables = [
        r
        for r in results
        if r.kind == RetainedKind.VARIABLE and not list(r.answering_sheets.all())  # type: ignore[attr-defined]
    ]
    return found


def retained_for_report(study: Study) -> list[RetainedResult]:
    """The study's retained results in order, with their answering axes and sheets."""
    return list(
        _with_answers(RetainedResult.objects.filter(study=study)).order_by("kind", "position", "pk")
    )


def retained_result_for(study: Study, pk: Any) -> RetainedResult | None:
    return RetainedResult.objects.filter(study=study, pk=pk).first()
