"""Validation of the cost parameters: all or none, bounds, emergency below regular."""

from __future__ import annotations

import pytest

from mpp_xl import Assumptions, read_assumptions
from mpp_xl.core.assumptions import Row
from mpp_xl.core.problems import Regel
from mpp_xl.core.registry import COST_KEYS, PARAMETERS, PRICE_KEYS
from mpp_xl.engine import compute
from tests.conftest import EXAMPLE_CSV


@pytest.fixture(scope="module")
def example() -> Assumptions:
    return read_assumptions(EXAMPLE_CSV)


def _y(r: Row) -> int | None:
    """The year of a CSV row (text there)."""
    return int(r.jaar) if r.jaar not in (None, "") else None


def _without(a: Assumptions, keys: tuple[str, ...]) -> Assumptions:
    return a.with_rows(r for r in a.rows if r.parameter not in keys)


def test_the_example_has_prices_and_costs(example: Assumptions) -> None:
    res = example.resolve()
    assert set(COST_KEYS) <= set(res.values)
    assert "kosten_totaal" in compute(res.values, res.n_years)


def test_without_prices_valid_and_no_cost_parameters(example: Assumptions) -> None:
    bare = _without(example, COST_KEYS)
    assert not [p for p in bare.validate() if p.is_error]
    res = bare.resolve()
    assert not set(COST_KEYS) & set(res.values)
    assert not any(k.startswith("kosten_") for k in compute(res.values, res.n_years))
    # the other sheets' fingerprints do not depend on the prices
    assert bare.fingerprint("IND") == example.fingerprint("IND")
    assert bare.fingerprint("COA") != example.fingerprint("COA")  # the capacity is COA's


def test_partial_prices_name_every_missing_one(example: Assumptions) -> None:
    gone = ("prijs_dtv", "coa_reguliere_capaciteit")
    errs = [p for p in _without(example, gone).validate() if p.is_error]
    assert sorted(p.parameter for p in errs) == sorted(gone)
    assert {p.regel for p in errs} == {Regel.KOSTEN_ONVOLLEDIG}
    by = {p.parameter: p for p in errs}
    assert by["prijs_dtv"].blad == "Financiën" and by["coa_reguliere_capaciteit"].blad == "COA"
    assert "Financiën" in by["prijs_dtv"].melding and "ontbreekt" in by["prijs_dtv"].melding


def test_one_price_alone_asks_for_all_others(example: Assumptions) -> None:
    only = _without(example, COST_KEYS).with_rows(
        [*_without(example, COST_KEYS).rows, Row("prijs_nidos", "alle", None, 15000)])
    errs = [p for p in only.validate() if p.is_error]
    assert sorted(p.parameter for p in errs) == sorted(k for k in COST_KEYS if k != "prijs_nidos")


@pytest.mark.parametrize("key", ["prijs_coa_regulier", "coa_reguliere_capaciteit", "prijs_rvs_zaak"])
def test_negative_price_or_capacity_is_an_error_with_its_cell(example: Assumptions,
                                                               key: str) -> None:
    rows = [Row(r.parameter, r.scenario, r.jaar, -1 if (r.parameter == key and _y(r) == 2026)
                else r.waarde, r.blad, r.cel) for r in example.rows]
    errs = [p for p in example.with_rows(rows).validate() if p.is_error]
    assert len(errs) == 1
    e = errs[0]
    target = next(r for r in example.rows if r.parameter == key and _y(r) == 2026)
    assert (e.regel, e.parameter, e.jaar, e.cel) == (Regel.BUITEN_GRENZEN, key, 2026, target.cel)
    assert PARAMETERS[key].label in e.melding and "minimaal 0" in e.melding


def test_emergency_below_regular_is_a_warning_naming_the_cell(example: Assumptions) -> None:
    rows = [Row(r.parameter, r.scenario, r.jaar, 1000.0 if (
        r.parameter == "prijs_coa_noodopvang" and _y(r) in (2025, 2027)) else r.waarde,
        r.blad, r.cel) for r in example.rows]
    a = example.with_rows(rows)
    problems = a.validate()
    assert not [p for p in problems if p.is_error]
    warns = [p for p in problems if p.regel == Regel.NOODOPVANG_ONDER_REGULIER]
    cells = {r.cel for r in example.rows
             if r.parameter == "prijs_coa_noodopvang" and _y(r) in (2025, 2027)}
    assert {w.cel for w in warns} == cells and len(warns) == 2
    assert all("2025" in w.melding or "2027" in w.melding for w in warns)
    assert not [p for p in example.validate() if p.regel == Regel.NOODOPVANG_ONDER_REGULIER]


def test_a_thousands_dot_in_a_price_is_refused(example: Assumptions) -> None:
    a = _without(example, ("prijs_ind_asiel",))
    a = a.with_rows([*a.rows, Row("prijs_ind_asiel", "alle", None, "4.700", "x.csv", "regel 9")])
    errs = [p for p in a.validate() if p.is_error]
    assert [(p.regel, p.parameter) for p in errs] == [(Regel.DUIZENDTAL_PUNT, "prijs_ind_asiel")]


def test_prices_are_the_financien_sheet() -> None:
    assert all(PARAMETERS[k].sheet == "Financiën" and PARAMETERS[k].optional for k in PRICE_KEYS)
    assert len(PRICE_KEYS) == 8 and PARAMETERS["coa_reguliere_capaciteit"].sheet == "COA"
