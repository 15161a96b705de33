"""``mpp bouw``: the master workbook from the registry and an assumptions CSV.

Built with openpyxl. For an ``.xlsm`` target the bundled xlwings standalone
template (``templates/xlwings_standalone.xlsm``, made by ``xlwings quickstart
NAME --standalone``) is the starting point, loaded with ``keep_vba=True`` so
its VBA project (xlwings.bas and the ``SampleCall`` macro) is kept
byte-identical. Its two sheets are reused (codeNames ``Sheet1``/``Sheet2``
stay attached to the VBA document modules): Sheet1 becomes Toelichting and
``_xlwings.conf`` becomes the active ``xlwings.conf`` sheet.
"""

from __future__ import annotations

import math
import os
import sys
import textwrap
from collections import defaultdict
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.chart import AreaChart, BarChart, LineChart, Reference, Series
from openpyxl.chart.legend import LegendEntry
from openpyxl.compat import safe_string as _SAFE_STRING  # noqa: E402
from openpyxl.formatting.rule import CellIsRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..core.assumptions import Assumptions, _parse_number, _parse_year
from ..core.problems import MppError
from ..core.registry import (
    ALL_SCENARIOS,
    PARAMETERS,
    SCENARIOS,
    SHEETS,
    Parameter,
    normalise_scenario,
    parameters_of,
)
from ..core.series import SERIES
from ..core.variants import VariantRow
from ..io.output import atomic_write
from . import gevoeligheid_sheet, layout, specs, varianten_sheet
from . import sheets as S
from .buttons import add_buttons
from .refresh import CALC_ID
from .refresh_core import current_user
from .round_id import PROP_RONDE, make_round_id
from .specs import Frame, SheetSpec
from .styles import (
    BOLD,
    BOX,
    FINGERPRINT_FONT,
    FONT_NAME,
    FONT_SIZE,
    HEADER_FILL,
    INPUT_FILL,
    INPUT_FONT,
    MARGIN_LR_IN,
    MARGIN_TB_IN,
    MAX_ROW,
    MIN_SCALE,
    NA_FILL,
    OUT_FILL,
    OUT_HEADER_FILL,
    ROW_PT,
    TITLE_FONT,
    TOP,
    UNIT_PT,
    UNLOCKED,
    WRAP,
    column_width,
    fixed_scale,
    header,
    header_height,
    printable_pt,
    scale_for,
    series_formula,
    units,
)

TEMPLATE = Path(__file__).with_name("templates") / "xlwings_standalone.xlsm"


NUMBER_FORMATS = {
    "aantal": "#,##0",
    "fractie": "0.0%",
    "getal": "General",
    "jaar": "0",
    "tekst": "@",
}


def number_format(p: Parameter) -> str:
    return NUMBER_FORMATS.get(p.fmt, "General")


@dataclass
class SheetInfo:
    """Where things landed on a parameter sheet (1-based rows/cols)."""

    name: str
    last_row: int
    last_col: int  # the Bron column
    years: dict[int, int] = field(default_factory=dict)

    @property
    def range_ref(self) -> str:
        """Absolute range of the table including its header row."""
        return (f"{S.quote_sheet(self.name)}!$A${layout.HEADER_ROW}:"
                f"${get_column_letter(self.last_col)}${self.last_row}")


