"""The classic refresh button (macro ``MPP_Vernieuwen`` -> ``excel_book.refresh_caller``
on an ``XlwingsBook``) on the shipped workbook's own sheets: the FakeBook is
fed from the .xlsm's cells as Excel hands them to xlwings (cached values of
every formula, incl. the outcome panels beside the partner inputs, error
cells as text) and enforces the file's sheet protection like Excel does."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from mpp_xl.core.assumptions import Assumptions
from mpp_xl.core.registry import PARTNERS, SHEETS
from mpp_xl.workbook import layout
from mpp_xl.workbook import sheets as S
from mpp_xl.workbook.excel_book import OUTPUT_SHEETS, FakeBook, read_assumptions, refresh
from mpp_xl.workbook.reader import error_text, read_workbook_assumptions

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "workbooks" / "mpp_2024_2.xlsm"
NOW = dt.datetime(2024, 9, 1, 12, 0, 0)


@pytest.fixture(scope="module")
def shipped_book() -> FakeBook:
    """The shipped workbook read once (openpyxl, about a second)."""
    return FakeBook.from_xlsx(SHIPPED)


@pytest.fixture
def book(shipped_book: FakeBook) -> FakeBook:
    """A private copy per test (the tests write to it)."""
    return copy.deepcopy(shipped_book)


def test_shipped_partner_sheets_have_outcome_panels_with_years(book: FakeBook) -> None:
    """The precondition of the next test: the panels beside the inputs carry
    year headers and cached numbers (what made the button read them as input)."""
    for sheet in PARTNERS:
        header = [v for (r, c), v in sorted(book.cells[sheet].items()) if r == layout.HEADER_ROW]
        width = layout.table_width(header)
        panel_years = [v for v in header[width:] if isinstance(v, int | float)]
        if S.PARTNER_OUTCOMES.get(sheet):
            assert panel_years, sheet
            assert any(isinstance(v, float) and c > width
                       for (r, c), v in book.cells[sheet].items() if r > layout.HEADER_ROW)


def test_button_path_reads_shipped_sheets_without_errors(book: FakeBook) -> None:
    a = read_assumptions(book)
    problems, resolved = a.check()
    errors = [p for p in problems if p.is_error]
    assert errors == []
    assert resolved is not None
    # exactly the inputs the headless reader finds in the same file
    head = read_workbook_assumptions(SHIPPED)
    assert a.fingerprint() == head.fingerprint()
    assert {(r.blad, r.cel) for r in a.rows} == {(r.blad, r.cel) for r in head.rows}


def test_button_refresh_on_shipped_sheets_under_protection(book: FakeBook) -> None:
    before = {s: dict(book.cells[s]) for s in book.sheet_names()}
    # the file protects every output sheet it has (a file built before Varianten and
    # Gevoeligheid existed lacks them; the refresh skips absent output sheets)
    present = {s for s in OUTPUT_SHEETS if s in book.sheet_names()}
    assert present <= book.protected
    result = refresh(book, now=NOW)
    assert result.n_errors == 0
    # the model the button computes is the one the file's B3 shows (same inputs)
    assert result.handle == before[S.UITKOMSTEN][(3, 2)]
    # protection lifted only for the sheets written, and put back on each
    log = book.protection_log
    lifted = [s for op, s in log if op == "unprotect"]
    assert set(lifted) <= set(OUTPUT_SHEETS)
    assert sorted(s for op, s in log if op == "protect") == sorted(lifted)
    assert present <= book.protected
    for s in SHEETS:  # inputs untouched
        assert book.cells[s] == before[s], s
    log_rows = book.cells[S.LOGBOEK]
    last = max(r for r, _ in log_rows)
    assert log_rows[(last, 2)] == "ververst"


def test_fakebook_refuses_locked_cells_of_protected_sheets(book: FakeBook) -> None:
    """Without lifting the protection the write fails, as in Excel (COM)."""
    with pytest.raises(PermissionError, match="Validatie!A8"):
        book.write(S.VALIDATIE, 8, 1, [["fout"]])
    # an unlocked input cell of a protected partner sheet may be written
    cell = next(iter(sorted(book.unlocked["IND"])))
    book.write("IND", *cell, [[1.0]])


def test_refresh_restores_protection_when_a_write_fails(book: FakeBook) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("COM-fout")

    book.set_formats = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        refresh(book, now=NOW)
    assert {s for s in OUTPUT_SHEETS if s in book.sheet_names()} <= book.protected


def test_button_path_reports_input_errors_with_the_cell(book: FakeBook) -> None:
    """A COM error number in an input cell (#SPILL! arrives as an int from
    classic xlwings) is an error with its cell, not the number -2146826243, named
    as the Dutch Excel shows it (#OVERLOOP!), as mpp ververs names it."""
    key_row = next(r for (r, c), v in sorted(book.cells["COA"].items())
                   if c == layout.COL_KEY and r > layout.HEADER_ROW)
    book.cells["COA"][(key_row, layout.COL_ALL)] = -2146826243
    a: Assumptions = read_assumptions(book)
    problems, _ = a.check()
    errs = [p for p in problems if p.is_error]
    assert [(p.blad, p.cel) for p in errs] == [("COA", f"E{key_row}")]
    assert error_text("#SPILL!") in errs[0].melding and error_text("#SPILL!") != "#SPILL!"


# --- the XlwingsBook adapter itself, on a stand-in for xlwings' COM objects ----------
class _Protection:
    AllowFormattingCells = False
    AllowFormattingColumns = True
    AllowFormattingRows = True


class _Api:
    """The COM Worksheet members the adapter uses; protection as in Excel."""

    def __init__(self, protected: bool) -> None:
        self.ProtectContents = protected
        self.ProtectDrawingObjects = protected
        self.ProtectScenarios = protected
        self.Protection = _Protection()
        self.calls: list[tuple[str, dict[str, object]]] = []

    def Unprotect(self) -> None:  # noqa: N802 - COM name
        self.calls.append(("Unprotect", {}))
        self.ProtectContents = False

    def Protect(self, **kw: object) -> None:  # noqa: N802 - COM name
        self.calls.append(("Protect", kw))
        self.ProtectContents = True


class _Range:
    def __init__(self, sheet: _Sheet, first: tuple[int, int],
                 last: tuple[int, int] | None = None) -> None:
        self.sheet, self.first, self.last = sheet, first, last or first

    def options(self, **_kw: object) -> _Range:
        return self

    @property
    def value(self) -> list[list[object]]:
        (r0, c0), (r1, c1) = self.first, self.last
        return [[self.sheet.com_value(r, c) for c in range(c0, c1 + 1)]
                for r in range(r0, r1 + 1)]

    @value.setter
    def value(self, block: list[list[object]]) -> None:
        r0, c0 = self.first
        free = self.sheet.book.fake.unlocked.get(self.sheet.name, set())
        locked = [(r0 + i, c0 + j) for i, row in enumerate(block) for j in range(len(row))
                  if (r0 + i, c0 + j) not in free]
        if self.sheet.api.ProtectContents and locked:  # COM refuses, like Excel
            raise PermissionError(f"{self.sheet.name}: locked cells {locked[:3]}")
        for i, row in enumerate(block):
            for j, v in enumerate(row):
                self.sheet.cells[(r0 + i, c0 + j)] = v

    number_format = ""

    def _cells(self) -> list[tuple[int, int]]:
        (r0, c0), (r1, c1) = self.first, self.last
        return [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]

    @property
    def font(self) -> _Font:
        return _Font(self)

    @property
    def color(self) -> object:
        return None

    @color.setter
    def color(self, value: object) -> None:
        for rc in self._cells():
            self.sheet.fills[rc] = value


class _Font:
    """xlwings' Font: every property set lands on each cell of the range."""

    def __init__(self, rng: _Range) -> None:
        object.__setattr__(self, "rng", rng)

    def __setattr__(self, name: str, value: object) -> None:
        for rc in self.rng._cells():  # noqa: SLF001
            self.rng.sheet.fonts.setdefault(rc, {})[name] = value


class _Sheet:
    def __init__(self, book: _XwBook, name: str) -> None:
        self.book, self.name = book, name
        self.cells = book.fake.cells[name]
        self.api = _Api(name in book.fake.protected)
        self.fonts: dict[tuple[int, int], dict[str, object]] = {}
        self.fills: dict[tuple[int, int], object] = {}

    def com_value(self, r: int, c: int) -> object:
        v = self.cells.get((r, c))
        # what COM hands to xlwings for an error xlwings 0.37.8 does not translate
        return -2146826243 if v == "#SPILL!" else v

    @property
    def used_range(self) -> object:
        rows = max(r for r, _ in self.cells)
        cols = max(c for _, c in self.cells)
        return type("U", (), {"last_cell": type("C", (), {"row": rows, "column": cols})})

    def range(self, first: tuple[int, int], last: tuple[int, int] | None = None) -> _Range:
        return _Range(self, first, last)


class _XwBook:
    def __init__(self, fake: FakeBook) -> None:
        self.fake = fake
        self._sheets = {n: _Sheet(self, n) for n in fake.sheet_names()}
        self.sheets = _Sheets(self._sheets)
        self.fullname = str(SHIPPED)
        self.calculated = 0
        book = self

        class _App:
            class api:  # noqa: N801 - COM Application
                @staticmethod
                def CalculateFull() -> None:  # noqa: N802
                    book.calculated += 1

        self.app = _App()


class _Sheets(dict):  # type: ignore[type-arg]
    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.values())


