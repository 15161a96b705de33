"""Varianten: policy variants (what-if beside min/medio/max), owned by DGM-APM.

The input table (yellow cells, columns of
:data:`mpp_xl.core.variants.VARIANT_COLUMNS`) is read and validated at every
refresh like a partner sheet (problems on Validatie with Varianten!cell); the
refresh runs the base and every variant in one engine batch and writes, per
headline series, the difference from the base per year for medio beside it,
with charts over those tables. ``MPP_VARIANT`` reads the same results.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.series import SeriesLabel, StrRef
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...analysis.variant_sheets import (
    MAX_SHEET_VARIANTS,
    TABLE_ROWS,
    headline_years,
    table_title,
)
from ...analysis.variants import VARIANT_HEADLINE_KEYS
from ...core.variants import (
    OPERATIONS,
    SHEET_OPERATIONS,
    VARIANT_COLUMNS,
    VariantRow,
)
from ..frames import write_frame
from ..printing import print_columns
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
from ..variants_refresh import (
    CHART_KEYS,
    FIRST_ROW,
    HEADER_ROW,
    INPUT_HEADERS,
    INPUT_ROWS,
    NAME,
    RESULT_COL,
    RESULT_TOP,
    SHEET_WORD,
    SIGN_CELLS,
    SIGN_NONE,
    STATUS_CELL,
)

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


