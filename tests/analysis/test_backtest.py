"""Backtesting a forecast against realisations, on a constructed case."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mpp_xl
from mpp_xl import Forecast, MppError
from mpp_xl.analysis.backtest import backtest, read_realisaties
from mpp_xl.cli import main
from tests.conftest import EXAMPLE_CSV

REFERENCE = Path(__file__).resolve().parents[2] / "referentie" / "realisaties.csv"
EXAMPLE_REALISATIES = Path(__file__).resolve().parents[2] / "workbooks" / "realisaties_voorbeeld.csv"


@pytest.fixture
def forecast() -> Forecast:
    # rows min, medio, max; a flow over 2024-2025 and a stock per 1 jan 2024-2026
    data = {
        "instroom_eerste": np.array([[20000.0, 21000.0],
                                     [40000.0, 42000.0],
                                     [50000.0, 55000.0]]),
        # an unordered band on purpose (min above max in 2025)
        "coa_bezetting": np.array([[60000.0, 80000.0, 50000.0],
                                   [60000.0, 70000.0, 75000.0],
                                   [60000.0, 65000.0, 90000.0]]),
    }
    return Forecast(2024, 2025, ("min", "medio", "max"), data)


def _real(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["reeks", "jaar", "waarde", "bron"])


def test_known_errors_and_band(forecast: Forecast) -> None:
    real = _real([
        ("instroom_eerste", 2024, 32000, "CBS"),      # inside, medio 8000 too high
        ("instroom_eerste", 2025, 60000, "CBS"),      # above max
        ("coa_bezetting", 2025, 78000, "COA"),        # inside the ordered band 65000..80000
        ("coa_bezetting", 2026, 50000, ""),           # on the lower bound: inside
        ("coa_bezetting", 2024, 59999, ""),           # just below a collapsed band
    ])
    bt = backtest(forecast, real)
    t = bt.tabel.set_index(["reeks", "jaar"])
    r = t.loc[("instroom_eerste", 2024)]
    assert (r["realisatie"], r["min"], r["medio"], r["max"]) == (32000, 20000, 40000, 50000)
    assert r["fout"] == 8000 and r["procent"] == pytest.approx(25.0)
    assert bool(r["binnen_band"]) and r["bron"] == "CBS"
    r = t.loc[("instroom_eerste", 2025)]
    assert r["fout"] == -18000 and r["procent"] == pytest.approx(-30.0)
    assert not r["binnen_band"]
    r = t.loc[("coa_bezetting", 2025)]
    assert r["fout"] == -8000 and bool(r["binnen_band"])
    assert bool(t.loc[("coa_bezetting", 2026)]["binnen_band"])
    assert not t.loc[("coa_bezetting", 2024)]["binnen_band"]
    # registry order: flows of instroom before COA, years ascending
    assert list(bt.tabel["reeks"]) == ["instroom_eerste"] * 2 + ["coa_bezetting"] * 3
    assert list(bt.tabel[bt.tabel.reeks == "coa_bezetting"]["jaar"]) == [2024, 2025, 2026]
    s = bt.samenvatting().set_index("reeks")
    assert s.loc["instroom_eerste", "aantal"] == 2
    assert s.loc["instroom_eerste", "binnen_band"] == 1
    assert s.loc["instroom_eerste", "gem_abs_procent"] == pytest.approx(27.5)


def test_unknown_series_and_years_are_skipped_with_a_message(forecast: Forecast) -> None:
    real = _real([
        ("instroom_eerste", 2024, 40000, ""),
        ("instroom_eerste", 2026, 40000, ""),   # flow: 2026 is beyond the horizon
        ("bestaat_niet", 2024, 1, ""),
        ("dtv_caseload", 2024, 1, ""),          # a real series, but not in this forecast
        ("instroom_eerste", 2019, 1, ""),
    ])
    bt = backtest(forecast, real)
    assert len(bt.tabel) == 1 and bt.tabel.iloc[0]["fout"] == 0
    text = " ".join(bt.meldingen)
    assert "bestaat_niet" in text and "dtv_caseload" in text
    assert "2 realisatie(s) vallen buiten" in text


def test_zero_realisation_has_no_percentage(forecast: Forecast) -> None:
    bt = backtest(forecast, _real([("instroom_eerste", 2024, 0, "")]))
    assert math.isnan(bt.tabel.iloc[0]["procent"])
    assert bt.tabel.iloc[0]["fout"] == 40000


def test_bad_realisation_files(tmp_path: Path, forecast: Forecast) -> None:
    p = tmp_path / "r.csv"
    p.write_text("reeks,waarde\ninstroom_eerste,5\n", encoding="utf-8")
    with pytest.raises(MppError, match="jaar"):
        read_realisaties(p)
    p.write_text("reeks,jaar,waarde\ninstroom_eerste,2024,veel\n", encoding="utf-8")
    with pytest.raises(MppError, match="regel 2.*geen getal"):
        read_realisaties(p)
    p.write_text("reeks,jaar,waarde\ninstroom_eerste,2024,5\ninstroom_eerste,2024,6\n",
                 encoding="utf-8")
    with pytest.raises(MppError, match="dubbele"):
        read_realisaties(p)
    with pytest.raises(MppError, match="niet gevonden"):
        read_realisaties(tmp_path / "geen.csv")


def test_reference_file_with_extra_columns(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    real = read_realisaties(REFERENCE)
    assert list(real.columns) == ["reeks", "jaar", "maand", "waarde", "bron"]
    out = tmp_path / "bt.csv"
    assert main(["terugtoets", str(EXAMPLE_CSV), str(REFERENCE), "--csv", str(out)]) == 0
    df = pd.read_csv(out)
    assert list(df.columns) == ["reeks", "jaar", "realisatie", "min", "medio", "max", "fout",
                                "procent", "procentpunt", "binnen_band", "bron"]
    assert len(df) > 0 and df["jaar"].min() >= 2024
    src = pd.read_csv(REFERENCE)
    row = df[(df.reeks == "instroom_eerste") & (df.jaar == 2024)].iloc[0]
    want = src[(src.reeks == "instroom_eerste") & (src.jaar == 2024)]["waarde"].item()
    assert row["realisatie"] == want
    assert row["fout"] == pytest.approx(row["medio"] - want)
    err = capsys.readouterr().err
    assert "buiten de jaren" in err
    assert main(["terugtoets", str(EXAMPLE_CSV), str(REFERENCE)]) == 0
    assert "binnen de band" in capsys.readouterr().out


def test_backtest_csv_says_ja_or_nee(tmp_path: Path) -> None:
    out = tmp_path / "bt.csv"
    assert main(["backtest", str(EXAMPLE_CSV), str(EXAMPLE_REALISATIES), "--csv", str(out)]) == 0
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(df["binnen_band"]) == {"ja", "nee"}
    # a realisation equal to a flat band (hervestiging 760 in every scenario) is inside it
    assert df.set_index("reeks").loc["instroom_hervestiging", "binnen_band"] == "ja"


def test_example_realisations_name_their_definition_and_series() -> None:
    """Every row of the example realisations names its definition and maps to a
    series with that definition: inflow without hervestiging, decisions without nareis."""
    from mpp_xl.core.series import SERIES

    df = pd.read_csv(EXAMPLE_REALISATIES, dtype=str, keep_default_na=False)
    assert (df["definitie"].str.len() > 10).all() and set(df["reeks"]) <= set(SERIES)
    by = df.set_index("reeks")["definitie"]
    assert "zonder hervestiging" in by["instroom_asiel_excl_hervestiging"]
    assert "zonder nareis" in by["ind_afdoeningen_eerste_herhaald"]
    assert "instroom_totaal" not in by and "ind_afdoeningen_totaal" not in by
    # the two definition series add up as their names say
    fc = mpp_xl.run(mpp_xl.read_assumptions(EXAMPLE_CSV))
    d = fc.data
    np.testing.assert_allclose(d["instroom_asiel_excl_hervestiging"],
                               d["instroom_totaal"] - d["instroom_hervestiging"])
    np.testing.assert_allclose(d["ind_afdoeningen_eerste_herhaald"],
                               d["ind_afdoeningen_eerste"] + d["ind_afdoeningen_herhaald"])
