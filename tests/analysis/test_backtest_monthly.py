"""Monthly realisations: compared per month, the running year as realised months
plus the forecast of the remaining months, and the vintage charts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mpp_xl.analysis.backtest import backtest, realisaties_from_frame
from mpp_xl.analysis.backtest_monthly import backtest_monthly
from mpp_xl.analysis.forecast import run
from mpp_xl.analysis.monthly import run_monthly
from mpp_xl.analysis.report_vintages import vintage_chart
from mpp_xl.core.assumptions import Assumptions
from tests.conftest import EXAMPLE_CSV, ROOT


@pytest.fixture(scope="module")
def example() -> Assumptions:
    return Assumptions.from_csv(EXAMPLE_CSV)


def _input(param: str, year: int) -> dict[str, float]:
    """The example's value of a per-year parameter per scenario, read with pandas."""
    df = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)
    rows = df[(df["parameter"] == param) & (df["jaar"] == str(year))]
    vals = dict(zip(rows["scenario"], rows["waarde"].astype(float), strict=True))
    return {s: vals.get(s, vals.get("alle")) for s in ("min", "medio", "max")}  # type: ignore[misc]


def test_month_compare_and_running_year(example: Assumptions) -> None:
    real = realisaties_from_frame(pd.DataFrame({
        "reeks": ["instroom_eerste"] * 3 + ["instroom_totaal"],
        "jaar": ["2025"] * 3 + ["2024"], "maand": ["1", "2", "4", ""],
        "waarde": ["3000", "2800", "2600", "45000"], "bron": ["x"] * 4}))
    mbt = backtest_monthly(run_monthly(example.resolve()), real)
    eerste = _input("eerste_aanvragen", 2025)  # a yearly flow enters as 1/12 per month
    t = mbt.tabel
    assert list(t["maand"]) == [1, 2, 4]
    for s in ("min", "medio", "max"):
        np.testing.assert_allclose(t[s], eerste[s] / 12, rtol=1e-12)
    np.testing.assert_allclose(t["fout"], eerste["medio"] / 12 - np.array([3000, 2800, 2600]))
    run_ = mbt.lopend
    assert len(run_) == 1
    rec = run_.iloc[0]
    assert rec["maanden_gerealiseerd"] == "1–2, 4"
    assert rec["gerealiseerd"] == 8400
    for s in ("min", "medio", "max"):
        assert rec[f"verwacht_{s}"] == pytest.approx(8400 + 9 * eerste[s] / 12, rel=1e-12)
        assert rec[f"prognose_{s}"] == pytest.approx(eerste[s], rel=1e-12)
    # the yearly backtest keeps the year row only
    bt = backtest(run(example), real)
    assert list(bt.tabel["reeks"]) == ["instroom_totaal"]


def test_month_stock_is_first_of_month(example: Assumptions) -> None:
    real = realisaties_from_frame(pd.DataFrame({
        "reeks": ["coa_bezetting", "coa_bezetting"], "jaar": ["2025", "2031"],
        "maand": ["1", "6"], "waarde": ["70000", "1"]}))
    mbt = backtest_monthly(run_monthly(example.resolve()), real)
    fc = run(example)
    assert len(mbt.tabel) == 1
    assert mbt.tabel["medio"].iloc[0] == pytest.approx(fc.value("coa_bezetting", 2025, "medio"))
    assert mbt.lopend.empty  # stocks have no running year
    assert any("buiten de prognose" in m for m in mbt.meldingen)


