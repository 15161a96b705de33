"""Grafieken: the publication charts over the Uitkomsten tables."""

from __future__ import annotations

from openpyxl.chart import AreaChart, BarChart, LineChart, Reference, Series
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ...core.series import SERIES
from .. import specs
from ..frames import TablePos, write_frame


def chart_common(ch: AreaChart | BarChart | LineChart, title: str, num_fmt: str = "#,##0",
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


def write(ws: Worksheet, uit: Worksheet, pos: dict[str, TablePos]) -> None:
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
        chart_common(ch, title)
        for reeks, name in keys:
            ch.series.append(Series(ref(reeks, 3), title=name))
        ch.set_categories(ref(keys[0][0], 1))
        return ch

    def band(title: str, reeks: str, extra: tuple[str, str] | None = None) -> LineChart:
        ch = LineChart()
        chart_common(ch, title)
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
