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

import re
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.backtest import backtest, realisaties_from_frame
from ..analysis.compare import compare
from ..analysis.forecast import run
from ..core.problems import MppError, ValidationError
from ..core.registry import PARAMETERS
from ..core.series import SERIES
from ..io.safe_zip import check_workbook_bytes
from . import sheets as S
from . import specs
from .reader import read_assumptions
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
    header_height,
    scale_for,
)
from .styles import fixed_scale as _fixed_scale
from .styles import header as _header
from .styles import series_formula as _series_formula
from .styles import units as _units
from .xlsxio import Package, col_index, col_letter, scan_cells

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

#: The hidden row holding one styled (empty) cell per kind, on Bijstelling and Realisatie.
STYLE_ROW = 3
#: Cell kinds of the dynamic layouts: number format, font, fill/border.
KINDS: dict[str, str] = {
    "titel": "General",
    "kop": "General",
    "kolomkop": "General",
    "tekst": "General",
    "notitie": "General",
    "waarschuwing": "General",
    "aantal": "#,##0",
    "aantal_verschil": "+#,##0;-#,##0;0",
    "fractie": "0.0%",
    "fractie_verschil": '+0.0%;-0.0%;0.0%',
    "procent": '+0.0"%";-0.0"%";0.0"%"',
    "procentpunt": '+0.0" pp";-0.0" pp";0.0" pp"',
    "jaar": "0",
    "getal": "General",
    "cel": "General",
}
KIND_ORDER: tuple[str, ...] = tuple(KINDS)

# --- Bijstelling
BIJ_FIRST_ROW = 4
BIJ_TOP = 30
BIJ_WRAP = 115
BIJ_DIFF_HEADERS = ("Reeks", "Scenario", "Jaar", "Oud", "Nieuw", "Verschil", "Procent")
BIJ_ASSUMPTION_HEADERS = ("Parameter", "Scenario", "Jaar", "Oud", "Nieuw")
BIJ_MAX_ASSUMPTIONS = 300
#: Kader parameters that name the round rather than assume anything: not listed as changes.
META_PARAMETERS: tuple[str, ...] = ("vorige_mpp",)

# --- Realisatie
REAL_HEADER_ROW = 6
REAL_FIRST_ROW = REAL_HEADER_ROW + 1
REAL_INPUT_HEADERS = ("reeks", "jaar", "waarde", "bron")
REAL_INPUT_ROWS = 500
REAL_BT_COL = 6  # F
REAL_SUMMARY_ROW = 5
#: The backtest columns on the sheet (as mpp_xl.analysis.backtest, without bron: the
#: source stays in the input table on the left).
REAL_BT_HEADERS = ("Reeks", "Jaar", "Realisatie", "Min", "Medio", "Max",
                   "Fout (medio − realisatie)", "Procent / pp", "Binnen band")

Layout = dict[tuple[int, int], tuple[object, str]]


# =====================================================================================
# Build (openpyxl)
# =====================================================================================
def _styles() -> dict[str, dict[str, Any]]:
    from openpyxl.styles import Alignment, Font


    out: dict[str, dict[str, Any]] = {k: {"number_format": f} for k, f in KINDS.items()}
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
    for j, kind in enumerate(KIND_ORDER, start=1):
        _apply(ws.cell(STYLE_ROW, j), kind)
    ws.row_dimensions[STYLE_ROW].hidden = True


