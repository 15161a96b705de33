"""Controles: corkscrews, compositions and the master check (FAST Standard),
and the scenario-order signals."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ...core.series import SERIES
from .. import sheets as S
from .. import specs
from ..frames import CHECK_SIGNAL_FILL, TablePos, status_colours, write_frame
from ..styles import BOLD, BOX, WRAP, fixed_scale, header, header_height, scale_for


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


def write(ws: Worksheet, pos: dict[str, TablePos]) -> None:
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
    status_colours(ws, S.CTRL_MASTER_CELL, S.MASTER_OK, S.MASTER_FAIL)
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
        status_colours(ws, f"E{first}:E{last}", S.CTRL_OK, S.CTRL_FAIL)
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
        count = (f"SUMPRODUCT(((({col['B']}>{col['C']}+{margin})"
                 f"+({col['C']}>{col['D']}+{margin}))>0)*1)")
        # a cost series without prices holds messages, not numbers: no crossing
        formula = (f"=IF(ISNUMBER({S.UITKOMSTEN}!$C${p.first}),{count},0)"
                   if SERIES[key].is_cost else f"={count}")
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
        status_colours(ws, f"E{first}:E{last}", S.CTRL_OK, S.ORDER_SIGNAL, CHECK_SIGNAL_FILL)
    return max(last, top + 2)
