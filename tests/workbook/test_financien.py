"""The sheet Financiën after ``mpp ververs``: FIN's prices, the budget block
(P67, P87,5, risk margin, partner P67s with COA's emergency part) and its chart,
checked against an independent Monte Carlo run; and a master without prices,
which works as before."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from mpp_xl.analysis.uncertainty import simulate
from mpp_xl.core.assumptions import Assumptions
from mpp_xl.core.registry import COST_KEYS, FINANCIEN, PARTNERS, PRICE_KEYS
from mpp_xl.core.series import COST_SERIES, NO_PRICES
from mpp_xl.workbook.builder import build
from mpp_xl.workbook.refresh_file import refresh_workbook
from mpp_xl.workbook.sheets import financien

HEAD = financien.COLUMNS[0][0]


def _block(path: Path) -> tuple[dict[int, list[object]], str]:
    """{jaar: [the COLUMNS' values]} and the status line, found by the header text."""
    ws = openpyxl.load_workbook(path, data_only=True)[FINANCIEN]
    hit = next(c for row in ws.iter_rows() for c in row if c.value == HEAD)
    r, c = hit.row, hit.column - 1  # the Jaar column
    assert ws.cell(r, c).value == "Jaar"
    out: dict[int, list[object]] = {}
    while isinstance(ws.cell(r + 1, c).value, int):
        r += 1
        out[ws.cell(r, c).value] = [ws.cell(r, c + 1 + j).value
                                    for j in range(len(financien.COLUMNS))]
    return out, ws.cell(hit.row - 1, c - 1).value


def test_financien_is_a_partner_sheet_of_fin(refreshed_master: Path) -> None:
    assert FINANCIEN in PARTNERS and PARTNERS[FINANCIEN].startswith("FIN")
    wb = openpyxl.load_workbook(refreshed_master, read_only=True)
    names = wb.sheetnames
    assert names.index(FINANCIEN) == names.index("BZ") + 1  # after the partners, before Uitkomsten
    keys = [row[0] for row in wb[FINANCIEN].iter_rows(min_row=7, max_col=1, values_only=True)
            if row[0]]
    assert keys == list(PRICE_KEYS)
    vs = [row[0] for row in wb["Vaststelling"].iter_rows(max_col=1, values_only=True)]
    assert FINANCIEN in vs  # FIN signs off like every partner


def test_budget_block_equals_an_independent_monte_carlo_run(
        refreshed_master: Path, example: Assumptions) -> None:
    block, status = _block(refreshed_master)
    assert status.startswith("Kosten berekend")
    res = example.resolve()
    assert sorted(block) == list(res.years)
    bands = simulate(res, percentiles=[67, 87.5])  # the Kader settings, as MPP_BAND
    for y, vals in block.items():
        want = {h: bands.value(k, y, p) for h, k, p in financien.COLUMNS if k}
        got = dict(zip((h for h, _, _ in financien.COLUMNS), vals, strict=True))
        for h, v in want.items():
            assert got[h] == pytest.approx(v, rel=1e-9), (y, h)
        assert got["Risicomarge (P87,5 − P67)"] == pytest.approx(
            got["Bovengrens (P87,5)"] - got["Begroting medio (P67)"])
        assert got["Risicomarge (P87,5 − P67)"] > 0
        assert 0 < got["waarvan noodopvang (P67)"] <= got["COA (P67)"]


def test_budget_chart_on_the_sheet(refreshed_master: Path) -> None:
    with zipfile.ZipFile(refreshed_master) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        texts = [z.read(n).decode() for n in charts]
    mine = [t for t in texts if "begroting (P67)" in t]
    assert len(mine) == 1
    assert "Financiën" in mine[0] and "noodopvang" in mine[0]  # refers to the block


@pytest.fixture(scope="module")
def bare_master(tmp_path_factory: pytest.TempPathFactory, example: Assumptions) -> Path:
    """The example without any cost parameter, built and refreshed."""
    bare = example.with_rows(r for r in example.rows if r.parameter not in COST_KEYS)
    p = build(bare, tmp_path_factory.mktemp("zonder") / "zonder.xlsm")
    assert refresh_workbook(p).n_errors == 0
    return p


def test_without_prices_the_master_works_as_before(
        bare_master: Path, refreshed_master: Path) -> None:
    p = bare_master
    block, status = _block(p)
    assert status.startswith(NO_PRICES)
    for vals in block.values():
        assert all(isinstance(v, str) and v.startswith(NO_PRICES)
                   for v in vals if v not in (None, "")), vals
    # every other figure on Uitkomsten is the same as in the priced master
    a = openpyxl.load_workbook(p, data_only=True)["Uitkomsten"]
    b = openpyxl.load_workbook(refreshed_master, data_only=True)["Uitkomsten"]
    numbers = cost_msgs = 0
    for ra, rb in zip(a.iter_rows(min_row=7), b.iter_rows(min_row=7), strict=False):
        for ca, cb in zip(ra, rb, strict=False):
            if isinstance(ca.value, str) and ca.value.startswith(NO_PRICES):
                cost_msgs += 1
                assert isinstance(cb.value, float)
            elif isinstance(ca.value, float):
                numbers += 1
                assert ca.value == pytest.approx(cb.value, rel=1e-12)
    n_years = len(block)
    assert cost_msgs == 3 * n_years * len(COST_SERIES)  # min/medio/max of every cost table
    assert numbers > 600


def test_a_master_from_before_the_costs_reads_but_asks_for_a_rebuild(
        tmp_path: Path, built_master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mpp_xl.cli import main

    wb = openpyxl.load_workbook(built_master)
    del wb[FINANCIEN]
    coa = wb["COA"]  # and no regular capacity: a master as it was before the costs
    for row in coa.iter_rows(min_row=7):
        if row[0].value == "coa_reguliere_capaciteit":
            for c in row[4:10]:
                c.value = None
    old = tmp_path / "oud.xlsx"
    wb.save(old)
    before = old.read_bytes()
    assert main(["ververs", str(old)]) == 2
    err = capsys.readouterr().err
    assert "vóór de kostenraming" in err and "mpp bouw" in err and "Traceback" not in err
    assert old.read_bytes() == before  # nothing written
    assert main(["reken", str(old)]) == 0  # read as a master without prices
    assert NO_PRICES in capsys.readouterr().out
    new = tmp_path / "nieuw.xlsm"
    assert main(["bouw", str(old), "-o", str(new)]) == 0
    assert FINANCIEN in openpyxl.load_workbook(new, read_only=True).sheetnames


@pytest.mark.parametrize(("which", "partner"), [("bare", "COA"), ("bare", FINANCIEN),
                                                  ("priced", "COA"), ("priced", FINANCIEN)])
def test_partner_files_judge_all_or_none_on_their_own_sheet(
        tmp_path: Path, bare_master: Path, refreshed_master: Path, which: str, partner: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """COA's file without capacity, FIN's without prices, and both with: no error
    about the other sheet's cost parameters (they are not in the file)."""
    from mpp_xl.cli import main

    src = bare_master if which == "bare" else refreshed_master
    out = tmp_path / f"{partner}.xlsx"
    assert main(["exporteer-partner", str(src), "--partner", partner, "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["valideer", str(out)]) == 0
    assert "0 fout(en)" in capsys.readouterr().out


def test_price_messages_name_the_sheet_and_cell(master: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from mpp_xl.cli import main
    from tests.workbook.helpers import cell_of, edit_cells

    neg = cell_of(master, FINANCIEN, "prijs_dtv", col="G")  # 2025
    low = cell_of(master, FINANCIEN, "prijs_coa_noodopvang", col="H")  # 2026
    edit_cells(master, FINANCIEN, {neg: (-5, None), low: (1000, None)})
    assert main(["valideer", str(master)]) == 2
    out = capsys.readouterr()
    text = out.out + out.err
    assert f"{FINANCIEN}!{neg}" in text and "buiten_grenzen" in text
    assert f"{FINANCIEN}!{low}" in text and "noodopvang_onder_regulier" in text