def series_formats(reeks: str) -> tuple[str, str]:
    """(value kind, difference kind) of a series."""
    if SERIES[reeks].unit == "fractie":
        return "fractie", "fractie_verschil"
    return "aantal", "aantal_verschil"


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
    ws.cell(BIJ_FIRST_ROW, 1, "Nog niet ververst: voer 'mpp ververs' uit of klik op "
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
    ws.merge_cells(f"A2:{col_letter(REAL_BT_COL - 1)}2")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = S.row_height(S.text_lines(ws["A2"].value, 24 + 7 + 11 + 18))
    _style_row(ws)
    ws["A4"] = "Realisaties (invoer)"
    ws["A4"].font = Font(bold=True, size=12, color="1F4E79")
    ws.cell(4, REAL_BT_COL, "Terugtoets: deze prognose tegen de realisaties (berekend bij "
                            "verversen; niet invullen)").font = Font(bold=True, size=12,
                                                                     color="375623")
    ws.cell(REAL_SUMMARY_ROW, REAL_BT_COL, "Nog niet ververst.")
    for j, h in enumerate(REAL_INPUT_HEADERS, start=1):
        _header(ws, REAL_HEADER_ROW, j, h)
    for j, h in enumerate(REAL_BT_HEADERS):
        _header(ws, REAL_HEADER_ROW, REAL_BT_COL + j, h, OUT_HEADER_FILL)
    rows = [] if realisaties is None else realisaties.to_dict("records")
    n = max(REAL_INPUT_ROWS, len(rows) + 100)
    for i in range(n):
        r = REAL_FIRST_ROW + i
        for j in range(1, 5):
            c = ws.cell(r, j)
            c.fill, c.font, c.protection, c.border = INPUT_FILL, INPUT_FONT, UNLOCKED, BOX
            c.number_format = {1: "@", 2: "0", 3: "#,##0.##", 4: "@"}[j]
    for i, rec in enumerate(rows):
        r = REAL_FIRST_ROW + i
        ws.cell(r, 1, str(rec["reeks"]))
        ws.cell(r, 2, int(rec["jaar"]))
        v = float(rec["waarde"])
        ws.cell(r, 3, int(v) if v.is_integer() and abs(v) < 1e15 else v)
        bron = rec.get("bron", "")
        ws.cell(r, 4, None if bron in (None, "") else str(bron))
    last = REAL_FIRST_ROW + n - 1
    dv = DataValidation(type="list", formula1=f'"{",".join(_series_list())}"'
                        if len(",".join(_series_list())) < 255 else None, allow_blank=True)
    if dv.formula1:
        dv.sqref = f"A{REAL_FIRST_ROW}:A{last}"  # type: ignore[assignment]
        ws.add_data_validation(dv)
    yv = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100",
                        allow_blank=True, showErrorMessage=True, errorTitle="Ongeldig jaar",
                        error="Vul een jaartal in, bijvoorbeeld 2024.")
    yv.sqref = f"B{REAL_FIRST_ROW}:B{last}"  # type: ignore[assignment]
    ws.add_data_validation(yv)
    vv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                        allow_blank=True, showErrorMessage=True, errorTitle="Ongeldige waarde",
                        error="Vul een getal van 0 of meer in.")
    vv.sqref = f"C{REAL_FIRST_ROW}:C{last}"  # type: ignore[assignment]
    ws.add_data_validation(vv)
    for col, w in zip("ABCDE", (24, 7, 11, 18, 2), strict=True):
        ws.column_dimensions[col].width = w
    for j, w in enumerate((24, 7, 11, 11, 11, 11, 13, 10, 8)):
        ws.column_dimensions[col_letter(REAL_BT_COL + j)].width = w
    ws.row_dimensions[REAL_HEADER_ROW].height = 30
    # on paper: the realisations, then the backtest on its own page strip
    bt_cols = list(range(REAL_BT_COL, REAL_BT_COL + len(REAL_BT_HEADERS)))
    _print_columns(ws, [list(range(1, REAL_BT_COL)), bt_cols])
    ws.print_title_rows = f"{REAL_HEADER_ROW}:{REAL_HEADER_ROW}"
    ws.freeze_panes = f"A{REAL_FIRST_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _series_list() -> list[str]:
    return list(SERIES)


# =====================================================================================
# Content (pure): Bijstelling and backtest layouts
# =====================================================================================
def _wrap(text: str, width: int = BIJ_WRAP) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False) or [""]


def previous_path(text: str, base_dir: str | Path | None) -> tuple[Path | None, str | None]:
    """The file named by Kader's ``vorige_mpp`` and a Dutch warning when it cannot be used."""
    raw = (text or "").strip().strip('"').strip()
    if not raw:
        return None, None
    p = Path(raw)
    if not p.is_absolute():
        if base_dir is None:
            return None, (f"Vorige MPP '{raw}' is een relatief pad, maar de map van de werkmap "
                          "is onbekend; vul op Kader bij vorige_mpp een volledig pad in.")
        p = Path(base_dir) / p
    if not p.is_file():
        return None, (f"Vorige MPP niet gevonden: {p}. Controleer Kader, vorige_mpp (een CSV "
                      "of werkmap; een relatief pad geldt vanaf de map van deze werkmap).")
    return p, None


