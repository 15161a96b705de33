"""The refresh button: a shape with a macro assigned, written into the saved
workbook's XML (openpyxl cannot write shapes; it drops them).

Each sheet in :data:`BUTTON_SHEETS` gets a DrawingML shape
(``<xdr:sp macro="[0]!MPP_Vernieuwen">``, the form Excel itself writes for a
shape assigned to a macro of the same workbook) labelled "Vernieuwen". The
macro (:data:`MACRO`) is the project's own, in ``Module1`` of the template's
VBA project (made by ``scripts/make_vba_template.py``): it runs
``RunPython "import mpp_xl.workbook.excel_book as mpp_knop;
mpp_knop.refresh_caller()"``, the installed package, so the button works
under any file name.

Shapes are not printed (``fPrintsWithSheet="0"``). A click on a shape with a
macro works on a protected sheet. The headless refresh edits only cell XML,
so the shapes stay.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.sax.saxutils import escape

from ..core.registry import PARTNERS
from . import sheets as S

#: The VBA macro behind every refresh button (Module1 of the template's VBA project).
MACRO = "MPP_Vernieuwen"
#: How Excel stores a macro of the same workbook on a shape.
MACRO_REF = f"[0]!{MACRO}"
#: The button's caption, as every text names it.
LABEL = "Vernieuwen"
#: Sheets with a button.
BUTTON_SHEETS: tuple[str, ...] = (S.UITKOMSTEN, *PARTNERS)
#: (first col, first row, last col, last row), 0-based cells the button spans.
POSITION = {S.UITKOMSTEN: (6, 0, 8, 2)}
DEFAULT_POSITION = (2, 1, 4, 3)  # C2:D3 beside contact and status on a partner sheet

NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_DRAWING = NS_R + "/drawing"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"

#: Elements that come after ``<drawing>`` in a worksheet (CT_Worksheet order).
_AFTER_DRAWING = (b"<legacyDrawing", b"<legacyDrawingHF", b"<drawingHF", b"<picture",
                  b"<oleObjects", b"<controls", b"<webPublishItems", b"<tableParts",
                  b"<extLst")


def anchor_xml(position: tuple[int, int, int, int], shape_id: int) -> str:
    """One ``twoCellAnchor`` holding the button shape."""
    c0, r0, c1, r1 = position
    return (
        f'<xdr:twoCellAnchor editAs="absolute">'
        f"<xdr:from><xdr:col>{c0}</xdr:col><xdr:colOff>38100</xdr:colOff>"
        f"<xdr:row>{r0}</xdr:row><xdr:rowOff>19050</xdr:rowOff></xdr:from>"
        f"<xdr:to><xdr:col>{c1}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{r1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
        f'<xdr:sp macro="{escape(MACRO_REF)}" textlink="">'
        f'<xdr:nvSpPr><xdr:cNvPr id="{shape_id}" name="MPP {LABEL}" '
        f'descr="{LABEL}: voert de macro {MACRO} uit (controles, vaststelling, logboek)."/>'
        f"<xdr:cNvSpPr/></xdr:nvSpPr>"
        f'<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></a:xfrm>'
        f'<a:prstGeom prst="roundRect"><a:avLst/></a:prstGeom>'
        f'<a:solidFill><a:srgbClr val="1F4E79"/></a:solidFill>'
        f'<a:ln><a:solidFill><a:srgbClr val="1F4E79"/></a:solidFill></a:ln></xdr:spPr>'
        f'<xdr:txBody><a:bodyPr vertOverflow="clip" rtlCol="0" anchor="ctr"/><a:lstStyle/>'
        f'<a:p><a:pPr algn="ctr"/><a:r><a:rPr lang="nl-NL" sz="1100" b="1">'
        f'<a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></a:rPr>'
        f"<a:t>{LABEL}</a:t></a:r></a:p></xdr:txBody></xdr:sp>"
        f'<xdr:clientData fPrintsWithSheet="0"/></xdr:twoCellAnchor>'
    )


def drawing_xml(position: tuple[int, int, int, int]) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<xdr:wsDr xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}">'
            f"{anchor_xml(position, 2)}</xdr:wsDr>").encode()


def read_parts(data: bytes) -> dict[str, bytes]:
    """The parts of a package in their stored order."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def write_parts(parts: dict[str, bytes]) -> bytes:
    """A package from parts ([Content_Types].xml first, as Excel writes it)."""
    buf = io.BytesIO()
    order = sorted(parts, key=lambda n: n != "[Content_Types].xml")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in order:
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), parts[name],
                       compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> part name (from workbook.xml and its relationships)."""
    wb = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    target = {}
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = m.group(0)
        rid = re.search(r'\bId="([^"]+)"', tag)
        tgt = re.search(r'\bTarget="([^"]+)"', tag)
        if rid and tgt:
            target[rid.group(1)] = tgt.group(1)
    out = {}
    for m in re.finditer(r"<sheet\b[^>]*>", wb):
        tag = m.group(0)
        name = re.search(r'\bname="([^"]*)"', tag)
        rid = re.search(r'\br:id="([^"]+)"', tag)
        if not (name and rid) or rid.group(1) not in target:
            continue
        t = target[rid.group(1)]
        path = t.lstrip("/") if t.startswith("/") else posixpath.normpath(
            posixpath.join("xl", t))
        out[_unescape(name.group(1))] = path
    return out


def _unescape(s: str) -> str:
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def rels_path(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def _next_drawing_name(parts: dict[str, bytes]) -> str:
    n = 1
    while f"xl/drawings/drawing{n}.xml" in parts:
        n += 1
    return f"xl/drawings/drawing{n}.xml"


def _add_relationship(parts: dict[str, bytes], source: str, rel_type: str,
                      target: str) -> str:
    """Add a relationship to ``source``'s .rels part; returns its id."""
    rp = rels_path(source)
    xml = parts.get(rp, f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        f'<Relationships xmlns="{NS_PKG}"></Relationships>'.encode()).decode()
    ids = set(re.findall(r'\bId="([^"]+)"', xml))
    n = 1
    while f"rIdMpp{n}" in ids:
        n += 1
    rid = f"rIdMpp{n}"
    rel = f'<Relationship Id="{rid}" Type="{rel_type}" Target="/{target}"/>'
    xml = xml.replace("</Relationships>", rel + "</Relationships>", 1)
    parts[rp] = xml.encode()
    return rid


