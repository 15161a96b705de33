"""Gevoeligheid: which assumptions drive one outcome; target cells a user can
change (reeks, jaar, scenario, stap) and, filled by the refresh, every chain
parameter alone at ∓stap % (one engine batch) with a tornado chart of the top 15."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...analysis.sensitivity import (
    DEFAULT_SCENARIO,
    DEFAULT_STEP,
    DEFAULT_TARGET,
    TORNADO_TOP,
    sensitivity,
    tornado_title,
)
from ...analysis.variant_sheets import SENS_HEADERS, sensitivity_layout
from ...core.assumptions import Resolved
from ...core.numbers import nl_decimal, nl_number
from ...core.problems import MppError
from ...core.registry import ENGINE_KEYS, SCENARIOS, normalise_scenario
from ..frames import write_frame
from ..printing import print_columns
from ..specs import Cell, Frame, label, note, title
from ..styles import BOX, INPUT_FILL, INPUT_FONT, UNLOCKED, style_row

NAME = "Gevoeligheid"
#: The target cells (label in column A, value in B).
TARGET_CELLS: dict[str, str] = {"reeks": "B5", "jaar": "B6", "scenario": "B7", "stap": "B8"}
TARGET_LABELS: dict[str, str] = {"reeks": "Reeks (uitkomst)", "jaar": "Jaar (voorraad: 1 jan)",
                                 "scenario": "Scenario", "stap": "Stap (procent)"}
BASE_CELL = "B9"
STATUS_CELL = "A10"
TABLE_ROW = 12
#: The tornado chart (top left cell).
CHART_ANCHOR = "D4"

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


# --- the refresh ---------------------------------------------------------------------------
def _cell(grid: Sequence[Sequence[object]], ref: str) -> object:
    r, c = int(ref[1:]) - 1, ord(ref[0]) - 65
    if r < len(grid) and c < len(grid[r]):
        v = grid[r][c]
        return None if v == "" else v
    return None


def target_from_grid(grid: Sequence[Sequence[object]]) -> dict[str, object]:
    """The four target cells as typed."""
    return {k: _cell(grid, ref) for k, ref in TARGET_CELLS.items()}


WriteLayout = Callable[..., None]


def write_results(book: Any, resolved: Resolved, write_layout: WriteLayout) -> list[str]:
    """Read the target, run the sensitivity, write the base value, the status
    line and the table (the tornado follows the table). A bad target is a Dutch
    line in the status cell (and a note), never an exception."""
    t = target_from_grid(book.read(NAME))
    reeks = str(t["reeks"]).strip() if t["reeks"] not in (None, "") else None
    scen = normalise_scenario(t["scenario"]) if t["scenario"] not in (None, "") else None
    try:
        jaar = None
        if t["jaar"] not in (None, ""):
            f = float(str(t["jaar"]).strip())  # type: ignore[arg-type]
            if not f.is_integer():
                raise MppError(f"Het jaar {t['jaar']} is geen jaartal.")
            jaar = int(f)
        stap = None if t["stap"] in (None, "") else float(
            str(t["stap"]).replace(",", "."))  # type: ignore[arg-type]
        if t["scenario"] not in (None, "") and scen is None:
            raise MppError(f"Onbekend scenario '{t['scenario']}'; kies min, medio of max.")
        s = sensitivity(resolved, reeks, jaar, scen, stap)
    except (MppError, ValueError) as e:
        msg = str(e).replace("\n  ", " ")
        book.write(NAME, int(BASE_CELL[1:]), 2, [[None]])
        book.write(NAME, int(STATUS_CELL[1:]), 1, [[f"Niet berekend: {msg}"]])
        write_layout(book, NAME, {(0, j): (h, "kolomkop") for j, h in enumerate(SENS_HEADERS)},
                     TABLE_ROW, 1, len(SENS_HEADERS))
        return [f"Gevoeligheid: {msg}"]
    head, _ = tornado_title(s)
    book.write(NAME, int(BASE_CELL[1:]), 2, [[s.uitkomst_basis]])
    book.write(NAME, int(STATUS_CELL[1:]), 1,
               [[f"{head}. {len(ENGINE_KEYS)} parameters, elk alleen × (1 ∓ "
                 f"{nl_decimal(s.target.stap)}%); basis {nl_number(s.uitkomst_basis)}."]])
    write_layout(book, NAME, sensitivity_layout(s), TABLE_ROW, 1, len(SENS_HEADERS))
    return []

