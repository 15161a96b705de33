"""Parameter-sheet blocks (as Excel hands ranges to MPP_MODEL) built from an
assumptions CSV, following the layout contract of ``mpp_xl.workbook.layout``
(title rows, header on row 6, one row per parameter and scenario). Written
independently of the workbook builder so the UDF tests need no workbook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mpp_xl.core.registry import PARAMETERS, SHEETS
from mpp_xl.workbook.layout import HEADER_ROW

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CSV = ROOT / "workbooks" / "MPP_2024-2_aannames.csv"


def blocks_from_csv(path: Path = EXAMPLE_CSV, year_as_float: bool = True,
                    ) -> dict[str, list[list[object]]]:
    """Sheet -> 2-D block starting at A1 (numbers as floats, like classic xlwings)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    single = {r.parameter: r.waarde for r in df.itertuples() if r.parameter in
              ("startjaar", "eindjaar")}
    start, end = int(single.get("startjaar", 2024)), int(single.get("eindjaar", 2028))
    years = list(range(start, end + 1))
    width = 5 + len(years) + 2
    out: dict[str, list[list[object]]] = {}
    for sheet in SHEETS:
        block: list[list[object]] = [[None] * width for _ in range(HEADER_ROW - 1)]
        block[0][0] = f"MPP - {sheet}"
        header: list[object] = ["parameter", "Omschrijving", "Eenheid", "Scenario",
                                "Alle jaren"]
        header += [float(y) if year_as_float else y for y in years]
        header += ["Toelichting", "Bron"]
        block.append(header)
        rows: dict[tuple[str, str], list[object]] = {}
        for r in df.itertuples():
            p = PARAMETERS.get(r.parameter)
            if p is None or p.sheet != sheet:
                continue
            row = rows.get((r.parameter, r.scenario))
            if row is None:
                row = [r.parameter, p.label, p.unit, r.scenario, None]
                row += [None] * len(years) + ["", ""]
                rows[(r.parameter, r.scenario)] = row
            v: object = r.waarde
            if p.kind != "tekst":
                v = float(v)
            if r.jaar == "":
                row[4] = v
            else:
                row[5 + years.index(int(r.jaar))] = v
        block.extend(rows.values())
        out[sheet] = block
    return out