# --- the input table ----------------------------------------------------------
def _cell_value(p: Parameter | None, v: object) -> object:
    """CSV text -> the cell value (numbers as numbers, text as text)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if p is not None and p.kind == "tekst":
        return str(v)
    f = _parse_number(v)
    if f is None:
        return v if not (isinstance(v, str) and not v.strip()) else None
    return int(f) if f.is_integer() and abs(f) < 1e15 else f


def _horizon(a: Assumptions) -> tuple[int, int]:
    def single(key: str) -> int:
        for r in a.rows:
            if r.parameter.strip().lower() == key:
                f = _parse_number(r.waarde)
                if f is not None and f.is_integer():
                    return int(f)
        return int(PARAMETERS[key].default)  # type: ignore[arg-type]

    return single("startjaar"), single("eindjaar")


Table = dict[str, dict[str, dict[int | None, object]]]  # key -> scen -> jaar -> value
#: Where a row's source text (CSV column ``bron``) is kept in a Table cell dict.
BRON_KEY = -1


def _tables(a: Assumptions) -> tuple[dict[str, Table], list[int]]:
    """Group the CSV rows per sheet, parameter and scenario; the year span."""
    tables: dict[str, Table] = {s: defaultdict(dict) for s in SHEETS}  # type: ignore[misc]
    years: set[int] = set()
    errors: list[str] = []
    for r in a.rows:
        key = r.parameter.strip().lower() if isinstance(r.parameter, str) else ""
        p = PARAMETERS.get(key)
        where = f"{r.blad} {r.cel}".strip() if r.cel else "een rij"
        if p is None:
            errors.append(f"{where}: onbekende parameter '{r.parameter}'")
            continue
        scen = normalise_scenario(r.scenario) or str(r.scenario).strip()
        jaar, ok = _parse_year(r.jaar)
        if not ok:
            errors.append(f"{where}: ongeldig jaar '{r.jaar}'")
            continue
        cell = tables[p.sheet][key].setdefault(scen, {})
        if jaar in cell:
            errors.append(f"{where}: {key} staat dubbel (scenario {scen}, jaar {jaar or '-'})")
            continue
        cell[jaar] = _cell_value(p, r.waarde)
        if r.bron:  # the source of the row, written into the Bron column
            cell.setdefault(BRON_KEY, r.bron)
        if jaar is not None:
            years.add(jaar)
    if errors:
        raise MppError("De aannames passen niet in een werkmap:\n" + "\n".join(errors))
    start, end = _horizon(a)
    if not 0 <= end - start <= 15:
        end = start
    years |= set(range(start, end + 1))
    return tables, list(range(min(years), max(years) + 1))


def _scen_order(s: str) -> tuple[int, str]:
    order = (ALL_SCENARIOS, *SCENARIOS)
    return (order.index(s) if s in order else len(order), s)


def _help_text(p: Parameter) -> str:
    if p.kind == "tekst":
        dflt = "Optioneel." if p.default in ("", None) else f"Standaard: {p.default}."
    elif p.default is None:
        dflt = "Verplicht."
    else:
        dflt = f"Standaard (als leeg): {_show_default(p)}."
    bounds = "" if p.kind == "tekst" else f" Waarde {p.bounds_text()}."
    per = " Per jaar in te vullen (of één waarde in 'Alle jaren')." if p.per_jaar else ""
    return f"{p.help}{per}{bounds} {dflt}".strip()


def _show_default(p: Parameter) -> str:
    d = float(p.default)  # type: ignore[arg-type]
    if p.fmt == "fractie":
        return f"{d:.1%}".replace(".", ",")
    return str(int(d)) if d.is_integer() else str(d).replace(".", ",")


def _validation(p: Parameter) -> DataValidation | None:
    if p.kind == "tekst":
        return None
    kind = "whole" if p.integer else "decimal"
    lo = repr(float(p.lo)) if not p.integer else str(int(p.lo))
    msg = f"{p.label}: vul een {'geheel ' if p.integer else ''}getal {p.bounds_text()} in."
    if p.fmt == "fractie":
        msg += " Een percentage als fractie: 12% = 0,12."
    if p.hi == math.inf:
        dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=lo)
    else:
        hi = repr(float(p.hi)) if not p.integer else str(int(p.hi))
        dv = DataValidation(type=kind, operator="between", formula1=lo, formula2=hi)
    dv.allow_blank = True
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = "Ongeldige waarde"
    dv.error = msg
    dv.showInputMessage = True
    dv.promptTitle = p.label[:32]
    dv.prompt = f"{p.unit}; {p.bounds_text()}"[:255]
    return dv


#: Column widths of a parameter sheet (characters): Omschrijving, Eenheid, Scenario,
#: Alle jaren, each year, Toelichting, Bron. Column A fits the longest key of the sheet.
LABEL_WIDTH, UNIT_WIDTH, SCEN_WIDTH, ALL_WIDTH, YEAR_WIDTH = 30, 12, 8, 11, 10
HELP_WIDTH, SRC_WIDTH = 50, 20


def _key_width(sheet: str) -> float:
    """Width of column A: the longest parameter key of the sheet fits on one line."""
    return float(min(44, max([16, *(len(p.key) + 2 for p in parameters_of(sheet))])))


def _param_sheet(ws: Worksheet, sheet: str, table: Table, years: list[int],
                 version: str) -> SheetInfo:
    ycols = {y: layout.FIRST_YEAR_COL + i for i, y in enumerate(years)}
    key_width = _key_width(sheet)
    col_help = layout.FIRST_YEAR_COL + len(years)
    col_src = col_help + 1

    write_frame(ws, specs.parameter_frame(sheet, version))
    c = ws[S.CONTACT_CELL]
    c.fill, c.font, c.protection, c.border = INPUT_FILL, INPUT_FONT, UNLOCKED, BOX

    # table header
    heads = [*layout.HEADERS_BEFORE_YEARS, *years, *layout.HEADERS_AFTER_YEARS]
    for j, h in enumerate(heads, start=1):
        header(ws, layout.HEADER_ROW, j, h)

    row = layout.HEADER_ROW
    for p in parameters_of(sheet):
        given = table.get(p.key, {})
        scens = sorted(given, key=_scen_order) or [ALL_SCENARIOS]
        dv = _validation(p)
        refs: list[str] = []
        for scen in scens:
            row += 1
            vals = given.get(scen, {})
            ws.cell(row, layout.COL_KEY, p.key)
            ws.cell(row, layout.COL_LABEL, p.label)
            ws.cell(row, layout.COL_UNIT, p.unit)
            ws.cell(row, layout.COL_SCENARIO, scen)
            fmt = number_format(p)
            input_cols = [layout.COL_ALL] + (list(ycols.values()) if p.per_jaar else [])
            for col in [layout.COL_ALL, *ycols.values()]:
                c = ws.cell(row, col)
                c.border = BOX
                c.alignment = TOP  # beside wrapped text the value stays on the first line
                if col in input_cols:
                    c.fill, c.font, c.protection = INPUT_FILL, INPUT_FONT, UNLOCKED
                    c.number_format = fmt
                    refs.append(c.coordinate)
                else:
                    c.fill = NA_FILL
            # values exactly as given (also where they do not belong: validation tells)
            for jaar, v in vals.items():
                if jaar == BRON_KEY:
                    continue
                col = layout.COL_ALL if jaar is None else ycols[jaar]
                c = ws.cell(row, col, v)
                if isinstance(v, str) and v.startswith("="):
                    c.data_type = "s"  # text from the CSV, never a formula
                c.number_format = fmt
            help_text = _help_text(p)
            ws.cell(row, col_help, help_text).alignment = WRAP
            lines = max(S.text_lines(help_text, HELP_WIDTH),
                        S.text_lines(p.label, LABEL_WIDTH),
                        S.text_lines(p.key, key_width),
                        S.text_lines(str(vals.get(BRON_KEY) or ""), SRC_WIDTH))
            ws.row_dimensions[row].height = S.row_height(lines)
            src = ws.cell(row, col_src, vals.get(BRON_KEY))
            src.alignment = WRAP
            src.fill, src.font, src.protection, src.border = INPUT_FILL, INPUT_FONT, UNLOCKED, BOX
            for col in (layout.COL_KEY, layout.COL_LABEL, layout.COL_UNIT, layout.COL_SCENARIO):
                ws.cell(row, col).border = BOX
                ws.cell(row, col).alignment = Alignment(vertical="top", wrap_text=col == 2)
        if dv is not None and refs:
            dv.sqref = " ".join(refs)  # type: ignore[assignment]
            ws.add_data_validation(dv)

    widths = {1: key_width, 2: LABEL_WIDTH, 3: UNIT_WIDTH, 4: SCEN_WIDTH, 5: ALL_WIDTH}
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = w
    for col in ycols.values():
        ws.column_dimensions[get_column_letter(col)].width = YEAR_WIDTH
    ws.column_dimensions[get_column_letter(col_help)].width = HELP_WIDTH
    ws.column_dimensions[get_column_letter(col_src)].width = SRC_WIDTH
    ws.freeze_panes = ws.cell(layout.HEADER_ROW + 1, layout.FIRST_YEAR_COL)
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.sheet_view.zoomScale = 90
    return SheetInfo(sheet, max(row, layout.HEADER_ROW + 1), col_src, ycols)


def _outcome_block(ws: Worksheet, info: SheetInfo, years: list[int]) -> None:
    keys = S.PARTNER_OUTCOMES.get(info.name, ())
    if not keys:
        return
    c0 = info.last_col + 2
    out_years = [*years, years[-1] + 1]
    ws.cell(layout.HEADER_ROW - 1, c0, specs.OUTCOME_TITLE).font = Font(bold=True,
                                                                          color="375623")
    header(ws, layout.HEADER_ROW, c0, "Uitkomst", OUT_HEADER_FILL)
    header(ws, layout.HEADER_ROW, c0 + 1, "Scenario", OUT_HEADER_FILL)
    for j, y in enumerate(out_years):
        header(ws, layout.HEADER_ROW, c0 + 2 + j, y, OUT_HEADER_FILL)
    row = layout.HEADER_ROW
    for reeks in keys:
        s = SERIES[reeks]
        n = len(out_years) if s.is_stock else len(years)
        for i, scen in enumerate(SCENARIOS):
            row += 1
            lab = ws.cell(row, c0, f"{s.label} ({s.unit_text})" if i == 0 else None)
            lab.alignment = Alignment(wrap_text=True, vertical="top")
            ws.cell(row, c0 + 1, scen)
            for j in range(len(out_years)):
                c = ws.cell(row, c0 + 2 + j)
                c.fill, c.border = OUT_FILL, BOX
                if j < n:
                    ycell = f"{get_column_letter(c0 + 2 + j)}${layout.HEADER_ROW}"
                    c.value = series_formula(reeks, ycell, scen)
                    c.number_format = "0.0%" if s.unit == "fractie" else "#,##0"
    ws.column_dimensions[get_column_letter(c0)].width = 34
    ws.column_dimensions[get_column_letter(c0 + 1)].width = 9
    for j in range(len(out_years)):
        ws.column_dimensions[get_column_letter(c0 + 2 + j)].width = 10


# --- Uitkomsten and Grafieken --------------------------------------------------
@dataclass
class TablePos:
    first: int  # first data row
    last: int


def _uitkomsten(ws: Worksheet, infos: list[SheetInfo], years: list[int],
                version_ref: str) -> dict[str, TablePos]:
    args = ",".join(i.range_ref for i in infos)
    write_frame(ws, specs.uitkomsten_frame(version_ref, f"=MPP_MODEL({args})", years[-1]))
    # the notes wrap inside the printed width (A:F); row heights for the page breaks
    heights = {1: 20.0, **{r: float(ws.row_dimensions[r].height) for r in (3, 4)}}
    pos: dict[str, TablePos] = {}
    blocks: list[tuple[int, int]] = []
    row = S.UITKOMSTEN_FIRST_TABLE_ROW
    for reeks, s in SERIES.items():
        if not s.main:
            continue
        ws.cell(row, 1, f"{s.label} ({s.unit_text})").font = Font(bold=True, color="1F4E79")
        ws.cell(row, 6, reeks).font = Font(color="808080", size=8)
        row += 1
        for j, h in enumerate(("Jaar", *SCENARIOS, "Bandbreedte"), start=1):
            header(ws, row, j, h)
        ys = [*years, years[-1] + 1] if s.is_stock else years
        first = row + 1
        fmt = "0.0%" if s.unit == "fractie" else "#,##0"
        for y in ys:
            row += 1
            ws.cell(row, 1, y).border = BOX
            for j, scen in enumerate(SCENARIOS, start=2):
                c = ws.cell(row, j, series_formula(reeks, f"$A{row}", scen, f"${S.MODEL_CELL[0]}"
                                                                          f"${S.MODEL_CELL[1:]}"))
                c.number_format, c.border = fmt, BOX
            c = ws.cell(row, 5, f"=D{row}-B{row}")
            c.number_format, c.border = fmt, BOX
        pos[reeks] = TablePos(first, row)
        blocks.append((first - 2, row))  # title row .. last year
        row += 2
    scale = min(90, scale_for(units(ws, range(1, 7))))
    fixed_scale(ws, scale)
    for r in row_breaks_for_blocks(blocks, heights, scale):
        ws.row_breaks.append(Break(id=r))  # whole tables per printed page
    ws.print_area = f"A1:F{row - 2}"
    ws.freeze_panes = f"A{S.UITKOMSTEN_FIRST_TABLE_ROW}"
    return pos


def _chart_common(ch: AreaChart | BarChart | LineChart, title: str, num_fmt: str = "#,##0",
                  x_title: str | None = "jaar") -> None:
    ch.title = title
    ch.height, ch.width = 8.5, 16
    ch.y_axis.numFmt = num_fmt
    ch.y_axis.majorGridlines = ch.y_axis.majorGridlines
    if x_title:
        ch.x_axis.title = x_title
    ch.x_axis.delete = False
    ch.y_axis.delete = False
    ch.legend.position = "b"


def _grafieken(ws: Worksheet, uit: Worksheet, pos: dict[str, TablePos]) -> None:
    write_frame(ws, specs.GRAFIEKEN)

    def ref(reeks: str, col: int) -> Reference:
        """The years of a table; a stock's chart ends on 1 jan eindjaar like the
        publication (the table keeps 1 jan eindjaar+1)."""
        p = pos[reeks]
        last = p.last - 1 if SERIES[reeks].is_stock else p.last
        return Reference(uit, min_col=col, min_row=p.first, max_row=last)

    def stacked(title: str, keys: list[tuple[str, str]]) -> BarChart:
        ch = BarChart()
        ch.type, ch.grouping, ch.overlap = "col", "stacked", 100
        _chart_common(ch, title)
        for reeks, name in keys:
            ch.series.append(Series(ref(reeks, 3), title=name))
        ch.set_categories(ref(keys[0][0], 1))
        return ch

    def band(title: str, reeks: str, extra: tuple[str, str] | None = None) -> LineChart:
        ch = LineChart()
        _chart_common(ch, title)
        for col, scen in ((2, "min"), (3, "medio"), (4, "max")):
            ch.series.append(Series(ref(reeks, col), title=f"{SERIES[reeks].label} {scen}"
                                    if extra else scen))
        if extra:
            ch.series.append(Series(ref(extra[0], 3), title=extra[1]))
        ch.set_categories(ref(reeks, 1))
        return ch

    charts = [
        stacked("Asielinstroom per categorie", [
            ("instroom_eerste", "eerste aanvragen"), ("instroom_herhaald", "herhaalde"),
            ("instroom_nareis", "nareizigers"), ("instroom_hervestiging", "hervestiging")]),
        band("IND-werkvoorraad asiel (per 1 jan)", "ind_werkvoorraad"),
        band("COA-bezetting en benodigde capaciteit (per 1 jan)", "coa_bezetting",
             ("coa_capaciteit", "benodigde capaciteit medio")),
        band("Nidos-caseload (per 1 jan)", "nidos_caseload"),
        band("Instroom amv per jaar", "amv_instroom"),
        stacked("DT&V-instroom naar bron", [
            ("dtv_instroom_ind", "vanuit IND"), ("dtv_instroom_overig", "Politie en KMar")]),
        stacked("IND-afdoeningen asiel per categorie", [
            ("ind_afdoeningen_eerste", "eerste"), ("ind_afdoeningen_herhaald", "herhaalde"),
            ("ind_afdoeningen_nareis", "nareis"), ("ind_afdoeningen_hervestiging",
                                                   "hervestiging")]),
    ]
    for i, ch in enumerate(charts):
        ws.add_chart(ch, f"{'A' if i % 2 == 0 else 'K'}{3 + (i // 2) * 18}")
    for r in range(3 + 2 * 18 - 1, 3 + (len(charts) // 2 + 1) * 18, 2 * 18):
        ws.row_breaks.append(Break(id=r))  # two rows of charts per printed page


# --- Onzekerheid, Bijstelling, Realisatie -------------------------------------------------
#: The content kinds of table values: boxed like the other tables.
_BOXED_KINDS = ("aantal", "aantal_verschil", "fractie", "fractie_verschil", "procent",
                "procentpunt", "jaar", "getal", "cel")


def _kind_styles() -> dict[str, dict[str, object]]:
    """Style attributes per content kind (:data:`mpp_xl.workbook.specs.KINDS`)."""
    out: dict[str, dict[str, object]] = {k: {"number_format": f} for k, f in specs.KINDS.items()}
    for k, style in out.items():
        style["font"] = kind_font(k)  # plain: Calibri 11, the template's default is smaller
        if k in _BOXED_KINDS:
            style["border"] = BOX
    out["kolomkop"].update(fill=HEADER_FILL, border=BOX,
                           alignment=Alignment(horizontal="center", vertical="center",
                                               wrap_text=True))
    return out


def _style_row(ws: Worksheet) -> None:
    """The hidden row with one styled cell per kind (read by the headless refresh)."""
    styles = _kind_styles()
    for j, kind in enumerate(specs.KIND_ORDER, start=1):
        for attr, v in styles[kind].items():
            setattr(ws.cell(specs.STYLE_ROW, j), attr, v)
    ws.row_dimensions[specs.STYLE_ROW].hidden = True


def _method_formula(kader: Worksheet) -> str:
    """A formula showing Kader's ``mc_methode`` (the default when empty)."""
    for r in range(1, kader.max_row + 1):
        if kader.cell(r, 1).value == "mc_methode":
            cell = f"{S.KADER}!$E${r}"
            return f'="{specs.METHOD_LABEL}"&IF({cell}="","{specs.DEFAULT_METHOD}",{cell})'
    return f'="{specs.METHOD_LABEL}{specs.DEFAULT_METHOD}"'


