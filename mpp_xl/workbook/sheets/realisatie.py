"""Realisatie: the realisations input table and the backtest header beside it."""

from __future__ import annotations

import pandas as pd
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...core.series import SERIES
from .. import sheets as S
from .. import specs
from ..frames import write_frame
from ..printing import print_columns
from ..styles import BOX, INPUT_FILL, INPUT_FONT, OUT_HEADER_FILL, UNLOCKED, header, style_row


def write(ws: Worksheet, realisaties: pd.DataFrame | None = None) -> None:
    """The input table (reeks, jaar, waarde, bron, maand; unlocked yellow cells,
    prefilled with ``realisaties``) and the header of the backtest beside it. An
    empty maand is a year total or a stock per 1 jan; 1–12 a month."""
    write_frame(ws, specs.REALISATIE)
    style_row(ws)
    first, c0 = S.REAL_FIRST_ROW, S.REAL_BT_COL
    for j, h in enumerate(S.REAL_INPUT_HEADERS, start=1):
        header(ws, S.REAL_HEADER_ROW, j, h)
    for j, h in enumerate(S.REAL_BT_HEADERS):
        header(ws, S.REAL_HEADER_ROW, c0 + j, h, OUT_HEADER_FILL)
    rows = [] if realisaties is None else realisaties.to_dict("records")
    n = max(S.REAL_INPUT_ROWS, len(rows) + 100)
    last = first + n - 1
    for r in range(first, last + 1):
        for j, fmt in enumerate(("@", "0", "#,##0.##", "@", "0"), start=1):
            c = ws.cell(r, j)
            c.fill, c.font, c.protection, c.border = INPUT_FILL, INPUT_FONT, UNLOCKED, BOX
            c.number_format = fmt
    for r, rec in enumerate(rows, start=first):
        v = float(rec["waarde"])
        bron, maand = rec.get("bron", ""), rec.get("maand")
        maand = None if maand is None or pd.isna(maand) else int(maand)
        for j, val in enumerate((str(rec["reeks"]), int(rec["jaar"]),
                                 int(v) if v.is_integer() and abs(v) < 1e15 else v,
                                 None if bron in (None, "") else str(bron), maand), start=1):
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
    month = DataValidation(type="whole", operator="between", formula1="1", formula2="12",
                           allow_blank=True, showErrorMessage=True, errorTitle="Ongeldige maand",
                           error="Vul een maand van 1 t/m 12 in, of laat de cel leeg voor "
                                 "een jaartotaal of een voorraad per 1 januari.")
    month.sqref = f"E{first}:E{last}"  # type: ignore[assignment]
    ws.add_data_validation(month)
    ws.row_dimensions[S.REAL_HEADER_ROW].height = 30
    # on paper: the realisations, then the backtest on its own page strip
    print_columns(ws, [list(range(1, c0)), list(range(c0, c0 + len(S.REAL_BT_HEADERS)))])
    ws.print_title_rows = f"{S.REAL_HEADER_ROW}:{S.REAL_HEADER_ROW}"
    ws.freeze_panes = f"A{first}"
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
