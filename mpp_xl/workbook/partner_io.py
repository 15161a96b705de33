"""Partner files: ``mpp exporteer-partner`` and ``mpp importeer-partner``.

A partner file is a standalone .xlsx with the Toelichting sheet and one
partner sheet, copied from the master (styles, data validation, protection
and partner formulas kept; the status cell and the outcome block become
plain values "as exported"). It has a small sign-off block in the header
(D2:E4) that ``mpp vaststellen PARTNERBESTAND`` fills.

The export stores, besides the partner, the master's name and the export
time, the fingerprint of the partner's sheet in the master at that moment
(custom document property ``mpp_vingerafdruk_master``; Excel and LibreOffice
keep custom properties when they save).

Import checks that the file belongs to the expected partner and has exactly
the master's parameter rows (parameter, scenario and year columns). A file
whose cells equal the master's is recognised ("niets gewijzigd", nothing
written). Otherwise, when the master's inputs of that partner changed since
the export (stored fingerprint differs from the current one), the import is
refused: it would silently revert them (``force`` overrides). Then it copies
the input cells into the master's sheet XML (other bytes unchanged), carries
over a sign-off whose fingerprint matches the merged inputs, and refreshes
the master (which validates everything: on errors nothing is written).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Border, Font, Side

from ..core.assumptions import Assumptions, Row, fingerprint
from ..core.problems import MppError, Problem, ValidationError
from ..core.registry import ALL_SCENARIOS, COST_KEYS, PARAMETERS, PARTNERS
from ..core.signoff import normalise_partner
from ..io.output import atomic_write
from . import layout
from . import sheets as S
from .reader import (
    WorkbookAssumptions,
    read_blocks,
    read_bytes_assumptions,
    rows_from_blocks,
    table_width,
)
from .refresh_file import SignOff, read_signoffs, refresh_bytes, update_file
from .saving import save_exact
from .xlsxio import Package, custom_properties, set_cells

#: Custom document properties of a partner file (``docProps/custom.xml``).
PROP_PARTNER = "mpp_partner"
PROP_MASTER = "mpp_master"
PROP_EXPORT = "mpp_export"  # 'jjjj-mm-dd uu:mm:ss', local time of the export
#: The fingerprint of the partner's sheet in the master at export time
#: (:func:`master_sheet_fingerprint`). Missing in files exported before it existed.
PROP_FINGERPRINT = "mpp_vingerafdruk_master"


def is_partner_file(pkg: Package) -> bool:
    """A partner file (made by ``mpp exporteer-partner``) has neither Vaststelling
    nor Uitkomsten; the master has both."""
    return S.VASTSTELLING not in pkg.sheet_paths and S.UITKOMSTEN not in pkg.sheet_paths


def _partner_of(pkg: Package) -> str:
    found = [s for s in PARTNERS if s in pkg.sheet_paths]
    if len(found) != 1:
        raise MppError(f"{pkg.name} is geen partnerbestand: het moet precies één partnerblad "
                       f"hebben (gevonden: {', '.join(found) or 'geen'}).")
    return found[0]


def master_sheet_fingerprint(data: bytes, name: str, partner: str) -> str:
    """The fingerprint of ``partner``'s inputs in a master workbook (bytes):
    ``Assumptions.fingerprint(partner)`` when the master is valid; else the
    same value computed from that sheet alone (:func:`partner_fingerprint`,
    errors elsewhere do not matter); when the sheet itself has errors, a hash
    of its raw rows (prefix ``ruw:``), which still tells whether they changed."""
    a = read_bytes_assumptions(data, name)
    problems, resolved = a.check()
    if resolved is not None:
        return fingerprint(resolved, partner)
    blocks = read_blocks(data, name, (partner,))
    rows = rows_from_blocks(blocks)
    try:
        return partner_fingerprint(rows, partner, block_years(blocks[partner]))
    except (MppError, ValidationError):
        raw = sorted((r.parameter, str(r.scenario), r.jaar, repr(r.waarde)) for r in rows)
        blob = json.dumps(raw, separators=(",", ":"), default=str).encode()
        return "ruw:" + hashlib.sha256(blob).hexdigest()


# --- export ---------------------------------------------------------------------
def export_partner(master: str | Path, partner: str, out: str | Path) -> Path:
    """Write the partner file ``out`` (.xlsx) for ``partner`` from the master."""
    partner = normalise_partner(partner)
    master, out = Path(master), Path(out)
    if out.suffix.lower() != ".xlsx":
        raise MppError("Een partnerbestand is een .xlsx-bestand (zonder macro's); "
                       f"kies bijvoorbeeld {partner}.xlsx.")
    pkg = Package.open(master)
    if is_partner_file(pkg):
        raise MppError(f"{master.name} is zelf al een partnerbestand; exporteer uit de "
                       "masterwerkmap.")
    if partner not in pkg.sheet_paths:
        raise MppError(f"{master.name} heeft geen blad '{partner}'.")
    read_blocks(pkg.data, master.name, (partner,))  # structure check
    fp_master = master_sheet_fingerprint(pkg.data, master.name, partner)
    cached = {c.ref: c.value for c in pkg.cells(partner)}
    wb = openpyxl.load_workbook(master)
    for ws in list(wb.worksheets):
        if ws.title not in (S.TOELICHTING, partner):
            wb.remove(ws)
    ws = wb[partner]
    width = table_width([c.value for c in ws[layout.HEADER_ROW]])
    for row in ws.iter_rows():
        for c in row:
            inside = c.row > layout.HEADER_ROW and c.column <= width
            # only real formulas (data_type 'f'); text that merely starts with '='
            # (a contact person typed as '=HYPERLINK(...)') stays text
            if c.data_type == "f" and not inside:
                _set_value(c, cached.get(c.coordinate))
    thin = Side(style="thin", color="BFBFBF")
    for ref, label in S.PF_SIGN_LABELS.items():
        ws[ref] = label
        ws[ref].font = Font(bold=True)
    for ref in S.PF_SIGN_CELLS.values():
        ws[ref].border = Border(left=thin, right=thin, top=thin, bottom=thin)
        ws[ref].value = None
    wb.custom_doc_props.append(StringProperty(name=PROP_PARTNER, value=partner))
    wb.custom_doc_props.append(StringProperty(name=PROP_MASTER, value=master.name))
    wb.custom_doc_props.append(StringProperty(
        name=PROP_EXPORT, value=dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")))
    wb.custom_doc_props.append(StringProperty(name=PROP_FINGERPRINT, value=fp_master))
    wb.active = wb.sheetnames.index(partner)
    for w in wb.worksheets:
        w.sheet_view.tabSelected = w.title == partner
    atomic_write(out, lambda p: save_exact(wb, p))
    return out


def _set_value(cell: Any, value: object) -> None:
    """Put a plain value in an openpyxl cell; text starting with '=' stays
    text (openpyxl would otherwise store it as a formula)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


