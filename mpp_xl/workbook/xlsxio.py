"""Low-level access to the parts of an .xlsx/.xlsm package (a zip of XML).

openpyxl cannot keep cached values or charts it did not create, so the
refresh edits the sheet XML directly: it finds the ``<c>`` elements of formula
cells and replaces only their cached value (``<v>``) and type (``t``),
leaving every other byte of the part untouched. Sheets the workbook layer owns
(Validatie, Vaststelling, Logboek) get their data rows regenerated.

Only the small subset of SpreadsheetML that the MPP workbooks use is parsed
here, with regular expressions: it is fast (a few ms per sheet) and never
re-serialises XML it did not change.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DET

from ..core.problems import MppError
from ..io.safe_zip import check_workbook_bytes

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

_CELL_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR_RE = re.compile(rb'([\w:]+)="([^"]*)"')
_F_RE = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_V_RE = re.compile(rb"<v\b[^>]*?(?:/>|>(.*?)</v>)", re.S)
_IS_T_RE = re.compile(rb"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_REF_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


class XlErr(str):
    """An Excel error value such as ``#NAME?`` (stored with ``t="e"``)."""


def col_index(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def col_letter(idx: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    s = ""
    while idx:
        idx, r = divmod(idx - 1, 26)
        s = chr(65 + r) + s
    return s


def split_ref(ref: str) -> tuple[int, int]:
    """'B12' or '$B$12' -> (row 12, col 2), both 1-based."""
    m = _REF_RE.match(ref.upper())
    if not m:
        raise ValueError(f"geen geldige celverwijzing: {ref!r}")
    return int(m.group(2)), col_index(m.group(1))


def unescape(b: bytes) -> str:
    s = b.decode("utf-8")
    if "&" not in s:
        return s
    s = re.sub(r"&#x([0-9a-fA-F]+);", lambda m: chr(int(m.group(1), 16)), s)
    s = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), s)
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


@dataclass
class Cell:
    """One ``<c>`` element of a sheet part."""

    ref: str
    row: int
    col: int
    attrs: dict[str, str]
    formula: str | None  # formula text without '=' (None: no formula)
    f_attrs: dict[str, str]
    value: object  # cached/constant value: float, str, bool, XlErr or None
    start: int
    end: int

    @property
    def style(self) -> str | None:
        return self.attrs.get("s")


def _attrs(raw: bytes) -> dict[str, str]:
    return {k.decode(): unescape(v) for k, v in _ATTR_RE.findall(raw)}


def scan_cells(xml: bytes, shared: list[str]) -> list[Cell]:
    """Every cell of a sheet part, in document order."""
    out: list[Cell] = []
    for m in _CELL_RE.finditer(xml):
        attrs = _attrs(m.group(1))
        ref = attrs.get("r")
        if not ref:
            continue
        body = m.group(2) or b""
        formula = None
        f_attrs: dict[str, str] = {}
        fm = _F_RE.search(body)
        if fm:
            f_attrs = _attrs(fm.group(1))
            formula = unescape(fm.group(2) or b"")
        t = attrs.get("t", "n")
        value: object = None
        if t == "inlineStr":
            value = "".join(unescape(x or b"") for x in _IS_T_RE.findall(body))
        else:
            vm = _V_RE.search(body)
            raw = vm.group(1) if vm else None
            if raw is not None and raw != b"":
                text = unescape(raw)
                if t == "s":
                    try:
                        value = shared[int(text)]
                    except (ValueError, IndexError):
                        raise ValueError(f"cel {ref} verwijst naar gedeelde tekst {text!r}, "
                                         "die niet bestaat") from None
                elif t == "str":
                    value = text
                elif t == "b":
                    value = text.strip() in ("1", "true")
                elif t == "e":
                    value = XlErr(text)
                else:
                    try:
                        value = float(text)
                    except ValueError:
                        value = text
            elif t == "str" and vm is not None:
                value = ""
        row, col = split_ref(ref)
        out.append(Cell(ref, row, col, attrs, formula, f_attrs, value, m.start(), m.end()))
    return out


def cell_xml(ref: str, value: object, style: str | None = None,
             formula: str | None = None, extra_attrs: str = "") -> bytes:
    """A ``<c>`` element for a value (and optional formula, stored without '=')."""
    s = f' s="{style}"' if style not in (None, "", "0") else ""
    f = f"<f>{escape(formula)}</f>" if formula is not None else ""
    t, body = _typed(value, formula is not None)
    return f'<c r="{ref}"{s}{t}{extra_attrs}>{f}{body}</c>'.encode() if (f or body) else \
        f'<c r="{ref}"{s}{extra_attrs}/>'.encode()


