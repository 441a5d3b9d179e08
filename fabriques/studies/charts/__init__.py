"""Results of the foresight methods drawn on the server as accessible SVG.

Each function takes the plain `to_dict()` output of a `foresight` method (plus, where the
result does not carry them, the input cells it draws) and returns a `Chart`: the SVG (titled,
described, `role="img"`, no script, no external resource, deterministic), its title and
description, and the data table to show after the figure."""

from ._svg import GRAPHIC_PAIRS, TEXT_PAIRS, Chart, Table, contrast_ratio, fr_number
from .delphi import delphi_boxplots
from .mactor import mactor_balance, mactor_graph, mactor_mobilisation, mactor_plane
from .micmac import micmac_graph, micmac_plane
from .regnier import CELL_FILLS, CELL_TEXT, regnier_abacus

__all__ = [
    "CELL_FILLS",
    "CELL_TEXT",
    "GRAPHIC_PAIRS",
    "TEXT_PAIRS",
    "Chart",
    "Table",
    "contrast_ratio",
    "delphi_boxplots",
    "fr_number",
    "mactor_balance",
    "mactor_graph",
    "mactor_mobilisation",
    "mactor_plane",
    "micmac_graph",
    "micmac_plane",
    "regnier_abacus",
]
