"""Checks of an untrusted workbook package (a returned partner file) before
any cell is read: what kind of package it is and what it links to.

:mod:`mpp_xl.io.safe_zip` already guards every workbook (zip bombs, DTDs,
invalid or duplicate entry names). A partner file is held to more, because it
comes from outside and only its values may ever reach the master
(docs/hardening.md, "Partnerbestanden"):

- its workbook part must be a plain workbook
  (``spreadsheetml.sheet.main+xml``): a macro-enabled workbook, a template
  or an add-in under an .xlsx name is refused;
- no part of a kind that runs code or fetches data: VBA projects, Excel 4
  macro sheets, ActiveX controls, embedded (OLE) objects, external links,
  data connections and query tables (by content type *and* by part name, so
  a part that lies about its type is caught as well);
- every part has a declared content type;
- no relationship points outside the package (``TargetMode="External"``:
  hyperlinks to web addresses, linked files) or climbs out of it (``../..``);
- no defined name refers to another workbook (``[1]Blad1!A1``);
- no drawing, VML shape or form control carries a macro;
- every cell of a worksheet has an address (``r``) and no address occurs
  twice: readers that fill in a missing address differ, and a duplicate
  address is read as the first or the last copy depending on the program;
  cells are written without a namespace prefix (``<c>``, not ``<x:c>``), as
  Excel and LibreOffice write them.

customXml parts (SharePoint and OneDrive add them), comments, printer
settings, themes and the calculation chain are allowed: nothing of them is
ever copied into the master.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from defusedxml import ElementTree as DET

from ..core.problems import MppError

_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

#: The content type of a plain workbook part (.xlsx).
PLAIN_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
#: Content types of the workbook part that are not a plain workbook, in Dutch.
WORKBOOK_KINDS = {
    "application/vnd.ms-excel.sheet.macroenabled.main+xml":
        "een werkmap met macro's (.xlsm)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml":
        "een sjabloon (.xltx)",
    "application/vnd.ms-excel.template.macroenabled.main+xml":
        "een sjabloon met macro's (.xltm)",
    "application/vnd.ms-excel.addin.macroenabled.main+xml":
        "een invoegtoepassing met macro's (.xlam)",
}
#: Content types (lower case) that are refused, with what they are (Dutch).
REFUSED_TYPES = {
    "application/vnd.ms-office.vbaproject": "een VBA-project (macro's)",
    "application/vnd.ms-office.vbaprojectsignature": "een handtekening van een VBA-project",
    "application/vnd.ms-excel.macrosheet+xml": "een Excel 4-macroblad",
    "application/vnd.ms-excel.intlmacrosheet+xml": "een Excel 4-macroblad",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml":
        "een dialoogblad (macro's)",
    "application/vnd.ms-office.activex+xml": "een ActiveX-besturingselement",
    "application/vnd.ms-office.activex": "een ActiveX-besturingselement",
    "application/vnd.openxmlformats-officedocument.oleobject": "een ingesloten object (OLE)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.externallink+xml":
        "een koppeling naar een andere werkmap",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml":
        "een gegevensverbinding",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.querytable+xml":
        "een query-tabel (gegevensverbinding)",
}
#: Part name prefixes (lower case) that are refused whatever type they declare.
REFUSED_PREFIXES = {
    "xl/vbaproject": "een VBA-project (macro's)",
    "xl/macrosheets/": "een Excel 4-macroblad",
    "xl/dialogsheets/": "een dialoogblad (macro's)",
    "xl/activex/": "een ActiveX-besturingselement",
    "xl/embeddings/": "een ingesloten object (OLE)",
    "xl/externallinks/": "een koppeling naar een andere werkmap",
    "xl/connections.xml": "een gegevensverbinding",
    "xl/querytables/": "een query-tabel (gegevensverbinding)",
}
_MACRO_ATTR = re.compile(rb'\b(?:macro|fmlaMacro)="([^"]+)"', re.I)
_MACRO_ELEM = re.compile(rb"<(?:\w+:)?FmlaMacro\b", re.I)
_CELL_OPEN = re.compile(rb"<c\b([^>]*?)/?>")
_R_ATTR = re.compile(rb'\sr="([^"]*)"')
_ROW_OPEN = re.compile(rb"<row\b([^>]*?)/?>")
_PREFIXED = re.compile(rb"<\w+:(?:sheetData|row|c)\b")


def _content_types(z: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """(defaults by extension, overrides by part name), lower case."""
    try:
        root = DET.fromstring(z.read("[Content_Types].xml"))
    except Exception as e:  # noqa: BLE001 - any parse problem is a damaged package
        raise MppError("[Content_Types].xml is geen geldige XML") from e
    defaults = {(d.get("Extension") or "").lower(): (d.get("ContentType") or "").lower()
                for d in root.iter(f"{_CT_NS}Default")}
    overrides = {(o.get("PartName") or "").lstrip("/").lower(): (o.get("ContentType") or "").lower()
                 for o in root.iter(f"{_CT_NS}Override")}
    return defaults, overrides


def _type_of(part: str, defaults: dict[str, str], overrides: dict[str, str]) -> str | None:
    key = part.lower()
    if key in overrides:
        return overrides[key]
    last = key.rsplit("/", 1)[-1]
    # the extension after the last '.': '.rels' has extension 'rels' (posixpath
    # would call it a name without extension)
    return defaults.get(last.rsplit(".", 1)[1]) if "." in last else None


def untrusted_package_problems(data: bytes) -> list[str]:
    """Every reason (Dutch, naming the part) why an untrusted workbook
    package may not be read; empty when it may. Call after
    :func:`mpp_xl.io.safe_zip.check_workbook_bytes`."""
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [i.filename for i in z.infolist() if not i.filename.endswith("/")]
        try:
            defaults, overrides = _content_types(z)
        except MppError as e:
            return [str(e)]
        wb_type = _type_of("xl/workbook.xml", defaults, overrides)
        if wb_type != PLAIN_WORKBOOK:
            kind = WORKBOOK_KINDS.get(wb_type or "", f"geen gewone werkmap (inhoudstype "
                                                       f"{wb_type or 'ontbreekt'})")
            problems.append(f"het is {kind}, geen gewone Excel-werkmap (.xlsx); "
                            "een partnerbestand heeft nooit macro's")
        for part in parts:
            if part == "[Content_Types].xml":
                continue
            ct = _type_of(part, defaults, overrides)
            low = part.lower()
            what = next((w for p, w in REFUSED_PREFIXES.items() if low.startswith(p)), None)
            what = what or REFUSED_TYPES.get(ct or "")
            if what is not None:
                problems.append(f"onderdeel {part} is {what}")
            elif ct is None:
                problems.append(f"onderdeel {part} heeft geen inhoudstype in "
                                "[Content_Types].xml")
        sheets = _sheet_names(z)
        for part in parts:
            low = part.lower()
            if low.endswith(".rels"):
                problems += _rels_problems(part, z.read(part), z, sheets)
            elif low.endswith(".vml") or low.startswith(("xl/drawings/", "xl/ctrlprops/")):
                blob = z.read(part)
                if _MACRO_ATTR.search(blob) or _MACRO_ELEM.search(blob):
                    problems.append(f"onderdeel {part} bevat een vorm of knop met een macro")
        if "xl/workbook.xml" in z.namelist():
            problems += _name_problems(z.read("xl/workbook.xml"))
        for part in parts:
            if part.lower().startswith("xl/worksheets/") and part.lower().endswith(".xml"):
                problems += _cell_address_problems(part, z.read(part))
    return problems


def _sheet_names(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> sheet name (empty when unreadable)."""
    try:
        wb = DET.fromstring(z.read("xl/workbook.xml"))
        rels = DET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001 - Package reports a damaged workbook itself
        return {}
    target = {r.get("Id"): r.get("Target") or "" for r in rels.iter(f"{_REL_NS}Relationship")}
    out = {}
    for sh in wb.iter(f"{_MAIN_NS}sheet"):
        t = target.get(sh.get(f"{{{_R_NS}}}id"), "")
        path = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
        out[path] = sh.get("name", "")
    return out


