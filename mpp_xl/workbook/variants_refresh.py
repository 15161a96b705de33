"""The Varianten sheet at refresh time (no openpyxl): its positions, reading
the input rows (a grid from ``Book.read`` or a package), the table's own
fingerprint, validation and the one-batch run, and writing the results block.
The sheet itself is built by :mod:`mpp_xl.workbook.sheets.varianten`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analysis import variant_cache
from ..analysis.variant_sheets import headline_years, variants_layout
from ..analysis.variants import VariantResults, run_variants
from ..core.assumptions import Resolved
from ..core.problems import Problem
from ..core.variants import VARIANT_COLUMNS, VariantRow, check_variants
from ..io.safe_zip import check_workbook_bytes
from .reader import error_text
from .xlsxio import Package, XlErr, col_letter

NAME = "Varianten"
#: The partner that owns the sheet (its yellow cells).
OWNER = "DGM-APM"
HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1
INPUT_ROWS = 60
INPUT_HEADERS: tuple[str, ...] = tuple(c.capitalize() for c in VARIANT_COLUMNS)
#: The results block: its status line and the first table (column I).
RESULT_COL = 9
STATUS_CELL = "I5"
RESULT_TOP = HEADER_ROW
#: The fingerprint of the variants table (label in D4, value in E4).
FINGERPRINT_CELL = "E4"
#: The sign-off of the table by its owner (mpp vaststellen --partner Varianten): name,
#: date, the fingerprint signed, and the status the refresh writes.
SIGN_CELLS: dict[str, str] = {"name": "B5", "date": "C5", "fingerprint": "E5", "status": "F5"}
SIGN_VALID, SIGN_VOID, SIGN_NONE = "geldig", "vervallen", "niet vastgesteld"
#: Headline series with a chart beside their table.
CHART_KEYS: tuple[str, ...] = ("coa_bezetting", "ind_werkvoorraad")
#: The operation words written on the sheet (Excel reads a typed = or + as a formula).
SHEET_WORD = {"=": "zet", "*": "maal", "+": "plus"}

# --- reading -------------------------------------------------------------------------------
def _cell_text(v: object) -> object:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def rows_from_grid(grid: Sequence[Sequence[object]]) -> list[VariantRow]:
    """The input rows of the sheet from its values from A1 (``Book.read``), each
    with the cells of its columns, so problems name Varianten!cell."""
    out: list[VariantRow] = []
    width = len(VARIANT_COLUMNS)
    for i in range(FIRST_ROW - 1, len(grid)):
        vals = [(list(grid[i]) + [None] * width)[j] for j in range(width)]
        if all(v in (None, "") for v in vals):
            continue
        r = i + 1
        vals = [_cell_text(v) if j in (3,) else v for j, v in enumerate(vals)]
        out.append(VariantRow(*vals, blad=NAME, cel=f"A{r}",  # type: ignore[arg-type]
                              cellen=tuple(f"{col_letter(j + 1)}{r}"
                                           for j in range(width))))
    return out


def read_workbook_variants(path: str | Path) -> list[VariantRow] | None:
    """The Varianten rows of a workbook file (cached values), or None when it
    has no such sheet. Untrusted: the file passes the zip guard first."""
    data = Path(path).read_bytes()
    check_workbook_bytes(data, Path(path).name)
    pkg = Package(data, Path(path).name)
    if NAME not in pkg.sheet_paths:
        return None
    return rows_from_package(pkg)


def rows_from_package(pkg: Package) -> list[VariantRow]:
    """The Varianten rows of an opened package (cached values)."""
    width = len(VARIANT_COLUMNS)
    grid: dict[int, list[object]] = {}
    for c in pkg.cells(NAME):
        if c.row >= FIRST_ROW and c.col <= width:
            v = error_text(c.value) if isinstance(c.value, XlErr) else c.value
            grid.setdefault(c.row, [None] * width)[c.col - 1] = v
    if not grid:
        return []
    rows = [[None] * width for _ in range(FIRST_ROW - 1)]
    rows += [grid.get(r, [None] * width) for r in range(FIRST_ROW, max(grid) + 1)]
    return rows_from_grid(rows)


def signed_cells(pkg: Package) -> dict[str, str]:
    """The sign-off cells of the sheet (name, date, fingerprint) as text."""
    by_ref = {c.ref: c.value for c in pkg.cells(NAME)}
    return {k: str(by_ref.get(ref) or "").strip() for k, ref in SIGN_CELLS.items()
            if k != "status"}


def variants_fingerprint(rows: Sequence[VariantRow]) -> str:
    """SHA-256 of the variants table as typed (every column, in row order): the
    Varianten sheet's own fingerprint; no partner's fingerprint includes it."""
    data = [[None if getattr(r, c) in (None, "") else str(getattr(r, c)).strip()
             for c in VARIANT_COLUMNS] for r in rows]
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()


# --- the refresh ---------------------------------------------------------------------------
@dataclass
class Checked:
    """The sheet's variants after checking: problems, the results (None when
    there are errors) and the fingerprint of the table."""

    problems: list[Problem] = field(default_factory=list)
    results: VariantResults | None = None
    fingerprint: str = ""
    n_rows: int = 0
    #: The fingerprint signed on the sheet ('' when not signed).
    signed: str = ""

    @property
    def sign_status(self) -> str:
        """geldig, vervallen or niet vastgesteld (the sign-off against the table now)."""
        if not self.signed:
            return SIGN_NONE
        return SIGN_VALID if self.signed == self.fingerprint else SIGN_VOID


def check(grid: Sequence[Sequence[object]], resolved: Resolved) -> Checked:
    """Validate the sheet's rows and, without errors, run base and variants in one batch."""
    rows = rows_from_grid(grid)
    problems, variants = check_variants(rows, resolved)
    fp = variants_fingerprint(rows)
    r, c = int(SIGN_CELLS["fingerprint"][1:]) - 1, ord(SIGN_CELLS["fingerprint"][0]) - 65
    signed = str(grid[r][c] or "").strip() if r < len(grid) and c < len(grid[r]) else ""
    if any(p.is_error for p in problems):
        return Checked(problems, None, fp, len(rows), signed)
    return Checked(problems, run_variants(resolved, variants), fp, len(rows), signed)


