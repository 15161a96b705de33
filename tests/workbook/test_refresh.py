"""The pieces of the one refresh (mpp_xl.workbook.refresh): the user
lookup, formulas versus text, the package book's reads and writes, and
structure problems on the Excel path."""

from __future__ import annotations

import copy
import datetime as dt
import getpass
from pathlib import Path
from typing import Any

import pytest

from mpp_xl.core.problems import ValidationError
from mpp_xl.workbook import refresh as core
from mpp_xl.workbook import sheets as S
from mpp_xl.workbook.excel_book import FakeBook, XlwingsBook, refresh
from mpp_xl.workbook.package_book import PackageBook
from mpp_xl.workbook.refresh_file import refresh_bytes
from mpp_xl.workbook.xlsxio import Package

from .helpers import cell_of, edit_cells

NOW = dt.datetime(2030, 1, 2, 3, 4, 5)


# --- the one user lookup ------------------------------------------------------------
def test_user_explicit_then_request_then_os(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "os-account")
    headers = {core.USER_HEADER: "Jansen (IND)"}
    assert core.current_user("  De Vries ", headers) == "De Vries"
    assert core.current_user(None, headers) == "Jansen (IND)"
    assert core.current_user(None, {"authorization": "Bearer x"}) == core.UNKNOWN_REQUEST_USER
    assert core.current_user() == "os-account"
    assert core.current_user("  ") == "os-account"


def test_user_without_any_name(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> str:
        raise KeyError("no user")

    monkeypatch.setattr(getpass, "getuser", fail)
    assert core.current_user() == core.UNKNOWN_USER
    # a server never falls back to its own account, named or not
    monkeypatch.setattr(getpass, "getuser", lambda: "server-account")
    assert core.current_user(None, {}) == core.UNKNOWN_REQUEST_USER


# --- formulas are explicit; text stays text -----------------------------------------
def test_text_that_looks_like_a_formula_gets_the_quote_prefix() -> None:
    assert core.as_text_input(core.Formula('=COUNTIF(A8:A9,"fout")')) == \
        '=COUNTIF(A8:A9,"fout")'
    for text in ("=HYPERLINK(\"x\")", "+31 20", "-geen-", "@SUM(A1)"):
        assert core.as_text_input(text) == "'" + text
    assert core.as_text_input("Jansen") == "Jansen" and core.as_text_input(2.5) == 2.5


class _Range:
    def __init__(self, log: list[Any]) -> None:
        self.log = log

    @property
    def value(self) -> Any:
        return None

    @value.setter
    def value(self, v: Any) -> None:
        self.log.append(v)


class _Sheet:
    def __init__(self, log: list[Any]) -> None:
        self.log = log

    def range(self, *a: Any) -> _Range:
        return _Range(self.log)


class _Book:
    def __init__(self) -> None:
        self.log: list[Any] = []
        self.sheets = {"Logboek": _Sheet(self.log)}


def test_xlwings_book_writes_formulas_and_quotes_formula_like_text() -> None:
    xb = _Book()
    XlwingsBook(xb).write("Logboek", 4, 1, [[core.Formula("=1+1"), "=HYPERLINK(1)", "x"]])
    assert xb.log == [[["=1+1", "'=HYPERLINK(1)", "x"]]]
    assert type(xb.log[0][0][0]) is str  # a plain text for COM, not the marker class


def test_sign_off_name_like_a_formula_stays_text_in_the_package(master: Path) -> None:
    from mpp_xl.workbook.reader import read_workbook_assumptions as read_assumptions

    a = read_assumptions(master)
    so = core.SignOff("COA", "=HYPERLINK(\"http://x\")", "2030-01-02", a.fingerprint("COA"))
    data, res = refresh_bytes(master.read_bytes(), master.name, now=NOW,
                              signoffs={"COA": so})
    assert res.partners["COA"]["valid"] is True
    pkg = Package(data, "x")
    cell = next(c for c in pkg.cells(S.VASTSTELLING)
                if (c.row, c.col) == (S.VS_ROWS["COA"], 2))
    assert cell.formula is None and cell.value == so.name


# --- the package book ---------------------------------------------------------------
def test_package_book_reads_its_own_writes_and_evaluates_uncached_inputs(master: Path
                                                                         ) -> None:
    ref = cell_of(master, "IND", "ind_werkvoorraad_start_eerste")
    book = PackageBook(master.read_bytes(), master.name)
    row, col = next((c.row, c.col) for c in book.pkg.cells("IND") if c.ref == ref)
    before = book.read("IND")[row - 1][col - 1]
    assert isinstance(before, float)
    # a formula without a cached value (a file written by another tool) counts with its result
    edit_cells(master, "IND", {ref: (None, f"{before}*2")})
    book = PackageBook(master.read_bytes(), master.name)
    assert book.read("IND")[row - 1][col - 1] == pytest.approx(before * 2)
    # writes are visible to later reads, as in Excel; nothing changes before to_bytes
    book.write(S.LOGBOEK, 40, 2, [["x", None]])
    assert book.read(S.LOGBOEK)[39][1] == "x"
    assert book.pkg.sheet_xml(S.LOGBOEK) == Package(master.read_bytes(), "m").sheet_xml(
        S.LOGBOEK)
    with pytest.raises(Exception, match="nog niet doorgerekend"):
        book.to_bytes()


def test_package_path_refuses_errors_without_writing(master: Path) -> None:
    ref = cell_of(master, "IND", "ind_werkvoorraad_start_eerste")
    edit_cells(master, "IND", {ref: ("veel", None)})
    book = PackageBook(master.read_bytes(), master.name)
    with pytest.raises(ValidationError) as e:
        core.refresh(book, now=NOW, refuse_errors=True)
    assert [(p.blad, p.cel) for p in e.value.problems if p.is_error] == [("IND", ref)]
    assert book.edits == {}


# --- structure problems on the Excel path -------------------------------------------
def test_excel_path_lists_a_missing_parameter_sheet_on_validatie(master: Path) -> None:
    full = FakeBook.from_xlsx(master)
    cells = {s: [[full.cells[s].get((r, c)) for c in range(1, 12)] for r in range(1, 30)]
             for s in full.sheet_names() if s != "IND"}
    book = FakeBook(copy.deepcopy(cells))
    res = refresh(book, now=NOW)
    assert res.n_errors == 1 and res.state == S.STATE_DRAFT
    val = book.cells[S.VALIDATIE]
    first = S.VAL_HEADER_ROW + 1
    assert (val[(first, 1)], val[(first, 2)], val[(first, 7)]) == \
        ("fout", "IND", "ontbrekend_blad")
    log = book.cells[S.LOGBOEK]
    last = max(r for r, c in log if c == 2)
    assert log[(last, 2)] == core.ACTION_REFUSED
