"""Writing the openpyxl workbook as a package: numbers stored exactly, and an
.xlsx without the VBA project."""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl.compat import safe_string as _SAFE_STRING  # noqa: E402
from openpyxl.workbook.workbook import Workbook


def _exact_string(value: object) -> str:
    """openpyxl's ``safe_string`` with shortest round-trip floats (repr), so
    0.12272727272727273 is stored exactly instead of with 16 digits."""
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return _SAFE_STRING(value)


def save_exact(wb: Workbook, path: str | Path) -> None:
    """Save with numbers written exactly (see :func:`_exact_string`)."""
    import openpyxl.cell._writer as w

    w.safe_string = _exact_string
    try:
        wb.save(path)
    finally:
        w.safe_string = _SAFE_STRING


def strip_vba(wb: Workbook) -> None:
    """An .xlsx cannot hold the VBA project: save without it."""
    wb.vba_archive = None
    wb.is_template = False
    wb.template = False  # type: ignore[attr-defined]