# --- fingerprint and sign-off in a partner file -------------------------------------
def _placeholders(partner: str, years: list[int], rows: Sequence[Row] = ()) -> list[Row]:
    """Rows that stand in for the rest of the master: the horizon of the
    partner sheet and a value for every other sheet's required parameter;
    the other sheets' cost parameters (all or none) only when the partner's
    own ``rows`` give one of them."""
    extra = [Row("startjaar", ALL_SCENARIOS, None, float(years[0])),
             Row("eindjaar", ALL_SCENARIOS, None, float(years[-1]))]
    priced = any(r.parameter in COST_KEYS for r in rows)
    for k, p in PARAMETERS.items():
        if p.sheet != partner and p.default is None and p.kind == "getal" and (
                p.required or (priced and k in COST_KEYS)):
            extra.append(Row(k, ALL_SCENARIOS, None, float(p.lo)))
    return extra


def validate_partner_file(path: str | Path) -> tuple[str, list[Problem]]:
    """(partner, problems) of a partner file on its own: every problem of the
    partner's sheet, as the master would report it (sheet and cell), without
    the master's other sheets (they are not in the file)."""
    path = Path(path)
    data = path.read_bytes()
    pkg = Package(data, path.name)
    own = _partner_of(pkg)
    blocks = read_blocks(data, path.name, (own,), pkg)
    a = read_bytes_assumptions(data, path.name, (own,), pkg)
    assert isinstance(a, WorkbookAssumptions)
    whole = a.with_rows([*a.rows, *_placeholders(own, block_years(blocks[own]), a.rows)])
    problems = [q for q in whole.validate()
                if q.blad == own or (q.parameter in PARAMETERS
                                     and PARAMETERS[q.parameter].sheet == own)]
    return own, problems


