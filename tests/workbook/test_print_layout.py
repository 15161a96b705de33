"""Print and screen layout of the master workbook: readable A4 pages (no text
shrunk to a few points, no table split over pages, no clipped labels) and row
heights that fit wrapped text after a refresh.

The properties are read back with openpyxl or from the sheet XML, independently
of the builder's own bookkeeping."""

from __future__ import annotations

import math
import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

from mpp_xl.core.assumptions import Assumptions
from mpp_xl.core.registry import PARTNERS, SHEETS
from mpp_xl.workbook import builder as B
from mpp_xl.workbook import sheets as S
from mpp_xl.workbook.refresh_file import refresh_bytes, refresh_workbook
from mpp_xl.workbook.signoff import sign_off
from mpp_xl.workbook.xlsxio import Package

#: The smallest printed text we accept (points), and the default font size of the
#: workbook (the xlwings template's Normal style: Calibri 12).
MIN_PRINTED_PT = 7.0
BODY_PT = 12.0
A4_LANDSCAPE = (842.0, 595.0)  # points


@pytest.fixture(scope="module")
def wb(built_master: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(built_master)


def _printable(ws) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    m = ws.page_margins
    return (A4_LANDSCAPE[0] - 72 * (m.left + m.right), A4_LANDSCAPE[1] - 72 * (m.top + m.bottom))


def _width(ws, col: int) -> float:  # type: ignore[no-untyped-def]
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.width else 9.0


def _header_col(ws, text: str) -> int:  # type: ignore[no-untyped-def]
    for c in ws[6]:
        if c.value == text:
            return c.column
    raise AssertionError(f"{text} not in row 6 of {ws.title}")


def _range_cols(ref: str) -> tuple[int, int]:
    m = re.search(r"\$?([A-Z]+)\$?\d*:\$?([A-Z]+)\$?\d*$", ref)
    assert m, ref
    return column_index_from_string(m.group(1)), column_index_from_string(m.group(2))


# --- parameter sheets -------------------------------------------------------------------
@pytest.mark.parametrize("sheet", SHEETS)
def test_parameter_sheet_prints_inputs_readably(wb: openpyxl.Workbook, sheet: str) -> None:
    ws = wb[sheet]
    bron = _header_col(ws, "Bron")
    toel = _header_col(ws, "Toelichting")
    # a fixed scale (fit-to-page shrank the text to ~3 pt and makes Excel ignore breaks)
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.scale is not None
    assert ws.page_setup.scale / 100 * BODY_PT >= MIN_PRINTED_PT
    assert ws.page_setup.orientation == "landscape"
    # header row 6 and columns A:D repeat on every page
    assert ws.print_title_rows == "$6:$6"
    assert ws.print_title_cols == "$A:$D"
    # the print area is the input table up to Toelichting; Bron (wide, for the
    # screen) and the outcome block beside it are left out
    first, last = _range_cols(ws.print_area)
    assert (first, last) == (1, toel) and bron == toel + 1
    assert any(c.value for c in ws[6][bron + 1:]) == (sheet != "Kader")  # block exists on screen
    # the values and Toelichting are on separate page strips
    breaks = sorted(b.id for b in ws.col_breaks.brk)
    assert toel - 1 in breaks
    # every strip (title columns + its columns) fits the page width at this scale,
    # with LibreOffice's width of a column unit (the wider renderer)
    edges = [4, *breaks, toel]
    title = sum(_width(ws, c) for c in range(1, 5))
    for lo, hi in zip(edges, edges[1:]):
        units = title + sum(_width(ws, c) for c in range(lo + 1, hi + 1))
        assert units * B.UNIT_PT * ws.page_setup.scale / 100 <= _printable(ws)[0]


def test_parameter_key_column_fits_the_longest_key(wb: openpyxl.Workbook) -> None:
    for sheet in SHEETS:
        ws = wb[sheet]
        keys = [ws.cell(r, 1).value for r in range(7, ws.max_row + 1) if ws.cell(r, 1).value]
        assert _width(ws, 1) >= max(len(k) for k in keys)


def test_parameter_rows_are_tall_enough_for_their_help_text(wb: openpyxl.Workbook) -> None:
    ws = wb["IND"]
    toel = _header_col(ws, "Toelichting")
    width = _width(ws, toel)
    for r in range(7, ws.max_row + 1):
        text = ws.cell(r, toel).value
        # at most ~1.3 characters per unit of width fit on a line of Calibri 12
        lines = math.ceil(len(text) / (width * 1.3))
        assert ws.row_dimensions[r].height >= 15 * lines, (r, text)


# --- Uitkomsten -------------------------------------------------------------------------
def _uitkomsten_tables(ws) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """(title row, last data row) of each table: a title in A followed by a 'Jaar' header."""
    col_a = [c.value for c in ws["A"]]  # (reading cells past the end would add rows)

    def a(r: int) -> object:
        return col_a[r - 1] if r <= len(col_a) else None

    tables = []
    r = S.UITKOMSTEN_FIRST_TABLE_ROW
    while r <= len(col_a):
        if a(r + 1) == "Jaar":
            last = r + 2
            while isinstance(a(last + 1), int):
                last += 1
            tables.append((r, last))
            r = last + 1
        else:
            r += 1
    return tables


def test_uitkomsten_breaks_between_whole_tables(wb: openpyxl.Workbook) -> None:
    ws = wb[S.UITKOMSTEN]
    tables = _uitkomsten_tables(ws)
    assert len(tables) > 20
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    assert breaks, "no manual page breaks"
    starts = {first for first, _ in tables}
    for b in breaks:  # a break is always just before a table title
        assert b + 1 in starts, b
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    scale = ws.page_setup.scale / 100
    assert scale * BODY_PT >= MIN_PRINTED_PT
    # every page holds its tables at the default row height (15.75 pt for Calibri 12)
    room = _printable(ws)[1] / scale
    edges = [0, *breaks, tables[-1][1]]
    for lo, hi in zip(edges, edges[1:]):
        h = sum((ws.row_dimensions[r].height or 15.75) for r in range(lo + 1, hi + 1))
        assert h <= room, (lo, hi, h, room)


# --- Validatie, Vaststelling, Logboek after a refresh --------------------------------
def _warnings_master(tmp_path: Path, example: Assumptions) -> Path:
    """The example with jumps that give long warnings on Validatie."""
    df = example.to_frame()
    sel = (df["parameter"] == "herhaalde_aanvragen") & (df["jaar"].astype(str) == "2027")
    assert sel.any()
    df.loc[sel, "waarde"] = "17600"
    p = tmp_path / "warn.xlsm"
    B.build(Assumptions.from_frame(df), p)
    return p


def _rows(xml: bytes) -> dict[int, dict[str, str]]:
    out = {}
    for m in re.finditer(rb"<row\b([^>]*)>", xml):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1).decode()))
        out[int(attrs["r"])] = attrs
    return out


