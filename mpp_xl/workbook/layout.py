"""The layout of a parameter sheet (Kader and every partner sheet), shared by
the builder, the reader and ``MPP_MODEL`` (which receives the same blocks as
ranges from Excel).

A parameter sheet has a header block, then an input table whose header row
has ``parameter`` in column A::

    A: parameter | B: Omschrijving | C: Eenheid | D: Scenario | E: Alle jaren |
    F..: one column per year | Toelichting | Bron

Each row is one parameter for one scenario (``alle``, ``min``, ``medio`` or
``max``). A value in *Alle jaren* holds for every year (and is the only
column for single-valued parameters); a value under a year holds for that
year. Empty cells are "not given" (the registry default applies).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from ..core.assumptions import CellText, Row
from ..core.registry import PARAMETERS
from ..io.grid import ArgError, as_block, clean_cell
from .xlsxio import col_letter

HEADER_ROW = 6  # 1-based row of the table header on every parameter sheet
KEY_HEADER = "parameter"
COL_KEY, COL_LABEL, COL_UNIT, COL_SCENARIO, COL_ALL = 1, 2, 3, 4, 5  # 1-based
FIRST_YEAR_COL = 6
ALL_YEARS_HEADER = "Alle jaren"
HEADERS_BEFORE_YEARS = ("parameter", "Omschrijving", "Eenheid", "Scenario", ALL_YEARS_HEADER)
HEADERS_AFTER_YEARS = ("Toelichting", "Bron")


def year_columns(startjaar: int, eindjaar: int) -> dict[int, int]:
    """Year -> 1-based column."""
    return {y: FIRST_YEAR_COL + i for i, y in enumerate(range(startjaar, eindjaar + 1))}


def is_empty(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


_WHOLE = re.compile(r"[+-]?\d{1,15}")


def cell_value(v: object) -> object:
    """A cell's value as the assumptions take it.

    Text that is a plain whole number ("12", " 2024 ") counts as that number
    (Excel's "number stored as text"). Any other text stays text, so that
    "42.000", "1,5%" or "n.v.t." are reported, never guessed: in a Dutch
    workbook "42.000" may mean 42000 or 42.
    """
    if isinstance(v, str):
        return int(v.strip()) if _WHOLE.fullmatch(v.strip()) else CellText(v)
    return v


def as_year(v: object) -> int | None:
    """A header cell as a year (1900-2200: 2026, 2026.0 or "2026"), else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)) and float(v).is_integer() and 1900 <= v <= 2200:
        return int(v)
    if isinstance(v, str) and v.strip().isdigit() and 1900 <= int(v.strip()) <= 2200:
        return int(v.strip())
    return None


def table_width(header: Sequence[object]) -> int:
    """Number of columns of the declared input table given its header row: up
    to and including the last of Toelichting/Bron, else up to the last year
    column of the unbroken run after the fixed columns. Whatever stands to the
    right (the outcome panel of a partner sheet, whose header row also holds
    years) is not input."""
    names = [str(v).strip().lower() if isinstance(v, str) else v for v in header]
    last = None
    for j, v in enumerate(names):
        if v in ("toelichting", "bron"):
            last = j
            if v == "bron":
                break
    if last is not None:
        return last + 1
    n = 0
    for j, v in enumerate(header):
        if j < len(HEADERS_BEFORE_YEARS) or as_year(v) is not None:
            n = j + 1
        else:
            break
    return n


def header_index(block: Sequence[Sequence[object]]) -> int | None:
    """0-based index of the table header row (``parameter`` in the first column)."""
    return next(
        (i for i, r in enumerate(block)
         if r and isinstance(r[0], str) and r[0].strip().lower() == KEY_HEADER),
        None,
    )


def rows_from_block(
    block: Sequence[Sequence[object]],
    sheet: str | None = None,
    first_row: int = 1,
    first_col: int = 1,
) -> list[Row]:
    """Input rows from a 2-D block of cell values that contains the header row.

    This is the one function that turns a parameter sheet's raw grid into
    assumption rows, for every path: the headless reader, ``MPP_MODEL`` and
    the refresh button (classic xlwings and Office.js), which may hand over
    the whole used range of a sheet. Only the declared input table counts:
    the rows below the header and the columns up to :func:`table_width`
    (so the outcome panel to the right is never read as input).

    ``first_row``/``first_col`` (1-based) are the sheet position of
    ``block[0][0]``, so each row records its cell (e.g. ``F12``). Rows before
    the header and rows without a parameter key are ignored.
    """
    hdr = header_index(block)
    if hdr is None:
        return []
    header = list(block[hdr])[:table_width(list(block[hdr]))]
    col_scen = _find(header, "scenario")
    col_all = _find(header, ALL_YEARS_HEADER.lower())
    col_bron = _find(header, "bron")
    years = {j: y for j, v in enumerate(header) if (y := as_year(v)) is not None}
    rows: list[Row] = []
    for i in range(hdr + 1, len(block)):
        r = list(block[i])
        if not r or is_empty(r[0]):
            continue
        key = str(r[0]).strip()
        scen = r[col_scen] if col_scen is not None and col_scen < len(r) else "alle"
        if is_empty(scen):
            scen = "alle"
        cells = ([(col_all, None)] if col_all is not None else []) + list(years.items())
        for j, jaar in cells:
            if j >= len(r) or is_empty(r[j]):
                continue
            ref = f"{col_letter(first_col + j)}{first_row + i}"
            bron = r[col_bron] if col_bron is not None and col_bron < len(r) else None
            rows.append(Row(key, scen, jaar, cell_value(r[j]), blad=sheet, cel=ref,
                            bron=None if is_empty(bron) else str(bron).strip()))
    return rows


def _find(header: list[object], name: str) -> int | None:
    for j, v in enumerate(header):
        if isinstance(v, str) and v.strip().lower() == name:
            return j
    return None


def _owner_sheet(block: list[list[Any]], hdr: int) -> str | None:
    """The sheet that owns most parameter keys in the block's first column."""
    counts: dict[str, int] = {}
    for r in block[hdr + 1:]:
        if r and isinstance(r[0], str):
            p = PARAMETERS.get(r[0].strip().lower())
            if p is not None:
                counts[p.sheet] = counts.get(p.sheet, 0) + 1
    return max(counts, key=lambda s: counts[s]) if counts else None


def rows_from_sheet_blocks(blocks: Sequence[object]) -> list[Row]:
    """Input rows of every parameter-sheet block handed to ``MPP_MODEL`` (each must contain the
    header row with ``parameter`` in its first column).

    Blocks are assumed to start in column A; their first row is inferred from
    the layout's header row (row 6), so problems name the real cells.
    """
    rows: list[Row] = []
    found = 0
    for raw in blocks:
        block = [[clean_cell(c) for c in r] for r in as_block(raw)]
        hdr = header_index(block)
        if hdr is None:
            continue
        found += 1
        sheet = _owner_sheet(block, hdr)
        first_row = max(1, HEADER_ROW - hdr)
        rows.extend(rows_from_block(block, sheet, first_row=first_row, first_col=1))
    if not found:
        raise ArgError(
            "MPP_MODEL vond geen parametertabel: geef de bereiken van de parameterbladen "
            "(Kader en de partnerbladen) vanaf kolom A, inclusief de kopregel met "
            "'parameter'."
        )
    return rows