def partner_fingerprint(rows: list[Row], partner: str, years: list[int]) -> str:
    """The fingerprint of one sheet's inputs without the rest of the master:
    the other sheets' required parameters get placeholders, which the
    sheet's fingerprint does not include. Equals ``Assumptions.fingerprint
    (partner)`` of a master with the same inputs and horizon."""
    a = Assumptions(rows + _placeholders(partner, years, rows))
    problems, resolved = a.check()
    own = [q for q in problems if q.is_error]
    if resolved is None:
        raise ValidationError(own)
    return fingerprint(resolved, partner)


def block_years(block: list[list[object]]) -> list[int]:
    """The years of a partner sheet's input table (its header row, ``block[0]``)."""
    ys = [y for v in block[0] if (y := layout.as_year(v)) is not None]
    if not ys:
        raise MppError("Het partnerblad heeft geen jaarkolommen.")
    return ys


def sign_partner_file(path: Path, partner: str, name: str, date: str) -> SignOff:
    made: dict[str, SignOff] = {}

    def change(data: bytes) -> tuple[bytes, Any]:
        pkg = Package(data, path.name)
        own = _partner_of(pkg)
        if own != partner:
            raise MppError(f"{path.name} is het partnerbestand van {own}, niet van {partner}.")
        blocks = read_blocks(data, path.name, (partner,))
        fp = partner_fingerprint(rows_from_blocks(blocks), partner, block_years(blocks[partner]))
        so = SignOff(partner, name, date, fp)
        new = {S.PF_SIGN_CELLS["name"]: (name, None), S.PF_SIGN_CELLS["date"]: (date, None),
               S.PF_SIGN_CELLS["fingerprint"]: (fp, None)}
        xml = set_cells(pkg.sheet_xml(partner), pkg.cells(partner), new)
        made["so"] = so
        return pkg.to_bytes({pkg.sheet_paths[partner]: xml}), so

    update_file(path, change)
    return made["so"]


def _file_signoff(pkg: Package, partner: str) -> SignOff | None:
    cells = {c.ref: c.value for c in pkg.cells(partner)}
    vals = {k: cells.get(ref) for k, ref in S.PF_SIGN_CELLS.items()}
    if not vals["fingerprint"]:
        return None
    return SignOff(partner, str(vals["name"] or ""), str(vals["date"] or ""),
                   str(vals["fingerprint"]))


# --- import ---------------------------------------------------------------------------
def _shape(block: list[list[object]]) -> tuple[list[object], list[tuple[str, str]]]:
    header = [str(v).strip().lower() if isinstance(v, str) else v for v in block[0]]
    rows = [(str(r[0]).strip(), str(r[3]).strip().lower() if len(r) > 3 else "")
            for r in block[1:] if r and not layout.is_empty(r[0])]
    return header, rows


