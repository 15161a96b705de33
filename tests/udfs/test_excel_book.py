"""The refresh button's logic against a fake book: inputs read, outputs
written, nothing else touched."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

import udfs.mpp_udfs as U
from mpp_xl import Forecast
from mpp_xl.analysis import model_cache
from mpp_xl.analysis.scenario_order import scenario_crossings
from mpp_xl.core.assumptions import Assumptions, fingerprint
from mpp_xl.core.problems import MppError
from mpp_xl.core.registry import PARTNERS, SHEETS
from mpp_xl.workbook import sheets as S
from mpp_xl.workbook.excel_book import OUTPUT_SHEETS, FakeBook, refresh

from .blocks import EXAMPLE_CSV

NOW = dt.datetime(2024, 9, 1, 12, 0, 0)
STAMP = "2024-09-01 12:00:00"


def _book(blocks: dict[str, list[list[object]]]) -> FakeBook:
    sheets: dict[str, list[list[object]]] = {name: [] for name in S.ALL_SHEETS}
    sheets.update(copy.deepcopy(blocks))
    sheets[S.UITKOMSTEN] = [["Uitkomsten"], [None], [None, "MPP 2024-2 · oud"]]
    sheets[S.VALIDATIE] = [["Validatie"]] + [[None]] * (S.VAL_HEADER_ROW - 2) + \
        [list(S.VAL_HEADERS)] + [["oud"] * len(S.VAL_HEADERS)] * 5
    vs: list[list[object]] = [["Vaststelling"]] + [[None]] * (S.VS_HEADER_ROW - 2)
    vs.append(list(S.VS_HEADERS))
    for p in PARTNERS:
        vs.append([p, None, None, None, None, None, None])
    sheets[S.VASTSTELLING] = vs
    sheets[S.LOGBOEK] = [["Logboek"], [None], list(S.LOG_HEADERS),
                         ["2024-08-01 10:00:00", "gebouwd", "x", "", ""]]
    return FakeBook(sheets)


def _cells(book: FakeBook, sheet: str) -> dict[tuple[int, int], object]:
    return dict(book.cells[sheet])


def test_refresh_reads_inputs_writes_outputs_only(example_blocks: dict,
                                                  engine_forecast: Forecast) -> None:
    book = _book(example_blocks)
    before = {s: _cells(book, s) for s in book.sheet_names()}
    result = refresh(book, now=NOW)

    # inputs read: every parameter sheet, once each
    assert sorted(s for s in book.reads if s in SHEETS) == sorted(SHEETS)
    # outputs only to Validatie / Vaststelling / Logboek
    assert {w[0] for w in book.writes} <= set(OUTPUT_SHEETS)
    for s in book.sheet_names():
        if s not in OUTPUT_SHEETS:
            assert _cells(book, s) == before[s], s
    assert book.calculations == 1
    # bulk: a handful of writes, not one per cell (Varianten and Gevoeligheid: three each)
    assert len(book.writes) <= 8 + 6

    assert result.n_errors == 0
    assert result.handle.endswith(engine_forecast.fingerprint[:8])
    # the refresh's model is the current model of the functions
    assert U.MPP_COA_BEZETTING(2026.0, "medio") == engine_forecast.value("coa_bezetting", 2026,
                                                                         "medio")


def test_refresh_output_contents(example_blocks: dict, engine_forecast: Forecast) -> None:
    book = _book(example_blocks)
    result = refresh(book, now=NOW)
    val = book.cells[S.VALIDATIE]
    problems = [*engine_forecast.problems, *scenario_crossings(engine_forecast)]
    n_rows = max(1, len(problems))
    first, last = S.VAL_HEADER_ROW + 1, S.VAL_HEADER_ROW + n_rows
    # the counters stay formulas, over exactly the new rows
    assert val[(3, 2)] == f'=COUNTIF(A{first}:A{last},"fout")'
    assert val[(4, 2)] == f'=COUNTIF(A{first}:A{last},"waarschuwing")'
    assert val[(5, 2)] == STAMP
    # old rows below the header are cleared
    assert all(r <= last for r, _ in val)
    if not problems:
        assert val[(first, len(S.VAL_HEADERS))] == "Geen fouten of waarschuwingen gevonden."

    resolved = Assumptions.from_csv(EXAMPLE_CSV).resolve()
    vs = book.cells[S.VASTSTELLING]
    for p, row in S.VS_ROWS.items():
        assert vs[(row, 1)] == p
        assert vs[(row, 5)] == fingerprint(resolved, p)
        assert vs[(row, 6)] == S.SIGN_NONE
    assert result.status == S.STATE_DRAFT and vs[(3, 2)] == STAMP
    assert (2, 2) not in vs  # the status cell is the workbook's formula, not written

    log = book.cells[S.LOGBOEK]
    assert log[(4, 2)] == "gebouwd"  # the old entry stays
    assert log[(5, 1)] == STAMP and log[(5, 2)] == "ververst"
    assert log[(5, 4)] == engine_forecast.fingerprint[:16]


def test_signoff_valid_then_void_after_change(example_blocks: dict) -> None:
    resolved = Assumptions.from_csv(EXAMPLE_CSV).resolve()
    book = _book(example_blocks)
    for p, row in S.VS_ROWS.items():
        book.write(S.VASTSTELLING, row, 2, [["Naam " + p, "2024-08-30",
                                            fingerprint(resolved, p)]])
    book.writes.clear()
    assert refresh(book, now=NOW).status == S.STATE_DONE
    vs = book.cells[S.VASTSTELLING]
    assert all(vs[(row, 6)] == S.SIGN_VALID for row in S.VS_ROWS.values())

    # change one COA input: only COA's sign-off becomes void
    cells = book.cells["COA"]
    pos = next(k for k, v in sorted(cells.items()) if k[0] > 6 and k[1] >= 5
               and isinstance(v, float))
    cells[pos] = cells[pos] + 1.0
    assert refresh(book, now=NOW).status == S.STATE_DRAFT
    vs = book.cells[S.VASTSTELLING]
    assert vs[(S.VS_ROWS["COA"], 6)] == S.SIGN_VOID
    assert "gewijzigd" in vs[(S.VS_ROWS["COA"], 7)]
    assert all(vs[(row, 6)] == S.SIGN_VALID for p, row in S.VS_ROWS.items() if p != "COA")
    # sign-off data itself untouched
    assert vs[(S.VS_ROWS["COA"], 2)] == "Naam COA"


def test_refresh_with_errors(example_blocks: dict) -> None:
    book = _book(example_blocks)
    cells = book.cells["IND"]
    pos = next(k for k, v in sorted(cells.items()) if k[0] > 6 and k[1] >= 5
               and isinstance(v, float))
    cells[pos] = "onbekend"
    result = refresh(book, now=NOW)
    assert result.n_errors == 1 and result.status == S.STATE_DRAFT
    val = book.cells[S.VALIDATIE]
    first = S.VAL_HEADER_ROW + 1
    assert val[(first, 1)] == "fout" and val[(first, 2)] == "IND"
    assert val[(first, 3)] == f"{'ABCDEFGHIJKLMNOP'[pos[1] - 1]}{pos[0]}"
    log = book.cells[S.LOGBOEK]
    assert log[(5, 2)] == "verversen geweigerd"
    assert isinstance(model_cache.current(), model_cache.FailedModel)
    assert "1 fout" in U.MPP_COA_BEZETTING(2026, "medio")
    assert {w[0] for w in book.writes} <= set(OUTPUT_SHEETS)


def test_refresh_refuses_book_without_output_sheets(example_blocks: dict) -> None:
    book = FakeBook(copy.deepcopy(example_blocks))
    with pytest.raises(MppError, match="mist het blad Validatie"):
        refresh(book, now=NOW)
    assert book.writes == []
