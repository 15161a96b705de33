"""Bijstelling: comparing two MPP rounds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mpp_xl import Assumptions, run
from mpp_xl.analysis.compare import compare
from mpp_xl.api import compare_files
from mpp_xl.cli import main
from mpp_xl.core.series import SERIES
from tests.analysis.helpers import example, with_param, write
from tests.conftest import EXAMPLE_CSV


def _cmp(a_old: Assumptions, a_new: Assumptions):
    return compare(run(a_old), run(a_new), a_old, a_new)


def test_self_compare_has_no_differences() -> None:
    a = example()
    c = _cmp(a, a)
    assert len(c.verschillen) > 0
    assert (c.verschillen["verschil"] == 0).all()
    assert (c.verschillen["oud"] == c.verschillen["nieuw"]).all()
    assert c.aannames.empty
    assert c.gewijzigde_reeksen == [] and c.toelichting == {}
    assert set(c.verschillen["reeks"]) == set(SERIES)


def test_self_compare_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c.csv"
    assert main(["vergelijk", str(EXAMPLE_CSV), str(EXAMPLE_CSV), "--csv", str(out)]) == 0
    df = pd.read_csv(out)
    assert list(df.columns) == ["reeks", "scenario", "jaar", "oud", "nieuw", "verschil",
                                "procent"]
    assert (df["verschil"] == 0).all()
    assert "Geen verschillen" in capsys.readouterr().out


def test_a_single_changed_assumption_shows_exactly_the_affected_series() -> None:
    # a base where the duration is one value for every scenario and year
    a = with_param(example(), "nidos_duur_maanden", {"alle": 30.0})
    b = with_param(a, "nidos_duur_maanden", {"alle": 30.0 * 0.7})
    c = _cmp(a, b)
    changed = set(c.gewijzigde_reeksen)
    # the duration only acts on the Nidos pool's outflow and stock, and through the
    # caseload on Nidos's cost and the total cost (the example has prices)
    assert changed and all(r.startswith("nidos_") or r in ("kosten_nidos", "kosten_totaal")
                           for r in changed)
    assert {"nidos_uitstroom", "nidos_caseload", "kosten_nidos", "kosten_totaal"} <= changed
    assert "nidos_instroom" not in changed
    assert set(c.aannames["parameter"]) == {"nidos_duur_maanden"}
    assert set(c.aannames["scenario"]) == {"alle"}
    nieuw = c.aannames["nieuw"].astype(float).tolist()
    assert nieuw == pytest.approx([21.0] * len(c.aannames))
    for r in changed:
        assert c.invloed[r] == ["nidos_duur_maanden"]
        assert "nidos_duur_maanden" in c.toelichting[r]
        assert "t.o.v. vorige MPP" in c.toelichting[r]
    # a shorter stay means more outflow: the sentence has a plus sign
    assert "Uitstroom Nidos" in c.toelichting["nidos_uitstroom"]
    assert ": +" in c.toelichting["nidos_uitstroom"]


def test_differences_are_new_minus_old_and_sorted() -> None:
    a = example()
    b = with_param(a, "nidos_duur_maanden", {"alle": 12})
    fa, fb = run(a), run(b)
    c = compare(fa, fb, a, b)
    d = c.verschillen
    assert np.all(np.diff(d["verschil"].abs().to_numpy()) <= 0)
    for rec in d.head(20).to_dict("records"):
        old = fa.value(rec["reeks"], rec["jaar"], rec["scenario"])
        new = fb.value(rec["reeks"], rec["jaar"], rec["scenario"])
        assert rec["oud"] == old and rec["nieuw"] == new
        assert rec["verschil"] == pytest.approx(new - old)
        assert rec["procent"] == pytest.approx(100 * (new - old) / old)


def test_two_changes_are_attributed_separately() -> None:
    a = example()
    r = a.resolve()
    h1 = r.values["taakstelling_h1"][1].tolist()
    h1[2] *= 1.5  # one year, all scenarios
    b = with_param(with_param(a, "nidos_duur_maanden", {"alle": 12}),
                   "taakstelling_h1", {"alle": h1})
    c = _cmp(a, b)
    assert set(c.aannames["parameter"]) == {"nidos_duur_maanden", "taakstelling_h1"}
    th = c.aannames[c.aannames.parameter == "taakstelling_h1"]
    assert th["jaar"].tolist() == [r.startjaar + 2]
    assert c.invloed["nidos_caseload"] == ["nidos_duur_maanden"]
    assert c.invloed["coa_statushouders"] == ["taakstelling_h1"]
    assert c.invloed["coa_uitstroom_huisvesting"] == ["taakstelling_h1"]
    # COA before the changed year is untouched
    d = c.verschillen
    early = d[(d.reeks == "coa_bezetting") & (d.jaar <= r.startjaar + 2)]
    assert (early["verschil"] == 0).all()


def test_per_scenario_change_is_listed_per_scenario() -> None:
    a = example()
    ir = a.resolve().values["eerste_aanvragen"]
    new_max = (ir[2] * 1.1).tolist()
    b = with_param(a, "eerste_aanvragen", {"min": ir[0].tolist(), "medio": ir[1].tolist(),
                                           "max": new_max})
    c = _cmp(a, b)
    assert set(c.aannames["scenario"]) == {"max"}
    d = c.verschillen
    assert (d[d.scenario != "max"]["verschil"] == 0).all()
    assert (d[(d.scenario == "max") & (d.reeks == "instroom_eerste")]["verschil"] > 0).all()
    assert "instroom_eerste" in c.toelichting
    assert " max " in c.toelichting["instroom_eerste"]


def test_different_horizons_compare_the_common_years(tmp_path: Path) -> None:
    a = example()
    r = a.resolve()
    df = a.to_frame()
    last = r.eindjaar
    df = df[df["jaar"].isna() | (df["jaar"] != last)].astype(object)
    df.loc[df.parameter == "eindjaar", "waarde"] = last - 1
    short = Assumptions.from_frame(df)
    c = _cmp(a, short)
    assert c.jaren == (r.startjaar, last - 1)
    d = c.verschillen
    flows = d[d.reeks == "instroom_eerste"]
    assert flows["jaar"].max() == last - 1
    assert d[d.reeks == "coa_bezetting"]["jaar"].max() == last  # 1 jan of the new end+1
    assert (d["verschil"] == 0).all()
    assert c.meldingen and "gemeenschappelijke jaren" in c.meldingen[0]
    assert set(c.aannames["parameter"]) == {"eindjaar"}
    # the file-level helper gives the same
    p_old, p_new = write(a, str(tmp_path / "o.csv")), write(short, str(tmp_path / "n.csv"))
    c2 = compare_files(p_old, p_new)
    assert c2.jaren == c.jaren and len(c2.verschillen) == len(c.verschillen)


def test_compare_cli_prints_sentences(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b = with_param(example(), "nidos_duur_maanden", {"alle": 12})
    new = write(b, str(tmp_path / "nieuw.csv"))
    out, ass = tmp_path / "v.csv", tmp_path / "a.csv"
    assert main(["vergelijk", str(EXAMPLE_CSV), new, "--csv", str(out),
                 "--aannames-csv", str(ass)]) == 0
    text = capsys.readouterr().out
    assert "Nidos-caseload medio" in text and "nidos_duur_maanden" in text
    df = pd.read_csv(out)
    assert df.iloc[0]["reeks"].startswith("nidos_") and df.iloc[0]["verschil"] != 0
    assert pd.read_csv(ass)["parameter"].unique().tolist() == ["nidos_duur_maanden"]


def test_ranking_and_sentence_describe_the_same_medio_change() -> None:
    """A change that is large in min but small in medio: the series is ranked by
    its medio change, the change its sentence names, and the sentence adds the
    larger min change. Checked against the forecasts' own arrays."""
    a = with_param(example(), "nidos_duur_maanden", {"alle": 30.0})
    ir = a.resolve().values["eerste_aanvragen"]
    b = with_param(a, "eerste_aanvragen", {"min": (ir[0] * 1.5).tolist(),
                                           "medio": (ir[1] * 1.002).tolist(),
                                           "max": ir[2].tolist()})
    b = with_param(b, "nidos_duur_maanden", {"alle": 24.0})
    fa, fb = run(a), run(b)
    c = compare(fa, fb, a, b)

    def largest(reeks: str, scen: str) -> tuple[float, int]:
        """(|largest change|, its year) of one scenario, from the raw arrays."""
        i = fa.scenarios.index(scen)
        old, new = fa.data[reeks][i], fb.data[reeks][i]
        d = np.where(np.abs(new - old) > 1e-9 * np.maximum(1, np.maximum(abs(old), abs(new))),
                     new - old, 0.0)
        j = int(np.argmax(np.abs(d)))
        return float(abs(d[j])), fa.startjaar + j

    changed = c.gewijzigde_reeksen
    assert "instroom_eerste" in changed and "nidos_caseload" in changed
    scen = fa.scenarios
    big = {r: {s: largest(r, s)[0] for s in scen} for r in changed}
    # the headline: the largest medio change, else the largest change anywhere
    head = {r: big[r]["medio"] or max(big[r].values()) for r in changed}
    sizes = [head[r] for r in changed]
    assert sizes == sorted(sizes, reverse=True)
    # the largest change of all is in min, and small in medio
    top = max(changed, key=lambda r: max(big[r].values()))
    assert big[top]["min"] == max(big[top].values()) > 10 * big[top]["medio"] > 0
    # it is not ranked by its min change: a series that changes more in medio comes first
    assert changed.index(top) > changed.index("nidos_caseload")
    assert big["nidos_caseload"]["medio"] > big[top]["medio"]

    def when(r: str, y: int) -> str:
        return f"1 jan {y}" if SERIES[r].is_stock else str(y)

    # the sentence names the medio change in the year of the largest medio change …
    t = c.toelichting[top]
    assert t.startswith(f"{SERIES[top].label} medio {when(top, largest(top, 'medio')[1])}: ")
    # … and the larger min change after it
    assert f"grootste wijziging in min: {when(top, largest(top, 'min')[1])}: " in t
    # the addition appears exactly when another scenario changes more than medio
    for r in changed:
        other = max(v for s, v in big[r].items() if s != "medio")
        assert ("grootste wijziging in" in c.toelichting[r]) == \
            (big[r]["medio"] > 0 and other > big[r]["medio"]), r