def _onzekerheid(ws: Worksheet, kader: Worksheet, horizon: list[int]) -> dict[str, TablePos]:
    """Per main series a table years x percentiles (``=MPP_BAND``), the scenarios
    and the band width, and fan charts for :data:`mpp_xl.workbook.specs.FAN_SERIES`."""
    write_frame(ws, specs.onzekerheid_frame(_method_formula(kader)))
    n_charts = len(specs.FAN_SERIES)
    row = specs.ONZ_FIRST_CHART_ROW + ((n_charts + 1) // 2) * specs.ONZ_CHART_ROWS + 1
    pos: dict[str, TablePos] = {}
    heads = ("Jaar", *specs.PCT_HEADERS, *SCENARIOS, "Breedte P12,5–P87,5")
    model = f"{S.UITKOMSTEN}!${S.MODEL_CELL[0]}${S.MODEL_CELL[1:]}"
    breaks: list[int] = []
    for n_table, (reeks, s) in enumerate((k, s) for k, s in SERIES.items() if s.main):
        if n_table % specs.ONZ_TABLES_PER_PAGE == 0:
            breaks.append(row - 1)  # whole tables per printed page
        ws.cell(row, 1, f"{s.label} ({s.unit_text})").font = Font(bold=True, color="1F4E79")
        ws.cell(row, 9, reeks).font = Font(color="808080", size=8)
        row += 1
        for j, h in enumerate(heads, start=1):
            header(ws, row, j, h)
        ys = [*horizon, horizon[-1] + 1] if s.is_stock else horizon
        fmt = "0.0%" if s.unit == "fractie" else "#,##0"
        first = row + 1
        for y in ys:
            row += 1
            ws.cell(row, 1, y).border = BOX
            for j, p in enumerate(specs.PERCENTILES, start=2):
                c = ws.cell(row, j, f'=MPP_BAND("{reeks}",$A{row},{p:g},{model})')
                c.number_format, c.border = fmt, BOX
            for j, scen in enumerate(SCENARIOS, start=6):
                c = ws.cell(row, j, series_formula(reeks, f"$A{row}", scen, model))
                c.number_format, c.border = fmt, BOX
            c = ws.cell(row, 9, f"=E{row}-B{row}")
            c.number_format, c.border = fmt, BOX
        pos[reeks] = TablePos(first, row)
        row += 2
    for i, reeks in enumerate(specs.FAN_SERIES):
        anchor = (f"{'A' if i % 2 == 0 else 'F'}"
                  f"{specs.ONZ_FIRST_CHART_ROW + (i // 2) * specs.ONZ_CHART_ROWS}")
        ws.add_chart(_fan_chart(ws, reeks, pos[reeks]), anchor)
    ws.row_breaks.append(Break(id=specs.ONZ_FIRST_CHART_ROW + 2 * specs.ONZ_CHART_ROWS - 1))
    for r in breaks:
        ws.row_breaks.append(Break(id=r))
    return pos


def _fan_chart(ws: Worksheet, reeks: str, pos: TablePos) -> AreaChart:
    """A stacked area P12,5–P87,5 (an invisible base plus the band), P67 and P50 as
    lines and the three scenarios as markers; a stock ends on 1 jan eindjaar."""
    s = SERIES[reeks]
    last = pos.last - 1 if s.is_stock else pos.last

    def ref(col: int) -> Reference:
        return Reference(ws, min_col=col, min_row=pos.first, max_row=last)

    area = AreaChart()
    area.grouping = "stacked"
    _chart_common(area, f"{s.label} ({'per 1 jan' if s.is_stock else 'per jaar'})",
                  "0%" if s.unit == "fractie" else "#,##0", x_title=None)
    base = Series(ref(2), title="P12,5")
    base.graphicalProperties.noFill = True
    base.graphicalProperties.line.noFill = True
    band = Series(ref(9), title="band P12,5–P87,5")
    band.graphicalProperties.solidFill = "BDD7EE"
    band.graphicalProperties.line.noFill = True
    area.series.extend([base, band])
    area.set_categories(ref(1))
    area.legend.legendEntry = [LegendEntry(idx=0, delete=True)]  # the invisible base
    line = LineChart()
    for col, name, width, dash in ((4, specs.MEDIO_LABEL, 28575, None),  # P67: the MPP's medio
                                   (3, specs.MEDIAN_LABEL, 9525, "dash")):
        sr = Series(ref(col), title=name)
        sr.graphicalProperties.line.solidFill = "1F4E79"
        sr.graphicalProperties.line.width = width
        if dash:
            sr.graphicalProperties.line.prstDash = dash
        sr.smooth = False
        line.series.append(sr)
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
    return area


def _bijstelling(ws: Worksheet) -> None:
    """The frame and the hidden style row; the content is written by the refresh."""
    write_frame(ws, specs.BIJSTELLING)
    _style_row(ws)
    _print_columns(ws, [list(range(1, len(specs.BIJSTELLING.widths) + 1))])


def _print_columns(ws: Worksheet, strips: list[list[int]]) -> None:
    """Print whole columns (the rows change at every refresh) in page strips
    side by side, at the scale where the widest strip fills the page width."""
    fixed_scale(ws, scale_for(max(units(ws, s) for s in strips)))
    for strip in strips[:-1]:
        ws.col_breaks.append(Break(id=strip[-1]))
    ws.print_area = f"A1:{get_column_letter(strips[-1][-1])}{MAX_ROW}"


def _realisatie(ws: Worksheet, realisaties: pd.DataFrame | None = None) -> None:
    """The input table (reeks, jaar, waarde, bron; unlocked yellow cells, prefilled
    with ``realisaties``) and the header of the backtest beside it."""
    write_frame(ws, specs.REALISATIE)
    _style_row(ws)
    first, c0 = S.REAL_FIRST_ROW, S.REAL_BT_COL
    for j, h in enumerate(S.REAL_INPUT_HEADERS, start=1):
        header(ws, S.REAL_HEADER_ROW, j, h)
    for j, h in enumerate(S.REAL_BT_HEADERS):
        header(ws, S.REAL_HEADER_ROW, c0 + j, h, OUT_HEADER_FILL)
    rows = [] if realisaties is None else realisaties.to_dict("records")
    n = max(S.REAL_INPUT_ROWS, len(rows) + 100)
    last = first + n - 1
    for r in range(first, last + 1):
        for j, fmt in enumerate(("@", "0", "#,##0.##", "@"), start=1):
            c = ws.cell(r, j)
            c.fill, c.font, c.protection, c.border = INPUT_FILL, INPUT_FONT, UNLOCKED, BOX
            c.number_format = fmt
    for r, rec in enumerate(rows, start=first):
        v = float(rec["waarde"])
        bron = rec.get("bron", "")
        for j, val in enumerate((str(rec["reeks"]), int(rec["jaar"]),
                                 int(v) if v.is_integer() and abs(v) < 1e15 else v,
                                 None if bron in (None, "") else str(bron)), start=1):
            ws.cell(r, j, val)
    names = ",".join(SERIES)
    checks = [DataValidation(type="whole", operator="between", formula1="1990", formula2="2100",
                             allow_blank=True, showErrorMessage=True, errorTitle="Ongeldig jaar",
                             error="Vul een jaartal in, bijvoorbeeld 2024."),
              DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                             allow_blank=True, showErrorMessage=True,
                             errorTitle="Ongeldige waarde",
                             error="Vul een getal van 0 of meer in.")]
    if len(names) < 255:  # Excel's limit for a list typed into the validation
        checks.insert(0, DataValidation(type="list", formula1=f'"{names}"', allow_blank=True))
    for dv, col in zip(checks, "ABC"[3 - len(checks):], strict=True):
        dv.sqref = f"{col}{first}:{col}{last}"  # type: ignore[assignment]
        ws.add_data_validation(dv)
    ws.row_dimensions[S.REAL_HEADER_ROW].height = 30
    # on paper: the realisations, then the backtest on its own page strip
    _print_columns(ws, [list(range(1, c0)), list(range(c0, c0 + len(S.REAL_BT_HEADERS)))])
    ws.print_title_rows = f"{S.REAL_HEADER_ROW}:{S.REAL_HEADER_ROW}"
    ws.freeze_panes = f"A{first}"
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


