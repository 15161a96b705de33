"""``mpp valideer`` on a partner's own file validates just that partner, with
the same messages the master gives; scenario crossings of the results agree
with the Controles sheet (LET OP)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import python_calamine as pc

from mpp_xl import read_assumptions, run
from mpp_xl.analysis.scenario_order import crossing_years, scenario_crossings
from mpp_xl.cli import main
from mpp_xl.workbook import sheets as S
from tests.workbook.helpers import cell_of, edit_cells


def _series_of(melding: str) -> str:
    """The series key in a crossing message ('Label (key): de scenario's kruisen ...')."""
    m = re.search(r"\(([a-z0-9_]+)\): de scenario's kruisen", melding)
    assert m, melding
    return m.group(1)


def _export(master: Path, partner: str, tmp_path: Path) -> Path:
    out = tmp_path / f"{partner}.xlsx"
    assert main(["exporteer-partner", str(master), "--partner", partner, "-o", str(out)]) == 0
    return out


def test_valideer_a_partner_file_checks_only_that_partner(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pfile = _export(master, "COA", tmp_path)
    capsys.readouterr()
    assert main(["valideer", str(pfile)]) == 0
    out = capsys.readouterr().out
    assert "partnerbestand van COA" in out and "0 fout(en)" in out
    assert "ontbreekt" not in out and "blad" not in out.split("\n", 1)[1]


def test_a_partner_file_error_is_reported_as_the_master_would(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ref = cell_of(master, "COA", "coa_start_overig")
    edit_cells(master, "COA", {ref: (-5.0, None)})  # below the bound 0
    pfile = _export(master, "COA", tmp_path)
    capsys.readouterr()
    assert main(["valideer", str(pfile)]) == 2
    out = capsys.readouterr().out
    assert "1 fout(en)" in out and f"COA!{ref}" in out and "coa_start_overig" in out
    # the same error, word for word, as validating the master
    master_errors = [p.as_text() for p in read_assumptions(master).validate()
                     if p.is_error and p.blad == "COA"]
    assert master_errors and all(text in out for text in master_errors)


def test_crossings_agree_with_the_controles_sheet(refreshed_master: Path) -> None:
    """The refresh evaluates the Controles formulas on Uitkomsten; the pure
    function on the engine results must flag the same series and years."""
    wb = pc.CalamineWorkbook.from_path(str(refreshed_master))
    rows = wb.get_sheet_by_name(S.CONTROLES).to_python(skip_empty_area=False)
    head = next(i for i, r in enumerate(rows) if r and r[0] == S.ORDER_TITLE) + 2
    counted = {}
    for r in rows[head + 1:]:
        if not r or r[0] in ("", None):
            break
        counted[str(r[0])] = (int(r[2]), r[4])
    fc = run(read_assumptions(refreshed_master))
    assert counted, "no scenario-order rows on Controles"
    for key, (n, status) in counted.items():
        low, high = crossing_years(fc, key)
        assert len(set(low) | set(high)) == n, key
        assert (status == S.ORDER_SIGNAL) == bool(low or high), key
    flagged = {_series_of(p.melding) for p in scenario_crossings(fc)}
    assert flagged == {k for k, (n, _) in counted.items() if n > 0}


def test_a_workbook_without_master_sheets_or_one_partner_is_checked_as_a_master(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not a partner file (no partner sheet at all): the master's messages
    about missing sheets, not a partner-file message."""
    import openpyxl

    p = tmp_path / "leeg.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Iets"
    wb.save(p)
    assert main(["valideer", str(p)]) == 2
    out = capsys.readouterr()
    text = out.out + out.err
    assert "partnerbestand van" not in text and "IND" in text


def test_headless_validatie_sheet_lists_the_crossings_like_valideer(
        refreshed_master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The Validatie sheet of a headless refresh, `mpp valideer` and the
    model cache (MPP_VALIDATIE, the Excel button) give the same warnings."""
    from mpp_xl.analysis import model_cache

    wb = pc.CalamineWorkbook.from_path(str(refreshed_master))
    rows = wb.get_sheet_by_name(S.VALIDATIE).to_python(skip_empty_area=False)
    sheet = {str(r[7]) for r in rows[S.VAL_HEADER_ROW:]
             if len(r) > 7 and r[6] == "scenario_kruising"}
    assert main(["valideer", str(refreshed_master)]) == 0
    cli = {ln[len("[WAARSCHUWING] "):].rsplit(" (regel: ", 1)[0]
           for ln in capsys.readouterr().out.splitlines() if "(regel: scenario_kruising)" in ln}
    model_cache.clear()
    entry = model_cache.model_from_assumptions(read_assumptions(refreshed_master),
                                               make_current=False)
    cache = {p.melding for p in entry.problems if p.regel == "scenario_kruising"}
    assert sheet and sheet == cli == cache