def test_shared_parameters_are_named_once() -> None:
    from mpp_xl.analysis.compare import shared_params

    # unit: at least half of at least three series, and at least three such keys
    inv = {"r1": ["a", "b", "c", "x"], "r2": ["a", "b", "c"], "r3": ["a", "b", "c"],
           "r4": ["x"]}
    assert shared_params(inv) == ["a", "b", "c", "x"]  # x acts on 2 of 4: half
    assert shared_params({k: v for k, v in inv.items() if k != "r4"}) == ["a", "b", "c"]
    assert shared_params({"r1": ["a", "b"], "r2": ["a", "b"], "r3": ["a", "b"]}) == []
    assert shared_params({"r1": ["a", "b", "c"], "r2": ["a", "b", "c"]}) == []

    # end to end: three IND start stocks move the same chain, the Nidos stay only Nidos
    a = with_param(example(), "nidos_duur_maanden", {"alle": 30.0})
    r = a.resolve()
    keys = ["ind_werkvoorraad_start_eerste", "ind_werkvoorraad_start_herhaald",
            "ind_werkvoorraad_start_nareis"]
    b = a
    for k in keys:
        b = with_param(b, k, {"alle": float(r.values[k].ravel()[0]) * 1.3 + 500})
    b = with_param(b, "nidos_duur_maanden", {"alle": 24.0})
    c = _cmp(a, b)
    acting = {k: [s for s in c.gewijzigde_reeksen if k in c.invloed[s]] for k in keys}
    n = len(c.gewijzigde_reeksen)
    assert all(2 * len(v) >= n for v in acting.values())  # the premise of the test
    assert set(c.gedeelde_aannames) == set(keys)
    head = c.gedeelde_zin()
    assert all(f"({k})" in head for k in keys) and "nidos_duur_maanden" not in head
    for s in c.gewijzigde_reeksen:
        t = c.toelichting[s]
        assert not any(k in t for k in keys), t  # never repeated in a sentence
        if set(keys) <= set(c.invloed[s]):
            assert "de gemeenschappelijke aannames (zie boven)" in t
        assert ("nidos_duur_maanden" in t) == ("nidos_duur_maanden" in c.invloed[s])