# --- Controles: corkscrews and the master check (FAST Standard) -----------------------
CHECK_OK_FILL = PatternFill("solid", fgColor=specs.GREEN)
CHECK_FAIL_FILL = PatternFill("solid", fgColor=specs.RED)
CHECK_SIGNAL_FILL = PatternFill("solid", fgColor="FFEB9C")


def _status_colours(ws: Worksheet, rng: str, ok: str, fail: str,
                    fail_fill: PatternFill = CHECK_FAIL_FILL) -> None:
    ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=[f'"{ok}"'],
                                                  fill=CHECK_OK_FILL))
    ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=[f'"{fail}"'],
                                                  fill=fail_fill))


def _show_master_check(ws: Worksheet) -> None:
    """Label in A2 and the master check (a reference to Controles) in B2."""
    ws["A2"] = "Modelcontrole"
    ws["A2"].font = BOLD
    c = ws[S.CTRL_SHOWN_CELL]
    c.value = f"={S.CTRL_MASTER_REF}"
    c.font = BOLD
    c.alignment = Alignment(horizontal="center")
    _status_colours(ws, S.CTRL_SHOWN_CELL, S.MASTER_OK, S.MASTER_FAIL)


def _block(pos: TablePos, first: int = 0, last: int = 0) -> str:
    """The min:max columns of an Uitkomsten table, rows shifted by ``first``/``last``."""
    return f"{S.UITKOMSTEN}!$B${pos.first + first}:$D${pos.last + last}"


