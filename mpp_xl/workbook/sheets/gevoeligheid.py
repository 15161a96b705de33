"""Gevoeligheid: which assumptions drive one outcome; target cells a user can
change (reeks, jaar, scenario, stap) and, filled by the refresh, every chain
parameter alone at ∓stap % (one engine batch) with a tornado chart of the top 15."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...analysis.sensitivity import (
    DEFAULT_SCENARIO,
    DEFAULT_STEP,
    DEFAULT_TARGET,
    TORNADO_TOP,
)
from ...analysis.variant_sheets import SENS_HEADERS
from ...core.registry import SCENARIOS
from ..frames import write_frame
from ..printing import print_columns
from ..sensitivity_refresh import (
    BASE_CELL,
    CHART_ANCHOR,
    NAME,
    STATUS_CELL,
    TABLE_ROW,
    TARGET_CELLS,
    TARGET_LABELS,
)
from ..specs import Cell, Frame, label, note, title
from ..styles import BOX, INPUT_FILL, INPUT_FONT, UNLOCKED, style_row

FRAME = Frame(
    name=NAME,
    cells={"A1": title("Gevoeligheid: welke aannames sturen een uitkomst?"),
           "A2": note("Elke rekenparameter (niet de Kader-instellingen) wordt alleen × (1 − stap) "
                      "en × (1 + stap) gezet, in alle jaren en scenario's; de tabel staat "
                      "gesorteerd op de zwaai (uitkomst hoog − uitkomst laag), de tornado toont de "
                      f"{TORNADO_TOP} grootste. Begrensd = ja: de grenzen van de parameter "
                      "perkten de stap in. Bereik: de parameter alleen van zijn min- naar zijn "
                      "max-waarde. Wijzig de gele cellen en ververs.", span=11),
           "A4": Cell("Doel (gele cellen)", "kop"),
           **{f"A{TARGET_CELLS[k][1:]}": label(v) for k, v in TARGET_LABELS.items()},
           f"A{BASE_CELL[1:]}": label("Uitkomst in de basis"),
           STATUS_CELL: Cell("Nog niet ververst: voer 'mpp ververs' uit of klik op "
                             "Vernieuwen.")},
    widths=dict(zip("ABCDEFGHIJKLMN", (30, 44, 11, 11, 11, 13, 13, 12, 12, 12, 9, 13, 13, 12),
                    strict=True)))


def write(ws: Worksheet, years: Sequence[int]) -> None:
    """The frame, the yellow target cells with their defaults and checks, the
    table header and the tornado chart over the table's top rows."""
    write_frame(ws, FRAME)
    style_row(ws)
    defaults = {"reeks": DEFAULT_TARGET, "jaar": years[-1] + 1, "scenario": DEFAULT_SCENARIO,
                "stap": DEFAULT_STEP}
    for k, ref in TARGET_CELLS.items():
        c = ws[ref]
        c.value = defaults[k]
        c.fill, c.font, c.protection, c.border = INPUT_FILL, INPUT_FONT, UNLOCKED, BOX
        c.number_format = {"jaar": "0", "stap": "0.0"}.get(k, "@")
    ws[BASE_CELL].number_format = "#,##0"
    ws[BASE_CELL].border = BOX
    checks = [
        ("jaar", DataValidation(type="whole", operator="between", formula1=str(years[0]),
                                formula2=str(years[-1] + 1), showErrorMessage=True,
                                errorTitle="Ongeldig jaar",
                                error=f"Kies {years[0]} t/m {years[-1] + 1}.")),
        ("scenario", DataValidation(type="list", formula1=f'"{",".join(SCENARIOS)}"',
                                    showErrorMessage=True, errorTitle="Ongeldig scenario",
                                    error="Kies min, medio of max.")),
        ("stap", DataValidation(type="decimal", operator="between", formula1="0.1",
                                formula2="99", showErrorMessage=True,
                                errorTitle="Ongeldige stap",
                                error="Een stap tussen 0,1 en 99 procent.")),
    ]
    for k, dv in checks:
        dv.sqref = TARGET_CELLS[k]  # type: ignore[assignment]
        ws.add_data_validation(dv)
    for j, h in enumerate(SENS_HEADERS, start=1):
        ws.cell(TABLE_ROW, j, h)
    ws.add_chart(tornado_chart(ws), CHART_ANCHOR)
    ws.row_dimensions[TABLE_ROW].height = 30
    print_columns(ws, [list(range(1, len(SENS_HEADERS) + 1))])
    ws.freeze_panes = f"A{TABLE_ROW + 1}"
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def tornado_chart(ws: Worksheet) -> BarChart:
    """Horizontal bars over the top rows: Effect laag and Effect hoog (difference
    from the base), the largest swing on top."""
    first, last = TABLE_ROW + 1, TABLE_ROW + TORNADO_TOP
    col_lo = SENS_HEADERS.index("Effect laag") + 1
    ch = BarChart()
    ch.type, ch.grouping, ch.overlap, ch.gapWidth = "bar", "clustered", 100, 40
    ch.title = "Tornado: verschil met de basis per aanname"
    ch.height, ch.width = 11, 18
    for j, name in ((col_lo, "−stap"), (col_lo + 1, "+stap")):
        ch.series.append(Series(Reference(ws, min_col=j, min_row=first, max_row=last),
                                title=name))
    cats = f"'{NAME}'!$A${first}:$A${last}"  # text: a strRef (its cache holds the names)
    for ser in ch.series:
        ser.cat = AxDataSource(strRef=StrRef(f=cats))
    ch.x_axis.scaling.orientation = "maxMin"  # the first row (largest swing) on top
    ch.x_axis.delete = False
    ch.y_axis.delete = False
    ch.y_axis.numFmt = "+#,##0;-#,##0;0"
    ch.legend.position = "b"
    return ch


