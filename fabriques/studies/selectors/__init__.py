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
from .mactor import (
    ResultTable,
    mactor_figures,
    mactor_inputs_summary,
    mactor_mid_grid,
    mactor_positions_grid,
    mactor_results,
    mactor_tables,
)
from .micmac import (
    micmac_figures,
    micmac_grid,
    micmac_inputs_summary,
)

__all__ = [
    "RUNS_PER_PAGE",
    "STUDIES_PER_PAGE",
    "Grid",
    "GridCell",
    "GridRow",
    "ResultTable",
    "build_grid",
    "cell_authors",
    "fabrique_studies_page",
    "latest_run",
    "mactor_figures",
    "mactor_inputs_summary",
    "mactor_mid_grid",
    "mactor_positions_grid",
    "mactor_results",
    "mactor_tables",
    "micmac_figures",
    "micmac_grid",
    "micmac_inputs_summary",
    "study_meetings",
    "study_runs_page",
]