def control_rows(pos: dict[str, TablePos]) -> list[tuple[str, str, str]]:
    """(key, omschrijving, formula of the largest absolute deviation in personen)
    of every check whose tables are on Uitkomsten. Corkscrew: stand per 1 jan y
    + instroom(y) - uitstroom(y) - stand per 1 jan y+1; composition: stock minus
    its parts. ``SUMPRODUCT(MAX(ABS(...)))`` evaluates the ranges element-wise
    without an array formula (Excel, LibreOffice and the ``formulas`` package)."""
    rows: list[tuple[str, str, str]] = []
    for stock, (ins, outs) in S.CORKSCREWS.items():
        if any(k not in pos for k in (stock, *ins, *outs)):
            continue
        st = pos[stock]
        flows = [pos[k] for k in (*ins, *outs)]
        if any(f.last - f.first != st.last - st.first - 1 for f in flows):
            continue  # the stock must have one date more than its flows
        expr = _block(st, 0, -1)
        expr += "".join(f"+{_block(pos[k])}" for k in ins)
        expr += "".join(f"-{_block(pos[k])}" for k in outs)
        expr += f"-{_block(st, 1, 0)}"
        text = (f"{SERIES[stock].label}: stand 1 jan + "
                + " + ".join(SERIES[k].label for k in ins) + " − "
                + " − ".join(SERIES[k].label for k in outs)
                + " = stand 1 jan volgend jaar")
        rows.append((stock, text, f"=SUMPRODUCT(MAX(ABS({expr})))"))
    for stock, parts in S.COMPOSITIONS.items():
        if any(k not in pos for k in (stock, *parts)):
            continue
        if any(pos[k].last - pos[k].first != pos[stock].last - pos[stock].first
               for k in parts):
            continue
        expr = _block(pos[stock]) + "".join(f"-{_block(pos[k])}" for k in parts)
        text = (f"{SERIES[stock].label} = "
                + " + ".join(SERIES[k].label for k in parts) + " (elke 1 jan)")
        rows.append((f"{stock} (samenstelling)", text, f"=SUMPRODUCT(MAX(ABS({expr})))"))
    return rows


