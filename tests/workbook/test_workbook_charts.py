"""The native charts of the master workbook read like the publication: the
fan charts on Onzekerheid draw medio (P67) as the labelled main line and the
median (P50) thin and dashed; every chart on Grafieken and Onzekerheid ends
on (1 jan) eindjaar, although the stock tables keep 1 jan eindjaar+1. The
Onzekerheid sheet shows the Monte Carlo method in use.

The chart XML is read with ElementTree from the package, the cells it points
at with openpyxl: nothing here uses the builder's own constants."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from mpp_xl.workbook.refresh_file import refresh_workbook

from .helpers import cell_of, edit_cells

NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part (absolute, without leading '/')."""
    p = PurePosixPath(part)
    rels = p.parent / "_rels" / f"{p.name}.rels"
    if str(rels) not in z.namelist():
        return {}
    out = {}
    for r in ET.fromstring(z.read(str(rels))).findall("rel:Relationship", NS):
        target = r.get("Target", "")
        if target.startswith("/"):
            out[r.get("Id", "")] = target.lstrip("/")
        else:
            parts: list[str] = []
            for seg in (p.parent / target).parts:
                if seg == "..":
                    parts.pop()
                else:
                    parts.append(seg)
            out[r.get("Id", "")] = "/".join(parts)
    return out


def charts_of(path: Path, sheet: str) -> list[ET.Element]:
    """The chart XML roots drawn on ``sheet``."""
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        wb_rels = _rels(z, "xl/workbook.xml")
        rid = next(s.get(f"{{{NS['r']}}}id") for s in wb.find("m:sheets", NS)
                   if s.get("name") == sheet)
        sheet_part = wb_rels[rid]
        out = []
        for target in _rels(z, sheet_part).values():
            if "/drawings/drawing" in target and target.endswith(".xml"):
                for chart in _rels(z, target).values():
                    if "/charts/chart" in chart:
                        out.append(ET.fromstring(z.read(chart)))
        return out


def series_of(chart: ET.Element) -> list[dict[str, object]]:
    """Per series: title, value and category references, line width and dash."""
    out = []
    for ser in chart.iter(f"{{{NS['c']}}}ser"):
        tx = ser.find("c:tx", NS)
        title = "".join(tx.itertext()).strip() if tx is not None else ""
        val = ser.find("c:val//c:f", NS)
        cat = ser.find("c:cat//c:f", NS)
        ln = ser.find("c:spPr/a:ln", NS)
        dash = ln.find("a:prstDash", NS) if ln is not None else None
        out.append({"title": title, "val": val.text if val is not None else None,
                    "cat": cat.text if cat is not None else None,
                    "width": int(ln.get("w", "0")) if ln is not None else 0,
                    "dash": dash.get("val") if dash is not None else None})
    return out


def _range(ref: str) -> tuple[str, str, int, int]:
    """'Sheet'!$D$10:$D$14 -> (sheet, column, first row, last row)."""
    m = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", ref)
    assert m, ref
    return m.group(1), m.group(2), int(m.group(3)), int(m.group(5))


@pytest.fixture(scope="module")
def cells(built_master: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(built_master, keep_vba=True)


def _eindjaar(wb: openpyxl.Workbook) -> int:
    ws = wb["Kader"]
    for row in ws.iter_rows(min_col=1, max_col=5):
        if row[0].value == "eindjaar":
            return int(row[4].value)
    raise AssertionError("eindjaar not on Kader")


def test_fan_charts_draw_medio_p67_as_the_main_line(built_master: Path,
                                                    cells: openpyxl.Workbook) -> None:
    charts = charts_of(built_master, "Onzekerheid")
    assert len(charts) >= 6
    for chart in charts:
        sers = {s["title"]: s for s in series_of(chart)}
        assert "P50" not in sers  # the median is no longer the unlabelled main line
        medio, median = sers["medio (P67)"], sers["mediaan (P50)"]
        sheet, col, first, _ = _range(str(medio["val"]))
        assert cells[sheet][f"{col}{first - 1}"].value == "P67"
        sheet, col, first, _ = _range(str(median["val"]))
        assert cells[sheet][f"{col}{first - 1}"].value == "P50"
        assert int(medio["width"]) > 2 * int(median["width"]) > 0
        assert median["dash"] == "dash" and medio["dash"] in (None, "solid")


@pytest.mark.parametrize("sheet", ["Grafieken", "Onzekerheid"])
def test_charts_end_on_eindjaar_like_the_publication(sheet: str, built_master: Path,
                                                     cells: openpyxl.Workbook) -> None:
    end = _eindjaar(cells)
    charts = charts_of(built_master, sheet)
    assert charts
    cut = 0
    for chart in charts:
        for s in series_of(chart):
            for ref in (s["val"], s["cat"]):
                if ref is None:
                    continue
                data_sheet, _, first, last = _range(str(ref))
                ws = cells[data_sheet]
                assert ws[f"A{last}"].value == end, (sheet, s["title"], ref)
                assert ws[f"A{first}"].value < end
                # a stock table goes on to 1 jan eindjaar+1; the chart leaves it out
                cut += ws[f"A{last + 1}"].value == end + 1
    assert cut > 0  # the stock charts were among them


def test_onzekerheid_shows_the_monte_carlo_method(master: Path) -> None:
    def shown(path: Path) -> str:
        ws = openpyxl.load_workbook(path, data_only=True, keep_vba=True)["Onzekerheid"]
        texts = [str(c.value) for row in ws.iter_rows(max_row=8) for c in row
                 if isinstance(c.value, str) and c.value.startswith("Monte-Carlomethode")]
        assert len(texts) == 1, texts
        return texts[0]

    assert shown(master) == "Monte-Carlomethode: alle_aannames"  # Kader empty: the default
    edit_cells(master, "Kader", {cell_of(master, "Kader", "mc_methode"):
                                 ("alleen_instroom", None)})
    refresh_workbook(master)
    assert shown(master) == "Monte-Carlomethode: alleen_instroom"


def test_the_sheets_default_method_is_the_simulations_default() -> None:
    from mpp_xl.analysis.uncertainty import METHODS
    from mpp_xl.core.registry import PARAMETERS
    from mpp_xl.workbook.specs import DEFAULT_METHOD

    assert DEFAULT_METHOD == METHODS[0] == PARAMETERS["mc_methode"].default


def test_uncertainty_command_names_the_method(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from mpp_xl.cli import main
    from tests.conftest import EXAMPLE_CSV

    for methode in ("alle_aannames", "alleen_instroom"):
        assert main(["onzekerheid", str(EXAMPLE_CSV), "--trekkingen", "100",
                     "--methode", methode]) == 0
        assert f"Methode {methode}," in capsys.readouterr().out
        out = tmp_path / f"{methode}.csv"
        assert main(["onzekerheid", str(EXAMPLE_CSV), "--trekkingen", "100",
                     "--methode", methode, "--csv", str(out)]) == 0
        assert f"methode {methode}" in capsys.readouterr().out

