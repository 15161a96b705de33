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

In a partner file (``mpp export-partner``) the sign-off is kept in the
header block of the partner sheet (see :mod:`mpp_xl.workbook.partner_io`)
and merged into the master by ``mpp import-partner``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .problems import MppError, ValidationError
from .registry import PARTNERS
from .workbook import sheets as S
from .workbook.reader import read_bytes_assumptions
from .workbook.refresh import (
    SignOff,
    overall_state,
    partner_states,
    read_signoffs,
    refresh_bytes,
    update_file,
)
from .workbook.xlsxio import Package


def normalise_partner(text: str) -> str:
    """'ind' -> 'IND'; unknown partners are a Dutch error."""
    for p in PARTNERS:
        if p.lower() == text.strip().lower():
            return p
    raise MppError(f"Onbekende partner '{text}'; kies uit {', '.join(PARTNERS)}.")


def is_partner_file(pkg: Package) -> bool:
    return S.VASTSTELLING not in pkg.sheet_paths and S.UITKOMSTEN not in pkg.sheet_paths


def sign_off(path: str | Path, partner: str, name: str, date: str | None = None) -> SignOff:
    """Record a sign-off of ``partner`` in the master workbook (followed by a
    refresh) or in a partner file."""
    partner = normalise_partner(partner)
    if not name.strip():
        raise MppError("Geef de naam van wie vaststelt (--name).")
    date = date or dt.date.today().isoformat()
    path = Path(path)
    pkg = Package.open(path)
    if is_partner_file(pkg):
        from .workbook.partner_io import sign_partner_file

        return sign_partner_file(path, partner, name.strip(), date)
    made: dict[str, SignOff] = {}

    def change(data: bytes) -> tuple[bytes, Any]:
        a = read_bytes_assumptions(data, path.name)
        problems, resolved = a.check()
        if resolved is None:
            raise ValidationError(problems)
        so = SignOff(partner, name.strip(), date, a.fingerprint(partner))
        made["so"] = so
        return refresh_bytes(data, path.name, signoffs={partner: so}, action="vastgesteld",
                             note=f"{partner} vastgesteld door {so.name} (vingerafdruk "
                                  f"{so.fingerprint[:16]}).")

    update_file(path, change)
    return made["so"]


def status(path: str | Path) -> dict[str, Any]:
    """``{"status": "concept"|"vastgesteld", "partners": {"IND": {"signed",
    "valid", "name", "date", "fingerprint"}, ...}}``, computed from the
    current inputs (not from the last refresh)."""
    path = Path(path)
    if not path.exists():
        raise MppError(f"Bestand niet gevonden: {path}")
    data = path.read_bytes()
    pkg = Package(data, path.name)
    if is_partner_file(pkg):
        raise MppError(f"{path.name} is een partnerbestand; 'mpp status' werkt op de "
                       "masterwerkmap.")
    a = read_bytes_assumptions(data, path.name)
    problems, resolved = a.check()
    n_err = sum(p.is_error for p in problems)
    current = {p: a.fingerprint(p) for p in PARTNERS} if resolved is not None else None
    states = partner_states(read_signoffs(pkg), current)
    keys = ("signed", "valid", "name", "date", "fingerprint")
    return {
        "status": overall_state(states, n_err),
        "partners": {p: {k: st[k] for k in keys} for p, st in states.items()},
    }
