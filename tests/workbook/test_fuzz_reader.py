"""Fuzz: random cell contents in a parameter table never crash the reader or
the validator; every bad value becomes a Dutch problem."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from mpp_xl import Assumptions
from mpp_xl.core.registry import PARAMETERS
from mpp_xl.workbook.layout import rows_from_block

cell = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["#DIV/0!", "#N/A", "#DEEL/0!", "#N/B", "42.000", "1,5%", "n.v.t.", "=A1",
                     "1e308", "-0", " 12 ", "min", "Medio", "ALLE"]),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)
keys = st.sampled_from([*PARAMETERS, "", "onzin", None, 5])
header = ["parameter", "Omschrijving", "Eenheid", "Scenario", "Alle jaren",
          2024, 2025, 2026, 2027, 2028, "Toelichting", "Bron"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(keys, st.lists(cell, min_size=11, max_size=11)), max_size=25))
def test_random_cells_never_crash(rows: list) -> None:
    block = [header] + [[k, *cells] for k, cells in rows]
    parsed = rows_from_block(block, sheet="IND", first_row=6, first_col=1)
    a = Assumptions(parsed)
    problems = a.validate()
    for p in problems:
        assert p.melding and p.niveau in ("fout", "waarschuwing")
        if p.cel:
            assert p.blad == "IND"
    errors = [p for p in problems if p.is_error]
    _, resolved = a.check()
    assert (resolved is None) == bool(errors)


def test_text_in_number_cells_is_reported_not_guessed() -> None:
    block = [header,
             ["herhaalde_aanvragen", "", "", "alle", None, "42.000", "1,5%", "n.v.t.", " 1200 ",
              "#DEEL/0!", "", ""]]
    rows = rows_from_block(block, sheet="DGM-APM", first_row=6, first_col=1)
    problems = {p.cel: p.melding for p in Assumptions(rows).validate() if p.is_error}
    assert "dubbelzinnig" in problems["F7"]
    assert "percentage" in problems["G7"]
    assert "'n.v.t.' is geen getal" in problems["H7"]
    assert "I7" not in problems  # a whole number stored as text counts as that number
    assert "Excel-foutwaarde" in problems["J7"]
    assert [r.waarde for r in rows if r.cel == "I7"] == [1200]
