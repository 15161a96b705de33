"""Provenance of a partner file: which master, round and partner it was
exported from, and the master's input cells at that moment.

``mpp exporteer-partner`` stores these as custom document properties of the
partner file (``docProps/custom.xml``; Excel and LibreOffice keep them when
they save):

- ``mpp_partner``: the partner; ``mpp_master``: the master's file name;
  ``mpp_export``: when (local time, 'jjjj-mm-dd uu:mm:ss');
- ``mpp_vingerafdruk_master``: the fingerprint of the partner's inputs in
  the master (:func:`partner_io.master_sheet_fingerprint`);
- ``mpp_ronde_master``: the master's round id (:mod:`round_id`), or
  :data:`NO_ROUND` when the master has none (built before round ids);
- ``mpp_basis_01``, ``mpp_basis_02``, ...: the partner's input cells in the
  master at export time (JSON, zlib, base64, in pieces of at most 240
  characters: Excel keeps custom properties up to 255 characters). They make
  the import a three-way comparison per cell: export (basis), partner file,
  master now.

:func:`provenance_issues` and :func:`stale_issue` list what does not match;
``importeer-partner`` refuses on any of them unless ``--forceer``.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from . import layout
from . import sheets as S
from .round_id import PROP_RONDE_MASTER, round_version
from .xlsxio import Cell, Package, XlErr, custom_properties

PROP_PARTNER = "mpp_partner"
PROP_MASTER = "mpp_master"
PROP_EXPORT = "mpp_export"  # 'jjjj-mm-dd uu:mm:ss', local time of the export
#: The fingerprint of the partner's sheet in the master at export time.
PROP_FINGERPRINT = "mpp_vingerafdruk_master"
#: Prefix of the pieces of the exported input cells (``mpp_basis_01``, ...).
PROP_BASIS = "mpp_basis_"
#: ``mpp_ronde_master`` of a file exported from a master without a round id.
NO_ROUND = "geen"
_PIECE = 240
#: The properties every partner file made by this version carries.
REQUIRED = (PROP_PARTNER, PROP_MASTER, PROP_EXPORT, PROP_FINGERPRINT, PROP_RONDE_MASTER,
            PROP_BASIS + "01")

#: One cell's content as compared on import: ("v", value), ("f", formula
#: text without '=') or ("e", Excel error code).
State = tuple[str, object]


def is_input(row: int, col: int, width: int) -> bool:
    """Whether (row, col) is an input cell of a partner sheet whose table is
    ``width`` columns wide: 'Alle jaren', the years and Bron (not Toelichting)."""
    return row > layout.HEADER_ROW and (layout.COL_ALL <= col < width - 1 or col == width)


def input_cells(pkg: Package, sheet: str, width: int) -> Iterator[Cell]:
    """The cells of ``sheet`` a partner fills in: the input table and the
    contact person (:data:`sheets.CONTACT_CELL`)."""
    for c in pkg.cells(sheet):
        if is_input(c.row, c.col, width) or c.ref == S.CONTACT_CELL:
            yield c


def state(pkg: Package, sheet: str, cell: Cell | None) -> State:
    """The content of a cell as compared on import."""
    if cell is None:
        return ("v", None)
    if cell.formula is not None:
        return ("f", pkg.formula_text(sheet, cell))
    if isinstance(cell.value, XlErr):
        return ("e", str(cell.value))
    return ("v", cell.value)


def encode_basis(states: dict[str, State]) -> dict[str, str]:
    """The properties ``mpp_basis_NN`` holding ``states`` (cell ref -> state;
    empty cells left out)."""
    blob = json.dumps({r: list(s) for r, s in sorted(states.items()) if s != ("v", None)},
                      separators=(",", ":"), ensure_ascii=False).encode()
    text = base64.b64encode(zlib.compress(blob, 9)).decode()
    pieces = [text[i:i + _PIECE] for i in range(0, len(text), _PIECE)] or [""]
    return {f"{PROP_BASIS}{i:02d}": p for i, p in enumerate(pieces, start=1)}


def decode_basis(props: dict[str, str]) -> dict[str, State] | None:
    """The exported input cells from the properties; None when absent or
    damaged."""
    pieces = []
    i = 1
    while f"{PROP_BASIS}{i:02d}" in props:
        pieces.append(props[f"{PROP_BASIS}{i:02d}"])
        i += 1
    if not pieces:
        return None
    try:
        raw = json.loads(zlib.decompress(base64.b64decode("".join(pieces), validate=True)))
    except (binascii.Error, zlib.error, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    out: dict[str, State] = {}
    for ref, s in raw.items():
        if not (isinstance(s, list) and len(s) == 2 and s[0] in ("v", "f", "e")):
            return None
        out[str(ref)] = (s[0], s[1])
    return out


@dataclass
class Provenance:
    """The export metadata of a partner file (None: property missing)."""

    partner: str | None
    master: str | None
    exported: str | None
    fingerprint: str | None
    round: str | None  # a round id, NO_ROUND, or None (missing)
    basis: dict[str, State] | None
    missing: list[str]
    damaged: bool  # mpp_basis present but unreadable


def read_provenance(pkg: Package) -> Provenance:
    props = custom_properties(pkg)
    basis = decode_basis(props)
    missing = [p for p in REQUIRED if not props.get(p)]
    damaged = basis is None and PROP_BASIS + "01" in props
    return Provenance(props.get(PROP_PARTNER) or None, props.get(PROP_MASTER) or None,
                      props.get(PROP_EXPORT) or None, props.get(PROP_FINGERPRINT) or None,
                      props.get(PROP_RONDE_MASTER) or None, basis, missing, damaged)


def describe_round(round_id: str | None) -> str:
    """'ronde 2024-2 (2024-2#3f9a0c51d2e7)' (Dutch), or why there is none."""
    if round_id is None:
        return "onbekende ronde (niet vastgelegd)"
    if round_id == NO_ROUND:
        return "een master zonder ronde-id (gebouwd met een oudere versie van mpp)"
    return f"ronde {round_version(round_id)} ({round_id})"


def summary(prov: Provenance) -> str:
    """One Dutch sentence for ``mpp valideer PARTNERBESTAND``."""
    if prov.missing and len(prov.missing) == len(REQUIRED):
        return ("Exportgegevens: geen (dit bestand is niet met mpp exporteer-partner gemaakt, "
                "of de eigenschappen zijn verwijderd); de coördinator kan het alleen met "
                "--forceer samenvoegen.")
    text = (f"Exportgegevens: geëxporteerd uit {prov.master or 'een onbekende master'}, "
            f"{describe_round(prov.round)}, op {prov.exported or 'een onbekend moment'}.")
    if prov.missing or prov.damaged:
        gone = ", ".join(prov.missing) or "mpp_basis (beschadigd)"
        text += (f" Onvolledig ({gone}): de coördinator kan het alleen met --forceer "
                 "samenvoegen.")
    return text


def provenance_issues(prov: Provenance, own: str, file_name: str, master_name: str,
                      master_round: str | None) -> list[str]:
    """Every way the file's metadata does not match this master (Dutch, one
    line each); empty when the import may go ahead without ``--forceer``.

    The round id identifies the master (unique per build). Rule for a master
    without a round id (built before round ids): a file exported from it
    records :data:`NO_ROUND`; it matches only a master without a round id of
    the same file name (the name is then the only mark). A file with a round
    id never matches a master without one, and the other way round."""
    if len(prov.missing) == len(REQUIRED):
        return [f"{file_name} heeft geen exportgegevens (de eigenschappen van mpp "
                "exporteer-partner ontbreken): niet te controleren uit welke master, ronde en "
                "export het komt"]
    out: list[str] = []
    if prov.missing:
        out.append(f"de exportgegevens zijn onvolledig (ontbreekt: {', '.join(prov.missing)}); "
                   "gemaakt met een oudere versie van mpp, of eigenschappen verwijderd")
    if prov.damaged:
        out.append("de exportgegevens zijn beschadigd (mpp_basis is onleesbaar)")
    if prov.partner is not None and prov.partner != own:
        out.append(f"volgens de exportgegevens hoort het bij {prov.partner}, maar het blad "
                   f"heet {own}")
    fr, mr = prov.round, master_round
    if fr is not None and fr != NO_ROUND and mr is not None and fr != mr:
        if round_version(fr) != round_version(mr):
            out.append(f"het is geëxporteerd uit ronde {round_version(fr)} ({fr}, master "
                       f"{prov.master or 'onbekend'}); {master_name} is ronde "
                       f"{round_version(mr)} ({mr})")
        else:
            out.append(f"het is geëxporteerd uit een andere master van ronde "
                       f"{round_version(fr)} ({fr}, {prov.master or 'onbekend'}) dan "
                       f"{master_name} ({mr})")
    elif fr is not None and fr != NO_ROUND and mr is None:
        out.append(f"het is geëxporteerd uit een master met {describe_round(fr)}; "
                   f"{master_name} heeft geen ronde-id, dus het is een andere master")
    elif fr == NO_ROUND and mr is not None:
        out.append(f"het is geëxporteerd uit een master zonder ronde-id "
                   f"({prov.master or 'onbekend'}); {master_name} is {describe_round(mr)}, "
                   "dus het is een andere master")
    elif fr == NO_ROUND and mr is None and prov.master not in (None, master_name):
        out.append(f"het is geëxporteerd uit {prov.master}, niet uit {master_name} (beide "
                   "zonder ronde-id: de bestandsnaam is dan het enige kenmerk)")
    return out


def stale_issue(prov: Provenance, own: str, file_name: str, master_name: str,
                current_fp: str) -> str | None:
    """The mismatch of the fingerprint (the master's inputs of ``own``
    changed since the export), or None."""
    if prov.fingerprint is None or prov.fingerprint == current_fp:
        return None
    return (f"{file_name} is geëxporteerd op {prov.exported or 'een onbekend moment'}. "
            f"Sindsdien is de invoer van {own} in {master_name} gewijzigd (bijvoorbeeld "
            "door een eerdere import of een aanpassing in de werkmap)")
