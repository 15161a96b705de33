"""What a Windows Excel user and a reader without xlwings get: the refresh
buttons and the one macro behind them, xlwings.conf, no forced recalculation
on open, the charts' cached data and the values-only copy (checked with
LibreOffice)."""

from __future__ import annotations

import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import python_calamine as pc

from mpp_xl.cli import main
from mpp_xl.core.registry import PARTNERS
from mpp_xl.workbook import sheets as S
from mpp_xl.workbook.refresh_file import refresh_workbook
from tests.udfs.vba import xlsm_vba_sources

from .helpers import EXAMPLE_CSV
from .test_libreoffice import SOFFICE, _soffice

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "workbooks" / "mpp_2024_2.xlsm"
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
NS_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


# --- an independent reading of the package (ElementTree, not the writer's code) -------
def _target(base: str, t: str) -> str:
    return t.lstrip("/") if t.startswith("/") else posixpath.normpath(
        posixpath.join(posixpath.dirname(base), t))


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    d, f = posixpath.split(part)
    name = posixpath.join(d, "_rels", f + ".rels")
    if name not in z.namelist():
        return {}
    return {r.get("Id", ""): _target(part, r.get("Target", ""))
            for r in ET.fromstring(z.read(name)).iter(f"{NS_PKG}Relationship")}


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    rels = _rels(z, "xl/workbook.xml")
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    return {s.get("name", ""): rels[s.get(f"{NS_R}id", "")] for s in wb.iter(f"{NS_MAIN}sheet")}


