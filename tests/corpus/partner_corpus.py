"""The hostile partner-file corpus: returned partner files that are refused,
or whose values only are imported (see docs/hardening.md, "Partnerbestanden").

Every file is made at test time from a fresh export of the example master
(``mpp exporteer-partner MASTER --partner COA``), edited the way a partner,
another program or an attacker would: cells changed in the sheet XML, parts
added, content types or document properties changed, zip entries written
by hand. ``tests/hardening/test_partner_hostile.py`` imports each into a copy
of the master and checks the outcome.

Run ``python tests/corpus/partner_corpus.py DIR`` to write the files into DIR.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.corpus.make_corpus import (
    err,
    formula,
    num,
    put_cells,
    rezip,
    sheet_part,
    text,
    with_shared_strings,
)

# Cells of the COA sheet used by the cases (checked against openpyxl by the test).
COUNT = "E7"  # coa_start_asielzoekers, alle, Alle jaren
COUNT_2 = "E8"  # coa_start_statushouders
TAAK_2024 = "F17"  # taakstelling_h1, 2024
BRON = "L7"  # Bron of coa_start_asielzoekers
BRON_2 = "L8"  # Bron of coa_start_statushouders
EXPECTED_ROWS = {COUNT: "coa_start_asielzoekers", COUNT_2: "coa_start_statushouders",
                 TAAK_2024: "taakstelling_h1", BRON: "coa_start_asielzoekers",
                 BRON_2: "coa_start_statushouders"}
#: A marker that must never reach the master.
EVIL = "evil.example"

_CT = "[Content_Types].xml"
_WB_RELS = "xl/_rels/workbook.xml.rels"
_PLAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@dataclass(frozen=True)
class PartnerCase:
    """One returned file: how it is made from the exported bytes, the exit
    code of ``mpp importeer-partner``, a Dutch fragment and the cell the
    message must name; for accepted files the values the master must then
    hold (cell of COA -> value, read back with openpyxl)."""

    name: str
    what: str  # English, for the docs table
    make: Callable[[bytes], bytes]
    code: int
    fragment: str = ""
    where: str = ""
    taken: dict[str, object] = field(default_factory=dict)
    note: str = ""  # the rule, for the docs table


def coa(data: bytes, cells: dict[str, str | None]) -> bytes:
    """The file with cells of sheet COA replaced (raw ``<c>`` markup)."""
    part = sheet_part(data, "COA")
    return rezip(data, {part: lambda x: put_cells(x, cells)})


def _add_type(ct: bytes, part: str, ctype: str) -> bytes:
    return ct.replace(b"</Types>", f'<Override PartName="/{part}" ContentType="{ctype}"/>'
                      .encode() + b"</Types>")


def _add_rel(rels: bytes, rid: str, rtype: str, target: str, external: bool = False) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    return rels.replace(b"</Relationships>", (
        f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/{rtype}" Target="{target}"{mode}/>').encode()
        + b"</Relationships>")


def with_part(data: bytes, part: str, blob: bytes, ctype: str | None,
              rel: tuple[str, str] | None = None) -> bytes:
    """Add a part (with a content-type override, and a workbook relationship
    ``(type, target)``)."""
    change: dict[str, object] = {}
    if ctype is not None:
        change[_CT] = lambda x: _add_type(x, part, ctype)
    if rel is not None:
        change[_WB_RELS] = lambda x: _add_rel(x, "rIdX1", rel[0], rel[1])
    return rezip(data, change, add={part: blob})  # type: ignore[arg-type]


def workbook_type(ctype: bytes) -> Callable[[bytes], bytes]:
    return lambda b: rezip(b, {_CT: lambda x: x.replace(_PLAIN, ctype)})


def _sheet_rels(data: bytes, rels: str) -> bytes:
    part = sheet_part(data, "COA")
    folder, name = part.rsplit("/", 1)
    return rezip(data, {}, add={f"{folder}/_rels/{name}.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships">' + rels
        + "</Relationships>").encode()})


def external_hyperlink(b: bytes) -> bytes:
    """A hyperlink on a Bron cell to a web address (as Excel's Insert > Link writes it)."""
    b = _sheet_rels(b, f'<Relationship Id="rIdH1" Type="http://schemas.openxmlformats.org/'
                       f'officeDocument/2006/relationships/hyperlink" Target="http://{EVIL}/'
                       f'?q=1" TargetMode="External"/>')
    part = sheet_part(b, "COA")
    return rezip(b, {part: lambda x: re.sub(
        rb"(</sheetData>(?:.*?<mergeCells.*?</mergeCells>)?)",
        lambda m: m.group(1) + f'<hyperlinks><hyperlink ref="{BRON}" r:id="rIdH1" xmlns:r="'
        'http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></hyperlinks>'
        .encode(), x, count=1, flags=re.S)})


def climbing_target(b: bytes) -> bytes:
    return _sheet_rels(b, '<Relationship Id="rIdC1" Type="http://schemas.openxmlformats.org/'
                          'officeDocument/2006/relationships/image" '
                          'Target="../../../../etc/passwd"/>')


def external_link(b: bytes) -> bytes:
    blob = (b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="'
            b'http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheetNames><sheetName val="IND"/></sheetNames></externalBook></externalLink>'
            )
    return with_part(b, "xl/externalLinks/externalLink1.xml", blob,
                     "application/vnd.openxmlformats-officedocument.spreadsheetml."
                     "externalLink+xml", ("externalLink", "externalLinks/externalLink1.xml"))


def connection(b: bytes) -> bytes:
    blob = (f'<?xml version="1.0"?><connections xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><connection id="1" name="web" type="4" refreshOnLoad="1">'
            f'<webPr url="http://{EVIL}/data"/></connection></connections>').encode()
    return with_part(b, "xl/connections.xml", blob,
                     "application/vnd.openxmlformats-officedocument.spreadsheetml."
                     "connections+xml", ("connections", "connections.xml"))


def ole_object(b: bytes) -> bytes:
    return with_part(b, "xl/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0" + bytes(60),
                     "application/vnd.openxmlformats-officedocument.oleObject")


def vba_project(b: bytes) -> bytes:
    return with_part(b, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(60),
                     "application/vnd.ms-office.vbaProject", ("vbaProject", "vbaProject.bin"))


def macro_enabled(b: bytes) -> bytes:
    """A macro-enabled workbook (.xlsm content) under the .xlsx name."""
    return workbook_type(b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")(vba_project(b))


def vml_macro(b: bytes) -> bytes:
    blob = (b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:x="urn:schemas-microsoft-com:'
            b'office:excel"><v:shape id="b1" type="#_x0000_t201"><x:ClientData ObjectType='
            b'"Button"><x:FmlaMacro>[0]!Auto_Open</x:FmlaMacro></x:ClientData></v:shape></xml>')
    return with_part(b, "xl/drawings/vmlDrawing1.vml", blob,
                     "application/vnd.openxmlformats-officedocument.vmlDrawing")


def macro_sheet(b: bytes) -> bytes:
    """An Excel 4 macro sheet disguised with a worksheet content type."""
    blob = (b'<?xml version="1.0"?><xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/'
            b'excel/2006/main"/>')
    return with_part(b, "xl/macrosheets/sheet1.xml", blob,
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml")


def undeclared_part(b: bytes) -> bytes:
    return rezip(b, {}, add={"xl/media/payload.dat": b"MZ" + bytes(100)})


def custom_xml(b: bytes) -> bytes:
    """A customXml part as SharePoint/OneDrive add (allowed, never copied)."""
    blob = f'<?xml version="1.0"?><root><bron>http://{EVIL}/sharepoint</bron></root>'.encode()
    return with_part(b, "customXml/item1.xml", blob, "application/xml",
                     ("customXml", "../customXml/item1.xml"))


def external_name(b: bytes) -> bytes:
    return rezip(b, {"xl/workbook.xml": lambda x: x.replace(
        b"</definedNames>", b'<definedName name="Koppeling">[1]IND!$E$7</definedName>'
                            b"</definedNames>")})


def extra_sheet(b: bytes) -> bytes:
    """The partner's own notes sheet with text, a formula and an internal name."""
    ws = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://'
          f'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
          f'<c r="A1" t="inlineStr"><is><t>Notities van COA ({EVIL})</t></is></c>'
          f'<c r="B1"><f>COA!E7*2</f><v>73600</v></c></row></sheetData></worksheet>').encode()
    b = with_part(b, "xl/worksheets/sheet99.xml", ws,
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
                  ("worksheet", "worksheets/sheet99.xml"))
    return rezip(b, {"xl/workbook.xml": lambda x: x.replace(
        b"</sheets>", b'<sheet name="Notities" sheetId="99" r:id="rIdX1"/></sheets>').replace(
        b"</definedNames>", b'<definedName name="mijn_naam">Notities!$B$1</definedName>'
                            b"</definedNames>")})


def duplicate_entry(b: bytes) -> bytes:
    """The COA sheet twice in the zip: Python's zipfile reads the last copy,
    other readers the first."""
    part = sheet_part(b, "COA")
    src = zipfile.ZipFile(io.BytesIO(b))
    evil = put_cells(src.read(part), {COUNT: num(COUNT, "99999")})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in src.infolist():
            z.writestr(i.filename, src.read(i.filename))
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Duplicate name": that is the point
            z.writestr(part, evil)
    return buf.getvalue()


def case_duplicate(b: bytes) -> bytes:
    part = sheet_part(b, "COA")
    return rezip(b, {}, add={part.upper(): zipfile.ZipFile(io.BytesIO(b)).read(part)})


def bad_entry_name(b: bytes) -> bytes:
    return rezip(b, {}, add={"xl/../../evil.xml": b"<x/>"})


def cell_without_address(b: bytes) -> bytes:
    return coa(b, {COUNT_2: '<c{s}><v>1</v></c>'})


def duplicate_cell(b: bytes) -> bytes:
    part = sheet_part(b, "COA")
    return rezip(b, {part: lambda x: x.replace(
        b'<c r="F7"', f'<c r="{COUNT}"><v>99999</v></c><c r="F7"'.encode(), 1)})


def many_rows(b: bytes) -> bytes:
    """50.000 extra rows with a number in column E below the table."""
    part = sheet_part(b, "COA")
    rows = "".join(f'<row r="{r}"><c r="E{r}"><v>1</v></c></row>' for r in range(30, 50_030))
    return rezip(b, {part: lambda x: x.replace(b"</sheetData>", rows.encode()
                                               + b"</sheetData>")})


def drop_property(*names: str) -> Callable[[bytes], bytes]:
    def f(b: bytes) -> bytes:
        def strip(x: bytes) -> bytes:
            for n in names:
                x = re.sub(rb'<property[^>]*name="' + n.encode() + rb'[^"]*".*?</property>', b"",
                           x, flags=re.S)
            return x
        return rezip(b, {"docProps/custom.xml": strip})
    return f


def set_property(name: str, value: str) -> Callable[[bytes], bytes]:
    return lambda b: rezip(b, {"docProps/custom.xml": lambda x: re.sub(
        rb'(<property[^>]*name="' + name.encode() + rb'"[^>]*>\s*<vt:lpwstr>)[^<]*',
        lambda m: m.group(1) + value.encode(), x)})


def no_properties(b: bytes) -> bytes:
    return rezip(b, {"docProps/custom.xml": None, _CT: lambda x: re.sub(
        rb'<Override PartName="/docProps/custom.xml"[^>]*/>', b"", x)})


def shared_formula_text(b: bytes) -> bytes:
    """'=1+1' typed as text (shared string) in a Bron cell, and text that
    looks like a HYPERLINK formula in another."""
    b = with_shared_strings(b, ["=1+1", f'=HYPERLINK("http://{EVIL}","klik")'])
    return coa(b, {BRON: f'<c r="{BRON}"{{s}} t="s"><v>0</v></c>',
                   BRON_2: f'<c r="{BRON_2}"{{s}} t="s"><v>1</v></c>'})


def cases() -> list[PartnerCase]:
    c = PartnerCase
    return [
        # -- the package (refused before any cell is read)
        c("macro_als_xlsx", "a macro-enabled workbook (vbaProject, .xlsm content type) "
          "named .xlsx", macro_enabled, 2, "werkmap met macro's (.xlsm)"),
        c("sjabloon", "a template (.xltx content type) named .xlsx",
          workbook_type(b"application/vnd.openxmlformats-officedocument.spreadsheetml."
                        b"template.main+xml"), 2, "sjabloon"),
        c("vba_project", "a VBA project added to a plain workbook", vba_project, 2,
          "VBA-project"),
        c("macroblad", "an Excel 4 macro sheet declared as a worksheet", macro_sheet, 2,
          "Excel 4-macroblad"),
        c("vml_macro", "a VML button that runs a macro", vml_macro, 2, "macro"),
        c("ole_object", "an embedded OLE object", ole_object, 2, "ingesloten object"),
        c("externe_koppeling", "an external link part to another workbook", external_link, 2,
          "koppeling naar een andere werkmap"),
        c("gegevensverbinding", "a data connection (refresh on load from a web address)",
          connection, 2, "gegevensverbinding"),
        c("hyperlink_extern", "a hyperlink on a Bron cell to a web address", external_hyperlink,
          2, "een hyperlink naar buiten het bestand", f"blad COA, cel {BRON}"),
        c("relatie_buiten_pakket", "a relationship climbing out of the package (../../..)",
          climbing_target, 2, "buiten het bestand"),
        c("naam_extern", "a defined name referring to another workbook", external_name, 2,
          "andere werkmap"),
        c("onderdeel_zonder_type", "a part without a declared content type", undeclared_part,
          2, "geen inhoudstype"),
        c("dubbel_onderdeel", "the COA sheet twice in the zip (readers disagree)",
          duplicate_entry, 2, "twee keer"),
        c("dubbel_hoofdletters", "the COA sheet again under an upper-case name",
          case_duplicate, 2, "twee keer"),
        c("ongeldige_naam", "a zip entry 'xl/../../evil.xml'", bad_entry_name, 2,
          "onderdeelnaam"),
        c("cel_zonder_adres", "a cell without an address (r)", cell_without_address, 2,
          "zonder adres"),
        c("dubbele_cel", "a cell address twice in the COA sheet", duplicate_cell, 2,
          "twee keer"),
        # -- provenance
        c("geen_exportgegevens", "all export properties removed", no_properties, 2,
          "geen exportgegevens"),
        c("zonder_basis", "the exported cells (mpp_basis_*) removed",
          drop_property("mpp_basis_"), 2, "onvolledig"),
        c("zonder_ronde", "the round id removed", drop_property("mpp_ronde_master"), 2,
          "mpp_ronde_master"),
        c("andere_partner", "mpp_partner says IND on a COA file",
          set_property("mpp_partner", "IND"), 2, "hoort het bij IND"),
        c("andere_ronde", "exported from round 2024-1", set_property(
            "mpp_ronde_master", "2024-1#0123456789ab"), 2, "ronde 2024-1"),
        c("andere_master", "exported from another master of the same round", set_property(
            "mpp_ronde_master", "2024-2#0123456789ab"), 2, "andere master van ronde 2024-2"),
        c("basis_beschadigd", "the exported cells damaged", set_property(
            "mpp_basis_01", "%%%"), 2, "beschadigd"),
        c("blad_hernoemd", "the COA sheet renamed to 'COA (2)'", lambda b: rezip(b, {
            "xl/workbook.xml": lambda x: x.replace(b'name="COA"', b'name="COA (2)"')}), 2,
          "precies één partnerblad"),
        # -- cells: values only
        c("formule_zonder_waarde", "a formula without a cached value in an input",
          lambda b: coa(b, {COUNT: formula(COUNT, "F17*2")}), 2, "zonder opgeslagen waarde",
          f"COA!{COUNT}"),
        c("foutwaarde", "an error value (t=\"e\") in an input",
          lambda b: coa(b, {COUNT: err(COUNT, "#DIV/0!")}), 2, "#DEEL/0!", f"COA!{COUNT}"),
        c("formule_fout_gecached", "a formula whose cached value is an error",
          lambda b: coa(b, {COUNT: formula(COUNT, "1/0", "#DIV/0!", "e")}), 2, "#DEEL/0!",
          f"COA!{COUNT}"),
        c("tekst_als_formule_in_getal", "text '=HYPERLINK(...)' (shared string) in a number",
          lambda b: coa(with_shared_strings(b, [f'=HYPERLINK("http://{EVIL}")']),
                        {COUNT: f'<c r="{COUNT}"{{s}} t="s"><v>0</v></c>'}),
          2, "geen getal", f"COA!{COUNT}"),
        c("stuurteken", "a control character (&#1;) in a Bron text",
          lambda b: coa(b, {BRON: f'<c r="{BRON}"{{s}} t="inlineStr"><is><t>bron&#1;</t></is></c>'}),
          2, "stuurteken", f"COA!{BRON}"),
        c("tekst_te_lang", "a Bron text of 40,000 characters (Excel allows 32,767)",
          lambda b: coa(b, {BRON: text(BRON, "x" * 40_000)}), 2, "32.767", f"COA!{BRON}"),
        c("vaststelling_stuurteken", "a sign-off whose name holds a control character",
          lambda b: coa(b, {"E2": '<c r="E2"{s} t="inlineStr"><is><t>Piet&#1;</t></is></c>',
                            "E4": text("E4", "0" * 64)}), 2, "stuurteken", "COA!E2"),
        c("voorvoegsel_xml", "a cell written as <x:c> (prefixed SpreadsheetML)",
          lambda b: coa(b, {COUNT: f'<x:c r="{COUNT}" xmlns:x="http://schemas.openxmlformats.'
                                   'org/spreadsheetml/2006/main"><x:v>99999</x:v></x:c>'}),
          2, "voorvoegsel"),
        c("veel_rijen", "50,000 extra rows with numbers below the table", many_rows, 2,
          "hoort niet bij een invoercel", "COA!E30"),
        c("webservice_gecached", "=WEBSERVICE(...) in a year cell with cached 18000",
          lambda b: coa(b, {TAAK_2024: formula(TAAK_2024, f'WEBSERVICE("http://{EVIL}")',
                                               "18000")}), 0, "niet overgenomen",
          f"COA!{TAAK_2024}", taken={TAAK_2024: 18000},
          note="the cached value is taken, the formula is not (warning names the cell)"),
        c("hyperlink_formule_bron", "=HYPERLINK(...) in a Bron cell with cached text 'klik'",
          lambda b: coa(b, {BRON: formula(BRON, f'HYPERLINK("http://{EVIL}","klik")',
                                          "klik", "str")}), 0, "niet overgenomen",
          f"COA!{BRON}", taken={BRON: "klik"},
          note="the cached text is taken as text"),
        c("tekst_als_formule_in_bron", "'=1+1' and '=HYPERLINK(...)' as text in Bron cells",
          shared_formula_text, 0, taken={BRON: "=1+1",
                                         BRON_2: f'=HYPERLINK("http://{EVIL}","klik")'},
          note="text stays text (inline string, never a formula)"),
        c("inline_getal", "'17500' as inline text in a year cell",
          lambda b: coa(b, {TAAK_2024: text(TAAK_2024, "17500")}), 0,
          taken={TAAK_2024: "17500"}, note="taken as text; a whole number as text counts"),
        c("eigen_blad", "an extra sheet with a formula and a defined name", lambda b: coa(
            extra_sheet(b), {COUNT: num(COUNT, "36900")}), 0, taken={COUNT: 36900},
          note="the extra sheet and its name are ignored"),
        c("custom_xml", "a customXml part (SharePoint/OneDrive)", lambda b: coa(
            custom_xml(b), {COUNT: num(COUNT, "36900")}), 0, taken={COUNT: 36900},
          note="allowed, never copied"),
    ]


if __name__ == "__main__":  # pragma: no cover - manual use
    from mpp_xl.cli import main

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "partner_corpus")
    target.mkdir(parents=True, exist_ok=True)
    from tests.corpus.make_corpus import EXAMPLE_CSV

    master = target / "MPP.xlsm"
    assert main(["bouw", str(EXAMPLE_CSV), "-o", str(master), "--overschrijf"]) == 0
    assert main(["ververs", str(master)]) == 0
    base = target / "COA.xlsx"
    assert main(["exporteer-partner", str(master), "--partner", "COA", "-o", str(base),
                 "--overschrijf"]) == 0
    for case in cases():
        (target / f"{case.name}.xlsx").write_bytes(case.make(base.read_bytes()))
        print(case.name)