def _typed(value: object, is_formula: bool) -> tuple[str, str]:
    """(type attribute, value markup) of a cell value."""
    if value is None:
        return "", ""
    if isinstance(value, XlErr):
        return ' t="e"', f"<v>{escape(str(value))}</v>"
    if isinstance(value, bool):
        return ' t="b"', f"<v>{int(value)}</v>"
    if isinstance(value, (int, float)):
        x = float(value)
        if not math.isfinite(x):
            return ' t="e"', "<v>#NUM!</v>"
        return "", f"<v>{_num(x)}</v>"
    text = escape(str(value))
    if is_formula:
        return ' t="str"', f"<v>{text}</v>"
    keep = ' xml:space="preserve"' if text != text.strip() else ""
    return ' t="inlineStr"', f"<is><t{keep}>{text}</t></is>"


def _num(x: float) -> str:
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def set_cached_values(xml: bytes, cells: list[Cell], values: dict[str, object]) -> bytes:
    """Replace the cached value of the formula cells ``values`` (ref -> value),
    keeping the ``<f>`` element, the style and every other byte as they were."""
    if not values:
        return xml
    parts: list[bytes] = []
    pos = 0
    for c in cells:
        if c.formula is None or c.ref not in values:
            continue
        m = _CELL_RE.match(xml, c.start)
        assert m is not None and m.end() == c.end
        body = m.group(2) or b""
        fm = _F_RE.search(body)
        assert fm is not None
        attrs = re.sub(rb'\s+t="[^"]*"', b"", m.group(1)).rstrip(b"/").rstrip()
        t, v = _typed(values[c.ref], True)
        new = b"<c" + attrs + t.encode() + b">" + fm.group(0) + v.encode() + b"</c>"
        parts.append(xml[pos:c.start])
        parts.append(new)
        pos = c.end
    parts.append(xml[pos:])
    return b"".join(parts)


def set_cells(xml: bytes, cells: list[Cell], new: dict[str, tuple[object, str | None]]) -> bytes:
    """Replace the content of existing cells (ref -> (value, formula)), keeping
    their style; every other byte stays. Raises KeyError for a missing cell."""
    by_ref = {c.ref: c for c in cells}
    missing = [r for r in new if r not in by_ref]
    if missing:
        raise KeyError(", ".join(missing))
    parts: list[bytes] = []
    pos = 0
    for c in sorted((by_ref[r] for r in new), key=lambda c: c.start):
        v, f = new[c.ref]
        parts.append(xml[pos:c.start])
        parts.append(cell_xml(c.ref, v, c.style, f))
        pos = c.end
    parts.append(xml[pos:])
    return b"".join(parts)


_ROW_RE = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)


def replace_rows_from(xml: bytes, first_row: int, rows: dict[int, bytes],
                      last_ref: str | None = None) -> bytes:
    """Replace every ``<row>`` numbered ``first_row`` or later by ``rows``
    (row number -> the row's cell markup); rows before stay byte-identical."""
    sd_start = xml.find(b"<sheetData")
    if sd_start < 0:
        raise MppError("Onverwachte opbouw van een werkblad (geen sheetData).")
    open_end = xml.find(b">", sd_start) + 1
    if xml[open_end - 2:open_end] == b"/>":  # <sheetData/>
        head, inner, tail = xml[:sd_start] + b"<sheetData>", b"", b"</sheetData>" + xml[open_end:]
    else:
        close = xml.find(b"</sheetData>", open_end)
        head, inner, tail = xml[:open_end], xml[open_end:close], xml[close:]
    kept: list[bytes] = []
    for m in _ROW_RE.finditer(inner):
        r = int(_attrs(m.group(1)).get("r", "0"))
        if r < first_row:
            kept.append(m.group(0))
    new_rows = [f'<row r="{r}">'.encode() + rows[r] + b"</row>" for r in sorted(rows)]
    out = head + b"".join(kept) + b"".join(new_rows) + tail
    if last_ref:
        out = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:{last_ref}"'.encode(),
                     out, count=1)
    return out


