"""Every validation rule on a workbook: exit 2, a Dutch message naming the
sheet and cell, and the file left byte-for-byte unchanged by a refresh."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from mpp_xl.cli import main as cli
from mpp_xl.core.registry import PARTNERS
from mpp_xl.workbook.refresh_file import BACKUP_DIR

from .helpers import cell_of, edit_cells


def _row(ref: str) -> int:
    return int(re.sub(r"[A-Z]", "", ref))


def _scen_of(path: Path, sheet: str, key: str) -> str:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return next(r[3] for r in ws.iter_rows(values_only=True) if r[0] == key)


# (rule, sheet, edit(path) -> expected cell, expected words)
def _value(sheet: str, key: str, value: object, col: str = "E", scen: str | None = None):
    def edit(p: Path) -> str:
        s = scen or _scen_of(p, sheet, key)
        ref = cell_of(p, sheet, key, s, col)
        edit_cells(p, sheet, {ref: (value, None)})
        return ref
    return edit


def _column(sheet: str, key: str, col: str, text: str, loc: str = "E"):
    def edit(p: Path) -> str:
        ref = cell_of(p, sheet, key, _scen_of(p, sheet, key), col)
        edit_cells(p, sheet, {ref: (text, None)})
        return f"{loc}{_row(ref)}"
    return edit


def _second_row_same_key(p: Path) -> str:
    ref = cell_of(p, "COA", "coa_start_overig", "alle", "A")
    edit_cells(p, "COA", {ref: ("coa_start_statushouders", None)})
    return f"E{_row(ref)}"


def _year_and_all(p: Path) -> str:
    ref = cell_of(p, "DGM-APM", "eerste_aanvragen", "medio", "E")
    edit_cells(p, "DGM-APM", {ref: (40000.0, None)})
    return ref


def _missing(p: Path) -> str:
    ref = cell_of(p, "COA", "coa_start_asielzoekers", "alle", "E")
    edit_cells(p, "COA", {ref: (None, None)})
    return ref


def _outside_horizon(p: Path) -> str:
    edit_cells(p, "Kader", {cell_of(p, "Kader", "startjaar"): (2025.0, None)})
    return "F" + str(_row(cell_of(p, "DGM-APM", "eerste_aanvragen", "min", "F")))


def _layout(p: Path) -> str:
    edit_cells(p, "Politie", {"A6": ("sleutel", None)})
    return "A6"


CASES = {
    "buiten_grenzen": ("COA", _value("COA", "snijverlies", 0.9), ("grenzen", "tussen 0 en 0,5")),
    "geen_getal": ("COA", _value("COA", "coa_start_asielzoekers", "veel"), ("geen getal",)),
    "geen_geheel_getal": ("DGM-APM", _value("DGM-APM", "nareis_vertraging_maanden", 2.5),
                          ("geheel getal",)),
    "onbekende_parameter": ("COA", _column("COA", "coa_start_overig", "A", "coa_start_xyz"),
                            ("Onbekende parameter",)),
    "onbekend_scenario": ("COA", _column("COA", "coa_start_overig", "D", "gemiddeld"),
                          ("Onbekend scenario",)),
    "jaar_bij_enkele_waarde": ("COA", _value("COA", "coa_start_overig", 100.0, col="F"),
                               ("zonder jaar",)),
    "scenario_niet_toegestaan": ("Kader", _column("Kader", "startjaar", "D", "min"),
                                 ("alle scenario",)),
    "dubbele_rij": ("COA", _second_row_same_key, ("dubbel",)),
    "jaar_en_geen_jaar": ("DGM-APM", _year_and_all,
                          ("zowel per jaar", "(Alle jaren) en F", "jaarcellen leeg")),
    "horizon": ("Kader", _value("Kader", "eindjaar", 2050.0), ("horizon",)),
    "jaar_buiten_horizon": ("DGM-APM", _outside_horizon, ("buiten de", "horizon")),
    "ontbreekt": ("COA", _missing, ("ontbreekt",)),
    "onbekende_indeling": ("Politie", _layout, ("indeling",)),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_exit_2_message_with_sheet_and_cell_file_unchanged(
        rule: str, master: Path, capsys: pytest.CaptureFixture[str]):
    sheet, edit, words = CASES[rule]
    ref = edit(master)
    assert cli(["valideer", str(master)]) == 2
    out = capsys.readouterr()
    text = out.out + out.err
    lines = [line for line in text.splitlines() if f"(regel: {rule})" in line]
    assert lines, text
    assert any(f"{sheet}!{ref}" in line for line in lines), (ref, lines)
    assert any(all(w in line for w in words) for line in lines), lines
    assert "[FOUT]" in lines[0]
    before = master.read_bytes()
    assert cli(["ververs", str(master)]) == 2
    err = capsys.readouterr().err
    assert f"{sheet}!{ref}" in err
    assert "er is niets berekend" in err
    assert master.read_bytes() == before
    assert not (master.parent / BACKUP_DIR).exists()


def test_missing_partner_sheet(master: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]):
    wb = openpyxl.load_workbook(master)
    wb.remove(wb["RvS"])
    p = tmp_path / "zonder_rvs.xlsx"
    wb.save(p)
    assert cli(["valideer", str(p)]) == 2
    err = capsys.readouterr().err
    assert "Het blad 'RvS' ontbreekt" in err and "ontbrekend_blad" in err
    assert "RvS" in PARTNERS


def test_warning_does_not_stop_the_refresh(master: Path, capsys: pytest.CaptureFixture[str]):
    ref = cell_of(master, "DGM-APM", "eerste_aanvragen", "min", "H")  # 2026 min > medio
    edit_cells(master, "DGM-APM", {ref: (99000.0, None)})
    assert cli(["valideer", str(master)]) == 0
    out = capsys.readouterr().out
    assert "[WAARSCHUWING] DGM-APM!" in out and "scenariovolgorde" in out
    assert cli(["ververs", str(master)]) == 0
    import python_calamine as pc

    g = pc.CalamineWorkbook.from_path(str(master)).get_sheet_by_name("Validatie").to_python()
    assert g[3][1] >= 1  # Waarschuwingen
    rows = [r for r in g if r and r[0] == "waarschuwing"]
    assert any(r[6] == "scenariovolgorde" and r[1] == "DGM-APM" for r in rows)
