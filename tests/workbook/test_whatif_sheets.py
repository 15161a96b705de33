"""The Varianten and Gevoeligheid sheets: built (with mpp bouw --varianten),
validated and filled by the headless refresh and by the Excel button's refresh
(FakeBook), read back with python-calamine and compared with the analysis run
directly on the same assumptions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import python_calamine as pc

from mpp_xl.analysis import variant_cache
from mpp_xl.analysis.forecast import run_resolved
from mpp_xl.analysis.sensitivity import TORNADO_TOP, sensitivity
from mpp_xl.analysis.variant_sheets import SENS_HEADERS, TABLE_ROWS
from mpp_xl.analysis.variants import VARIANT_HEADLINE_KEYS, run_variant_rows
from mpp_xl.cli import main as cli
from mpp_xl.core.assumptions import Assumptions
from mpp_xl.core.variants import apply_variant, read_variants_csv
from mpp_xl.workbook import sensitivity_refresh as G
from mpp_xl.workbook import variants_refresh as V
from mpp_xl.workbook.refresh_file import refresh_workbook

from .helpers import EXAMPLE_CSV, edit_cells

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_VARIANTS = ROOT / "workbooks" / "varianten_voorbeeld.csv"


def _grid(path: Path, sheet: str) -> list[list[object]]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(
        skip_empty_area=False)


@pytest.fixture(scope="module")
def with_variants(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("varianten")
    out = d / "mpp.xlsx"
    assert cli(["bouw", str(EXAMPLE_CSV), "-o", str(out), "--varianten",
                str(EXAMPLE_VARIANTS)]) == 0
    assert cli(["ververs", str(out)]) == 0
    return out


def test_varianten_sheet_results_equal_direct_runs(with_variants: Path) -> None:
    g = _grid(with_variants, V.NAME)
    res = Assumptions.from_csv(EXAMPLE_CSV).resolve()
    rows = read_variants_csv(EXAMPLE_VARIANTS)
    direct = run_variant_rows(res, rows)
    base = run_resolved(res)
    # the input table holds the example (operations as words), labelled illustrative
    assert [r[0] for r in g[V.FIRST_ROW - 1:V.FIRST_ROW + 2]] == list(direct.names)
    assert g[V.FIRST_ROW - 1][4] in ("maal", "plus", "zet")
    assert any("illustratief" in str(c).lower() for r in g[:5] for c in r)
    c0 = V.RESULT_COL - 1
    for k, reeks in enumerate(VARIANT_HEADLINE_KEYS):
        top = V.RESULT_TOP + k * TABLE_ROWS - 1
        years = [int(y) for y in g[top + 1][c0 + 1:c0 + 7]]
        for i, v in enumerate(direct.variants):
            row = g[top + 2 + i]
            assert row[c0] == v.naam
            own = run_resolved(apply_variant(res, v))
            for j, y in enumerate(years):
                if y in own.years(reeks):
                    want = own.value(reeks, y, "medio") - base.value(reeks, y, "medio")
                    assert row[c0 + 1 + j] == pytest.approx(want, abs=1e-6), (reeks, v.naam, y)
    assert len(str(g[3][4])) == 64  # the sheet's own fingerprint


def test_gevoeligheid_sheet_equals_direct_sensitivity(with_variants: Path) -> None:
    g = _grid(with_variants, G.NAME)
    res = Assumptions.from_csv(EXAMPLE_CSV).resolve()
    s = sensitivity(res)
    assert g[G.TABLE_ROW - 1][:len(SENS_HEADERS)] == list(SENS_HEADERS)
    got = {r[0]: r for r in g[G.TABLE_ROW:] if r and r[0]}
    assert len(got) == len(s.tabel)
    top = [r[0] for r in g[G.TABLE_ROW:G.TABLE_ROW + TORNADO_TOP]]
    assert top == list(s.tabel["parameter"][:TORNADO_TOP])
    for rec in s.tabel.to_dict("records"):
        row = got[rec["parameter"]]
        assert row[SENS_HEADERS.index("Zwaai")] == pytest.approx(rec["zwaai"], abs=1e-6)
    assert g[int(G.BASE_CELL[1:]) - 1][1] == pytest.approx(s.uitkomst_basis)


def test_changed_target_and_bad_variant_row(tmp_path: Path, with_variants: Path) -> None:
    p = tmp_path / "m.xlsx"
    shutil.copy(with_variants, p)
    edit_cells(p, G.NAME, {G.TARGET_CELLS["reeks"]: ("ind_werkvoorraad", None),
                           G.TARGET_CELLS["jaar"]: (2027, None),
                           G.TARGET_CELLS["stap"]: (5, None)})
    assert refresh_workbook(p).n_errors == 0
    g = _grid(p, G.NAME)
    s = sensitivity(Assumptions.from_csv(EXAMPLE_CSV).resolve(), "ind_werkvoorraad", 2027,
                    "medio", 5)
    assert g[G.TABLE_ROW][0] == s.tabel["parameter"].iloc[0]
    assert g[G.TABLE_ROW][SENS_HEADERS.index("Zwaai")] == pytest.approx(
        s.tabel["zwaai"].iloc[0], abs=1e-6)
    # a fraction pushed above 1: the refresh refuses (exit 2) and names Varianten!cell
    edit_cells(p, V.NAME, {f"B{V.FIRST_ROW}": ("inwilligingspercentage_eerste", None),
                           f"F{V.FIRST_ROW}": (3, None)})
    before = p.read_bytes()
    assert cli(["ververs", str(p)]) == 2
    assert p.read_bytes() == before


def test_mpp_variant_after_refresh(with_variants: Path) -> None:
    import udfs.mpp_udfs as U

    variant_cache.clear()
    refresh_workbook(with_variants)  # stores the sheet's variants for MPP_VARIANT
    res = Assumptions.from_csv(EXAMPLE_CSV).resolve()
    direct = run_variant_rows(res, read_variants_csv(EXAMPLE_VARIANTS))
    want = direct.value("coa_bezetting", 2028, "medio", "tweestatusstelsel")
    assert U.MPP_VARIANT("coa_bezetting", 2028, "medio", "tweestatusstelsel") == \
        pytest.approx(want)


def test_varianten_cli_reads_the_sheet(with_variants: Path, tmp_path: Path) -> None:
    out = tmp_path / "v.csv"
    assert cli(["varianten", str(with_variants), "--csv", str(out)]) == 0
    import pandas as pd

    df = pd.read_csv(out)
    assert set(df["variant"]) == {"tweestatusstelsel", "extra_ind_capaciteit",
                                  "lagere_instroom_2026"}


def test_excel_button_fills_both_sheets(with_variants: Path) -> None:
    """The button's refresh (the same refresh over an xlwings-like Book) writes the
    same numbers; the sheets are unprotected for it and protected again."""
    from mpp_xl.analysis import model_cache
    from mpp_xl.workbook.excel_book import FakeBook, refresh

    book = FakeBook.from_xlsx(with_variants)
    # clear what the refresh writes: the results beside the inputs, the table below the target
    book.cells[V.NAME] = {rc: v for rc, v in book.cells[V.NAME].items()
                          if rc[0] < V.RESULT_TOP or rc[1] < V.RESULT_COL}
    book.cells[G.NAME] = {rc: v for rc, v in book.cells[G.NAME].items() if rc[0] < G.TABLE_ROW}
    model_cache.clear()
    result = refresh(book)
    assert result.n_errors == 0
    res = Assumptions.from_csv(EXAMPLE_CSV).resolve()
    s = sensitivity(res)
    g = book.read(G.NAME)
    assert g[G.TABLE_ROW][0] == s.tabel["parameter"].iloc[0]
    assert g[G.TABLE_ROW][SENS_HEADERS.index("Zwaai")] == pytest.approx(
        s.tabel["zwaai"].iloc[0], abs=1e-6)
    v = book.read(V.NAME)
    direct = run_variant_rows(res, read_variants_csv(EXAMPLE_VARIANTS))
    k = VARIANT_HEADLINE_KEYS.index("coa_bezetting")
    row = v[V.RESULT_TOP + k * TABLE_ROWS + 1][V.RESULT_COL - 1:]
    assert row[0] == direct.names[0]
    assert row[5] == pytest.approx(float(direct.difference("coa_bezetting")[0, 4]), abs=1e-6)
    assert book.formats[G.NAME] and book.formats[V.NAME]  # styled by kind
    assert ("protect", V.NAME) in book.protection_log


def test_variants_fingerprint_changes_no_partner(tmp_path: Path, with_variants: Path) -> None:
    from mpp_xl.core.registry import PARTNERS
    from mpp_xl.workbook.reader import read_assumptions

    p = tmp_path / "m.xlsx"
    shutil.copy(with_variants, p)
    before = read_assumptions(p).resolve()
    fp_before = _grid(p, V.NAME)[3][4]
    edit_cells(p, V.NAME, {f"F{V.FIRST_ROW}": (0.5, None)})
    assert refresh_workbook(p).n_errors == 0
    after = read_assumptions(p).resolve()
    from mpp_xl.core.assumptions import fingerprint

    assert all(fingerprint(before, s) == fingerprint(after, s) for s in PARTNERS)
    assert _grid(p, V.NAME)[3][4] != fp_before


def test_charts_carry_the_refreshed_numbers(with_variants: Path) -> None:
    """Readers without recalculation draw from the chart caches: after the refresh the
    Varianten charts hold one series per example variant with its differences, the
    tornado the top parameters by name."""
    import re
    import zipfile

    res = Assumptions.from_csv(EXAMPLE_CSV).resolve()
    direct = run_variant_rows(res, read_variants_csv(EXAMPLE_VARIANTS))
    with zipfile.ZipFile(with_variants) as z:
        charts = [z.read(n).decode() for n in z.namelist()
                  if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    coa = next(c for c in charts if "COA-bezetting (per 1 januari)" in c)
    assert coa.count("<ser>") == len(direct.names)
    first = re.search(r"<val><numRef>.*?</numRef></val>", coa, re.S).group(0)  # type: ignore[union-attr]
    got = [float(v) for v in re.findall(r"<v>([^<]*)</v>", first)]
    np_want = direct.difference("coa_bezetting")[0]
    assert got == pytest.approx(list(np_want), abs=1e-6)
    tornado = next(c for c in charts if "Tornado" in c)
    s = sensitivity(res)
    assert s.tabel["parameter"].iloc[0] in tornado and "<strCache>" in tornado


def test_sign_off_of_the_variants_table(tmp_path: Path, with_variants: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """DGM-APM signs the Varianten table like a partner sheet: valid until the
    table changes; no partner's fingerprint or sign-off state moves."""
    from mpp_xl.workbook.signoff import live_state

    p = tmp_path / "m.xlsx"
    shutil.copy(with_variants, p)
    before, _ = live_state(p)
    assert cli(["vaststellen", str(p), "--partner", "Varianten", "--naam", "D. Prognose",
                "--datum", "2026-12-01"]) == 0
    assert "Varianten vastgesteld door D. Prognose" in capsys.readouterr().out
    g = _grid(p, V.NAME)
    row = g[int(V.SIGN_CELLS["name"][1:]) - 1]
    assert row[1] == "D. Prognose" and row[2] == "2026-12-01"
    assert row[4] == g[3][4] and len(row[4]) == 64  # the table's fingerprint now
    assert row[5] == V.SIGN_VALID
    after, _ = live_state(p)
    assert after == before  # the partners' states and fingerprints are untouched
    # someone else cannot silently replace a valid sign-off
    assert cli(["vaststellen", str(p), "--partner", "varianten", "--naam", "X"]) == 2
    # a changed table voids it at the next refresh
    edit_cells(p, V.NAME, {f"F{V.FIRST_ROW}": (0.5, None)})
    refresh_workbook(p)
    assert _grid(p, V.NAME)[int(V.SIGN_CELLS["status"][1:]) - 1][5] == V.SIGN_VOID
