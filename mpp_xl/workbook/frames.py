"""Turning a declared :class:`~mpp_xl.workbook.specs.Frame` or
:class:`~mpp_xl.workbook.specs.SheetSpec` into cells, shared by every sheet
module (:mod:`mpp_xl.workbook.sheets`): the frame, an owned sheet's table, the
master check and the OK/FOUT status colours."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import sheets as S
from . import specs
from .specs import Frame, SheetSpec
from .styles import (
    BOLD,
    BOX,
    FINGERPRINT_FONT,
    MAX_ROW,
    WRAP,
    fixed_scale,
    header,
    header_height,
    kind_font,
    scale_for,
)

CHECK_OK_FILL = PatternFill("solid", fgColor=specs.GREEN)


CHECK_FAIL_FILL = PatternFill("solid", fgColor=specs.RED)


CHECK_SIGNAL_FILL = PatternFill("solid", fgColor="FFEB9C")


@dataclass
class TablePos:
    first: int  # first data row
    last: int


def status_colours(ws: Worksheet, rng: str, ok: str, fail: str,
                   fail_fill: PatternFill = CHECK_FAIL_FILL) -> None:
    ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=[f'"{ok}"'],
                                                  fill=CHECK_OK_FILL))
    ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=[f'"{fail}"'],
                                                  fill=fail_fill))


def show_master_check(ws: Worksheet) -> None:
    """Label in A2 and the master check (a reference to Controles) in B2."""
    ws["A2"] = "Modelcontrole"
    ws["A2"].font = BOLD
    c = ws[S.CTRL_SHOWN_CELL]
    c.value = f"={S.CTRL_MASTER_REF}"
    c.font = BOLD
    c.alignment = Alignment(horizontal="center")
    status_colours(ws, S.CTRL_SHOWN_CELL, S.MASTER_OK, S.MASTER_FAIL)


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
        show_master_check(ws)
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
