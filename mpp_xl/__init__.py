"""mpp-xl: the Meerjaren Productie Prognose (MPP) of the Dutch migration chain,
as a Python engine behind an Excel workbook."""

from .assumptions import Assumptions, Resolved, read_assumptions
from .forecast import Forecast, run, run_resolved
from .problems import MppError, Problem, ValidationError
from .registry import PARAMETERS
from .series import SERIES

__version__ = "0.1.0"

__all__ = [
    "PARAMETERS",
    "SERIES",
    "Assumptions",
    "Forecast",
    "MppError",
    "Problem",
    "Resolved",
    "ValidationError",
    "read_assumptions",
    "run",
    "run_resolved",
]
