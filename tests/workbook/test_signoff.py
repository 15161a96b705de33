"""Sign-off: valid after signing, void after an input change (live and in
the workbook after a refresh), 'vastgesteld' only with every partner valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import python_calamine as pc

from mpp_xl.api import read_assumptions
from mpp_xl.cli import main as cli
from mpp_xl.core.registry import PARTNERS
from mpp_xl.workbook.refresh_file import refresh_workbook
from mpp_xl.workbook.signoff import sign_off, status

from .helpers import cell_of, edit_cells


def _sheet(path: Path, name: str) -> list[list[object]]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python(
        skip_empty_area=False)


def test_sign_off_valid_then_void_after_change(master: Path,
                                               capsys: pytest.CaptureFixture[str]):
    assert cli(["vaststellen", str(master), "--partner", "IND", "--naam", "Jan Jansen",
                "--datum", "2024-09-30"]) == 0
    capsys.readouterr()
    assert cli(["status", str(master), "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert set(st) == {"status", "partners"} and list(st["partners"]) == list(PARTNERS)
    ind = st["partners"]["IND"]
    assert ind == {"vastgesteld": True, "geldig": True, "naam": "Jan Jansen",
                   "datum": "2024-09-30",
                   "vingerafdruk": read_assumptions(master).fingerprint("IND")}
    assert st["partners"]["COA"] == {"vastgesteld": False, "geldig": False, "naam": None,
                                     "datum": None, "vingerafdruk": None}
    assert st["status"] == "concept"
    vs = _sheet(master, "Vaststelling")
    row = next(r for r in vs if r[0] == "IND")
    assert row[1:4] == ["Jan Jansen", "2024-09-30", ind["vingerafdruk"]] and row[5] == "geldig"
    assert _sheet(master, "IND")[2][1] == "geldig"  # status in the partner's header

    # a changed IND input voids it: live in status, in the workbook after refresh
    ref = cell_of(master, "IND", "beslistermijn_maanden")
    edit_cells(master, "IND", {ref: (7.0, None)})
    st2 = status(master)
    assert st2["partners"]["IND"]["signed"] and not st2["partners"]["IND"]["valid"]
    assert _sheet(master, "Vaststelling")[S_ROW(master)][5] == "geldig"  # not yet refreshed
    refresh_workbook(master)
    row = next(r for r in _sheet(master, "Vaststelling") if r[0] == "IND")
    assert row[5] == "vervallen" and "gewijzigd" in row[6]
    assert _sheet(master, "IND")[2][1] == "vervallen"
    # another partner's change does not void IND's sign-off
    sign_off(master, "IND", "Jan Jansen")
    edit_cells(master, "COA", {cell_of(master, "COA", "snijverlies"): (0.1, None)})
    assert status(master)["partners"]["IND"]["valid"]


def S_ROW(path: Path) -> int:  # noqa: N802 - helper
    return next(i for i, r in enumerate(_sheet(path, "Vaststelling")) if r[0] == "IND")


def test_retyping_the_same_value_as_formula_keeps_it_valid(master: Path):
    sign_off(master, "COA", "Piet")
    ref = cell_of(master, "COA", "coa_start_overig")
    value = next(r.waarde for r in read_assumptions(master).rows if r.cel == ref
                 and r.blad == "COA")
    edit_cells(master, "COA", {ref: (None, f"{value}/2*2")})
    assert status(master)["partners"]["COA"]["valid"]


def test_vastgesteld_only_when_all_partners_valid(master: Path,
                                                  capsys: pytest.CaptureFixture[str]):
    for p in list(PARTNERS)[:-1]:
        sign_off(master, p, f"Contact {p}")
    assert status(master)["status"] == "concept"
    assert _sheet(master, "Vaststelling")[1][1] == "concept"
    last = list(PARTNERS)[-1]
    sign_off(master, last, "Contact BZ")
    assert status(master)["status"] == "vastgesteld"
    assert _sheet(master, "Vaststelling")[1][1] == "vastgesteld"
    assert _sheet(master, "Kader")[2][1] == "vastgesteld"
    capsys.readouterr()
    assert cli(["status", str(master)]) == 0
    assert "Status MPP: vastgesteld" in capsys.readouterr().out
    # one change -> concept again
    edit_cells(master, "BZ", {cell_of(master, "BZ", "hervestiging",
                                      _scen(master), "E"): (500.0, None)})
    assert status(master)["status"] == "concept"
    log = [r[1] for r in _sheet(master, "Logboek")[3:] if r[1]]
    assert log.count("vastgesteld") == len(PARTNERS)


def _scen(path: Path) -> str:
    import openpyxl

    ws = openpyxl.load_workbook(path, read_only=True)["BZ"]
    return next(r[3] for r in ws.iter_rows(values_only=True) if r[0] == "hervestiging")


def test_sign_off_refused_with_errors_or_unknown_partner(master: Path,
                                                         capsys: pytest.CaptureFixture[str]):
    assert cli(["vaststellen", str(master), "--partner", "XYZ", "--naam", "A"]) == 2
    assert "Onbekende partner" in capsys.readouterr().err
    edit_cells(master, "COA", {cell_of(master, "COA", "snijverlies"): (5.0, None)})
    before = master.read_bytes()
    assert cli(["vaststellen", str(master), "--partner", "COA", "--naam", "A"]) == 2
    assert master.read_bytes() == before
