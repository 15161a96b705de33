"""mpp doelzoeken --schrijf: the written assumptions keep every source (bron),
keep 'alle' rows, and re-run to the target."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mpp_xl.cli import main
from tests.conftest import EXAMPLE_CSV


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _same(a: str, b: str) -> bool:
    """Equal values; numbers compared as numbers (20280.0 is 20280)."""
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def test_goal_seek_write_keeps_bron_and_alle_rows(tmp_path: Path) -> None:
    new = tmp_path / "doel.csv"
    assert main(["doelzoeken", str(EXAMPLE_CSV), "--parameter", "ind_capaciteit",
                 "--jaar", "2025", "--scenario", "medio", "--reeks", "ind_werkvoorraad",
                 "--doeljaar", "2026", "--doel", "40000", "--schrijf", str(new)]) == 0
    old, out = _read(EXAMPLE_CSV), _read(new)
    assert "bron" in out.columns
    key = ["parameter", "scenario", "jaar"]
    merged = old.merge(out, on=key, how="left", suffixes=("_oud", "_nieuw"), indicator=True)
    assert (merged["_merge"] == "both").all()  # every original row (alle stays alle) is kept
    changed = (merged["parameter"] == "ind_capaciteit") & (merged["jaar"] == "2025")
    same = merged[~changed]
    assert (same["bron_oud"] == same["bron_nieuw"]).all()
    assert all(_same(a, b) for a, b in zip(same["waarde_oud"], same["waarde_nieuw"]))
    # the 'alle' row for 2025 still holds for the other scenarios; medio gets its own row
    extra = out.merge(old[key], on=key, how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"]
    assert len(extra) == 1
    row = extra.iloc[0]
    assert (row["parameter"], row["scenario"], row["jaar"]) == ("ind_capaciteit", "medio", "2025")
    assert row["bron"].startswith("doelzoeken: ind_werkvoorraad 2026 = 40.000 (was 64.200")
    assert len(row["waarde"]) <= 14  # not the full 17-digit float
    # re-run: mpp reken on the written file hits the target
    res = tmp_path / "uit.csv"
    assert main(["reken", str(new), "--csv", str(res)]) == 0
    r = pd.read_csv(res)
    hit = r[(r["reeks"] == "ind_werkvoorraad") & (r["jaar"] == 2026) & (r["scenario"] == "medio")]
    assert float(hit["waarde"].iloc[0]) == pytest.approx(40000, abs=0.5)


def test_goal_seek_write_all_years_edits_rows_in_place(tmp_path: Path) -> None:
    """Without --jaar every year of medio changes: medio gets a row per year
    (with the goal-seek bron) and the 'alle' rows stay for min and max."""
    new = tmp_path / "doel.csv"
    assert main(["doelzoeken", str(EXAMPLE_CSV), "--parameter", "taakstelling_h2",
                 "--scenario", "medio", "--reeks", "coa_bezetting", "--doeljaar", "2027",
                 "--doel", "100000", "--schrijf", str(new)]) == 0
    old, out = _read(EXAMPLE_CSV), _read(new)
    assert len(out) == len(old) + 5  # medio gets one row per year; alle rows stay
    assert set(old["bron"]) - {""} <= set(out["bron"])
    mine = out[(out["parameter"] == "taakstelling_h2") & (out["scenario"] == "medio")]
    assert all(b.startswith("doelzoeken: coa_bezetting 2027 = 100.000 (was ") for b in mine["bron"])


def test_goal_seek_write_splits_a_no_year_row_only_when_one_year_changes(tmp_path: Path) -> None:
    """snijverlies is given once ('alle', no year). Seeking it for medio 2026
    splits that row into per-year 'alle' rows (same bron) plus one medio row.
    coa_capaciteit = coa_bezetting / (1 - snijverlies), so the target
    bezetting / 0.9 must give snijverlies 0.10."""
    from mpp_xl import read_assumptions, run

    bezetting = run(read_assumptions(EXAMPLE_CSV)).value("coa_bezetting", 2026, "medio")
    target = bezetting / 0.9
    new = tmp_path / "doel.csv"
    assert main(["doelzoeken", str(EXAMPLE_CSV), "--parameter", "snijverlies", "--jaar", "2026",
                 "--scenario", "medio", "--reeks", "coa_capaciteit", "--doeljaar", "2026",
                 "--doel", repr(target), "--schrijf", str(new)]) == 0
    old, out = _read(EXAMPLE_CSV), _read(new)
    (bron,) = old.loc[old["parameter"] == "snijverlies", "bron"]
    mine = out[out["parameter"] == "snijverlies"]
    alle = mine[mine["scenario"] == "alle"]
    assert sorted(alle["jaar"]) == ["2024", "2025", "2026", "2027", "2028"]
    assert (alle["bron"] == bron).all() and (alle["waarde"].astype(float) == 0.07).all()
    (medio,) = mine[mine["scenario"] == "medio"].itertuples()
    assert medio.jaar == "2026" and float(medio.waarde) == pytest.approx(0.10, abs=1e-6)
    assert medio.bron.startswith("doelzoeken: coa_capaciteit 2026 = ") and "(was 7,0%)" in medio.bron
    assert run(read_assumptions(new)).value("coa_capaciteit", 2026, "medio") == pytest.approx(
        target, rel=1e-6)
