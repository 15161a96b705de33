"""mpp ververs: cached values agree with the engine, nothing else changes,
backups, locks, formulas in input cells."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from mpp_xl import run
from mpp_xl.analysis.scenario_order import scenario_crossings
from mpp_xl.api import read_assumptions
from mpp_xl.cli import main as cli
from mpp_xl.core.registry import PARTNERS, SHEETS
from mpp_xl.workbook.refresh_file import BACKUP_DIR, exclusive, refresh_workbook
from mpp_xl.workbook.xlsxio import col_index

from .helpers import cell_of, edit_cells

CALL = re.compile(r'^=(MPP_[A-Z0-9_]+)\((.*)\)$')
REF = re.compile(r"^\$?([A-Z]+)\$?(\d+)$")


def _grid(path: Path, sheet: str) -> list[list[object]]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(
        skip_empty_area=False)


def _mpp_cells(path: Path) -> list[tuple[str, str, str]]:
    """(sheet, cell, formula) of every MPP_ formula except MPP_MODEL, read with openpyxl."""
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("=MPP_") \
                        and not c.value.startswith("=MPP_MODEL"):
                    out.append((ws.title, c.coordinate, c.value))
    return out


def test_every_mpp_cell_equals_the_engine(refreshed_master: Path, example):
    fc = run(example)
    grids: dict[str, list[list[object]]] = {}
    cells = _mpp_cells(refreshed_master)
    assert len(cells) > 500
    for sheet, ref, formula in cells:
        if formula.upper().startswith("=MPP_BAND("):
            continue  # Monte Carlo cells: tests/workbook/test_analysis_sheets.py
        g = grids.setdefault(sheet, _grid(refreshed_master, sheet))
        m = CALL.match(formula)
        assert m, formula
        args = [a.strip() for a in m.group(2).split(",")]
        if m.group(1) == "MPP_WAARDE":
            reeks, args = args[0].strip('"'), args[1:]
        else:
            reeks = m.group(1)[4:].lower()
        rm = REF.match(args[0])
        jaar = int(g[int(rm.group(2)) - 1][col_index(rm.group(1)) - 1])
        scen = args[1].strip('"')
        r, c = REF.match(ref).groups()
        got = g[int(c) - 1][col_index(r) - 1]
        want = fc.value(reeks, jaar, scen)
        assert got == pytest.approx(want, rel=1e-12, abs=1e-9), (sheet, ref, formula)


def test_model_cell_and_checks_written(refreshed_master: Path, example):
    g = _grid(refreshed_master, "Uitkomsten")
    assert g[2][1].startswith("MPP 2024-2 · ")
    assert g[2][1].endswith(example.fingerprint()[:8])
    val = _grid(refreshed_master, "Validatie")
    # no errors; the warnings are the scenario crossings of the results (LET OP on Controles)
    assert val[2][1] == 0 and val[3][1] == len(scenario_crossings(run(example)))
    vs = _grid(refreshed_master, "Vaststelling")
    assert vs[1][1] == "concept"
    log = _grid(refreshed_master, "Logboek")
    assert [r[1] for r in log[3:] if r[1]] == ["gebouwd", "ververst"]


def _strip_cached(xml: bytes) -> bytes:
    """The sheet XML without the cached values (and type) of formula cells."""
    def fix(m: re.Match[bytes]) -> bytes:
        head = re.sub(rb'\s+t="[^"]*"', b"", m.group(1))
        return head + m.group(2)
    xml = re.sub(rb'(<c\b[^>]*>)(<f>.*?</f>)(?:<v>.*?</v>|<v\s*/>)?', fix, xml)
    return xml


def test_refresh_changes_only_cached_values_and_owned_sheets(built_master: Path,
                                                             refreshed_master: Path):
    with zipfile.ZipFile(built_master) as a, zipfile.ZipFile(refreshed_master) as b:
        assert a.namelist() == b.namelist()
        wb_xml = a.read("xl/workbook.xml")
        names = re.findall(rb'<sheet name="([^"]+)"', wb_xml)
        paths = {n.decode(): f"xl/worksheets/sheet{i}.xml" for i, n in enumerate(names, 1)}
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
        owned = {paths[s] for s in ("Validatie", "Vaststelling", "Logboek", "Bijstelling",
                                    "Realisatie", "Varianten", "Gevoeligheid")}
        formula_sheets = (*SHEETS, "Uitkomsten", "Onzekerheid", "Controles")
        charts = {n for n in a.namelist() if n.startswith("xl/charts/")}
        props = "docProps/custom.xml"  # the refresh adds the model of the stored bands
        assert set(changed) - owned - charts - {props} <= {paths[s] for s in formula_sheets}
        from mpp_xl.workbook.xlsxio import Package, custom_properties

        old_props = custom_properties(Package.open(built_master))
        new_props = custom_properties(Package.open(refreshed_master))
        assert {k: v for k, v in new_props.items() if k != "mpp_banden"} == old_props
        assert "mpp_banden" not in old_props and new_props["mpp_banden"]
        for s in formula_sheets:
            before, after = a.read(paths[s]), b.read(paths[s])
            assert _strip_cached(before) == _strip_cached(after), s
        # non-formula cells of the partner sheets are byte-identical
        for s in PARTNERS:
            plain = re.compile(rb"<c\b[^>]*?(?:/>|>(?:(?!<f>).)*?</c>)", re.S)
            assert plain.findall(a.read(paths[s])) == plain.findall(b.read(paths[s]))
        assert a.read("xl/vbaProject.bin") == b.read("xl/vbaProject.bin")
        for n in a.namelist():
            if n.startswith(("xl/drawings/", "xl/styles")):
                assert a.read(n) == b.read(n)
            if n.startswith("xl/charts/"):  # only the cached data (numCache, strCache) is new
                assert re.sub(rb"<(numCache|strCache)>.*?</\1>", b"", b.read(n)) == a.read(n)


def test_second_refresh_is_stable_and_keeps_backup(master: Path):
    before = master.read_bytes()
    refresh_workbook(master)
    backups = list((master.parent / BACKUP_DIR).glob("mpp_test.*.xlsm"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    from mpp_xl.workbook.xlsxio import Package

    new, old = Package.open(master), Package.open(backups[0])
    for s in ("Uitkomsten", *PARTNERS):  # same inputs -> same results, byte for byte
        assert new.sheet_xml(s) == old.sheet_xml(s), s
    assert new.sheet_xml("Logboek") != old.sheet_xml("Logboek")


def test_refuses_when_excel_has_it_open(master: Path, capsys: pytest.CaptureFixture[str]):
    (master.parent / f"~${master.name}").write_text("")
    before = master.read_bytes()
    assert cli(["ververs", str(master)]) == 2
    err = capsys.readouterr().err
    assert "geopend" in err and "~$" in err
    assert master.read_bytes() == before
    assert not (master.parent / BACKUP_DIR).exists()


def test_refuses_a_concurrent_refresh(master: Path, capsys: pytest.CaptureFixture[str]):
    before = master.read_bytes()
    with exclusive(master):
        assert cli(["ververs", str(master)]) == 2
    assert "al bijgewerkt" in capsys.readouterr().err
    assert master.read_bytes() == before


def test_formula_in_input_cell_without_cached_value_is_evaluated(master: Path, example):
    ref = cell_of(master, "DGM-APM", "eerste_aanvragen", "medio", col="G")  # 2025
    base = cell_of(master, "DGM-APM", "eerste_aanvragen", "medio", col="F")  # 2024
    old = next(r.waarde for r in read_assumptions(master).rows if r.cel == base
               and r.blad == "DGM-APM")
    edit_cells(master, "DGM-APM", {ref: (None, f"{base}*1.05+1")})
    a = read_assumptions(master)
    got = next(r.waarde for r in a.rows if r.blad == "DGM-APM" and r.cel == ref)
    assert got == pytest.approx(old * 1.05 + 1)
    # the refresh uses it and stores the result as the formula's cached value
    refresh_workbook(master)
    g = _grid(master, "DGM-APM")
    r_, c_ = REF.match(ref).groups()
    assert g[int(c_) - 1][col_index(r_) - 1] == pytest.approx(old * 1.05 + 1)
    fc = run(read_assumptions(master))
    assert fc.value("instroom_eerste", 2025, "medio") == pytest.approx(old * 1.05 + 1)


def test_formula_in_input_cell_uses_cached_value(master: Path):
    ref = cell_of(master, "COA", "coa_start_overig")
    from mpp_xl.workbook.xlsxio import Package, cell_xml

    pkg = Package.open(master)
    cell = next(c for c in pkg.cells("COA") if c.ref == ref)
    xml = pkg.sheet_xml("COA")
    new = cell_xml(ref, 12345.0, cell.style, "SUM(1,2)")  # a stale cache wins, as in Excel
    xml = xml[:cell.start] + new + xml[cell.end:]
    master.write_bytes(pkg.to_bytes({pkg.sheet_paths["COA"]: xml}))
    a = read_assumptions(master)
    assert next(r.waarde for r in a.rows if r.cel == ref and r.blad == "COA") == 12345.0


def test_run_accepts_a_workbook(master: Path, tmp_path: Path, example):
    out = tmp_path / "uit.csv"
    assert cli(["reken", str(master), "--csv", str(out)]) == 0
    import pandas as pd

    df = pd.read_csv(out)
    want = run(example).to_frame()
    assert len(df) == len(want)
    assert df["waarde"].to_numpy() == pytest.approx(want["waarde"].to_numpy())


def test_refresh_keeps_file_mode(master: Path):
    master.chmod(0o640)
    refresh_workbook(master)
    assert master.stat().st_mode & 0o777 == 0o640


def test_copy_without_udf_module_fails_cleanly(master: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch):
    from mpp_xl.core.problems import MppError
    from mpp_xl.workbook import package_book as R

    def boom(_: object = None) -> dict:
        raise MppError("De module met MPP-functies (mpp_udfs) is niet gevonden")

    monkeypatch.setattr(R, "load_catalogue", boom)
    before = master.read_bytes()
    with pytest.raises(MppError):
        refresh_workbook(master)
    assert master.read_bytes() == before
    shutil.rmtree(tmp_path / BACKUP_DIR, ignore_errors=True)
