"""Monte Carlo bands (docs/model.md, "Onzekerheid: Monte Carlo")."""

from __future__ import annotations

from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from mpp_xl import MppError, run_resolved
from mpp_xl.analysis.uncertainty import (
    METHODS,
    Bands,
    ar1_cholesky,
    draw_parameters,
    drawn_parameters,
    normal_scores,
    parse_percentiles,
    quantile_map,
    sample_eerste_aanvragen,
    scenario_map,
    simulate,
)
from mpp_xl.cli import main
from mpp_xl.core.series import SERIES
from tests.analysis.helpers import example, with_param, write
from tests.conftest import EXAMPLE_CSV

PHI_INV = NormalDist().inv_cdf


@pytest.fixture(scope="module")
def resolved():
    return example().resolve()


@pytest.fixture(scope="module")
def bands10k(resolved) -> Bands:
    return simulate(resolved, draws=10_000, seed=7)


def _inputs(resolved):
    v = resolved.values["eerste_aanvragen"]
    return {s: v[resolved.scenarios.index(s)] for s in ("min", "medio", "max")}


# --- the distribution -------------------------------------------------------
def test_sampled_first_applications_hit_the_three_inputs_within_1pct(resolved) -> None:
    x = sample_eerste_aanvragen(resolved, 10_000, seed=123)
    inp = _inputs(resolved)
    for p, scen in ((12.5, "min"), (67, "medio"), (87.5, "max")):
        got = np.percentile(x, p, axis=0)
        np.testing.assert_allclose(got, inp[scen], rtol=0.01, err_msg=f"P{p} vs {scen}")


def test_engine_bands_of_first_applications_hit_the_inputs(resolved, bands10k) -> None:
    inp = _inputs(resolved)
    for i, p in enumerate(bands10k.percentiles):
        scen = {12.5: "min", 67.0: "medio", 87.5: "max"}.get(p)
        if scen:
            np.testing.assert_allclose(bands10k.data["instroom_eerste"][i], inp[scen], rtol=0.01)


def test_unstratified_sampling_is_also_centred_on_the_inputs(resolved) -> None:
    x = sample_eerste_aanvragen(resolved, 20_000, seed=5, stratify=False)
    inp = _inputs(resolved)
    np.testing.assert_allclose(np.percentile(x, 67, axis=0), inp["medio"], rtol=0.03)
    np.testing.assert_allclose(np.percentile(x, 12.5, axis=0), inp["min"], rtol=0.05)


def test_quantile_map_goes_through_the_knots_and_extends_linearly() -> None:
    zl, zm, zh = PHI_INV(0.125), PHI_INV(0.67), PHI_INV(0.875)
    lo, med, hi = np.array([10.0]), np.array([40.0]), np.array([100.0])
    z = np.array([[zl], [zm], [zh], [zh + 1.0], [zl - 0.25], [-40.0]])
    x = quantile_map(z, lo, med, hi)[:, 0]
    assert x[:3].tolist() == pytest.approx([10.0, 40.0, 100.0])
    assert x[3] == pytest.approx(100.0 + 60.0 / (zh - zm))
    assert x[4] == pytest.approx(10.0 - 0.25 * 30.0 / (zm - zl))
    assert x[5] == 0.0  # floored


def test_degenerate_segments_are_flat() -> None:
    z = np.linspace(-4, 4, 101)[:, None]
    x = quantile_map(z, np.array([50.0]), np.array([50.0]), np.array([80.0]))[:, 0]
    assert np.all(x[z[:, 0] <= PHI_INV(0.67)] == 50.0)
    assert np.all(np.diff(x) >= 0)
    flat = quantile_map(z, np.array([7.0]), np.array([7.0]), np.array([7.0]))
    assert np.all(flat == 7.0)


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.7, 0.95, 1.0])
def test_ar1_cholesky_reproduces_the_correlation_matrix(rho: float) -> None:
    n = 7
    L = ar1_cholesky(n, rho)
    i = np.arange(n)
    target = rho ** np.abs(i[:, None] - i[None, :])
    np.testing.assert_allclose(L @ L.T, target, atol=1e-12)
    assert np.allclose(L, np.tril(L))


