"""The hardening corpus: bad, broken and hostile workbooks, each with the
outcome ``mpp valideer`` and ``mpp ververs`` must give (see docs/hardening.md).

Everything is generated at test time from the example master (``mpp bouw
workbooks/MPP_2024-2_aannames.csv`` + ``mpp ververs``), so the repository
holds no binary files. Each case edits the example the way a partner, another
program or an attacker would: cells are changed in the sheet XML (an input
cell keeps its style), parts are added, renamed or removed, or the file is
replaced altogether.

Run ``python tests/corpus/make_corpus.py DIR`` to write the files into DIR
(for trying them by hand in Excel or with the CLI).
"""

from __future__ import annotations

import io
import os
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CSV = ROOT / "workbooks" / "MPP_2024-2_aannames.csv"

# Cells of the example master used by the cases (checked by test_corpus against
# an independent read with openpyxl, so a layout change fails loudly).
COA_COUNT = "E7"  # coa_start_asielzoekers, alle, Alle jaren: an integer count
COA_COUNT_2 = "E8"  # coa_start_statushouders
COA_COUNT_3 = "E9"  # coa_start_overig
COA_FRACTION = "E10"  # opvang_aandeel_eerste: a fraction
COA_TAAK_2024 = "F17"  # taakstelling_h1, 2024
KADER_START = "E7"  # startjaar
KADER_END = "E8"  # eindjaar
KADER_DRAWS = "E9"  # mc_trekkingen (whole number, empty in the example)
KADER_VERSION = "E12"  # mpp_versie (text)
EXPECTED_ROWS = {("COA", COA_COUNT): "coa_start_asielzoekers",
                 ("COA", COA_COUNT_2): "coa_start_statushouders",
                 ("COA", COA_COUNT_3): "coa_start_overig",
                 ("COA", COA_FRACTION): "opvang_aandeel_eerste",
                 ("COA", "F17"): "taakstelling_h1",
                 ("Kader", KADER_START): "startjaar", ("Kader", KADER_END): "eindjaar",
                 ("Kader", KADER_DRAWS): "mc_trekkingen",
                 ("Kader", KADER_VERSION): "mpp_versie"}


@dataclass(frozen=True)
class Expect:
    """What one CLI command must give: exit code, a Dutch fragment of the
    output and (for input problems) the sheet!cell it must name."""

    code: int
    fragment: str = ""
    where: str = ""


@dataclass(frozen=True)
class Case:
    name: str
    what: str  # what the file is (English, for the docs table)
    make: Callable[[Path, bytes], Path]  # (folder, example bytes) -> the file to give the CLI
    validate: Expect
    refresh: Expect
    bomb: bool = False  # run in a subprocess under a memory limit
    check: Callable[[Path], None] | None = None  # extra check after an exit-0 refresh
    note: str = ""  # the interpretation, for exit-0 cases (docs table)
    tags: tuple[str, ...] = field(default_factory=tuple)


# --- editing the example ------------------------------------------------------------
def sheet_part(data: bytes, sheet: str) -> str:
    from mpp_xl.workbook.xlsxio import Package

    return Package(data, "x.xlsm").sheet_paths[sheet]  # .xlsm: any kind of workbook


def rezip(data: bytes, change: dict[str, bytes | None | Callable[[bytes], bytes]],
          add: dict[str, bytes] | None = None) -> bytes:
    """The package with parts replaced (bytes), transformed (callable) or
    removed (None), and parts added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            new = change.get(info.filename, src.read(info.filename))
            if callable(new):
                new = new(src.read(info.filename))
            if new is not None:
                z.writestr(info.filename, new)
        for name, blob in (add or {}).items():
            z.writestr(name, blob)
    return buf.getvalue()


_ROW = re.compile(rb'<row\b[^>]*\br="(\d+)"[^>]*?(?:/>|>(.*?)</row>)', re.S)
_CELL = re.compile(rb'<c\b[^>]*\br="([A-Z]+)(\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def put_cells(xml: bytes, cells: dict[str, str | None]) -> bytes:
    """Replace, insert (in order) or remove (None) cells given as raw ``<c>``
    markup; ``{s}`` in the markup becomes the old cell's style attribute."""
    for ref, markup in cells.items():
        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        assert m, ref
        col, row = _col(m.group(1).encode()), int(m.group(2))
        old = re.search(rb'<c\b[^>]*\br="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', xml, re.S)
        style = b""
        if old:
            sm = re.search(rb'\ss="(\d+)"', old.group(0)[:old.group(0).find(b">") + 1])
            style = b' s="' + sm.group(1) + b'"' if sm else b""
        new = b"" if markup is None else markup.replace("{s}", style.decode()).encode()
        if old:
            xml = xml[:old.start()] + new + xml[old.end():]
            continue
        if markup is None:
            continue
        rm = next((r for r in _ROW.finditer(xml) if int(r.group(1)) == row), None)
        if rm is None:  # new row, in order
            after = [r for r in _ROW.finditer(xml) if int(r.group(1)) < row]
            pos = after[-1].end() if after else xml.find(b">", xml.find(b"<sheetData")) + 1
            if xml[pos - 2:pos] == b"/>":  # <sheetData/>
                xml = xml[:pos - 2] + b"></sheetData>" + xml[pos:]
                pos -= 1
            xml = xml[:pos] + f'<row r="{row}">'.encode() + new + b"</row>" + xml[pos:]
            continue
        body_start = rm.start(2) if rm.group(2) is not None else None
        if body_start is None:  # <row .../>
            head = rm.group(0)[:-2] + b">"
            xml = xml[:rm.start()] + head + new + b"</row>" + xml[rm.end():]
            continue
        pos = rm.end(2)
        for c in _CELL.finditer(xml, rm.start(2), rm.end(2)):
            if _col(c.group(1)) > col:
                pos = c.start()
                break
        xml = xml[:pos] + new + xml[pos:]
    return xml


