"""The engine per month: the yearly report is its sum (flows) or every 12th value
(stocks), and the IND stock per category adds up to the total."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpp_xl.core.assumptions import Assumptions
from mpp_xl.core.registry import ASIEL_CATEGORIES
from mpp_xl.core.series import SERIES
from mpp_xl.engine import DETAIL_KEYS, compute, compute_monthly
from tests.conftest import EXAMPLE_CSV, values_from_dicts
from tests.reference_model import random_params


@pytest.fixture(scope="module")
def both() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], int]:
    r = Assumptions.from_csv(EXAMPLE_CSV).resolve()
    return compute(r.values, r.n_years), compute_monthly(r.values, r.n_years), r.n_years


def test_monthly_sums_to_yearly(both: tuple[dict, dict, int]) -> None:
    yearly, monthly, n = both
    assert set(monthly) == (set(yearly) - {"ir_tekort"}) | set(DETAIL_KEYS)
    for key, arr in yearly.items():
        if key == "ir_tekort":
            continue
        m = monthly[key]
        if SERIES[key].is_stock:
            assert m.shape == (3, 12 * n + 1)
            np.testing.assert_allclose(m[:, ::12], arr, rtol=0, atol=1e-9)
        else:
            assert m.shape == (3, 12 * n)
            np.testing.assert_allclose(m.reshape(3, n, 12).sum(axis=2), arr, rtol=1e-12,
                                       atol=1e-6)


def test_ind_stock_per_category_adds_up(both: tuple[dict, dict, int]) -> None:
    _, monthly, _ = both
    total = sum(monthly[f"ind_werkvoorraad_{k}"] for k in ASIEL_CATEGORIES)
    np.testing.assert_allclose(total, monthly["ind_werkvoorraad"], rtol=1e-12)
    grants = sum(monthly[f"ind_inwilligingen_{k}"] for k in ASIEL_CATEGORIES)
    np.testing.assert_allclose(grants, monthly["ind_inwilligingen"], rtol=1e-12)
    # the category stocks move: not just copies of the start value
    assert not np.allclose(monthly["ind_werkvoorraad_eerste"][:, 12],
                           monthly["ind_werkvoorraad_eerste"][:, 0])


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_monthly_identity_on_random_inputs(seed: int, n: int) -> None:
    """For any valid inputs: 12 months of a flow sum to its year, every 12th stock
    value is its 1 jan value, and the IND category stocks add up to the total."""
    values = values_from_dicts([random_params(random.Random(seed), n) for _ in range(3)], n)
    yearly, monthly = compute(values, n), compute_monthly(values, n)
    for key, arr in yearly.items():
        if key == "ir_tekort":
            continue
        m = monthly[key]
        if SERIES[key].is_stock:
            np.testing.assert_allclose(m[:, ::12], arr, rtol=1e-12, atol=1e-9)
        else:
            np.testing.assert_allclose(m.reshape(3, n, 12).sum(axis=2), arr, rtol=1e-9,
                                       atol=1e-6)
    total = sum(monthly[f"ind_werkvoorraad_{k}"] for k in ASIEL_CATEGORIES)
    np.testing.assert_allclose(total, monthly["ind_werkvoorraad"], rtol=1e-9, atol=1e-6)
