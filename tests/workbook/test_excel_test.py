"""``mpp excel-test``: its logic against a fake Excel (the FakeBook of the
Excel button, which enforces sheet protection like Excel), its verdicts
when Excel differs, and the clear refusal on a machine without Excel."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from mpp_xl.cli import main
from mpp_xl.workbook import excel_test as X
from mpp_xl.workbook import sheets as S
from mpp_xl.workbook.buttons import MACRO
from mpp_xl.workbook.excel_book import FakeBook, refresh
from mpp_xl.workbook.refresh import Formula

ROOT = Path(__file__).resolve().parents[2]
_COUNTIF = re.compile(r'=COUNTIF\(([A-Z]+)(\d+):\1(\d+),"([^"]*)"\)')


class FakeExcelBook:
    """A workbook "open in Excel": the cells Excel would show (cached values of
    the file), macros run as Excel would run them. Recalculation covers the
    formulas the refresh writes (Validatie's COUNTIF counters)."""

    def __init__(self, path: Path, after_macro: Any = None) -> None:
        self.path = path
        self.book = FakeBook.from_xlsx(path)
        self.macros: list[str] = []
        self.closed = False
        self.after_macro = after_macro

    def sheet_names(self) -> list[str]:
        return self.book.sheet_names()

    def read(self, sheet: str) -> list[list[Any]]:
        return self.book.read(sheet)

    def _recalculate(self) -> None:
        from openpyxl.utils import column_index_from_string

        for _sheet, cells in self.book.cells.items():
            for rc, v in list(cells.items()):
                if isinstance(v, Formula):
                    m = _COUNTIF.fullmatch(str(v))
                    assert m, f"the fake cannot calculate {v}"
                    col = column_index_from_string(m.group(1))
                    rows = range(int(m.group(2)), int(m.group(3)) + 1)
                    cells[rc] = sum(1 for r in rows if cells.get((r, col)) == m.group(4))

    def run_macro(self, name: str) -> None:
        self.macros.append(name)
        if name == X.IMPORT_MACRO:
            return
        if name != MACRO:
            raise RuntimeError(f"De macro '{name}' is niet beschikbaar in deze werkmap.")
        refresh(self.book)
        self._recalculate()
        if self.after_macro is not None:
            self.after_macro(self.book)

    def close(self) -> None:
        self.closed = True


class FakeExcel:
    def __init__(self, after_macro: Any = None, macros: set[str] | None = None) -> None:
        self.after_macro = after_macro
        self.opened: list[FakeExcelBook] = []
        self.quits = 0
        self.available = macros

    def open(self, path: Path) -> FakeExcelBook:
        book = FakeExcelBook(path, self.after_macro)
        if self.available is not None:
            run = book.run_macro

            def limited(name: str) -> None:
                if name not in self.available:  # type: ignore[operator]
                    book.macros.append(name)
                    raise RuntimeError(f"Kan de macro '{name}' niet uitvoeren.")
                run(name)

            book.run_macro = limited  # type: ignore[method-assign]
        self.opened.append(book)
        return book

    def quit(self) -> None:
        self.quits += 1


def _by_key(report: X.ExcelTestReport) -> dict[str, X.CheckResult]:
    return {r.key: r for r in report.results}


def test_every_check_passes_when_excel_does_what_the_headless_refresh_does(master: Path
                                                                          ) -> None:
    before = master.read_bytes()
    excel = FakeExcel()
    report = X.excel_test(master, excel)
    assert report.ok, report.text()
    assert [r.key for r in report.results] == [k for k, _ in X.CHECKS]
    book = excel.opened[0]
    assert book.macros == [X.IMPORT_MACRO, MACRO]  # Import Functions, then the button
    assert book.closed and excel.quits == 1
    assert " " in book.path.name and "-" in book.path.name  # opened under a user's kind of name
    assert book.path.parent != master.parent  # a copy, elsewhere
    assert master.read_bytes() == before  # the workbook itself is untouched
    n = sum(len(v) for v in X.mpp_formula_cells(master).values())
    assert n > 1000 and f"alle {n} MPP_*-cellen gelijk" in _by_key(report)["mpp-cellen"].detail


def test_a_number_off_by_more_than_1e9_and_an_error_cell_fail(master: Path) -> None:
    cells = X.mpp_formula_cells(master)
    values = X.file_values(master, [S.UITKOMSTEN])[S.UITKOMSTEN]
    numbers = [rc for rc in cells[S.UITKOMSTEN] if isinstance(values.get(rc), float)
               and values[rc] > 1]
    (r, c), (r2, c2) = numbers[0], numbers[-1]

    def disturb(book: FakeBook) -> None:
        v = book.cells[S.UITKOMSTEN][(r, c)]
        assert isinstance(v, float)
        book.cells[S.UITKOMSTEN][(r, c)] = v * (1 + 1e-7)  # beyond the tolerance
        book.cells[S.UITKOMSTEN][(r2, c2)] = "#NAME?"
        book.cells[S.CONTROLES][(3, 2)] = "NIET OK"

    report = X.excel_test(master, FakeExcel(disturb))
    got = _by_key(report)
    assert not report.ok
    from openpyxl.utils import get_column_letter

    ref, ref2 = f"{get_column_letter(c)}{r}", f"{get_column_letter(c2)}{r2}"
    assert got["mpp-cellen"].ok is False
    assert f"{S.UITKOMSTEN}!{ref}:" in got["mpp-cellen"].detail
    assert f"{S.UITKOMSTEN}!{ref2}:" in got["mpp-cellen"].detail
    assert got["foutwaarden"].ok is False and f"{S.UITKOMSTEN}!{ref2} #NAME?" in \
        got["foutwaarden"].detail
    assert got["controles"].ok is False and f"{S.CONTROLES}!B3" in got["controles"].detail
    assert got["validatie"].ok and got["knop"].ok and got["functies"].ok
    assert "FOUT" in report.text()


def test_a_difference_within_the_tolerance_passes(master: Path) -> None:
    cells = X.mpp_formula_cells(master)
    values = X.file_values(master, [S.UITKOMSTEN])[S.UITKOMSTEN]
    rc = next(rc for rc in cells[S.UITKOMSTEN] if isinstance(values.get(rc), float))

    def nudge(book: FakeBook) -> None:
        book.cells[S.UITKOMSTEN][rc] = book.cells[S.UITKOMSTEN][rc] * (1 + 1e-12)

    assert X.excel_test(master, FakeExcel(nudge)).ok


def test_a_missing_button_macro_fails_and_the_comparisons_are_not_run(master: Path) -> None:
    report = X.excel_test(master, FakeExcel(macros={X.IMPORT_MACRO}))
    got = _by_key(report)
    assert got["openen"].ok and got["functies"].ok
    assert got["knop"].ok is False and MACRO in got["knop"].detail
    for key in ("mpp-cellen", "validatie", "controles", "foutwaarden"):
        assert got[key].ok is None
    assert "NIET UITGEVOERD" in report.text()


def test_same_compares_numbers_relatively_and_texts_exactly() -> None:
    assert X.same(1e6, 1e6 * (1 + 5e-10)) and not X.same(1e6, 1e6 * (1 + 5e-9))
    assert X.same(0.0, 5e-10) and not X.same(0.0, 5e-9)
    assert X.same("OK", "OK ") and not X.same("OK", "NIET OK")
    assert X.same(None, "") and not X.same(None, 0.0)
    assert X.same(True, True) and not X.same(True, 1.0)


def test_without_excel_the_command_says_so_and_exits_2(master: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    if X.excel_missing_message() is None:
        pytest.skip("deze machine heeft Excel")
    before = master.read_bytes()
    assert main(["excel-test", str(master)]) == 2
    err = capsys.readouterr().err
    assert "Excel ontbreekt" in err and "Traceback" not in err
    assert master.read_bytes() == before


def test_the_command_prints_and_writes_the_report(master: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(X, "excel_missing_message", lambda: None)
    monkeypatch.setattr(X, "XlwingsExcel", FakeExcel)
    out = tmp_path / "verslag.txt"
    assert main(["excel-test", str(master), "--rapport", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.strip() == capsys.readouterr().out.strip()
    lines = [ln for ln in text.splitlines() if ln.startswith("OK")]
    assert len(lines) == len(X.CHECKS)
    monkeypatch.setattr(X, "XlwingsExcel", lambda: FakeExcel(macros=set()))
    assert main(["excel-test", str(master)]) == 1


def test_each_check_belongs_to_a_line_of_the_docs_checklist() -> None:
    text = (ROOT / "docs" / "udfs.md").read_text(encoding="utf-8")
    items = [" ".join(i.split()) for i in
             re.split(r"\n- \[ \] ", text[text.index("## Acceptatielijst Excel"):])[1:]]
    for key, opening in X.CHECKS:
        line = [i for i in items if i.startswith(opening)]
        assert len(line) == 1, opening
        assert f"`mpp excel-test` [{key}]" in line[0], (key, line[0])
    assert "`mpp excel-test WERKMAP" in text
