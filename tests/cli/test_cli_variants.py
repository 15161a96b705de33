"""mpp varianten and mpp gevoeligheid on the command line: the issue's example
through the CLI equals the ordinary engine on hand-changed assumptions; bad
rows give exit 2 with the row named and nothing written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mpp_xl.analysis.forecast import run
from mpp_xl.cli import main
from mpp_xl.core.assumptions import Assumptions
from mpp_xl.core.registry import ENGINE_KEYS
from mpp_xl.core.series import SERIES
from tests.conftest import EXAMPLE_CSV

VARIANTS = """variant,parameter,scenario,jaar,bewerking,waarde,toelichting
combi,ind_capaciteit,alle,,*,1.2,meer IND
combi,eerste_aanvragen,medio,2026,=,30000,lager
combi,nareis_ratio,alle,2026-2028,*,0.6,nareis
alleen_ind,ind_capaciteit,alle,,+,2000,2.000 beslissingen extra
"""


def _hand(tmp_path: Path) -> pd.DataFrame:
    df = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)
    cap = df["parameter"] == "ind_capaciteit"
    df.loc[cap, "waarde"] = [str(float(x) * 1.2) for x in df.loc[cap, "waarde"]]
    ea = (df.parameter == "eerste_aanvragen") & (df.scenario == "medio") & (df.jaar == "2026")
    df.loc[ea, "waarde"] = "30000"
    nr = (df.parameter == "nareis_ratio") & df.jaar.isin(["2026", "2027", "2028"])
    df.loc[nr, "waarde"] = [str(float(x) * 0.6) for x in df.loc[nr, "waarde"]]
    p = tmp_path / "hand.csv"
    df.to_csv(p, index=False)
    return run(Assumptions.from_csv(p)).to_frame()


def test_varianten_csv_equals_hand_changed(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    v = tmp_path / "v.csv"
    v.write_text(VARIANTS, encoding="utf-8")
    out = tmp_path / "uit.csv"
    assert main(["varianten", str(EXAMPLE_CSV), "--varianten", str(v), "--csv", str(out)]) == 0
    df = pd.read_csv(out)
    assert list(df.columns) == ["variant", "reeks", "scenario", "jaar", "waarde", "basis",
                                "verschil"]
    assert set(df["variant"]) == {"combi", "alleen_ind"} and set(df["reeks"]) == set(SERIES)
    combi = df[df.variant == "combi"].set_index(["reeks", "scenario", "jaar"])
    hand = _hand(tmp_path).set_index(["reeks", "scenario", "jaar"])["waarde"]
    # the CSV keeps 12 significant digits
    np.testing.assert_allclose(combi["waarde"], hand.loc[combi.index], rtol=1e-11, atol=1e-6)
    base = run(Assumptions.from_csv(EXAMPLE_CSV)).to_frame().set_index(
        ["reeks", "scenario", "jaar"])["waarde"]
    np.testing.assert_allclose(combi["basis"], base.loc[combi.index], rtol=1e-11, atol=1e-6)
    text = capsys.readouterr().out
    assert "Variant 'combi'" in text and "COA-bezetting" in text and "−" in text


BAD = """variant,parameter,scenario,jaar,bewerking,waarde,toelichting
goed,ind_capaciteit,alle,,*,1.1,
fout,nidos_aandeel,alle,,*,1.5,
fout,eerste_aanvragen,medio,2031,=,30000,
"""


def test_bad_rows_exit_2_row_named_nothing_written(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    v = tmp_path / "v.csv"
    v.write_text(BAD, encoding="utf-8")
    out = tmp_path / "uit.csv"
    assert main(["varianten", str(EXAMPLE_CSV), "--varianten", str(v), "--csv", str(out)]) == 2
    err = capsys.readouterr().err
    assert "v.csv!regel 3" in err and "variant_buiten_grenzen" in err
    assert "v.csv!regel 4" in err and "jaar_buiten_horizon" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_varianten_needs_a_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["varianten", str(EXAMPLE_CSV)]) == 2
    assert "--varianten" in capsys.readouterr().err
    assert main(["varianten", str(EXAMPLE_CSV), "--varianten", str(tmp_path / "geen.csv")]) == 2


def test_gevoeligheid_csv_lists_every_parameter(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g.csv"
    assert main(["gevoeligheid", str(EXAMPLE_CSV), "--reeks", "ind_werkvoorraad", "--jaar",
                 "2027", "--stap", "5", "--csv", str(out)]) == 0
    df = pd.read_csv(out, keep_default_na=False)
    assert list(df.columns[:8]) == ["parameter", "basis", "laag", "hoog", "uitkomst_laag",
                                    "uitkomst_hoog", "zwaai", "begrensd"]
    assert sorted(df["parameter"]) == sorted(ENGINE_KEYS)
    assert set(df["begrensd"]) <= {"ja", "nee"}
    # one swing by hand: ind_capaciteit × 0,95 and × 1,05 in every year and scenario
    r = Assumptions.from_csv(EXAMPLE_CSV).resolve()
    from mpp_xl.analysis.forecast import run_resolved
    from mpp_xl.core.assumptions import Resolved
    u = []
    for f in (0.95, 1.05):
        vals = dict(r.values)
        vals["ind_capaciteit"] = r.values["ind_capaciteit"] * f
        u.append(run_resolved(Resolved(r.startjaar, r.eindjaar, r.scenarios, vals))
                 .value("ind_werkvoorraad", 2027, "medio"))
    row = df[df.parameter == "ind_capaciteit"].iloc[0]
    assert row["zwaai"] == pytest.approx(u[1] - u[0], rel=1e-9)
    assert "ind_werkvoorraad" in capsys.readouterr().out


def test_gevoeligheid_bad_target_exit_2(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g.csv"
    assert main(["gevoeligheid", str(EXAMPLE_CSV), "--reeks", "coa_bezeting", "--stap", "0",
                 "--csv", str(out)]) == 2
    err = capsys.readouterr().err
    assert "coa_bezetting" in err and "stap" in err
    assert not out.exists()


def test_bouw_refuses_bad_variants_and_writes_nothing(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    v = tmp_path / "v.csv"
    v.write_text(BAD, encoding="utf-8")
    out = tmp_path / "m.xlsx"
    assert main(["bouw", str(EXAMPLE_CSV), "-o", str(out), "--varianten", str(v)]) == 2
    err = capsys.readouterr().err
    assert "v.csv!regel 3" in err and "variant_buiten_grenzen" in err
    assert not out.exists() and list(tmp_path.iterdir()) == [v]
