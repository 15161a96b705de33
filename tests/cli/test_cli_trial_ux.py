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
