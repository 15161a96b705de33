"""Findings of the new-user trial of the workbook commands: overwriting a
master, partner aliases, sign-off dates and replacement, non-workbook input,
and what import-partner tells the user."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from mpp_xl.cli import main as cli
from mpp_xl.core.registry import PARTNERS
from mpp_xl.workbook import sheets as S
from mpp_xl.workbook.refresh_file import refresh_workbook
from mpp_xl.workbook.signoff import status
from mpp_xl.workbook.xlsxio import Package
from tests.workbook.helpers import EXAMPLE_CSV, cell_of, edit_cells


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = cli(list(argv))
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


# --- 1. build -o EXISTING -----------------------------------------------------------
def test_build_refuses_to_overwrite_a_master_without_overschrijf(
        master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = master.read_bytes()
    rc, _, err = _run(capsys, "bouw", str(EXAMPLE_CSV), "-o", str(master))
    assert rc == 2
    assert "bestaat al" in err and "--overschrijf" in err
    assert "Traceback" not in err
    assert master.read_bytes() == before
    assert not (master.parent / ".backup").exists()


def test_build_overschrijf_keeps_the_old_master_in_backup(
        master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = master.read_bytes()
    rc, out, _ = _run(capsys, "bouw", str(EXAMPLE_CSV), "-o", str(master), "--overschrijf")
    assert rc == 0
    backups = list((master.parent / ".backup").glob("mpp_test.*.xlsm"))
    assert len(backups) == 1
    assert backups[0].read_bytes() == before
    assert backups[0].name in out
    assert master.read_bytes() != before  # a freshly built (not refreshed) workbook
    assert S.LOGBOEK in Package.open(master).sheet_paths


def test_build_into_a_missing_folder_is_a_dutch_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "bestaat_niet" / "m.xlsm"
    rc, _, err = _run(capsys, "bouw", str(EXAMPLE_CSV), "-o", str(target))
    assert rc == 2
    assert "bestaat niet" in err and "Onverwachte fout" not in err
    assert not target.parent.exists()


# --- 2. partner names ---------------------------------------------------------------
def test_partner_aliases_are_accepted_everywhere(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dtv = tmp_path / "dtv.xlsx"
    rc, _, err = _run(capsys, "exporteer-partner", str(master), "--partner", "DT&V",
                      "-o", str(dtv))
    assert rc == 0, err
    assert openpyxl.load_workbook(dtv).sheetnames == ["Toelichting", "DTV"]
    pol = tmp_path / "politie.xlsx"
    assert _run(capsys, "exporteer-partner", str(master), "--partner", "Politie/KMar",
                "-o", str(pol))[0] == 0
    rc, out, err = _run(capsys, "vaststellen", str(pol), "--partner", "kmar", "--naam", "A. B.",
                        "--datum", "2024-06-10")
    assert rc == 0, err
    assert out.startswith("Politie vastgesteld")
    rc, _, err = _run(capsys, "importeer-partner", str(master), str(dtv), "--partner", "dt&v")
    assert rc == 0, err
    rc, out, _ = _run(capsys, "status", str(master), "--partner", "coa")
    assert rc == 0
    assert "COA" in out and "IND" not in out


def test_unknown_partner_lists_the_valid_names(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["vaststellen", str(master), "--partner", "Gemeente", "--naam", "X"],
                 ["exporteer-partner", str(master), "--partner", "Gemeente", "-o",
                  str(tmp_path / "g.xlsx")],
                 ["status", str(master), "--partner", "Gemeente"]):
        rc, _, err = _run(capsys, *argv)
        assert rc == 2
        assert "Onbekende partner 'Gemeente'" in err
        assert all(p in err for p in PARTNERS)
    assert not (tmp_path / "g.xlsx").exists()


# --- 3. sign-off --datum, --vervang, fingerprint ---------------------------------------
@pytest.mark.parametrize("datum", ["2024-02-30", "15-06-2024", "2024-6-1", "20240615",
                                   "morgen"])
def test_sign_off_refuses_a_bad_date(master: Path, datum: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    before = master.read_bytes()
    rc, _, err = _run(capsys, "vaststellen", str(master), "--partner", "IND", "--naam", "X",
                      "--datum", datum)
    assert rc == 2
    assert "jjjj-mm-dd" in err and datum in err
    assert master.read_bytes() == before


def test_sign_off_over_a_valid_one_needs_vervang(
        master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "vaststellen", str(master), "--partner", "IND",
                      "--naam", "J. de Vries", "--datum", "2024-06-10")
    assert rc == 0
    fp = status(master)["partners"]["IND"]["fingerprint"]
    assert re.search(rf"vingerafdruk {fp[:8]}\b", out)
    before = master.read_bytes()
    rc, _, err = _run(capsys, "vaststellen", str(master), "--partner", "IND", "--naam", "Piet")
    assert rc == 2
    assert "J. de Vries" in err and "2024-06-10" in err and "--vervang" in err
    assert master.read_bytes() == before
    rc, _, _ = _run(capsys, "vaststellen", str(master), "--partner", "IND", "--naam", "Piet",
                    "--vervang")
    assert rc == 0
    ind = status(master)["partners"]["IND"]
    assert ind["name"] == "Piet" and ind["valid"]


def test_re_signing_a_void_sign_off_needs_no_vervang(
        master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "vaststellen", str(master), "--partner", "COA", "--naam", "A",
                "--datum", "2024-06-10")[0] == 0
    edit_cells(master, "COA", {cell_of(master, "COA", "snijverlies"): (0.1, None)})
    assert not status(master)["partners"]["COA"]["valid"]
    rc, out, err = _run(capsys, "vaststellen", str(master), "--partner", "coa", "--naam", "B")
    assert rc == 0, err
    st = status(master)["partners"]["COA"]
    assert st["valid"] and st["name"] == "B"
    assert len(st["date"]) == 10 and st["date"][4] == "-"  # today, jjjj-mm-dd


def test_partner_file_sign_off_over_a_valid_one_needs_vervang(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "COA.xlsx"
    assert _run(capsys, "exporteer-partner", str(master), "--partner", "COA", "-o", str(f))[0] == 0
    assert _run(capsys, "vaststellen", str(f), "--partner", "COA", "--naam", "A",
                "--datum", "2024-06-10")[0] == 0
    rc, _, err = _run(capsys, "vaststellen", str(f), "--partner", "COA", "--naam", "B")
    assert rc == 2 and "--vervang" in err and "A" in err
    assert _run(capsys, "vaststellen", str(f), "--partner", "COA", "--naam", "B",
                "--vervang")[0] == 0


# --- 4. a CSV where a workbook is expected ---------------------------------------------
def test_csv_instead_of_workbook_says_how_to_build_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "aannames.csv"
    shutil.copy(EXAMPLE_CSV, csv)
    for argv in (["ververs", str(csv)], ["status", str(csv)],
                 ["vaststellen", str(csv), "--partner", "IND", "--naam", "X"],
                 ["exporteer-partner", str(csv), "--partner", "IND", "-o",
                  str(tmp_path / "i.xlsx")]):
        rc, _, err = _run(capsys, *argv)
        assert rc == 2, argv
        assert "geen werkmap" in err and "mpp bouw" in err and "aannames.xlsm" in err
        assert "beschadigd" not in err
    assert csv.read_bytes() == EXAMPLE_CSV.read_bytes()


# --- 5. import-partner tells what happened ---------------------------------------------
def test_import_reports_warnings_and_voided_sign_offs(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "vaststellen", str(master), "--partner", "COA", "--naam", "J. de Vries",
                "--datum", "2024-06-10")[0] == 0
    f = tmp_path / "COA.xlsx"
    assert _run(capsys, "exporteer-partner", str(master), "--partner", "COA", "-o", str(f))[0] == 0
    edit_cells(f, "COA", {cell_of(f, "COA", "snijverlies"): (0.1, None)})
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 0, err
    assert "Vaststelling COA (J. de Vries, 2024-06-10) vervalt: de aannames zijn gewijzigd." \
        in out
    assert re.search(r"\d+ waarschuwing\(en\)", out)
    assert "Vaststelling IND" not in out
    assert not status(master)["partners"]["COA"]["valid"]


def test_import_is_not_held_up_by_changes_to_other_partners(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Replaces the Logboek-time heuristic: only a change of COA's own inputs in the
    # master since the export matters (see test_partner_staleness.py).
    f = tmp_path / "COA.xlsx"
    assert _run(capsys, "exporteer-partner", str(master), "--partner", "COA", "-o", str(f))[0] == 0
    edit_cells(f, "COA", {cell_of(f, "COA", "snijverlies"): (0.1, None)})
    edit_cells(master, "IND", {cell_of(master, "IND", "beslistermijn_maanden"): (7.0, None)})
    refresh_workbook(master, now=dt.datetime(2099, 1, 1, 12, 0, 0))
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 0, err
    assert "Let op" not in err
    assert "COA samengevoegd: 1 cel(len) gewijzigd" in out
    assert S.LOGBOEK in Package.open(master).sheet_paths


def test_import_of_a_csv_partner_file_says_how_to_export_one(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "coa.csv"
    csv.write_text("parameter,waarde\n", encoding="utf-8")
    before = master.read_bytes()
    rc, _, err = _run(capsys, "importeer-partner", str(master), str(csv), "--partner", "coa")
    assert rc == 2
    assert "geen werkmap" in err and "mpp exporteer-partner" in err and "COA.xlsx" in err
    assert master.read_bytes() == before


def test_build_onto_a_folder_is_a_dutch_error(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = _run(capsys, "bouw", str(EXAMPLE_CSV), "-o", str(tmp_path))
    assert rc == 2 and "is een map" in err
