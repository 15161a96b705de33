"""What a user reads is Dutch: ja/nee in CSV files, Dutch JSON keys, scenario
crossings of the results reported as warnings, and ``make example`` leaves no
backups in out/."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mpp_xl import read_assumptions, run
from mpp_xl.analysis.scenario_order import RULE, crossing_years, scenario_crossings
from mpp_xl.cli import main
from mpp_xl.core.problems import WAARSCHUWING
from mpp_xl.core.series import SERIES
from mpp_xl.io.output import write_csv
from tests.conftest import EXAMPLE_CSV, ROOT


def test_csv_booleans_are_ja_nee(tmp_path: Path) -> None:
    df = pd.DataFrame({"reeks": ["a", "b"], "binnen_band": [True, False],
                       "gemengd": [True, "tekst"], "waarde": [1.5, 2.0]})
    out = tmp_path / "x.csv"
    write_csv(df, out)
    text = out.read_text()
    assert "True" not in text and "False" not in text
    back = pd.read_csv(out, dtype=str)
    assert list(back["binnen_band"]) == ["ja", "nee"] and list(back["gemengd"]) == ["ja", "tekst"]


def _series_of(melding: str) -> str:
    """The series key in a crossing message ('Label (key): de scenario's kruisen ...')."""
    m = re.search(r"\(([a-z0-9_]+)\): de scenario's kruisen", melding)
    assert m, melding
    return m.group(1)


def _crossed_forecast():  # type: ignore[no-untyped-def]
    """The example's forecast with coa_bezetting medio pushed above max in the
    second year and min above medio in the fourth (independent of the engine)."""
    fc = run(read_assumptions(EXAMPLE_CSV))
    data = fc.data["coa_bezetting"].copy()
    i_min, i_med, i_max = (fc.scenarios.index(s) for s in ("min", "medio", "max"))
    data[i_med, 1] = data[i_max, 1] + 1000.0
    data[i_min, 3] = data[i_med, 3] + 1000.0
    fc.data["coa_bezetting"] = data
    return fc


def test_crossings_name_series_years_and_broken_order() -> None:
    fc = _crossed_forecast()
    low, high = crossing_years(fc, "coa_bezetting")
    assert low == [fc.startjaar + 3] and high == [fc.startjaar + 1]
    found = [p for p in scenario_crossings(fc) if "(coa_bezetting)" in p.melding]
    assert len(found) == 1
    p = found[0]
    assert p.niveau == WAARSCHUWING and not p.is_error and p.regel == RULE
    assert SERIES["coa_bezetting"].label in p.melding
    assert f"min > medio in {fc.startjaar + 3}" in p.melding
    assert f"medio > max in {fc.startjaar + 1}" in p.melding


def test_a_crossing_within_the_rounding_margin_is_not_reported() -> None:
    fc = run(read_assumptions(EXAMPLE_CSV))
    before = {p.melding for p in scenario_crossings(fc)}
    data = fc.data["coa_bezetting"].copy()
    i_med, i_max = fc.scenarios.index("medio"), fc.scenarios.index("max")
    data[i_med, 1] = data[i_max, 1] + 0.4  # rounding noise, as on Controles (margin 0,5)
    fc.data["coa_bezetting"] = data
    assert {p.melding for p in scenario_crossings(fc)} == before


def test_crossings_agree_with_a_direct_comparison() -> None:
    """Independent of the module: count the years by hand for every series."""
    fc = run(read_assumptions(EXAMPLE_CSV))
    reported = {_series_of(p.melding) for p in scenario_crossings(fc)}
    expected = set()
    for key, arr in fc.data.items():
        m = 0.0005 if SERIES[key].unit == "fractie" else 0.5
        lo, mid, hi = (arr[fc.scenarios.index(s)] for s in ("min", "medio", "max"))
        if np.any(lo > mid + m) or np.any(mid > hi + m):
            expected.add(key)
    assert reported == expected


def test_validate_and_run_report_crossings_as_warnings(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import mpp_xl.commands.run as run_cmd
    import mpp_xl.commands.validate as validate_cmd

    fc = _crossed_forecast()
    monkeypatch.setattr(validate_cmd, "run", lambda a: fc)
    assert main(["valideer", str(EXAMPLE_CSV)]) == 0  # warnings only: exit 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "(coa_bezetting)" in ln)
    assert line.startswith("[WAARSCHUWING]") and f"medio > max in {fc.startjaar + 1}" in line
    n_warn = len(scenario_crossings(fc)) + sum(
        not p.is_error for p in read_assumptions(EXAMPLE_CSV).validate())
    assert f"0 fout(en), {n_warn} waarschuwing(en)." in out

    monkeypatch.setattr(run_cmd, "run", lambda a: fc)
    assert main(["reken", str(EXAMPLE_CSV)]) == 0
    err = capsys.readouterr().err
    assert any("(coa_bezetting)" in ln and "medio > max" in ln for ln in err.splitlines())


def test_model_cache_counts_crossings_as_warnings() -> None:
    from mpp_xl.analysis import model_cache

    a = read_assumptions(EXAMPLE_CSV)
    model_cache.clear()
    entry = model_cache.model_from_assumptions(a, make_current=False)
    crossings = scenario_crossings(run(a))
    assert crossings, "the example has crossings (Controles shows LET OP)"
    assert entry.n_errors == 0
    assert entry.n_warnings == sum(not p.is_error for p in a.validate()) + len(crossings)
    assert {p.melding for p in entry.problems if p.regel == RULE} == \
        {p.melding for p in crossings}


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_example_keeps_no_backups_in_out() -> None:
    """The example is regenerated from the CSV on every run: its backups are
    removed after the last command that writes the workbook."""
    r = subprocess.run(["make", "-n", "example", "PY=python3"], cwd=ROOT, capture_output=True,
                       text=True, check=True)
    lines = [ln.strip() for ln in r.stdout.splitlines() if ln.strip()]
    cleanup = [i for i, ln in enumerate(lines) if ln.startswith("rm ") and "out/.backup" in ln]
    writers = [i for i, ln in enumerate(lines)
               if " bouw " in ln or " ververs " in ln or " vaststellen " in ln
               or " nieuwe-ronde " in ln]
    assert writers and cleanup and cleanup[-1] > max(writers)
    assert all(" -m mpp_xl " not in ln or ln.split(" -m mpp_xl ")[1].split()[0] in
               {"bouw", "ververs", "reken", "onzekerheid", "rapport", "status", "nieuwe-ronde",
                "vergelijk", "terugtoets", "varianten", "gevoeligheid"} for ln in lines)
