"""The refresh button of the workbook in Windows Excel (classic xlwings).

The button "Vernieuwen" (on Uitkomsten and every partner sheet) runs the
workbook's own VBA macro ``MPP_Vernieuwen``: ``RunPython "import
mpp_xl.workbook.excel_book as mpp_knop; mpp_knop.refresh_caller()"`` (the
installed package, so any file name works; see
``scripts/make_vba_template.py``), i.e. :func:`refresh_caller`. The logic
itself talks to a small :class:`Book` interface, so it is tested on Linux with :class:`FakeBook`:

The refresh itself is the one of every path,
:func:`mpp_xl.workbook.refresh.refresh` (``mpp ververs`` runs it over
the package on disk): read the parameter sheets, validate and compute through
the model cache (so the result also becomes the current model of the
``MPP_*`` functions when the UDFs run in the same process, i.e. with ``Use
UDF Server`` set in xlwings.conf), write Validatie, Vaststelling, Logboek,
Bijstelling and the backtest on Realisatie as a few bulk blocks each, and ask
Excel to recalculate everything (``CalculateFull``); this also fills
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

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from ..io.grid import COM_ERRORS
from . import refresh as core
from . import specs
from .refresh import (
    OUTPUT_SHEETS,
    REQUIRED_SHEETS,
    Book,
    RefreshResult,
    as_text_input,
    read_assumptions,
    unprotected,
)

__all__ = ["OUTPUT_SHEETS", "REQUIRED_SHEETS", "Book", "FakeBook", "RefreshResult",
           "XlwingsBook", "main", "read_assumptions", "refresh", "refresh_caller",
           "unprotected"]

Block = list[list[Any]]


def refresh(book: Book, now: dt.datetime | None = None, user: str | None = None,
            ) -> RefreshResult:
    """The one refresh (:func:`mpp_xl.workbook.refresh.refresh`) as the
    workbook's button runs it: inputs with errors are written to Validatie
    (nothing is computed). ``user``: the name for the Logboek (on a server:
    the user of the request); default the account running Python."""
    return core.refresh(book, now=now, user=user, refuse_errors=False, source="Excel")


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

    def set_kinds(self, sheet: str, kinds: dict[tuple[int, int], str]) -> None:
        """The kinds of analysis cells as their number formats."""
        self.set_formats(sheet, {rc: specs.KINDS[k] for rc, k in kinds.items()})

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
        """One block through ``Range.value``; a :class:`Formula` as its text, other
        text that Excel would read as a formula with the quote prefix."""
        if values:
            self.book.sheets[sheet].range((row, col)).value = [
                [as_text_input(v) for v in r] for r in values]

    def folder(self) -> Path | None:
        """The folder of the workbook file (None when unsaved or in the cloud)."""
        try:
            full = str(self.book.fullname)
        except Exception:  # noqa: BLE001 - xlwings Server books have no path
            return None
        if "://" in full or not ("\\" in full or "/" in full):
            return None
        return Path(full).parent

    def set_kinds(self, sheet: str, kinds: dict[tuple[int, int], str]) -> None:
        """The kinds of analysis cells: number format, font and fill
        (:data:`mpp_xl.workbook.specs.KINDS`, ``KIND_FONTS``, ``KIND_FILLS``)."""

        def style(rng: Any, kind: str) -> None:
            font, fill = specs.KIND_FONTS.get(kind, specs.PLAIN), specs.KIND_FILLS.get(kind)
            rng.number_format = specs.KINDS[kind]
            rng.font.bold, rng.font.italic = font.bold, font.italic
            rng.font.size, rng.font.color = font.size, f"#{font.color}"
            rng.color = None if fill is None else f"#{fill}"

        _per_run(self.book.sheets[sheet], kinds, style)

    def set_formats(self, sheet: str, formats: dict[tuple[int, int], str]) -> None:
        """Number formats per cell."""
        _per_run(self.book.sheets[sheet], formats,
                 lambda rng, fmt: setattr(rng, "number_format", fmt))

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


def _per_run(sh: Any, keyed: dict[tuple[int, int], str],
             apply: Callable[[Any, str], None]) -> None:
    """``apply(range, key)`` once per key and vertical run of cells with that key
    (one COM call per property and run, not per cell); a failing run is skipped:
    formats are cosmetic."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for rc, key in keyed.items():
        groups.setdefault(key, []).append(rc)
    for key, cells in groups.items():
        for top, bottom, col in _runs(cells):
            try:
                apply(sh.range((top, col), (bottom, col)), key)
            except Exception:  # noqa: BLE001, S112 - cosmetic: try the other runs
                continue


def _runs(cells: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Vertical runs (top, bottom, col) covering ``cells`` (row, col)."""
    out: list[tuple[int, int, int]] = []
    for r, c in sorted(cells, key=lambda rc: (rc[1], rc[0])):
        if out and out[-1][2] == c and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r, c)
        else:
            out.append((r, r, c))
    return out


#: Former entry point (the companion module of xlwings' ``SampleCall``), kept for
#: masters built before the button had its own macro.
main = refresh_caller
