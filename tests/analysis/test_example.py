"""The MPP 2024-2 example: ordered scenarios, the published total-inflow band,
a steady nareis profile, a source for every assumption, and the notice that it
is a calibrated example (docs/calibratie.md explains every exception; the
tests read its tables, so the explanation and the check cannot drift apart)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import mpp_xl
from mpp_xl.analysis.uncertainty import simulate
from mpp_xl.core.registry import PARAMETERS
from mpp_xl.core.series import SERIES
from mpp_xl.engine.context import Months
from mpp_xl.engine.ind import K_NAREIS, ind_asiel
from mpp_xl.engine.instroom import instroom
from tests.conftest import EXAMPLE_CSV, ROOT

CALIBRATIE = ROOT / "docs" / "calibratie.md"
REFERENCE = ROOT / "referentie" / "mpp_2024_2_gepubliceerd.csv"


def doc_table(heading: str) -> list[dict[str, str]]:
    """The first Markdown table under ``## heading`` in docs/calibratie.md, as
    rows of column -> cell text."""
    text = CALIBRATIE.read_text(encoding="utf-8")
    m = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, f"docs/calibratie.md heeft geen sectie '{heading}'"
    lines = [ln.strip() for ln in m.group(1).splitlines() if ln.strip().startswith("|")]
    assert len(lines) >= 2, f"geen tabel onder '{heading}'"
    cells = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines]
    head = cells[0]
    return [dict(zip(head, r, strict=True)) for r in cells[2:]]


@pytest.fixture(scope="module")
def forecast() -> mpp_xl.Forecast:
    return mpp_xl.run(mpp_xl.read_assumptions(EXAMPLE_CSV))


def crossing_series(fc: mpp_xl.Forecast) -> set[str]:
    """Main series where min <= medio <= max fails in some year (margin 0.5;
    shares 0.0005), the same rule as the Controles sheet."""
    out = set()
    i = [fc.scenarios.index(s) for s in ("min", "medio", "max")]
    for key, s in SERIES.items():
        if not s.main:
            continue
        a = fc.data[key]
        margin = 0.0005 if s.unit == "fractie" else 0.5
        if ((a[i[0]] > a[i[1]] + margin) | (a[i[1]] > a[i[2]] + margin)).any():
            out.add(key)
    return out


def test_no_unexplained_scenario_crossing(forecast: mpp_xl.Forecast) -> None:
    explained = {r["reeks"]: r["reden"] for r in doc_table("Kruisende scenario's")}
    assert all(len(reason) > 10 for reason in explained.values())
    crossing = crossing_series(forecast)
    assert crossing - set(explained) == set(), "kruisend zonder uitleg in docs/calibratie.md"
    assert set(explained) - crossing == set(), "uitgelegd in docs/calibratie.md maar kruist niet"


def test_crossing_check_sees_a_crossing() -> None:
    """The check itself can fail: a max below medio is found."""
    a = mpp_xl.read_assumptions(EXAMPLE_CSV)
    r = a.resolve()
    v = r.values["eerste_aanvragen"]
    v[r.scenarios.index("max")] = 0.5 * v[r.scenarios.index("medio")]
    assert "instroom_eerste" in crossing_series(mpp_xl.run_resolved(r))


def _published_band() -> dict[tuple[int, float], float]:
    ref = pd.read_csv(REFERENCE)
    out = {}
    for rec in ref.to_dict("records"):
        if str(rec["reeks"]).startswith("instroom_totaal_band_p"):
            p = 12.5 if rec["reeks"].endswith("p12_5") else 87.5
            out[(int(rec["jaar"]), p)] = float(rec["waarde"])
    return out


def test_published_total_inflow_band() -> None:
    """P12.5 and P87.5 of instroom_totaal (default method, Kader settings) within
    max(1 %, 200) of the publication, except the documented rows, which must
    really miss and carry a reason."""
    pub = _published_band()
    assert len(pub) == 4
    rows = doc_table("Onzekerheidsband totale asielinstroom")
    reasons = {(int(r["jaar"]), float(r["percentiel"].replace(",", "."))): r["reden"]
               for r in rows}
    assert set(reasons) == set(pub)
    bands = simulate(mpp_xl.read_assumptions(EXAMPLE_CSV).resolve())
    assert bands.methode == "alle_aannames" and bands.draws == 10_000
    problems = []
    for (jaar, p), want in pub.items():
        got = bands.value("instroom_totaal", jaar, p)
        documented = rows[[(int(r["jaar"]), float(r["percentiel"].replace(",", ".")))
                           for r in rows].index((jaar, p))]
        shown = float(documented["model"].replace(".", ""))
        assert abs(shown - got) <= 1.0, f"docs/calibratie.md toont {shown}, model {got:.0f}"
        inside = abs(got - want) <= max(0.01 * want, 200.0)
        if inside == bool(reasons[(jaar, p)]):
            problems.append(f"{jaar} P{p}: gepubliceerd {want:g}, model {got:.0f}, "
                            f"reden in docs: {reasons[(jaar, p)] or '-'}")
    assert not problems, "\n".join(problems)


def test_nareis_is_steady_within_2024(forecast: mpp_xl.Forecast) -> None:
    """Nareis in 2024 comes from the 2023 grants (history, 12-month lag): the same
    every month, no quarter spike; later months follow the grants of a year earlier."""
    r = mpp_xl.read_assumptions(EXAMPLE_CSV).resolve()
    m = Months(r.values, r.n_years)
    ins = instroom(m)
    nar = ind_asiel(m, ins["eerste"], ins["herhaald"], ins["hervestiging"]).instroom_k[:, K_NAREIS]
    medio = nar[:, r.scenarios.index("medio")]
    assert np.ptp(medio[:12]) < 1e-9 * medio[0]
    assert 900 <= medio[0] <= 1300  # realised 2024: ~990 a month
    # no month of the horizon more than 40 % above the year's mean
    per_year = medio.reshape(-1, 12)
    assert (per_year.max(axis=1) <= 1.4 * per_year.mean(axis=1)).all()
    assert forecast.value("instroom_nareis", 2024, "medio") == pytest.approx(12 * medio[0])


def test_every_example_assumption_has_a_source() -> None:
    df = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)
    assert "bron" in df.columns
    empty = df[df["bron"].str.strip() == ""]
    assert empty.empty, f"zonder bron: {sorted(set(empty['parameter']))}"
    kinds = ("Publicatie", "Realisatie", "Planningsnorm", "Aanname", "Gekalibreerd",
             "Plaatshouder", "Wettelijke", "IND", "Zie docs")
    odd = sorted({p for p, b in zip(df["parameter"], df["bron"], strict=True)
                  if not b.startswith(kinds)})
    assert not odd, f"bron zonder soort: {odd}"
    # the regular chain is marked as a placeholder
    reg = df[df["parameter"].str.startswith("regulier_")]
    assert len(reg) and reg["bron"].str.startswith("Plaatshouder").all()
    # each parameter of the example is known to the registry
    assert set(df["parameter"]) <= set(PARAMETERS)


def test_example_scenario_dependence_is_only_the_inflow() -> None:
    """Housing, IND capacity and every other partner assumption are one path for all
    scenarios; only first applications and the amv share differ."""
    r = mpp_xl.read_assumptions(EXAMPLE_CSV).resolve()
    differ = {k for k, v in r.values.items() if k in PARAMETERS and not np.all(v == v[0])}
    assert differ == {"eerste_aanvragen", "amv_aandeel"}


def test_workbook_says_calibrated_example_and_keeps_sources(tmp_path) -> None:
    import python_calamine as pc

    from mpp_xl.cli import main
    from mpp_xl.workbook import sheets as S

    wb = tmp_path / "x.xlsm"
    assert main(["build", str(EXAMPLE_CSV), "-o", str(wb)]) == 0
    book = pc.CalamineWorkbook.from_path(str(wb))
    toel = " ".join(str(r[0]) for r in book.get_sheet_by_name(S.TOELICHTING).to_python() if r)
    kader = " ".join(" ".join(map(str, r)) for r in book.get_sheet_by_name(S.KADER).to_python())
    for text in (" ".join(toel.split()), " ".join(kader.split())):
        assert "gekalibreerd" in text and "niet aangeleverd door de ketenpartners" in text
    a = mpp_xl.read_assumptions(wb)
    df = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)
    want = dict(zip(df["parameter"], df["bron"], strict=False))
    got = {r.parameter: r.bron for r in a.rows}
    assert got == {k: want[k] for k in got}
    assert len(got) == len(set(df["parameter"]))
