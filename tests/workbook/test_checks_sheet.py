"""The Controles sheet: corkscrew checks of every stock on Uitkomsten and the
master check (FAST Standard). The refreshed example passes; a corrupted
outcome value makes its check FOUT and the master check NIET OK, both with the
refresh's own evaluator and with LibreOffice's recalculation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import python_calamine as pc

from mpp_xl.workbook import sheets as S
from mpp_xl.workbook.evaluate import Evaluator
from mpp_xl.workbook.xlsxio import Package, col_letter, set_cells, split_ref

from .test_libreoffice import _soffice

STOCKS = ("ind_werkvoorraad", "rvdr_asiel_voorraad", "rvs_asiel_voorraad", "coa_bezetting",
          "dtv_caseload", "nidos_caseload")
COMPOSITION = "coa_bezetting (samenstelling)"
SENTINEL = -424242.0


def _grid(path: Path, sheet: str) -> list[list[object]]:
    wb = pc.CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _checks(grid: list[list[object]]) -> dict[str, list[object]]:
    """Check rows below the header 'Controle': key -> [omschrijving, afwijking,
    tolerantie, status] (read from the sheet, not from the builder)."""
    head = next(i for i, r in enumerate(grid) if r and r[0] == "Controle")
    out = {}
    for r in grid[head + 1:]:
        if not r or r[0] in ("", None):
            break
        out[str(r[0])] = list(r[1:5])
    return out


def _master(grid: list[list[object]]) -> object:
    row = next(r for r in grid if r and r[0] == "Modelcontrole")
    return row[1]


def _stock_cell(path: Path, reeks: str, scen_col: str = "C", k: int = 2) -> str:
    """The Uitkomsten cell of ``reeks``'s k-th date (0-based) in a scenario
    column (C = medio), found through the grey key in column F of its title row."""
    grid = _grid(path, S.UITKOMSTEN)
    title = next(i for i, r in enumerate(grid) if len(r) > 5 and r[5] == reeks)
    assert grid[title + 1][0] == "Jaar"
    return f"{scen_col}{title + 1 + 2 + k}"  # 1-based: title row + header row + k


def test_refreshed_example_passes_every_check(refreshed_master: Path):
    checks = _checks(_grid(refreshed_master, S.CONTROLES))
    assert set(checks) == {*STOCKS, COMPOSITION}
    for key, (text, dev, tol, status) in checks.items():
        assert isinstance(dev, float) and 0 <= dev < 1e-6, (key, dev)
        assert tol == 0.5, key
        assert status == "OK", key
        assert "stand 1 jan" in text or key == COMPOSITION, key
    assert _master(_grid(refreshed_master, S.CONTROLES)) == "OK"
    for sheet in (S.UITKOMSTEN, S.VALIDATIE):  # shown at the top (B2) as well
        grid = _grid(refreshed_master, sheet)
        assert grid[1][:2] == ["Modelcontrole", "OK"], sheet


def test_checks_are_native_formulas_on_the_uitkomsten_tables(refreshed_master: Path):
    pkg = Package.open(refreshed_master)
    texts = [pkg.formula_text(S.CONTROLES, c) for c in pkg.cells(S.CONTROLES) if c.formula]
    sums = [t for t in texts if "SUMPRODUCT(MAX(ABS(" in t.upper()]
    assert len(sums) == len(STOCKS) + 1
    for t in texts:
        assert "MPP_" not in t.upper() and "{" not in t and "[" not in t, t
        assert not re.search(r"OFFSET|SEQUENCE|INDIRECT", t.upper()), t
    assert all(t.count("Uitkomsten!") >= 3 for t in sums)
    # the master check and its copies reference the check cells and the error count
    master = next(pkg.formula_text(S.CONTROLES, c) for c in pkg.cells(S.CONTROLES)
                  if c.ref == S.CTRL_MASTER_CELL)
    assert "COUNTIF" in master.upper() and "Validatie!$B$3" in master
    for sheet in (S.UITKOMSTEN, S.VALIDATIE):
        cell = next(c for c in pkg.cells(sheet) if c.ref == S.CTRL_SHOWN_CELL)
        assert pkg.formula_text(sheet, cell).lstrip("=") == S.CTRL_MASTER_REF


def _native_model(path: Path, corrupt: dict[tuple[str, str], object]
                  ) -> dict[tuple[str, int, int], object]:
    """Evaluate the native formulas of a refreshed workbook with the refresh's
    evaluator, MPP_* cells taken as their cached values, after replacing some
    cells' values (``corrupt``: (sheet, ref) -> value, formula dropped)."""
    pkg = Package.open(path)
    values: dict[tuple[str, int, int], object] = {}
    formulas: dict[tuple[str, int, int], str] = {}
    for sheet in pkg.sheet_paths:
        for c in pkg.cells(sheet):
            key = (sheet, c.row, c.col)
            values[key] = c.value
            if c.formula is not None:
                text = pkg.formula_text(sheet, c)
                if "MPP_" not in text.upper():
                    formulas[key] = text
    for (sheet, ref), v in corrupt.items():
        r, c = split_ref(ref)
        assert (sheet, r, c) in values, (sheet, ref)
        values[(sheet, r, c)] = v
        formulas.pop((sheet, r, c), None)
    ev = Evaluator(values, formulas, {}, pkg.sheet_paths)
    return ev.evaluate_all()