def test_vintage_chart_draws_each_round(example: Assumptions) -> None:
    other = Assumptions.from_csv(ROOT / "referentie" / "mpp_2024_2_reproductie_aannames.csv")
    fa, fb = run(other), run(example)
    real = realisaties_from_frame(pd.read_csv(ROOT / "referentie" / "realisaties.csv",
                                              dtype=str, keep_default_na=False))
    fig = vintage_chart([("MPP oud", fa), ("MPP nieuw", fb)], "instroom_totaal", real)
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert set(lines) == {"MPP oud (medio)", "MPP nieuw (medio)", "realisatie"}
    np.testing.assert_allclose(lines["MPP oud (medio)"].get_ydata(),
                               fa.table("instroom_totaal")["medio"])
    np.testing.assert_allclose(lines["MPP nieuw (medio)"].get_ydata(),
                               fb.table("instroom_totaal")["medio"])
    src = pd.read_csv(ROOT / "referentie" / "realisaties.csv")
    want = src[src["reeks"] == "instroom_totaal"]
    np.testing.assert_allclose(lines["realisatie"].get_ydata(), want["waarde"])
    assert len(ax.collections) == 2  # one min–max band per round


def test_cli_terugtoets_months(tmp_path: Path) -> None:
    from mpp_xl.cli import main

    p = tmp_path / "r.csv"
    p.write_text("reeks,jaar,maand,waarde,bron\ninstroom_eerste,2025,1,3000,x\n"
                 "instroom_eerste,2025,2,2800,x\n", encoding="utf-8")
    out = tmp_path / "t.csv"
    assert main(["terugtoets", str(EXAMPLE_CSV), str(p), "--csv", str(out)]) == 0
    months = pd.read_csv(tmp_path / "t_maanden.csv")
    assert list(months["maand"]) == [1, 2]
    running = pd.read_csv(tmp_path / "t_lopend_jaar.csv")
    assert running["gerealiseerd"].iloc[0] == 5800
    p.write_text("reeks,jaar,maand,waarde\ninstroom_eerste,2025,13,3000\n", encoding="utf-8")
    assert main(["terugtoets", str(EXAMPLE_CSV), str(p)]) == 2


def test_sheet_layout_shows_months(example: Assumptions) -> None:
    from mpp_xl.analysis.sheet_content import backtest_layout

    real = realisaties_from_frame(pd.DataFrame({
        "reeks": ["instroom_eerste", "instroom_eerste", "instroom_totaal"],
        "jaar": ["2025", "2025", "2024"], "maand": ["1", "2", ""],
        "waarde": ["3000", "2800", "45000"]}))
    eerste = _input("eerste_aanvragen", 2025)
    summary, table, _ = backtest_layout(lambda: real, run(example),
                                        lambda: run_monthly(example.resolve()))
    assert [table[(r, 1)][0] for r in range(3)] == [2024.0, "2025-01", "2025-02"]
    assert table[(1, 4)][0] == pytest.approx(eerste["medio"] / 12)
    want = 5800 + 10 * eerste["medio"] / 12
    assert f"verwacht {round(want):,}".replace(",", ".") in summary[0]
    # without the monthly forecast: the year rows only, as before
    _, table2, _ = backtest_layout(lambda: real, run(example))
    assert {r for r, _ in table2} == {0}


def test_cli_rapport_rondes(tmp_path: Path) -> None:
    from mpp_xl.cli import main

    pdf, png = tmp_path / "r.pdf", tmp_path / "png"
    other = ROOT / "referentie" / "mpp_2024_2_reproductie_aannames.csv"
    real = ROOT / "referentie" / "realisaties.csv"
    bad = tmp_path / "bestaat_niet.xlsm"
    assert main(["rapport", str(EXAMPLE_CSV), "-o", str(pdf), "--trekkingen", "100",
                 "--rondes", str(bad)]) == 2
    assert not pdf.exists()
    assert main(["rapport", str(EXAMPLE_CSV), "-o", str(pdf), "--trekkingen", "100",
                 "--png-map", str(png), "--rondes", str(other), "--realisaties", str(real)]) == 0
    names = sorted(p.name for p in png.iterdir())
    rondes = [n for n in names if "rondes_" in n]
    assert rondes, names
    first = int(rondes[0][:2])  # consecutive pages, in this order (other pages may follow)
    assert rondes == [f"{i:02d}_rondes_{k}.png" for i, k in enumerate(
        ("instroom_eerste", "instroom_totaal", "ind_werkvoorraad", "coa_bezetting",
         "nidos_caseload", "dtv_caseload"), start=first)]
