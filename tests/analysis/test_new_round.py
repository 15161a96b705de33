"""The pure part of a new round: carried assumptions, start stocks, history inputs,
the request's checks and monthly realisations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpp_xl.analysis.backtest import read_realisaties, realisaties_from_frame
from mpp_xl.analysis.forecast import Forecast, run
from mpp_xl.analysis.monthly import run_monthly
from mpp_xl.analysis.new_round import (
    REALISATION_SERIES,
    START_STOCKS,
    NewRound,
    RoundRequest,
    carry,
    check_request,
)
from mpp_xl.core.assumptions import Assumptions
from mpp_xl.core.problems import MppError
from mpp_xl.core.registry import PARAMETERS
from tests.conftest import EXAMPLE_CSV, ROOT

REAL = ROOT / "referentie" / "realisaties.csv"
#: Start stock parameter -> the yearly result series that is its value on 1 jan.
STOCK_SERIES = {p: s for p, s in START_STOCKS.items() if not p.startswith("ind_werkvoorraad")}


@pytest.fixture(scope="module")
def old() -> tuple[Assumptions, Forecast]:
    a = Assumptions.from_csv(EXAMPLE_CSV)
    return a, run(a)


def _roll(old: tuple[Assumptions, Forecast], real: pd.DataFrame | None,
          req: RoundRequest | None = None) -> tuple[NewRound, Forecast]:
    a, _ = old
    r = a.resolve()
    nr = carry(a, r, run_monthly(r), real, req or RoundRequest("2025-1", "2025-01-01"),
               "mpp_2024_2.xlsm", "ronde 2024-2#abc")
    return nr, run(nr.assumptions())


def test_horizon_and_assumptions_extend(old: tuple[Assumptions, Forecast]) -> None:
    nr, fc = _roll(old, read_realisaties(REAL, REALISATION_SERIES))
    assert (fc.startjaar, fc.eindjaar) == (2025, 2029)
    assert fc.years("instroom_eerste") == [2025, 2026, 2027, 2028, 2029]
    new = pd.DataFrame([r.__dict__ for r in nr.rows])
    src = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)
    per_year = src[src["jaar"] != ""]
    assert len(per_year) > 50
    # no value before the new start survives
    assert not (new["jaar"].notna() & (new["jaar"].fillna(0) < 2025)).any()
    for (key, scen), grp in per_year.groupby(["parameter", "scenario"]):
        by_year = dict(zip(grp["jaar"].astype(int), grp["waarde"].astype(float), strict=True))
        mine = new[(new["parameter"] == key) & (new["scenario"] == scen)]
        got = dict(zip(mine["jaar"].astype(int), mine["waarde"].astype(float), strict=True))
        assert got[2029] == by_year[2028], key
        for y in (2025, 2026, 2027, 2028):
            assert got[y] == by_year[y], (key, y)
        assert set(got) == {2025, 2026, 2027, 2028, 2029}
        assert all(b.startswith("doorgetrokken uit MPP 2024-2") for b in mine["bron"])
    # single values carried with the same value and a carried Bron
    singles = src[(src["jaar"] == "") & src["parameter"].isin(
        [k for k, p in PARAMETERS.items() if p.sheet != "Kader"])
        & ~src["parameter"].isin(list(START_STOCKS) + ["ind_inwilligingen_eerste_historie",
                                                      "ind_afwijzingen_historie"])]
    for rec in singles.to_dict("records"):
        mine = new[(new["parameter"] == rec["parameter"]) & (new["scenario"] == rec["scenario"])]
        assert float(mine["waarde"].iloc[0]) == float(rec["waarde"])
        assert mine["bron"].iloc[0].startswith("doorgetrokken uit MPP 2024-2")


def test_start_stocks_are_old_medio_forecast(old: tuple[Assumptions, Forecast]) -> None:
    _, old_fc = old
    nr, fc = _roll(old, read_realisaties(REAL, REALISATION_SERIES))
    for reeks in ("ind_werkvoorraad", "coa_bezetting", "dtv_caseload", "nidos_caseload",
                  "rvdr_asiel_voorraad", "rvs_asiel_voorraad", "rvdr_regulier_voorraad",
                  "rvs_regulier_voorraad", "bezwaar_regulier_werkvoorraad",
                  "regulier_tev_werkvoorraad", "regulier_visa_werkvoorraad"):
        want = old_fc.value(reeks, 2025, "medio")
        for s in ("min", "medio", "max"):
            assert fc.value(reeks, 2025, s) == pytest.approx(want, rel=1e-12), (reeks, s)
    # the old round's scenarios differ on that date: the test can fail
    assert old_fc.value("ind_werkvoorraad", 2025, "min") < old_fc.value(
        "ind_werkvoorraad", 2025, "max")
    for s in ("min", "medio", "max"):
        assert fc.value("coa_aandeel_statushouders", 2025, s) == pytest.approx(0.26, abs=1e-12)
    # asielzoekers : overig as in the old medio forecast
    ratio = old_fc.value("coa_asielzoekers", 2025, "medio") / old_fc.value(
        "coa_overig", 2025, "medio")
    assert fc.value("coa_asielzoekers", 2025, "medio") / fc.value(
        "coa_overig", 2025, "medio") == pytest.approx(ratio, rel=1e-12)
    assert "26%" in nr.herkomst["coa_start_statushouders"]
    assert nr.herkomst["dtv_caseload_start"].startswith("Prognose MPP 2024-2 (medio)")


def test_realised_stock_wins(old: tuple[Assumptions, Forecast]) -> None:
    _, old_fc = old
    real = realisaties_from_frame(pd.DataFrame({
        "reeks": ["dtv_caseload", "ind_werkvoorraad", "nidos_caseload"],
        "jaar": ["2025", "2025", "2025"], "maand": ["", "", "1"],
        "waarde": ["12345", "40000", "9000"], "bron": ["DT&V", "IND", "Nidos"]}),
        known=REALISATION_SERIES)
    nr, fc = _roll(old, real)
    for s in ("min", "medio", "max"):
        assert fc.value("dtv_caseload", 2025, s) == 12345
        assert fc.value("nidos_caseload", 2025, s) == 9000
        assert fc.value("ind_werkvoorraad", 2025, s) == pytest.approx(40000, rel=1e-12)
    assert nr.herkomst["dtv_caseload_start"] == "Realisatie 1 jan 2025 (DT&V)"
    # the IND total split like the old medio forecast's categories
    rows = {r.parameter: float(r.waarde) for r in nr.rows  # type: ignore[arg-type]
            if r.parameter.startswith("ind_werkvoorraad_start_")}
    old_eerste = run_monthly(old[0].resolve()).stock_on("ind_werkvoorraad_eerste", 2025)[1]
    assert rows["ind_werkvoorraad_start_eerste"] == pytest.approx(
        40000 * old_eerste / old_fc.value("ind_werkvoorraad", 2025, "medio"), rel=1e-12)


def test_history_from_old_results(old: tuple[Assumptions, Forecast]) -> None:
    a, old_fc = old
    nr, _ = _roll(old, None)
    r = a.resolve()
    med = r.scenarios.index("medio")
    j = 2024 - r.startjaar
    pct = {k: r.values[f"inwilligingspercentage_{k}"][med, j] for k in ("eerste", "herhaald")}
    afd = {k: old_fc.value(f"ind_afdoeningen_{k}", 2024, "medio") for k in pct}
    rows = {x.parameter: float(x.waarde) for x in nr.rows  # type: ignore[arg-type]
            if x.parameter.endswith("_historie")}
    assert rows["ind_inwilligingen_eerste_historie"] == pytest.approx(
        pct["eerste"] * afd["eerste"], rel=1e-9)
    assert rows["ind_afwijzingen_historie"] == pytest.approx(
        sum((1 - pct[k]) * afd[k] for k in pct), rel=1e-9)
    assert rows["ind_inwilligingen_eerste_historie"] != 13280  # not the old value


def test_kader_of_the_new_round(old: tuple[Assumptions, Forecast]) -> None:
    nr, fc = _roll(old, None)
    kader = {r.parameter: r for r in nr.rows if PARAMETERS[r.parameter].sheet == "Kader"}
    assert kader["mpp_versie"].waarde == "2025-1"
    assert kader["peildatum"].waarde == "2025-01-01"
    assert kader["vorige_mpp"].waarde == "mpp_2024_2.xlsm"
    assert kader["vorige_mpp"].bron == "ronde 2024-2#abc"
    assert fc.text["mpp_versie"] == "2025-1"


@pytest.mark.parametrize(("req", "needle"), [
    (RoundRequest("2025-1", "2024-06-01"), "ligt niet na de peildatum"),
    (RoundRequest("2025-1", "2024-01-01"), "ligt niet na de peildatum"),
    (RoundRequest("2025-1", "1-1-2025"), "geen datum"),
    (RoundRequest("2024-2", "2025-01-01"), "versie van de vorige ronde"),
    (RoundRequest("2025-1", "2025-01-01", startjaar=2031), "Startjaar 2031 kan niet"),
    (RoundRequest("2025-1", "2025-01-01", startjaar=2023), "Startjaar 2023 kan niet"),
    (RoundRequest("2025-1", "2025-01-01", eindjaar=2050), "Eindjaar 2050 kan niet"),
])
def test_request_refused(old: tuple[Assumptions, Forecast], req: RoundRequest,
                         needle: str) -> None:
    msgs = check_request(old[0].resolve(), req)
    assert any(needle in m for m in msgs), msgs


def test_request_fine(old: tuple[Assumptions, Forecast]) -> None:
    assert check_request(old[0].resolve(), RoundRequest("2025-1", "2025-01-01")) == []


def test_monthly_realisations_checked(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text("reeks,jaar,maand,waarde,bron\ninstroom_eerste,2024,13,100,x\n"
                 "bestaat_niet,2024,,5,x\ninstroom_eerste,2024,0,1,x\n"
                 "instroom_eerste,2024,3,2500,x\n", encoding="utf-8")
    with pytest.raises(MppError) as e:
        read_realisaties(p, REALISATION_SERIES)
    msg = str(e.value)
    assert "regel 2: maand '13' ligt niet tussen 1 en 12" in msg
    assert "regel 3: onbekende reeks 'bestaat_niet'" in msg
    assert "regel 4: maand '0'" in msg
    assert "regel 5" not in msg
    p.write_text("reeks,jaar,maand,waarde\ninstroom_eerste,2024,3,1\ninstroom_eerste,2024,3,2\n"
                 "instroom_eerste,2024,,30\n", encoding="utf-8")
    with pytest.raises(MppError, match="dubbele realisatie voor instroom_eerste 2024-03"):
        read_realisaties(p)
    p.write_text("reeks,jaar,maand,waarde\ninstroom_eerste,2024,3,1\ninstroom_eerste,2024,,2\n",
                 encoding="utf-8")
    real = read_realisaties(p)
    assert list(real["maand"]) == [3, None]
    assert np.array_equal(real["waarde"].to_numpy(), [1.0, 2.0])


def test_same_start_year_keeps_start_stocks(old: tuple[Assumptions, Forecast]) -> None:
    """A second round in the same year (e.g. 2024-2 after 2024-1) may keep the start
    year: the start stocks are then the old ones, history is carried unchanged."""
    a, old_fc = old
    nr, fc = _roll(old, None, RoundRequest("2024-3", "2024-12-01", startjaar=2024))
    assert (fc.startjaar, fc.eindjaar) == (2024, 2028)
    for reeks in ("ind_werkvoorraad", "coa_bezetting", "dtv_caseload"):
        for s in ("min", "medio", "max"):
            assert fc.value(reeks, 2024, s) == pytest.approx(
                old_fc.value(reeks, 2024, "medio"), rel=1e-12)
    hist = {r.parameter: r for r in nr.rows if r.parameter.endswith("_historie")}
    assert float(hist["ind_inwilligingen_eerste_historie"].waarde) == 13280  # type: ignore[arg-type]
    assert hist["ind_inwilligingen_eerste_historie"].bron.startswith("doorgetrokken uit MPP")


#: The example as the old round, for the property test (hypothesis runs it many times).
_OLD = (Assumptions.from_csv(EXAMPLE_CSV), run(Assumptions.from_csv(EXAMPLE_CSV)))
_OLD_MONTHLY = run_monthly(_OLD[0].resolve())


@settings(max_examples=20, deadline=None)
@given(st.integers(2024, 2029), st.integers(0, 12))
def test_carry_property_any_horizon(start: int, length: int) -> None:
    """For any allowed horizon: every per-year row has exactly the new years; a year in
    the old horizon keeps its value, a later year takes the old last year's value."""
    a, old_fc = _OLD
    r = a.resolve()
    end = start + length
    nr = carry(a, r, _OLD_MONTHLY, None, RoundRequest("2025-1", "2025-01-01", start, end),
               "oud.xlsm", "x")
    src = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)
    per_year = src[src["jaar"] != ""]
    new = pd.DataFrame([x.__dict__ for x in nr.rows])
    for (key, scen), grp in per_year.groupby(["parameter", "scenario"]):
        old_vals = dict(zip(grp["jaar"].astype(int), grp["waarde"].astype(float), strict=True))
        mine = new[(new["parameter"] == key) & (new["scenario"] == scen)]
        got = dict(zip(mine["jaar"].astype(int), mine["waarde"].astype(float), strict=True))
        assert set(got) == set(range(start, end + 1)), key
        for y, v in got.items():
            assert v == old_vals[min(y, 2028)], (key, y)
    assert check_request(r, RoundRequest("2025-1", "2025-01-01", start, end)) == []
    assert old_fc.startjaar == 2024
