"""``mpp excel-test WERKMAP``: the acceptance checks that only Excel can do, in
one step, on a machine with Excel (Windows or Mac, xlwings).

It opens a *copy* of the workbook in real Excel (under a file name with
spaces and hyphens, so the button is proven independent of the name), runs
Import Functions (``ImportPythonUDFs``) and the button's macro
(:data:`~mpp_xl.workbook.buttons.MACRO`), reads back every ``MPP_*`` formula
cell, Validatie and Controles, and compares them with a headless refresh of
another copy of the same file (numbers within 1e-9, relative; texts equal).
Every cell of every sheet is checked for ``#NAME?``/``#VALUE!`` (also the
Dutch ``#NAAM?``/``#WAARDE!``). The result is one line per check, each
naming the line of the acceptance checklist in ``docs/udfs.md`` it covers.
The workbook itself is never changed.

Excel is reached through the small :class:`Excel` / :class:`ExcelBook`
interface; :class:`XlwingsExcel` is the real one, tests use a fake over
:class:`~mpp_xl.workbook.excel_book.FakeBook`.
"""

from __future__ import annotations

import math
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..core.problems import MppError
from . import sheets as S
from .buttons import MACRO
from .excel_book import XlwingsBook
from .refresh_file import refresh_workbook

Block = list[list[Any]]

#: The xlwings macro behind "Import Functions".
IMPORT_MACRO = "ImportPythonUDFs"
#: The name of the copy Excel opens: spaces and hyphens, like a user's own name.
COPY_STEM = "MPP excel-test kopie v2"
#: Relative tolerance of a number against the headless refresh.
TOLERANCE = 1e-9
#: Error texts no cell may show (xlwings gives the English ones; Dutch Excel shows these).
BAD_ERRORS = frozenset({"#NAME?", "#VALUE!", "#NAAM?", "#WAARDE!"})
#: Cells that hold the time of the refresh (differ between two runs by design).
CLOCK_CELLS: dict[str, frozenset[str]] = {S.VALIDATIE: frozenset({S.VAL_CHECKED_CELL})}
#: The sheets compared cell by cell (besides the MPP_* cells).
COMPARED_SHEETS: tuple[str, ...] = (S.VALIDATIE, S.CONTROLES)

#: (key, the acceptance-checklist line in docs/udfs.md it covers: its opening words).
CHECKS: tuple[tuple[str, str], ...] = (
    ("openen", "Excel opent een kopie van de werkmap onder een naam met spaties"),
    ("functies", "Import Functions maakt een wrapper per functie"),
    ("knop", "Een klik op de knop start Vernieuwen in Excel"),
    ("mpp-cellen", "Uitkomsten!B3 en de tabellen geven dezelfde getallen als de motor"),
    ("validatie", "Vernieuwen schrijft in beveiligde bladen"),
    ("controles", "Controles in Excel gelijk aan de headless verversing"),
    ("foutwaarden", "Foutwaarden:"),
)
_REGEL = dict(CHECKS)


class ExcelBook(Protocol):
    """A workbook open in Excel."""

    def sheet_names(self) -> list[str]: ...

    def read(self, sheet: str) -> Block:
        """The used range from A1 as values (errors as their text)."""

    def run_macro(self, name: str) -> None:
        """Run a VBA macro of the workbook; raises when it fails."""

    def close(self) -> None:
        """Close without saving."""


class Excel(Protocol):
    """A running Excel."""

    def open(self, path: Path) -> ExcelBook: ...

    def quit(self) -> None: ...


@dataclass
class CheckResult:
    key: str
    ok: bool | None  # None: not run, an earlier step failed
    detail: str = ""

    @property
    def regel(self) -> str:
        return _REGEL[self.key]

    def line(self) -> str:
        mark = {True: "OK", False: "FOUT", None: "NIET UITGEVOERD"}[self.ok]
        return f"{mark:<16} [{self.key}] {self.regel} … — {self.detail}"


@dataclass
class ExcelTestReport:
    workbook: str
    results: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def text(self) -> str:
        head = [f"mpp excel-test: {self.workbook}",
                "Elke regel hoort bij een regel van de acceptatielijst in docs/udfs.md.", ""]
        n_ok = sum(1 for r in self.results if r.ok)
        tail = ["", f"{n_ok} van {len(self.results)} controles geslaagd."
                    + ("" if self.ok else " Niet geslaagd: zie FOUT hierboven.")]
        return "\n".join(head + [r.line() for r in self.results] + tail)