def bijstelling_layout(vorige: str, base_dir: str | Path | None, new_assumptions: Any,
                       new_forecast: Any) -> tuple[Layout, list[str]]:
    """The Bijstelling content from row :data:`BIJ_FIRST_ROW` and the warnings
    for the refresh output (Dutch). Never raises for a bad previous file."""

    out: Layout = {}
    row = BIJ_FIRST_ROW

    def put(text: str, kind: str = "tekst") -> None:
        nonlocal row
        for line in _wrap(text):
            out[(row, 1)] = (line, kind)
            row += 1

    if not (vorige or "").strip():
        put("Geen vorige MPP opgegeven. Vul op het blad Kader bij vorige_mpp (kolom 'Alle "
            "jaren') het bestand van de vorige MPP in: een werkmap (.xlsm/.xlsx) of een CSV "
            "met aannames, bijvoorbeeld MPP_2024-1.xlsm of ../2024-1/MPP_2024-1_aannames.csv "
            "(een relatief pad geldt vanaf de map van deze werkmap). Ververs daarna.")
        return out, []
    path, warning = previous_path(vorige, base_dir)
    cmp = None
    if path is not None:
        try:
            a_old = read_assumptions(path)
            cmp = compare(run(a_old), new_forecast, a_old, new_assumptions)
        except ValidationError as e:
            n = sum(p.is_error for p in e.problems)
            warning = (f"Vorige MPP {path.name} bevat {n} fout(en) in de aannames en is niet "
                       "vergeleken. Controleer dat bestand met 'mpp valideer'.")
        except (MppError, OSError, ValueError, KeyError) as e:
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            warning = f"Vorige MPP {path.name} kon niet worden gelezen: {msg}"
    if cmp is None:
        put(f"Let op: {warning} De bijstelling is niet bijgewerkt.", "waarschuwing")
        return out, [warning or "Vorige MPP niet vergeleken."]

    assert path is not None
    put(f"Vorige MPP: {vorige.strip()} ({path.name}).", "tekst")
    put(f"Vergeleken: {cmp.jaren[0]}–{cmp.jaren[1]} (voorraden per 1 januari, t/m "
        f"{cmp.jaren[1] + 1}), scenario's {', '.join(cmp.scenarios)}. Verschil = nieuw − oud; "
        "procent = verschil / oud.", "notitie")
    for m in cmp.meldingen:
        put(f"Let op: {m}", "waarschuwing")
    row += 1
    changed = cmp.gewijzigde_reeksen
    out[(row, 1)] = ("Toelichting per reeks", "kop")
    row += 1
    if not changed:
        put("Geen verschillen in de uitkomsten ten opzichte van de vorige MPP.")
    for reeks in changed:
        put(cmp.toelichting[reeks])
    row += 1

    out[(row, 1)] = (f"Grootste verschillen (de {BIJ_TOP} grootste absolute wijzigingen)", "kop")
    row += 1
    d = cmp.verschillen
    d = d[d["verschil"] != 0].head(BIJ_TOP)
    if d.empty:
        put("Geen verschillen.")
    else:
        for j, h in enumerate(BIJ_DIFF_HEADERS, start=1):
            out[(row, j)] = (h, "kolomkop")
        row += 1
        for rec in d.to_dict("records"):
            vk, dk = series_formats(rec["reeks"])
            pct = rec["procent"]
            vals = [(rec["reeks"], "cel"), (rec["scenario"], "cel"),
                    (float(rec["jaar"]), "jaar"), (float(rec["oud"]), vk),
                    (float(rec["nieuw"]), vk), (float(rec["verschil"]), dk),
                    (None if pct is None or pct != pct else float(pct), "procent")]
            for j, v in enumerate(vals, start=1):
                out[(row, j)] = v
            row += 1
    row += 1

    out[(row, 1)] = ("Gewijzigde aannames", "kop")
    row += 1
    ch = cmp.aannames
    ch = ch[~ch["parameter"].isin(META_PARAMETERS)]
    if ch.empty:
        put("Geen gewijzigde aannames.")
    else:
        for j, h in enumerate(BIJ_ASSUMPTION_HEADERS, start=1):
            out[(row, j)] = (h, "kolomkop")
        row += 1
        for rec in ch.head(BIJ_MAX_ASSUMPTIONS).to_dict("records"):
            kind = _param_kind(rec["parameter"])
            jaar = rec["jaar"]
            jaar_v = None if jaar is None or jaar != jaar or jaar == "" else float(jaar)
            vals = [(rec["parameter"], "cel"), (rec["scenario"], "cel"), (jaar_v, "jaar"),
                    (_plain(rec["oud"]), kind), (_plain(rec["nieuw"]), kind)]
            for j, v in enumerate(vals, start=1):
                out[(row, j)] = v
            row += 1
        if len(ch) > BIJ_MAX_ASSUMPTIONS:
            put(f"… en nog {len(ch) - BIJ_MAX_ASSUMPTIONS} gewijzigde waarden; zie "
                "'mpp vergelijk --aannames-csv'.", "notitie")
    return out, []


