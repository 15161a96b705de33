"""Findings of the new-user trial (issue ux): realisations with Dutch thousands
points or unknown series are refused the same way by every command that reads
them, --debug after the command, Dutch texts and rounded CSV figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from mpp_xl.analysis.backtest import read_realisaties
from mpp_xl.cli import main
from mpp_xl.core.problems import MppError
from tests.conftest import EXAMPLE_CSV

BAD_THOUSANDS = ("reeks,jaar,waarde,bron\n"
                 "coa_bezetting,2024,70.000,COA\n"          # regel 2
                 "instroom_eerste,2024,32.180,IND\n"        # regel 3
                 "coa_aandeel_statushouders,2024,0.150,COA\n"  # a fraction: 0,15 is right
                 "instroom_totaal,2024,47500,IND\n")
BAD_SERIES = ("reeks,jaar,waarde\n"
              "instroom_eerste,2024,32180\n"
              "instroom_eerst,2024,100\n"      # regel 3: a typo
              "bestaat_niet,2024,5\n")          # regel 4


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "real.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_thousands_point_in_a_count_is_refused_per_line(tmp_path: Path) -> None:
    with pytest.raises(MppError) as e:
        read_realisaties(_write(tmp_path, BAD_THOUSANDS))
    msg = str(e.value)
    assert "regel 2" in msg and "schrijf 70000" in msg
    assert "regel 3" in msg and "schrijf 32180" in msg
    assert "regel 4" not in msg and "regel 5" not in msg


def test_fraction_and_plain_counts_are_read() -> None:
    import io

    import pandas as pd

    from mpp_xl.analysis.backtest import realisaties_from_frame

    df = pd.read_csv(io.StringIO("reeks,jaar,waarde\ncoa_aandeel_statushouders,2024,0.150\n"
                                 "instroom_totaal,2024,47500\ncoa_bezetting,2024,1234.5\n"),
                     dtype=str)
    real = realisaties_from_frame(df).set_index("reeks")["waarde"]
    assert real["coa_aandeel_statushouders"] == 0.15
    assert real["instroom_totaal"] == 47500
    assert real["coa_bezetting"] == 1234.5


def test_unknown_series_listed_all_with_suggestion(tmp_path: Path) -> None:
    with pytest.raises(MppError) as e:
        read_realisaties(_write(tmp_path, BAD_SERIES))
    msg = str(e.value)
    assert "regel 3: onbekende reeks 'instroom_eerst'" in msg
    assert "bedoelt u 'instroom_eerste'?" in msg
    assert "regel 4: onbekende reeks 'bestaat_niet'" in msg


@pytest.mark.parametrize("text, needles", [
    (BAD_THOUSANDS, ("regel 2", "schrijf 70000", "regel 3", "schrijf 32180")),
    (BAD_SERIES, ("regel 3", "instroom_eerste", "regel 4", "bestaat_niet")),
])
def test_terugtoets_and_bouw_refuse(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    text: str, needles: tuple[str, ...]) -> None:
    path = _write(tmp_path, text)
    out_csv = tmp_path / "uit.csv"
    assert main(["terugtoets", str(EXAMPLE_CSV), str(path), "--csv", str(out_csv)]) == 2
    err = capsys.readouterr().err
    assert all(n in err for n in needles), err
    assert not out_csv.exists()
    book = tmp_path / "m.xlsm"
    assert main(["bouw", str(EXAMPLE_CSV), "--realisaties", str(path),
                 "--uitvoer", str(book)]) == 2
    err = capsys.readouterr().err
    assert all(n in err for n in needles), err
    assert not book.exists()
    import shutil

    master = tmp_path / "mpp_2024_2.xlsm"
    shutil.copy(Path(__file__).resolve().parents[2] / "workbooks" / "mpp_2024_2.xlsm", master)
    new = tmp_path / "mpp_2025_1.xlsm"
    assert main(["nieuwe-ronde", str(master), "--versie", "2025-1", "--peildatum",
                 "2025-01-01", "--realisaties", str(path), "-o", str(new)]) == 2
    err = capsys.readouterr().err
    assert all(n in err for n in needles), err
    assert not new.exists()


# --- 3. the reference realisations compare like with like -----------------------------------
REFERENCE = Path(__file__).resolve().parents[2] / "referentie" / "realisaties.csv"


def test_reference_realisations_map_to_their_definition() -> None:
    import pandas as pd

    import mpp_xl

    src = pd.read_csv(REFERENCE, dtype=str, keep_default_na=False)
    val = {(r.reeks, int(r.jaar)): float(r.waarde) for r in src.itertuples()}
    # inflow 2024 without hervestiging under its own series; the total adds hervestiging
    assert val[("instroom_asiel_excl_hervestiging", 2024)] == 45640
    assert val[("instroom_totaal", 2024)] == 45640 + val[("instroom_hervestiging", 2024)]
    # IND decisions on first and repeated applications: not the total with nareis
    assert not (src["reeks"] == "ind_afdoeningen_totaal").any()
    assert val[("ind_afdoeningen_eerste_herhaald", 2024)] == 40480
    # no stock at the example's start date: that is an input, not a realisation
    a = mpp_xl.read_assumptions(EXAMPLE_CSV)
    start = mpp_xl.run(a).years("coa_bezetting")[0]
    from mpp_xl.core.series import SERIES
    stocks_at_start = [k for k in val if SERIES.get(k[0]) is not None
                       and SERIES[k[0]].is_stock and k[1] == start]
    assert stocks_at_start == []
    # the notes are Dutch
    english = ("approximately", "excluding", "derived", "first applications", "end of",
               "classic", "figure")
    notes = " ".join(src["opmerking"]).lower()
    assert not [w for w in english if w in notes]


# --- 5. --debug after the command ------------------------------------------------------------
@pytest.mark.parametrize("argv, want", [
    (["reeksen"], False),
    (["--debug", "reeksen"], True),
    (["reeksen", "--debug"], True),
    (["ververs", "x.xlsm", "--debug"], True),
    (["--debug", "terugtoets", "a.csv", "b.csv"], True),
])
def test_debug_before_or_after_the_command(argv: list[str], want: bool) -> None:
    from mpp_xl.cli import build_parser

    assert build_parser().parse_args(argv).debug is want


def test_debug_after_the_command_shows_the_traceback(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import mpp_xl.commands.run as run_cmds

    def boom(args: object) -> int:
        raise RuntimeError("kapot")

    monkeypatch.setattr(run_cmds, "cmd_reeksen", boom)
    assert main(["reeksen"]) == 1
    assert "Onverwachte fout (RuntimeError): kapot" in capsys.readouterr().err
    with pytest.raises(RuntimeError, match="kapot"):
        main(["reeksen", "--debug"])


# --- 6. Dutch texts and rounded CSV figures --------------------------------------------------
def test_generated_docs_say_so_in_dutch() -> None:
    from mpp_xl.commands.run import parameters_markdown
    from mpp_xl.core.problems import rules_markdown

    root = Path(__file__).resolve().parents[2]
    for text, doc in ((parameters_markdown(), "parameters.md"), (rules_markdown(), "rules.md")):
        head = text.splitlines()[2]
        assert head.startswith("Gemaakt uit ") and "niet met de hand bewerken" in head
        assert "Generated" not in text and "do not edit" not in text
        assert (root / "docs" / doc).read_text(encoding="utf-8") == text


def test_kader_labels_without_english_or_doubled_optional() -> None:
    from mpp_xl.core.registry import PARAMETERS

    assert "seed" not in PARAMETERS["mc_zaad"].label.lower()
    for p in PARAMETERS.values():
        # the partner sheet adds "Optioneel." to a parameter without a default
        assert "(optioneel)" not in p.help.lower(), p.key


def test_ververs_prints_seconds_with_a_decimal_comma(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from types import SimpleNamespace

    import mpp_xl.workbook.files as files
    import mpp_xl.workbook.refresh_file as refresh_file

    res = SimpleNamespace(meldingen=[], problems=[], partners={}, handle="h",
                          stats={"formules": 1234, "rekenen_s": 1.25}, state="concept")
    monkeypatch.setattr(files, "require_master", lambda path, command: Path(path))
    monkeypatch.setattr(refresh_file, "refresh_workbook", lambda path: res)
    assert main(["ververs", "m.xlsm"]) == 0
    out = capsys.readouterr().out
    assert "1234 formules berekend in 1,2 s." in out or "1234 formules berekend in 1,3 s." in out


def test_terugtoets_csv_has_no_float_noise(tmp_path: Path) -> None:
    import pandas as pd

    real = _write(tmp_path, "reeks,jaar,waarde\ninstroom_hervestiging,2024,760\n"
                            "instroom_nareis,2024,11880\ncoa_aandeel_statushouders,2025,0.26\n")
    out = tmp_path / "bt.csv"
    assert main(["terugtoets", str(EXAMPLE_CSV), str(real), "--csv", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "e-" not in text
    df = pd.read_csv(out).set_index("reeks")
    for col in ("min", "medio", "max", "fout", "procent", "procentpunt"):
        for v in df[col].dropna():
            assert len(repr(float(v)).split(".")[-1]) <= 6, (col, v)
    # the rounded figures still agree with an exact run within the rounding
    import mpp_xl

    fc = mpp_xl.run(mpp_xl.read_assumptions(EXAMPLE_CSV))
    assert df.loc["instroom_nareis", "medio"] == pytest.approx(
        fc.value("instroom_nareis", 2024, "medio"), abs=0.005)
    assert df.loc["coa_aandeel_statushouders", "medio"] == pytest.approx(
        fc.value("coa_aandeel_statushouders", 2025, "medio"), abs=5e-7)
    assert df.loc["instroom_hervestiging", "fout"] == pytest.approx(
        fc.value("instroom_hervestiging", 2024, "medio") - 760, abs=0.005)


def test_vergelijk_csv_is_rounded(tmp_path: Path) -> None:
    import pandas as pd

    root = Path(__file__).resolve().parents[2]
    other = root / "referentie" / "mpp_2024_2_reproductie_aannames.csv"
    out = tmp_path / "v.csv"
    assert main(["vergelijk", str(other), str(EXAMPLE_CSV), "--csv", str(out)]) == 0
    df = pd.read_csv(out)
    assert len(df) > 0 and "e-" not in out.read_text(encoding="utf-8")
    counts = df[df["reeks"] != "coa_aandeel_statushouders"]
    np_ok = (counts["oud"] * 100).round(6) % 1 == 0
    assert np_ok.all()


# --- 7. a start value of the round is an input, not a test -----------------------------------
def test_start_value_of_a_round_is_marked_as_input(tmp_path: Path) -> None:
    import numpy as np
    import pandas as pd

    from mpp_xl.analysis.backtest import backtest
    from mpp_xl.analysis.forecast import Forecast

    # a new round starting 2025: the share per 1 jan 2025 is its start value (0.26 set
    # from the realisation), 2026 a forecast; a flow in 2025 is a forecast too
    data = {"coa_aandeel_statushouders": np.array([[0.26, 0.30, 0.33]] * 3),
            "instroom_eerste": np.array([[30000.0, 31000.0], [35000.0, 36000.0],
                                         [40000.0, 41000.0]])}
    fc = Forecast(2025, 2026, ("min", "medio", "max"), data)
    real = pd.DataFrame({"reeks": ["coa_aandeel_statushouders"] * 2 + ["instroom_eerste"],
                         "jaar": [2025, 2026, 2025], "waarde": [0.26, 0.40, 36000],
                         "bron": ["", "", ""]})
    bt = backtest(fc, real)
    assert bt.invoer == frozenset({("coa_aandeel_statushouders", 2025)})
    assert any("Niet getoetst: coa_aandeel_statushouders 2025" in m for m in bt.meldingen)
    out = tmp_path / "bt.csv"
    bt.to_csv(out)
    band = pd.read_csv(out).set_index(["reeks", "jaar"])["binnen_band"]
    assert band[("coa_aandeel_statushouders", 2025)] == "invoer"
    assert band[("coa_aandeel_statushouders", 2026)] == "nee"   # 0.40 above max 0.30
    assert band[("instroom_eerste", 2025)] == "ja"
    s = bt.samenvatting().set_index("reeks")
    assert s.loc["coa_aandeel_statushouders", "aantal"] == 1
    assert s.loc["coa_aandeel_statushouders", "gem_abs_procentpunt"] == pytest.approx(10.0)