def edit(data: bytes, sheet: str, cells: dict[str, str | None]) -> bytes:
    part = sheet_part(data, sheet)
    return rezip(data, {part: lambda x: put_cells(x, cells)})


def num(ref: str, v: str) -> str:
    return f'<c r="{ref}"{{s}}><v>{v}</v></c>'


def text(ref: str, t: str) -> str:
    from xml.sax.saxutils import escape

    return f'<c r="{ref}"{{s}} t="inlineStr"><is><t>{escape(t)}</t></is></c>'


def err(ref: str, e: str) -> str:
    return f'<c r="{ref}"{{s}} t="e"><v>{e}</v></c>'


def formula(ref: str, f: str, cached: str | None = None, t: str = "") -> str:
    from xml.sax.saxutils import escape

    v = f"<v>{cached}</v>" if cached is not None else ""
    ta = f' t="{t}"' if t else ""
    return f'<c r="{ref}"{{s}}{ta}><f>{escape(f)}</f>{v}</c>'


def with_shared_strings(data: bytes, strings: list[str]) -> bytes:
    """Add a sharedStrings part (as Excel writes text) holding ``strings``."""
    from xml.sax.saxutils import escape

    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           f'count="{len(strings)}" uniqueCount="{len(strings)}">'
           + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>").encode()
    ct = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
          b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    rel = (b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/'
           b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
    return rezip(data, {
        "[Content_Types].xml": lambda x: x.replace(b"</Types>", ct + b"</Types>"),
        "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>",
                                                          rel + b"</Relationships>"),
    }, add={"xl/sharedStrings.xml": sst})


def with_date_style(data: bytes) -> tuple[bytes, int]:
    """Add a cell format with a date number format (numFmtId 14); returns its index."""
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml")
    m = re.search(rb'<cellXfs count="(\d+)"', styles)
    assert m
    n = int(m.group(1))
    new = re.sub(rb'<cellXfs count="\d+"', f'<cellXfs count="{n + 1}"'.encode(), styles, count=1)
    new = new.replace(b"</cellXfs>", b'<xf numFmtId="14" fontId="0" fillId="0" borderId="0" '
                                     b'applyNumberFormat="1"/></cellXfs>')
    return rezip(data, {"xl/styles.xml": new}), n


def workbook_xml(data: bytes, fn: Callable[[bytes], bytes]) -> bytes:
    return rezip(data, {"xl/workbook.xml": fn})


# --- hand-made zips -------------------------------------------------------------------
def raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip written by hand: (name, stored bytes, method, declared size, crc),
    so the directory can declare what an attacker wants (zip64 for > 4 GB)."""
    out = io.BytesIO()
    central = []
    for name, blob, method, size, crc in members:
        off = out.tell()
        nb = name.encode()
        big = size >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, size, len(blob)) if big else b""
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 45 if big else 20, 0, method, 0, 0,
                              crc, 0xFFFFFFFF if big else len(blob),
                              0xFFFFFFFF if big else size, len(nb), len(extra)))
        out.write(nb + extra + blob)
        cextra = struct.pack("<HHQQQ", 1, 24, size, len(blob), off) if big else b""
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 45 if big else 20, 0,
                                   method, 0, 0, crc, 0xFFFFFFFF if big else len(blob),
                                   0xFFFFFFFF if big else size, len(nb), len(cextra), 0, 0, 0,
                                   0, 0xFFFFFFFF if big else off) + nb + cextra)
    cd_off = out.tell()
    cd = b"".join(central)
    out.write(cd)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                          len(cd), cd_off, 0))
    return out.getvalue()


def zeros_deflated(n_mb: int) -> bytes:
    """A raw deflate stream of ``n_mb`` MB of zeros, made cheaply: one 1 MB
    block after a full flush is position-independent, so it is repeated."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    mb = bytes(1 << 20)
    first = c.compress(mb) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(mb) + c.flush(zlib.Z_FULL_FLUSH)
    return first + block * (n_mb - 2) + c.compress(mb) + c.flush(zlib.Z_FINISH)


