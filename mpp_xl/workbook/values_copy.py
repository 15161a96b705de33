"""``mpp waardenkopie``: a values-only copy of a refreshed master workbook.

For readers without Python and xlwings (management, a partner, a mail
attachment): every formula is replaced by the value the last refresh stored,
so no cell can turn into ``#NAME?`` when Excel or LibreOffice recalculates.
The copy is an .xlsx without VBA and without the refresh buttons; charts keep
their data (the cached values are written into each chart, also when the
master's charts had none). Styles, sheets, protection, print settings and
everything else stay as in the master.
"""

from __future__ import annotations

import re
from pathlib import Path

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