def _controles(ws: Worksheet, pos: dict[str, TablePos]) -> None:
    """One row per check (omschrijving, largest deviation over years and
    scenarios, tolerance, OK/FOUT) and the master check in B3."""
    write_frame(ws, specs.CONTROLES)
    rows = control_rows(pos)
    first = S.CTRL_HEADER_ROW + 1
    last = first + len(rows) - 1
    m = ws[S.CTRL_MASTER_CELL]
    m.value = (f'=IF(AND(COUNTIF(E{first}:E{last},"{S.CTRL_OK}")={len(rows)},'
               f'{S.VALIDATIE}!${S.VAL_ERRORS_CELL[0]}${S.VAL_ERRORS_CELL[1:]}=0),'
               f'"{S.MASTER_OK}","{S.MASTER_FAIL}")')
    m.font = Font(bold=True, size=12)
    m.alignment = Alignment(horizontal="center")
    m.border = BOX
    _status_colours(ws, S.CTRL_MASTER_CELL, S.MASTER_OK, S.MASTER_FAIL)
    ws["B4"] = f"={S.VALIDATIE}!${S.VAL_ERRORS_CELL[0]}${S.VAL_ERRORS_CELL[1:]}"
    ws["B4"].alignment = Alignment(horizontal="center")
    for j, h in enumerate(S.CTRL_HEADERS, start=1):
        header(ws, S.CTRL_HEADER_ROW, j, h)
    for i, (key, text, formula) in enumerate(rows):
        r = first + i
        ws.cell(r, 1, key)
        ws.cell(r, 2, text).alignment = WRAP
        ws.row_dimensions[r].height = S.row_height(S.text_lines(text, S.CTRL_WIDTHS[1]))
        c = ws.cell(r, 3, formula)
        c.number_format = "0.000000"
        t = ws.cell(r, 4, S.CTRL_TOLERANCE)
        t.number_format = "0.0"
        ws.cell(r, 5, f'=IF(C{r}<=D{r},"{S.CTRL_OK}","{S.CTRL_FAIL}")').alignment = \
            Alignment(horizontal="center")
        for j in range(1, len(S.CTRL_HEADERS) + 1):
            ws.cell(r, j).border = BOX
            if j != 2:
                ws.cell(r, j).alignment = Alignment(
                    vertical="top", horizontal="center" if j == 5 else None)
    if rows:
        _status_colours(ws, f"E{first}:E{last}", S.CTRL_OK, S.CTRL_FAIL)
    last = _order_signals(ws, pos, last + 2)
    ws.row_dimensions[S.CTRL_HEADER_ROW].height = header_height(S.CTRL_HEADERS, S.CTRL_WIDTHS)
    fixed_scale(ws, scale_for(sum(S.CTRL_WIDTHS)))
    ws.print_area = f"A1:{get_column_letter(len(S.CTRL_HEADERS))}{max(last, first)}"


def order_rows(pos: dict[str, TablePos]) -> list[tuple[str, str, str]]:
    """(key, omschrijving, formula) per Uitkomsten table: the number of years in
    which min > medio or medio > max (beyond a rounding margin). A signal for the
    reader of the bands, not an error: scenarios may cross when their assumptions
    differ in more than the inflow."""
    rows: list[tuple[str, str, str]] = []
    for key, p in pos.items():
        margin = "0.0005" if SERIES[key].unit == "fractie" else "0.5"
        col = {c: f"{S.UITKOMSTEN}!${c}${p.first}:${c}${p.last}" for c in "BCD"}
        formula = (f"=SUMPRODUCT(((({col['B']}>{col['C']}+{margin})"
                   f"+({col['C']}>{col['D']}+{margin}))>0)*1)")
        rows.append((key, f"{SERIES[key].label}: min ≤ medio ≤ max", formula))
    return rows


