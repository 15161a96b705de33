"""Partner files: ``mpp exporteer-partner``, the sign-off in a partner file and
the checks shared with ``mpp importeer-partner`` (:mod:`partner_import`).

A partner file is a standalone .xlsx with the Toelichting sheet and one
partner sheet, copied from the master (styles, data validation, protection
and partner formulas kept; the status cell and the outcome block become
plain values "as exported"). It has a small sign-off block in the header
(D2:E4) that ``mpp vaststellen PARTNERBESTAND`` fills.

The export stores its provenance as custom document properties (see
:mod:`partner_provenance`): partner, master name, export time, the
fingerprint of the partner's sheet in the master, the master's round id and
the partner's input cells in the master at that moment. The master's own
round property (``mpp_ronde``) is not copied: a partner file is no master.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
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
from ..io.package_checks import VALIDATE_ADVICE, check_untrusted_package
from ..io.safe_zip import check_workbook_bytes
from . import layout
from . import sheets as S
from .files import is_partner_file
from .partner_provenance import (
    NO_ROUND,
    PROP_EXPORT,
    PROP_FINGERPRINT,
    PROP_MASTER,
    PROP_PARTNER,
    encode_basis,
    input_cells,
    state,
)
from .reader import (
    WorkbookAssumptions,
    read_blocks,
    read_bytes_assumptions,
    rows_from_blocks,
    table_width,
)
from .refresh_file import SignOff, update_file
from .round_id import PROP_RONDE_MASTER, round_id_of
from .saving import save_exact
from .xlsxio import Package, set_cells

__all__ = ["PROP_EXPORT", "PROP_FINGERPRINT", "PROP_MASTER", "PROP_PARTNER", "block_years",
           "export_partner", "formula_inputs", "is_partner_file", "master_sheet_fingerprint",
           "partner_fingerprint", "sign_partner_file", "validate_partner_file"]



def partner_of(pkg: Package) -> str:
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
    master_width = table_width(read_blocks(pkg.data, master.name, (partner,), pkg)[partner][0])
    basis = {c.ref: state(pkg, partner, c) for c in input_cells(pkg, partner, master_width)}
    round_id = round_id_of(pkg) or NO_ROUND
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
    # the master's own properties (its round id) do not belong to a partner file
    wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props
                                 if not p.name.startswith("mpp_")]
    props = {PROP_PARTNER: partner, PROP_MASTER: master.name,
             PROP_EXPORT: dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
             PROP_FINGERPRINT: fp_master, PROP_RONDE_MASTER: round_id, **encode_basis(basis)}
    for k, v in props.items():
        wb.custom_doc_props.append(StringProperty(name=k, value=v))
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
    check_workbook_bytes(data, path.name)
    check_untrusted_package(data, path.name, VALIDATE_ADVICE)
    pkg = Package(data, path.name)
    own = partner_of(pkg)
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
        own = partner_of(pkg)
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


def file_signoff(pkg: Package, partner: str) -> SignOff | None:
    cells = {c.ref: c.value for c in pkg.cells(partner)}
    vals = {k: cells.get(ref) for k, ref in S.PF_SIGN_CELLS.items()}
    if not vals["fingerprint"]:
        return None
    return SignOff(partner, str(vals["name"] or ""), str(vals["date"] or ""),
                   str(vals["fingerprint"]))


def formula_inputs(path: str | Path) -> list[tuple[str, str]]:
    """(sheet!cell, formula) of every input cell of a partner file holding a
    formula: on import only the value it shows is taken (docs/hardening.md)."""
    path = Path(path)
    pkg = Package.open(path)
    own = partner_of(pkg)
    width = table_width(read_blocks(pkg.data, path.name, (own,), pkg)[own][0])
    return [(f"{own}!{c.ref}", pkg.formula_text(own, c))
            for c in input_cells(pkg, own, width) if c.formula is not None]

