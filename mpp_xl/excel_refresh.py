"""The refresh button of the workbook in Windows Excel (classic xlwings).

The button "Vernieuwen" (on Uitkomsten and every partner sheet) runs the
workbook's VBA macro ``SampleCall``: ``RunPython "import mpp_2024_2;
mpp_2024_2.main()"``; the companion module's ``main()`` calls
:func:`refresh_caller`. The logic itself talks to a small :class:`Book`
interface, so it is tested on Linux with :class:`FakeBook`:

1. read every parameter sheet (Kader and the partners) in one bulk read each;
2. validate and compute (through :mod:`mpp_xl.analysis.model_cache`, so the result also
   becomes the current model of the ``MPP_*`` functions when the UDFs run in
   the same process, i.e. with ``Use UDF Server`` set in xlwings.conf);
3. write Validatie, Vaststelling and Logboek, each as a few bulk blocks, and
   the analysis sheets Bijstelling (comparison with Kader's vorige_mpp) and
   the backtest beside the inputs on Realisatie (one block each);
4. ask Excel to recalculate everything (``CalculateFull``); this also fills
   Onzekerheid, whose cells are ``=MPP_BAND(...)`` formulas.

Nothing else in the book is written: inputs, results (formulas) and charts
stay as they are. The output sheets are protected; the refresh lifts the
protection of each sheet it writes and puts it back afterwards (also when a
write fails), through the book's ``unprotect``/``protect``.

Every path reads a parameter sheet's inputs with the same function,
:func:`mpp_xl.workbook.layout.rows_from_block`, which keeps to the declared
input table (so the outcome panel beside the inputs is never read as input).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple

from .analysis import model_cache
from .core.assumptions import Assumptions, fingerprint
from .core.problems import MppError, Problem
from .core.registry import PARTNERS, SHEETS
from .io.grid import COM_ERRORS, clean_cell
from .workbook import analysis_sheets as AS
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
    validatie_rows,
)

Block = list[list[Any]]

#: The sheets the refresh must find (and writes to).
REQUIRED_SHEETS: tuple[str, ...] = (VALIDATIE, VASTSTELLING, LOGBOEK)
#: The only sheets the refresh writes to (the analysis sheets when present).
OUTPUT_SHEETS: tuple[str, ...] = (*REQUIRED_SHEETS, AS.BIJSTELLING, AS.REALISATIE)

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

    def unprotect(self, sheet: str) -> object:
        """Lift the sheet's protection; returns what :meth:`protect` needs to put
        it back as it was (None: the sheet was not protected)."""
        ...

    def protect(self, sheet: str, state: object) -> None:
        """Put back the protection that :meth:`unprotect` lifted."""
        ...


@dataclass
class RefreshResult:
    """Outcome of one refresh."""

    n_errors: int
    n_warnings: int
    handle: str
    status: str
    problems: list[Problem]
    #: Dutch warnings of the analysis sheets (e.g. previous MPP not found).
    meldingen: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
def read_assumptions(book: Book) -> Assumptions:
    """The assumptions of every parameter sheet present in ``book`` (one bulk
    read of the used range per sheet, from A1; only the declared input table
    counts, see :func:`rows_from_block`). Error cells (also the COM integers
    of #SPILL!, #CALC!, #GETTING_DATA) become their text, which validation
    reports with the cell."""
    names = set(book.sheet_names())
    rows = []
    for sheet in SHEETS:
        if sheet in names:
            grid = [[clean_cell(v) for v in r] for r in book.read(sheet)]
            rows.extend(rows_from_block(grid, sheet, first_row=1, first_col=1))
    return Assumptions(rows, source="Excel")


@contextlib.contextmanager
def unprotected(book: Book, sheets: Sequence[str]) -> Iterator[None]:
    """Lift the protection of ``sheets`` for the duration of the block and put
    it back afterwards, also when a write fails. Books without protection
    support (``unprotect`` missing) are written as they are."""
    lift = getattr(book, "unprotect", None)
    states: list[tuple[str, object]] = []
    try:
        if lift is not None:
            for s in sheets:
                states.append((s, lift(s)))
        yield
    finally:
        for s, state in reversed(states):
            if state is not None:
                book.protect(s, state)


def _pad(rows: Block, n_rows: int, width: int) -> Block:
    """``rows`` followed by empty rows up to ``n_rows`` (clears old content)."""
    return rows + [[None] * width for _ in range(max(0, n_rows - len(rows)))]


def _existing_rows(block: Block, first_row: int) -> int:
    """Number of rows from ``first_row`` (1-based) to the end of the used range."""
    return max(0, len(block) - first_row + 1)


def _get(block: Block, row: int, col: int) -> Any:
    if row - 1 < len(block) and col - 1 < len(block[row - 1]):
        return block[row - 1][col - 1]
    return None


def write_validatie(book: Book, problems: Sequence[Problem], now: str) -> None:
    """The problem rows, the counters (COUNTIF formulas over the new rows, as the
    workbook has them) and the time of the check."""
    old = book.read(VALIDATIE)
    first = VAL_HEADER_ROW + 1
    rows = validatie_rows(problems)
    width = len(VAL_HEADERS)
    book.write(VALIDATIE, first, 1, _pad(rows, _existing_rows(old, first), width))
    last = first + len(rows) - 1
    _write_cells(book, VALIDATIE, {
        VAL_ERRORS_CELL: f'=COUNTIF(A{first}:A{last},"fout")',
        VAL_WARNINGS_CELL: f'=COUNTIF(A{first}:A{last},"waarschuwing")',
        VAL_CHECKED_CELL: now})


def _write_cells(book: Book, sheet: str, values: dict[str, Any]) -> None:
    """Write single cells; cells stacked in one column go in one block."""
    pos = sorted((coordinate_to_tuple(ref), v) for ref, v in values.items())
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


def write_logboek(book: Book, action: str, fp: str, note: str, now: str,
                  user: str | None = None) -> None:
    old = book.read(LOGBOEK)
    row = LOG_HEADER_ROW + 1
    for i in range(len(old) - 1, LOG_HEADER_ROW - 1, -1):
        if any(v not in (None, "") for v in old[i]):
            row = i + 2
            break
    entry = [now, action, user or _user(), fp, note][:len(LOG_HEADERS)]
    book.write(LOGBOEK, row, 1, [entry])


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error
        return ""


def _write_layout(book: Book, sheet: str, layout: AS.Layout, top: int, left: int,
                  width: int, fixed: dict[tuple[int, int], object] | None = None) -> None:
    """Write ``layout`` as one block from (top, left), ``width`` columns wide,
    down to the last new or old row (old content below is cleared); ``fixed``
    cells inside the block keep their given value. Number formats through the
    book's optional ``set_formats``."""
    old = book.read(sheet)
    last_old = 0
    for i in range(len(old) - 1, top - 2, -1):
        if any(v not in (None, "") for v in old[i][left - 1:left - 1 + width]):
            last_old = i + 1
            break
    last = max([r for r, _ in layout] + [r for r, _ in (fixed or {})] + [last_old, top])
    block: Block = [[None] * width for _ in range(last - top + 1)]
    for (r, c), v in (fixed or {}).items():
        block[r - top][c - left] = v
    for (r, c), (v, _kind) in layout.items():
        block[r - top][c - left] = v
    book.write(sheet, top, left, block)
    set_formats = getattr(book, "set_formats", None)
    if set_formats is not None:
        set_formats(sheet, {rc: AS.KINDS[k] for rc, (_v, k) in layout.items()})


def _folder(book: Book) -> Path | None:
    folder = getattr(book, "folder", None)
    return folder() if callable(folder) else None


def write_analysis(book: Book, entry: Any) -> list[str]:
    """Bijstelling and the backtest on Realisatie (when the sheets exist) from the
    computed model; returns Dutch warnings."""
    names = set(book.sheet_names())
    notes: list[str] = []
    if not isinstance(entry, model_cache.Model):
        return notes
    if AS.BIJSTELLING in names:
        vorige = str(entry.resolved.text.get("vorige_mpp", "") or "")
        lay, msgs = AS.bijstelling_layout(vorige, _folder(book), entry.resolved,
                                          entry.forecast)
        _write_layout(book, AS.BIJSTELLING, lay, AS.BIJ_FIRST_ROW, 1,
                      max([c for _, c in lay] + [len(AS.BIJ_DIFF_HEADERS)]))
        notes += [f"Bijstelling: {m}" for m in msgs]
    if AS.REALISATIE in names:
        block = book.read(AS.REALISATIE)
        rows = [list(r[:4]) for r in block[AS.REAL_FIRST_ROW - 1:]]
        lay, msgs = AS.backtest_layout(rows, entry.forecast)
        headers = {(AS.REAL_HEADER_ROW, AS.REAL_BT_COL + j): h
                   for j, h in enumerate(AS.REAL_BT_HEADERS)}
        _write_layout(book, AS.REALISATIE, lay, AS.REAL_SUMMARY_ROW, AS.REAL_BT_COL,
                      len(AS.REAL_BT_HEADERS), headers)
        notes += [f"Realisatie: {m}" for m in msgs]
    return notes


def refresh(book: Book, now: dt.datetime | None = None,
            user: str | None = None) -> RefreshResult:
    """Read, validate, compute, write Validatie/Vaststelling/Logboek and the
    analysis sheets, recalculate. ``user``: the name for the Logboek (on a
    server: the user of the request); default the account running Python."""
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    missing = [s for s in REQUIRED_SHEETS if s not in book.sheet_names()]
    if missing:
        raise MppError(f"Deze werkmap mist het blad {', '.join(missing)}; bouw de werkmap "
                       "opnieuw met 'mpp build'.")
    a = read_assumptions(book)
    entry = model_cache.model_from_assumptions(a)
    problems = list(entry.problems)
    n_err = entry.n_errors
    names = set(book.sheet_names())
    with unprotected(book, [s for s in OUTPUT_SHEETS if s in names]):
        state, meldingen = _write_outputs(book, entry, problems, stamp, user)
    book.calculate()
    return RefreshResult(n_err, entry.n_warnings, entry.handle, state, problems, meldingen)


def _write_outputs(book: Book, entry: model_cache.Entry, problems: list[Problem], stamp: str,
                   user: str | None) -> tuple[str, list[str]]:
    """Validatie, Vaststelling, the analysis sheets and the Logboek entry; returns
    the overall state and the analysis sheets' Dutch warnings."""
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
    meldingen = write_analysis(book, entry)
    write_logboek(book, action, fp, note, stamp, user)
    return state, meldingen


# ---------------------------------------------------------------------------
class FakeBook:
    """An in-memory :class:`Book` for tests: sheets as dicts (row, col) -> value;
    records every write. Like Excel it refuses to write a locked cell of a
    protected sheet (``protected`` sheets; ``unlocked`` cells per sheet)."""

    def __init__(self, sheets: dict[str, Block], protected: Sequence[str] = (),
                 unlocked: dict[str, set[tuple[int, int]]] | None = None) -> None:
        self.cells: dict[str, dict[tuple[int, int], Any]] = {}
        for name, block in sheets.items():
            self.cells[name] = {(i + 1, j + 1): v for i, r in enumerate(block)
                                for j, v in enumerate(r) if v is not None}
        self.writes: list[tuple[str, int, int, int, int]] = []
        self.reads: list[str] = []
        self.calculations = 0
        self.formats: dict[str, dict[tuple[int, int], str]] = {}
        self.path: Path | None = None
        self.protected: set[str] = set(protected)
        self.unlocked: dict[str, set[tuple[int, int]]] = unlocked or {}
        #: ("unprotect" | "protect", sheet) in order.
        self.protection_log: list[tuple[str, str]] = []

    @classmethod
    def from_xlsx(cls, path: str | Path) -> FakeBook:
        """A FakeBook holding a saved workbook's cells as Excel would hand them to
        xlwings: formulas as their cached values, error cells as their text
        ("#N/A"); with the file's sheet protection and unlocked cells."""
        import openpyxl  # lazily: only tests build books from files

        wb = openpyxl.load_workbook(path, data_only=True, keep_vba=False)
        sheets: dict[str, Block] = {}
        protected: list[str] = []
        unlocked: dict[str, set[tuple[int, int]]] = {}
        for ws in wb.worksheets:
            sheets[ws.title] = [list(r) for r in ws.iter_rows(values_only=True)]
            if ws.protection.sheet:
                protected.append(ws.title)
            unlocked[ws.title] = {(c.row, c.column) for row in ws.iter_rows() for c in row
                                  if c.has_style and not c.protection.locked}
        book = cls(sheets, protected, unlocked)
        book.path = Path(path)
        return book

    def _check_unlocked(self, sheet: str, cells: Sequence[tuple[int, int]]) -> None:
        if sheet not in self.protected:
            return
        free = self.unlocked.get(sheet, set())
        for r, c in cells:
            if (r, c) not in free:
                raise PermissionError(f"{sheet}!{get_column_letter(c)}{r} is locked and the "
                                      "sheet is protected")

    def unprotect(self, sheet: str) -> object:
        self.protection_log.append(("unprotect", sheet))
        if sheet not in self.protected:
            return None
        self.protected.discard(sheet)
        return True

    def protect(self, sheet: str, state: object) -> None:
        self.protection_log.append(("protect", sheet))
        self.protected.add(sheet)

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
        self._check_unlocked(sheet, [(row + i, col + j) for i in range(len(values))
                                     for j in range(width)])
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

    def set_formats(self, sheet: str, formats: dict[tuple[int, int], str]) -> None:
        self._check_unlocked(sheet, list(formats))
        self.formats.setdefault(sheet, {}).update(formats)

    def folder(self) -> Path | None:
        return None if self.path is None else self.path.parent


#: Excel's Protection options that the refresh puts back as they were.
_ALLOW = ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows")


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
        # errors xlwings does not translate (#SPILL!, #CALC!, ...) arrive as COM ints
        return [[COM_ERRORS.get(v, v) if type(v) is int else v for v in r] for r in value]

    def unprotect(self, sheet: str) -> object:
        """Lift the protection (the workbook's sheets have no password); returns
        the Allow* options to restore, or None when the sheet was not protected."""
        api = self.book.sheets[sheet].api
        if not api.ProtectContents:
            return None
        p = api.Protection
        state = {k: bool(getattr(p, k)) for k in _ALLOW}
        state["DrawingObjects"] = bool(api.ProtectDrawingObjects)
        state["Scenarios"] = bool(api.ProtectScenarios)
        api.Unprotect()
        return state

    def protect(self, sheet: str, state: object) -> None:
        options = dict(state) if isinstance(state, dict) else {}
        self.book.sheets[sheet].api.Protect(Contents=True, **options)

    def write(self, sheet: str, row: int, col: int, values: Block) -> None:
        if values:
            self.book.sheets[sheet].range((row, col)).value = values

    def folder(self) -> Path | None:
        """The folder of the workbook file (None when unsaved or in the cloud)."""
        try:
            full = str(self.book.fullname)
        except Exception:  # noqa: BLE001 - xlwings Server books have no path
            return None
        if "://" in full or not ("\\" in full or "/" in full):
            return None
        return Path(full).parent

    def set_formats(self, sheet: str, formats: dict[tuple[int, int], str]) -> None:
        """Number formats per cell, one call per format and column run."""
        by_fmt: dict[str, list[tuple[int, int]]] = {}
        for rc, f in formats.items():
            by_fmt.setdefault(f, []).append(rc)
        sh = self.book.sheets[sheet]
        for fmt, cells in by_fmt.items():
            for top, bottom, col in _runs(cells):
                try:
                    sh.range((top, col), (bottom, col)).number_format = fmt
                except Exception:  # noqa: BLE001 - formats are cosmetic
                    return

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
    elif result.meldingen:
        app.alert("\n".join(result.meldingen), title="MPP vernieuwen")
    return result


def _runs(cells: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Vertical runs (top, bottom, col) covering ``cells`` (row, col)."""
    out: list[tuple[int, int, int]] = []
    for r, c in sorted(cells, key=lambda rc: (rc[1], rc[0])):
        if out and out[-1][2] == c and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r, c)
        else:
            out.append((r, r, c))
    return out


#: Entry point for the workbook's companion module: ``main = refresh_caller``.
main = refresh_caller