def _minimal_parts(data: bytes) -> list[tuple[str, bytes]]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(n, z.read(n)) for n in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                                     "xl/_rels/workbook.xml.rels")]


def zip_bomb_declared(data: bytes) -> bytes:
    """The example's directory plus a sheet that declares 5 GB (zip64)."""
    members = [(n, zlib.compress(b, 9)[2:-4], 8, len(b), zlib.crc32(b))
               for n, b in _minimal_parts(data)]
    blob = zeros_deflated(4)
    members.append(("xl/worksheets/sheet1.xml", blob, 8, 5 * 1024 ** 3, 0))
    return raw_zip(members)


def zip_bomb_lying(data: bytes) -> bytes:
    """A member whose directory entry says 200 kB but whose data inflates to
    1 GB (Python's zipfile would stop at 200 kB; the Rust reader in calamine
    would not)."""
    members = [(n, zlib.compress(b, 9)[2:-4], 8, len(b), zlib.crc32(b))
               for n, b in _minimal_parts(data)]
    members.append(("xl/worksheets/sheet5.xml", zeros_deflated(1024), 8, 200_000, 0))
    return raw_zip(members)


def entity_bomb(head: bytes = b"") -> bytes:
    ents = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return (b'<?xml version="1.0"?>' + head + b'<!DOCTYPE sst [<!ENTITY l0 "lol">'
            + ents.encode() + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            b'2006/main"><si><t>&l9;</t></si></sst>')


# --- the cases ----------------------------------------------------------------------
def _file(name: str, fn: Callable[[bytes], bytes]) -> Callable[[Path, bytes], Path]:
    def make(d: Path, base: bytes) -> Path:
        p = d / name
        p.write_bytes(fn(base))
        return p

    return make


def _cells(sheet: str, cells: dict[str, str | None], name: str = "") -> Callable[[Path, bytes],
                                                                                    Path]:
    return _file(name or "werkmap.xlsx", lambda b: edit(b, sheet, cells))


def _same(e: Expect) -> tuple[Expect, Expect]:
    return e, e


def _input_error(fragment: str, where: str) -> tuple[Expect, Expect]:
    return _same(Expect(2, fragment, where))


def _file_error(fragment: str) -> tuple[Expect, Expect]:
    return _same(Expect(2, fragment))


OK = Expect(0)
OK_PAIR = (OK, OK)


def _extra_sheet(d: Path, base: bytes) -> Path:
    """A partner's own sheet 'Notities COA' with text and a formula."""
    ws = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://'
          b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
          b'<c r="A1" t="inlineStr"><is><t>Eigen notities COA</t></is></c>'
          b'<c r="B1"><f>COA!E7*2</f><v>-1</v></c></row></sheetData></worksheet>')
    ct = (b'<Override PartName="/xl/worksheets/notities.xml" ContentType="application/vnd.'
          b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    rel = (b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/'
           b'officeDocument/2006/relationships/worksheet" Target="worksheets/notities.xml"/>')
    new = rezip(base, {
        "[Content_Types].xml": lambda x: x.replace(b"</Types>", ct + b"</Types>"),
        "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>",
                                                          rel + b"</Relationships>"),
        "xl/workbook.xml": lambda x: x.replace(
            b"</sheets>", b'<sheet name="Notities COA" sheetId="99" r:id="rIdNotes"/></sheets>'),
    }, add={"xl/worksheets/notities.xml": ws})
    p = d / "eigen_blad.xlsx"
    p.write_bytes(new)
    return p


def _check_extra_sheet(p: Path) -> None:
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(p))
    assert "Notities COA" in wb.sheet_names
    rows = wb.get_sheet_by_name("Notities COA").to_python()
    assert rows[0][0] == "Eigen notities COA"
    coa = wb.get_sheet_by_name("COA").to_python()
    e7 = coa[int(COA_COUNT[1:]) - 1][4]
    assert isinstance(e7, float) and e7 > 0
    assert rows[0][1] == 2 * e7  # =COA!E7*2, recomputed by the refresh


def _check_shared_number(p: Path) -> None:
    from mpp_xl.api import read_assumptions

    vals = {(r.parameter, r.cel): r.waarde for r in read_assumptions(p).rows}
    assert vals[("coa_start_asielzoekers", COA_COUNT)] == 36000


def _dated(d: Path, base: bytes) -> Path:
    data, style = with_date_style(base)
    p = d / "datum.xlsx"
    p.write_bytes(edit(data, "COA", {COA_COUNT: f'<c r="{COA_COUNT}" s="{style}"><v>45352</v></c>'}))
    return p


def _shared_text(d: Path, base: bytes) -> Path:
    data = with_shared_strings(base, ["42.000"])
    p = d / "gedeelde_tekst.xlsx"
    p.write_bytes(edit(data, "COA", {COA_COUNT: f'<c r="{COA_COUNT}"{{s}} t="s"><v>0</v></c>'}))
    return p


