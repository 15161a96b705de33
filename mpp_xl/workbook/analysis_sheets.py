"""The analysis sheets of the master workbook: Onzekerheid, Bijstelling and
Realisatie (issue 5 in the workbook).

* **Onzekerheid** is built once with formulas: per main series a table
  years × P12,5/P50/P67/P87,5 of ``=MPP_BAND(...)`` cells, the three scenarios
  (``=MPP_<REEKS>(...)``) and a native column with the band width, plus native
  fan charts (a stacked area P12,5–P87,5 with P50 and the scenarios as lines).
  The refresh evaluates them like every other ``MPP_*`` cell (headless) and
  Excel recalculates them after the refresh button; ``MPP_BAND`` runs the
  Monte Carlo simulation once per model with the Kader settings.
* **Bijstelling** is filled with values at every refresh from
  :func:`mpp_xl.analysis.compare.compare` against the previous MPP named in Kader
  (``vorige_mpp``, a CSV or workbook, relative to the workbook's folder).
* **Realisatie** is an input sheet (reeks, jaar, waarde, bron); the refresh
  reads it and writes a backtest table (:func:`mpp_xl.analysis.backtest.backtest`)
  beside it.

The content of the dynamic parts is computed once here as a *layout*:
``(row, col) -> (value, kind)``; the headless refresh turns it into sheet XML
(styles taken from a hidden style row the builder writes, one styled cell
per kind) and the Excel refresh writes it as blocks with number formats.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..core.series import SERIES
from . import sheets as S
from . import specs
from .styles import (
    BOX,
    HEADER_FILL,
    HEADER_FONT,
    INPUT_FILL,
    INPUT_FONT,
    MAX_ROW,
    OUT_HEADER_FILL,
    TITLE_FONT,
    UNLOCKED,
    scale_for,
)
from .styles import fixed_scale as _fixed_scale
from .styles import header as _header
from .styles import series_formula as _series_formula
from .styles import units as _units
from .xlsxio import col_letter

ONZEKERHEID = S.ONZEKERHEID
BIJSTELLING = S.BIJSTELLING
REALISATIE = S.REALISATIE

#: Percentiles of the Onzekerheid tables (percent) and their column headers.
PERCENTILES: tuple[float, ...] = (12.5, 50.0, 67.0, 87.5)
PCT_HEADERS: tuple[str, ...] = ("P12,5", "P50", "P67", "P87,5")
#: Series with a fan chart on Onzekerheid.
FAN_SERIES: tuple[str, ...] = ("instroom_totaal", "coa_bezetting", "ind_werkvoorraad",
                               "nidos_caseload", "amv_instroom", "dtv_caseload")
ONZ_FIRST_CHART_ROW = 6
#: The cell showing the Monte Carlo method (Kader's mc_methode) on Onzekerheid.
METHOD_CELL = "A5"
METHOD_LABEL = "Monte-Carlomethode: "
#: The default Monte Carlo method (``analysis.uncertainty.METHODS[0]``; a test keeps them equal).
DEFAULT_METHOD = "alle_aannames"
#: Legend labels of the fan charts' lines (as in the report's fan charts).
MEDIO_LABEL = "medio (P67)"
MEDIAN_LABEL = "mediaan (P50)"
S_SCENARIOS: tuple[str, ...] = ("min", "medio", "max")
ONZ_CHART_ROWS = 18
ONZ_TABLES_PER_PAGE = 5




# =====================================================================================
# Build (openpyxl)
# =====================================================================================
def _styles() -> dict[str, dict[str, Any]]:
    from openpyxl.styles import Alignment, Font


    out: dict[str, dict[str, Any]] = {k: {"number_format": f} for k, f in specs.KINDS.items()}
    out["titel"]["font"] = TITLE_FONT
    out["kop"]["font"] = Font(bold=True, size=12, color="1F4E79")
    out["kolomkop"].update(font=HEADER_FONT, fill=HEADER_FILL, border=BOX,
                           alignment=Alignment(horizontal="center", vertical="center",
                                               wrap_text=True))
    out["notitie"]["font"] = Font(italic=True, color="595959")
    out["waarschuwing"]["font"] = Font(bold=True, color="C00000")
    for k in ("tekst", "aantal", "aantal_verschil", "fractie", "fractie_verschil", "procent",
              "procentpunt", "jaar", "getal", "cel"):
        out[k]["font"] = Font(name="Calibri", size=11)  # the template's default is smaller
    for k in ("aantal", "aantal_verschil", "fractie", "fractie_verschil", "procent",
              "procentpunt", "jaar", "getal", "cel"):
        out[k]["border"] = BOX
    return out


def _apply(cell: Any, kind: str) -> None:
    for attr, v in _styles()[kind].items():
        setattr(cell, attr, v)


def _style_row(ws: Any) -> None:
    """The hidden row with one styled cell per kind (read by the refresh)."""
    for j, kind in enumerate(specs.KIND_ORDER, start=1):
        _apply(ws.cell(specs.STYLE_ROW, j), kind)
    ws.row_dimensions[specs.STYLE_ROW].hidden = True


def _method_formula(wb: Any) -> str:
    """A formula showing Kader's ``mc_methode`` (the default when empty)."""
    kader = wb[S.KADER]
    for r in range(1, kader.max_row + 1):
        if kader.cell(r, 1).value == "mc_methode":
            cell = f"{S.KADER}!$E${r}"
            return f'="{METHOD_LABEL}"&IF({cell}="","{DEFAULT_METHOD}",{cell})'
    return f'="{METHOD_LABEL}{DEFAULT_METHOD}"'


