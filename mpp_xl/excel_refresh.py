"""The refresh button of the workbook in Windows Excel (classic xlwings).

The VBA macro behind the button runs ``RunPython "import mpp_2024_2;
mpp_2024_2.main()"``; the companion module's ``main()`` calls
:func:`refresh_caller`. The logic itself talks to a small :class:`Book`
interface, so it is tested on Linux with :class:`FakeBook`:

1. read every parameter sheet (Kader and the partners) in one bulk read each;
2. validate and compute (through :mod:`mpp_xl.model_cache`, so the result also
   becomes the current model of the ``MPP_*`` functions when the UDFs run in
   the same process, i.e. with ``Use UDF Server`` set in xlwings.conf);
3. write Validatie, Vaststelling and Logboek, each as a few bulk blocks;
4. ask Excel to recalculate everything (``CalculateFull``).

Nothing else in the book is written: inputs, results (formulas) and charts
stay as they are.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from . import model_cache
from .assumptions import Assumptions, fingerprint
from .problems import MppError, Problem
from .registry import PARTNERS, SHEETS
from .workbook.layout import rows_from_block
from .workbook.refresh import SignOff, overall_state, partner_states
from .workbook.sheets import (
    LOG_HEADER_ROW,
    LOG_HEADERS,
    LOGBOEK,
    VAL_CHECKED_CELL,
    VAL_ERRORS_CELL,
    VAL_HEADER_ROW,
    VAL_HEADERS,
    VAL_WARNINGS_CELL,
    VALIDATIE,
    VASTSTELLING,
    VS_REFRESHED_CELL,
    VS_ROWS,
)

Block = list[list[Any]]

#: The only sheets the refresh writes to.
OUTPUT_SHEETS: tuple[str, ...] = (VALIDATIE, VASTSTELLING, LOGBOEK)

# Vaststelling columns (1-based), per VS_HEADERS: Partner, Naam, Datum,
# Vingerafdruk bij vaststelling, Huidige vingerafdruk, Status, Toelichting.
_VS_SIGNED_COL, _VS_CURRENT_COL = 4, 5
# The sign-off states and the overall state come from the workbook layer
# (mpp_xl.workbook.refresh), so Excel and the headless refresh agree.


class Book(Protocol):
    """What the refresh needs from a workbook (bulk access only)."""

    def sheet_names(self) -> list[str]:
        """The names of all sheets, in order."""
        ...

    def read(self, sheet: str) -> Block:
        """All values from A1 to the last used cell as a 2-D list (formulas as
        their computed values, empty cells None, error cells as "#N/A" text)."""
        ...

    def write(self, sheet: str, row: int, col: int, values: Block) -> None:
        """Write a rectangular 2-D block with its top-left cell at (row, col),
        1-based; None clears a cell."""
        ...

    def calculate(self) -> None:
        """Recalculate every formula in the workbook."""
        ...


@dataclass
class RefreshResult:
    """Outcome of one refresh."""

    n_errors: int
    n_warnings: int
    handle: str
    status: str
    problems: list[Problem]


# ---------------------------------------------------------------------------
def read_assumptions(book: Book) -> Assumptions:
    """The assumptions of every parameter sheet present in ``book`` (one bulk
    read per sheet; each block starts at A1)."""
    names = set(book.sheet_names())
    rows = []
    for sheet in SHEETS:
        if sheet in names:
            rows.extend(rows_from_block(book.read(sheet), sheet, first_row=1, first_col=1))
    return Assumptions(rows, source="Excel")


def validatie_block(problems: Sequence[Problem]) -> Block:
    """Rows under the Validatie header (errors first), per VAL_HEADERS; one
    row saying so when there are none (as the headless refresh writes it)."""
    width = len(VAL_HEADERS)
    out: Block = []
    for p in sorted(problems, key=lambda p: not p.is_error):
        out.append([p.niveau, p.blad, p.cel, p.parameter, p.scenario,
                    float(p.jaar) if p.jaar is not None else None, p.regel, p.melding])
    if not out:
        out.append([None] * (width - 1) + ["Geen fouten of waarschuwingen gevonden."])
    return out


def _pad(rows: Block, n_rows: int, width: int) -> Block:
    """``rows`` followed by empty rows up to ``n_rows`` (clears old content)."""
    return rows + [[None] * width for _ in range(max(0, n_rows - len(rows)))]


def _existing_rows(block: Block, first_row: int) -> int:
    """Number of rows from ``first_row`` (1-based) to the end of the used range."""
    return max(0, len(block) - first_row + 1)


def _cell_pos(ref: str) -> tuple[int, int]:
    col = 0
    i = 0
    while i < len(ref) and ref[i].isalpha():
        col = col * 26 + (ord(ref[i].upper()) - 64)
        i += 1
    return int(ref[i:]), col


def _get(block: Block, row: int, col: int) -> Any:
    if row - 1 < len(block) and col - 1 < len(block[row - 1]):
        return block[row - 1][col - 1]
    return None


def write_validatie(book: Book, problems: Sequence[Problem], now: str) -> None:
    """The problem rows, the counters (COUNTIF formulas over the new rows, as the
    workbook has them) and the time of the check."""
    old = book.read(VALIDATIE)
    first = VAL_HEADER_ROW + 1
    rows = validatie_block(problems)
    width = len(VAL_HEADERS)
    book.write(VALIDATIE, first, 1, _pad(rows, _existing_rows(old, first), width))
    last = first + len(rows) - 1
    _write_cells(book, VALIDATIE, {
        VAL_ERRORS_CELL: f'=COUNTIF(A{first}:A{last},"fout")',
        VAL_WARNINGS_CELL: f'=COUNTIF(A{first}:A{last},"waarschuwing")',
        VAL_CHECKED_CELL: now})


def _write_cells(book: Book, sheet: str, values: dict[str, Any]) -> None:
    """Write single cells; cells stacked in one column go in one block."""
    pos = sorted((_cell_pos(ref), v) for ref, v in values.items())
    (r0, c0), _ = pos[0]
    if all(rc == (r0 + i, c0) for i, (rc, _) in enumerate(pos)):
        book.write(sheet, r0, c0, [[v] for _, v in pos])
        return
    for (r, c), v in pos:
        book.write(sheet, r, c, [[v]])


def _text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v).strip()


def read_signoffs(rows: Block) -> dict[str, SignOff]:
    """The sign-offs on Vaststelling (columns B, C, D of each partner row)."""
    out: dict[str, SignOff] = {}
    for partner, r in VS_ROWS.items():
        fp = _text(_get(rows, r, _VS_SIGNED_COL))
        if fp:
            out[partner] = SignOff(partner, _text(_get(rows, r, 2)),
                                   _text(_get(rows, r, 3)), fp)
    return out


def write_vaststelling(book: Book, current: dict[str, str] | None, n_errors: int,
                       now: str) -> str:
    """Columns E:G (current fingerprint, status, explanation) of every partner
    row in one block and the refresh time; the sign-offs themselves (B:D) and
    the status formula (B2) stay. Returns the overall state."""
    states = partner_states(read_signoffs(book.read(VASTSTELLING)), current)
    block = [[states[p]["current"], states[p]["status"], states[p]["toelichting"] or None]
             for p in PARTNERS]
    first = min(VS_ROWS.values())
    assert [VS_ROWS[p] for p in PARTNERS] == list(range(first, first + len(PARTNERS)))
    book.write(VASTSTELLING, first, _VS_CURRENT_COL, block)
    _write_cells(book, VASTSTELLING, {VS_REFRESHED_CELL: now})
    return overall_state(states, n_errors)


def write_logboek(book: Book, action: str, fp: str, note: str, now: str) -> None:
    old = book.read(LOGBOEK)
    row = LOG_HEADER_ROW + 1
    for i in range(len(old) - 1, LOG_HEADER_ROW - 1, -1):
        if any(v not in (None, "") for v in old[i]):
            row = i + 2
            break
    entry = [now, action, _user(), fp, note][:len(LOG_HEADERS)]
    book.write(LOGBOEK, row, 1, [entry])


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error
        return ""


def refresh(book: Book, now: dt.datetime | None = None) -> RefreshResult:
    """Read, validate, compute, write Validatie/Vaststelling/Logboek, recalculate."""
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    missing = [s for s in OUTPUT_SHEETS if s not in book.sheet_names()]
    if missing:
        raise MppError(f"Deze werkmap mist het blad {', '.join(missing)}; bouw de werkmap "
                       "opnieuw met 'mpp build'.")
    a = read_assumptions(book)
    entry = model_cache.model_from_assumptions(a)
    problems = list(entry.problems)
    n_err = entry.n_errors
    write_validatie(book, problems, stamp)
    if isinstance(entry, model_cache.Model):
        current = {p: fingerprint(entry.resolved, p) for p in PARTNERS}
        fp = entry.fingerprint
        note = f"{n_err} fouten, {entry.n_warnings} waarschuwingen; {entry.handle}"
        action = "vernieuwd in Excel"
    else:
        current, fp = None, ""
        note = f"{n_err} fouten: niets berekend; zie het blad Validatie."
        action = "vernieuwen geweigerd in Excel"
    state = write_vaststelling(book, current, n_err, stamp)
    write_logboek(book, action, fp, note, stamp)
    book.calculate()
    return RefreshResult(n_err, entry.n_warnings, entry.handle, state, problems)


# ---------------------------------------------------------------------------
class FakeBook:
    """An in-memory :class:`Book` for tests: sheets as dicts (row, col) -> value;
    records every write."""

    def __init__(self, sheets: dict[str, Block]) -> None:
        self.cells: dict[str, dict[tuple[int, int], Any]] = {}
        for name, block in sheets.items():
            self.cells[name] = {(i + 1, j + 1): v for i, r in enumerate(block)
                                for j, v in enumerate(r) if v is not None}
        self.writes: list[tuple[str, int, int, int, int]] = []
        self.reads: list[str] = []
        self.calculations = 0

    def sheet_names(self) -> list[str]:
        return list(self.cells)

    def read(self, sheet: str) -> Block:
        self.reads.append(sheet)
        cells = self.cells[sheet]
        if not cells:
            return []
        n_rows = max(r for r, _ in cells)
        n_cols = max(c for _, c in cells)
        return [[cells.get((r, c)) for c in range(1, n_cols + 1)]
                for r in range(1, n_rows + 1)]

    def write(self, sheet: str, row: int, col: int, values: Block) -> None:
        if not values:
            return
        width = len(values[0])
        if any(len(r) != width for r in values):
            raise ValueError("block is not rectangular")
        self.writes.append((sheet, row, col, len(values), width))
        cells = self.cells[sheet]
        for i, r in enumerate(values):
            for j, v in enumerate(r):
                if v is None or v == "":
                    cells.pop((row + i, col + j), None)
                else:
                    cells[(row + i, col + j)] = v

    def calculate(self) -> None:
        self.calculations += 1


class XlwingsBook:
    """:class:`Book` on a live Excel workbook through classic xlwings (Windows)."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def read(self, sheet: str) -> Block:
        sh = self.book.sheets[sheet]
        last = sh.used_range.last_cell
        rng = sh.range((1, 1), (last.row, last.column))
        value = rng.options(ndim=2, err_to_str=True).value
        return [list(r) for r in value]

    def write(self, sheet: str, row: int, col: int, values: Block) -> None:
        if values:
            self.book.sheets[sheet].range((row, col)).value = values

    def calculate(self) -> None:
        app = self.book.app
        try:
            app.api.CalculateFull()  # also recalculates MPP_* cells without a model
        except Exception:  # noqa: BLE001 - fall back to a normal recalculation
            app.calculate()


def refresh_caller() -> RefreshResult:
    """Refresh the workbook that called ``RunPython`` (Windows Excel only)."""
    import xlwings as xw  # lazily: only in Excel

    wb = xw.Book.caller()
    app = wb.app
    updating = app.screen_updating
    app.screen_updating = False
    try:
        result = refresh(XlwingsBook(wb))
    finally:
        app.screen_updating = updating
    if result.n_errors:
        app.alert(f"De aannames bevatten {result.n_errors} fout(en); er is niets berekend. "
                  "Zie het blad Validatie.", title="MPP vernieuwen")
    return result


#: Entry point for the workbook's companion module: ``main = refresh_caller``.
main = refresh_caller