@pytest.mark.parametrize("stratify", [True, False])
def test_copula_correlation_between_years_is_rho(stratify: bool) -> None:
    z = normal_scores(40_000, 5, 0.7, seed=11, stratify=stratify)
    c = np.corrcoef(z.T)
    for k in range(4):
        assert c[k, k + 1] == pytest.approx(0.7, abs=0.02)
    assert c[0, 2] == pytest.approx(0.49, abs=0.02)
    assert c[0, 4] == pytest.approx(0.7**4, abs=0.02)


def test_rho_one_and_rho_zero() -> None:
    z1 = normal_scores(5000, 4, 1.0, seed=3)
    assert np.allclose(z1, z1[:, :1])
    z0 = normal_scores(40_000, 4, 0.0, seed=3)
    off = np.corrcoef(z0.T)[~np.eye(4, dtype=bool)]
    assert np.all(np.abs(off) < 0.03)


# --- bands through the engine -----------------------------------------------
def test_percentiles_are_ordered_for_every_series(bands10k: Bands) -> None:
    assert set(bands10k.data) == set(SERIES)
    for reeks, arr in bands10k.data.items():
        assert arr.shape == (len(bands10k.percentiles), len(bands10k.years(reeks)))
        assert np.all(np.diff(arr, axis=0) >= -1e-9 * np.maximum(1, np.abs(arr[1:]))), reeks


def test_fan_of_coa_occupancy_widens_over_the_years(bands10k: Bands) -> None:
    t = bands10k.table("coa_bezetting")
    width = (t[87.5] - t[12.5]).to_numpy()
    assert width[0] == pytest.approx(0.0, abs=1e-6)  # the start stock is known
    assert np.all(np.diff(width) > 0)


@pytest.mark.parametrize("methode", METHODS)
def test_bands_collapse_onto_the_deterministic_run_without_spread(methode: str) -> None:
    a = example()
    if methode == "alleen_instroom":  # only eerste_aanvragen is drawn: flatten it
        medio = a.resolve().values["eerste_aanvragen"][1].tolist()
        r = with_param(a, "eerste_aanvragen", {"alle": medio}).resolve()
    else:  # every scenario-dependent assumption is drawn: all scenarios at medio
        r0 = a.resolve()
        r = r0.select(np.full(3, r0.scenarios.index("medio")), list(r0.scenarios))
    assert drawn_parameters(r, methode) == (["eerste_aanvragen"] if methode == "alleen_instroom"
                                            else [])
    det = run_resolved(r)
    b = simulate(r, draws=500, seed=1, percentiles=(1, 12.5, 50, 67, 87.5, 99), methode=methode)
    assert b.methode == methode
    for reeks in SERIES:
        want = det.data[reeks][r.scenarios.index("medio")]
        for i in range(len(b.percentiles)):
            np.testing.assert_allclose(b.data[reeks][i], want, rtol=1e-9, atol=1e-9,
                                       err_msg=reeks)


# --- the method over every scenario-dependent assumption ---------------------------
def _spread_example():
    """The example with more scenario-dependent assumptions (IND capacity,
    housing, nareis ratio, a lag), so that the method has several to draw."""
    a = example()
    a = with_param(a, "ind_capaciteit", {"min": 60000, "medio": 55000, "max": 50000})
    a = with_param(a, "realisatiegraad_huisvesting", {"min": 0.7, "medio": 0.5, "max": 0.4})
    a = with_param(a, "nareis_ratio", {"min": 0.8, "medio": 1.0, "max": 1.1})
    return with_param(a, "dtv_vertraging_maanden", {"min": 2, "medio": 3, "max": 6})