def _order_signals(ws: Worksheet, pos: dict[str, TablePos], top: int) -> int:
    """The scenario-order section of Controles from row ``top``; returns its last row."""
    ws.cell(top, 1, S.ORDER_TITLE).font = BOLD
    ws.cell(top + 1, 1, S.ORDER_NOTE).font = Font(italic=True, color="595959")
    ws.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1,
                   end_column=len(S.CTRL_HEADERS))
    ws.cell(top + 1, 1).alignment = WRAP
    ws.row_dimensions[top + 1].height = S.row_height(S.text_lines(S.ORDER_NOTE,
                                                                  sum(S.CTRL_WIDTHS)))
    for j, h in enumerate(S.ORDER_HEADERS, start=1):
        header(ws, top + 2, j, h)
    ws.row_dimensions[top + 2].height = header_height(S.ORDER_HEADERS, S.CTRL_WIDTHS)
    rows = order_rows(pos)
    first = top + 3
    for i, (key, text, formula) in enumerate(rows):
        r = first + i
        ws.cell(r, 1, key)
        ws.cell(r, 2, text)
        ws.cell(r, 3, formula).alignment = Alignment(horizontal="center")
        ws.cell(r, 5, f'=IF(C{r}=0,"{S.CTRL_OK}","{S.ORDER_SIGNAL}")').alignment = \
            Alignment(horizontal="center")
        for j in range(1, len(S.ORDER_HEADERS) + 1):
            ws.cell(r, j).border = BOX
    last = first + len(rows) - 1
    if rows:
        _status_colours(ws, f"E{first}:E{last}", S.CTRL_OK, S.ORDER_SIGNAL, CHECK_SIGNAL_FILL)
    return max(last, top + 2)


# --- frames and owned sheets, written from their spec ----------------------------------------
def kind_font(kind: str) -> Font:
    """The openpyxl font of a kind (:data:`mpp_xl.workbook.specs.KIND_FONTS`)."""
    f = specs.KIND_FONTS.get(kind, specs.PLAIN)
    return Font(name=FONT_NAME, size=f.size, bold=f.bold or None, italic=f.italic or None,
                color=None if f.color == specs.PLAIN.color else f.color)


def write_frame(ws: Worksheet, frame: Frame) -> None:
    """The fixed part of a sheet (:class:`mpp_xl.workbook.specs.Frame`): its cells
    (a spanned note is merged, wraps, and its row fits the text), the column
    widths, the master check in B2 when the frame shows it, and protection."""
    for ref, cell in frame.cells.items():
        c = ws[ref]
        c.value = cell.value
        if cell.kind != "tekst":  # plain frame text keeps the sheet's default font
            c.font = kind_font(cell.kind)
        if cell.span:
            last = c.column + cell.span - 1
            ws.merge_cells(start_row=c.row, start_column=c.column, end_row=c.row, end_column=last)
            c.alignment = WRAP
            width = sum(frame.widths[get_column_letter(j)] for j in range(c.column, last + 1))
            ws.row_dimensions[c.row].height = S.row_height(S.text_lines(str(cell.value), width))
    for col, w in frame.widths.items():
        ws.column_dimensions[col].width = w
    if frame.shows_master_check:
        _show_master_check(ws)
    ws.protection.sheet = frame.protect

def write_spec(ws: Worksheet, spec: SheetSpec, data: dict[int, list[object]] | None = None,
               ) -> None:
    """Write ``spec`` (:mod:`mpp_xl.workbook.specs`) on ``ws``: title, labels and
    fixed cells, the header, the fixed rows plus ``data`` (row -> values), status
    colours, widths, print setup and protection. The refresh rewrites the rows
    from the first data row on and sets their heights again."""
    write_frame(ws, spec)
    for j, h in enumerate(spec.headers, start=1):
        header(ws, spec.header_row, j, h)
    rows = {**{r: dict(v) for r, v in spec.rows.items()},
            **{r: dict(enumerate(v, start=1)) for r, v in (data or {}).items()}}
    for r, values in rows.items():
        for j, col in enumerate(spec.columns, start=1):
            c = ws.cell(r, j, values.get(j))
            c.border = BOX
            if col.kind == "fingerprint":
                # the full 64 hex characters stay in the cell (sign-off reads them);
                # 'fill' clips the text at the cell border instead of spilling over
                c.font = FINGERPRINT_FONT
                c.alignment = Alignment(horizontal="fill", vertical="top")
            elif spec.wrap_all:
                c.alignment = WRAP
            else:
                c.alignment = Alignment(vertical="top", wrap_text=col.wrap)
    for rule in spec.colours:
        ws.conditional_formatting.add(rule.ref, CellIsRule(
            operator="equal", formula=[f'"{rule.value}"'],
            fill=PatternFill("solid", fgColor=rule.colour)))
    # header row height for its wrapped titles, a fixed scale for the table's width,
    # the header repeated on every page; whole columns: the rows grow at each refresh
    ws.row_dimensions[spec.header_row].height = header_height(spec.headers, spec.column_widths)
    fixed_scale(ws, scale_for(sum(spec.column_widths)))
    ws.print_title_rows = f"{spec.header_row}:{spec.header_row}"
    ws.print_area = f"A1:{get_column_letter(len(spec.columns))}{MAX_ROW}"


# --- Toelichting, conf ---------------------------------------------------------------
def _toelichting(ws: Worksheet, version: str, herkomst: str = "") -> None:
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


def default_interpreter() -> str:
    """:data:`mpp_xl.workbook.specs.DEFAULT_INTERPRETER`, or the running python.exe
    when building on Windows."""
    return sys.executable if os.name == "nt" and sys.executable else specs.DEFAULT_INTERPRETER


def _conf(ws: Worksheet, interpreter: str | None = None) -> None:
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