class Package:
    """An .xlsx/.xlsm file held in memory: part name -> bytes."""

    def __init__(self, data: bytes, name: str = "werkmap") -> None:
        self.data = data
        self.name = name
        check_workbook_bytes(data, name)  # sizes, zip bombs, DTDs: before inflating
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                self.infos = z.infolist()
                self.parts: dict[str, bytes] = {i.filename: z.read(i.filename) for i in self.infos}
        except (zipfile.BadZipFile, EOFError, zlib.error) as e:
            raise MppError(f"{name}: geen geldige Excel-werkmap (.xlsx/.xlsm).") from e
        if "xl/workbook.xml" not in self.parts:
            raise MppError(f"{name}: geen geldige Excel-werkmap (xl/workbook.xml ontbreekt).")
        self.sheet_paths = self._sheet_paths()
        self.shared = self._shared_strings()
        self._cells: dict[str, list[Cell]] = {}

    @classmethod
    def open(cls, path: str | Path) -> Package:
        path = Path(path)
        if not path.is_file():
            raise MppError(f"Bestand niet gevonden: {path}")
        try:
            data = path.read_bytes()
        except OSError as e:
            raise MppError(f"{path.name} kan niet gelezen worden: {e.strerror or e}") from e
        return cls(data, path.name)

    def _xml(self, part: str) -> Any:
        """A small XML part parsed with defusedxml (no DTDs, no entities)."""
        raw = self.parts.get(part)
        if raw is None:
            raise MppError(f"{self.name} is beschadigd: het onderdeel {part} ontbreekt.")
        try:
            return DET.fromstring(raw)
        except (DET.ParseError, DefusedXmlException) as e:
            raise MppError(f"{self.name} is beschadigd: {part} is geen geldige XML "
                           f"({type(e).__name__}).") from e

    def _sheet_paths(self) -> dict[str, str]:
        wb = self._xml("xl/workbook.xml")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        target = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship")}
        out: dict[str, str] = {}
        for s in wb.iter(f"{{{NS_MAIN}}}sheet"):
            t = target.get(s.get(f"{{{NS_REL}}}id"), "")
            path = t.lstrip("/") if t.startswith("/") else posixpath.normpath(
                posixpath.join("xl", t))
            if path not in self.parts:
                raise MppError(f"{self.name} is beschadigd: het blad '{s.get('name', '')}' "
                               f"verwijst naar {path}, dat ontbreekt.")
            out[s.get("name", "")] = path
        return out

    def _shared_strings(self) -> list[str]:
        if not self.parts.get("xl/sharedStrings.xml"):
            return []
        root = self._xml("xl/sharedStrings.xml")
        out = []
        for si in root.iter(f"{{{NS_MAIN}}}si"):
            out.append("".join(t.text or "" for t in si.iter(f"{{{NS_MAIN}}}t")
                               if _not_phonetic(si, t)))
        return out

    def sheet_xml(self, sheet: str) -> bytes:
        return self.parts[self.sheet_paths[sheet]]

    def cells(self, sheet: str) -> list[Cell]:
        if sheet not in self._cells:
            try:
                self._cells[sheet] = scan_cells(self.sheet_xml(sheet), self.shared)
            except (ValueError, IndexError, OverflowError, UnicodeDecodeError) as e:
                raise MppError(f"{self.name} is beschadigd: blad '{sheet}' kan niet worden "
                               f"gelezen ({e}).") from e
        return self._cells[sheet]

    def formula_text(self, sheet: str, cell: Cell) -> str:
        """The formula of a cell (without '='), expanding Excel's shared formulas."""
        if cell.formula is None:
            return ""
        if cell.f_attrs.get("t") != "shared" or cell.formula:
            return cell.formula
        si = cell.f_attrs.get("si")
        for m in self.cells(sheet):
            if m.f_attrs.get("t") == "shared" and m.f_attrs.get("si") == si and m.formula:
                # lazily: reading values (the UDFs, mpp valideer) does not load openpyxl
                from openpyxl.formula.translate import Translator

                return Translator("=" + m.formula, origin=m.ref).translate_formula(cell.ref)[1:]
        return ""

    def to_bytes(self, replaced: dict[str, bytes]) -> bytes:
        """The package with some parts replaced, other parts' content unchanged."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for info in self.infos:
                data = replaced.get(info.filename, self.parts[info.filename])
                zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = info.external_attr
                z.writestr(zi, data)
        return buf.getvalue()


def _not_phonetic(si: object, t: object) -> bool:
    """Skip phonetic runs (<rPh>) in shared strings."""
    for rph in si.iter(f"{{{NS_MAIN}}}rPh"):  # type: ignore[attr-defined]
        if any(x is t for x in rph.iter()):
            return False
    return True


_ROW_RE = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_C_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>.*?</c>)", re.S)
_R_ATTR = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ROWNUM = re.compile(rb'\br="(\d+)"')


def merge_cells_xml(xml: bytes, new: Mapping[tuple[int, int], bytes],
                    clear: Callable[[int, int], bool]) -> bytes:
    """Remove the cells for which ``clear(row, col)`` holds, add ``new`` cells
    (``(row, col) -> <c> markup``); rows without changes stay byte-identical."""
    sd = xml.find(b"<sheetData")
    if sd < 0:
        raise MppError("Onverwachte opbouw van een werkblad (geen sheetData).")
    open_end = xml.find(b">", sd) + 1
    if xml[open_end - 2:open_end] == b"/>":
        head, inner, tail = xml[:sd] + b"<sheetData>", b"", b"</sheetData>" + xml[open_end:]
    else:
        close = xml.find(b"</sheetData>", open_end)
        head, inner, tail = xml[:open_end], xml[open_end:close], xml[close:]
    by_row: dict[int, dict[int, bytes]] = {}
    for (r, c), x in new.items():
        by_row.setdefault(r, {})[c] = x
    rows: list[tuple[int, bytes]] = []
    seen: set[int] = set()
    for m in _ROW_RE.finditer(inner):
        rm = _ROWNUM.search(m.group(1))
        r = int(rm.group(1)) if rm else 0
        seen.add(r)
        add = by_row.get(r, {})
        body = m.group(2) or b""
        cells: list[tuple[int, bytes]] = []
        changed = bool(add)
        for cm in _C_RE.finditer(body):
            ref = _R_ATTR.search(cm.group(1))
            col = col_index(ref.group(1).decode()) if ref else 0
            if clear(r, col) or col in add:
                changed = True
                continue
            cells.append((col, cm.group(0)))
        if not changed:
            rows.append((r, m.group(0)))
            continue
        cells.extend(add.items())
        cells.sort(key=lambda t: t[0])
        attrs = re.sub(rb'\s+spans="[^"]*"', b"", m.group(1)).rstrip(b"/").rstrip()
        rows.append((r, b"<row" + attrs + b">" + b"".join(x for _, x in cells) + b"</row>"))
    for r, add in by_row.items():
        if r not in seen:
            rows.append((r, f'<row r="{r}">'.encode()
                         + b"".join(add[c] for c in sorted(add)) + b"</row>"))
    rows.sort(key=lambda t: t[0])
    out = head + b"".join(x for _, x in rows) + tail
    last_r = max([r for r, _ in rows] + [1])
    last_c = max([c for (_, c) in new] + [1])
    dm = re.search(rb'<dimension ref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"', out)
    if dm and dm.group(1):
        last_c = max(last_c, col_index(dm.group(1).decode()))
        last_r = max(last_r, int(dm.group(2)))
    if dm:
        out = out[:dm.start()] + f'<dimension ref="A1:{col_letter(last_c)}{last_r}"'.encode() \
            + out[dm.end():]
    return out


def set_row_heights(xml: bytes, heights: Mapping[int, float]) -> bytes:
    """``xml`` with ``ht``/``customHeight`` on the rows in ``heights`` (row -> points);
    other rows and everything outside the row tags stay byte-identical."""
    def fix(m: re.Match[bytes]) -> bytes:
        rm = _ROWNUM.search(m.group(1))
        if rm is None or int(rm.group(1)) not in heights:
            return m.group(0)
        attrs = re.sub(rb'\s+(?:ht|customHeight)="[^"]*"', b"", m.group(1))
        tail = b"/>" if attrs.endswith(b"/") else b">"
        attrs = attrs.rstrip(b"/")
        ht = f' ht="{heights[int(rm.group(1))]:g}" customHeight="1"'.encode()
        return b"<row" + attrs + ht + tail

    return _ROW_OPEN.sub(fix, xml)


_ROW_OPEN = re.compile(rb"<row\b([^>]*)>")


#: The custom document properties part (name -> text, see :func:`custom_properties`).
CUSTOM_PART = "docProps/custom.xml"


def custom_properties(pkg: Package) -> dict[str, str]:
    """The custom document properties (name -> text) of a workbook; empty when
    it has none or the part cannot be parsed."""
    raw = pkg.parts.get(CUSTOM_PART)
    if not raw:
        return {}
    try:
        root = DET.fromstring(raw)
    except Exception:  # noqa: BLE001 - a damaged part only loses the information
        return {}
    out: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            out[name] = (prop[0].text or "").strip()
    return out


_PROPERTY = re.compile(rb'<property\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</property>', re.S)


def set_custom_property(xml: bytes, name: str, value: str) -> bytes:
    """``docProps/custom.xml`` with the text property ``name`` set to ``value``
    (replaced when present, else appended with the next ``pid``)."""
    text = escape(value).encode()
    pids = [int(p) for p in re.findall(rb'\bpid="(\d+)"', xml)]
    for m in _PROPERTY.finditer(xml):
        if unescape(m.group(1)) == name:
            body = b"<vt:lpwstr>" + text + b"</vt:lpwstr>"
            return xml[:m.start(2)] + body + xml[m.end(2):]
    prop = (f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" '
            f'pid="{max(pids, default=1) + 1}" name="{escape(name)}">').encode() + \
        b"<vt:lpwstr>" + text + b"</vt:lpwstr></property>"
    end = xml.rfind(b"</Properties>")
    if end < 0:
        raise ValueError("docProps/custom.xml zonder </Properties>")
    return xml[:end] + prop + xml[end:]
