"""Property tests of the chain identities (docs/model.md, Eigenschappen)."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mpp_xl.core.registry import REGULIER_CATEGORIES
from mpp_xl.core.series import SERIES
from mpp_xl.engine import compute
from tests.conftest import values_from_dicts
from tests.reference_model import random_params

# stock series -> (inflow series, outflow series)
BALANCES: dict[str, tuple[list[str], list[str]]] = {
    "ind_werkvoorraad": (["instroom_totaal"], ["ind_afdoeningen_totaal"]),
    "rvdr_asiel_voorraad": (["rvdr_asiel_instroom"], ["rvdr_asiel_afdoeningen"]),
    "rvs_asiel_voorraad": (["rvs_asiel_instroom"], ["rvs_asiel_afdoeningen"]),
    "coa_bezetting": (["coa_instroom"], ["coa_uitstroom_huisvesting", "coa_uitstroom_vertrek",
                                         "coa_uitstroom_overig"]),
    "dtv_caseload": (["dtv_instroom"], ["dtv_vertrek"]),
    "nidos_caseload": (["nidos_instroom"], ["nidos_uitstroom"]),
    "bezwaar_regulier_werkvoorraad": (["bezwaar_regulier_instroom"],
                                      ["bezwaar_regulier_afdoeningen"]),
    "rvdr_regulier_voorraad": (["rvdr_regulier_instroom"], ["rvdr_regulier_afdoeningen"]),
    "rvs_regulier_voorraad": (["rvs_regulier_instroom"], ["rvs_regulier_afdoeningen"]),
    **{f"regulier_{c}_werkvoorraad": ([f"regulier_{c}_instroom"], [f"regulier_{c}_afdoeningen"])
       for c in REGULIER_CATEGORIES},
}
# afdoeningen series -> yearly capacity parameter
CAPACITIES = {
    "ind_afdoeningen_totaal": "ind_capaciteit",
    "rvdr_asiel_afdoeningen": "rvdr_asiel_capaciteit",
    "rvs_asiel_afdoeningen": "rvs_asiel_capaciteit",
    "bezwaar_regulier_afdoeningen": "bezwaar_capaciteit",
    "rvdr_regulier_afdoeningen": "rvdr_regulier_capaciteit",
    "rvs_regulier_afdoeningen": "rvs_regulier_capaciteit",
    **{f"regulier_{c}_afdoeningen": f"regulier_capaciteit_{c}" for c in REGULIER_CATEGORIES},
}

runs = st.tuples(st.integers(0, 2**32 - 1), st.integers(1, 5))


def _random_run(seed: int, n: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    rng = random.Random(seed)
    values = values_from_dicts([random_params(rng, n) for _ in range(3)], n)
    return values, compute(values, n)


def test_every_stock_has_a_balance_except_derived_ones() -> None:
    derived = {"coa_capaciteit", "coa_aandeel_statushouders", "coa_asielzoekers",
               "coa_statushouders", "coa_overig"}
    stocks = {k for k, s in SERIES.items() if s.is_stock}
    assert stocks - derived == set(BALANCES)


@settings(max_examples=30, deadline=None)
@given(runs)
def test_conservation(run: tuple[int, int]) -> None:
    _, out = _random_run(*run)
    for stock, (ins, outs) in BALANCES.items():
        delta = np.diff(out[stock], axis=1)
        net = sum(out[k] for k in ins) - sum(out[k] for k in outs)
        scale = 1 + np.abs(out[stock][:, :-1])
        assert np.all(np.abs(delta - net) <= 1e-9 * scale), stock
    parts = out["coa_asielzoekers"] + out["coa_statushouders"] + out["coa_overig"]
    np.testing.assert_allclose(parts, out["coa_bezetting"], rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(runs)
def test_no_negative_stocks_or_flows_and_capacity_respected(run: tuple[int, int]) -> None:
    values, out = _random_run(*run)
    for key, arr in out.items():
        assert np.all(arr >= -1e-9), key
    for afd, cap in CAPACITIES.items():
        assert np.all(out[afd] <= values[cap] * (1 + 1e-12) + 1e-9), afd
    assert np.all(out["coa_aandeel_statushouders"] <= 1 + 1e-12)


MONOTONE = ("instroom_eerste", "ir_benodigd", "amv_instroom", "nidos_caseload",
            "ind_werkvoorraad", "ind_afdoeningen_totaal")


@settings(max_examples=30, deadline=None)
@given(run=runs, factors=st.lists(st.floats(0, 3), min_size=3, max_size=3))
def test_monotone_in_inflow(run: tuple[int, int], factors: list[float]) -> None:
    """Scenarios differ only in inflow parameters, ordered min <= medio <= max."""
    seed, n = run
    rng = random.Random(seed)
    base = random_params(rng, n)
    lo, mid, hi = sorted(factors)
    dicts = []
    for f in (lo, mid, hi):
        d = dict(base)
        for k in ("eerste_aanvragen", "herhaalde_aanvragen", "hervestiging"):
            d[k] = [x * f for x in base[k]]
        dicts.append(d)
    out = compute(values_from_dicts(dicts, n), n)
    for key in MONOTONE:
        a = out[key]
        tol = 1e-9 * (1 + np.abs(a).max())
        assert np.all(a[0] <= a[1] + tol) and np.all(a[1] <= a[2] + tol), key
