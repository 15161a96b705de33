"""The Realisatie sheet with months: column E (maand) is read, each month row is
compared with the forecast of that month, the summary names the running year,
and a month outside 1–12 is a warning that names the row."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mpp_xl.workbook import sheets as S
from mpp_xl.workbook.refresh_file import refresh_workbook
from tests.conftest import EXAMPLE_CSV
from tests.workbook.helpers import edit_cells


def _eerste_2025_medio() -> float:
    df = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)
    row = df[(df["parameter"] == "eerste_aanvragen") & (df["scenario"] == "medio")
             & (df["jaar"] == "2025")]
    return float(row["waarde"].iloc[0])


def _sheet(path: Path) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True)["Realisatie"]
    return list(ws.iter_rows(values_only=True))


def test_month_rows_on_the_sheet(master: Path) -> None:
    r = S.REAL_FIRST_ROW
    assert _sheet(master)[S.REAL_HEADER_ROW - 1][:5] == ("reeks", "jaar", "waarde", "bron",
                                                         "maand")
    edit_cells(master, "Realisatie", {
        f"A{r}": ("instroom_eerste", None), f"B{r}": (2025, None), f"C{r}": (3000, None),
        f"E{r}": (1, None),
        f"A{r + 1}": ("instroom_eerste", None), f"B{r + 1}": (2025, None),
        f"C{r + 1}": (2800, None), f"E{r + 1}": (2, None)})
    refresh_workbook(master)
    rows = _sheet(master)
    c0 = S.REAL_BT_COL - 1
    table = [row[c0:c0 + 9] for row in rows[r - 1:r + 1]]
    assert [t[1] for t in table] == ["2025-01", "2025-02"]
    med = _eerste_2025_medio() / 12
    assert table[0][4] == pytest.approx(med)
    assert table[1][6] == pytest.approx(med - 2800)
    summary = rows[S.REAL_SUMMARY_ROW - 1][c0]
    want = f"{round(5800 + 10 * med):,}".replace(",", ".")
    assert "Lopend jaar instroom_eerste 2025: maanden 1–2" in summary
    assert f"verwacht {want}" in summary


def test_month_outside_range_is_a_warning(master: Path) -> None:
    r = S.REAL_FIRST_ROW
    edit_cells(master, "Realisatie", {
        f"A{r}": ("instroom_eerste", None), f"B{r}": (2025, None), f"C{r}": (3000, None),
        f"E{r}": (13, None)})
    res = refresh_workbook(master)
    assert any("maand '13' ligt niet tussen 1 en 12" in m and f"rij {r}" in m
               for m in res.meldingen), res.meldingen
