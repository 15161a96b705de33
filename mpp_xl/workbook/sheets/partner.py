"""Kader and every partner sheet: the input table (values, data validation,
help text), the outcome block beside it and the print setup."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ...core.assumptions import Assumptions
from ...core.problems import MppError
from ...core.registry import (
    ALL_SCENARIOS,
    PARAMETERS,
    SCENARIOS,
    SHEETS,
    Parameter,
    normalise_scenario,
    parameters_of,
)
from ...core.rows import _parse_number, _parse_year
from ...core.series import SERIES
from .. import layout, specs
from .. import sheets as S
from ..frames import write_frame
from ..printing import column_strips
from ..styles import (
    BOX,
    INPUT_FILL,
    INPUT_FONT,
    NA_FILL,
    OUT_FILL,
    OUT_HEADER_FILL,
    TOP,
    UNLOCKED,
    WRAP,
    column_width,
    fixed_scale,
    header,
    scale_for,
    series_formula,
    series_number_format,
    units,
)

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


def horizon(a: Assumptions) -> tuple[int, int]:
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


def tables(a: Assumptions) -> tuple[dict[str, Table], list[int]]:
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
    start, end = horizon(a)
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
    elif p.optional:
        dflt = "Optioneel (kosten: alle prijzen en de reguliere COA-capaciteit, of geen)."
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


#: Toelichting and Bron. Bron is wide, and at most SRC_ROW_LINES of it set a row's
#: height: a long source reads on screen as a few lines (all of it in the formula
#: bar), rows stay readable and the partner sheets print in at most 4 pages.
HELP_WIDTH, SRC_WIDTH, SRC_ROW_LINES = 70, 60, 2


def _key_width(sheet: str) -> float:
    """Width of column A: the longest parameter key of the sheet fits on one line."""
    return float(min(44, max([16, *(len(p.key) + 2 for p in parameters_of(sheet))])))


def write(ws: Worksheet, sheet: str, table: Table, years: list[int],
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
                        min(SRC_ROW_LINES,
                            S.text_lines(str(vals.get(BRON_KEY) or ""), SRC_WIDTH)))
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


def outcome_block(ws: Worksheet, info: SheetInfo, years: list[int]) -> None:
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
                    c.number_format = series_number_format(reeks)
    ws.column_dimensions[get_column_letter(c0)].width = 34
    ws.column_dimensions[get_column_letter(c0 + 1)].width = 9
    for j in range(len(out_years)):
        ws.column_dimensions[get_column_letter(c0 + 2 + j)].width = 10


def print_setup(ws: Worksheet, info: SheetInfo) -> None:
    """Print the input table only (the outcome block beside it is for the screen;
    Uitkomsten prints every series): header row 6 and columns A:D repeat on
    every page, the values (Alle jaren and the years) on one page strip and
    Toelichting on the next, at a scale that keeps text >= 7 pt. Bron (the last
    column) is for the screen: beside Toelichting it would shrink the text
    below 7 pt, and a third strip would double the pages (IND: 12 before)."""
    titles = list(range(1, layout.COL_SCENARIO + 1))
    values = list(range(layout.COL_ALL, info.last_col - 1))
    notes = [info.last_col - 1]
    widths = [(c, column_width(ws, c)) for c in range(1, info.last_col)]
    strips = column_strips(units(ws, titles), widths, [values, notes])
    widest = max(units(ws, titles) + units(ws, s) for s in strips)
    fixed_scale(ws, scale_for(widest))
    for strip in strips[:-1]:
        ws.col_breaks.append(Break(id=strip[-1]))
    ws.print_title_rows = f"{layout.HEADER_ROW}:{layout.HEADER_ROW}"
    ws.print_title_cols = f"A:{get_column_letter(layout.COL_SCENARIO)}"
    ws.print_area = f"A1:{get_column_letter(info.last_col - 1)}{info.last_row}"


def version_ref(kader: Worksheet) -> str:
    for r in range(layout.HEADER_ROW + 1, kader.max_row + 1):
        if kader.cell(r, 1).value == "mpp_versie":
            return f"{S.KADER}!$E${r}"
    return '""'