def _check_values(res: dict[tuple[str, int, int], object], path: Path
                  ) -> tuple[dict[str, tuple[object, object]], object]:
    """key -> (afwijking, status) and the master check, from evaluator results
    (rows and columns located through the cached sheet)."""
    grid = _grid(path, S.CONTROLES)
    head = next(i for i, r in enumerate(grid) if r and r[0] == "Controle")
    cols = {h: j + 1 for j, h in enumerate(grid[head]) if h}
    out = {}
    for i in range(head + 1, len(grid)):
        key = grid[i][0]
        if not key:
            break
        out[key] = (res[(S.CONTROLES, i + 1, cols["Max. afwijking"])],
                    res[(S.CONTROLES, i + 1, cols["Status"])])
    m = next(i for i, r in enumerate(grid) if r and r[0] == "Modelcontrole")
    return out, res[(S.CONTROLES, m + 1, 2)]


def test_unchanged_values_reevaluate_to_ok(refreshed_master: Path):
    res = _native_model(refreshed_master, {})
    checks, master = _check_values(res, refreshed_master)
    assert master == "OK"
    assert all(s == "OK" and dev < 1e-6 for dev, s in checks.values()), checks


@pytest.mark.parametrize("reeks", ["dtv_caseload", "coa_asielzoekers", "dtv_vertrek"])
def test_corrupted_value_makes_its_check_fail(refreshed_master: Path, reeks: str):
    ref = _stock_cell(refreshed_master, reeks)
    old = _grid(refreshed_master, S.UITKOMSTEN)[split_ref(ref)[0] - 1][split_ref(ref)[1] - 1]
    assert isinstance(old, float)
    res = _native_model(refreshed_master, {(S.UITKOMSTEN, ref): old + 10.0})
    checks, master = _check_values(res, refreshed_master)
    failing = {"dtv_caseload": "dtv_caseload", "dtv_vertrek": "dtv_caseload",
               "coa_asielzoekers": COMPOSITION}[reeks]
    dev, status = checks[failing]
    assert dev == pytest.approx(10.0, abs=1e-6)
    assert status == "FOUT"
    assert all(s == "OK" for k, (_, s) in checks.items() if k != failing), checks
    assert master == "NIET OK"
    r, c = split_ref(S.CTRL_SHOWN_CELL)
    assert res[(S.UITKOMSTEN, r, c)] == res[(S.VALIDATIE, r, c)] == "NIET OK"


def test_deviation_within_tolerance_stays_ok(refreshed_master: Path):
    ref = _stock_cell(refreshed_master, "nidos_caseload")
    r, c = split_ref(ref)
    old = _grid(refreshed_master, S.UITKOMSTEN)[r - 1][c - 1]
    res = _native_model(refreshed_master, {(S.UITKOMSTEN, ref): old + 0.3})
    checks, master = _check_values(res, refreshed_master)
    assert checks["nidos_caseload"][0] == pytest.approx(0.3, abs=1e-6)
    assert checks["nidos_caseload"][1] == "OK" and master == "OK"