def build_onzekerheid(ws: Any, horizon: list[int]) -> dict[str, tuple[int, int]]:
    """Formulas for every main series and fan charts; returns reeks -> (first, last) data row."""
    from openpyxl.chart import AreaChart, LineChart, Reference, Series
    from openpyxl.chart.legend import LegendEntry
    from openpyxl.styles import Font
    from openpyxl.worksheet.pagebreak import Break


    ws["A1"] = "Onzekerheid: Monte-Carlobanden"
    ws["A1"].font = TITLE_FONT
    notes = (
        "Methode alle_aannames (standaard): per trekking en jaar één scenarioscore voor elke "
        "aanname die per scenario verschilt, zo dat P12,5, P67 en P87,5 van die aannames "
        "gelijk zijn aan min, medio en max. Methode alleen_instroom: alleen de eerste "
        "asielaanvragen worden getrokken, alle andere aannames staan op medio.",
        "Methode, aantal trekkingen, startgetal en correlatie tussen de jaren staan op Kader "
        "(mc_methode, mc_trekkingen, mc_zaad, mc_correlatie_jaren). Stromen: totaal per "
        "jaar; voorraden: per 1 januari.",
        "Grafieken: het vlak is de band P12,5–P87,5, de dikke lijn medio (P67, wat de MPP "
        "medio noemt), de dunne stippellijn de mediaan (P50), de punten de drie scenario's "
        "van de MPP (min, medio, max). Voorraden tot 1 januari van het eindjaar, zoals in "
        "de publicatie; de tabellen tonen ook 1 januari daarna.",
    )
    for i, t in enumerate(notes, start=2):
        ws.cell(i, 1, t).font = Font(italic=True, color="595959")
    # the Monte Carlo method in use: Kader's mc_methode, or the default when empty
    ws[METHOD_CELL] = _method_formula(ws.parent)
    ws[METHOD_CELL].font = Font(bold=True)

    n_charts = len(FAN_SERIES)
    row = ONZ_FIRST_CHART_ROW + ((n_charts + 1) // 2) * ONZ_CHART_ROWS + 1
    pos: dict[str, tuple[int, int]] = {}
    heads = ("Jaar", *PCT_HEADERS, *S_SCENARIOS, "Breedte P12,5–P87,5")
    model = f"{S.UITKOMSTEN}!${S.MODEL_CELL[0]}${S.MODEL_CELL[1:]}"
    breaks: list[int] = []
    for n_table, (reeks, s) in enumerate((k, s) for k, s in SERIES.items() if s.main):
        if n_table % ONZ_TABLES_PER_PAGE == 0:
            breaks.append(row - 1)  # whole tables per printed page
        ws.cell(row, 1, f"{s.label} ({s.unit_text})").font = Font(bold=True, color="1F4E79")
        ws.cell(row, 9, reeks).font = Font(color="808080", size=8)
        row += 1
        for j, h in enumerate(heads, start=1):
            _header(ws, row, j, h)
        ys = [*horizon, horizon[-1] + 1] if s.is_stock else horizon
        fmt = "0.0%" if s.unit == "fractie" else "#,##0"
        first = row + 1
        for y in ys:
            row += 1
            ws.cell(row, 1, y).border = BOX
            for j, p in enumerate(PERCENTILES, start=2):
                c = ws.cell(row, j, f'=MPP_BAND("{reeks}",$A{row},{p:g},{model})')
                c.number_format, c.border = fmt, BOX
            for j, scen in enumerate(S_SCENARIOS, start=6):
                c = ws.cell(row, j, _series_formula(reeks, f"$A{row}", scen, model))
                c.number_format, c.border = fmt, BOX
            c = ws.cell(row, 9, f"=E{row}-B{row}")
            c.number_format, c.border = fmt, BOX
        pos[reeks] = (first, row)
        row += 2

    for i, reeks in enumerate(FAN_SERIES):
        first, last = pos[reeks]
        if SERIES[reeks].is_stock:
            last -= 1  # the chart ends on 1 jan eindjaar like the publication

        def ref(col: int, first: int = first, last: int = last) -> Reference:
            return Reference(ws, min_col=col, min_row=first, max_row=last)

        area = AreaChart()
        area.grouping = "stacked"
        s = SERIES[reeks]
        area.title = f"{s.label} ({'per 1 jan' if s.is_stock else 'per jaar'})"
        area.height, area.width = 8.5, 16
        base = Series(ref(2), title="P12,5")
        base.graphicalProperties.noFill = True
        base.graphicalProperties.line.noFill = True
        band = Series(ref(9), title="band P12,5–P87,5")
        band.graphicalProperties.solidFill = "BDD7EE"
        band.graphicalProperties.line.noFill = True
        area.series.extend([base, band])
        area.set_categories(ref(1))
        area.y_axis.numFmt = "0%" if SERIES[reeks].unit == "fractie" else "#,##0"
        area.y_axis.majorGridlines = area.y_axis.majorGridlines
        area.x_axis.delete = False
        area.y_axis.delete = False
        area.legend.position = "b"
        area.legend.legendEntry = [LegendEntry(idx=0, delete=True)]  # the invisible base

        line = LineChart()
        medio = Series(ref(4), title=MEDIO_LABEL)  # P67: what the MPP calls medio
        medio.graphicalProperties.line.solidFill = "1F4E79"
        medio.graphicalProperties.line.width = 28575
        medio.smooth = False
        median = Series(ref(3), title=MEDIAN_LABEL)
        median.graphicalProperties.line.solidFill = "1F4E79"
        median.graphicalProperties.line.width = 9525
        median.graphicalProperties.line.prstDash = "dash"
        median.smooth = False
        line.series.extend([medio, median])
        for col, scen, color, symbol in ((6, "min", "548235", "triangle"),
                                         (7, "medio", "C00000", "circle"),
                                         (8, "max", "7030A0", "diamond")):
            sr = Series(ref(col), title=f"MPP {scen}")
            sr.marker.symbol = symbol
            sr.marker.size = 7
            sr.marker.graphicalProperties.solidFill = color
            sr.marker.graphicalProperties.line.solidFill = color
            sr.graphicalProperties.line.noFill = True
            sr.smooth = False
            line.series.append(sr)
        area += line
        ws.add_chart(area, f"{'A' if i % 2 == 0 else 'F'}"
                           f"{ONZ_FIRST_CHART_ROW + (i // 2) * ONZ_CHART_ROWS}")
    ws.row_breaks.append(Break(id=ONZ_FIRST_CHART_ROW + 2 * ONZ_CHART_ROWS - 1))
    for r in breaks:
        ws.row_breaks.append(Break(id=r))
    ws.column_dimensions["A"].width = 10
    for col in "BCDEFGHI":
        ws.column_dimensions[col].width = 13
    ws.column_dimensions["I"].width = 18
    ws.protection.sheet = True
    return pos



def build_bijstelling(ws: Any) -> None:
    """Title, note and the hidden style row; the content is written by the refresh."""
    from openpyxl.styles import Font


    ws["A1"] = "Bijstelling: vergelijking met de vorige MPP"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = ("Wordt bij elke verversing bijgewerkt (mpp ververs of Vernieuwen in Excel). "
                "De vorige MPP staat op Kader bij vorige_mpp.")
    ws["A2"].font = Font(italic=True, color="595959")
    _style_row(ws)
    ws.cell(S.BIJ_FIRST_ROW, 1, "Nog niet ververst: voer 'mpp ververs' uit of klik op "
                              "Vernieuwen.")
    for col, w in zip("ABCDEFG", (30, 10, 8, 14, 14, 14, 11), strict=True):
        ws.column_dimensions[col].width = w
    _print_columns(ws, [list(range(1, 8))])
    ws.protection.sheet = True


def _print_columns(ws: Any, strips: list[list[int]]) -> None:
    """Print whole columns (the rows change at every refresh) in page strips
    side by side, at the scale where the widest strip fills the page width."""
    from openpyxl.worksheet.pagebreak import Break


    _fixed_scale(ws, scale_for(max(_units(ws, s) for s in strips)))
    for strip in strips[:-1]:
        ws.col_breaks.append(Break(id=strip[-1]))
    ws.print_area = f"A1:{col_letter(strips[-1][-1])}{MAX_ROW}"


def build_realisatie(ws: Any, realisaties: pd.DataFrame | None = None) -> None:
    """The input table (reeks, jaar, waarde, bron; unlocked yellow cells) and the
    header of the backtest beside it."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation


    ws["A1"] = "Realisaties en terugtoets"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = ("Vul per reeks en jaar de gerealiseerde waarde in (gele cellen): stromen als "
                "totaal van het jaar, voorraden per 1 januari. De reeksnamen staan op "
                "Uitkomsten (grijs, rechts van elke titel).")
    ws["A2"].font = Font(italic=True, color="595959")
    # the note wraps above the input table (on paper that table has a page of its own)
    ws.merge_cells(f"A2:{col_letter(S.REAL_BT_COL - 1)}2")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = S.row_height(S.text_lines(ws["A2"].value, 24 + 7 + 11 + 18))
    _style_row(ws)
    ws["A4"] = "Realisaties (invoer)"
    ws["A4"].font = Font(bold=True, size=12, color="1F4E79")
    ws.cell(4, S.REAL_BT_COL, "Terugtoets: deze prognose tegen de realisaties (berekend bij "
                            "verversen; niet invullen)").font = Font(bold=True, size=12,
                                                                     color="375623")
    ws.cell(S.REAL_SUMMARY_ROW, S.REAL_BT_COL, "Nog niet ververst.")
    for j, h in enumerate(S.REAL_INPUT_HEADERS, start=1):
        _header(ws, S.REAL_HEADER_ROW, j, h)
    for j, h in enumerate(S.REAL_BT_HEADERS):
        _header(ws, S.REAL_HEADER_ROW, S.REAL_BT_COL + j, h, OUT_HEADER_FILL)
    rows = [] if realisaties is None else realisaties.to_dict("records")
    n = max(S.REAL_INPUT_ROWS, len(rows) + 100)
    for i in range(n):
        r = S.REAL_FIRST_ROW + i
        for j in range(1, 5):
            c = ws.cell(r, j)
            c.fill, c.font, c.protection, c.border = INPUT_FILL, INPUT_FONT, UNLOCKED, BOX
            c.number_format = {1: "@", 2: "0", 3: "#,##0.##", 4: "@"}[j]
    for i, rec in enumerate(rows):
        r = S.REAL_FIRST_ROW + i
        ws.cell(r, 1, str(rec["reeks"]))
        ws.cell(r, 2, int(rec["jaar"]))
        v = float(rec["waarde"])
        ws.cell(r, 3, int(v) if v.is_integer() and abs(v) < 1e15 else v)
        bron = rec.get("bron", "")
        ws.cell(r, 4, None if bron in (None, "") else str(bron))
    last = S.REAL_FIRST_ROW + n - 1
    dv = DataValidation(type="list", formula1=f'"{",".join(_series_list())}"'
                        if len(",".join(_series_list())) < 255 else None, allow_blank=True)
    if dv.formula1:
        dv.sqref = f"A{S.REAL_FIRST_ROW}:A{last}"  # type: ignore[assignment]
        ws.add_data_validation(dv)
    yv = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100",
                        allow_blank=True, showErrorMessage=True, errorTitle="Ongeldig jaar",
                        error="Vul een jaartal in, bijvoorbeeld 2024.")
    yv.sqref = f"B{S.REAL_FIRST_ROW}:B{last}"  # type: ignore[assignment]
    ws.add_data_validation(yv)
    vv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                        allow_blank=True, showErrorMessage=True, errorTitle="Ongeldige waarde",
                        error="Vul een getal van 0 of meer in.")
    vv.sqref = f"C{S.REAL_FIRST_ROW}:C{last}"  # type: ignore[assignment]
    ws.add_data_validation(vv)
    for col, w in zip("ABCDE", (24, 7, 11, 18, 2), strict=True):
        ws.column_dimensions[col].width = w
    for j, w in enumerate((24, 7, 11, 11, 11, 11, 13, 10, 8)):
        ws.column_dimensions[col_letter(S.REAL_BT_COL + j)].width = w
    ws.row_dimensions[S.REAL_HEADER_ROW].height = 30
    # on paper: the realisations, then the backtest on its own page strip
    bt_cols = list(range(S.REAL_BT_COL, S.REAL_BT_COL + len(S.REAL_BT_HEADERS)))
    _print_columns(ws, [list(range(1, S.REAL_BT_COL)), bt_cols])
    ws.print_title_rows = f"{S.REAL_HEADER_ROW}:{S.REAL_HEADER_ROW}"
    ws.freeze_panes = f"A{S.REAL_FIRST_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _series_list() -> list[str]:
    return list(SERIES)
