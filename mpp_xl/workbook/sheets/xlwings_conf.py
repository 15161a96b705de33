"""xlwings.conf: the add-in's settings sheet (keys in A, values in B) and notes.

The sheet is hidden (xlwings reads a hidden sheet just the same: its VBA
looks the sheet up by name), so it is neither in the way nor printed with the
workbook; an administrator shows it with a right click on a sheet tab →
Zichtbaar maken. The waardenkopie leaves it out altogether."""

from __future__ import annotations

import os
import sys

from openpyxl.worksheet.worksheet import Worksheet

from .. import specs


def default_interpreter() -> str:
    """:data:`mpp_xl.workbook.specs.DEFAULT_INTERPRETER`, or the running python.exe
    when building on Windows."""
    return sys.executable if os.name == "nt" and sys.executable else specs.DEFAULT_INTERPRETER


def write(ws: Worksheet, interpreter: str | None = None) -> None:
    """Fill the xlwings.conf sheet (keys in column A, values in column B) and the
    notes below it (replacing the template's English instructions)."""
    have = {ws.cell(r, 1).value: r for r in range(1, 12) if ws.cell(r, 1).value}
    nxt = max(have.values(), default=0) + 1
    values = dict(specs.CONF_VALUES, Interpreter_Win=interpreter or default_interpreter())
    for key, val in values.items():
        r = have.get(key)
        if r is None:
            r, nxt = nxt, nxt + 1
            ws.cell(r, 1, key)
        ws.cell(r, 2, val)
    first = max(13, nxt + 1)
    for r in range(first, max(ws.max_row, first + len(specs.CONF_NOTES)) + 1):
        ws.cell(r, 1).value = None
    for i, text in enumerate(specs.CONF_NOTES):
        ws.cell(first + i, 1, text)
    ws.sheet_state = "hidden"