def test_default_method_draws_every_scenario_dependent_assumption() -> None:
    r = _spread_example().resolve()
    drawn = drawn_parameters(r)
    assert drawn[0] == "eerste_aanvragen"
    assert {"amv_aandeel", "ind_capaciteit", "realisatiegraad_huisvesting", "nareis_ratio",
            "dtv_vertraging_maanden"} <= set(drawn)
    assert "snijverlies" not in drawn  # equal in all scenarios: not drawn
    z = normal_scores(4000, r.n_years, 0.7, 3)
    vals, _ = draw_parameters(r, z)
    lag = vals["dtv_vertraging_maanden"]
    assert lag.shape == (4000,) and np.all(lag == np.round(lag)) and lag.min() >= 0
    # at the knots every parameter equals its min, medio and max input
    zk = np.array([[PHI_INV(p)] * r.n_years for p in (0.125, 0.67, 0.875)])
    at, _ = draw_parameters(r, zk)
    for key in drawn:
        np.testing.assert_allclose(at[key], r.values[key], rtol=1e-12, err_msg=key)
    # the inflow-only method draws only first applications
    only, _ = draw_parameters(r, z, "alleen_instroom")
    assert list(only) == ["eerste_aanvragen"]


def test_deterministic_scenarios_are_the_bands_own_quantiles_for_monotone_series() -> None:
    """With one score for all years (rho = 1) every series that is monotone in
    the scenario has P12.5 = min, P67 = medio and P87.5 = max."""
    r = _spread_example().resolve()
    det = run_resolved(r)
    b = simulate(r, draws=10_000, seed=11, rho=1.0)
    checked = 0
    for reeks in SERIES:
        lo, med, hi = (det.data[reeks][r.scenarios.index(s)] for s in ("min", "medio", "max"))
        up = np.all(lo <= med) and np.all(med <= hi)
        down = np.all(lo >= med) and np.all(med >= hi)
        if not (up or down) or np.allclose(lo, hi):
            continue
        if reeks not in {"instroom_eerste", "instroom_totaal", "ind_werkvoorraad",
                         "coa_bezetting", "nidos_caseload", "amv_instroom", "coa_statushouders"}:
            continue
        p_lo, p_hi = (12.5, 87.5) if up else (87.5, 12.5)
        for p, want in ((p_lo, lo), (67.0 if up else 33.0, med), (p_hi, hi)):
            got = np.array([b.value(reeks, y, p) if p in b.percentiles else np.nan
                            for y in b.years(reeks)])
            if np.isnan(got).any():
                continue
            np.testing.assert_allclose(got, want, rtol=0.01, atol=1.0, err_msg=f"{reeks} P{p}")
        checked += 1
    assert checked >= 5


def test_inflow_only_method_leaves_the_published_coa_range_outside_the_band() -> None:
    """Why the default changed: with only the inflow drawn, a scenario-dependent
    housing rate does not enter the band, so deterministic max lies above P87.5."""
    r = _spread_example().resolve()
    det = run_resolved(r)
    only = simulate(r, draws=2000, seed=5, methode="alleen_instroom")
    alle = simulate(r, draws=2000, seed=5, methode="alle_aannames", rho=1.0)
    mx = det.data["coa_bezetting"][r.scenarios.index("max"), -1]
    assert only.value("coa_bezetting", r.eindjaar + 1, 87.5) < 0.97 * mx
    assert alle.value("coa_bezetting", r.eindjaar + 1, 87.5) == pytest.approx(mx, rel=0.01)


def test_scenario_map_allows_falling_knots_and_keeps_bounds() -> None:
    z = np.array([[PHI_INV(0.125)], [PHI_INV(0.67)], [PHI_INV(0.875)], [-8.0], [8.0]])
    x = scenario_map(z, np.array([0.7]), np.array([0.5]), np.array([0.4]), (0.0, 1.0))[:, 0]
    np.testing.assert_allclose(x[:3], [0.7, 0.5, 0.4])
    assert x[3] == 1.0 and x[4] == 0.0  # extended with the outer slopes, then clipped


def test_unknown_method_is_refused_in_dutch() -> None:
    with pytest.raises(MppError, match="Onbekende Monte-Carlomethode"):
        simulate(example().resolve(), draws=100, methode="alles")


