"""Reads of the foresight studio (one module per method's screens, the rest in _base)."""

from ._base import (
    RUNS_PER_PAGE,
    STUDIES_PER_PAGE,
    CellDifference,
    Grid,
    GridCell,
    GridRow,
    PresentationRow,
    build_grid,
    cell_authors,
    fabrique_studies_page,
    grid_differences,
    latest_run,
    presentation_row,
    study_meetings,
    study_runs_page,
)
from .micmac import (
    micmac_figures,
    micmac_grid,
    micmac_inputs_summary,
)
from .multipol import multipol_grid, multipol_inputs_summary, multipol_results
from .smic import (
    smic_grid,
    smic_inputs_summary,
    smic_results,
    smic_saved_scenarios,
    smic_scenario_choices,
)

__all__ = [
    "RUNS_PER_PAGE",
    "STUDIES_PER_PAGE",
    "CellDifference",
    "Grid",
    "GridCell",
    "GridRow",
    "PresentationRow",
    "build_grid",
    "cell_authors",
    "fabrique_studies_page",
    "grid_differences",
    "latest_run",
    "micmac_figures",
    "micmac_grid",
    "micmac_inputs_summary",
    "multipol_grid",
    "multipol_inputs_summary",
    "multipol_results",
    "presentation_row",
    "smic_grid",
    "smic_inputs_summary",
    "smic_results",
    "smic_saved_scenarios",
    "smic_scenario_choices",
    "study_meetings",
    "study_runs_page",
]
