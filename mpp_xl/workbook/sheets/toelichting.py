"""Toelichting: the guide sheet (one line of text per row)."""

from __future__ import annotations

import textwrap

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from .. import specs
from ..styles import TITLE_FONT


def write(ws: Worksheet, version: str, herkomst: str = "") -> None:
    """One line of text per row (long paragraphs split over several rows, no
    wrapping inside a cell): row heights then never depend on how Excel or
    LibreOffice measure wrapped text, so lines cannot overlap."""
    row = 1
    teksten = list(specs.TOELICHTING_TEKST)
    if herkomst:  # Kader's herkomst_aannames, e.g. "calibrated example, not the partners'"
        teksten[2:2] = [("h", "Herkomst van de aannames"), ("", herkomst)]
    for kind, text in teksten:
        if kind == "h" and row > 1:
            row += 1
        if row == 1 and version:
            text = f"{text} — {version}"
        if kind == "h":
            c = ws.cell(row, 1, text)
            c.font = TITLE_FONT if row == 1 else Font(bold=True, size=12, color="1F4E79")
            row += 1
            continue
        lines = textwrap.wrap(text, specs.TOELICHTING_WRAP, break_long_words=False) or [""]
        for i, line in enumerate(lines):
            c = ws.cell(row, 1, line if i == 0 else "    " + line)
            c.alignment = Alignment(vertical="top")
            row += 1
    ws.column_dimensions["A"].width = 110
    ws.protection.sheet = True