def _plain(v: object) -> object:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (np.floating, np.integer)):
        return float(v)
    return v


def _param_kind(key: str) -> str:

    p = PARAMETERS.get(key)
    if p is None:
        return "getal"
    return {"aantal": "aantal", "fractie": "fractie", "jaar": "jaar"}.get(p.fmt, "getal")


def realisaties_from_rows(rows: list[list[object]]) -> pd.DataFrame:
    """The realisations from the input columns (reeks, jaar, waarde, bron) of the
    data rows; empty rows skipped. Raises MppError (Dutch) for bad values."""

    recs = []
    for i, r in enumerate(rows):
        r = list(r[:4]) + [None] * (4 - len(r[:4]))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in r):
            continue
        recs.append({"reeks": "" if r[0] is None else str(r[0]).strip(),
                     "jaar": "" if r[1] is None else _num_text(r[1]),
                     "waarde": "" if r[2] is None else _num_text(r[2]),
                     "bron": "" if r[3] is None else str(r[3]),
                     "_regel": REAL_FIRST_ROW + i})
    df = pd.DataFrame(recs, columns=["reeks", "jaar", "waarde", "bron", "_regel"])
    for rec in recs:
        if not rec["reeks"]:
            raise MppError(f"{REALISATIE}!A{rec['_regel']}: de reeks ontbreekt.")
    try:
        return realisaties_from_frame(df.drop(columns="_regel"), f"blad {REALISATIE}")
    except MppError as e:  # point at the sheet row instead of the CSV line
        msg = re.sub(r"regel (\d+)", lambda m: f"rij {int(m.group(1)) - 2 + REAL_FIRST_ROW}",
                     str(e))
        raise MppError(msg) from None


def _num_text(v: object) -> str:
    if isinstance(v, float):
        return repr(v)
    return str(v).strip()


def backtest_layout(rows: list[list[object]], forecast: Any) -> tuple[Layout, list[str]]:
    """The backtest beside the realisations: summary in row :data:`REAL_SUMMARY_ROW`,
    data from :data:`REAL_FIRST_ROW`, columns from :data:`REAL_BT_COL`."""

    out: Layout = {}
    c0, r0 = REAL_BT_COL, REAL_SUMMARY_ROW
    try:
        real = realisaties_from_rows(rows)
    except MppError as e:
        out[(r0, c0)] = (f"Let op: {e} Geen terugtoets berekend.", "waarschuwing")
        return out, [str(e)]
    if real.empty:
        out[(r0, c0)] = ("Nog geen realisaties ingevuld; vul links reeks, jaar en waarde in en "
                         "ververs.", "notitie")
        return out, []
    bt = backtest(forecast, real)
    t = bt.tabel
    n_in = int(t["binnen_band"].sum()) if len(t) else 0
    summary = (f"{n_in} van {len(t)} realisaties liggen binnen de band min–max. "
               "Fout = medio − realisatie; procent = fout / realisatie.")
    if bt.meldingen:
        summary += " " + " ".join(bt.meldingen)
    out[(r0, c0)] = (summary, "waarschuwing" if bt.meldingen else "notitie")
    for i, rec in enumerate(t.to_dict("records")):
        r = REAL_FIRST_ROW + i
        vk, dk = series_formats(rec["reeks"])
        pct, pct_kind = _plain(rec["procent"]), "procent"
        if pct is None and _plain(rec.get("procentpunt")) is not None:
            pct, pct_kind = _plain(rec["procentpunt"]), "procentpunt"  # share series
        vals = [(rec["reeks"], "cel"), (float(rec["jaar"]), "jaar"),
                (float(rec["realisatie"]), vk), (_plain(rec["min"]), vk),
                (float(rec["medio"]), vk), (_plain(rec["max"]), vk),
                (float(rec["fout"]), dk), (pct, pct_kind),
                ("ja" if rec["binnen_band"] else "nee", "cel")]
        for j, v in enumerate(vals):
            out[(r, c0 + j)] = v
    return out, list(bt.meldingen)


