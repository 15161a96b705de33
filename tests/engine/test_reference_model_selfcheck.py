"""Self-checks of the independent reference model (tests/reference_model.py)."""
import random

import pytest

from tests.reference_model import (
    COST_SERIES_KEYS,
    FLOW_KEYS,
    PARAM_KEYS,
    STOCK_KEYS,
    YEARLY_KEYS,
    random_params,
    reference_run,
)


def zero_params(n_years: int = 1) -> dict:
    """Everything 0, except the few parameters that must be positive."""
    p = {k: ([0.0] * n_years if k in YEARLY_KEYS else 0.0) for k in PARAM_KEYS}
    p["nidos_duur_maanden"] = [12.0] * n_years
    p["beslistermijn_maanden"] = 6.0
    p["nareis_vertraging_maanden"] = 1.0
    p["realisatiegraad_huisvesting"] = [1.0] * n_years
    return p


def run1(p):
    return reference_run(p, 2024, 2024)


def test_simple_queue_hand_computed():
    p = zero_params()
    p["eerste_aanvragen"] = [1200.0]          # 100 per month
    p["ind_capaciteit"] = [600.0]             # 50 per month
    p["ind_werkvoorraad_start_eerste"] = 100.0
    p["inwilligingspercentage_eerste"] = [0.5]
    r = run1(p)
    assert r["ind_afdoeningen_eerste"] == pytest.approx([600.0])
    assert r["ind_inwilligingen"] == pytest.approx([300.0])
    assert r["ind_afwijzingen"] == pytest.approx([300.0])
    assert r["ind_werkvoorraad"] == pytest.approx([100.0, 700.0])
    assert r["ir_tekort"] == pytest.approx([1200.0])


def test_queue_floor_hand_computed():
    # W: 100,200,..,600 -> first afdoening in month 5 (W+i-f = 50), then 50/month: 7 months
    p = zero_params()
    p["eerste_aanvragen"] = [1200.0]
    p["ind_capaciteit"] = [600.0]
    p["ind_min_werkvoorraad"] = 650.0
    p["ind_werkvoorraad_start_eerste"] = 100.0
    r = run1(p)
    assert r["ind_afdoeningen_totaal"] == pytest.approx([350.0])
    assert r["ind_werkvoorraad"] == pytest.approx([100.0, 950.0])


def test_bntb_does_not_leave_ind_stock():
    p = zero_params()
    p["ind_werkvoorraad_start_herhaald"] = 1000.0
    p["bntb_fractie"] = [0.1]                 # capacity 0: bntb = 0.1 * 1000 every month
    p["rvdr_asiel_capaciteit"] = [240.0]
    r = run1(p)
    assert r["ind_bntb"] == pytest.approx([1200.0])
    assert r["rvdr_asiel_instroom"] == pytest.approx([1200.0])
    assert r["rvdr_asiel_afdoeningen"] == pytest.approx([240.0])
    assert r["ind_werkvoorraad"] == pytest.approx([1000.0, 1000.0])


def test_nareis_lag_with_history():
    p = zero_params()
    p["eerste_aanvragen"] = [1200.0]
    p["ind_capaciteit"] = [1e9]               # everything decided in the month it arrives
    p["inwilligingspercentage_eerste"] = [1.0]
    p["nareis_ratio"] = [0.5]
    p["nareis_vertraging_maanden"] = 2.0
    p["ind_inwilligingen_eerste_historie"] = 2400.0
    r = run1(p)
    assert r["instroom_nareis"] == pytest.approx([2 * 0.5 * 200 + 10 * 0.5 * 100])


def test_dtv_lag_zero_and_history():
    p = zero_params()
    p["herhaalde_aanvragen"] = [1200.0]
    p["ind_capaciteit"] = [1e9]
    p["dtv_overdracht_aandeel"] = [0.5]
    p["ind_afwijzingen_historie"] = 600.0
    r = run1(p)                               # lag 0: 0.5 * 100 per month
    assert r["dtv_instroom_ind"] == pytest.approx([600.0])
    p["dtv_vertraging_maanden"] = 3.0         # 3 months of history (50/month)
    r = run1(p)
    assert r["dtv_instroom_ind"] == pytest.approx([0.5 * (3 * 50 + 9 * 100)])


def test_coa_az_scaling_and_taakstelling():
    p = zero_params()
    p["coa_start_asielzoekers"] = 100.0
    p["az_uitstroom_fractie"] = [0.5]
    p["opvang_aandeel_eerste"] = [1.0]
    p["ind_werkvoorraad_start_eerste"] = 1000.0
    p["ind_capaciteit"] = [2400.0]            # 200/month; inw 100, afw 100, vertrek 50 > AZ 100
    p["inwilligingspercentage_eerste"] = [0.5]
    r = run1(p)                               # factor 0.4 in month 0, AZ empty afterwards
    assert r["coa_uitstroom_vertrek"] == pytest.approx([20.0])
    assert r["coa_statushouders"] == pytest.approx([0.0, 40.0])
    assert r["coa_overig"] == pytest.approx([0.0, 40.0])
    assert r["coa_asielzoekers"] == pytest.approx([100.0, 0.0])

    p = zero_params()
    p["coa_start_statushouders"] = 10000.0
    p["taakstelling_h1"], p["taakstelling_h2"] = [600.0], [1200.0]
    p["realisatiegraad_huisvesting"] = [0.5]
    p["snijverlies"] = [0.2]
    r = run1(p)
    assert r["coa_uitstroom_huisvesting"] == pytest.approx([900.0])
    assert r["coa_capaciteit"] == pytest.approx([12500.0, 9100.0 / 0.8])
    assert r["coa_aandeel_statushouders"] == pytest.approx([1.0, 1.0])


