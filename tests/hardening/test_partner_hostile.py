"""Hostile returned partner files (tests/corpus/partner_corpus.py), each built
at run time and imported with ``mpp importeer-partner`` into a copy of the
master: the refusal or the value-only import, a message naming file and
cell, the exit code, the master byte-identical on refusal, nothing new in the
master on acceptance, no leftovers."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from mpp_xl.cli import main
from mpp_xl.workbook.package_book import PROP_BANDS
from mpp_xl.workbook.xlsxio import Package, custom_properties
from tests.corpus import partner_corpus as pc
from tests.corpus.make_corpus import formula, sheet_part
from tests.helpers import files, run_cli
from tests.workbook.helpers import edit_cells

CASES = {c.name: c for c in pc.cases()}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory,
             refreshed_master: Path) -> tuple[bytes, bytes]:
    """(master bytes, COA partner file bytes exported from that master)."""
    d = tmp_path_factory.mktemp("partner_hostile")
    master = d / "mpp_test.xlsm"
    shutil.copy(refreshed_master, master)
    out = d / "COA.xlsx"
    assert main(["exporteer-partner", str(master), "--partner", "COA", "-o", str(out)]) == 0
    return master.read_bytes(), out.read_bytes()


def setup(tmp_path: Path, exported: tuple[bytes, bytes], pbytes: bytes) -> tuple[Path, Path]:
    master = tmp_path / "mpp_test.xlsm"
    master.write_bytes(exported[0])
    pfile = tmp_path / "COA.xlsx"
    pfile.write_bytes(pbytes)
    return master, pfile


def test_cells_used_by_the_partner_corpus_are_where_the_cases_think(
        exported: tuple[bytes, bytes]) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(exported[1]), read_only=True)["COA"]
    for ref, key in pc.EXPECTED_ROWS.items():
        assert ws[f"A{ref[1:]}"].value == key, ref
    assert ws["L6"].value == "Bron"


@pytest.mark.parametrize("name", list(CASES))
def test_partner_case(name: str, exported: tuple[bytes, bytes], tmp_path: Path) -> None:
    case = CASES[name]
    master, pfile = setup(tmp_path, exported, case.make(exported[1]))
    before, listing = master.read_bytes(), files(tmp_path)
    rc, text = run_cli(["importeer-partner", str(master), str(pfile)])
    assert "Traceback" not in text and "Onverwachte fout" not in text, text
    assert rc == case.code, f"{name}: exit {rc}\n{text}"
    assert case.fragment in text, f"{name}: {case.fragment!r} not in\n{text}"
    assert case.where in text, f"{name}: {case.where!r} not named in\n{text}"
    new = files(tmp_path) - listing  # a temp, backup or lock file is a leftover
    assert not [f for f in new if f.endswith(".tmp")], new
    if rc != 0:
        assert pfile.name in text, text
        assert master.read_bytes() == before, "a refused import changed the master"
        assert not new, f"a refused import left files: {new}"
        return
    assert len(new) == 1 and new.pop().startswith(".backup/"), "one backup, nothing else"
    if case.fragment:
        assert pfile.name in text
    wb = openpyxl.load_workbook(master, keep_vba=True)
    for ref, want in case.taken.items():
        cell = wb["COA"][ref]
        assert cell.data_type != "f" and cell.value == want, (ref, cell.value)
    assert_no_marker(master)


def assert_no_marker(master: Path) -> None:
    """The hostile marker is nowhere in the master except as plain text of a
    cell (``<t>``: a partner's value that is text, like a Bron)."""
    with zipfile.ZipFile(master) as z:
        for n in z.namelist():
            outside_text = re.sub(rb"<t\b[^>]*>[^<]*</t>", b"", z.read(n))
            assert pc.EVIL.encode() not in outside_text, f"{pc.EVIL} reached {n}"


def _formulas(wb: openpyxl.Workbook) -> dict[tuple[str, str], str]:
    return {(ws.title, c.coordinate): str(c.value) for ws in wb.worksheets
            for row in ws.iter_rows() for c in row if c.data_type == "f"}


def test_accepted_import_adds_nothing_but_the_values(
        exported: tuple[bytes, bytes], tmp_path: Path) -> None:
    """A file with formulas, a formula-looking text, an extra sheet with a
    name and a customXml part: after the import every part of the master is
    what the refresh writes anyway, plus the changed input values."""
    b = pc.custom_xml(pc.extra_sheet(pc.shared_formula_text(exported[1])))
    b = pc.coa(b, {pc.TAAK_2024: formula(pc.TAAK_2024, f'WEBSERVICE("http://{pc.EVIL}")',
                                         "18000"),
                   pc.COUNT: formula(pc.COUNT, "35000+1000", "36000")})
    master, pfile = setup(tmp_path, exported, b)
    # what the refresh writes anyway: the same values typed into a copy, refreshed
    plain = tmp_path / "plain" / "mpp_test.xlsm"
    plain.parent.mkdir()
    plain.write_bytes(exported[0])
    edit_cells(plain, "COA", {pc.TAAK_2024: (18000.0, None), pc.COUNT: (36000.0, None),
                              pc.BRON: ("=1+1", None),
                              pc.BRON_2: (f'=HYPERLINK("http://{pc.EVIL}","klik")', None)})
    assert run_cli(["ververs", str(plain)])[0] == 0
    rc, text = run_cli(["importeer-partner", str(master), str(pfile)])
    assert rc == 0, text
    assert f"COA!{pc.TAAK_2024}" in text and f"COA!{pc.COUNT}" in text  # the warnings
    zb, za, zr = (zipfile.ZipFile(io.BytesIO(exported[0])), zipfile.ZipFile(master),
                  zipfile.ZipFile(plain))
    assert za.namelist() == zb.namelist(), "parts added or removed"
    coa_part = sheet_part(exported[0], "COA")
    refreshed = {n for n in zb.namelist() if zr.read(n) != zb.read(n)}
    changed = {n for n in zb.namelist() if za.read(n) != zb.read(n)}
    assert changed <= refreshed | {coa_part}, changed - refreshed - {coa_part}
    logboek = sheet_part(exported[0], "Logboek")
    stamp = re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")  # 'Gecontroleerd op', ...
    differs = {n for n in za.namelist()
               if stamp.sub(b"T", za.read(n)) != stamp.sub(b"T", zr.read(n))}
    assert differs <= {logboek, coa_part}, differs  # same inputs: same outputs
    for n in za.namelist():  # structure: byte-identical
        if n.endswith(".rels") or n in ("[Content_Types].xml", "xl/workbook.xml",
                                        "xl/styles.xml", "xl/vbaProject.bin"):
            assert za.read(n) == zb.read(n), n
        assert b"<hyperlink" not in za.read(n) or b"<hyperlink" in zb.read(n), n
    # custom properties: the same, except the key of the stored Monte Carlo bands,
    # which the refresh writes for the new model (equal to the plain copy's above)
    props_b, props_a = (custom_properties(Package(z, "m.xlsm"))
                        for z in (exported[0], master.read_bytes()))
    assert props_b.keys() == props_a.keys()
    assert {k: v for k, v in props_a.items() if k != PROP_BANDS} == \
        {k: v for k, v in props_b.items() if k != PROP_BANDS}
    assert_no_marker(master)
    wb_b = openpyxl.load_workbook(io.BytesIO(exported[0]), keep_vba=True)
    wb_a = openpyxl.load_workbook(master, keep_vba=True)
    assert _formulas(wb_a) == _formulas(wb_b), "formulas added or removed"
    assert wb_a.sheetnames == wb_b.sheetnames
    assert set(wb_a.defined_names) == set(wb_b.defined_names)
    values_b = {c.coordinate: (c.value, c.style_id) for row in wb_b["COA"].iter_rows()
                for c in row}
    values_a = {c.coordinate: (c.value, c.style_id) for row in wb_a["COA"].iter_rows()
                for c in row}
    diff = {k for k in values_a.keys() | values_b.keys()
            if values_a.get(k, (None, 0)) != values_b.get(k, (None, 0))}
    # the outcome block (N:U) holds cached values the refresh rewrites
    inputs = {k for k in diff if re.match(r"[A-L]\d+$", k)}
    assert inputs == {pc.TAAK_2024, pc.COUNT, pc.BRON, pc.BRON_2}, inputs
    for k in inputs:
        assert values_a[k][1] == values_b[k][1], f"style of {k} changed"
    assert values_a[pc.TAAK_2024][0] == 18000 and values_a[pc.COUNT][0] == 36000
    assert values_a[pc.BRON][0] == "=1+1" and wb_a["COA"][pc.BRON].data_type == "s"


def test_every_partner_case_is_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "hardening.md").read_text(encoding="utf-8")
    missing = [n for n in CASES if f"`{n}`" not in doc]
    assert not missing, f"not in docs/hardening.md: {missing}"


def test_readers_that_disagree_refuse_the_file() -> None:
    """Defence in depth behind the package checks: a value calamine sees in
    the input table without a cell our XML scan can place is refused."""
    from mpp_xl.core.problems import MppError
    from mpp_xl.workbook.partner_import import _check_readers_agree

    block: list[list[object]] = [["parameter", "", "", "Scenario", "Alle jaren"],
                                 ["coa_start_asielzoekers", "", "", "alle", 99999.0]]
    with pytest.raises(MppError, match="niet eenduidig.*rij 7 kolom 5"):
        _check_readers_agree(Path("COA.xlsx"), "COA", block, {}, 5)
    _check_readers_agree(Path("COA.xlsx"), "COA", [block[0], ["x", "", "", "alle", None]],
                         {}, 5)
