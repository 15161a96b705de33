"""Policy variants: validation of the table, and results equal to the ordinary
engine on assumptions changed by hand (MODEL.md, "Variants")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mpp_xl.analysis.forecast import Forecast, run
from mpp_xl.analysis.variants import VARIANT_HEADLINE_KEYS, run_variant_rows
from mpp_xl.core.assumptions import Assumptions, Row
from mpp_xl.core.problems import Regel
from mpp_xl.core.registry import ENGINE_KEYS, PARAMETERS, SCENARIOS
from mpp_xl.core.variants import (
    VariantError,
    VariantRow,
    check_variants,
    read_variants_csv,
)
from tests.conftest import EXAMPLE_CSV

DONE_WHEN = """variant,parameter,scenario,jaar,bewerking,waarde,toelichting
combi,ind_capaciteit,alle,,*,1.2,20% meer IND-capaciteit
combi,eerste_aanvragen,medio,2026,=,30000,lagere instroom
combi,nareis_ratio,alle,2026-2028,*,0.6,nareis beperkt
"""


@pytest.fixture(scope="module")
def base() -> Assumptions:
    return Assumptions.from_csv(EXAMPLE_CSV)


def _assert_same(a: Forecast, b: Forecast) -> None:
    assert set(a.data) == set(b.data)
    for k in a.data:
        np.testing.assert_allclose(a.data[k], b.data[k], rtol=1e-9, atol=1e-9, err_msg=k)


def test_done_when_variant_equals_hand_changed_csv(tmp_path: Path, base: Assumptions) -> None:
    """The issue's example: the CSV rows edited by hand, run by the ordinary engine."""
    p = tmp_path / "v.csv"
    p.write_text(DONE_WHEN, encoding="utf-8")
    res = run_variant_rows(base.resolve(), read_variants_csv(p))
    assert res.names == ("combi",)

    df = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)
    w = df["waarde"]
    cap = df["parameter"] == "ind_capaciteit"
    assert cap.sum() == 5 and (df.loc[cap, "scenario"] == "alle").all()
    df.loc[cap, "waarde"] = [str(float(x) * 1.2) for x in w[cap]]
    ea = (df["parameter"] == "eerste_aanvragen") & (df["scenario"] == "medio") & (df["jaar"] == "2026")
    assert ea.sum() == 1
    df.loc[ea, "waarde"] = "30000"
    nr = (df["parameter"] == "nareis_ratio") & df["jaar"].isin(["2026", "2027", "2028"])
    assert nr.sum() == 3
    df.loc[nr, "waarde"] = [str(float(x) * 0.6) for x in w[nr]]
    hand = tmp_path / "hand.csv"
    df.to_csv(hand, index=False)
    expected = run(Assumptions.from_csv(hand))
    _assert_same(res.forecast("combi"), expected)
    # the base is the round itself, and the variant really differs from it
    _assert_same(res.forecast("basis"), run(base))
    assert abs(res.value("coa_bezetting", 2029, "medio", "combi")
               - res.value("coa_bezetting", 2029, "medio", "basis")) > 1000


def test_long_frame_difference(base: Assumptions) -> None:
    rows = [VariantRow("v", "eerste_aanvragen", "alle", "", "+", 1000)]
    res = run_variant_rows(base.resolve(), rows)
    df = res.to_frame()
    assert list(df.columns) == ["variant", "reeks", "scenario", "jaar", "waarde", "basis",
                                "verschil"]
    plain = run(base).to_frame().set_index(["reeks", "scenario", "jaar"])["waarde"]
    got = df.set_index(["reeks", "scenario", "jaar"])
    np.testing.assert_allclose(got["basis"], plain.loc[got.index])
    np.testing.assert_allclose(got["verschil"], got["waarde"] - got["basis"])
    one = got.loc[("instroom_eerste", "max", 2027)]
    assert one["verschil"] == pytest.approx(1000.0)
    head = res.headline()
    assert set(head["reeks"]) == set(VARIANT_HEADLINE_KEYS)
    cell = head[(head.reeks == "instroom_totaal") & (head.jaar == 2024)]["verschil"].item()
    assert cell == pytest.approx(got.loc[("instroom_totaal", "medio", 2024)]["verschil"])


def test_rows_apply_in_order_and_lookup_named_scenario(base: Assumptions) -> None:
    """= then * differs from * then =; 'alle' changes every scenario's own value."""
    r = base.resolve()
    a = [VariantRow("a", "ind_capaciteit", "medio", "2025", "=", 50000),
         VariantRow("a", "ind_capaciteit", "alle", "2025", "*", 2)]
    b = [VariantRow("b", "ind_capaciteit", "alle", "2025", "*", 2),
         VariantRow("b", "ind_capaciteit", "medio", "2025", "=", 50000)]
    _, va = check_variants(a, r)
    _, vb = check_variants(b, r)
    from mpp_xl.core.variants import apply_variant
    got_a = apply_variant(r, va[0]).values["ind_capaciteit"][:, 1]
    got_b = apply_variant(r, vb[0]).values["ind_capaciteit"][:, 1]
    orig = r.values["ind_capaciteit"][:, 1]
    assert list(got_a) == [orig[0] * 2, 100000.0, orig[2] * 2]
    assert list(got_b) == [orig[0] * 2, 50000.0, orig[2] * 2]
    assert (r.values["ind_capaciteit"][:, 1] == orig).all()  # the base is untouched


