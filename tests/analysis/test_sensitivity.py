"""Sensitivity: every numeric chain parameter alone at ∓stap %, swings equal to
single runs of the ordinary engine with all scenarios changed."""

from __future__ import annotations

import numpy as np
import pytest

from mpp_xl.analysis.forecast import run_resolved
from mpp_xl.analysis.sensitivity import TORNADO_TOP, check_target, sensitivity
from mpp_xl.core.assumptions import Assumptions, Resolved
from mpp_xl.core.problems import MppError
from mpp_xl.core.registry import ENGINE_KEYS, PARAMETERS
from tests.conftest import EXAMPLE_CSV


@pytest.fixture(scope="module")
def res() -> Resolved:
    return Assumptions.from_csv(EXAMPLE_CSV).resolve()


def _single(res: Resolved, key: str, values: np.ndarray, reeks: str, jaar: int,
            scenario: str) -> float:
    """The ordinary engine with ``key`` replaced in every scenario (and year)."""
    vals = {k: v.copy() for k, v in res.values.items()}
    vals[key] = values
    fc = run_resolved(Resolved(res.startjaar, res.eindjaar, res.scenarios, vals, res.text))
    return fc.value(reeks, jaar, scenario)


def _by_hand(res: Resolved, key: str, factor: float) -> tuple[np.ndarray, bool]:
    p = PARAMETERS[key]
    x = res.values[key] * factor
    y = np.clip(x, p.lo, p.hi)
    if p.integer:
        y = np.round(y)
    return y, bool((y != x).any())


def test_every_parameter_once_sorted(res: Resolved) -> None:
    s = sensitivity(res)
    t = s.tabel
    assert sorted(t["parameter"]) == sorted(ENGINE_KEYS)
    assert s.target.reeks == "coa_bezetting" and s.target.jaar == 2029
    assert s.target.scenario == "medio" and s.target.stap == 10
    z = np.abs(t["zwaai"].to_numpy())
    assert (np.diff(z) <= 0).all()
    np.testing.assert_allclose(t["zwaai"], t["uitkomst_hoog"] - t["uitkomst_laag"])
    assert s.uitkomst_basis == pytest.approx(run_resolved(res).value("coa_bezetting", 2029,
                                                                      "medio"), rel=1e-12)
    assert len(s.top()) == TORNADO_TOP


@pytest.mark.parametrize("reeks,jaar,scenario,stap", [
    ("coa_bezetting", 2029, "medio", 10.0),
    ("ind_werkvoorraad", 2026, "max", 25.0),
    ("dtv_instroom", 2027, "min", 5.0),
])
def test_swings_equal_single_runs(res: Resolved, reeks: str, jaar: int, scenario: str,
                                  stap: float) -> None:
    s = sensitivity(res, reeks, jaar, scenario, stap)
    t = s.tabel.set_index("parameter")
    # the top five, everything clipped or rounded, and a few from the tail
    keys = list(t.index[:5]) + list(t.index[t["begrensd"]]) + list(t.index[-3:])
    keys += ["nareis_vertraging_maanden", "dtv_vertraging_maanden", "snijverlies"]
    for key in dict.fromkeys(keys):
        lo, c_lo = _by_hand(res, key, 1 - stap / 100)
        hi, c_hi = _by_hand(res, key, 1 + stap / 100)
        u_lo = _single(res, key, lo, reeks, jaar, scenario)
        u_hi = _single(res, key, hi, reeks, jaar, scenario)
        assert t.loc[key, "uitkomst_laag"] == pytest.approx(u_lo, rel=1e-9, abs=1e-9), key
        assert t.loc[key, "uitkomst_hoog"] == pytest.approx(u_hi, rel=1e-9, abs=1e-9), key
        assert t.loc[key, "zwaai"] == pytest.approx(u_hi - u_lo, rel=1e-9, abs=1e-6), key
        assert bool(t.loc[key, "begrensd"]) == (c_lo or c_hi), key


def test_clipped_fraction_reported(res: Resolved) -> None:
    """A fraction at its bound 1 cannot go up 10 %: hoog stays 1, begrensd = ja."""
    s = sensitivity(res).tabel.set_index("parameter")
    at_one = [k for k in ENGINE_KEYS if PARAMETERS[k].hi == 1
              and (res.values[k] == 1).any()]
    assert at_one, "the example has a fraction at 1"
    for k in at_one:
        assert s.loc[k, "begrensd"]
    free = [k for k in ENGINE_KEYS if PARAMETERS[k].hi == float("inf")
            and not PARAMETERS[k].integer]
    assert not s.loc[free, "begrensd"].any()


def test_range_swing_equals_single_runs(res: Resolved) -> None:
    s = sensitivity(res, "ind_werkvoorraad", 2027, "medio")
    t = s.tabel.set_index("parameter")
    differ = [k for k in ENGINE_KEYS if (res.values[k][0] != res.values[k][2]).any()]
    assert set(t.index[t["bereik_zwaai"].notna()]) == set(differ)
    assert "eerste_aanvragen" in differ
    for k in differ:
        med = res.values[k].copy()
        med[1] = res.values[k][0]
        u_min = _single(res, k, med, "ind_werkvoorraad", 2027, "medio")
        med[1] = res.values[k][2]
        u_max = _single(res, k, med, "ind_werkvoorraad", 2027, "medio")
        assert t.loc[k, "bereik_zwaai"] == pytest.approx(u_max - u_min, rel=1e-9, abs=1e-6)


def test_bad_target_lists_every_problem(res: Resolved) -> None:
    with pytest.raises(MppError) as e:
        check_target(res, "coa_bezeting", None, "hoog-ish", 150)
    text = str(e.value)
    assert "coa_bezetting" in text and "scenario" in text and "stap" in text
    with pytest.raises(MppError, match="2030"):
        check_target(res, "instroom_totaal", 2030)  # a flow ends in eindjaar


def test_tornado_bars_are_the_top_swings(res: Resolved) -> None:
    from mpp_xl.analysis.tornado import tornado_chart

    s = sensitivity(res, "ind_werkvoorraad", 2027, "max", 20)
    fig = tornado_chart(s)
    ax = fig.axes[0]
    bars = ax.patches
    top = s.top()
    assert len(bars) == 2 * len(top) == 2 * TORNADO_TOP
    low, high = bars[:len(top)], bars[len(top):]
    # drawn bottom-up: the largest swing is the last (top) bar
    np.testing.assert_allclose([b.get_width() for b in low],
                               (top["uitkomst_laag"] - s.uitkomst_basis).to_numpy()[::-1])
    np.testing.assert_allclose([b.get_width() for b in high],
                               (top["uitkomst_hoog"] - s.uitkomst_basis).to_numpy()[::-1])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert f"({top['parameter'].iloc[0]})" in labels[-1]
    assert "per 1 januari 2027" in fig.texts[0].get_text()
