"""Partner sheets print in at most 4 pages, with readable row heights.

The page count is computed here from what the file says, read back with
openpyxl (paper, orientation, margins, scale, print area, repeated title
rows and columns, manual breaks, column widths and row heights), the way a
spreadsheet paginates: whole rows fill a page top to bottom, title rows
repeat, and each strip of columns (between column breaks, or as wide as the
page allows) prints every vertical page."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string

from mpp_xl.core.registry import PARTNERS

#: Points per unit of column width (LibreOffice's, the wider of the two renderers).
UNIT_PT = 7.7
#: Paper sizes (width, height) in points, portrait.
PAPER = {9: (595.3, 841.9), 1: (612.0, 792.0)}
MAX_PAGES = 4
#: The tallest row a reader should meet on a partner sheet (five lines of text).
MAX_ROW_PT = 5 * 15 + 2.25


def _rows_cols(ref: str) -> tuple[int, int, int, int]:
    m = re.fullmatch(r"'?[^!]*'?!?\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)", ref.split(",")[0])
    assert m, ref
    return (int(m.group(2)), column_index_from_string(m.group(1)),
            int(m.group(4)), column_index_from_string(m.group(3)))


def page_count(ws) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(pages, column strips, pages per strip) of a worksheet's print."""
    ps = ws.page_setup
    w, h = PAPER[int(ps.paperSize or 9)]
    if ps.orientation == "landscape":
        w, h = h, w
    m = ws.page_margins
    room_w = (w - 72 * (m.left + m.right)) / (ps.scale / 100)
    room_h = (h - 72 * (m.top + m.bottom)) / (ps.scale / 100)
    r0, c0, r1, c1 = _rows_cols(ws.print_area)
    default_h = ws.sheet_format.defaultRowHeight or 15.0

    def col_w(c: int) -> float:
        from openpyxl.utils import get_column_letter

        d = ws.column_dimensions.get(get_column_letter(c))
        return (d.width if d is not None and d.width else 8.43) * UNIT_PT

    def row_h(r: int) -> float:
        d = ws.row_dimensions.get(r)
        return d.height if d is not None and d.height else default_h

    title_rows = _rows_cols(f"A{ws.print_title_rows.replace('$', '').replace(':', ':A')}") \
        if ws.print_title_rows else None
    trow = list(range(title_rows[0], title_rows[2] + 1)) if title_rows else []
    tcols = []
    if ws.print_title_cols:
        a, b = ws.print_title_cols.replace("$", "").split(":")
        tcols = list(range(column_index_from_string(a), column_index_from_string(b) + 1))
    # column strips: manual breaks, then as many columns as fit beside the titles
    breaks = sorted(b.id for b in ws.col_breaks.brk)
    strips: list[list[int]] = []
    cur: list[int] = []
    title_w = sum(col_w(c) for c in tcols)
    for c in range(c0, c1 + 1):
        if c in tcols:
            continue
        if cur and title_w + sum(col_w(x) for x in cur) + col_w(c) > room_w + 1e-6:
            strips.append(cur)
            cur = []
        cur.append(c)
        if c in breaks:
            strips.append(cur)
            cur = []
    if cur:
        strips.append(cur)
    # vertical pages: whole rows; the title rows repeat once they have been passed
    row_breaks = {b.id for b in ws.row_breaks.brk}
    pages, used = 1, 0.0
    for r in range(r0, r1 + 1):
        hr = row_h(r)
        if used > 0 and used + hr > room_h + 1e-6:
            pages += 1
            used = sum(row_h(t) for t in trow if t < r)
        used += hr
        if r in row_breaks:
            pages += 1
            used = sum(row_h(t) for t in trow if t <= r)
    return len(strips) * pages, len(strips), pages


@pytest.fixture(scope="module")
def wb(built_master: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(built_master)


@pytest.mark.parametrize("sheet", PARTNERS)
def test_partner_sheet_prints_on_at_most_4_pages(wb: openpyxl.Workbook, sheet: str) -> None:
    pages, strips, per_strip = page_count(wb[sheet])
    assert strips >= 1 and per_strip >= 1
    assert pages <= MAX_PAGES, (sheet, pages, strips, per_strip)


def test_the_biggest_partner_sheet_is_a_real_test(wb: openpyxl.Workbook) -> None:
    """IND has dozens of input rows: without readable heights it needed 12 pages."""
    ws = wb["IND"]
    rows = [r for r in range(7, ws.max_row + 1) if ws.cell(r, 1).value]
    assert len(rows) > 30
    pages, strips, per_strip = page_count(ws)
    assert strips == 2 and per_strip == 2 and pages == 4


@pytest.mark.parametrize("sheet", PARTNERS)
def test_partner_rows_have_readable_heights(wb: openpyxl.Workbook, sheet: str) -> None:
    ws = wb[sheet]
    head = [c.value for c in ws[6]]
    bron = head.index("Bron") + 1
    width = ws.column_dimensions[openpyxl.utils.get_column_letter(bron)].width
    assert width >= 50  # the source reads as a line of text, not a narrow column of words
    for r in range(7, ws.max_row + 1):
        if ws.cell(r, 1).value:
            h = ws.row_dimensions[r].height
            assert h is not None and 15 <= h <= MAX_ROW_PT, (sheet, r, h)


@pytest.mark.libreoffice
def test_libreoffice_prints_the_ind_sheet_on_the_computed_pages(refreshed_master: Path,
                                                                 tmp_path: Path) -> None:
    """The page count above, checked once against a renderer: the IND sheet
    alone (its partner file without Toelichting) converted to PDF."""
    from mpp_xl.cli import main
    from tests.workbook.test_libreoffice import _soffice

    part = tmp_path / "ind.xlsx"
    assert main(["exporteer-partner", str(refreshed_master), "--partner", "IND",
                 "-o", str(part)]) == 0
    wb = openpyxl.load_workbook(part)
    for name in wb.sheetnames:
        if name != "IND":
            del wb[name]
    alone = tmp_path / "ind_alleen.xlsx"
    wb.save(alone)
    want, _, _ = page_count(openpyxl.load_workbook(alone)["IND"])
    pdf = _soffice(tmp_path, alone, "pdf")
    got = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))
    assert got == want <= MAX_PAGES
