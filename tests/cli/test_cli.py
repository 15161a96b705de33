"""The ``mpp`` command line: run, validate, goal-seek; Dutch errors, exit codes,
nothing written on error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from mpp_xl import read_assumptions, run
from mpp_xl.cli import main
from mpp_xl.core.series import SERIES
from tests.conftest import EXAMPLE_CSV


def test_run_writes_every_series_in_long_format(tmp_path: Path) -> None:
    out = tmp_path / "uit.csv"
    assert main(["reken", str(EXAMPLE_CSV), "--csv", str(out)]) == 0
    df = pd.read_csv(out)
    assert list(df.columns) == ["reeks", "scenario", "jaar", "waarde"]
    assert set(df["reeks"]) == set(SERIES)
    fc = run(read_assumptions(EXAMPLE_CSV))
    row = df[(df.reeks == "coa_bezetting") & (df.scenario == "medio") & (df.jaar == 2027)]
    assert row["waarde"].item() == pytest.approx(fc.value("coa_bezetting", 2027, "medio"))
    # stocks have eindjaar+1, flows don't
    assert df[df.reeks == "coa_bezetting"].jaar.max() == 2029
    assert df[df.reeks == "instroom_eerste"].jaar.max() == 2028


def test_run_without_csv_prints_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reken", str(EXAMPLE_CSV)]) == 0
    text = capsys.readouterr().out
    fc = run(read_assumptions(EXAMPLE_CSV))
    shown = f"{fc.value('coa_bezetting', 2026, 'max'):,.0f}".replace(",", ".")
    row = next(ln for ln in text.splitlines() if ln.startswith("COA-bezetting "))
    assert shown in text and "min" in row
    # every series by its Dutch label from the registry, never by its internal key
    from mpp_xl.core.series import SUMMARY_KEYS

    starts = [ln.split("  ")[0] for ln in text.splitlines()]
    for key in SUMMARY_KEYS:
        assert SERIES[key].label in starts and key not in text, key


@pytest.mark.parametrize(("line", "fragment"), [
    ("snijverlies,medio,2025,0.9", "buiten de grenzen"),
    ("onzin,alle,,1", "Onbekende parameter"),
    ("hervestiging,alle,2025,veel", "geen getal"),
    ("dtv_caseload_start,alle,,5", "staat dubbel"),
    ("hervestiging,soms,2025,1", "Onbekend scenario"),
    ("hervestiging,alle,2035,1", "buiten de horizon"),
    ("nareis_vertraging_maanden,medio,,0", "tussen 1 en 36"),
])
def test_validation_error_exit_2_and_nothing_written(tmp_path: Path, line: str,
                                                     fragment: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(EXAMPLE_CSV.read_text() + line + "\n")
    before = bad.read_bytes()
    out = tmp_path / "uit.csv"
    assert main(["reken", str(bad), "--csv", str(out)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "bad.csv" in err and "Traceback" not in err
    assert not out.exists()
    assert bad.read_bytes() == before
    assert main(["valideer", str(bad)]) == 2


def test_validate_ok_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["valideer", str(EXAMPLE_CSV)]) == 0
    assert "0 fout(en)" in capsys.readouterr().out


def test_missing_or_wrong_file_is_a_clear_error(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reken", str(tmp_path / "nee.csv")]) == 2
    assert "niet gevonden" in capsys.readouterr().err
    p = tmp_path / "x.json"
    p.write_text("{}")
    assert main(["reken", str(p)]) == 2
    assert "onbekend bestandstype" in capsys.readouterr().err
    q = tmp_path / "leeg.csv"
    q.write_text("")
    assert main(["reken", str(q)]) == 2
    assert "geen leesbaar CSV" in capsys.readouterr().err


def test_goal_seek_hits_target_and_writes_assumptions(tmp_path: Path) -> None:
    new = tmp_path / "nieuw.csv"
    target = 40000.0  # typed the Dutch way: 40.000 is forty thousand, not 40
    assert main(["doelzoeken", str(EXAMPLE_CSV), "--parameter", "ind_capaciteit",
                 "--jaar", "2025", "--scenario", "medio", "--reeks", "ind_werkvoorraad",
                 "--doeljaar", "2026", "--doel", "40.000", "--schrijf", str(new)]) == 0
    a_old, a_new = read_assumptions(EXAMPLE_CSV), read_assumptions(new)
    fc = run(a_new)
    assert fc.value("ind_werkvoorraad", 2026, "medio") == pytest.approx(target, abs=0.01)
    old_v, new_v = a_old.resolve().values, a_new.resolve().values
    diff = old_v["ind_capaciteit"] != new_v["ind_capaciteit"]
    assert diff.sum() == 1 and diff[1, 1]  # only medio 2025 changed
    for k in old_v:
        if k != "ind_capaciteit":
            assert (old_v[k] == new_v[k]).all(), k


def test_goal_seek_unreachable_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doelzoeken", str(EXAMPLE_CSV), "--parameter", "snijverlies", "--jaar", "2026",
                 "--reeks", "coa_bezetting", "--doeljaar", "2027", "--doel", "1e7"]) == 2
    assert "niet bereikbaar" in capsys.readouterr().err


def test_console_script_entry_point(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "mpp_xl", "reeksen"], capture_output=True,
                       text=True, check=False)
    assert r.returncode == 0 and "coa_bezetting" in r.stdout


def test_parameter_docs_are_generated_from_registry() -> None:
    from mpp_xl.commands.run import parameters_markdown
    from tests.conftest import ROOT

    assert (ROOT / "docs" / "parameters.md").read_text() == parameters_markdown()


def test_parameter_docs_print_defaults_in_dutch_notation() -> None:
    """Every numeric default in docs/parameters.md reads back (the Dutch way)
    as the registry's value, with no English decimal point or thousands comma."""
    from mpp_xl.commands.run import parameters_markdown
    from mpp_xl.core.numbers import parse_nl_number
    from mpp_xl.core.registry import PARAMETERS

    rows = {line.split("|")[2].strip(" `"): line.split("|")[7].strip()
            for line in parameters_markdown().splitlines()[6:]}
    numeric = [p for p in PARAMETERS.values() if isinstance(p.default, (int, float))]
    assert len(numeric) > 20 and any(p.default >= 1000 and p.unit != "jaar" for p in numeric)
    for p in numeric:
        shown = rows[p.key]
        assert parse_nl_number(shown) == pytest.approx(p.default), (p.key, shown)
        if p.unit != "jaar":  # a point only between thousands (10.000), never 0.7
            assert ("." in shown) == (abs(p.default) >= 1000), (p.key, shown)


def test_goal_seek_messages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doelzoeken", str(EXAMPLE_CSV), "--parameter", "coa_capaciteit",
                 "--reeks", "coa_bezetting", "--doeljaar", "2027", "--doel", "1"]) == 2
    assert "is een uitkomstreeks, geen parameter" in capsys.readouterr().err
    assert main(["doelzoeken", str(EXAMPLE_CSV), "--parameter", "taakstelling_h2", "--jaar", "2026",
                 "--scenario", "Medio", "--reeks", "coa_bezetting", "--doeljaar", "2027",
                 "--doel", "100000"]) == 0
    out = capsys.readouterr().out
    assert "COA-bezetting (coa_bezetting) per 1 jan 2027 = 100.000" in out


def test_report_must_be_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rapport", str(EXAMPLE_CSV), "-o", str(tmp_path / "r.png")]) == 2
    assert "PDF" in capsys.readouterr().err
    assert not (tmp_path / "r.png").exists()