def test_xlwings_adapter_lifts_and_restores_protection_with_its_options(book: FakeBook) -> None:
    """The classic button's adapter (XlwingsBook) on the shipped file's cells: COM's
    Unprotect before the writes, Protect with the sheet's own options after, and
    an untranslated COM error number in an input cell reported as #SPILL! (shown as the Dutch #OVERLOOP!)."""
    from mpp_xl.workbook.excel_book import XlwingsBook

    xb = _XwBook(book)
    result = refresh(XlwingsBook(xb), now=NOW)
    assert result.n_errors == 0 and xb.calculated == 1
    for name, sheet in xb._sheets.items():  # noqa: SLF001
        kinds = [k for k, _ in sheet.api.calls]
        if name in OUTPUT_SHEETS:
            assert kinds == ["Unprotect", "Protect"], name
            kw = sheet.api.calls[1][1]
            assert kw["Contents"] is True and kw["AllowFormattingColumns"] is True
            assert kw["AllowFormattingCells"] is False and kw["DrawingObjects"] is True
            assert sheet.api.ProtectContents
        else:
            assert kinds == [], name

    key_row = next(r for (r, c), v in sorted(book.cells["IND"].items())
                   if c == layout.COL_KEY and r > layout.HEADER_ROW)
    book.cells["IND"][(key_row, layout.COL_ALL)] = "#SPILL!"
    result = refresh(XlwingsBook(_XwBook(book)), now=NOW)
    assert result.n_errors == 1
    err = next(p for p in result.problems if p.is_error)
    assert (err.blad, err.cel) == ("IND", f"E{key_row}") and error_text("#SPILL!") in err.melding


