"""Uitkomsten: per main series a table years x scenarios (``=MPP_MODEL`` once,
the series read from it), whole tables per printed page."""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ...core.registry import SCENARIOS
from ...core.series import SERIES
from .. import sheets as S
from .. import specs
from ..frames import TablePos, write_frame
from ..printing import row_breaks_for_blocks
from ..styles import (
    BOX,
    fixed_scale,
    header,
    scale_for,
    series_formula,
    series_number_format,
    units,
    width_formula,
)
from .partner import SheetInfo


def write(ws: Worksheet, infos: list[SheetInfo], years: list[int],
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
        fmt = series_number_format(reeks)
        for y in ys:
            row += 1
            ws.cell(row, 1, y).border = BOX
            for j, scen in enumerate(SCENARIOS, start=2):
                c = ws.cell(row, j, series_formula(reeks, f"$A{row}", scen, f"${S.MODEL_CELL[0]}"
                                                                          f"${S.MODEL_CELL[1:]}"))
                c.number_format, c.border = fmt, BOX
            c = ws.cell(row, 5, width_formula(f"D{row}", f"B{row}", reeks))
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
