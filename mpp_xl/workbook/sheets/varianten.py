"""Varianten: policy variants (what-if beside min/medio/max), owned by DGM-APM.

The input table (yellow cells, columns of
:data:`mpp_xl.core.variants.VARIANT_COLUMNS`) is read and validated at every
refresh like a partner sheet (problems on Validatie with Varianten!cell); the
refresh runs the base and every variant in one engine batch and writes, per
headline series, the difference from the base per year for medio beside it,
with charts over those tables. ``MPP_VARIANT`` reads the same results.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.series import SeriesLabel, StrRef
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...analysis import variant_cache
from ...analysis.variant_sheets import (
    MAX_SHEET_VARIANTS,
    TABLE_ROWS,
    headline_years,
    table_title,
    variants_layout,
)
from ...analysis.variants import VARIANT_HEADLINE_KEYS, VariantResults, run_variants
from ...core.assumptions import Resolved
from ...core.problems import Problem
from ...core.variants import (
    OPERATIONS,
    SHEET_OPERATIONS,
    VARIANT_COLUMNS,
    VariantRow,
    check_variants,
)
from ...io.safe_zip import check_workbook_bytes
from ..frames import write_frame
from ..printing import print_columns
from ..reader import error_text
from ..specs import Cell, Frame, note, title
from ..styles import (
    BOX,
    INPUT_FILL,
    INPUT_FONT,
    OUT_HEADER_FILL,
    UNLOCKED,
    header,
    style_row,
)
from ..xlsxio import Package, XlErr

NAME = "Varianten"
#: The partner that owns the sheet (its yellow cells).
OWNER = "DGM-APM"
HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1
INPUT_ROWS = 60
INPUT_HEADERS: tuple[str, ...] = tuple(c.capitalize() for c in VARIANT_COLUMNS)
#: The results block: its status line and the first table (column I).
RESULT_COL = 9
STATUS_CELL = "I5"
RESULT_TOP = HEADER_ROW
#: The fingerprint of the variants table (label in D4, value in E4).
FINGERPRINT_CELL = "E4"
#: The sign-off of the table by its owner (mpp vaststellen --partner Varianten): name,
#: date, the fingerprint signed, and the status the refresh writes.
SIGN_CELLS: dict[str, str] = {"name": "B5", "date": "C5", "fingerprint": "E5", "status": "F5"}
SIGN_VALID, SIGN_VOID, SIGN_NONE = "geldig", "vervallen", "niet vastgesteld"
#: Headline series with a chart beside their table.
CHART_KEYS: tuple[str, ...] = ("coa_bezetting", "ind_werkvoorraad")
#: The operation words written on the sheet (Excel reads a typed = or + as a formula).
SHEET_WORD = {"=": "zet", "*": "maal", "+": "plus"}

ILLUSTRATIVE = ("Voorbeeldvarianten in deze tabel zijn illustratief: geen schatting of "
                "besluit van de overheid. Noem bij elke regel de bron, of schrijf 'Aanname' "
                "in de toelichting.")

FRAME = Frame(
    name=NAME,
    cells={"A1": title("Varianten: wat als …? (eigenaar DGM-APM)"),
           "A2": note("Eén wijziging per regel: variant (naam), parameter (zie mpp parameters), "
                      "scenario (min, medio, max of alle), jaar (leeg = alle jaren, 2026 of "
                      "2026-2028), bewerking (zet, maal of plus) en waarde. De regels van een "
                      "variant gelden in volgorde, op de waarde die in de ronde geldt. "
                      + ILLUSTRATIVE, span=7),
           "A4": Cell("Varianten (invoer)", "kop"),
           "D4": Cell("Vingerafdruk", "label"),
           "A5": Cell("Vastgesteld door", "label"),
           "D5": Cell("bij vaststelling", "label"),
           f"{get_column_letter(RESULT_COL)}4": Cell(
               "Resultaten (berekend bij verversen; niet invullen)", "uitkomst_kop"),
           STATUS_CELL: Cell("Nog niet ververst: voer 'mpp ververs' uit of klik op "
                             "Vernieuwen.")},
    widths={**dict(zip("ABCDEFGH", (20, 30, 9, 11, 10, 11, 60, 2), strict=True)),
            get_column_letter(RESULT_COL): 26})


def sheet_value(row: VariantRow, column: str) -> object:
    """A CSV value as the sheet holds it: operations as words, numbers as numbers."""
    v = getattr(row, column)
    if column == "bewerking":
        op = OPERATIONS.get(str(v).strip().lower())
        return SHEET_WORD.get(op, v) if op else v
    if column == "waarde":
        try:
            f = float(str(v))
            return int(f) if f.is_integer() and abs(f) < 1e15 else f
        except ValueError:
            return v
    return None if v in (None, "") else str(v)


def write(ws: Worksheet, years: Sequence[int], rows: Sequence[VariantRow] = ()) -> None:
    """The frame, the input table (prefilled with ``rows``), the headers of the
    result tables and a chart per :data:`CHART_KEYS` table."""
    write_frame(ws, FRAME)
    style_row(ws)
    for j, h in enumerate(INPUT_HEADERS, start=1):
        header(ws, HEADER_ROW, j, h)
    n = max(INPUT_ROWS, len(rows) + 20)
    last = FIRST_ROW + n - 1
    for r in range(FIRST_ROW, last + 1):
        for j in range(1, len(INPUT_HEADERS) + 1):
            c = ws.cell(r, j)
            c.fill, c.font, c.protection, c.border = INPUT_FILL, INPUT_FONT, UNLOCKED, BOX
            c.number_format = "General" if j == 6 else "@"
    for r, row in enumerate(rows, start=FIRST_ROW):
        for j, col in enumerate(VARIANT_COLUMNS, start=1):
            ws.cell(r, j, sheet_value(row, col))
    checks = [("C", '"min,medio,max,alle"', "Kies min, medio, max of alle."),
              ("E", f'"{",".join(SHEET_OPERATIONS)}"', "Kies zet, maal of plus.")]
    for col, formula, error in checks:
        dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                            showErrorMessage=True, errorTitle="Ongeldige keuze", error=error)
        dv.sqref = f"{col}{FIRST_ROW}:{col}{last}"  # type: ignore[assignment]
        ws.add_data_validation(dv)
    ws.cell(4, 5).border = BOX
    for ref in SIGN_CELLS.values():
        ws[ref].border = BOX
    ws[SIGN_CELLS["status"]].value = SIGN_NONE
    ys = headline_years(years[0], years[-1])
    for k, reeks in enumerate(VARIANT_HEADLINE_KEYS):
        top = RESULT_TOP + k * TABLE_ROWS
        ws.cell(top, RESULT_COL, table_title(reeks))
        header(ws, top + 1, RESULT_COL, "Variant", OUT_HEADER_FILL)
        for j, y in enumerate(ys, start=1):
            header(ws, top + 1, RESULT_COL + j, y, OUT_HEADER_FILL)
    chart_col = RESULT_COL + len(ys) + 2
    # the charts cover the variants the sheet is built with (all slots when built empty:
    # the user's own variants then appear after a refresh)
    names = list(dict.fromkeys(str(r.variant).strip() for r in rows
                               if str(r.variant or "").strip()))
    n_series = min(len(names), MAX_SHEET_VARIANTS) or MAX_SHEET_VARIANTS
    for i, reeks in enumerate(CHART_KEYS):
        ws.add_chart(_chart(ws, reeks, len(ys), n_series), f"{get_column_letter(chart_col)}"
                     f"{RESULT_TOP + i * 18}")
    ws.row_dimensions[HEADER_ROW].height = 30
    print_columns(ws, [list(range(1, RESULT_COL)),
                       list(range(RESULT_COL, RESULT_COL + len(ys) + 1))])
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _chart(ws: Worksheet, reeks: str, n_years: int, n_series: int) -> BarChart:
    """Clustered columns: per year the difference of the first ``n_series``
    variants (rows of the table; series names from the table)."""
    top = RESULT_TOP + VARIANT_HEADLINE_KEYS.index(reeks) * TABLE_ROWS
    ch = BarChart()
    ch.type, ch.grouping = "col", "clustered"
    ch.title = table_title(reeks)
    ch.height, ch.width = 8.5, 16
    ch.y_axis.numFmt = "+#,##0;-#,##0;0"
    ch.x_axis.title = "jaar"
    ch.x_axis.delete = False
    ch.y_axis.delete = False
    ch.legend.position = "b"
    name_col = get_column_letter(RESULT_COL)
    for i in range(n_series):
        r = top + 2 + i
        s = Series(Reference(ws, min_col=RESULT_COL + 1, max_col=RESULT_COL + n_years,
                             min_row=r))
        s.tx = SeriesLabel(strRef=StrRef(f"'{NAME}'!${name_col}${r}"))
        ch.series.append(s)
    ch.set_categories(Reference(ws, min_col=RESULT_COL + 1, max_col=RESULT_COL + n_years,
                                min_row=top + 1))
    return ch


# --- reading -------------------------------------------------------------------------------
def _cell_text(v: object) -> object:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def rows_from_grid(grid: Sequence[Sequence[object]]) -> list[VariantRow]:
    """The input rows of the sheet from its values from A1 (``Book.read``), each
    with the cells of its columns, so problems name Varianten!cell."""
    out: list[VariantRow] = []
    width = len(VARIANT_COLUMNS)
    for i in range(FIRST_ROW - 1, len(grid)):
        vals = [(list(grid[i]) + [None] * width)[j] for j in range(width)]
        if all(v in (None, "") for v in vals):
            continue
        r = i + 1
        vals = [_cell_text(v) if j in (3,) else v for j, v in enumerate(vals)]
        out.append(VariantRow(*vals, blad=NAME, cel=f"A{r}",  # type: ignore[arg-type]
                              cellen=tuple(f"{get_column_letter(j + 1)}{r}"
                                           for j in range(width))))
    return out


def read_workbook_variants(path: str | Path) -> list[VariantRow] | None:
    """The Varianten rows of a workbook file (cached values), or None when it
    has no such sheet. Untrusted: the file passes the zip guard first."""
    data = Path(path).read_bytes()
    check_workbook_bytes(data, Path(path).name)
    pkg = Package(data, Path(path).name)
    if NAME not in pkg.sheet_paths:
        return None
    return rows_from_package(pkg)


def rows_from_package(pkg: Package) -> list[VariantRow]:
    """The Varianten rows of an opened package (cached values)."""
    width = len(VARIANT_COLUMNS)
    grid: dict[int, list[object]] = {}
    for c in pkg.cells(NAME):
        if c.row >= FIRST_ROW and c.col <= width:
            v = error_text(c.value) if isinstance(c.value, XlErr) else c.value
            grid.setdefault(c.row, [None] * width)[c.col - 1] = v
    if not grid:
        return []
    rows = [[None] * width for _ in range(FIRST_ROW - 1)]
    rows += [grid.get(r, [None] * width) for r in range(FIRST_ROW, max(grid) + 1)]
    return rows_from_grid(rows)


def signed_cells(pkg: Package) -> dict[str, str]:
    """The sign-off cells of the sheet (name, date, fingerprint) as text."""
    by_ref = {c.ref: c.value for c in pkg.cells(NAME)}
    return {k: str(by_ref.get(ref) or "").strip() for k, ref in SIGN_CELLS.items()
            if k != "status"}


def variants_fingerprint(rows: Sequence[VariantRow]) -> str:
    """SHA-256 of the variants table as typed (every column, in row order): the
    Varianten sheet's own fingerprint; no partner's fingerprint includes it."""
    data = [[None if getattr(r, c) in (None, "") else str(getattr(r, c)).strip()
             for c in VARIANT_COLUMNS] for r in rows]
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()


# --- the refresh ---------------------------------------------------------------------------
@dataclass
class Checked:
    """The sheet's variants after checking: problems, the results (None when
    there are errors) and the fingerprint of the table."""

    problems: list[Problem] = field(default_factory=list)
    results: VariantResults | None = None
    fingerprint: str = ""
    n_rows: int = 0
    #: The fingerprint signed on the sheet ('' when not signed).
    signed: str = ""

    @property
    def sign_status(self) -> str:
        """geldig, vervallen or niet vastgesteld (the sign-off against the table now)."""
        if not self.signed:
            return SIGN_NONE
        return SIGN_VALID if self.signed == self.fingerprint else SIGN_VOID


def check(grid: Sequence[Sequence[object]], resolved: Resolved) -> Checked:
    """Validate the sheet's rows and, without errors, run base and variants in one batch."""
    rows = rows_from_grid(grid)
    problems, variants = check_variants(rows, resolved)
    fp = variants_fingerprint(rows)
    r, c = int(SIGN_CELLS["fingerprint"][1:]) - 1, ord(SIGN_CELLS["fingerprint"][0]) - 65
    signed = str(grid[r][c] or "").strip() if r < len(grid) and c < len(grid[r]) else ""
    if any(p.is_error for p in problems):
        return Checked(problems, None, fp, len(rows), signed)
    return Checked(problems, run_variants(resolved, variants), fp, len(rows), signed)


