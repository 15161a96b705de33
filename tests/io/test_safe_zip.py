"""Workbook files from outside are checked before any library parses them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from mpp_xl.core.problems import MppError
from mpp_xl.io.safe_zip import check_workbook_file

MINIMAL = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook/>',
}


def make_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def refused(path: Path) -> str:
    with pytest.raises(MppError) as e:
        check_workbook_file(path)
    return str(e.value)


def test_minimal_workbook_passes(tmp_path: Path) -> None:
    check_workbook_file(make_zip(tmp_path / "ok.xlsx", MINIMAL))


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "leeg.xlsx"
    p.write_bytes(b"")
    assert "leeg" in refused(p)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    assert "geen Excel-werkmap" in refused(make_zip(tmp_path / "x.xlsx", {"a.txt": "hallo"}))


def test_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"parameter,scenario\n" * 10)
    assert "geen geldige Excel-werkmap" in refused(p)


def test_old_xls_even_with_xlsx_name(tmp_path: Path) -> None:
    p = tmp_path / "oud.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert ".xls" in refused(p) and "sla het" in refused(p).lower()


def test_ods(tmp_path: Path) -> None:
    p = make_zip(tmp_path / "x.ods", {"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                                      "content.xml": "<x/>"})
    assert "OpenDocument" in refused(p)
    q = make_zip(tmp_path / "y.xlsx", {"mimetype": "x", "content.xml": "<x/>"})
    assert "OpenDocument" in refused(q)


def test_entity_bomb_in_shared_strings(tmp_path: Path) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i else "&lol;"}' * 10
                      + '">' for i in range(1, 9))
            + ']><sst><si><t>&lol8;</t></si></sst>')
    p = make_zip(tmp_path / "bom.xlsx", {**MINIMAL, "xl/sharedStrings.xml": bomb})
    assert "DOCTYPE" in refused(p)


def test_zip_bomb_refused_from_directory(tmp_path: Path) -> None:
    p = make_zip(tmp_path / "zipbom.xlsx", {**MINIMAL, "xl/worksheets/sheet1.xml":
                                            b"<a>" + b"0" * (4 * 1024 * 1024) + b"</a>"})
    assert "zip-bom" in refused(p)


def test_truncated_zip(tmp_path: Path) -> None:
    full = make_zip(tmp_path / "ok.xlsx", {**MINIMAL, "xl/x.xml": "<a>" + "b" * 5000 + "</a>"})
    p = tmp_path / "kapot.xlsx"
    p.write_bytes(full.read_bytes()[:-40])
    msg = refused(p)
    assert "beschadigd" in msg or "geen geldige" in msg
