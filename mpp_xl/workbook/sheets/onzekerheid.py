"""Onzekerheid: Monte Carlo bands (``=MPP_BAND``) per main series and fan charts."""

from __future__ import annotations

from openpyxl.chart import AreaChart, LineChart, Reference, Series
from openpyxl.chart.legend import LegendEntry
from openpyxl.styles import Font
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ...core.registry import SCENARIOS
from ...core.series import SERIES
from .. import sheets as S
from .. import specs
from ..frames import TablePos, write_frame
from ..styles import BOX, header, series_formula, series_number_format, width_formula
from .grafieken import chart_common


def _method_formula(kader: Worksheet) -> str:
    """A formula showing Kader's ``mc_methode`` (the default when empty)."""
    for r in range(1, kader.max_row + 1):
        if kader.cell(r, 1).value == "mc_methode":
            cell = f"{S.KADER}!$E${r}"
            return f'="{specs.METHOD_LABEL}"&IF({cell}="","{specs.DEFAULT_METHOD}",{cell})'
    return f'="{specs.METHOD_LABEL}{specs.DEFAULT_METHOD}"'


def write(ws: Worksheet, kader: Worksheet, horizon: list[int]) -> dict[str, TablePos]:
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
        fmt = series_number_format(reeks)
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
            c = ws.cell(row, 9, width_formula(f"E{row}", f"B{row}", reeks))
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
    chart_common(area, f"{s.label} ({'per 1 jan' if s.is_stock else 'per jaar'})",
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
