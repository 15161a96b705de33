"""mpp-xl: the Meerjaren Productie Prognose (MPP) of the Dutch migration chain,
as a Python engine behind an Excel workbook.

The public names below are loaded lazily (PEP 562), so that importing a
subpackage such as ``mpp_xl.engine`` needs numpy only and does not pull in
pandas, openpyxl or the workbook layer.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "Assumptions": "core.assumptions",
    "Resolved": "core.assumptions",
    "read_assumptions": "workbook.reader",
    "Forecast": "analysis.forecast",
    "run": "analysis.forecast",
    "run_resolved": "analysis.forecast",
    "MppError": "core.problems",
    "Problem": "core.problems",
    "ValidationError": "core.problems",
    "PARAMETERS": "core.registry",
    "SERIES": "core.series",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mpp_xl' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
