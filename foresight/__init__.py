"""Foresight toolbox: the methods of the French school of prospective, as a pure library.

Standard library + numpy/scipy only; this package never imports Django. Each method lives in
its own module with a typed input dataclass, a ``parse`` function turning a JSON document into
it, a ``solve`` function and a result dataclass with ``to_dict``. ``python -m foresight`` wraps
them for the command line.
"""

from __future__ import annotations

# Saved with every run of the studio (fabriques.studies): bump it when results may change.
__version__ = "0.2.0"


class ForesightError(Exception):
    """Base class of every error raised by the foresight library."""


class InputError(ForesightError, ValueError):
    """An input document or argument is invalid; ``field`` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class ComputationError(ForesightError):
    """A numerical routine failed on valid input (solver failure, size limit)."""


METHODS = (
    "micmac",
    "mactor",
    "morpho",
    "cib",
    "smic",
    "multipol",
    "regnier",
    "delphi",
    "scenariowizard",
    "cib_tools",
)

__all__ = ["METHODS", "ComputationError", "ForesightError", "InputError"]
