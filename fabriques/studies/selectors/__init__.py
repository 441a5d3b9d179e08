"""Reads of the foresight studio (one module per method's screens, the rest in _base)."""

from ._base import (
    RUNS_PER_PAGE,
    STUDIES_PER_PAGE,
    Grid,
    GridCell,
    GridRow,
    build_grid,
    cell_authors,
    fabrique_studies_page,
    latest_run,
    study_meetings,
    study_runs_page,
)
from .micmac import (
    micmac_figures,
    micmac_grid,
    micmac_inputs_summary,
)
from .retained import (
    CandidateGroup,
    RetainedGroup,
    StudyRetained,
    retained_for_report,
    retained_result_for,
    run_candidates,
    study_retained,
)

__all__ = [
    "RUNS_PER_PAGE",
    "STUDIES_PER_PAGE",
    "CandidateGroup",
    "Grid",
    "GridCell",
    "GridRow",
    "RetainedGroup",
    "StudyRetained",
    "build_grid",
    "cell_authors",
    "fabrique_studies_page",
    "latest_run",
    "micmac_figures",
    "micmac_grid",
    "micmac_inputs_summary",
    "retained_for_report",
    "retained_result_for",
    "run_candidates",
    "study_meetings",
    "study_retained",
    "study_runs_page",
]