def test_cli_methode_option(tmp_path: Path) -> None:
    out_a, out_b = tmp_path / "a.csv", tmp_path / "b.csv"
    src = write(_spread_example(), str(tmp_path / "x.csv"))
    assert main(["uncertainty", src, "--draws", "300", "--csv", str(out_a)]) == 0
    assert main(["uncertainty", src, "--draws", "300", "--methode", "alleen_instroom",
                 "--csv", str(out_b)]) == 0
    a, b = pd.read_csv(out_a), pd.read_csv(out_b)
    sel = (a.reeks == "coa_bezetting") & (a.percentiel == 87.5)
    assert not np.allclose(a[sel].waarde.to_numpy(), b[sel].waarde.to_numpy())


def test_chunk_size_does_not_change_the_result(resolved) -> None:
    a = simulate(resolved, draws=3000, seed=9, chunk=3000)
    b = simulate(resolved, draws=3000, seed=9, chunk=700)
    for k in a.data:
        assert np.array_equal(a.data[k], b.data[k]), k


def test_defaults_come_from_kader(resolved) -> None:
    a = with_param(example(), "mc_trekkingen", {"alle": 300})
    a = with_param(a, "mc_zaad", {"alle": 4})
    b = simulate(a.resolve())
    assert (b.draws, b.seed) == (300, 4)
    assert b.rho == pytest.approx(float(resolved.values["mc_correlatie_jaren"][0]))


def test_progress_reports_every_draw(resolved) -> None:
    seen: list[int] = []
    simulate(resolved, draws=2500, seed=1, progress=seen.append, chunk=1000)
    assert seen == [1000, 1000, 500]


def test_value_and_any_percentile_with_kept_draws(resolved) -> None:
    b = simulate(resolved, draws=1000, seed=2, keep_draws=True)
    j = 2026 - resolved.startjaar
    assert b.value("coa_bezetting", 2026, 90) == pytest.approx(
        np.percentile(b.draws_data["coa_bezetting"][:, j], 90))
    assert b.value("coa_bezetting", 2026, 67) == b.data["coa_bezetting"][2, j]
    assert b.value("coa_bezetting", 2026, 90) > b.value("coa_bezetting", 2026, 87.5)
    plain = simulate(resolved, draws=200, seed=2)
    with pytest.raises(MppError, match="niet berekend"):
        plain.value("coa_bezetting", 2026, 90)
    with pytest.raises(MppError, match="bestaat niet"):
        plain.value("instroom_eerste", resolved.eindjaar + 1, 50)
    with pytest.raises(MppError, match="Onbekende reeks"):
        plain.value("bestaat_niet", 2026, 50)


def test_unordered_inputs_are_sorted_with_a_message() -> None:
    a = with_param(example(), "eerste_aanvragen",
                   {"min": 30000, "medio": 20000, "max": 40000})
    b = simulate(a.resolve(), draws=4000, seed=1)
    assert b.meldingen and "volgorde" in b.meldingen[0]
    p = b.table("instroom_eerste")
    assert p[12.5].to_numpy() == pytest.approx(20000, rel=0.01)
    assert p[67.0].to_numpy() == pytest.approx(30000, rel=0.01)


def test_bad_arguments_are_dutch_errors(resolved) -> None:
    with pytest.raises(MppError, match="trekkingen"):
        simulate(resolved, draws=0)
    with pytest.raises(MppError, match="tussen 0 en 100"):
        simulate(resolved, draws=10, percentiles=(50, 101))
    with pytest.raises(MppError, match="geen getal"):
        parse_percentiles("5,x")
    assert parse_percentiles("95; 5") == (5.0, 12.5, 50.0, 67.0, 87.5, 95.0)


# --- CLI --------------------------------------------------------------------
def _cli_csv(tmp_path: Path, name: str, *extra: str) -> Path:
    out = tmp_path / name
    draws = [] if "--trekkingen" in extra else ["--trekkingen", "1500"]
    assert main(["onzekerheid", str(EXAMPLE_CSV), *draws, "--csv", str(out), *extra]) == 0
    return out