def test_button_modules_import_without_posix_only_modules() -> None:
    """On Windows there is no fcntl (nor pwd, grp, termios): everything the button,
    the functions and `mpp build` import must still import."""
    import subprocess
    import sys

    code = ("import sys\n"
            "for m in ('fcntl', 'pwd', 'grp', 'termios', 'resource'):\n"
            "    sys.modules[m] = None\n"
            "import mpp_xl.cli, mpp_xl.workbook.builder, mpp_xl.workbook.excel_test\n"
            "import mpp_xl.workbook.values_copy, udfs.mpp_udfs\n"
            "import mpp_xl.workbook.excel_book as knop\n"  # what the button's macro runs
            "assert callable(knop.refresh_caller)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_xlwings_adapter_styles_analysis_cells_like_the_style_row(book: FakeBook) -> None:
    """The button sets each analysis cell's font and fill by its kind; the kinds'
    fonts are the ones the build wrote into the hidden style row of the shipped
    workbook (which the headless refresh copies), read back with openpyxl."""
    import openpyxl

    from mpp_xl.workbook import sheets as S
    from mpp_xl.workbook import specs
    from mpp_xl.workbook.excel_book import XlwingsBook

    ws = openpyxl.load_workbook(SHIPPED)[S.REALISATIE]
    for j, kind in enumerate(specs.KIND_ORDER, start=1):
        f, want = ws.cell(specs.STYLE_ROW, j).font, specs.KIND_FONTS.get(kind, specs.PLAIN)
        assert (bool(f.b), bool(f.i), f.sz) == (want.bold, want.italic, want.size), kind
        rgb = f.color.rgb if f.color is not None and isinstance(f.color.rgb, str) else "000000"
        assert rgb[-6:] == want.color, kind
    xb = _XwBook(book)
    refresh(XlwingsBook(xb), now=NOW)
    real = xb._sheets[S.REALISATIE]  # noqa: SLF001
    summary = real.fonts[(S.REAL_SUMMARY_ROW, S.REAL_BT_COL)]
    assert summary["italic"] is True or summary["color"] == "#C00000"
    first = real.fonts[(S.REAL_FIRST_ROW, S.REAL_BT_COL)]  # a series name: plain
    assert (first["bold"], first["italic"], first["size"]) == (False, False, 11)
    bij = xb._sheets[S.BIJSTELLING]  # noqa: SLF001
    assert bij.fonts and all(f["bold"] is False for f in bij.fonts.values())  # plain text
    assert set(real.fills.values()) <= {None}
