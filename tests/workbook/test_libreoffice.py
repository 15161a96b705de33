"""Independent check with LibreOffice (headless): it opens the refreshed
workbook and converts it to PDF, and its own recalculation of the native
formulas agrees with the values the refresh stored. Marked ``libreoffice``:
skipped when LibreOffice is absent."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import python_calamine as pc

from mpp_xl.workbook.xlsxio import Package

pytestmark = pytest.mark.libreoffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
SENTINEL = -424242.0


def _soffice(tmp: Path, src: Path, fmt: str, recalc: bool = False) -> Path:
    assert SOFFICE, "LibreOffice (soffice) is required; .ci/run installs it"
    profile = tmp / "lo_profile"
    if recalc:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
    out = tmp / "out"
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", str(out), str(src)],
        capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr
    produced = out / (src.stem + "." + fmt.split(":")[0])
    assert produced.exists(), proc.stdout + proc.stderr
    return produced


def test_libreoffice_converts_refreshed_workbook_to_pdf(refreshed_master: Path,
                                                        tmp_path: Path):
    src = tmp_path / refreshed_master.name
    shutil.copy(refreshed_master, src)
    pdf = _soffice(tmp_path, src, "pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              timeout=60, check=True).stdout
        assert "#NAME?" not in text and "Err:" not in text
        assert "Uitkomsten MPP 2024-2" in text and "Vaststelling door de ketenpartners" in text


def test_libreoffice_recalculation_of_native_formulas_agrees(refreshed_master: Path,
                                                             tmp_path: Path):
    """A copy where MPP_* cells are plain values (LibreOffice has no MPP
    functions) and every native formula's cached value is a sentinel: LO must
    recalculate each one and get what the refresh stored."""
    pkg = Package.open(refreshed_master)
    ours: dict[tuple[str, str], object] = {}
    replaced: dict[str, bytes] = {}
    for sheet, part in pkg.sheet_paths.items():
        xml = pkg.sheet_xml(sheet)
        for c in pkg.cells(sheet):
            if c.formula is not None and not c.formula.upper().startswith("MPP_"):
                ours[(sheet, c.ref)] = c.value
        xml = re.sub(rb"<f>MPP_[^<]*</f>", b"", xml)  # MPP cells -> their values

        def poison(m: re.Match[bytes]) -> bytes:
            head = re.sub(rb'\s+t="[^"]*"', b"", m.group(1))
            return head + m.group(2) + f"<v>{SENTINEL}</v></c>".encode()

        xml = re.sub(rb"(<c\b[^>]*>)(<f>(?!MPP_)[^<]*</f>)(?:<v>[^<]*</v>|<v\s*/>)?</c>",
                     poison, xml)
        replaced[part] = xml
    assert len(ours) > 100
    src = tmp_path / "nativ.xlsx"
    src.write_bytes(pkg.to_bytes(replaced))
    out = _soffice(tmp_path, src, "xlsx:Calc MS Excel 2007 XML", recalc=True)
    wb = pc.CalamineWorkbook.from_path(str(out))
    grids = {s: wb.get_sheet_by_name(s).to_python(skip_empty_area=False)
             for s in {s for s, _ in ours}}
    from mpp_xl.workbook.xlsxio import split_ref

    checked = 0
    for (sheet, ref), want in ours.items():
        r, c = split_ref(ref)
        got = grids[sheet][r - 1][c - 1]
        assert got != SENTINEL, (sheet, ref)
        if isinstance(want, float):
            assert got == pytest.approx(want, rel=1e-9, abs=1e-6), (sheet, ref)
        else:
            assert got == want, (sheet, ref)
        checked += 1
    assert checked == len(ours)