def _kader_text(a: Any, key: str) -> str:
    """A text parameter of Kader from Assumptions rows (last value wins)."""
    v = ""
    for r in a.rows:
        if isinstance(r.parameter, str) and r.parameter.strip().lower() == key \
                and r.waarde not in (None, ""):
            v = str(r.waarde)
    return v


# =====================================================================================
# Headless refresh: layout -> sheet XML
# =====================================================================================
_ROW_RE = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_C_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>.*?</c>)", re.S)
_R_ATTR = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ROWNUM = re.compile(rb'\br="(\d+)"')


def merge_cells_xml(xml: bytes, new: Mapping[tuple[int, int], bytes],
                    clear: Callable[[int, int], bool]) -> bytes:
    """Remove the cells for which ``clear(row, col)`` holds, add ``new`` cells
    (``(row, col) -> <c> markup``); rows without changes stay byte-identical."""
    sd = xml.find(b"<sheetData")
    if sd < 0:
        raise MppError("Onverwachte opbouw van een werkblad (geen sheetData).")
    open_end = xml.find(b">", sd) + 1
    if xml[open_end - 2:open_end] == b"/>":
        head, inner, tail = xml[:sd] + b"<sheetData>", b"", b"</sheetData>" + xml[open_end:]
    else:
        close = xml.find(b"</sheetData>", open_end)
        head, inner, tail = xml[:open_end], xml[open_end:close], xml[close:]
    by_row: dict[int, dict[int, bytes]] = {}
    for (r, c), x in new.items():
        by_row.setdefault(r, {})[c] = x
    rows: list[tuple[int, bytes]] = []
    seen: set[int] = set()
    for m in _ROW_RE.finditer(inner):
        rm = _ROWNUM.search(m.group(1))
        r = int(rm.group(1)) if rm else 0
        seen.add(r)
        add = by_row.get(r, {})
        body = m.group(2) or b""
        cells: list[tuple[int, bytes]] = []
        changed = bool(add)
        for cm in _C_RE.finditer(body):
            ref = _R_ATTR.search(cm.group(1))
            col = col_index(ref.group(1).decode()) if ref else 0
            if clear(r, col) or col in add:
                changed = True
                continue
            cells.append((col, cm.group(0)))
        if not changed:
            rows.append((r, m.group(0)))
            continue
        cells.extend(add.items())
        cells.sort(key=lambda t: t[0])
        attrs = re.sub(rb'\s+spans="[^"]*"', b"", m.group(1)).rstrip(b"/").rstrip()
        rows.append((r, b"<row" + attrs + b">" + b"".join(x for _, x in cells) + b"</row>"))
    for r, add in by_row.items():
        if r not in seen:
            rows.append((r, f'<row r="{r}">'.encode()
                         + b"".join(add[c] for c in sorted(add)) + b"</row>"))
    rows.sort(key=lambda t: t[0])
    out = head + b"".join(x for _, x in rows) + tail
    last_r = max([r for r, _ in rows] + [1])
    last_c = max([c for (_, c) in new] + [1])
    dm = re.search(rb'<dimension ref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"', out)
    if dm and dm.group(1):
        last_c = max(last_c, col_index(dm.group(1).decode()))
        last_r = max(last_r, int(dm.group(2)))
    if dm:
        out = out[:dm.start()] + f'<dimension ref="A1:{col_letter(last_c)}{last_r}"'.encode() \
            + out[dm.end():]
    return out


