"""Partner files: export, sign-off in the file, import with checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from mpp_xl.api import read_assumptions
from mpp_xl.cli import main as cli
from mpp_xl.workbook.signoff import status

from .helpers import cell_of, edit_cells


@pytest.fixture
def coa_file(master: Path, tmp_path: Path) -> Path:
    out = tmp_path / "COA.xlsx"
    assert cli(["exporteer-partner", str(master), "--partner", "COA", "-o", str(out)]) == 0
    return out


def test_export_has_only_the_partner_sheet(coa_file: Path, master: Path):
    wb = openpyxl.load_workbook(coa_file)
    assert wb.sheetnames == ["Toelichting", "COA"]
    rows = read_assumptions(master).rows
    mine = sorted((r.parameter, str(r.scenario), r.jaar, r.waarde) for r in rows
                  if r.blad == "COA")
    from mpp_xl.workbook.reader import read_blocks, rows_from_blocks

    back = rows_from_blocks(read_blocks(coa_file.read_bytes(), "COA.xlsx", ("COA",)))
    assert sorted((r.parameter, str(r.scenario), r.jaar, r.waarde) for r in back) == mine
    ws = wb["COA"]
    assert not any(isinstance(c.value, str) and "MPP_" in c.value
                   for row in ws.iter_rows() for c in row)


def test_import_merges_inputs_and_sign_off(coa_file: Path, master: Path,
                                           capsys: pytest.CaptureFixture[str]):
    ref = cell_of(coa_file, "COA", "snijverlies")
    edit_cells(coa_file, "COA", {ref: (0.2, None)})
    assert cli(["vaststellen", str(coa_file), "--partner", "COA", "--naam", "Piet"]) == 0
    before = read_assumptions(master)
    assert cli(["importeer-partner", str(master), str(coa_file)]) == 0
    assert "overgenomen" in capsys.readouterr().out
    after = read_assumptions(master)
    got = next(r.waarde for r in after.rows if r.blad == "COA" and r.cel == ref)
    assert got == 0.2
    assert after.fingerprint("IND") == before.fingerprint("IND")
    st = status(master)["partners"]["COA"]
    assert st["valid"] and st["name"] == "Piet"
    assert st["fingerprint"] == after.fingerprint("COA")


def test_sign_off_in_file_not_matching_is_not_taken(coa_file: Path, master: Path):
    assert cli(["vaststellen", str(coa_file), "--partner", "COA", "--naam", "Piet"]) == 0
    ref = cell_of(coa_file, "COA", "snijverlies")
    edit_cells(coa_file, "COA", {ref: (0.25, None)})  # changed after signing
    assert cli(["importeer-partner", str(master), str(coa_file)]) == 0
    assert not status(master)["partners"]["COA"]["signed"]


def test_wrong_partner_refused(coa_file: Path, master: Path,
                               capsys: pytest.CaptureFixture[str]):
    before = master.read_bytes()
    assert cli(["importeer-partner", str(master), str(coa_file), "--partner", "IND"]) == 2
    assert "niet van IND" in capsys.readouterr().err
    assert master.read_bytes() == before


def test_different_parameter_set_refused(coa_file: Path, master: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]):
    ref = cell_of(coa_file, "COA", "snijverlies", col="D")
    edit_cells(coa_file, "COA", {ref: ("max", None)})
    before = master.read_bytes()
    assert cli(["importeer-partner", str(master), str(coa_file)]) == 2
    assert "andere set parameters" in capsys.readouterr().err
    assert master.read_bytes() == before


def test_import_with_errors_refused(coa_file: Path, master: Path,
                                    capsys: pytest.CaptureFixture[str]):
    edit_cells(coa_file, "COA", {cell_of(coa_file, "COA", "snijverlies"): (3.0, None)})
    before = master.read_bytes()
    assert cli(["importeer-partner", str(master), str(coa_file)]) == 2
    assert "COA!" in capsys.readouterr().err
    assert master.read_bytes() == before


def test_export_of_a_partner_file_refused(coa_file: Path, tmp_path: Path):
    shutil.copy(coa_file, tmp_path / "c2.xlsx")
    assert cli(["exporteer-partner", str(tmp_path / "c2.xlsx"), "--partner", "COA",
                "-o", str(tmp_path / "c3.xlsx")]) == 2