def _stale_message(pfile: Path, master: Path, own: str, when: str) -> str:
    return (f"{pfile.name} is geëxporteerd op {when}. Sindsdien is de invoer van {own} in "
            f"{master.name} gewijzigd (bijvoorbeeld door een eerdere import of een aanpassing "
            "in de werkmap). Samenvoegen zou die wijzigingen ongemerkt terugdraaien; er is "
            f"niets samengevoegd. Exporteer het blad opnieuw (mpp exporteer-partner {master} "
            f"--partner {own} -o {own}_nieuw.xlsx) en neem de wijzigingen van de partner "
            "daarin over, of voeg dit bestand toch samen met --forceer.")


@dataclass
class PartnerImport:
    """What :func:`import_partner` did. ``changed``: input cells changed in the
    master; ``nothing``: the master already held these inputs and sign-off, so
    nothing was written; ``signoff``: the sign-off in the file, None or
    (Dutch, shown to the user) 'overgenomen', 'niet overgenomen', 'al
    overgenomen'; ``status``: the MPP status after the refresh; ``warnings``:
    Dutch messages; ``exported``: when the file was exported (its property)."""

    partner: str
    exported: str | None = None
    changed: int = 0
    nothing: bool = False
    signoff: str | None = None
    status: str | None = None
    warnings: list[str] = field(default_factory=list)