BAD = """variant,parameter,scenario,jaar,bewerking,waarde,toelichting
ok,ind_capaciteit,alle,,*,1.1,
slecht,ind_capacitiet,alle,,*,1.1,
slecht,eerste_aanvragen,midden-ish,2026,=,1,
slecht,eerste_aanvragen,medio,2035,=,1,
slecht,eerste_aanvragen,medio,2026,/,2,
slecht,inwilligingspercentage_eerste,alle,,*,2,
slecht,coa_start_overig,alle,2026,=,1,
,eerste_aanvragen,medio,2026,=,1,
slecht,startjaar,alle,,=,2025,
slecht,eerste_aanvragen,medio,2028-2026,=,1,
slecht,nareis_vertraging_maanden,alle,,*,1.05,
slecht,eerste_aanvragen,medio,2026,=,30.000,
"""


def test_bad_rows_each_named_with_row_and_rule(tmp_path: Path, base: Assumptions) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(BAD, encoding="utf-8")
    problems, variants = check_variants(read_variants_csv(p), base.resolve())
    by_row = {(q.cel, q.regel) for q in problems}
    assert {
        ("regel 3", Regel.ONBEKENDE_PARAMETER),
        ("regel 4", Regel.ONBEKEND_SCENARIO),
        ("regel 5", Regel.JAAR_BUITEN_HORIZON),
        ("regel 6", Regel.ONBEKENDE_BEWERKING),
        ("regel 7", Regel.VARIANT_BUITEN_GRENZEN),
        ("regel 8", Regel.JAAR_BIJ_ENKELE_WAARDE),
        ("regel 9", Regel.VARIANT_NAAM),
        ("regel 10", Regel.VARIANT_PARAMETER),
        ("regel 11", Regel.ONGELDIG_JAAR),
        ("regel 12", Regel.VARIANT_BUITEN_GRENZEN),
        ("regel 13", Regel.DUIZENDTAL_PUNT),
    } <= by_row
    assert all(q.blad == "bad.csv" and q.is_error for q in problems)
    assert "ind_capaciteit" in next(q.melding for q in problems if q.cel == "regel 3")
    assert [v.naam for v in variants] == ["ok"]  # the bad variant is never run
    with pytest.raises(VariantError) as e:
        run_variant_rows(base.resolve(), read_variants_csv(p))
    assert len(e.value.problems) == len(problems)


# --- property: random variants equal the ordinary engine on hand-changed rows --------------
_KEYS = [k for k in ENGINE_KEYS if PARAMETERS[k].lo == 0 and not PARAMETERS[k].integer]


@st.composite
def _change(draw: st.DrawFn, years: list[int]) -> VariantRow:
    key = draw(st.sampled_from(_KEYS))
    p = PARAMETERS[key]
    scen = draw(st.sampled_from([*SCENARIOS, "alle"]))
    jaar: object = ""
    if p.per_jaar:
        a = draw(st.sampled_from(["", *years]))
        if a != "":
            b = draw(st.sampled_from([y for y in years if y >= a]))
            jaar = str(a) if a == b else f"{a}-{b}"
    ops = ["*", "="] + (["+"] if p.hi == float("inf") else [])
    op = draw(st.sampled_from(ops))
    if op == "*":
        w = draw(st.floats(0.0, 1.0))
    elif op == "+":
        w = draw(st.floats(0.0, 5000.0))
    else:
        w = draw(st.floats(p.lo, min(p.hi, 80000.0)))
    return VariantRow(draw(st.sampled_from(["a", "b", "c"])), key, scen, jaar, op, w)


def _hand_changed(base: Assumptions, changes: list[VariantRow]) -> Assumptions:
    """An independent reference: each touched parameter written out as explicit
    (scenario, year) rows from the ordinary lookup, changed cell by cell."""
    r = base.resolve()
    years = [int(y) for y in r.years]
    cells: dict[str, dict[tuple[str, int | None], float]] = {}
    for c in changes:
        p = PARAMETERS[c.parameter]
        if c.parameter not in cells:
            arr = r.values[c.parameter]
            cells[c.parameter] = (
                {(s, y): float(arr[i, j]) for i, s in enumerate(SCENARIOS)
                 for j, y in enumerate(years)} if p.per_jaar else
                {(s, None): float(arr[i]) for i, s in enumerate(SCENARIOS)})
        tab = cells[c.parameter]
        for (s, y) in list(tab):
            if c.scenario not in ("alle", s):
                continue
            if c.jaar != "" and y is not None:
                lo, _, hi = str(c.jaar).partition("-")
                if not int(lo) <= y <= int(hi or lo):
                    continue
            w = float(c.waarde)  # type: ignore[arg-type]
            tab[(s, y)] = w if c.bewerking == "=" else tab[(s, y)] * w if c.bewerking == "*" \
                else tab[(s, y)] + w
    rows = [row for row in base.rows if row.parameter not in cells]
    for key, tab in cells.items():
        rows += [Row(key, s, y, v) for (s, y), v in tab.items()]
    return Assumptions(rows)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_variants_equal_ordinary_engine(data: st.DataObject, base: Assumptions) -> None:
    r = base.resolve()
    years = [int(y) for y in r.years]
    rows = data.draw(st.lists(_change(years), min_size=1, max_size=6))
    res = run_variant_rows(r, rows)
    assert list(res.names) == list(dict.fromkeys(str(x.variant) for x in rows))
    for naam in res.names:
        mine = [x for x in rows if x.variant == naam]
        _assert_same(res.forecast(naam), run(_hand_changed(base, mine)))