def _with_lock(prefix: str, suffix: str = "") -> Callable[[Path, bytes], Path]:
    def make(d: Path, base: bytes) -> Path:
        p = d / "open.xlsx"
        p.write_bytes(base)
        (d / f"{prefix}{p.name}{suffix}").write_bytes(b"\x00" * 165)
        return p

    return make


def _stale(d: Path, base: bytes) -> Path:
    """Left behind by a refresh killed earlier: an unlocked sidecar lock file
    and a half-written temporary file."""
    p = d / "oud_slot.xlsx"
    p.write_bytes(base)
    (d / f".{p.name}.lock").write_bytes(b"")
    tmp = d / f".{p.name}.abc123.tmp"
    tmp.write_bytes(base[: len(base) // 3])
    os.utime(tmp, (1_000_000_000, 1_000_000_000))  # 2001: clearly stale
    return p


def _check_stale_removed(p: Path) -> None:
    assert not (p.parent / f".{p.name}.abc123.tmp").exists()


def _libreoffice(d: Path, base: bytes) -> Path:
    """Saved by LibreOffice Calc (soffice --convert-to xlsx)."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is needed for the corpus"
    src = d / "lo_in" / "libreoffice.xlsx"
    src.parent.mkdir()
    src.write_bytes(base)
    out = d / "lo_out"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{d}/lo_profile",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
                    str(src)], check=True, capture_output=True, timeout=120)
    p = d / "libreoffice.xlsx"
    (out / "libreoffice.xlsx").rename(p)
    return p


def _directory(d: Path, base: bytes) -> Path:
    p = d / "map.xlsx"
    p.mkdir()
    return p


def _missing(d: Path, base: bytes) -> Path:
    return d / "bestaat_niet.xlsx"


def _truncate(frac: float) -> Callable[[bytes], bytes]:
    return lambda b: b[: int(len(b) * frac)]


def _ods(b: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def _plain_zip(b: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notities.txt", "geen werkmap")
    return buf.getvalue()


def _xlsb(b: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return buf.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _rename_sheet(old: str, new: str) -> Callable[[bytes], bytes]:
    return lambda b: workbook_xml(b, lambda x: x.replace(f'name="{old}"'.encode(),
                                                         f'name="{new}"'.encode()))


def _delete_sheet(name: str) -> Callable[[bytes], bytes]:
    return lambda b: workbook_xml(b, lambda x: re.sub(
        rb'<sheet name="' + name.encode() + rb'"[^>]*/>', b"", x))


def _merged(b: bytes) -> bytes:
    """E7:E9 merged as Excel does it: only the top-left value is kept."""
    part = sheet_part(b, "COA")

    def fn(x: bytes) -> bytes:
        x = put_cells(x, {COA_COUNT_2: '<c r="E8"{s}/>', COA_COUNT_3: '<c r="E9"{s}/>'})
        return x.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                          b'<mergeCell ref="E7:E9"/></mergeCells>', 1)

    return rezip(b, {part: fn})


def _extra_year(b: bytes) -> bytes:
    """A column 2029 inserted after 2028 (Toelichting and Bron move right)
    with a value for taakstelling_h1."""
    part = sheet_part(b, "COA")
    from mpp_xl.workbook.xlsxio import Package

    cells = {c.ref: c.value for c in Package(b, "x.xlsx").cells("COA")}
    new = {"K6": '<c r="K6"{s}><v>2029</v></c>', "L6": text("L6", str(cells["K6"])),
           "M6": text("M6", str(cells["L6"])), "K17": num("K17", "10000")}
    return rezip(b, {part: lambda x: put_cells(x, new)})


def _missing_year(b: bytes) -> bytes:
    """The 2028 column emptied (header and values) on COA."""
    from mpp_xl.workbook.xlsxio import Package

    cells = [c for c in Package(b, "x.xlsx").cells("COA") if c.ref.startswith("J")
             and c.row >= 6 and c.value not in (None, "")]
    return edit(b, "COA", {c.ref: f'<c r="{c.ref}"{{s}}/>' for c in cells})


def _far_cell(b: bytes) -> bytes:
    return edit(b, "COA", {"XFD1048576": '<c r="XFD1048576"><v>1</v></c>'})


def _bad_shared_index(b: bytes) -> bytes:
    data = with_shared_strings(b, ["x"])
    return edit(data, "COA", {COA_COUNT: f'<c r="{COA_COUNT}"{{s}} t="s"><v>7</v></c>'})


def _huge_sst_count(b: bytes) -> bytes:
    data = with_shared_strings(b, ["coa"])
    return rezip(data, {"xl/sharedStrings.xml": lambda x: re.sub(
        rb'count="1" uniqueCount="1"', b'count="2000000000" uniqueCount="2000000000"', x)})


def _entity_bomb_padded(b: bytes) -> bytes:
    pad = b"<!--" + b"x" * 100_000 + b"-->"
    return rezip(b, {}, add={"xl/sharedStrings.xml": entity_bomb(pad)})


def _xxe(b: bytes) -> bytes:
    return workbook_xml(b, lambda x: b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM '
                        b'"file:///etc/passwd">]>' + x.replace(b"Kader", b"Kader&e;", 1))


def _strict(b: bytes) -> bytes:
    return workbook_xml(b, lambda x: x.replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/spreadsheetml/main"))


def _broken_xml(b: bytes) -> bytes:
    return workbook_xml(b, lambda x: x[: len(x) // 2])


def _no_rels(b: bytes) -> bytes:
    return rezip(b, {"xl/_rels/workbook.xml.rels": None})


def _missing_part(b: bytes) -> bytes:
    return rezip(b, {sheet_part(b, "IND"): None})


def _encrypted(b: bytes) -> bytes:
    return OLE2 + b"\x00" * 1000 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000


def _corrupt_member(b: bytes) -> bytes:
    """Bytes in the middle of the compressed data flipped (CRC/deflate error)."""
    z = zipfile.ZipFile(io.BytesIO(b))
    info = z.getinfo(sheet_part(b, "COA"))
    start = info.header_offset + 30 + len(info.filename.encode()) + 200
    return b[:start] + bytes(x ^ 0xFF for x in b[start:start + 50]) + b[start + 50:]


def _formula_injection_key(b: bytes) -> bytes:
    """A row whose parameter cell starts with '=' (a formula as text): a
    warning-free refresh is impossible (unknown parameter = error), so this
    checks the message; test_csv_injection checks the sheets."""
    return edit(b, "COA", {"A20": text("A20", '=HYPERLINK("http://x","klik")'),
                           "E20": num("E20", "1")})


def _macro_enabled(b: bytes) -> bytes:
    return rezip(b, {"[Content_Types].xml": lambda x: x.replace(
        b"spreadsheetml.sheet.main+xml", b"PLACEHOLDER").replace(
        b"application/vnd.openxmlformats-officedocument.PLACEHOLDER",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")})


def _duplicate_entry(b: bytes) -> bytes:
    import warnings

    part = sheet_part(b, "COA")
    src = zipfile.ZipFile(io.BytesIO(b))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in src.infolist():
            z.writestr(i.filename, src.read(i.filename))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Duplicate name": that is the point
            z.writestr(part, put_cells(src.read(part), {COA_COUNT: num(COA_COUNT, "1")}))
    return buf.getvalue()


def cases() -> list[Case]:
    c: list[Case] = []

    def add(name: str, what: str, make: Callable[[Path, bytes], Path],
            expect: tuple[Expect, Expect], **kw: object) -> None:
        c.append(Case(name, what, make, expect[0], expect[1], **kw))  # type: ignore[arg-type]

    # -- text and odd values in number cells
    add("tekst_42.000", "'42.000' typed as text in a count",
        _cells("COA", {COA_COUNT: text(COA_COUNT, "42.000")}),
        _input_error("dubbelzinnig", f"COA!{COA_COUNT}"))
    add("tekst_gedeeld_42.000", "'42.000' as a shared string (as Excel stores text)",
        _shared_text, _input_error("dubbelzinnig", f"COA!{COA_COUNT}"))
    add("tekst_nvt", "'n.v.t.' in a count", _cells("COA", {COA_COUNT: text(COA_COUNT, "n.v.t.")}),
        _input_error("'n.v.t.' is geen getal", f"COA!{COA_COUNT}"))
    add("tekst_procent", "'1,5%' as text in a fraction",
        _cells("COA", {COA_FRACTION: text(COA_FRACTION, "1,5%")}),
        _input_error("percentage", f"COA!{COA_FRACTION}"))
    add("tekst_komma", "'0,85' as text in a fraction",
        _cells("COA", {COA_FRACTION: text(COA_FRACTION, "0,85")}),
        _input_error("als tekst", f"COA!{COA_FRACTION}"))
    add("tekst_spaties", "'36 000' (space as thousands separator) as text",
        _cells("COA", {COA_COUNT: text(COA_COUNT, "36 000")}),
        _input_error("geen getal", f"COA!{COA_COUNT}"))
    add("tekst_heel_getal", "'36000' as text (Excel's number stored as text)",
        _cells("COA", {COA_COUNT: text(COA_COUNT, " 36000 ")}), OK_PAIR,
        note="plain whole number as text counts as that number", check=_check_shared_number)
    add("negatief_aantal", "-5 in a count", _cells("COA", {COA_COUNT: num(COA_COUNT, "-5")}),
        _input_error("buiten de grenzen", f"COA!{COA_COUNT}"))
    add("fractie_boven_1", "1.5 in a fraction",
        _cells("COA", {COA_FRACTION: num(COA_FRACTION, "1.5")}),
        _input_error("buiten de grenzen", f"COA!{COA_FRACTION}"))
    add("procent_als_geheel", "85 (meant as 85%) in a fraction",
        _cells("COA", {COA_FRACTION: num(COA_FRACTION, "85")}),
        _input_error("buiten de grenzen", f"COA!{COA_FRACTION}"))
    add("breuk_in_aantal", "36000.5 in a count (not marked whole in the registry)",
        _cells("COA", {COA_COUNT: num(COA_COUNT, "36000.5")}), OK_PAIR,
        note="counts are expected values; only parameters marked 'geheel' must be whole")
    add("breuk_in_geheel", "100.5 in mc_trekkingen (a whole number)",
        _cells("Kader", {KADER_DRAWS: num(KADER_DRAWS, "100.5")}),
        _input_error("geheel getal", f"Kader!{KADER_DRAWS}"))
    add("leeg_verplicht", "required cell emptied", _cells("COA", {COA_COUNT: '<c r="E7"{s}/>'}),
        _input_error("ontbreekt", f"COA!{COA_COUNT}"))
    add("lege_tekst_verplicht", "required cell holding an empty string",
        _cells("COA", {COA_COUNT: text(COA_COUNT, "")}),
        _input_error("ontbreekt", f"COA!{COA_COUNT}"))
    add("fout_deel0", "#DIV/0! error value (Dutch Excel: #DEEL/0!)",
        _cells("COA", {COA_COUNT: err(COA_COUNT, "#DIV/0!")}),
        _input_error("#DEEL/0!", f"COA!{COA_COUNT}"))
    add("fout_nb", "#N/A error value (Dutch Excel: #N/B) in a year cell",
        _cells("COA", {COA_TAAK_2024: err(COA_TAAK_2024, "#N/A")}),
        _input_error("#N/B", f"COA!{COA_TAAK_2024}"))
    add("fout_onbekend", "an error code Excel does not know ('#DEEL/0!' written by a tool)",
        _cells("COA", {COA_COUNT: err(COA_COUNT, "#DEEL/0!")}),
        _input_error("Excel-foutwaarde", f"COA!{COA_COUNT}"))
    add("formule_fout_gecached", "formula with a cached error (=1/0, cached #DIV/0!)",
        _cells("COA", {COA_COUNT: formula(COA_COUNT, "1/0", "#DIV/0!", "e")}),
        _input_error("#DEEL/0!", f"COA!{COA_COUNT}"))
    add("formule_ontbrekend_blad", "formula referring to a missing sheet, no cached value",
        _cells("COA", {COA_COUNT: formula(COA_COUNT, "Bestaatniet!A1*2")}),
        _input_error("#VERW!", f"COA!{COA_COUNT}"))
    add("formule_ontbrekend_blad_excel", "the same as Excel saves it (#REF! in the formula)",
        _cells("COA", {COA_COUNT: formula(COA_COUNT, "#REF!*2", "#REF!", "e")}),
        _input_error("#VERW!", f"COA!{COA_COUNT}"))
    add("formule_kring", "formula referring to itself, no cached value",
        _cells("COA", {COA_COUNT: formula(COA_COUNT, f"{COA_COUNT}+1")}),
        _input_error("foutwaarde", f"COA!{COA_COUNT}"))
    add("formule_zonder_cache", "formula =F18*1 in an input, no cached value (openpyxl)",
        _cells("COA", {COA_TAAK_2024: formula(COA_TAAK_2024, "F18*1")}), OK_PAIR,
        note="evaluated headless (17000)")
    add("formule_met_cache", "formula with a cached value (as Excel saves it)",
        _cells("COA", {COA_COUNT: formula(COA_COUNT, "35000+1000", "36000")}), OK_PAIR,
        note="the cached value counts")
    add("waar_in_aantal", "TRUE (boolean) in a count",
        _cells("COA", {COA_COUNT: '<c r="E7"{s} t="b"><v>1</v></c>'}),
        _input_error("WAAR is geen getal", f"COA!{COA_COUNT}"))
    add("datum_in_aantal", "a date (number with date format) in a count", _dated,
        _input_error("datum", f"COA!{COA_COUNT}"))
    add("getal_1e308", "1e308 in a count", _cells("COA", {COA_COUNT: num(COA_COUNT, "1E+308")}),
        _input_error("te groot", f"COA!{COA_COUNT}"))
    add("getal_oneindig", "'INF' as a number value (not writable by Excel)",
        _cells("COA", {COA_COUNT: num(COA_COUNT, "INF")}),
        _input_error("geen eindig getal", f"COA!{COA_COUNT}"))
    add("getal_nan", "'NaN' as a number value (not writable by Excel)",
        _cells("COA", {COA_COUNT: num(COA_COUNT, "NaN")}),
        _input_error("ontbreekt", f"COA!{COA_COUNT}"))
    # -- the horizon
    add("horizon_20_jaar", "eindjaar 2045 (horizon > 15 years)",
        _cells("Kader", {KADER_END: num(KADER_END, "2045")}),
        _input_error("horizon", f"Kader!{KADER_END}"))
    add("eindjaar_voor_start", "eindjaar 2020 before startjaar 2024",
        _cells("Kader", {KADER_END: num(KADER_END, "2020")}),
        _input_error("horizon", f"Kader!{KADER_END}"))
    add("startjaar_als_tekst", "startjaar '2024' as text", _cells(
        "Kader", {KADER_START: text(KADER_START, "2024")}), OK_PAIR,
        note="a whole number as text counts as that number")
    # -- structure of the parameter sheets
    add("partnerblad_hernoemd", "partner sheet COA renamed to 'COA (2)'",
        _file("hernoemd.xlsx", _rename_sheet("COA", "COA (2)")),
        _input_error("ontbreekt", "COA"))
    add("partnerblad_verwijderd", "partner sheet IND deleted", _file(
        "verwijderd.xlsx", _delete_sheet("IND")), _input_error("ontbreekt", "IND"))
    add("kop_gewijzigd", "header cell A6 of the table overwritten",
        _cells("COA", {"A6": text("A6", "Parameter naam")}),
        _input_error("indeling", "COA!A6"))
    add("extra_jaarkolom", "a year column 2029 inserted on COA with a value",
        _file("extra_jaar.xlsx", _extra_year), _input_error("horizon", "COA!K17"))
    add("ontbrekende_jaarkolom", "the 2028 column of COA emptied",
        _file("mist_jaar.xlsx", _missing_year), _input_error("ontbreekt", "COA!"))
    add("dubbele_rij", "a parameter row duplicated (A8 renamed to the key of A7)",
        _cells("COA", {"A8": text("A8", "coa_start_asielzoekers")}),
        _input_error("dubbel", f"COA!{COA_COUNT_2}"))
    add("onbekende_parameter", "a typo in a parameter key",
        _cells("COA", {"A9": text("A9", "coa_start_overig_x")}),
        _input_error("Onbekende parameter", "COA!"))
    add("onbekend_scenario", "scenario 'gemiddeld' instead of min/medio/max/alle",
        _cells("COA", {"D10": text("D10", "gemiddeld")}),
        _input_error("Onbekend scenario", "COA!"))
    add("formule_als_parameter", "text '=HYPERLINK(...)' as a parameter key",
        _file("injectie.xlsx", _formula_injection_key),
        _input_error("Onbekende parameter '=HYPERLINK", "COA!"))
    add("samengevoegde_cellen", "E7:E9 merged over inputs (Excel keeps only E7)",
        _file("samengevoegd.xlsx", _merged), _input_error("ontbreekt", f"COA!{COA_COUNT_2}"))
    add("cel_ver_weg", "a value typed in XFD1048576 of a partner sheet",
        _file("ver_weg.xlsx", _far_cell), _file_error("XFD1048576"), bomb=True)
    add("eigen_blad_partner", "a partner's own extra sheet with a formula",
        _extra_sheet, OK_PAIR, check=_check_extra_sheet,
        note="kept by the refresh; its formula is recalculated")
    add("libreoffice", "saved by LibreOffice Calc (soffice --convert-to xlsx)", _libreoffice,
        OK_PAIR, note="read like an Excel file; the refresh works on its XML",
        tags=("soffice",))
    add("versie_xlsm", "the example saved as .xlsm name", _file(
        "werkmap.xlsm", lambda b: b), OK_PAIR, note="same as .xlsx")
    # -- locks
    add("excel_vergrendeld", "Excel's lock file ~$NAME next to the workbook",
        _with_lock("~$"), (OK, Expect(2, "geopend in Excel")),
        note="validate reads (read-only); refresh refuses")
    add("libreoffice_vergrendeld", "LibreOffice's lock file .~lock.NAME#",
        _with_lock(".~lock.", "#"), (OK, Expect(2, "geopend in Excel of LibreOffice")),
        note="validate reads; refresh refuses")
    add("oud_slot_en_tijdelijk", "stale sidecar lock and temp file of a killed refresh",
        _stale, OK_PAIR, check=_check_stale_removed,
        note="a lock held by no process does not block; the old temp file is removed")
    # -- wrong file types
    add("xls", "an old .xls (OLE2) file", _file("oud.xls", lambda b: OLE2),
        _file_error("oud Excel-bestand (.xls)"))
    add("xls_als_xlsx", "an .xls renamed to .xlsx", _file("oud.xlsx", lambda b: OLE2),
        _file_error("oud Excel-bestand (.xls)"))
    add("versleuteld", "a password-protected workbook (encrypted OLE2 package)",
        _file("geheim.xlsx", _encrypted), _file_error("wachtwoord"))
    add("ods", "an OpenDocument spreadsheet (.ods)", _file("blad.ods", _ods),
        _file_error("OpenDocument"))
    add("ods_als_xlsx", "an .ods renamed to .xlsx", _file("blad.xlsx", _ods),
        _file_error("OpenDocument"))
    add("xlsb", "a binary workbook (.xlsb) renamed to .xlsx", _file("binair.xlsx", _xlsb),
        _file_error(".xlsb"))
    add("strict_ooxml", "saved as 'Strict Open XML'", _file("strict.xlsx", _strict),
        _file_error("Strict Open XML"))
    add("leeg_bestand", "an empty file (0 bytes)", _file("leeg.xlsx", lambda b: b""),
        _file_error("leeg"))
    add("geen_zip", "a CSV renamed to .xlsx", _file("tekst.xlsx", lambda b:
                                                     EXAMPLE_CSV.read_bytes()),
        _file_error("geen geldige Excel-werkmap"))
    add("zip_geen_werkmap", "a zip that is not a workbook", _file("archief.xlsx", _plain_zip),
        _file_error("geen Excel-werkmap"))
    add("map", "a folder named like a workbook", _directory,
        _file_error("is een map"))
    add("bestaat_niet", "a file that does not exist", _missing, _file_error("niet gevonden"))
    # -- broken packages
    add("afgekapt", "the workbook cut off at 60 %", _file("afgekapt.xlsx", _truncate(0.6)),
        _file_error("geen geldige Excel-werkmap"))
    add("afgekapt_staart", "the workbook without its last 30 bytes", _file(
        "staart.xlsx", lambda b: b[:-30]), _file_error("geen geldige Excel-werkmap"))
    add("beschadigd_onderdeel", "50 bytes of a compressed sheet flipped",
        _file("beschadigd.xlsx", _corrupt_member), _file_error("beschadigd"))
    add("xml_kapot", "workbook.xml cut in half (malformed XML)",
        _file("xml_kapot.xlsx", _broken_xml), _file_error("geen geldige XML"))
    add("relaties_weg", "xl/_rels/workbook.xml.rels missing", _file("geen_rels.xlsx", _no_rels),
        _file_error("ontbreekt"))
    add("blad_onderdeel_weg", "the part of sheet IND missing from the zip",
        _file("geen_deel.xlsx", _missing_part), _file_error("IND"))
    add("gedeelde_tekst_ongeldig", "a cell pointing to shared string 7 of 1",
        _file("sst_index.xlsx", _bad_shared_index), _file_error("gedeelde tekst"))
    add("gedeelde_tekst_telling", "sharedStrings declaring 2 billion strings",
        _file("sst_telling.xlsx", _huge_sst_count), _file_error("meldt 2.000.000.000 teksten"),
        bomb=True)
    # -- hostile files
    add("entiteitenbom", "XML entity bomb (billion laughs) in sharedStrings",
        _file("entiteit.xlsx", lambda b: rezip(b, {}, add={"xl/sharedStrings.xml":
                                                           entity_bomb()})),
        _file_error("DOCTYPE"), bomb=True)
    add("entiteitenbom_na_commentaar", "the same bomb after a 100 kB comment",
        _file("entiteit2.xlsx", _entity_bomb_padded), _file_error("DOCTYPE"), bomb=True)
    add("externe_entiteit", "external entity (XXE) to /etc/passwd in workbook.xml",
        _file("xxe.xlsx", _xxe), _file_error("DOCTYPE"))
    add("zipbom_directory", "a sheet whose directory entry declares 5 GB (zip64)",
        _file("zipbom.xlsx", zip_bomb_declared), _file_error("zip-bom"), bomb=True)
    add("zipbom_liegt", "a sheet declaring 200 kB that inflates to 1 GB",
        _file("zipbom2.xlsx", zip_bomb_lying), _file_error("zip-bom"), bomb=True)
    add("macro_als_xlsx", "a macro-enabled workbook (content type) under an .xlsx name",
        _file("macro.xlsx", _macro_enabled), _file_error("werkmap met macro's (.xlsm)"))
    add("dubbel_onderdeel", "the COA sheet twice in the zip (readers disagree)",
        _file("dubbel.xlsx", _duplicate_entry), _file_error("twee keer"))
    add("ongeldige_onderdeelnaam", "a zip entry 'xl/../../evil.xml'",
        _file("naam.xlsx", lambda b: rezip(b, {}, add={"xl/../../evil.xml": b"<x/>"})),
        _file_error("onderdeelnaam"))
    return c


def write_all(folder: Path, base: bytes, skip_tags: tuple[str, ...] = ()) -> dict[str, Path]:
    """Write every case's file into its own sub-folder of ``folder``, except
    the cases carrying one of ``skip_tags`` (e.g. "soffice": made by LibreOffice)."""
    out = {}
    for case in cases():
        if set(case.tags) & set(skip_tags):
            continue
        d = folder / case.name
        d.mkdir(parents=True, exist_ok=True)
        out[case.name] = case.make(d, base)
    return out


def example_bytes(folder: Path) -> bytes:
    """The example master: built from the example CSV and refreshed once."""
    from mpp_xl.cli import main

    p = folder / "voorbeeld.xlsx"
    assert main(["bouw", str(EXAMPLE_CSV), "-o", str(p)]) == 0
    assert main(["ververs", str(p)]) == 0
    return p.read_bytes()


if __name__ == "__main__":  # pragma: no cover - manual use
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus_out")
    target.mkdir(parents=True, exist_ok=True)
    for name, path in write_all(target, example_bytes(target)).items():
        print(f"{name:32} {path}")