# --- entry point ---------------------------------------------------------------
def build_workbook(assumptions: Assumptions, realisaties: pd.DataFrame | None = None,
                   interpreter: str | None = None, round_id: str | None = None,
                   varianten: list[VariantRow] | None = None) -> Workbook:
    """The master workbook (openpyxl) for ``assumptions``; not yet saved.
    ``realisaties`` (reeks, jaar, waarde, bron) prefill the Realisatie sheet;
    ``interpreter`` is xlwings.conf's Interpreter_Win (see :func:`default_interpreter`);
    ``round_id`` the round id (:mod:`mpp_xl.workbook.round_id`; default: a new one
    for the assumptions' MPP version)."""

    tables, years = _tables(assumptions)
    start, end = _horizon(assumptions)
    horizon = list(range(start, end + 1)) if 0 <= end - start <= 15 else years
    version = herkomst = ""
    for r in assumptions.rows:
        if r.parameter.strip().lower() == "mpp_versie" and r.waarde not in (None, ""):
            version = str(r.waarde)
        if r.parameter.strip().lower() == "herkomst_aannames" and r.waarde not in (None, ""):
            herkomst = str(r.waarde)

    wb = openpyxl.load_workbook(TEMPLATE, keep_vba=True)
    wb.custom_doc_props.append(StringProperty(
        name=PROP_RONDE, value=round_id or make_round_id(version)))
    first, conf = wb.worksheets[0], wb.worksheets[1]
    first.title = S.TOELICHTING
    for row in first.iter_rows():
        for c in row:
            c.value = None
    conf.title = S.CONF

    _toelichting(first, version, herkomst)
    infos: list[SheetInfo] = []
    made: dict[str, Worksheet] = {}
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet)
        made[sheet] = ws
        info = _param_sheet(ws, sheet, tables[sheet], years, version)
        _outcome_block(ws, info, horizon)
        _param_print(ws, info)
        infos.append(info)
    version_ref = _version_ref(made[S.KADER])
    uit = wb.create_sheet(S.UITKOMSTEN)
    pos = _uitkomsten(uit, infos, horizon, version_ref)
    _grafieken(wb.create_sheet(S.GRAFIEKEN), uit, pos)
    _onzekerheid(wb.create_sheet(S.ONZEKERHEID), made[S.KADER], horizon)
    varianten_sheet.write(wb.create_sheet(S.VARIANTEN), horizon, varianten or ())
    gevoeligheid_sheet.write(wb.create_sheet(S.GEVOELIGHEID), horizon)
    _bijstelling(wb.create_sheet(S.BIJSTELLING))
    _realisatie(wb.create_sheet(S.REALISATIE), realisaties)
    write_spec(wb.create_sheet(S.VALIDATIE), specs.VALIDATIE)
    _controles(wb.create_sheet(S.CONTROLES), pos)
    write_spec(wb.create_sheet(S.VASTSTELLING), specs.VASTSTELLING)
    fp = ""
    try:
        fp = assumptions.fingerprint()[:16]
    except MppError:
        pass
    write_spec(wb.create_sheet(S.LOGBOEK), specs.LOGBOEK, {specs.LOGBOEK.first_row: [
        datetime.now().strftime("%Y-%m-%d %H:%M:%S"), "gebouwd", current_user(), fp,
        f"Werkmap gebouwd uit {Path(assumptions.source).name if assumptions.source else 'aannames'}"
        f" ({len(assumptions)} aannames)."]})
    _conf(conf, interpreter)
    for ws in wb.worksheets:
        _page_setup(ws)
        _name_fonts(ws)
    order = {n: i for i, n in enumerate(S.ALL_SHEETS)}
    wb._sheets.sort(key=lambda w: order.get(w.title, len(order)))  # noqa: SLF001
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == S.TOELICHTING
    # No full recalculation on open: a reader without xlwings (Excel without the
    # add-in, LibreOffice, a viewer) then sees the values of the last refresh
    # instead of #NAME?. calcId of current Excel, so Excel does not recalculate
    # everything because the file looks written by an older calculation engine.
    wb.calculation.fullCalcOnLoad = False
    wb.calculation.calcId = CALC_ID
    return wb


def _page_setup(ws: Worksheet) -> None:
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


# --- print layout ----------------------------------------------------------------
# Fit-to-width shrinks a wide sheet until its text is unreadable (a partner sheet
# with its outcome block printed at ~3 pt), and Excel ignores manual page breaks
# on a sheet fitted to pages. Sheets with tables therefore get a fixed scale,
# worked out from their column widths, and manual breaks between whole tables.
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


def _param_print(ws: Worksheet, info: SheetInfo) -> None:
    """Print the input table only (the outcome block beside it is for the screen;
    Uitkomsten prints every series): header row 6 and columns A:D repeat on
    every page, the values (Alle jaren and the years) on one page strip and
    Toelichting with Bron on the next, at a scale that keeps text >= 7 pt."""
    titles = list(range(1, layout.COL_SCENARIO + 1))
    values = list(range(layout.COL_ALL, info.last_col - 1))
    notes = [info.last_col - 1, info.last_col]
    widths = [(c, column_width(ws, c)) for c in range(1, info.last_col + 1)]
    strips = column_strips(units(ws, titles), widths, [values, notes])
    widest = max(units(ws, titles) + units(ws, s) for s in strips)
    fixed_scale(ws, scale_for(widest))
    for strip in strips[:-1]:
        ws.col_breaks.append(Break(id=strip[-1]))
    ws.print_title_rows = f"{layout.HEADER_ROW}:{layout.HEADER_ROW}"
    ws.print_title_cols = f"A:{get_column_letter(layout.COL_SCENARIO)}"
    ws.print_area = f"A1:{get_column_letter(info.last_col)}{info.last_row}"


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


def _name_fonts(ws: Worksheet) -> None:
    """Give every font without a name or size the workbook's Calibri (see FONT_NAME)."""
    for c in ws._cells.values():  # noqa: SLF001 - also styled empty cells
        if not c.has_style:
            continue
        f = c.font
        if f.name is None or f.sz is None:
            nf = copy(f)
            nf.name, nf.sz = f.name or FONT_NAME, f.sz or FONT_SIZE
            c.font = nf


def _version_ref(kader: Worksheet) -> str:
    for r in range(layout.HEADER_ROW + 1, kader.max_row + 1):
        if kader.cell(r, 1).value == "mpp_versie":
            return f"{S.KADER}!$E${r}"
    return '""'


def build(assumptions: Assumptions, out: str | Path,
          realisaties: pd.DataFrame | None = None, interpreter: str | None = None,
          round_id: str | None = None, varianten: list[VariantRow] | None = None) -> Path:
    """Build and save the master workbook atomically (.xlsm: with the xlwings VBA
    and a refresh button on Uitkomsten and every partner sheet);
    ``realisaties`` (a checked table, see :mod:`mpp_xl.analysis.backtest`) prefill Realisatie;
    ``interpreter``: xlwings.conf's Interpreter_Win; ``round_id``: see :func:`build_workbook`;
    ``varianten``: rows that prefill the Varianten sheet."""
    out = Path(out)
    if out.suffix.lower() not in (".xlsm", ".xlsx"):
        raise MppError(f"{out.name}: kies een werkmap met extensie .xlsm (met macro's) of .xlsx.")
    wb = build_workbook(assumptions, realisaties, interpreter, round_id, varianten)
    macros = out.suffix.lower() == ".xlsm"
    if not macros:
        _strip_vba(wb)

    def write(p: Path) -> None:
        save_exact(wb, p)
        if macros:
            p.write_bytes(add_buttons(p.read_bytes()))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(p, 0o666 & ~umask)

    atomic_write(out, write)
    return out


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


def _strip_vba(wb: Workbook) -> None:
    """An .xlsx cannot hold the VBA project: save without it."""
    wb.vba_archive = None
    wb.is_template = False
    wb.template = False  # type: ignore[attr-defined]
