"""Each building block against small hand-computed cases (docs/model.md, Bouwstenen)."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from mpp_xl.engine.blocks import lag, multi_queue, pool, queue


def col(*xs: float) -> np.ndarray:
    return np.array(xs, dtype=float)[:, None]


def test_queue_capacity_binds_in_last_month() -> None:
    a, W = queue(col(10, 10, 10), col(15, 15, 5), np.array([0.0]), np.array([0.0]))
    assert_allclose(a[:, 0], [10, 10, 5])
    assert_allclose(W[:, 0], [0, 0, 0, 5])


def test_queue_floor_keeps_frictional_stock() -> None:
    # a0 = min(100, max(0, 20 + 0 - 12)) = 8 ; then nothing above the floor
    a, W = queue(col(0, 0), col(100, 100), np.array([12.0]), np.array([20.0]))
    assert_allclose(a[:, 0], [8, 0])
    assert_allclose(W[:, 0], [20, 12, 12])


def test_queue_inflow_below_floor_is_not_decided() -> None:
    a, W = queue(col(3, 3), col(100, 100), np.array([5.0]), np.array([0.0]))
    # month 0: W+i = 3 < 5 -> 0; month 1: 6 - 5 = 1
    assert_allclose(a[:, 0], [0, 1])
    assert_allclose(W[:, 0], [0, 3, 5])


def test_queue_batch_rows_are_independent() -> None:
    i = np.array([[10.0, 0.0], [10.0, 0.0]])
    a, W = queue(i, np.full((2, 2), 4.0), np.zeros(2), np.array([0.0, 6.0]))
    assert_allclose(a, [[4, 4], [4, 2]])
    assert_allclose(W[-1], [12, 0])


def test_multi_queue_splits_proportionally() -> None:
    # x = W_k + i_k = [6+2, 2+0] = [8, 2]; a = min(4, 10) = 4 -> [3.2, 0.8]
    i = np.array([[[2.0], [0.0]]])
    a, W = multi_queue(i, np.array([[4.0]]), np.array([0.0]), np.array([[6.0], [2.0]]))
    assert_allclose(a[0, :, 0], [3.2, 0.8])
    assert_allclose(W[1, :, 0], [4.8, 1.2])


def test_multi_queue_empty_gives_zero_not_nan() -> None:
    a, W = multi_queue(np.zeros((2, 3, 1)), np.full((2, 1), 5.0), np.zeros(1), np.zeros((3, 1)))
    assert not np.isnan(a).any()
    assert_allclose(a, 0)


def test_multi_queue_floor_on_totals() -> None:
    # total 10, floor 7 -> a = 3, split 3 * [5, 5] / 10
    a, _ = multi_queue(np.zeros((1, 2, 1)), np.array([[100.0]]), np.array([7.0]),
                       np.array([[5.0], [5.0]]))
    assert_allclose(a[0, :, 0], [1.5, 1.5])


def test_pool_first_order_outflow() -> None:
    o, P = pool(col(10, 10), col(0.1, 0.5), np.array([100.0]))
    # o0 = 0.1*100 = 10, P1 = 100; o1 = 0.5*100 = 50, P2 = 60
    assert_allclose(o[:, 0], [10, 50])
    assert_allclose(P[:, 0], [100, 100, 60])


def test_lag_uses_history_before_l() -> None:
    x = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 4.0]])
    out = lag(x, np.array([2, 0]), np.array([9.0, 7.0]))
    assert_allclose(out[:, 0], [9, 9, 1, 2])
    assert_allclose(out[:, 1], [1, 2, 3, 4])


def test_lag_longer_than_horizon_is_all_history() -> None:
    out = lag(np.ones((3, 1)), np.array([5]), np.array([0.5]))
    assert_allclose(out[:, 0], [0.5, 0.5, 0.5])


def test_coa_scaled_outflows_leave_exactly_zero() -> None:
    """Review finding: scaling by avail/out then subtracting could leave −1e-15."""
    from mpp_xl.engine.coa import coa
    from mpp_xl.engine.context import Months
    from mpp_xl.engine.ind import IndResult

    T, B = 12, 1
    keys = ["opvang_aandeel_eerste", "opvang_aandeel_herhaald", "opvang_aandeel_nareis",
            "opvang_aandeel_hervestiging", "az_uitstroom_fractie", "vv_uitstroom_fractie",
            "taakstelling_h1", "taakstelling_h2", "realisatiegraad_huisvesting"]
    values = {k: np.ones((B, 1)) for k in keys}
    for k in ("coa_start_asielzoekers", "coa_start_statushouders", "coa_start_overig"):
        values[k] = np.array([28.3])
    m = Months(values, 1)
    z = np.zeros((T, 4, B))
    inw, afw = z.copy(), z.copy()
    inw[:, 0], afw[:, 0] = 124.3, 670.6  # far more than the 28.3 there is
    ind = IndResult(z, z, inw, afw, np.zeros((T + 1, B)), np.zeros((T, B)))
    res = coa(m, ind)
    assert np.all(res.az[1:] == 0.0)
    assert np.all(res.uit_vertrek >= 0)
