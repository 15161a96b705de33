"""Financiën: FIN's input table (the prices, written like every partner sheet by
:mod:`.partner`) plus the results block of the budget question (docs/model.md
step 9 "Kosten"; README "Costs (p×q)").

To the right of the input table, under the outcome block (the reader takes
only the input table's columns, so nothing here is ever read as input): per
year the budget at medio (P67 of the Monte Carlo
distribution of ``kosten_totaal``), the upper bound P87,5 and the risk margin
between them, the P67 of each partner's cost with COA's emergency-reception part
shown separately, and a chart (budget plus margin as stacked columns, the
emergency part as a line). Every number is a formula (``MPP_BAND`` with the
model cell of Uitkomsten), so Excel with xlwings recalculates the block and the
headless refresh stores its values like those of any other formula (the refresh
needs no code of its own for it). Without prices the cells show the functions'
short message and the status line above the table says what to fill in.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ...core.registry import SCENARIOS
from ...core.series import NO_PRICES
from .. import layout
from .. import sheets as S
from ..styles import BOX, OUT_FILL, OUT_HEADER_FILL, header
from .grafieken import chart_common
from .partner import SheetInfo

#: Title of the block.
TITLE = "Begroting en risicomarge (€ mln per jaar, euro's van elk jaar; berekend, niet invullen)"
#: The explanation under the title.
NOTE = ("Begroting = medio: P67 van de Monte-Carloverdeling van de kosten (zoals de MPP-medio); "
        "bovengrens = P87,5; risicomarge = P87,5 − P67. Per partner de P67 van de eigen kosten; "
        "die tellen niet op tot de P67 van het totaal. Noodopvang: het deel van de COA-kosten "
        "voor de bezetting boven de reguliere capaciteit (blad COA), tegen de noodopvangprijs. "
        "De prijzen van het meegeleverde voorbeeld zijn illustratief (kolom Bron).")
#: (header, series, percentile) per column after Jaar; series None: the margin.
COLUMNS: tuple[tuple[str, str | None, float], ...] = (
    ("Begroting medio (P67)", "kosten_totaal", 67.0),
    ("Bovengrens (P87,5)", "kosten_totaal", 87.5),
    ("Risicomarge (P87,5 − P67)", None, 0.0),
    ("COA (P67)", "kosten_coa", 67.0),
    ("waarvan noodopvang (P67)", "kosten_coa_noodopvang", 67.0),
    ("IND (P67)", "kosten_ind", 67.0),
    ("DT&V (P67)", "kosten_dtv", 67.0),
    ("Nidos (P67)", "kosten_nidos", 67.0),
    ("Rechtspraak (P67)", "kosten_rechtspraak", 67.0),
)
NUMBER_FORMAT = "#,##0.0"
#: Empty rows between the outcome block and this block.
GAP = 2


@dataclass(frozen=True)
class BlockPos:
    """Where the block landed (1-based): title, status line, header and year rows;
    ``col`` is the Jaar column, the COLUMNS follow it."""

    title: int
    status: int
    header: int
    first: int
    last: int
    col: int


def band_formula(reeks: str, year_cell: str, percentile: float,
                 model: str = S.MODEL_REF) -> str:
    """``=MPP_BAND("kosten_totaal",$A24,67,Uitkomsten!$B$3)``."""
    return f'=MPP_BAND("{reeks}",{year_cell},{percentile:g},{model})'


def write(ws: Worksheet, info: SheetInfo, years: list[int]) -> BlockPos:
    """The block beside the input table of ``info``, under its outcome block, and
    its chart below the block."""
    c0 = info.last_col + 2  # the outcome block's first column
    top = layout.HEADER_ROW + len(SCENARIOS) * len(S.PARTNER_OUTCOMES[S.FINANCIEN]) + GAP + 1
    ws.cell(top, c0, TITLE).font = Font(bold=True, color="375623", size=12)
    cj = c0 + 1  # Jaar; the numbers follow
    note = ws.cell(top + 1, c0, NOTE)
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=top + 1, start_column=c0, end_row=top + 1,
                   end_column=cj + len(COLUMNS))
    ws.row_dimensions[top + 1].height = 48
    status, head = top + 2, top + 3
    first, last = head + 1, head + len(years)
    b = get_column_letter(cj + 1)  # the budget column
    ws.cell(status, c0, (f'=IF(ISNUMBER({b}{first}),"Kosten berekend met de prijzen links.",'
                         f'"{NO_PRICES}: vul ze links in (alle of geen) en de reguliere '
                         f'capaciteit op COA; klik daarna op Vernieuwen.")')).font = Font(
        italic=True, color="C00000")
    header(ws, head, cj, "Jaar", OUT_HEADER_FILL)
    for j, (text, _, _) in enumerate(COLUMNS, start=cj + 1):
        header(ws, head, j, text, OUT_HEADER_FILL)
        ws.column_dimensions[get_column_letter(j)].width = max(
            12.0, ws.column_dimensions[get_column_letter(j)].width or 0.0)
    ws.row_dimensions[head].height = 45
    up, lo = get_column_letter(cj + 2), b  # P87,5 and P67 of the total
    for row, y in enumerate(years, start=first):
        ws.cell(row, cj, y).border = BOX
        for j, (_, reeks, pct) in enumerate(COLUMNS, start=cj + 1):
            value = (band_formula(reeks, f"${get_column_letter(cj)}{row}", pct)
                     if reeks is not None
                     else f'=IF(ISNUMBER({up}{row}),{up}{row}-{lo}{row},"")')  # the margin
            c = ws.cell(row, j, value)
            c.number_format, c.border, c.fill = NUMBER_FORMAT, BOX, OUT_FILL
    pos = BlockPos(top, status, head, first, last, cj)
    ws.add_chart(chart(ws, pos), f"{get_column_letter(c0)}{last + 2}")
    return pos


def chart(ws: Worksheet, pos: BlockPos) -> BarChart:
    """Budget (P67) and the margin up to P87,5 as stacked columns, COA's
    emergency-reception part (P67) as a line."""

    def ref(offset: int) -> Reference:  # 0: Jaar, 1: budget, 3: margin, 5: noodopvang
        return Reference(ws, min_col=pos.col + offset, min_row=pos.first, max_row=pos.last)

    bars = BarChart()
    bars.type, bars.grouping, bars.overlap = "col", "stacked", 100
    chart_common(bars, "Kosten keten: begroting (P67) en risicomarge tot P87,5 (€ mln)")
    for col, title, color in ((1, "Begroting medio (P67)", "1F4E79"),
                              (3, "Risicomarge tot P87,5", "F4B183")):
        s = Series(ref(col), title=title)
        s.graphicalProperties.solidFill = color
        bars.series.append(s)
    bars.set_categories(ref(0))
    line = LineChart()
    nood = Series(ref(5), title="waarvan COA-noodopvang (P67)")
    nood.graphicalProperties.line.solidFill = "C00000"
    nood.graphicalProperties.line.width = 28575
    nood.smooth = False
    line.series.append(nood)
    bars += line
    return bars
