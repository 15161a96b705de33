"""Sign-off (vaststelling) of the partner sheets.

A sign-off records who (name), when (date) and what: the SHA-256
fingerprint of that partner's canonical inputs
(:meth:`Assumptions.fingerprint` of the sheet: resolved values, so retyping a
number as a formula with the same result keeps it valid). It is stored on the
Vaststelling sheet of the master workbook (columns Naam, Datum, Vingerafdruk
bij vaststelling). It is valid while the current fingerprint equals the
signed one; the refresh writes the verdict into the workbook, ``mpp status``
computes it live. The MPP is "vastgesteld" when every partner has a valid
sign-off and the inputs have no errors, otherwise "concept".

In a partner file (``mpp exporteer-partner``) the sign-off is kept in the
header block of the partner sheet (see :mod:`mpp_xl.workbook.partner_io`)
and merged into the master by ``mpp importeer-partner``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.problems import MppError, Problem, ValidationError
from ..core.registry import PARTNERS
from ..core.signoff import check_date, normalise_partner, partner_file_refusal, same_name
from . import partner_io as pio
from . import sheets as S
from . import variants_refresh as V
from .files import is_partner_file, require_workbook
from .files import require_master as require_master  # public here as before
from .partner_io import sign_partner_file
from .reader import read_blocks, read_bytes_assumptions, rows_from_blocks
from .refresh_file import (
    SignOff,
    overall_state,
    partner_states,
    read_signoffs,
    refresh_bytes,
    update_file,
)
from .xlsxio import Package, set_cells


def _refuse_replace(partner: str, old: SignOff, name: str) -> None:
    raise MppError(f"{partner} is al geldig vastgesteld door {old.name} op {old.date}. "
                   f"Gebruik --vervang om die vaststelling te vervangen door die van {name}.")


def sign_off(path: str | Path, partner: str, name: str, date: str | None = None,
             replace: bool = False) -> SignOff:
    """Record a sign-off of ``partner`` in the master workbook (followed by a
    refresh) or in a partner file. ``date``: 'jjjj-mm-dd' (default today). A
    still valid sign-off by someone else is only replaced with ``replace``."""
    if str(partner).strip().lower() == V.NAME.lower():
        return sign_variants(path, name, date, replace)
    partner = normalise_partner(partner)
    if not name.strip():
        raise MppError("Geef de naam van wie vaststelt (--naam).")
    date = check_date(date)
    path = require_workbook(path)
    pkg = Package.open(path)
    if is_partner_file(pkg):
        if not replace:
            _check_partner_file_signoff(pkg, partner, name.strip())
        return sign_partner_file(path, partner, name.strip(), date)
    made: dict[str, SignOff] = {}

    def change(data: bytes) -> tuple[bytes, Any]:
        a = read_bytes_assumptions(data, path.name)
        problems, resolved = a.check()
        if resolved is None:
            raise ValidationError(problems)
        fp = a.fingerprint(partner)
        old = read_signoffs(Package(data, path.name)).get(partner)
        if (not replace and old is not None and old.fingerprint == fp
                and not same_name(old.name, name)):
            _refuse_replace(partner, old, name.strip())
        so = SignOff(partner, name.strip(), date, fp)
        made["so"] = so
        return refresh_bytes(data, path.name, signoffs={partner: so}, action="vastgesteld",
                             base_dir=path.resolve().parent,
                             note=f"{partner} vastgesteld door {so.name} (vingerafdruk "
                                  f"{so.fingerprint[:16]}).")

    update_file(path, change)
    return made["so"]


def sign_variants(path: str | Path, name: str, date: str | None = None,
                  replace: bool = False) -> SignOff:
    """Record DGM-APM's sign-off of the Varianten table (name, date, the table's
    own fingerprint) on the Varianten sheet of the master, followed by a refresh
    (which refuses a table with errors). No partner's fingerprint or sign-off
    changes; the sheet shows geldig until the table changes."""
    if not name.strip():
        raise MppError("Geef de naam van wie vaststelt (--naam).")
    date = check_date(date)
    path = require_master(path, "vaststellen")
    made: dict[str, SignOff] = {}

    def change(data: bytes) -> tuple[bytes, Any]:
        pkg = Package(data, path.name)
        if V.NAME not in pkg.sheet_paths:
            raise MppError(f"{path.name} heeft geen blad {V.NAME}; bouw de werkmap opnieuw met "
                           "'mpp bouw'.")
        fp = V.variants_fingerprint(V.rows_from_package(pkg))
        old = V.signed_cells(pkg)
        if (not replace and old["fingerprint"] == fp and old["name"]
                and not same_name(old["name"], name)):
            _refuse_replace(V.NAME, SignOff(V.NAME, old["name"], old["date"], fp), name.strip())
        so = SignOff(V.NAME, name.strip(), date, fp)
        made["so"] = so
        xml = set_cells(pkg.sheet_xml(V.NAME), pkg.cells(V.NAME),
                        {V.SIGN_CELLS["name"]: (so.name, None),
                         V.SIGN_CELLS["date"]: (so.date, None),
                         V.SIGN_CELLS["fingerprint"]: (fp, None)})
        signed = pkg.to_bytes({pkg.sheet_paths[V.NAME]: xml})
        return refresh_bytes(signed, path.name, action="vastgesteld",
                             base_dir=path.resolve().parent,
                             note=f"{V.NAME} vastgesteld door {so.name} (vingerafdruk "
                                  f"{fp[:16]}).")

    update_file(path, change)
    return made["so"]


def _check_partner_file_signoff(pkg: Package, partner: str, name: str) -> None:
    """Refuse to overwrite a valid sign-off of someone else in a partner file."""
    if partner not in pkg.sheet_paths:
        return  # sign_partner_file gives the Dutch message
    cells = {c.ref: c.value for c in pkg.cells(partner)}
    fp_old = cells.get(S.PF_SIGN_CELLS["fingerprint"])
    if not fp_old:
        return
    old = SignOff(partner, str(cells.get(S.PF_SIGN_CELLS["name"]) or ""),
                  str(cells.get(S.PF_SIGN_CELLS["date"]) or ""), str(fp_old))
    if same_name(old.name, name):
        return
    blocks = read_blocks(pkg.data, pkg.name, (partner,))
    try:
        fp = pio.partner_fingerprint(rows_from_blocks(blocks), partner,
                                     pio.block_years(blocks[partner]))
    except (MppError, ValidationError):
        return  # invalid inputs: sign_partner_file reports them
    if fp == old.fingerprint:
        _refuse_replace(partner, old, name)



def live_state(path: str | Path, command: str = "status",
               ) -> tuple[dict[str, dict[str, object]], list[Problem]]:
    """Per partner the sign-off state computed from the current inputs (see
    :func:`mpp_xl.workbook.refresh_file.partner_states`) and the validation problems.
    ``command``: the CLI command, for the message when ``path`` is a partner file."""
    path = require_workbook(path)
    data = path.read_bytes()
    pkg = Package(data, path.name)
    if is_partner_file(pkg):
        raise partner_file_refusal(path.name, command)
    a = read_bytes_assumptions(data, path.name)
    problems, resolved = a.check()
    current = {p: a.fingerprint(p) for p in PARTNERS} if resolved is not None else None
    return partner_states(read_signoffs(pkg), current), list(problems)


def status(path: str | Path) -> dict[str, Any]:
    """``{"status": "concept"|"vastgesteld", "partners": {"IND": {"signed",
    "valid", "name", "date", "fingerprint"}, ...}}``, computed from the
    current inputs (not from the last refresh)."""
    return status_of(*live_state(path))


def status_of(states: dict[str, dict[str, object]], problems: list[Problem],
              ) -> dict[str, Any]:
    """:func:`status` from the result of :func:`live_state`."""
    n_err = sum(p.is_error for p in problems)
    keys = ("signed", "valid", "name", "date", "fingerprint")
    return {
        "status": overall_state(states, n_err),
        "partners": {p: {k: st[k] for k in keys} for p, st in states.items()},
    }