QUEUES = [  # (stock, inflow, outflow, capacity param)
    ("rvdr_asiel_voorraad", "rvdr_asiel_instroom", "rvdr_asiel_afdoeningen", "rvdr_asiel_capaciteit"),
    ("rvs_asiel_voorraad", "rvs_asiel_instroom", "rvs_asiel_afdoeningen", "rvs_asiel_capaciteit"),
    ("bezwaar_regulier_werkvoorraad", "bezwaar_regulier_instroom", "bezwaar_regulier_afdoeningen",
     "bezwaar_capaciteit"),
    ("rvdr_regulier_voorraad", "rvdr_regulier_instroom", "rvdr_regulier_afdoeningen",
     "rvdr_regulier_capaciteit"),
    ("rvs_regulier_voorraad", "rvs_regulier_instroom", "rvs_regulier_afdoeningen",
     "rvs_regulier_capaciteit"),
    ("ind_werkvoorraad", "instroom_totaal", "ind_afdoeningen_totaal", "ind_capaciteit"),
] + [(f"regulier_{c}_werkvoorraad", f"regulier_{c}_instroom", f"regulier_{c}_afdoeningen",
      f"regulier_capaciteit_{c}") for c in ("tev", "vvr_verlenging", "intrekking", "visa", "naturalisatie")]


@pytest.mark.parametrize("seed", range(20))
def test_conservation_and_bounds_random(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 6)
    p = random_params(rng, n)
    r = reference_run(p, 2024, 2024 + n - 1)
    assert set(r) == set(FLOW_KEYS) | set(STOCK_KEYS) | set(COST_SERIES_KEYS)
    assert all(len(r[k]) == n for k in FLOW_KEYS) and all(len(r[k]) == n + 1 for k in STOCK_KEYS)
    tol = 1e-6
    pools = [(s, i, o, None) for s, i, o in [
        ("dtv_caseload", "dtv_instroom", "dtv_vertrek"),
        ("nidos_caseload", "nidos_instroom", "nidos_uitstroom")]]
    for stock, inf, out, cap in QUEUES + pools:
        for y in range(n):
            d = r[stock][y + 1] - r[stock][y]
            assert d == pytest.approx(r[inf][y] - r[out][y], abs=tol * (1 + abs(r[inf][y]))), stock
            if cap:
                assert r[out][y] <= p[cap][y] * (1 + 1e-12) + 1e-9, out
    coa_out = ["coa_uitstroom_huisvesting", "coa_uitstroom_vertrek", "coa_uitstroom_overig"]
    for y in range(n):
        d = r["coa_bezetting"][y + 1] - r["coa_bezetting"][y]
        assert d == pytest.approx(r["coa_instroom"][y] - sum(r[k][y] for k in coa_out), abs=1e-6)
        tot = sum(r[f"ind_afdoeningen_{k}"][y] for k in ("eerste", "herhaald", "nareis", "hervestiging"))
        assert r["ind_afdoeningen_totaal"][y] == pytest.approx(tot)
        assert r["ind_inwilligingen"][y] + r["ind_afwijzingen"][y] == pytest.approx(tot)
    for k in FLOW_KEYS + STOCK_KEYS:
        assert min(r[k]) >= -1e-6, k


def test_costs_hand_computed():
    """One year, constant occupancy 1,200 above a regular capacity of 1,000, a DT&V
    and Nidos caseload that stays put: costs by hand."""
    p = zero_params()
    p["coa_start_asielzoekers"] = 1200.0
    p["dtv_caseload_start"] = 300.0
    p["nidos_caseload_start"] = 50.0
    p["nidos_duur_maanden"] = [1e12]  # nobody leaves
    p["coa_reguliere_capaciteit"] = [1000.0]
    for k, v in {"prijs_coa_regulier": 30000.0, "prijs_coa_noodopvang": 60000.0,
                 "prijs_ind_asiel": 1.0, "prijs_ind_regulier": 1.0, "prijs_dtv": 10000.0,
                 "prijs_nidos": 40000.0, "prijs_rvdr_zaak": 1.0, "prijs_rvs_zaak": 1.0}.items():
        p[k] = [v]
    r = run1(p)
    assert r["kosten_coa"][0] == pytest.approx((1000 * 30000 + 200 * 60000) / 1e6)  # 42
    assert r["kosten_coa_noodopvang"][0] == pytest.approx(200 * 60000 / 1e6)  # 12
    assert r["kosten_dtv"][0] == pytest.approx(3.0)
    assert r["kosten_nidos"][0] == pytest.approx(50 * 40000 / 1e6, rel=1e-9)
    assert r["kosten_ind"][0] == 0.0 and r["kosten_rechtspraak"][0] == 0.0
    assert r["kosten_totaal"][0] == pytest.approx(42 + 3 + 2, rel=1e-9)


def test_no_prices_no_cost_series():
    rng = random.Random(3)
    r = reference_run(random_params(rng, 2, prices=False), 2024, 2025)
    assert not set(r) & set(COST_SERIES_KEYS)