def test_same_seed_gives_identical_csv_bytes(tmp_path: Path) -> None:
    a = _cli_csv(tmp_path, "a.csv", "--zaad", "42")
    b = _cli_csv(tmp_path, "b.csv", "--zaad", "42")
    assert a.read_bytes() == b.read_bytes()
    df = pd.read_csv(a)
    assert list(df.columns) == ["reeks", "jaar", "percentiel", "waarde"]
    assert sorted(set(df["percentiel"])) == [12.5, 50, 67, 87.5]
    assert "12.5" in a.read_text() and ",50," in a.read_text()
    assert set(df["reeks"]) == set(SERIES)


def test_different_seed_differs_but_is_consistent(tmp_path: Path) -> None:
    a = pd.read_csv(_cli_csv(tmp_path, "a.csv", "--zaad", "1", "--trekkingen", "3000"))
    b = pd.read_csv(_cli_csv(tmp_path, "b.csv", "--zaad", "2", "--trekkingen", "3000"))
    assert not a["waarde"].equals(b["waarde"])
    m = a.merge(b, on=["reeks", "jaar", "percentiel"], suffixes=("_a", "_b"))
    differ = m[(m.waarde_a - m.waarde_b).abs() > 1e-6]
    assert len(differ) > 0
    # medians agree to a small fraction of the band width, for every series
    w = a.pivot_table(index=["reeks", "jaar"], columns="percentiel", values="waarde")
    med = m[m.percentiel == 50].set_index(["reeks", "jaar"])
    width = (w[87.5] - w[12.5]).reindex(med.index)
    gap = (med.waarde_a - med.waarde_b).abs()
    assert np.all(gap <= 0.1 * width + 1e-6 * med.waarde_a.abs() + 1e-9)
    # and within a few percent for the main stocks and flows
    main_ = med[med.index.get_level_values(0).isin(
        ["coa_bezetting", "nidos_caseload", "instroom_totaal", "dtv_caseload"])]
    assert len(main_) > 10
    np.testing.assert_allclose(main_.waarde_b, main_.waarde_a, rtol=0.03)


def test_extra_percentiles_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    df = pd.read_csv(_cli_csv(tmp_path, "p.csv", "--percentielen", "5;95"))
    assert sorted(set(df["percentiel"])) == [5, 12.5, 50, 67, 87.5, 95]
    assert main(["onzekerheid", str(EXAMPLE_CSV), "--trekkingen", "300"]) == 0
    out = capsys.readouterr().out
    assert "COA-bezetting" in out and "P87,5" in out and "300 trekkingen" in out


def test_cli_errors_exit_2_and_write_nothing(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.csv"
    assert main(["onzekerheid", str(EXAMPLE_CSV), "--trekkingen", "100", "--percentielen", "abc",
                 "--csv", str(out)]) == 2
    assert main(["onzekerheid", str(EXAMPLE_CSV), "--trekkingen", "0", "--csv", str(out)]) == 2
    bad = with_param(example(), "eerste_aanvragen", {"alle": -5})
    path = write(bad, str(tmp_path / "bad.csv"))
    assert main(["onzekerheid", path, "--trekkingen", "100", "--csv", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "Percentiel 'abc' is geen getal" in err
    assert "tussen 100 en 1.000.000" in err
    assert "Traceback" not in err


def test_mc_methode_on_kader_is_validated_and_used() -> None:
    from mpp_xl.core.assumptions import Row

    a = example()
    bad = a.with_rows([*a.rows, Row("mc_methode", "alle", None, "alles", blad="Kader", cel="E12")])
    (e,) = [p for p in bad.validate() if p.is_error]
    assert e.regel == "ongeldige_keuze" and e.cel == "E12" and "alleen_instroom" in e.melding
    only = a.with_rows([*a.rows, Row("mc_methode", "alle", None, "Alleen_Instroom")])
    r = only.resolve()
    assert r.text["mc_methode"] == "alleen_instroom"
    assert simulate(r, draws=100, seed=1).methode == "alleen_instroom"
    # at its default the setting leaves the fingerprint (and so sign-offs) unchanged
    dflt = a.with_rows([*a.rows, Row("mc_methode", "alle", None, "alle_aannames")])
    assert dflt.fingerprint() == a.fingerprint() != only.fingerprint()
