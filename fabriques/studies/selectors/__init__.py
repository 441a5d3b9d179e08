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
from .morpho import (
    LiveAnswer,
    morpho_inputs_summary,
    morpho_live,
    morpho_prepared,
    morpho_results,
    morpho_scenarios,
    parse_choices,
)

__all__ = [
    "RUNS_PER_PAGE",
    "STUDIES_PER_PAGE",
    "Grid",
    "GridCell",
    "GridRow",
    "LiveAnswer",
    "build_grid",
    "cell_authors",
    "fabrique_studies_page",
    "latest_run",
    "micmac_figures",
    "micmac_grid",
    "micmac_inputs_summary",
    "morpho_inputs_summary",
    "morpho_live",
    "morpho_prepared",
    "morpho_results",
    "morpho_scenarios",
    "parse_choices",
    "study_meetings",
    "study_runs_page",
]