def test_errors_on_validatie_make_the_master_check_fail(refreshed_master: Path):
    res = _native_model(refreshed_master, {(S.VALIDATIE, S.VAL_ERRORS_CELL): 1.0})
    checks, master = _check_values(res, refreshed_master)
    assert all(s == "OK" for _, s in checks.values())
    assert master == "NIET OK"


@pytest.mark.libreoffice
def test_libreoffice_recalculation_detects_the_corruption(refreshed_master: Path,
                                                         tmp_path: Path):
    """Independent of our evaluator: a copy with MPP_* cells as values, one
    outcome corrupted and the Controles results poisoned; LibreOffice
    recalculates them."""
    ref = _stock_cell(refreshed_master, "ind_werkvoorraad", scen_col="D", k=3)
    r, c = split_ref(ref)
    old = _grid(refreshed_master, S.UITKOMSTEN)[r - 1][c - 1]
    pkg = Package.open(refreshed_master)
    replaced: dict[str, bytes] = {}
    for sheet, part in pkg.sheet_paths.items():
        xml = pkg.sheet_xml(sheet)
        if sheet == S.UITKOMSTEN:
            xml = set_cells(xml, pkg.cells(sheet), {ref: (old - 25.0, None)})
        xml = re.sub(rb"<f>MPP_[^<]*</f>", b"", xml)
        if sheet == S.CONTROLES:
            xml = re.sub(rb"(<c\b[^>]*?)\s+t=\"[^\"]*\"([^>]*>)(<f>[^<]*</f>)<v>[^<]*</v>",
                         rb"\1\2\3<v>" + str(SENTINEL).encode() + b"</v>", xml)
            xml = re.sub(rb"(<c\b[^>]*>)(<f>[^<]*</f>)<v>[^<]*</v>",
                         rb"\1\2<v>" + str(SENTINEL).encode() + b"</v>", xml)
        replaced[part] = xml
    src = tmp_path / "kapot.xlsx"
    src.write_bytes(pkg.to_bytes(replaced))
    out = _soffice(tmp_path, src, "xlsx:Calc MS Excel 2007 XML", recalc=True)
    grid = _grid(out, S.CONTROLES)
    checks = _checks(grid)
    assert checks["ind_werkvoorraad"][1] == pytest.approx(25.0, abs=1e-6)
    assert checks["ind_werkvoorraad"][3] == "FOUT"
    assert all(v[3] == "OK" and v[1] < 1e-6 for k, v in checks.items()
               if k != "ind_werkvoorraad"), checks
    assert _master(grid) == "NIET OK"
    assert _grid(out, S.UITKOMSTEN)[1][1] == "NIET OK"
    assert col_letter(c) == "D"


def test_scenario_order_signals_count_the_years_the_engine_crosses(tmp_path: Path) -> None:
    """Controles lists, per Uitkomsten table, the years with min > medio or
    medio > max; the counts equal those of the engine's own figures, and a
    crossing is a signal (LET OP) that leaves the master check OK."""
    import python_calamine as pc

    from mpp_xl import read_assumptions, run
    from mpp_xl.cli import main
    from mpp_xl.workbook import sheets as S
    from tests.conftest import EXAMPLE_CSV

    wb = tmp_path / "x.xlsm"
    assert main(["bouw", str(EXAMPLE_CSV), "-o", str(wb)]) == 0
    assert main(["ververs", str(wb)]) == 0
    rows = pc.CalamineWorkbook.from_path(str(wb)).get_sheet_by_name(S.CONTROLES).to_python()
    start = next(i for i, r in enumerate(rows) if r[0] == S.ORDER_TITLE)
    signals = {r[0]: (r[2], r[4]) for r in rows[start + 3:] if r[0]}
    fc = run(read_assumptions(EXAMPLE_CSV))
    assert len(signals) >= 30
    crossing = 0
    for key, (count, status) in signals.items():
        a = fc.data[key]
        margin = 0.0005 if "aandeel" in key else 0.5
        expected = int(((a[0] > a[1] + margin) | (a[1] > a[2] + margin)).sum())
        assert count == expected, key
        assert status == ("OK" if expected == 0 else S.ORDER_SIGNAL), key
        crossing += expected > 0
    assert crossing > 0  # the calibrated example has crossing scenarios (e.g. IND capacity)
    assert rows[2][1] == "OK"  # signals do not fail the Modelcontrole
