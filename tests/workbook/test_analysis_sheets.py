"""The analysis sheets of the master workbook: Onzekerheid (Monte Carlo bands
as MPP_BAND formulas), Bijstelling (comparison with Kader's vorige_mpp) and
Realisatie (input + backtest), headless and through the Excel refresh logic.

Values are read back with python-calamine (an independent reader) and checked
against the analysis modules and the engine run directly."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import python_calamine as pc

from mpp_xl import run
from mpp_xl.analysis.compare import compare
from mpp_xl.analysis.uncertainty import simulate
from mpp_xl.cli import main as cli
from mpp_xl.core.assumptions import Assumptions
from mpp_xl.core.series import SERIES
from mpp_xl.workbook import sheets as S
from mpp_xl.workbook import specs
from mpp_xl.workbook.builder import build
from mpp_xl.workbook.reader import read_workbook_realisaties
from mpp_xl.workbook.refresh_file import refresh_workbook

from .helpers import EXAMPLE_CSV, edit_cells

PCTS = (12.5, 50.0, 67.0, 87.5)


def _grid(path: Path, sheet: str) -> list[list[object]]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(
        skip_empty_area=False)


def _csv_with(tmp: Path, extra: dict[str, str], name: str = "aannames.csv",
              change: tuple[str, str, str, float] | None = None) -> Path:
    """The example CSV with Kader values set (parameter -> value) and optionally one
    value multiplied (parameter, scenario, jaar, factor)."""
    df = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)
    df = df[~df["parameter"].isin(list(extra))]
    add = pd.DataFrame([{"parameter": k, "scenario": "alle", "jaar": "", "waarde": v}
                        for k, v in extra.items()])
    df = pd.concat([df, add], ignore_index=True)
    if change is not None:
        key, scen, jaar, f = change
        m = (df["parameter"] == key) & (df["scenario"] == scen) & (df["jaar"] == jaar)
        assert m.sum() == 1
        df.loc[m, "waarde"] = repr(float(df.loc[m, "waarde"].iloc[0]) * f)
    out = tmp / name
    df.to_csv(out, index=False)
    return out


def _build_refresh(csv: Path, out: Path, realisaties: pd.DataFrame | None = None) -> Path:
    build(Assumptions.from_csv(csv), out, realisaties=realisaties)
    refresh_workbook(out)
    return out


def _fan_tables(g: list[list[object]]) -> dict[str, dict[int, list[float]]]:
    """reeks -> jaar -> [P12,5, P50, P67, P87,5, min, medio, max, breedte], found by
    the series key in column I of each title row and the 'Jaar' header below it."""
    out: dict[str, dict[int, list[float]]] = {}
    for i, row in enumerate(g):
        key = row[8] if len(row) > 8 else None
        if isinstance(key, str) and key in SERIES and g[i + 1][0] == "Jaar":
            assert g[i + 1][1:5] == ["P12,5", "P50", "P67", "P87,5"]
            t: dict[int, list[float]] = {}
            r = i + 2
            while r < len(g) and isinstance(g[r][0], float):
                t[int(g[r][0])] = [float(v) for v in g[r][1:9]]
                r += 1
            out[key] = t
    return out


# --- Onzekerheid ---------------------------------------------------------------------
def test_onzekerheid_equals_simulate_with_kader_settings(refreshed_master: Path,
                                                         example: Assumptions):
    resolved = example.resolve()
    bands = simulate(resolved, percentiles=PCTS)  # Kader defaults: 10,000 draws, seed 20242
    fc = run(example)
    tables = _fan_tables(_grid(refreshed_master, "Onzekerheid"))
    assert set(tables) == {k for k, s in SERIES.items() if s.main}
    for reeks, t in tables.items():
        assert sorted(t) == bands.years(reeks), reeks
        for jaar, vals in t.items():
            want = [bands.value(reeks, jaar, p) for p in PCTS]
            assert vals[:4] == pytest.approx(want, rel=1e-12, abs=1e-9), (reeks, jaar)
            p125, p50, p67, p875 = vals[:4]
            assert p125 <= p50 + 1e-9 and p50 <= p67 + 1e-9 and p67 <= p875 + 1e-9
            scen = [fc.value(reeks, jaar, s) for s in ("min", "medio", "max")]
            assert vals[4:7] == pytest.approx(scen, rel=1e-12, abs=1e-9)
            assert vals[7] == pytest.approx(p875 - p125, rel=1e-12, abs=1e-9)
    # the bands widen over the horizon for the stock COA occupancy
    coa = tables["coa_bezetting"]
    years = sorted(coa)
    assert coa[years[-1]][3] - coa[years[-1]][0] > coa[years[1]][3] - coa[years[1]][0]


def test_onzekerheid_uses_draws_and_seed_from_kader(tmp_path: Path, refreshed_master: Path):
    csv = _csv_with(tmp_path, {"mc_trekkingen": "500", "mc_zaad": "7"})
    wb = _build_refresh(csv, tmp_path / "mc.xlsm")
    a = Assumptions.from_csv(csv)
    bands = simulate(a.resolve(), draws=500, seed=7, percentiles=PCTS)
    got = _fan_tables(_grid(wb, "Onzekerheid"))["coa_bezetting"]
    default = _fan_tables(_grid(refreshed_master, "Onzekerheid"))["coa_bezetting"]
    for jaar, vals in got.items():
        assert vals[:4] == pytest.approx([bands.value("coa_bezetting", jaar, p) for p in PCTS],
                                         rel=1e-12, abs=1e-9)
    assert any(got[y][0] != default[y][0] for y in got)  # other draws, other band


def test_fan_charts_read_the_onzekerheid_tables(built_master: Path):
    with zipfile.ZipFile(built_master) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/")]
    fans = [c for c in charts if "Onzekerheid" in c]
    assert len(fans) == len(specs.FAN_SERIES)
    for c in fans:
        assert "<areaChart>" in c and "<lineChart>" in c
        assert 'grouping val="stacked"' in c
        # P12,5 (B), P50 (C), width (I) and the three scenarios (F, G, H)
        for col in "BCFGHI":
            assert re.search(rf"'Onzekerheid'!\${col}\$\d+:\${col}\$\d+", c), col


# --- Bijstelling ---------------------------------------------------------------------
def _bijstelling(path: Path) -> list[list[object]]:
    return _grid(path, "Bijstelling")


def _texts(g: list[list[object]]) -> str:
    return "\n".join(str(r[0]) for r in g if r and isinstance(r[0], str))


def _section(g: list[list[object]], title: str, header: str) -> list[list[object]]:
    """Rows of the table under ``title`` (from the row after its header row)."""
    i = next(i for i, r in enumerate(g) if isinstance(r[0], str) and r[0].startswith(title))
    assert g[i + 1][0] == header
    rows = []
    for r in g[i + 2:]:
        if r[0] in (None, ""):
            break
        rows.append(r)
    return rows


def test_bijstelling_without_vorige_mpp_says_how(refreshed_master: Path):
    text = _texts(_bijstelling(refreshed_master))
    assert "Geen vorige MPP opgegeven" in text and "vorige_mpp" in text


def test_bijstelling_against_itself_shows_no_differences(tmp_path: Path):
    csv = _csv_with(tmp_path, {"vorige_mpp": "zelf.xlsm"})
    wb = _build_refresh(csv, tmp_path / "zelf.xlsm")
    text = _texts(_bijstelling(wb))
    assert "Vorige MPP: zelf.xlsm" in text
    assert "Geen verschillen in de uitkomsten" in text
    assert "Geen gewijzigde aannames" in text
    assert "Let op" not in text


def test_bijstelling_names_the_one_changed_assumption(tmp_path: Path):
    old_csv = _csv_with(tmp_path, {}, "vorige.csv", ("eerste_aanvragen", "medio", "2026", 0.9))
    csv = _csv_with(tmp_path, {"vorige_mpp": "vorige.csv"})
    wb = _build_refresh(csv, tmp_path / "nieuw.xlsm")
    g = _bijstelling(wb)

    changed = _section(g, "Gewijzigde aannames", "Parameter")
    assert [(r[0], r[1], int(r[2])) for r in changed] == [("eerste_aanvragen", "medio", 2026)]
    old_v = float(pd.read_csv(old_csv, dtype=str).query(
        "parameter == 'eerste_aanvragen' and scenario == 'medio' and jaar == '2026'")
        ["waarde"].iloc[0])
    assert changed[0][3] == pytest.approx(old_v) and changed[0][4] == pytest.approx(old_v / 0.9)

    # the differences: medio only, from 2026 on, and the same as compare() gives
    diffs = _section(g, "Grootste verschillen", "Reeks")
    assert diffs and {r[1] for r in diffs} == {"medio"}
    assert min(int(r[2]) for r in diffs) >= 2026
    a_old, a_new = Assumptions.from_csv(old_csv), Assumptions.from_csv(csv)
    cmp = compare(run(a_old), run(a_new), a_old, a_new)
    top = cmp.verschillen[cmp.verschillen["verschil"] != 0].head(len(diffs))
    for r, want in zip(diffs, top.to_dict("records"), strict=True):
        assert (r[0], r[1], int(r[2])) == (want["reeks"], want["scenario"], want["jaar"])
        assert r[3:6] == pytest.approx([want["oud"], want["nieuw"], want["verschil"]])
        assert r[6] == pytest.approx(want["procent"])
        assert r[5] == pytest.approx(r[4] - r[3])
    # one sentence per changed series, each naming the assumption
    text = _texts(g)
    assert "Toelichting per reeks" in text
    assert "COA-bezetting medio" in text and "eerste_aanvragen" in text
    assert "instroom_herhaald" not in {r[0] for r in diffs}


@pytest.mark.parametrize("content", [None, b"dit is geen werkmap"])
def test_bijstelling_missing_or_unreadable_previous_warns(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          content: bytes | None):
    name = "kapot.xlsm" if content else "bestaat_niet.csv"
    if content:
        (tmp_path / name).write_bytes(content)
    csv = _csv_with(tmp_path, {"vorige_mpp": name})
    wb = tmp_path / "m.xlsm"
    build(Assumptions.from_csv(csv), wb)
    assert cli(["ververs", str(wb)]) == 0
    err = capsys.readouterr().err
    text = _texts(_bijstelling(wb))
    expect = "kon niet worden gelezen" if content else "Vorige MPP niet gevonden"
    assert expect in err and expect in text and "Let op" in text
    # the rest of the refresh happened
    assert _grid(wb, "Uitkomsten")[2][1].startswith("MPP 2024-2 · ")


# --- Realisatie ----------------------------------------------------------------------
def _constructed(example: Assumptions) -> tuple[pd.DataFrame, dict[tuple[str, int], dict]]:
    """Realisations with known errors against the example forecast."""
    fc = run(example)
    med = fc.value("coa_bezetting", 2025, "medio")
    mx = fc.value("instroom_totaal", 2024, "max")
    lo = fc.value("ind_werkvoorraad", 2026, "min")
    hi = fc.value("ind_werkvoorraad", 2026, "max")
    rows = [
        {"reeks": "coa_bezetting", "jaar": 2025, "waarde": med - 1000.0, "bron": "COA"},
        {"reeks": "instroom_totaal", "jaar": 2024, "waarde": mx + 500.0, "bron": "IND"},
        {"reeks": "ind_werkvoorraad", "jaar": 2026, "waarde": (lo + hi) / 2, "bron": ""},
        {"reeks": "bestaat_niet", "jaar": 2025, "waarde": 1.0, "bron": ""},
    ]
    expect = {
        ("coa_bezetting", 2025): {"fout": 1000.0, "band": "ja"},
        ("instroom_totaal", 2024): {"fout": fc.value("instroom_totaal", 2024, "medio")
                                    - mx - 500.0, "band": "nee"},
        ("ind_werkvoorraad", 2026): {"fout": fc.value("ind_werkvoorraad", 2026, "medio")
                                     - (lo + hi) / 2, "band": "ja"},
    }
    return pd.DataFrame(rows), expect


def _backtest_rows(g: list[list[object]]) -> dict[tuple[str, int], list[object]]:
    c = S.REAL_BT_COL - 1
    assert g[S.REAL_HEADER_ROW - 1][c:c + 3] == ["Reeks", "Jaar", "Realisatie"]
    out = {}
    for r in g[S.REAL_FIRST_ROW - 1:]:
        if len(r) > c and isinstance(r[c], str) and r[c]:
            out[(r[c], int(r[c + 1]))] = r[c:c + len(S.REAL_BT_HEADERS)]
    return out


def test_realisatie_round_trip_and_backtest_table(tmp_path: Path, example: Assumptions,
                                                  capsys: pytest.CaptureFixture[str]):
    real, expect = _constructed(example)
    wb = _build_refresh(EXAMPLE_CSV, tmp_path / "r.xlsm", real)
    # round trip: the inputs on the sheet are the realisations given
    back = read_workbook_realisaties(wb)
    assert back is not None
    assert back["reeks"].tolist() == real["reeks"].tolist()
    assert back["jaar"].tolist() == real["jaar"].tolist()
    assert back["waarde"].tolist() == pytest.approx(real["waarde"].tolist(), rel=1e-15)
    assert back["bron"].tolist() == real["bron"].tolist()

    g = _grid(wb, "Realisatie")
    rows = _backtest_rows(g)
    assert set(rows) == set(expect)
    fc = run(example)
    for (reeks, jaar), want in expect.items():
        r = rows[(reeks, jaar)]
        scen = [fc.value(reeks, jaar, s) for s in ("min", "medio", "max")]
        assert r[3:6] == pytest.approx(scen, rel=1e-12)
        assert r[6] == pytest.approx(want["fout"], abs=1e-6)
        assert r[7] == pytest.approx(100 * want["fout"] / r[2], rel=1e-9)
        assert r[8] == want["band"]
    summary = g[S.REAL_SUMMARY_ROW - 1][S.REAL_BT_COL - 1]
    assert summary.startswith("2 van 3 realisaties") and "bestaat_niet" in summary

    # `mpp terugtoets WORKBOOK` reads the sheet
    assert cli(["terugtoets", str(wb), "--csv", str(tmp_path / "bt.csv")]) == 0
    bt = pd.read_csv(tmp_path / "bt.csv")
    assert sorted(zip(bt["reeks"], bt["jaar"], strict=True)) == sorted(expect)
    assert "bestaat_niet" in capsys.readouterr().err


def test_realisatie_typed_in_is_read_at_refresh_and_inputs_stay(tmp_path: Path,
                                                                master: Path,
                                                                example: Assumptions):
    fc = run(example)
    v = fc.value("nidos_caseload", 2027, "medio") * 1.1
    r = S.REAL_FIRST_ROW
    edit_cells(master, "Realisatie", {f"A{r}": ("nidos_caseload", None),
                                      f"B{r}": (2027.0, None), f"C{r}": (v, None),
                                      f"A{r + 1}": ("coa_bezetting", None),
                                      f"B{r + 1}": (2026.0, None),
                                      f"C{r + 1}": (None, "Uitkomsten!C40*0+1000")})

    def inputs(path: Path) -> list[bytes]:
        with zipfile.ZipFile(path) as z:
            names = re.findall(rb'<sheet name="([^"]+)"', z.read("xl/workbook.xml"))
            xml = z.read(f"xl/worksheets/sheet{names.index(b'Realisatie') + 1}.xml")
        cells = re.findall(rb'<c r="[A-D](\d+)"[^>]*?(?:/>|>.*?</c>)', xml, re.S)
        plain = [m.group(0) for m in re.finditer(rb'<c r="[A-D](\d+)"[^>]*?(?:/>|>.*?</c>)',
                                                  xml, re.S)
                 if int(m.group(1)) >= r and b"<f>" not in m.group(0)]
        assert len(plain) > 100 and cells
        return plain

    before = inputs(master)
    refresh_workbook(master)
    assert inputs(master) == before  # input cells byte-identical
    rows = _backtest_rows(_grid(master, "Realisatie"))
    assert rows[("nidos_caseload", 2027)][6] == pytest.approx(
        fc.value("nidos_caseload", 2027, "medio") - v)
    assert rows[("coa_bezetting", 2026)][2] == 1000.0  # a formula in an input cell
    # and a bad value: a Dutch warning on the sheet, the refresh still succeeds
    edit_cells(master, "Realisatie", {f"C{r}": ("veel", None)})
    res = refresh_workbook(master)
    g = _grid(master, "Realisatie")
    assert "geen getal" in g[S.REAL_SUMMARY_ROW - 1][S.REAL_BT_COL - 1]
    assert any("geen getal" in m for m in res.meldingen)
    assert _backtest_rows(g) == {}


def test_empty_realisatie_says_so(refreshed_master: Path):
    g = _grid(refreshed_master, "Realisatie")
    assert g[S.REAL_HEADER_ROW - 1][:4] == ["reeks", "jaar", "waarde", "bron"]
    assert "Nog geen realisaties" in g[S.REAL_SUMMARY_ROW - 1][S.REAL_BT_COL - 1]


# --- the Excel refresh button (logic on a FakeBook made from the built workbook) -------
def test_excel_book_fills_bijstelling_and_backtest(tmp_path: Path, example: Assumptions):
    from mpp_xl.analysis import model_cache
    from mpp_xl.workbook.excel_book import FakeBook, refresh

    _csv_with(tmp_path, {}, "vorige.csv", ("eerste_aanvragen", "medio", "2026", 0.9))
    csv = _csv_with(tmp_path, {"vorige_mpp": "vorige.csv"})
    real, expect = _constructed(example)
    wb = tmp_path / "x.xlsm"
    build(Assumptions.from_csv(csv), wb, realisaties=real)
    cw = pc.CalamineWorkbook.from_path(str(wb))
    blocks = {n: [[None if v == "" else v for v in r]
                  for r in cw.get_sheet_by_name(n).to_python(skip_empty_area=False)]
              for n in cw.sheet_names}
    book = FakeBook(blocks)
    book.path = wb
    model_cache.clear()
    result = refresh(book)
    assert result.n_errors == 0
    assert result.meldingen == ["Realisatie: Onbekende reeks(en) overgeslagen: bestaat_niet."]
    bij = book.read("Bijstelling")
    text = _texts(bij)
    assert "eerste_aanvragen" in text and "Geen vorige MPP" not in text
    assert book.formats["Bijstelling"]  # number formats applied
    rows = _backtest_rows(book.read("Realisatie"))
    assert set(rows) == set(expect)
    for k, want in expect.items():
        assert rows[k][6] == pytest.approx(want["fout"], abs=1e-6)
        assert rows[k][8] == want["band"]
    # without the folder (e.g. xlwings Server) a relative path gives a warning, no failure
    book2 = FakeBook(blocks)
    result2 = refresh(book2)
    assert result2.meldingen and "relatief pad" in result2.meldingen[0]
    assert "Let op" in _texts(book2.read("Bijstelling"))
    assert np.isfinite(rows[("coa_bezetting", 2025)][2])


def test_old_workbook_without_analysis_sheets_still_refreshes(tmp_path: Path,
                                                              refreshed_master: Path):
    """A master built before these sheets existed: the refresh skips them."""
    import openpyxl

    p = tmp_path / "oud.xlsx"
    wb = openpyxl.load_workbook(refreshed_master)
    for name in ("Onzekerheid", "Bijstelling", "Realisatie"):
        del wb[name]
    wb.save(p)
    res = refresh_workbook(p)
    assert res.n_errors == 0 and res.meldingen == []


def test_realisatie_error_names_the_sheet_row_past_empty_rows() -> None:
    """Empty input rows are skipped; the message still names the row on the sheet."""
    from mpp_xl.core.problems import MppError
    from mpp_xl.workbook.reader import realisaties_from_rows

    rows = [["coa_bezetting", 2024, 60000, None], [None] * 4, [None] * 4,
            ["coa_bezetting", 2025, "veel", None]]
    with pytest.raises(MppError, match=rf"rij {S.REAL_FIRST_ROW + 3}\b"):
        realisaties_from_rows(rows)
