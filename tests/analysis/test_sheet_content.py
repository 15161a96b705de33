"""The analysis sheets' content (pure): Bijstelling and the backtest as layouts
counted from (0, 0), with the file readers injected."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mpp_xl.analysis.backtest import realisaties_from_frame
from mpp_xl.analysis.forecast import run
from mpp_xl.analysis.sheet_content import (
    BIJ_ASSUMPTION_HEADERS,
    BIJ_COST_TITLE,
    BIJ_DIFF_HEADERS,
    backtest_layout,
    bijstelling_layout,
)
from mpp_xl.core.problems import FOUT, MppError, Problem, Regel, ValidationError
from mpp_xl.core.series import COST_SERIES

from .helpers import example, with_param


@pytest.fixture(scope="module")
def new():  # type: ignore[no-untyped-def]
    a = example()
    return a, run(a)


def _texts(lay: dict) -> list[str]:  # type: ignore[type-arg]
    return [str(v) for (_r, c), (v, _k) in sorted(lay.items()) if c == 0]


def test_no_previous_gives_the_instruction_and_no_warning(new) -> None:  # type: ignore[no-untyped-def]
    a, f = new
    lay, warnings = bijstelling_layout("  ", None, _never, a, f)
    assert warnings == []
    assert min(lay) == (0, 0)
    assert "Geen vorige MPP opgegeven" in " ".join(_texts(lay))


def _never(path: Path):  # type: ignore[no-untyped-def]
    raise AssertionError(f"no file should be read, got {path}")


def test_bad_previous_files_become_warnings_on_the_sheet(new, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, f = new
    prev = tmp_path / "vorige.csv"
    prev.write_text("x")

    def invalid(path: Path):  # type: ignore[no-untyped-def]
        raise ValidationError([Problem(FOUT, Regel.BUITEN_GRENZEN, "te groot"),
                               Problem(FOUT, Regel.BUITEN_GRENZEN, "te klein")])

    def unreadable(path: Path):  # type: ignore[no-untyped-def]
        raise MppError("kapot bestand\nmeer tekst")

    lay, warnings = bijstelling_layout("vorige.csv", tmp_path, invalid, a, f)
    assert "2 fout(en)" in warnings[0]
    assert lay[(0, 0)][1] == "waarschuwing"
    lay, warnings = bijstelling_layout("vorige.csv", tmp_path, unreadable, a, f)
    assert warnings[0].endswith("kon niet worden gelezen: kapot bestand")
    lay, warnings = bijstelling_layout("weg.csv", tmp_path, _never, a, f)
    assert "niet gevonden" in warnings[0]
    lay, warnings = bijstelling_layout("vorige.csv", None, _never, a, f)
    assert "relatief pad" in warnings[0]


def test_changed_inflow_lists_differences_and_assumptions(new, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, f = new
    old = with_param(a, "eerste_aanvragen", {"min": 20000, "medio": 30000, "max": 40000})
    prev = tmp_path / "oud.csv"
    prev.write_text("bestaat")
    lay, warnings = bijstelling_layout(str(prev), None, lambda p: old, a, f)
    assert warnings == []
    heads = {r: tuple(v for (rr, _c), (v, k) in sorted(lay.items()) if rr == r)
             for (r, _c), (_v, k) in lay.items() if k == "kolomkop"}
    # the largest differences, the costs (medio; the example has prices), the assumptions
    assert sorted(heads.values()) == sorted([BIJ_ASSUMPTION_HEADERS, BIJ_DIFF_HEADERS,
                                             BIJ_DIFF_HEADERS])
    diff_row = min(r for r, h in heads.items() if h == BIJ_DIFF_HEADERS) + 1
    oud, nieuw, verschil = (lay[(diff_row, j)][0] for j in (3, 4, 5))
    assert verschil == pytest.approx(nieuw - oud) and verschil != 0
    params = {lay[(r + 1, 0)][0] for r, h in heads.items() if h == BIJ_ASSUMPTION_HEADERS}
    assert params == {"eerste_aanvragen"}


def test_backtest_rows_from_zero_and_reader_errors_as_summary(new) -> None:  # type: ignore[no-untyped-def]
    a, f = new
    y = a.resolve().startjaar
    real = realisaties_from_frame(pd.DataFrame(
        # a stock on 1 jan of the start year is an input of the round (not tested): y + 1
        {"reeks": ["coa_bezetting", "instroom_totaal"], "jaar": [y + 1, y],
         "waarde": [60000, 50000]}))
    (summary, kind), table, warnings = backtest_layout(lambda: real, f)
    assert kind == "notitie" and " van 2 realisaties" in summary
    assert sorted({r for r, _ in table}) == [0, 1]
    assert {c for _, c in table} == set(range(9))
    row = next(r for r in (0, 1) if table[(r, 0)][0] == "coa_bezetting")
    assert table[(row, 2)][0] == 60000.0
    assert table[(row, 6)][0] == pytest.approx(table[(row, 4)][0] - 60000.0)

    def bad():  # type: ignore[no-untyped-def]
        raise MppError("Realisatie!A7: de reeks ontbreekt.")

    (summary, kind), table, warnings = backtest_layout(bad, f)
    assert kind == "waarschuwing" and table == {} and warnings == ["Realisatie!A7: de reeks "
                                                                   "ontbreekt."]
    (summary, kind), table, warnings = backtest_layout(lambda: real.iloc[0:0], f)
    assert kind == "notitie" and table == {} and warnings == []


def test_the_costs_get_their_own_table_in_medio(new, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, f = new
    old = with_param(a, "eerste_aanvragen", {"min": 20000, "medio": 30000, "max": 40000})
    f_old = run(old)
    prev = tmp_path / "oud.csv"
    prev.write_text("bestaat")
    lay, _ = bijstelling_layout(str(prev), None, lambda p: old, a, f)
    title = next(r for (r, c), (v, k) in lay.items() if v == BIJ_COST_TITLE)
    rows = []
    r = title + 2
    while (r, 0) in lay and lay[(r, 0)][1] == "cel":
        rows.append([lay[(r, j)][0] for j in range(7)])
        r += 1
    assert {row[0] for row in rows} == set(COST_SERIES)
    assert {row[1] for row in rows} == {"medio"}
    for reeks, _s, jaar, oud, nieuw, verschil, _p in rows:
        assert oud == pytest.approx(f_old.value(reeks, int(jaar), "medio"))
        assert nieuw == pytest.approx(f.value(reeks, int(jaar), "medio"))
        assert verschil == pytest.approx(nieuw - oud)
