"""Argument parsing as Excel's runtimes deliver the arguments."""

from __future__ import annotations

import numpy as np
import pytest
from formulas.functions import Error as FormulasError
from schedula import EMPTY

from mpp_xl.io.grid import ArgError, as_block, clean_cell, excel_error, is_blank
from udfs.udf_args import (
    ExcelErrorArg,
    parse_flag,
    parse_partner,
    parse_percentile,
    parse_scenario,
    parse_series,
    parse_year,
    scalar,
)

YEARS = [2024, 2025, 2026, 2027, 2028]


@pytest.mark.parametrize("v", [2026.0, 2026, "2026", " 2026 ", [[2026.0]], [2026],
                               np.array([[2026.0]]), np.float64(2026), np.int64(2026),
                               "2026,0"])
def test_year_forms(v: object) -> None:
    assert parse_year(v, YEARS) == 2026


@pytest.mark.parametrize("v", [2031.0, 1999, "2031"])
def test_year_outside_names_range(v: object) -> None:
    with pytest.raises(ArgError, match="kies 2024 t/m 2028"):
        parse_year(v, YEARS, "coa_bezetting")


@pytest.mark.parametrize("v", [2026.5, "twintig", True, "20x6"])
def test_year_invalid(v: object) -> None:
    with pytest.raises(ArgError, match="Ongeldig jaar"):
        parse_year(v, YEARS)


@pytest.mark.parametrize("v", [None, "", "  ", [[None]], EMPTY])
def test_year_missing(v: object) -> None:
    with pytest.raises(ArgError, match="Geef een jaar op"):
        parse_year(v, YEARS)


def test_year_range_refused() -> None:
    with pytest.raises(ArgError, match="geen bereik van 2 cellen"):
        parse_year([[2026.0], [2027.0]], YEARS)


@pytest.mark.parametrize("v,want", [("medio", "medio"), ("Medio", "medio"), (" MIN ", "min"),
                                    ("minimum", "min"), ("Maximum", "max"), ("hoog", "max"),
                                    ([["max"]], "max")])
def test_scenario_forms(v: object, want: str) -> None:
    assert parse_scenario(v) == want


@pytest.mark.parametrize("v", ["gemiddeld", "alle", 2.0, None])
def test_scenario_unknown_names_choices(v: object) -> None:
    with pytest.raises(ArgError, match="min, medio of max"):
        parse_scenario(v)


@pytest.mark.parametrize("code", ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                                  "#NULL!", "#SPILL!", "#CALC!"])
def test_error_values_propagate_as_text(code: str) -> None:
    for f in (lambda v: parse_year(v, YEARS), parse_scenario, parse_series, parse_percentile,
              parse_partner):
        with pytest.raises(ExcelErrorArg) as e:
            f(code)
        assert e.value.code == code


def test_error_forms_of_other_runtimes() -> None:
    # raw Office.js error object, formulas' XlError, lower case text
    assert excel_error({"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}) \
        == "#N/A"
    assert excel_error(FormulasError.errors["#DIV/0!"]) == "#DIV/0!"
    assert excel_error("#n/a") == "#N/A"
    assert excel_error("#hashtag") is None
    assert excel_error(2026.0) is None
    with pytest.raises(ExcelErrorArg):
        scalar([[{"type": "Error", "basicValue": "#REF!"}]], "jaar")


def test_blank_forms() -> None:
    assert is_blank(None) and is_blank("") and is_blank(" ") and is_blank(float("nan"))
    assert is_blank(EMPTY)
    assert not is_blank("empty")  # a user's text "empty" is text, not the formulas token
    assert not is_blank(0.0)


@pytest.mark.parametrize("v,want", [("coa_bezetting", "coa_bezetting"),
                                    ("COA_BEZETTING", "coa_bezetting"),
                                    ("MPP_COA_BEZETTING", "coa_bezetting"),
                                    (" coa bezetting ", "coa_bezetting"),
                                    ("ind-werkvoorraad", "ind_werkvoorraad")])
def test_series_forms(v: str, want: str) -> None:
    assert parse_series(v) == want


def test_series_unknown_suggests() -> None:
    with pytest.raises(ArgError, match="Bedoelt u coa_bezetting") as e:
        parse_series("coa_bezeting")
    assert "MPP_REEKSEN" in str(e.value)
    with pytest.raises(ArgError, match="Onbekende reeks 'xyz'"):
        parse_series("xyz")
    with pytest.raises(ArgError, match="Geef een reeks op"):
        parse_series(None)


@pytest.mark.parametrize("v,want", [(87.5, 87.5), ("P87,5", 87.5), ("87,5%", 87.5),
                                    (0.875, 87.5), ("p12.5", 12.5), (50, 50.0), (100, 100.0),
                                    ("0,67", 67.0)])
def test_percentile_forms(v: object, want: float) -> None:
    assert parse_percentile(v) == pytest.approx(want)


@pytest.mark.parametrize("v", [150, -1, "P", "mediaan", None, True])
def test_percentile_invalid(v: object) -> None:
    with pytest.raises(ArgError, match="percentiel"):
        parse_percentile(v)


def test_partner() -> None:
    assert parse_partner("ind") == "IND"
    assert parse_partner("dgm-apm") == "DGM-APM"
    assert parse_partner("Kader") == "Kader"
    assert parse_partner(None) is None and parse_partner("alle") is None
    with pytest.raises(ArgError, match="kies Kader, DGM-APM"):
        parse_partner("Belastingdienst")


@pytest.mark.parametrize("v,want", [(None, False), (True, True), (1.0, True), (0, False),
                                    ("ja", True), ("WAAR", True), ("onwaar", False)])
def test_flag(v: object, want: bool) -> None:
    assert parse_flag(v, "lijst") is want


def test_flag_invalid() -> None:
    with pytest.raises(ArgError, match="WAAR of ONWAAR"):
        parse_flag("misschien", "lijst")


def test_as_block_shapes() -> None:
    assert as_block([[1, 2], [3, 4]]) == [[1, 2], [3, 4]]
    assert as_block([1, 2]) == [[1, 2]]
    assert as_block(5) == [[5]]
    assert as_block(np.array([[1, None]], dtype=object)) == [[1, None]]
    assert as_block([]) == []


def test_clean_cell() -> None:
    assert clean_cell(EMPTY) is None
    assert clean_cell(FormulasError.errors["#N/A"]) == "#N/A"
    assert type(clean_cell(FormulasError.errors["#N/A"])) is str
    assert clean_cell({"type": "Error", "basicValue": "#REF!"}) == "#REF!"
    assert clean_cell(np.float64(2.5)) == 2.5 and type(clean_cell(np.float64(2.5))) is float
    assert clean_cell("tekst") == "tekst" and clean_cell(None) is None


def test_bad_values_are_shown_the_dutch_excel_way() -> None:
    from mpp_xl.io.grid import ArgError
    from udfs.udf_args import parse_percentile, parse_year

    with pytest.raises(ArgError, match="Ongeldig jaar '2026,5'"):
        parse_year(2026.5, [2024, 2025, 2026])
    with pytest.raises(ArgError, match="Ongeldig percentiel '150'"):
        parse_percentile(150.0)
