"""Reads of the foresight studio: the lists, the study page, the grid and the run's figures.
Each owns its joins; the query counts are asserted in tests/test_selectors.py."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max

from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique

from ..access import visible_studies_q
from ..models import Study, StudyRun

STUDIES_PER_PAGE = 25
RUNS_PER_PAGE = 20


def fabrique_studies_page(*, user: Person, fabrique: Fabrique, page: Any = 1) -> Page[Any]:
    """The Fabrique's studies this person sees, latest change first, with their run counts
    (two queries: the count and the page)."""
    studies = (
        Study.objects.filter(fabrique=fabrique)
        .filter(visible_studies_q(user))
        .distinct()
        .select_related("participation")
        .annotate(run_count=Count("runs", distinct=True), last_run_at=Max("runs__run_at"))
        .order_by("-updated_at", "-pk")
    )
    return Paginator(studies, STUDIES_PER_PAGE).get_page(page)


def study_runs_page(*, study: Study, page: Any = 1) -> Page[StudyRun]:
    """The study's runs, latest first, with who ran them (two queries)."""
    runs = (
        StudyRun.objects.filter(study=study)
        .select_related("run_by")
        .defer("input", "output")
        .order_by("-run_at", "-pk")
    )
    return Paginator(runs, RUNS_PER_PAGE).get_page(page)


def study_meetings(study: Study) -> list[Any]:
    return list(study.meetings.order_by("starts_at", "pk"))


def latest_run(study: Study) -> StudyRun | None:
    return StudyRun.objects.filter(study=study).order_by("-run_at", "-pk").first()