def test_validatie_rows_fit_wrapped_messages(tmp_path: Path, example: Assumptions) -> None:
    p = _warnings_master(tmp_path, example)
    data, res = refresh_bytes(p.read_bytes(), p.name)
    assert res.n_warnings >= 2
    pkg = Package(data, p.name)
    rows = _rows(pkg.sheet_xml(S.VALIDATIE))
    ws = openpyxl.load_workbook(_save(tmp_path, data))[S.VALIDATIE]
    col_melding = S.VAL_HEADERS.index("Melding") + 1
    width = _width(ws, col_melding)
    first = S.VAL_HEADER_ROW + 1
    heights = []
    for r in range(first, first + len(res.problems)):
        text = ws.cell(r, col_melding).value
        assert text, r
        attrs = rows[r]
        assert attrs.get("customHeight") == "1", (r, attrs)
        # proportional to the text: at least the lines at ~1.3 characters per unit
        # of width, at most those at ~0.9 (plus one line of slack)
        least = math.ceil(len(text) / (width * 1.3))
        most = math.ceil(len(text) / (width * 0.9)) + 1
        assert 15 * least <= float(attrs["ht"]) <= 16.5 * most, (r, text, attrs)
        heights.append((len(text), float(attrs["ht"])))
    assert any(n > width * 1.3 for n, _ in heights)  # some messages do need two lines
    # taller for longer text, never lower
    heights.sort()
    assert all(h1 <= h2 for (_, h1), (_, h2) in zip(heights, heights[1:]))
    # the wrapped header row keeps a height
    assert float(rows[S.VAL_HEADER_ROW]["ht"]) >= 15


def _save(tmp_path: Path, data: bytes) -> Path:
    p = tmp_path / "refreshed.xlsm"
    p.write_bytes(data)
    return p