WriteLayout = Callable[..., None]


def write_results(book: Any, checked: Checked, resolved: Resolved, model_fingerprint: str,
                  write_layout: WriteLayout) -> list[str]:
    """The fingerprint, the status line and the result tables (titles and
    headers always; the variant rows when there are results). The results are
    also kept for ``MPP_VARIANT`` under the model's fingerprint."""
    res = checked.results
    notes: list[str] = []
    book.write(NAME, 4, 5, [[checked.fingerprint]])
    book.write(NAME, int(SIGN_CELLS["status"][1:]), ord(SIGN_CELLS["status"][0]) - 64,
               [[checked.sign_status]])
    if res is None:
        n = sum(p.is_error for p in checked.problems)
        status = f"Niet berekend: de varianten bevatten {n} fout(en); zie het blad Validatie."
        res = VariantResults(resolved.startjaar, resolved.eindjaar, resolved.scenarios, (), {})
    elif not res.variants:
        status = "Geen varianten: vul de tabel links in en ververs."
    else:
        status = (f"{len(res.variants)} variant(en), met de basis in één berekening; verschil "
                  "met de basis in het scenario medio.")
    variant_cache.store(model_fingerprint, res)
    lay, notes = variants_layout(res)
    book.write(NAME, int(STATUS_CELL[1:]), RESULT_COL, [[" ".join([status, *notes])]])
    width = 1 + len(headline_years(res.startjaar, res.eindjaar))
    write_layout(book, NAME, lay, RESULT_TOP, RESULT_COL, width)
    return [f"Varianten: {m}" for m in notes]