def _where(part: str, rid: str, z: zipfile.ZipFile, sheets: dict[str, str]) -> str:
    """'blad COA, cel L7' for a hyperlink relationship of a worksheet, else the part."""
    folder, name = posixpath.split(part)
    source = posixpath.join(posixpath.dirname(folder), name[:-len(".rels")])
    if source in sheets:
        xml = z.read(source) if source in z.namelist() else b""
        for m in re.finditer(rb"<hyperlink\b[^>]*>", xml):
            if f'"{rid}"'.encode() in m.group(0):
                ref = re.search(rb'\bref="([^"]+)"', m.group(0))
                if ref:
                    return f"blad {sheets[source]}, cel {ref.group(1).decode()}"
        return f"blad {sheets[source]} ({part})"
    return f"onderdeel {part}"


def _rels_problems(part: str, raw: bytes, z: zipfile.ZipFile,
                   sheets: dict[str, str]) -> list[str]:
    try:
        root = DET.fromstring(raw)
    except Exception:  # noqa: BLE001
        return [f"onderdeel {part} is geen geldige XML"]
    # the folder the relationships' source part lives in: a/_rels/b.rels -> a
    base = posixpath.dirname(posixpath.dirname(part))
    out = []
    for r in root.iter(f"{_REL_NS}Relationship"):
        target = r.get("Target") or ""
        if (r.get("TargetMode") or "").lower() == "external":
            kind = (r.get("Type") or "").rsplit("/", 1)[-1]
            what = "een hyperlink" if kind == "hyperlink" else "een koppeling"
            out.append(f"{_where(part, r.get('Id') or '', z, sheets)}: {what} naar buiten het "
                       f"bestand ({target})")
            continue
        path = target[1:] if target.startswith("/") else posixpath.join(base, target)
        if posixpath.normpath(path).startswith("../") or "://" in target:
            out.append(f"onderdeel {part} verwijst naar iets buiten het bestand ({target})")
    return out