def test_validatie_labels_fit_their_column(refreshed_master: Path) -> None:
    ws = openpyxl.load_workbook(refreshed_master)[S.VALIDATIE]
    labels = [ws.cell(r, 1).value for r in (3, 4, 5)]
    assert labels == ["Fouten", "Waarschuwingen", "Gecontroleerd op"]
    # bold 11 pt labels: a character is narrower than one unit of width (Calibri 12)
    assert _width(ws, 1) >= max(len(t) for t in labels)
    for j, h in enumerate(S.VAL_HEADERS, start=1):
        assert _width(ws, j) >= min(len(h), 8) * 0.9, h


def test_owned_sheets_print_readably(wb: openpyxl.Workbook) -> None:
    for name, ncols in ((S.VALIDATIE, len(S.VAL_HEADERS)), (S.VASTSTELLING, len(S.VS_HEADERS)),
                        (S.LOGBOEK, len(S.LOG_HEADERS)), (S.REALISATIE, 14),
                        (S.BIJSTELLING, 7)):
        ws = wb[name]
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.page_setup.scale / 100 * 11 >= MIN_PRINTED_PT, name
        first, last = _range_cols(ws.print_area)
        assert (first, last) == (1, ncols), name


def test_vaststelling_shows_short_fingerprint_and_keeps_the_full_one(master: Path) -> None:
    sign_off(master, "IND", "Jan Jansen")
    wb = openpyxl.load_workbook(master)
    ws = wb[S.VASTSTELLING]
    r = S.VS_ROWS["IND"]
    col = S.VS_HEADERS.index("Vingerafdruk bij vaststelling") + 1
    fp = ws.cell(r, col).value
    assert re.fullmatch(r"[0-9a-f]{64}", fp)  # the full fingerprint stays in the cell
    for c in (col, S.VS_HEADERS.index("Huidige vingerafdruk") + 1):
        cell = ws.cell(r, c)
        assert re.fullmatch(r"[0-9a-f]{64}", cell.value)
        # clipped at the cell border instead of running into the next columns
        assert cell.alignment.horizontal == "fill"
        assert cell.font.name in ("Courier New", "Consolas", "Liberation Mono")
        # a monospace character is 0.6 em wide: about 16 characters are visible
        visible = _width(ws, c) * 6.8 / (0.6 * cell.font.sz)  # Excel: ~6.8 pt per unit
        assert 15 <= visible <= 24, visible
    # the header row is tall enough for 'Vingerafdruk bij vaststelling' on two lines
    rows = _rows(Package.open(master).sheet_xml(S.VASTSTELLING))
    assert float(rows[S.VS_HEADER_ROW]["ht"]) >= 2 * 15
    # the note above the table wraps within the table's (printed) width
    assert f"A4:{get_column_letter(len(S.VS_HEADERS))}4" in {str(m) for m in ws.merged_cells}
    assert ws["A4"].alignment.wrap_text
    table_units = sum(_width(ws, j) for j in range(1, len(S.VS_HEADERS) + 1))
    assert float(rows[4]["ht"]) >= 15 * math.ceil(len(ws["A4"].value) / (table_units * 1.3))


def test_every_font_has_a_name_and_size(wb: openpyxl.Workbook) -> None:
    """Fonts without a name fall back to a serif font at 10 pt in LibreOffice."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.has_style:
                    assert c.font.name and c.font.sz, (ws.title, c.coordinate)


def test_refresh_keeps_row_heights_on_repeat(master: Path) -> None:
    """A second refresh recomputes the heights instead of stacking attributes."""
    refresh_workbook(master)
    xml = Package.open(master).sheet_xml(S.LOGBOEK)
    for m in re.finditer(rb"<row\b[^>]*>", xml):
        tag = m.group(0).decode()
        assert len(re.findall(r"\sht=", tag)) <= 1 and tag.count("customHeight=") <= 1, tag
    rows = _rows(xml)
    first = S.LOG_HEADER_ROW + 1
    assert all("ht" in rows[r] for r in rows if r >= first)
    assert len([r for r in rows if r >= first]) >= 3  # built, 2 refreshes


def test_partner_file_keeps_the_print_layout(tmp_path: Path, refreshed_master: Path) -> None:
    from mpp_xl.workbook.partner_io import export_partner

    out = tmp_path / "COA.xlsx"
    export_partner(refreshed_master, "COA", out)
    ws = openpyxl.load_workbook(out)["COA"]
    assert ws.print_title_cols == "$A:$D"
    assert _range_cols(ws.print_area)[1] == _header_col(ws, "Toelichting")
    assert "COA" in PARTNERS