def import_partner(master: str | Path, pfile: str | Path, partner: str | None = None,
                   *, force: bool = False) -> PartnerImport:
    """Merge a partner file into the master (atomic, with backup and refresh);
    returns a :class:`PartnerImport`. Refuses (MppError) when the master's inputs
    of the partner changed since the export, unless ``force``."""
    master, pfile = Path(master), Path(pfile)
    if not pfile.exists():
        raise MppError(f"Bestand niet gevonden: {pfile}")
    ppkg = Package.open(pfile)
    if not is_partner_file(ppkg):
        raise MppError(f"{pfile.name} is een masterwerkmap, geen partnerbestand; maak een "
                       f"partnerbestand met: mpp exporteer-partner {pfile} --partner PARTNER "
                       "-o PARTNER.xlsx. Er is niets samengevoegd.")
    own = _partner_of(ppkg)
    if partner is not None and normalise_partner(partner) != own:
        raise MppError(f"{pfile.name} is het partnerbestand van {own}, niet van "
                       f"{normalise_partner(partner)}; er is niets samengevoegd.")
    props = custom_properties(ppkg)
    exported_fp = props.get(PROP_FINGERPRINT) or None
    when = props.get(PROP_EXPORT) or "een onbekend moment"
    pblock = read_blocks(ppkg.data, pfile.name, (own,))[own]
    pcells = {(c.row, c.col): c for c in ppkg.cells(own)}
    summary = PartnerImport(own, exported=props.get(PROP_EXPORT))

    def change(data: bytes) -> tuple[bytes | None, Any]:
        mpkg = Package(data, master.name)
        if is_partner_file(mpkg):
            raise MppError(f"{master.name} is een partnerbestand, geen masterwerkmap. Eerst de "
                           f"master, dan het partnerbestand: mpp importeer-partner MASTER.xlsm "
                           f"{master.name}. Er is niets samengevoegd.")
        if own not in mpkg.sheet_paths:
            raise MppError(f"{master.name} heeft geen blad '{own}'; er is niets samengevoegd.")
        mblock = read_blocks(data, master.name, (own,))[own]
        (mh, mrows), (ph, prows) = _shape(mblock), _shape(pblock)
        if mh != ph or mrows != prows:
            extra = sorted(set(prows) - set(mrows))
            lacking = sorted(set(mrows) - set(prows))
            detail = []
            if mh != ph:
                detail.append("de kolommen (jaren) verschillen")
            if extra:
                detail.append("extra rijen: " + ", ".join(f"{k} ({s})" for k, s in extra[:5]))
            if lacking:
                detail.append("ontbrekende rijen: " + ", ".join(f"{k} ({s})"
                                                                  for k, s in lacking[:5]))
            if not detail:
                detail.append("de volgorde van de rijen verschilt")
            raise MppError(f"{pfile.name} heeft een andere set parameters dan blad {own} van "
                           f"{master.name} ({'; '.join(detail)}); er is niets samengevoegd. "
                           "Exporteer het partnerbestand opnieuw.")
        width = len(mblock[0])
        targets: dict[str, tuple[object, str | None]] = {}
        for c in mpkg.cells(own):
            inside = c.row > layout.HEADER_ROW and (
                layout.COL_ALL <= c.col < width - 1 or c.col == width)
            if not inside and c.ref != S.CONTACT_CELL:
                continue
            p = pcells.get((c.row, c.col))
            new_v = p.value if p is not None else None
            new_f = ppkg.formula_text(own, p) if p is not None and p.formula is not None \
                else None
            if (new_v, new_f) != (c.value, mpkg.formula_text(own, c) if c.formula else None):
                targets[c.ref] = (new_v, new_f)
        # partner cells the master lacks (nothing typed there in the master)
        known = {(c.row, c.col) for c in mpkg.cells(own)}
        for (r, col), p in pcells.items():
            if r > layout.HEADER_ROW and col <= width and (r, col) not in known and \
                    p.value not in (None, ""):
                raise MppError(f"Cel {own}!{p.ref} van het partnerbestand hoort niet bij een "
                               "invoercel van de master; er is niets samengevoegd.")
        so = _file_signoff(ppkg, own)
        have = read_signoffs(mpkg).get(own)
        current_fp = master_sheet_fingerprint(data, master.name, own)
        note = f"Partnerbestand {pfile.name} samengevoegd: {len(targets)} cel(len) gewijzigd."
        if not targets:
            # the master already holds exactly these inputs (e.g. imported before)
            if so is None or so == have or so.fingerprint != current_fp:
                summary.nothing = True
                if so is not None:
                    summary.signoff = ("al overgenomen" if so == have
                                               else "niet overgenomen")
                return None, summary
        elif exported_fp is None:
            summary.warnings.append(
                f"{pfile.name} is geëxporteerd met een oudere versie van mpp en bevat geen "
                f"vingerafdruk van de master; daarom kon niet worden gecontroleerd of de invoer "
                f"van {own} in {master.name} sinds de export ({when}) is gewijzigd. Controleer "
                "of er geen nieuwere waarden zijn teruggezet (de vorige versie staat in "
                ".backup/) en exporteer voortaan opnieuw voordat de partner invult.")
        elif exported_fp != current_fp:
            if not force:
                raise MppError(_stale_message(pfile, master, own, when))
            summary.warnings.append(
                f"samengevoegd met --forceer, hoewel de invoer van {own} in {master.name} "
                f"sinds de export ({when}) was gewijzigd; de vorige versie staat in .backup/.")
            note += f" Met --forceer: de master was sinds de export ({when}) gewijzigd."
        xml = set_cells(mpkg.sheet_xml(own), mpkg.cells(own), targets)
        merged = mpkg.to_bytes({mpkg.sheet_paths[own]: xml})
        signoffs: dict[str, SignOff | None] = {}
        if so is not None:
            a = read_bytes_assumptions(merged, master.name)
            problems, resolved = a.check()
            if resolved is None:
                raise ValidationError(problems)
            if a.fingerprint(own) == so.fingerprint:
                signoffs[own] = so
                note += f" Vaststelling door {so.name} ({so.date}) overgenomen."
                summary.signoff = "overgenomen"
            else:
                note += " De vaststelling in het partnerbestand hoort niet bij deze aannames " \
                        "en is niet overgenomen."
                summary.signoff = "niet overgenomen"
        summary.changed = len(targets)
        out, result = refresh_bytes(merged, master.name, signoffs=signoffs,
                                    action=f"samengevoegd {own}", note=note,
                                    base_dir=Path(master).resolve().parent)
        summary.status = result.state
        return out, summary

    return update_file(master, change)  # type: ignore[no-any-return]