def _add_override(parts: dict[str, bytes], part: str, content_type: str) -> None:
    ct = parts["[Content_Types].xml"].decode()
    if f'PartName="/{part}"' not in ct:
        ct = ct.replace("</Types>", f'<Override PartName="/{part}" '
                                    f'ContentType="{content_type}"/></Types>', 1)
        parts["[Content_Types].xml"] = ct.encode()


def _insert_drawing_element(sheet_xml: bytes, rid: str) -> bytes:
    xml = sheet_xml
    root_end = xml.find(b">", xml.find(b"<worksheet"))
    if b"xmlns:r=" not in xml[:root_end]:
        xml = xml[:root_end] + f' xmlns:r="{NS_R}"'.encode() + xml[root_end:]
    element = f'<drawing r:id="{rid}"/>'.encode()
    cut = min((i for tag in _AFTER_DRAWING if (i := xml.find(tag)) >= 0),
              default=xml.rfind(b"</worksheet>"))
    return xml[:cut] + element + xml[cut:]


def add_buttons(data: bytes, sheets: tuple[str, ...] = BUTTON_SHEETS) -> bytes:
    """The package ``data`` with a refresh button on each of ``sheets`` that
    exists. A sheet that already has a drawing gets the shape added to it."""
    parts = read_parts(data)
    paths = sheet_parts(parts)
    for sheet in sheets:
        part = paths.get(sheet)
        if part is None:
            continue
        pos = POSITION.get(sheet, DEFAULT_POSITION)
        xml = parts[part]
        if re.search(rb'<drawing\b', xml):
            dpath = _drawing_of(parts, part)
            if dpath is None or dpath not in parts:
                continue
            dxml = parts[dpath].decode()
            close = "</xdr:wsDr>"
            if close not in dxml:  # openpyxl's chart drawing: the default namespace
                close = "</wsDr>"
                if "xmlns:xdr=" not in dxml:
                    dxml = re.sub(r"<wsDr\b", f'<wsDr xmlns:xdr="{NS_XDR}"', dxml, count=1)
            ids = [int(i) for i in re.findall(r'<(?:xdr:)?cNvPr\b[^>]*\bid="(\d+)"', dxml)]
            anchor = anchor_xml(pos, max(ids, default=1) + 1)
            parts[dpath] = dxml.replace(close, anchor + close, 1).encode()
            continue
        dpath = _next_drawing_name(parts)
        parts[dpath] = drawing_xml(pos)
        _add_override(parts, dpath, CT_DRAWING)
        rid = _add_relationship(parts, part, REL_DRAWING, dpath)
        parts[part] = _insert_drawing_element(xml, rid)
    return write_parts(parts)


def _drawing_of(parts: dict[str, bytes], part: str) -> str | None:
    """The drawing part of sheet ``part`` (None when it has none)."""
    m = re.search(rb'<drawing\b[^>]*\br:id="([^"]+)"', parts[part])
    if m is None:
        return None
    rels = parts.get(rels_path(part), b"").decode()
    t = re.search(rf'<Relationship\b[^>]*\bId="{m.group(1).decode()}"[^>]*>', rels)
    tgt = re.search(r'\bTarget="([^"]+)"', t.group(0)) if t else None
    if tgt is None:
        return None
    target = tgt.group(1)
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join(posixpath.dirname(part), target))


def sheets_missing_buttons(data: bytes, sheets: tuple[str, ...] = BUTTON_SHEETS) -> list[str]:
    """The sheets of ``sheets`` (that exist) without a shape running a macro,
    in a package with a VBA project; [] for a package without macros (.xlsx)."""
    parts = read_parts(data)
    if "xl/vbaProject.bin" not in parts:
        return []
    paths = sheet_parts(parts)
    missing = []
    for sheet in sheets:
        part = paths.get(sheet)
        if part is None or part not in parts:
            continue
        dpath = _drawing_of(parts, part)
        drawing = parts.get(dpath, b"") if dpath else b""
        if not re.search(rb'<xdr:sp\b[^>]*\bmacro="[^"]+"', drawing):
            missing.append(sheet)
    return missing


def restore_buttons(data: bytes) -> tuple[bytes, list[str]]:
    """``data`` with the refresh button put back on every sheet that lost it
    (editing with openpyxl drops shapes), and the names of those sheets."""
    missing = sheets_missing_buttons(data)
    if not missing:
        return data, []
    return add_buttons(data, tuple(missing)), missing