def shape_macros(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Sheet -> [(macro, text)] of the shapes with a macro on it."""
    out: dict[str, list[tuple[str, str]]] = {}
    with zipfile.ZipFile(path) as z:
        for sheet, part in _sheet_parts(z).items():
            root = ET.fromstring(z.read(part))
            rels = _rels(z, part)
            for d in root.iter(f"{NS_MAIN}drawing"):
                drawing = ET.fromstring(z.read(rels[d.get(f"{NS_R}id", "")]))
                for sp in drawing.iter(f"{NS_XDR}sp"):
                    if sp.get("macro"):
                        text = "".join(t.text or "" for t in sp.iter()
                                       if t.tag.endswith("}t"))
                        out.setdefault(sheet, []).append((sp.get("macro", ""), text))
    return out


def _vba_macros(path: Path) -> set[str]:
    subs: set[str] = set()
    for src in xlsm_vba_sources(path).values():
        subs |= set(re.findall(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(", src, re.M))
    return subs


@pytest.mark.parametrize("which", ["built", "refreshed", "shipped"])
def test_refresh_buttons_name_the_workbooks_macro(which: str, built_master: Path,
                                                  refreshed_master: Path) -> None:
    path = {"built": built_master, "refreshed": refreshed_master, "shipped": SHIPPED}[which]
    macros = shape_macros(path)
    assert set(macros) == {S.UITKOMSTEN, *PARTNERS}
    names = {m.split("!")[-1] for shapes in macros.values() for m, _ in shapes}
    assert names == {"MPP_Vernieuwen"}
    assert "MPP_Vernieuwen" in _vba_macros(path)  # the macro exists in vbaProject.bin
    assert "SampleCall" not in _vba_macros(path)
    assert all(text == "Vernieuwen" for shapes in macros.values() for _, text in shapes)


def test_texts_name_the_button_and_its_macro(refreshed_master: Path) -> None:
    wb = pc.CalamineWorkbook.from_path(str(refreshed_master))
    toel = " ".join(str(v) for r in wb.get_sheet_by_name(S.TOELICHTING).to_python()
                    for v in r if v)
    assert "knop Vernieuwen" in toel and "macro MPP_Vernieuwen" in toel
    assert "'main'" not in toel
    conf = " ".join(str(v) for r in wb.get_sheet_by_name(S.CONF).to_python() for v in r if v)
    assert "MPP_Vernieuwen" in conf and "If you want to rely" not in conf
    assert "SampleCall" not in toel + conf and "mpp_2024_2.py" not in toel + conf


def _conf(path: Path) -> dict[str, object]:
    rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(S.CONF).to_python()
    return {str(r[0]).strip(): r[1] for r in rows if r and r[0] not in (None, "")}


def test_conf_uses_the_installed_package(built_master: Path) -> None:
    conf = _conf(built_master)
    assert conf["UDF Modules"] == "udfs.mpp_udfs"
    assert conf.get("PYTHONPATH") in (None, "")  # nothing relative to Excel's folder
    assert conf["Interpreter_Win"] == "python"   # the default when built off Windows



@pytest.mark.parametrize("which", ["built", "refreshed", "shipped"])
def test_conf_sheet_is_hidden(which: str, built_master: Path, refreshed_master: Path) -> None:
    """xlwings.conf is for administrators: hidden (so not printed), every other
    sheet visible."""
    path = {"built": built_master, "refreshed": refreshed_master, "shipped": SHIPPED}[which]
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
    states = {s.get("name"): s.get("state", "visible") for s in wb.iter(f"{NS_MAIN}sheet")}
    assert states.pop(S.CONF) == "hidden"
    assert set(states.values()) == {"visible"}


def test_build_interpreter_option(tmp_path: Path) -> None:
    out = tmp_path / "m.xlsm"
    exe = r"C:\Program Files\Python311\python.exe"
    assert main(["build", str(EXAMPLE_CSV), "-o", str(out), "--interpreter", exe]) == 0
    assert _conf(out)["Interpreter_Win"] == exe


def test_no_full_recalculation_on_open(built_master: Path, refreshed_master: Path) -> None:
    for path in (built_master, refreshed_master, SHIPPED):
        with zipfile.ZipFile(path) as z:
            calc = ET.fromstring(z.read("xl/workbook.xml")).find(f"{NS_MAIN}calcPr")
        assert calc is not None
        assert calc.get("fullCalcOnLoad") in (None, "0", "false")
        assert int(calc.get("calcId", "0")) >= 191029


def _chart_refs(path: Path) -> list[tuple[str, str, list[float | None]]]:
    """(chart, reference, cached numbers by index) of every numRef."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            root = ET.fromstring(z.read(name))
            for ref in root.iter(f"{NS_C}numRef"):
                f = ref.findtext(f"{NS_C}f") or ""
                cache = ref.find(f"{NS_C}numCache")
                pts: list[float | None] = []
                if cache is not None:
                    n = int(cache.find(f"{NS_C}ptCount").get("val"))  # type: ignore[union-attr]
                    pts = [None] * n
                    for pt in cache.iter(f"{NS_C}pt"):
                        pts[int(pt.get("idx", "0"))] = float(pt.findtext(f"{NS_C}v") or "nan")
                out.append((name, f, pts))
    return out


def _cell_values(path: Path) -> dict[str, list[list[object]]]:
    wb = pc.CalamineWorkbook.from_path(str(path))
    return {s: wb.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in wb.sheet_names}


def _range(grids: dict[str, list[list[object]]], ref: str) -> list[object]:
    from openpyxl.utils.cell import range_boundaries

    sheet, rng = ref.rsplit("!", 1)
    c0, r0, c1, r1 = range_boundaries(rng.replace("$", ""))
    g = grids[sheet.strip("'")]
    return [g[r - 1][c - 1] for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def test_charts_carry_the_refreshed_values(built_master: Path, refreshed_master: Path) -> None:
    assert all(not pts for _, _, pts in _chart_refs(built_master))  # nothing before a refresh
    grids = _cell_values(refreshed_master)
    refs = _chart_refs(refreshed_master)
    assert len(refs) > 20
    for chart, f, pts in refs:
        want = _range(grids, f)
        assert len(pts) == len(want), (chart, f)
        for got, w in zip(pts, want):
            if isinstance(w, int | float) and not isinstance(w, bool):
                assert got == pytest.approx(float(w), rel=1e-12), (chart, f)
            else:
                assert got is None, (chart, f)


def test_shipped_charts_have_data() -> None:
    refs = _chart_refs(SHIPPED)
    assert refs and all(any(p is not None for p in pts) for _, _, pts in refs)


# --- the values-only copy ---------------------------------------------------------------
def test_values_copy_refuses_a_workbook_never_refreshed(built_master: Path,
                                                        tmp_path: Path, capsys) -> None:
    out = tmp_path / "kopie.xlsx"
    assert main(["waardenkopie", str(built_master), "-o", str(out)]) == 2
    assert "nog niet ververst" in capsys.readouterr().err and not out.exists()


def test_values_copy_refuses_to_overwrite(master: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "kopie.xlsx"
    out.write_bytes(b"oud")
    assert main(["waardenkopie", str(master), "-o", str(out)]) == 2
    assert "--overschrijf" in capsys.readouterr().err and out.read_bytes() == b"oud"
    assert main(["waardenkopie", str(master), "-o", str(out), "--overschrijf"]) == 0
    assert zipfile.is_zipfile(out)


def test_values_copy_has_no_formulas_macros_or_buttons(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "kopie.xlsx"
    assert main(["waardenkopie", str(master), "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert not any("vbaProject" in n for n in names)
        ct = z.read("[Content_Types].xml").decode()
        assert "macroEnabled" not in ct and "vbaProject" not in ct
        for part in _sheet_parts(z).values():
            assert ET.fromstring(z.read(part)).find(f".//{NS_MAIN}f") is None, part
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        assert wb.find(f"{NS_MAIN}calcPr").get("fullCalcOnLoad") in (None, "0")  # type: ignore[union-attr]
    assert shape_macros(out) == {}
    # xlwings.conf is gone (its readers have no Python); the rest is intact
    sheets = pc.CalamineWorkbook.from_path(str(out)).sheet_names
    master_sheets = pc.CalamineWorkbook.from_path(str(master)).sheet_names
    assert S.CONF in master_sheets and S.CONF not in sheets
    assert sheets == [s for s in master_sheets if s != S.CONF]
    with zipfile.ZipFile(out) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        assert set(_sheet_parts(z).values()) <= set(z.namelist())
        names = wb.findall(f".//{NS_MAIN}definedName")
        assert names
        for d in names:  # a print area still belongs to the sheet it names
            lid = d.get("localSheetId")
            if lid is not None:
                assert (d.text or "").startswith(f"'{sheets[int(lid)]}'!"), (lid, d.text)
        parts = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        assert len(parts) == len(sheets)  # the conf sheet's part went too
        ct = z.read("[Content_Types].xml").decode()
        assert all(f'PartName="/{p}"' in ct for p in parts)
        assert len(re.findall(r'PartName="/xl/worksheets/sheet\d+\.xml"', ct)) == len(parts)
    refs = _chart_refs(out)
    # every chart has data, except those over the Varianten results when the master has no
    # variants (built without --varianten: the results block is empty)
    refs = [r for r in refs if "'Varianten'!" not in r[1]]
    assert refs and all(any(p is not None for p in pts) for _, _, pts in refs)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is niet geïnstalleerd")
def test_values_copy_recalculated_in_libreoffice_shows_the_masters_numbers(
        master: Path, tmp_path: Path) -> None:
    refresh_workbook(master)  # a fresh refresh, as a user would before sending the copy
    copy = tmp_path / "kopie.xlsx"
    assert main(["waardenkopie", str(master), "-o", str(copy)]) == 0
    src = tmp_path / "lo" / copy.name
    src.parent.mkdir()
    shutil.copy(copy, src)
    recalculated = _soffice(tmp_path / "lo", src, "xlsx:Calc MS Excel 2007 XML", recalc=True)
    want = _cell_values(master)
    got = _cell_values(recalculated)
    numbers = 0
    for sheet, grid in want.items():
        if sheet == S.CONF:
            continue
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                g = got[sheet][i][j] if i < len(got[sheet]) and j < len(got[sheet][i]) else None
                assert not (isinstance(g, str) and (g.startswith("#NAME") or g.startswith("Err:"))), \
                    (sheet, i + 1, j + 1, g)
                if isinstance(v, float) and not isinstance(v, bool):
                    assert isinstance(g, float) and g == pytest.approx(v, rel=1e-9, abs=1e-9), \
                        (sheet, i + 1, j + 1, v, g)
                    numbers += 1
    # Uitkomsten, the partner panels, Onzekerheid and Controles: thousands of numbers
    assert numbers > 2000


def test_refresh_stops_an_old_master_forcing_recalculation(master: Path) -> None:
    """A master built by an older release (fullCalcOnLoad="1") reads without
    recalculating after its next refresh."""
    from mpp_xl.workbook.xlsxio import Package

    pkg = Package.open(master)
    old = pkg.parts["xl/workbook.xml"]
    forced = re.sub(rb"<calcPr\b[^>]*/>", b'<calcPr calcId="124519" fullCalcOnLoad="1"/>', old)
    assert forced != old
    master.write_bytes(pkg.to_bytes({"xl/workbook.xml": forced}))
    refresh_workbook(master)
    with zipfile.ZipFile(master) as z:
        calc = ET.fromstring(z.read("xl/workbook.xml")).find(f"{NS_MAIN}calcPr")
    assert calc is not None and calc.get("fullCalcOnLoad") is None
    assert int(calc.get("calcId", "0")) >= 191029


def test_refresh_restores_buttons_that_openpyxl_dropped(master: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    """Editing the master with openpyxl drops every shape; `mpp ververs` puts
    the buttons back and says so, and says nothing when none were missing."""
    import openpyxl

    wb = openpyxl.load_workbook(master, keep_vba=True)
    wb.save(master)
    assert shape_macros(master) == {}  # the precondition: openpyxl dropped them
    assert main(["ververs", str(master)]) == 0
    err = capsys.readouterr().err
    assert "knop Vernieuwen ontbrak en is teruggezet" in err
    assert all(s in err for s in (S.UITKOMSTEN, *PARTNERS))
    macros = shape_macros(master)
    assert set(macros) == {S.UITKOMSTEN, *PARTNERS}
    assert {m.split("!")[-1] for v in macros.values() for m, _ in v} == {"MPP_Vernieuwen"}
    assert main(["ververs", str(master)]) == 0
    assert "knop Vernieuwen" not in capsys.readouterr().err
    assert sum(len(v) for v in shape_macros(master).values()) == len(macros)  # no doubles
