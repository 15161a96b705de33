"""One Dutch number formatter and parser (mpp_xl.core.numbers)."""

from __future__ import annotations

import pytest

from mpp_xl.core.numbers import MINUS, nl_decimal, nl_number, nl_signed, nl_value, parse_nl_number


@pytest.mark.parametrize(("x", "decimals", "text"), [
    (12345.6, 0, "12.346"), (12345.6, 1, "12.345,6"), (-1234567.0, 0, "-1.234.567"),
    (0.5, 2, "0,50"),
])
def test_nl_number_thousands_point_decimal_comma(x: float, decimals: int, text: str) -> None:
    assert nl_number(x, decimals) == text


@pytest.mark.parametrize(("x", "spec", "text"), [
    (2.5, "g", "2,5"), (0.131, ".1%", "13,1%"), (12.5, "g", "12,5"), (1234.5, ".4g", "1234"),
    (0.1234567, "", "0,1234567"), (87.5, "g", "87,5"),
])
def test_nl_decimal_has_no_thousands_separator(x: float, spec: str, text: str) -> None:
    assert nl_decimal(x, spec) == text


def test_nl_signed_uses_the_typographic_minus() -> None:
    assert nl_signed(-1.26) == f"{MINUS}1,3"
    assert nl_signed(2.0) == "+2,0"
    assert "-" not in nl_signed(-0.04)


@pytest.mark.parametrize(("x", "text"), [(42000.0, "42.000"), (42000, "42.000"),
                                         (0.15, "0,15"), (-3.0, "-3"), (1e20, "1e+20")])
def test_nl_value_whole_numbers_with_points(x: float, text: str) -> None:
    assert nl_value(x) == text


@pytest.mark.parametrize("x", [0.0, 1.5, 40000.0, 1234567.25, 2026.5, 0.15])
def test_parse_reads_back_what_nl_number_writes(x: float) -> None:
    assert parse_nl_number(nl_number(x, 2)) == pytest.approx(x)


def test_parse_refuses_ambiguous_input() -> None:
    with pytest.raises(ValueError, match="dubbelzinnig"):
        parse_nl_number("40,000")
    assert parse_nl_number(f"{MINUS}40.000") == -40000.0