# --- reading cells --------------------------------------------------------------------
def _ref(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _cells(block: Block) -> dict[tuple[int, int], Any]:
    return {(i + 1, j + 1): v for i, r in enumerate(block) for j, v in enumerate(r)
            if v is not None and v != ""}


def mpp_formula_cells(path: Path) -> dict[str, list[tuple[int, int]]]:
    """Sheet -> the (row, col) of every formula that calls an ``MPP_*`` function."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, keep_vba=False)
    out: dict[str, list[tuple[int, int]]] = {}
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    v = getattr(c, "value", None)
                    if isinstance(v, str) and v.startswith("=") and re.search(
                            r"(?<![A-Za-z0-9_])(?:_xludf\.)?MPP_[A-Za-z0-9_]*\(", v, re.I):
                        out.setdefault(ws.title, []).append((c.row, c.column))
    finally:
        wb.close()
    return out


def file_values(path: Path, sheets: Sequence[str]) -> dict[str, dict[tuple[int, int], Any]]:
    """The stored values of ``sheets`` of a (refreshed) workbook file."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True, keep_vba=False)
    return {s: _cells([list(r) for r in wb[s].iter_rows(values_only=True)])
            for s in sheets if s in wb.sheetnames}


def same(a: object, b: object) -> bool:
    """One cell in Excel (``a``) against the headless refresh (``b``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= TOLERANCE * max(1.0, abs(b))
    if hasattr(a, "isoformat") or hasattr(b, "isoformat"):
        return str(a)[:19] == str(b)[:19]
    return (str(a).strip() if a is not None else "") == (str(b).strip() if b is not None else "")


def differences(got: dict[tuple[int, int], Any], want: dict[tuple[int, int], Any],
                cells: Sequence[tuple[int, int]] | None = None,
                skip: frozenset[str] = frozenset()) -> list[str]:
    """'A1: Excel x, headless y' for every cell (of ``cells``, default all) that differs."""
    keys = sorted(set(got) | set(want)) if cells is None else sorted(cells)
    out = []
    for rc in keys:
        ref = _ref(*rc)
        if ref in skip:
            continue
        a, b = got.get(rc), want.get(rc)
        if not same(a, b):
            out.append(f"{ref}: Excel {a!r}, headless {b!r}")
    return out


def _summary(items: list[str], n: int = 5) -> str:
    more = f" (en nog {len(items) - n})" if len(items) > n else ""
    return "; ".join(items[:n]) + more


# --- the run --------------------------------------------------------------------------
def run_excel_test(path: str | Path, excel: Excel,
                   headless: Callable[[Path], object] | None = None) -> ExcelTestReport:
    """The checks on a copy of ``path`` in ``excel`` against a headless
    refresh (``headless(copy)``, default :func:`refresh_workbook`) of another copy."""
    path = Path(path)
    if not path.is_file():
        raise MppError(f"Bestand niet gevonden: {path}")
    if path.suffix.lower() != ".xlsm":
        raise MppError(f"{path.name} is geen .xlsm: alleen een master met macro's heeft de "
                       "knop en Import Functions.")
    report = ExcelTestReport(path.name)
    res = {k: CheckResult(k, None, "niet uitgevoerd: een eerdere stap faalde") for k, _ in CHECKS}
    report.results = [res[k] for k, _ in CHECKS]
    with tempfile.TemporaryDirectory(prefix="mpp-excel-test-") as tmp:
        d = Path(tmp)
        (d / "excel").mkdir()
        (d / "headless").mkdir()
        xl_copy = d / "excel" / f"{COPY_STEM}{path.suffix}"
        hl_copy = d / "headless" / path.name
        shutil.copyfile(path, xl_copy)
        shutil.copyfile(path, hl_copy)
        (headless or refresh_workbook)(hl_copy)
        mpp_cells = mpp_formula_cells(hl_copy)
        want = file_values(hl_copy, sorted({*mpp_cells, *COMPARED_SHEETS}))
        try:
            book = excel.open(xl_copy)
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            res["openen"] = _set(res["openen"], False, f"Excel opende de kopie niet: {e}")
            report.results = [res[k] for k, _ in CHECKS]
            return report
        try:
            res["openen"] = _set(res["openen"], True, f"geopend als '{xl_copy.name}'")
            _step(res["functies"], lambda: book.run_macro(IMPORT_MACRO),
                  f"{IMPORT_MACRO} liep zonder fout")
            if not _step(res["knop"], lambda: book.run_macro(MACRO),
                         f"de macro van de knop, {MACRO}, liep zonder fout"):
                return report
            got = {s: _cells(book.read(s)) for s in book.sheet_names()}
            _compare(res, got, want, mpp_cells)
        finally:
            book.close()
    return report


def _set(r: CheckResult, ok: bool, detail: str) -> CheckResult:
    r.ok, r.detail = ok, detail
    return r


def _step(r: CheckResult, action: Callable[[], None], done: str) -> bool:
    try:
        action()
    except Exception as e:  # noqa: BLE001 - reported as a failed check
        _set(r, False, f"mislukt: {e}")
        return False
    _set(r, True, done)
    return True


def _compare(res: dict[str, CheckResult], got: dict[str, dict[tuple[int, int], Any]],
             want: dict[str, dict[tuple[int, int], Any]],
             mpp_cells: dict[str, list[tuple[int, int]]]) -> None:
    n = sum(len(v) for v in mpp_cells.values())
    diff = [f"{s}!{d}" for s, cells in mpp_cells.items()
            for d in differences(got.get(s, {}), want.get(s, {}), cells)]
    _set(res["mpp-cellen"], not diff and n > 0,
         _summary(diff) if diff else (f"alle {n} MPP_*-cellen gelijk (binnen {TOLERANCE:g})"
                                      if n else "geen MPP_*-cellen gevonden"))
    for key, sheet in (("validatie", S.VALIDATIE), ("controles", S.CONTROLES)):
        if sheet not in got:
            _set(res[key], False, f"blad {sheet} ontbreekt in Excel")
            continue
        d = differences(got[sheet], want.get(sheet, {}), skip=CLOCK_CELLS.get(sheet, frozenset()))
        _set(res[key], not d, _summary([f"{sheet}!{x}" for x in d]) if d
             else f"{sheet} gelijk aan de headless verversing")
    bad = [f"{s}!{_ref(*rc)} {v}" for s, cells in got.items() for rc, v in sorted(cells.items())
           if isinstance(v, str) and v.strip() in BAD_ERRORS]
    _set(res["foutwaarden"], not bad, _summary(bad) if bad
         else "geen cel toont #NAME?/#VALUE! (#NAAM?/#WAARDE!)")


# --- real Excel -----------------------------------------------------------------------
EXCEL_MISSING = ("Excel ontbreekt: mpp excel-test opent de werkmap in Microsoft Excel en "
                 "werkt alleen op Windows of een Mac met Excel en xlwings. Op deze machine "
                 "({platform}) kan dat niet; er is niets gedaan. De controles zonder Excel "
                 "draaien met 'make test'.")


def excel_missing_message() -> str | None:
    """Why Excel cannot be driven here, or None when it can be tried."""
    if sys.platform not in ("win32", "darwin"):
        return EXCEL_MISSING.format(platform=sys.platform)
    try:
        import xlwings  # noqa: F401
    except ImportError:
        return EXCEL_MISSING.format(platform=f"{sys.platform} zonder xlwings")
    return None


class XlwingsOpenBook(XlwingsBook):
    """:class:`ExcelBook` over an xlwings Book (the button's reading and writing)."""

    def run_macro(self, name: str) -> None:
        self.book.macro(name)()

    def close(self) -> None:
        self.book.close()


class XlwingsExcel:
    """:class:`Excel` through xlwings: a new, invisible Excel instance."""

    def __init__(self) -> None:
        import xlwings as xw  # only on Windows/Mac

        try:
            self.app = xw.App(visible=False, add_book=False)
        except Exception as e:  # noqa: BLE001 - no Excel installed or it would not start
            raise MppError(EXCEL_MISSING.format(platform=f"{sys.platform}: {e}")) from None
        self.app.display_alerts = False

    def open(self, path: Path) -> ExcelBook:
        return XlwingsOpenBook(self.app.books.open(str(path)))

    def quit(self) -> None:
        self.app.quit()


def excel_test(path: str | Path, excel: Excel | None = None) -> ExcelTestReport:
    """:func:`run_excel_test` in a new Excel (raises :class:`MppError` when there is none)."""
    if excel is None:
        why = excel_missing_message()
        if why:
            raise MppError(why)
        excel = XlwingsExcel()
    try:
        return run_excel_test(path, excel)
    finally:
        excel.quit()