def _name_problems(raw: bytes) -> list[str]:
    try:
        root = DET.fromstring(raw)
    except Exception:  # noqa: BLE001 - Package reports broken XML with its own message
        return []
    return [f"de gedefinieerde naam {n.get('name', '')} verwijst naar een andere werkmap "
            f"({(n.text or '').strip()})"
            for n in root.iter(f"{_MAIN_NS}definedName") if "[" in (n.text or "")]


def _cell_address_problems(part: str, xml: bytes) -> list[str]:
    out: list[str] = []
    if _PREFIXED.search(xml):
        # valid XML, but not how Excel or LibreOffice write a sheet; readers differ
        out.append(f"{part}: de cellen staan in XML met een voorvoegsel (zoals <x:c>), "
                   "niet zoals Excel of LibreOffice ze schrijven")
    for m in _ROW_OPEN.finditer(xml):
        if not _R_ATTR.search(b" " + m.group(1)):
            out.append(f"{part}: een rij zonder rijnummer (r)")
            break
    seen: set[bytes] = set()
    for m in _CELL_OPEN.finditer(xml):
        rm = _R_ATTR.search(b" " + m.group(1))
        if rm is None:
            out.append(f"{part}: een cel zonder adres (r)")
            break
        ref = rm.group(1).upper().replace(b"$", b"")
        if ref in seen:
            out.append(f"{part}: cel {ref.decode(errors='replace')} staat er twee keer in")
            break
        seen.add(ref)
    return out


#: What to do after a refused import (Dutch).
IMPORT_ADVICE = ("Er is niets samengevoegd. Vraag de partner de waarden over te nemen in een "
                 "nieuw geëxporteerd partnerbestand (mpp exporteer-partner), zonder koppelingen "
                 "(typ een webadres als tekst) en zonder macro's.")
#: What to do when a partner checks the file (``mpp valideer``).
VALIDATE_ADVICE = ("De coördinator kan het zo niet samenvoegen. Neem de waarden over in het "
                   "partnerbestand zoals het is geëxporteerd, zonder koppelingen (typ een "
                   "webadres als tekst) en zonder macro's.")


def check_untrusted_package(data: bytes, name: str, advice: str = IMPORT_ADVICE) -> None:
    """Raise :class:`MppError` naming every problem of
    :func:`untrusted_package_problems`; the file is then not read at all.
    ``advice``: what happens now and what to do (Dutch)."""
    problems = untrusted_package_problems(data)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise MppError(
            f"{name} wordt niet gelezen: een partnerbestand is een gewone Excel-werkmap "
            f"(.xlsx) met alleen waarden, zonder macro's of koppelingen naar buiten.\n{lines}\n"
            f"{advice}")
