"""Print and page layout of the master workbook: A4 landscape, fixed scales,
page strips of columns and breaks between whole tables.

Fit-to-width shrinks a wide sheet until its text is unreadable (a partner sheet
with its outcome block printed at ~3 pt), and Excel ignores manual page breaks
on a sheet fitted to pages. Sheets with tables therefore get a fixed scale,
worked out from their column widths, and manual breaks between whole tables."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from .styles import (
    MARGIN_LR_IN,
    MARGIN_TB_IN,
    MAX_ROW,
    MIN_SCALE,
    ROW_PT,
    UNIT_PT,
    fixed_scale,
    printable_pt,
    scale_for,
    units,
)


def page_setup(ws: Worksheet) -> None:
    """A4 landscape with narrow margins. Sheets with a fixed print scale (set by
    :func:`mpp_xl.workbook.styles.fixed_scale`, with manual page breaks) keep it; the others are
    fitted to the page width (charts, Toelichting)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = MARGIN_LR_IN
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_TB_IN
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if ws.page_setup.scale is None:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "&A — pagina &P van &N"


def column_strips(title_units: float, widths: list[tuple[int, float]],
                  groups: list[list[int]]) -> list[list[int]]:
    """Columns per printed page strip: ``groups`` (lists of columns that belong
    together) are placed after the title columns; a group is split only when
    it does not fit at :data:`MIN_SCALE` even on its own."""
    width = dict(widths)
    room = printable_pt()[0] / (UNIT_PT * MIN_SCALE / 100) - title_units
    strips: list[list[int]] = []
    for group in groups:
        cur: list[int] = []
        for col in group:
            if cur and _sum(width, cur) + width[col] > room:
                strips.append(cur)
                cur = []
            cur.append(col)
        if cur:
            strips.append(cur)
    return strips


def _sum(width: dict[int, float], cols: list[int]) -> float:
    return sum(width[c] for c in cols)


def row_breaks_for_blocks(blocks: list[tuple[int, int]], heights: dict[int, float],
                          scale: int, first_row: int = 1) -> list[int]:
    """Rows after which to break the page so that no block (first, last row) is
    split: a block that does not fit on the rest of the page starts a new one.
    ``heights``: row heights (points) that differ from :data:`ROW_PT`."""
    room = printable_pt()[1] / (scale / 100)
    used = sum(heights.get(r, ROW_PT) for r in range(first_row, blocks[0][0])) if blocks else 0
    breaks: list[int] = []
    prev_end = blocks[0][0] - 1 if blocks else 0
    for first, last in blocks:
        h = sum(heights.get(r, ROW_PT) for r in range(prev_end + 1, last + 1))
        # the row after the block (empty, before the next break) must fit as well
        if used + h + ROW_PT > room and used > 0:
            breaks.append(first - 1)
            h = sum(heights.get(r, ROW_PT) for r in range(first, last + 1))
            used = 0.0
        used += h
        prev_end = last
    return breaks


def print_columns(ws: Worksheet, strips: list[list[int]]) -> None:
    """Print whole columns (the rows change at every refresh) in page strips
    side by side, at the scale where the widest strip fills the page width."""
    fixed_scale(ws, scale_for(max(units(ws, s) for s in strips)))
    for strip in strips[:-1]:
        ws.col_breaks.append(Break(id=strip[-1]))
    ws.print_area = f"A1:{get_column_letter(strips[-1][-1])}{MAX_ROW}"
