"""Costs p×q (docs/model.md, "Kosten"): the identities and the monthly COA formula."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mpp_xl.core.registry import COST_KEYS
from mpp_xl.core.series import COST_PARTS, COST_SERIES, SERIES
from mpp_xl.engine import compute
from mpp_xl.engine.context import Months, per_year_sum
from mpp_xl.engine.kosten import kosten
from tests.conftest import values_from_dicts
from tests.reference_model import random_params

runs = st.tuples(st.integers(0, 2**32 - 1), st.integers(1, 5))


@settings(max_examples=30, deadline=None)
@given(runs)
def test_totaal_is_the_sum_of_the_parts(run: tuple[int, int]) -> None:
    seed, n = run
    rng = random.Random(seed)
    out = compute(values_from_dicts([random_params(rng, n) for _ in range(3)], n), n)
    parts = sum(out[k] for k in COST_PARTS)
    np.testing.assert_allclose(out["kosten_totaal"], parts, rtol=1e-12, atol=1e-12)
    # the emergency part is a part of COA's cost (all prices >= 0)
    assert np.all(out["kosten_coa_noodopvang"] <= out["kosten_coa"] * (1 + 1e-12) + 1e-12)
    for k in COST_SERIES:
        assert out[k].shape == (3, n) and np.all(out[k] >= -1e-12), k


def _coa_by_the_formula(B: list[float], R: float, p_reg: float, p_nood: float) -> float:
    """MODEL.md literally: Σ_m [B_m·p_reg + max(0, B_m − R)·(p_nood − p_reg)] / 12 / 10⁶."""
    total = 0.0
    for b in B:
        total += b * p_reg + max(0.0, b - R) * (p_nood - p_reg)
    return total / 12 / 10**6


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_kosten_coa_equals_the_monthly_formula(n: int, seed: int) -> None:
    """Random month-start occupancies (also exactly at and around R), random prices
    (emergency also below regular): the stage equals the formula to 1e-6."""
    rng = random.Random(seed)
    T, B = 12 * n, 2
    R = [[rng.choice([0.0, 1000.0, rng.uniform(0, 80000)]) for _ in range(n)] for _ in range(B)]
    occ = [[rng.choice([R[b][min(t // 12, n - 1)], rng.uniform(0, 90000)]) for t in range(T + 1)]
           for b in range(B)]
    prices = {k: [[rng.uniform(0, 90000) for _ in range(n)] for _ in range(B)]
              for k in ("prijs_coa_regulier", "prijs_coa_noodopvang")}
    values = {"coa_reguliere_capaciteit": np.array(R), **{k: np.array(v) for k, v in prices.items()}}
    for k in COST_KEYS[3:]:
        values[k] = np.zeros((B, n))
    zero = np.zeros((T, B))
    got = per_year_sum(kosten(Months(values, n), np.array(occ).T, np.zeros((T + 1, B)),
                              np.zeros((T + 1, B)), zero, zero, zero, zero)["kosten_coa"])
    for b in range(B):
        for y in range(n):
            exp = _coa_by_the_formula(occ[b][12 * y:12 * y + 12], R[b][y],
                                      prices["prijs_coa_regulier"][b][y],
                                      prices["prijs_coa_noodopvang"][b][y])
            assert abs(got[b, y] - exp) <= 1e-6 * max(1.0, abs(exp)), (b, y)


def test_without_prices_the_run_is_as_before_and_has_no_costs() -> None:
    rng = random.Random(11)
    priced = [random_params(rng, 3) for _ in range(3)]
    bare = [{k: v for k, v in d.items() if k not in COST_KEYS} for d in priced]
    with_costs = compute(values_from_dicts(priced, 3), 3)
    without = compute(values_from_dicts(bare, 3), 3)
    assert set(without) == set(SERIES) - set(COST_SERIES)
    assert set(with_costs) == set(SERIES)
    for k in without:
        np.testing.assert_array_equal(without[k], with_costs[k], err_msg=k)


def test_higher_emergency_price_only_raises_the_emergency_part() -> None:
    """Raising p_noodopvang changes kosten_coa by exactly the emergency occupancy times
    the raise (a check that needs no second formula)."""
    rng = random.Random(5)
    d = random_params(rng, 2)
    d["coa_reguliere_capaciteit"] = [0.0, 0.0]  # everyone above R
    up = dict(d, prijs_coa_noodopvang=[x + 1000.0 for x in d["prijs_coa_noodopvang"]])
    a = compute(values_from_dicts([d], 2), 2)
    b = compute(values_from_dicts([up], 2), 2)
    mean_occ = b["kosten_coa_noodopvang"] / np.array(up["prijs_coa_noodopvang"]) * 1e6
    np.testing.assert_allclose(b["kosten_coa"] - a["kosten_coa"], mean_occ * 1000.0 / 1e6,
                               rtol=1e-9)