WriteLayout = Callable[..., None]


def write_results(book: Any, checked: Checked, resolved: Resolved, model_fingerprint: str,
                  write_layout: WriteLayout) -> list[str]:
    """The fingerprint, the status line and the result tables (titles and
    headers always; the variant rows when there are results). The results are
    also kept for ``MPP_VARIANT`` under the model's fingerprint."""
    res = checked.results
    notes: list[str] = []
    book.write(NAME, 4, 5, [[checked.fingerprint]])
    book.write(NAME, int(SIGN_CELLS["status"][1:]), ord(SIGN_CELLS["status"][0]) - 64,
               [[checked.sign_status]])
    if res is None:
        n = sum(p.is_error for p in checked.problems)
        status = f"Niet berekend: de varianten bevatten {n} fout(en); zie het blad Validatie."
        res = VariantResults(resolved.startjaar, resolved.eindjaar, resolved.scenarios, (), {})
    elif not res.variants:
        status = "Geen varianten: vul de tabel links in en ververs."
    else:
        status = (f"{len(res.variants)} variant(en), met de basis in één berekening; verschil "
                  "met de basis in het scenario medio.")
    variant_cache.store(model_fingerprint, res)
    lay, notes = variants_layout(res)
    book.write(NAME, int(STATUS_CELL[1:]), RESULT_COL, [[" ".join([status, *notes])]])
    width = 1 + len(headline_years(res.startjaar, res.eindjaar))
    write_layout(book, NAME, lay, RESULT_TOP, RESULT_COL, width)
    return [f"Varianten: {m}" for m in notes]
