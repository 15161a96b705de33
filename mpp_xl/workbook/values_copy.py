"""``mpp waardenkopie``: a values-only copy of a refreshed master workbook.

For readers without Python and xlwings (management, a partner, a mail
attachment): every formula is replaced by the value the last refresh stored,
so no cell can turn into ``#NAME?`` when Excel or LibreOffice recalculates.
The copy is an .xlsx without VBA, without the refresh buttons and without
the xlwings.conf sheet (its readers have no Python); charts keep their data
(the cached values are written into each chart, also when the master's
charts had none). Styles, sheets, protection, print settings and
everything else stay as in the master.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from ..core.problems import MppError
from ..io.output import atomic_write
from . import sheets as S
from .buttons import read_parts, write_parts
from .chart_cache import fill_chart_caches
from .xlsxio import Package, set_cells

CT_MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_VBA_PARTS = ("xl/vbaProject.bin", "xl/vbaProjectSignature.bin", "xl/calcChain.xml")


def _without_macro_shapes(xml: bytes) -> bytes:
    """A drawing without the anchors of shapes that run a macro (the buttons)."""
    anchor = re.compile(rb"<(\w+:)?(twoCellAnchor|oneCellAnchor|absoluteAnchor)\b.*?"
                        rb"</\1?\2>", re.S)
    return anchor.sub(lambda m: b"" if re.search(rb'\bmacro="[^"]+"', m.group(0))
                      else m.group(0), xml)


def _drop_relationships(rels: bytes, targets: tuple[str, ...]) -> bytes:
    def keep(m: re.Match[bytes]) -> bytes:
        t = re.search(rb'\bTarget="([^"]+)"', m.group(0))
        name = t.group(1).decode().lstrip("/") if t else ""
        name = name if name.startswith("xl/") else "xl/" + name
        return b"" if name in targets else m.group(0)

    return re.sub(rb"<Relationship\b[^>]*/>", keep, rels)


def _attr(tag: bytes, name: bytes) -> bytes | None:
    m = re.search(rb"\s" + name + rb'="([^"]*)"', tag)
    return m.group(1) if m else None


def _drop_sheet(parts: dict[str, bytes], sheet: str) -> None:
    """Remove ``sheet`` from the package: its ``<sheet>`` entry, relationship,
    part (with its relationships) and content type; the defined names local to
    it or referring to it; later sheets' ``localSheetId`` and the active tab
    shift down by one."""
    wb = parts["xl/workbook.xml"]
    tags = re.findall(rb"<sheet\b[^>]*/>", wb)
    names = [_attr(t, b"name") for t in tags]
    want = escape(sheet, {'"': "&quot;"}).encode()
    if want not in names:
        return
    index = names.index(want)
    rid = _attr(tags[index], b"r:id") or b""
    wb = wb.replace(tags[index], b"", 1)

    def local(m: re.Match[bytes]) -> bytes:
        tag, text = m.group(1), m.group(2)
        lid = _attr(tag, b"localSheetId")
        quoted = b"'" + want.replace(b"'", b"''") + b"'!"
        if (lid is not None and int(lid) == index) or quoted in text or text.startswith(
                want + b"!"):
            return b""
        if lid is not None and int(lid) > index:
            tag = tag.replace(b'localSheetId="' + lid + b'"',
                              b'localSheetId="' + str(int(lid) - 1).encode() + b'"')
        return tag + text + b"</definedName>"

    wb = re.sub(rb"(<definedName\b[^>]*>)(.*?)</definedName>", local, wb, flags=re.S)
    wb = re.sub(rb"<definedNames>\s*</definedNames>", b"", wb)
    for attr in (b"activeTab", b"firstSheet"):
        def shift(m: re.Match[bytes], attr: bytes = attr) -> bytes:
            n = int(m.group(1))
            new = n - 1 if n > index else (0 if n == index else n)
            return attr + b'="' + str(new).encode() + b'"'
        wb = re.sub(attr + rb'="(\d+)"', shift, wb)
    parts["xl/workbook.xml"] = wb
    rels = parts["xl/_rels/workbook.xml.rels"]
    rel = re.search(rb'<Relationship\b[^>]*\bId="' + re.escape(rid) + rb'"[^>]*/>', rels)
    if rel is None:
        return
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(rel.group(0), b"", 1)
    target = (_attr(rel.group(0), b"Target") or b"").decode()
    part = target.lstrip("/") if target.startswith("/") else "xl/" + target
    parts.pop(part, None)
    d, f = part.rsplit("/", 1)
    parts.pop(f"{d}/_rels/{f}.rels", None)
    parts["[Content_Types].xml"] = re.sub(
        rb'<Override\b[^>]*PartName="/' + re.escape(part.encode()) + rb'"[^>]*/>', b"",
        parts["[Content_Types].xml"])


def values_copy_bytes(data: bytes, name: str = "werkmap") -> bytes:
    """The values-only .xlsx of the workbook ``data``. Raises :class:`MppError`
    when the workbook was never refreshed (its formulas have no values yet)."""
    pkg = Package(data, name)
    model = None
    if S.UITKOMSTEN in pkg.sheet_paths:
        for c in pkg.cells(S.UITKOMSTEN):
            if c.ref == S.MODEL_CELL:
                model = c
    if model is not None and (model.formula is not None and not model.value):
        raise MppError(f"{name} is nog niet ververst: de formules hebben nog geen waarden. "
                       f"Ververs eerst met: mpp ververs {name}. Er is niets geschreven.")
    parts = read_parts(data)
    shown: dict[tuple[str, int, int], object] = {}
    for sheet, path in pkg.sheet_paths.items():
        cells = pkg.cells(sheet)
        new = {c.ref: (c.value, None) for c in cells if c.formula is not None}
        for c in cells:
            shown[(sheet, c.row, c.col)] = c.value
        if new:
            parts[path] = set_cells(pkg.sheet_xml(sheet), cells, new)
    parts.update(fill_chart_caches(parts, lambda s, r, c: shown.get((s, r, c))))
    for part in list(parts):
        if re.fullmatch(r"xl/drawings/drawing\d+\.xml", part):
            parts[part] = _without_macro_shapes(parts[part])
    for part in _VBA_PARTS:
        parts.pop(part, None)
    parts["xl/_rels/workbook.xml.rels"] = _drop_relationships(
        parts["xl/_rels/workbook.xml.rels"], _VBA_PARTS)
    ct = parts["[Content_Types].xml"].replace(CT_MACRO_MAIN, CT_MAIN)
    ct = re.sub(rb'<(Override|Default)\b[^>]*(vbaProject|calcChain)[^>]*/>', b"", ct)
    parts["[Content_Types].xml"] = ct
    _drop_sheet(parts, S.CONF)  # xlwings' settings: nothing for a reader without Python
    wb = parts["xl/workbook.xml"]
    wb = re.sub(rb'\s+fullCalcOnLoad="[^"]*"', b"", wb)
    wb = re.sub(rb'\s+codeName="[^"]*"', b"", wb)
    parts["xl/workbook.xml"] = wb
    return write_parts(parts)


def values_copy(master: str | Path, out: str | Path, overwrite: bool = False) -> Path:
    """Write the values-only copy of ``master`` to ``out`` (.xlsx) atomically."""
    master, out = Path(master), Path(out)
    if out.suffix.lower() != ".xlsx":
        raise MppError(f"{out.name}: de waardenkopie is een .xlsx (zonder macro's); kies een "
                       "naam die op .xlsx eindigt.")
    if not out.parent.is_dir():
        raise MppError(f"De map {out.parent} bestaat niet; maak hem eerst aan of kies een "
                       f"andere plek voor {out.name}. Er is niets geschreven.")
    if out.exists() and not overwrite:
        raise MppError(f"{out} bestaat al; kies een andere naam of gebruik --overschrijf.")
    if out.resolve() == master.resolve():
        raise MppError("De waardenkopie mag de werkmap zelf niet vervangen; kies een andere "
                       "naam.")
    pkg = Package.open(master)
    new = values_copy_bytes(pkg.data, master.name)
    atomic_write(out, lambda p: p.write_bytes(new))
    return out
