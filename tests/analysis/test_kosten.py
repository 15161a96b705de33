"""Costs through the analysis layer: Monte Carlo bands, the CLI (mpp reken,
mpp onzekerheid), the comparison and the absent series without prices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mpp_xl import Assumptions, MppError, run, run_resolved
from mpp_xl.analysis.compare import compare
from mpp_xl.analysis.uncertainty import Bands, simulate
from mpp_xl.cli import main
from mpp_xl.core.registry import COST_KEYS
from mpp_xl.core.series import COST_PARTS, COST_SERIES, NO_PRICES, SERIES
from tests.conftest import EXAMPLE_CSV


@pytest.fixture(scope="module")
def bare(example: Assumptions) -> Assumptions:
    return example.with_rows(r for r in example.rows if r.parameter not in COST_KEYS)


@pytest.fixture(scope="module")
def bands(example: Assumptions) -> Bands:
    return simulate(example.resolve(), draws=600, seed=3, keep_draws=True,
                    percentiles=[5, 12.5, 50, 67, 87.5, 95])


def test_every_cost_series_has_a_monotone_band(bands: Bands) -> None:
    for k in COST_SERIES:
        arr = bands.data[k]
        assert arr.shape == (6, 5)
        assert np.all(np.diff(arr, axis=0) >= 0), k  # P5 <= P12,5 <= ... <= P95 every year
    tot = bands.data["kosten_totaal"]
    assert np.all(tot[-1, 1:] > tot[0, 1:])  # the volumes vary after 2024, so the costs do


def test_every_draw_adds_up(bands: Bands) -> None:
    d = bands.draws_data
    assert d is not None
    np.testing.assert_allclose(d["kosten_totaal"], sum(d[k] for k in COST_PARTS), rtol=1e-12)
    assert np.all(d["kosten_coa_noodopvang"] <= d["kosten_coa"] + 1e-9)


def test_band_p67_near_the_medio_run(example: Assumptions, bands: Bands) -> None:
    """The medio cost lies inside the P12,5–P87,5 band of the draws."""
    fc = run(example)
    med = fc.data["kosten_totaal"][fc.scenarios.index("medio")]
    lo, hi = bands.data["kosten_totaal"][1], bands.data["kosten_totaal"][4]
    assert np.all((lo <= med) & (med <= hi))


def test_without_prices_no_cost_series_anywhere(bare: Assumptions) -> None:
    fc = run(bare)
    assert set(fc.data) == set(SERIES) - set(COST_SERIES)
    with pytest.raises(MppError, match="Financiën"):
        fc.value("kosten_totaal", 2025, "medio")
    b = simulate(bare.resolve(), draws=100, seed=1)
    assert not set(b.data) & set(COST_SERIES)
    with pytest.raises(MppError, match="prijzen"):
        b.value("kosten_coa", 2025, 67)
    assert "kosten_" not in "".join(fc.to_frame()["reeks"].unique())


def test_reken_csv_has_costs_only_with_prices(tmp_path: Path, bare: Assumptions,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "u.csv"
    assert main(["reken", str(EXAMPLE_CSV), "--csv", str(out)]) == 0
    df = pd.read_csv(out)
    assert set(COST_SERIES) <= set(df["reeks"])
    assert f"{len(SERIES)} reeksen" in capsys.readouterr().out
    src = tmp_path / "zonder.csv"
    bare.to_csv(src)
    assert main(["reken", str(src), "--csv", str(out)]) == 0
    assert not set(COST_SERIES) & set(pd.read_csv(out)["reeks"])
    assert f"{len(SERIES) - len(COST_SERIES)} reeksen" in capsys.readouterr().out
    assert main(["reken", str(src)]) == 0
    assert NO_PRICES in capsys.readouterr().out


def test_reken_summary_shows_costs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reken", str(EXAMPLE_CSV)]) == 0
    text = capsys.readouterr().out
    assert SERIES["kosten_totaal"].label in text and "€ mln" in text


def test_onzekerheid_csv_has_cost_bands(tmp_path: Path) -> None:
    out = tmp_path / "b.csv"
    assert main(["onzekerheid", str(EXAMPLE_CSV), "--trekkingen", "200", "--csv",
                 str(out)]) == 0
    df = pd.read_csv(out)
    tot = df[df["reeks"] == "kosten_totaal"].pivot(index="jaar", columns="percentiel",
                                                     values="waarde")
    assert list(tot.columns) == [12.5, 50, 67, 87.5]
    assert (tot.diff(axis=1).iloc[:, 1:] >= 0).all().all()


def test_compare_includes_costs_and_says_when_one_side_lacks_them(
        example: Assumptions, bare: Assumptions) -> None:
    rows = [r if r.parameter != "prijs_coa_noodopvang" else
            r.__class__(r.parameter, r.scenario, r.jaar, float(r.waarde) * 1.1, r.blad, r.cel)
            for r in example.rows]
    new = example.with_rows(rows)
    cmp = compare(run(example), run(new), example, new)
    assert "kosten_coa" in cmp.gewijzigde_reeksen and "kosten_totaal" in cmp.gewijzigde_reeksen
    assert "coa_bezetting" not in cmp.gewijzigde_reeksen
    assert "€" in cmp.toelichting["kosten_coa"] and "mln" in cmp.toelichting["kosten_coa"]
    assert "prijs_coa_noodopvang" in set(cmp.aannames["parameter"])
    one_sided = compare(run(bare), run(example))
    assert any("kosten" in m for m in one_sided.meldingen)
    assert not set(COST_SERIES) & set(one_sided.verschillen["reeks"])


def test_run_resolved_of_the_example_has_every_series(example: Assumptions) -> None:
    assert set(run_resolved(example.resolve()).data) == set(SERIES)