def realisatie_rows_from_package(pkg: Package,
                                 values: Mapping[tuple[str, int, int], object] | None = None,
                                 ) -> list[list[object]]:
    """The input rows (columns A–D from :data:`REAL_FIRST_ROW`) of Realisatie;
    ``values`` (evaluated formula results) override cached values."""
    grid: dict[int, list[object]] = {}
    for c in pkg.cells(REALISATIE):
        if c.row >= REAL_FIRST_ROW and c.col <= 4:
            v = c.value
            if values is not None and (REALISATIE, c.row, c.col) in values:
                v = values[(REALISATIE, c.row, c.col)]
            grid.setdefault(c.row, [None] * 4)[c.col - 1] = v
    if not grid:
        return []
    last = max(grid)
    return [grid.get(r, [None] * 4) for r in range(REAL_FIRST_ROW, last + 1)]


def owned_row_heights(pkg: Package, base: Callable[[str], bytes]) -> dict[str, bytes]:
    """Validatie, Vaststelling and Logboek with row heights that fit their wrapped
    text (part name -> XML). The refresh regenerates their rows without a height,
    and neither Excel nor LibreOffice fits the height of such rows when opening
    the file, so long messages would overlap the next row. ``base(sheet)``: the
    sheet's current XML."""

    parts: dict[str, bytes] = {}
    for spec in specs.OWNED:
        sheet, head, first, widths, wrap = (spec.name, spec.header_row, spec.first_row,
                                            spec.widths, spec.wrap_cols)
        if sheet not in pkg.sheet_paths:
            continue
        xml = base(sheet)
        try:
            cells = scan_cells(xml, pkg.shared)
        except (ValueError, IndexError):
            continue  # unreadable cells: leave the heights to the application
        lines: dict[int, int] = {}
        for c in cells:
            if c.row >= first and c.col in wrap and c.col <= len(widths):
                lines[c.row] = max(lines.get(c.row, 1), S.text_lines(c.value, widths[c.col - 1]))
            elif c.row >= first:
                lines.setdefault(c.row, 1)
        for c in cells:
            if c.row in spec.note_rows and c.col == 1 and c.value:
                lines[c.row] = S.text_lines(c.value, sum(widths))
        heights = {r: S.row_height(n) for r, n in lines.items()}
        headers = tuple(str(c.value or "") for c in cells if c.row == head)
        if len(headers) == len(widths):
            heights[head] = header_height(headers, widths)
        parts[pkg.sheet_paths[sheet]] = set_row_heights(xml, heights)
    return parts


def set_row_heights(xml: bytes, heights: Mapping[int, float]) -> bytes:
    """``xml`` with ``ht``/``customHeight`` on the rows in ``heights`` (row -> points);
    other rows and everything outside the row tags stay byte-identical."""
    def fix(m: re.Match[bytes]) -> bytes:
        rm = _ROWNUM.search(m.group(1))
        if rm is None or int(rm.group(1)) not in heights:
            return m.group(0)
        attrs = re.sub(rb'\s+(?:ht|customHeight)="[^"]*"', b"", m.group(1))
        tail = b"/>" if attrs.endswith(b"/") else b">"
        attrs = attrs.rstrip(b"/")
        ht = f' ht="{heights[int(rm.group(1))]:g}" customHeight="1"'.encode()
        return b"<row" + attrs + ht + tail

    return _ROW_OPEN.sub(fix, xml)


_ROW_OPEN = re.compile(rb"<row\b([^>]*)>")


def read_workbook_realisaties(path: str | Path) -> pd.DataFrame | None:
    """The realisations on the Realisatie sheet of a workbook, or None when the
    workbook has no such sheet."""

    data = Path(path).read_bytes()
    check_workbook_bytes(data, Path(path).name)
    pkg = Package(data, Path(path).name)
    if REALISATIE not in pkg.sheet_paths:
        return None
    return realisaties_from_rows(realisatie_rows_from_package(pkg))
