"""``mpp importeer-partner``: a returned partner file into the master, values only.

A partner file is untrusted input (docs/hardening.md, "Partnerbestanden"):

1. the package is checked before any cell is read
   (:func:`mpp_xl.io.safe_zip.check_workbook_bytes`,
   :func:`mpp_xl.io.package_checks.check_untrusted_package`);
2. its provenance must match the master (:mod:`partner_provenance`: partner,
   round, master, fingerprint of the partner's inputs at export, the exported
   cells); on any mismatch the import is refused unless ``force``;
3. per input cell a three-way comparison of export (basis), partner file and
   master now: a cell the partner changed and the coordinator did not is
   taken; a cell the coordinator changed after the export is kept (also when
   the partner changed it too) unless ``overwrite_master``; without the
   exported cells (older export) every difference counts as possibly changed
   by the coordinator, unless the master's fingerprint still equals the one
   at export;
4. only values are taken, into the existing input cells of the partner's
   sheet (the master's style kept): a formula in the file is reduced to the
   value it shows (its cached value) with a warning naming the cell; a
   formula without a cached value and an error value are refused, naming
   file, sheet and cell. Nothing else of the file reaches the master;
5. a sign-off in the file whose fingerprint matches the merged inputs is
   taken, and the master is refreshed (validation refuses errors: nothing
   written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.numbers import nl_number
from ..core.problems import MppError, ValidationError
from ..core.signoff import normalise_partner
from ..io.package_checks import check_untrusted_package
from . import layout
from . import sheets as S
from .partner_io import file_signoff, is_partner_file, master_sheet_fingerprint, partner_of
from .partner_provenance import (
    Provenance,
    State,
    input_cells,
    provenance_issues,
    read_provenance,
    stale_issue,
    state,
)
from .reader import ERROR_NL, read_blocks, read_bytes_assumptions
from .refresh_file import SignOff, read_signoffs, refresh_bytes, update_file
from .round_id import round_id_of
from .xlsxio import Cell, Package, XlErr, set_cells

#: Why a cell was not taken (Dutch, shown per cell).
KEPT_MASTER = "na de export in de master gewijzigd; de partner heeft de cel niet gewijzigd"
KEPT_BOTH = "na de export in de master gewijzigd én door de partner gewijzigd"
KEPT_UNKNOWN = ("niet te zien of u de cel na de export in de master heeft gewijzigd "
                "(exportgegevens ontbreken of de master is gewijzigd)")


@dataclass
class CellChange:
    """One input cell where the file differs from the master: ``label``
    (parameter, scenario, column), the master's and the file's value as
    shown to the user, and ``why`` it was not taken ('' when taken)."""

    ref: str
    label: str
    master: str
    file: str
    why: str = ""

    def text(self, sheet: str) -> str:
        return f"{sheet}!{self.ref} {self.label}: master {self.master} -> bestand {self.file}"


@dataclass
class PartnerImport:
    """What :func:`import_partner` did. ``changed``: input cells changed in the
    master; ``nothing``: nothing was written; ``signoff``: None or (Dutch)
    'overgenomen', 'niet overgenomen', 'al overgenomen'; ``status``: the MPP
    status after the refresh; ``warnings``: Dutch messages; ``exported``: when
    the file was exported; ``taken``/``kept``: the differing cells taken and
    not taken; ``forced``: the provenance mismatches overruled by --forceer."""

    partner: str
    exported: str | None = None
    changed: int = 0
    nothing: bool = False
    signoff: str | None = None
    status: str | None = None
    warnings: list[str] = field(default_factory=list)
    taken: list[CellChange] = field(default_factory=list)
    kept: list[CellChange] = field(default_factory=list)
    forced: list[str] = field(default_factory=list)


def show(s: State) -> str:
    """A cell's content as shown in per-cell lists (Dutch)."""
    kind, v = s
    if kind == "f":
        return f"formule ={v}"
    if kind == "e":
        return ERROR_NL.get(str(v), str(v))
    if v is None or v == "":
        return "(leeg)"
    if isinstance(v, bool):
        return "WAAR" if v else "ONWAAR"
    if isinstance(v, float):
        return nl_number(v) if v.is_integer() else str(v).replace(".", ",")
    t = str(v)
    return repr(t if len(t) <= 60 else t[:57] + "...")


def _label(mpkg: Package, sheet: str, header: list[object], cell: Cell) -> str:
    if cell.ref == S.CONTACT_CELL:
        return "(contactpersoon)"
    row = {c.col: c.value for c in mpkg.cells(sheet) if c.row == cell.row}
    col = header[cell.col - 1] if cell.col - 1 < len(header) else ""
    col = int(col) if isinstance(col, float) and col.is_integer() else col
    return f"{row.get(layout.COL_KEY) or '?'} ({row.get(layout.COL_SCENARIO) or '?'}, {col})"


def _shape(block: list[list[object]]) -> tuple[list[object], list[tuple[str, str]]]:
    header = [str(v).strip().lower() if isinstance(v, str) else v for v in block[0]]
    rows = [(str(r[0]).strip(), str(r[3]).strip().lower() if len(r) > 3 else "")
            for r in block[1:] if r and not layout.is_empty(r[0])]
    return header, rows


def _check_shape(pfile: Path, master: Path, own: str, mblock: list[list[object]],
                 pblock: list[list[object]]) -> None:
    (mh, mrows), (ph, prows) = _shape(mblock), _shape(pblock)
    if mh == ph and mrows == prows:
        return
    extra = sorted(set(prows) - set(mrows))
    lacking = sorted(set(mrows) - set(prows))
    detail = []
    if mh != ph:
        detail.append("de kolommen (jaren) verschillen")
    if extra:
        detail.append("extra rijen: " + ", ".join(f"{k} ({s})" for k, s in extra[:5]))
    if lacking:
        detail.append("ontbrekende rijen: " + ", ".join(f"{k} ({s})" for k, s in lacking[:5]))
    if not detail:
        detail.append("de volgorde van de rijen verschilt")
    raise MppError(f"{pfile.name} heeft een andere set parameters dan blad {own} van "
                   f"{master.name} ({'; '.join(detail)}); er is niets samengevoegd. "
                   "Exporteer het partnerbestand opnieuw.")


def _refusal(pfile: Path, master: Path, own: str, issues: list[str]) -> str:
    lines = "\n".join(f"  - {i}" for i in issues)
    return (f"{pfile.name} wordt niet samengevoegd met {master.name}:\n{lines}\n"
            "Er is niets samengevoegd. Samenvoegen zou wijzigingen in de master ongemerkt "
            "kunnen terugdraaien of invoer van een andere ronde of master overnemen. "
            f"Exporteer het blad opnieuw (mpp exporteer-partner {master} --partner {own} "
            f"-o {own}_nieuw.xlsx) en neem de wijzigingen van de partner daarin over, of voeg "
            "dit bestand toch samen met --forceer: u ziet dan per cel wat er in de master "
            "verandert, en cellen die u na de export in de master heeft gewijzigd worden niet "
            "overgenomen (tenzij u ook --overschrijf-masterwijzigingen geeft).")


#: Excel's limit on the length of a cell's text (characters).
MAX_TEXT = 32_767
#: Characters XML 1.0 does not allow (a file with them in the master would be
#: "repaired" by Excel); a partner file can carry them as character references.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text_problem(v: object) -> str | None:
    if not isinstance(v, str):
        return None
    if len(v) > MAX_TEXT:
        return f"tekst van {nl_number(len(v))} tekens (Excel staat er {nl_number(MAX_TEXT)} toe)"
    if _BAD_CHARS.search(v):
        return "tekst met een stuurteken dat in een werkmap niet mag"
    return None


def _value_of(pfile: Path, own: str, p: Cell | None, theirs: State,
              problems: list[str], warnings: list[str]) -> object:
    """The plain value to write for the file's cell (values only)."""
    kind, v = theirs
    if kind == "v":
        why = _text_problem(v)
        if why is not None and p is not None:
            problems.append(f"{pfile.name}, {own}!{p.ref}: {why}")
            return None
        return v
    assert p is not None
    if kind == "e" or isinstance(p.value, XlErr):
        code = str(p.value if isinstance(p.value, XlErr) else v)
        problems.append(f"{pfile.name}, {own}!{p.ref}: foutwaarde {ERROR_NL.get(code, code)}"
                        + (f" (formule ={v})" if kind == "f" else ""))
        return None
    if p.value is None:
        problems.append(f"{pfile.name}, {own}!{p.ref}: formule ={v} zonder opgeslagen waarde "
                        "(het bestand is niet in Excel of LibreOffice opgeslagen); typ de waarde "
                        "in, of open het bestand en sla het op")
        return None
    why = _text_problem(p.value)
    if why is not None:
        problems.append(f"{pfile.name}, {own}!{p.ref}: {why} (formule ={v})")
        return None
    warnings.append(f"{pfile.name}, {own}!{p.ref}: de formule ={v} is niet overgenomen, alleen "
                    f"de waarde die zij toont ({show(('v', p.value))}).")
    return p.value


def _read(pfile: Path) -> bytes:
    if not pfile.is_file():
        raise MppError(f"Bestand niet gevonden: {pfile}")
    try:
        return pfile.read_bytes()
    except OSError as e:
        raise MppError(f"{pfile.name} kan niet gelezen worden ({e.strerror or e}); er is "
                       "niets samengevoegd.") from e


def import_partner(master: str | Path, pfile: str | Path, partner: str | None = None,
                   *, force: bool = False, overwrite_master: bool = False) -> PartnerImport:
    """Merge a partner file into the master (atomic, with backup and refresh);
    returns a :class:`PartnerImport`. Refuses (MppError, nothing written) on
    an unsafe package, a provenance mismatch (unless ``force``), a formula
    without cached value or an error value; ``overwrite_master`` also takes
    cells the coordinator changed after the export."""
    master, pfile = Path(master), Path(pfile)
    data = _read(pfile)
    ppkg = Package(data, pfile.name)  # safe_zip first; reads the sheet list, no cells
    if not is_partner_file(ppkg):
        raise MppError(f"{pfile.name} is een masterwerkmap, geen partnerbestand; maak een "
                       f"partnerbestand met: mpp exporteer-partner {pfile} --partner PARTNER "
                       "-o PARTNER.xlsx. Er is niets samengevoegd.")
    check_untrusted_package(data, pfile.name)
    own = partner_of(ppkg)
    if partner is not None and normalise_partner(partner) != own:
        raise MppError(f"{pfile.name} is het partnerbestand van {own}, niet van "
                       f"{normalise_partner(partner)}; er is niets samengevoegd.")
    prov = read_provenance(ppkg)
    try:
        pblock = read_blocks(data, pfile.name, (own,), ppkg)[own]
    except ValidationError as e:
        e.args = (f"Blad {own} van {pfile.name} heeft niet de opbouw van een partnerblad; er is "
                  "niets samengevoegd.",)
        raise
    summary = PartnerImport(own, exported=prov.exported)

    def change(mdata: bytes) -> tuple[bytes | None, Any]:
        mpkg = Package(mdata, master.name)
        if is_partner_file(mpkg):
            raise MppError(f"{master.name} is een partnerbestand, geen masterwerkmap. Eerst de "
                           f"master, dan het partnerbestand: mpp importeer-partner MASTER.xlsm "
                           f"{master.name}. Er is niets samengevoegd.")
        if own not in mpkg.sheet_paths:
            raise MppError(f"{master.name} heeft geen blad '{own}'; er is niets samengevoegd.")
        current_fp = master_sheet_fingerprint(mdata, master.name, own)
        issues = provenance_issues(prov, own, pfile.name, master.name, round_id_of(mpkg))
        stale = stale_issue(prov, own, pfile.name, master.name, current_fp)
        if issues and not force:  # another round or master: before comparing the tables
            raise MppError(_refusal(pfile, master, own, issues + ([stale] if stale else [])))
        if not issues and prov.master not in (None, master.name):
            summary.warnings.append(
                f"{pfile.name} is geëxporteerd uit {prov.master}; {master.name} is dezelfde "
                f"master (zelfde ronde-id) onder een andere naam.")
        mblock = read_blocks(mdata, master.name, (own,), mpkg)[own]
        _check_shape(pfile, master, own, mblock, pblock)
        targets = _plan(mpkg, ppkg, own, mblock, pfile, prov,
                        fp_ok=prov.fingerprint == current_fp,
                        overwrite_master=overwrite_master, summary=summary, pblock=pblock)
        # a file whose cells all equal the master's (e.g. imported before) reverts
        # nothing: only then a changed fingerprint is no reason to refuse
        if stale and (summary.taken or summary.kept):
            if not force:
                raise MppError(_refusal(pfile, master, own, [stale]))
            issues.append(stale)
        summary.forced = issues
        so = file_signoff(ppkg, own)
        if so is not None:  # the sign-off's texts go to Vaststelling: the same limits
            for key, ref in S.PF_SIGN_CELLS.items():
                why = _text_problem(getattr(so, key))
                if why is not None:
                    raise MppError(f"{pfile.name}, {own}!{ref} (vaststelling): {why}; er is "
                                   "niets samengevoegd.")
        have = read_signoffs(mpkg).get(own)
        note = f"Partnerbestand {pfile.name} samengevoegd: {len(targets)} cel(len) gewijzigd."
        if summary.kept:
            note += f" {len(summary.kept)} cel(len) niet overgenomen (in de master gewijzigd)."
        if not targets and (so is None or so == have or so.fingerprint != current_fp):
            summary.nothing = True
            if so is not None:
                summary.signoff = "al overgenomen" if so == have else "niet overgenomen"
            return None, summary
        if issues:
            summary.warnings.append("samengevoegd met --forceer, ondanks: " + "; ".join(issues)
                                    + ". De vorige versie staat in .backup/.")
            note += " Met --forceer, ondanks: " + "; ".join(issues) + "."
        xml = set_cells(mpkg.sheet_xml(own), mpkg.cells(own),
                        {ref: (v, None) for ref, v in targets.items()})
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

    try:
        return update_file(master, change)  # type: ignore[no-any-return]
    except ValidationError as e:
        e.args = (f"{pfile.name} samenvoegen in {master.name} geeft fouten in de aannames; er "
                  f"is niets samengevoegd. Een melding op blad {own} gaat over een cel uit "
                  f"{pfile.name}.",)
        raise


def _check_readers_agree(pfile: Path, own: str, pblock: list[list[object]],
                         pcells: dict[tuple[int, int], Cell], width: int) -> None:
    """Every value python-calamine sees in the input table (``pblock``) is a
    cell our own XML scan sees too: the values taken come from the scan, the
    checks before from calamine. A file the two read differently (prefixed
    XML, cells our scan cannot place) is refused instead of merged as empty."""
    for i, row in enumerate(pblock[1:], start=layout.HEADER_ROW + 1):
        for j, v in enumerate(row[:width], start=1):
            if layout.is_empty(v) or j < layout.COL_ALL:
                continue
            p = pcells.get((i, j))
            if p is None or (p.value is None and p.formula is None):
                raise MppError(f"{pfile.name} kan niet eenduidig worden gelezen: blad {own} rij "
                               f"{i} kolom {j} heeft een waarde die niet bij een celadres "
                               "hoort (de werkmap is niet met Excel of LibreOffice "
                               "opgeslagen). Er is niets samengevoegd; open het bestand in "
                               "Excel en sla het opnieuw op.")


def _plan(mpkg: Package, ppkg: Package, own: str, mblock: list[list[object]], pfile: Path,
          prov: Provenance, *, fp_ok: bool, overwrite_master: bool,
          summary: PartnerImport, pblock: list[list[object]]) -> dict[str, object]:
    """The values to write (ref -> value), filling ``summary.taken``/``kept``;
    raises MppError on cells that cannot be taken as values."""
    width = len(mblock[0])
    pcells = {(c.row, c.col): c for c in ppkg.cells(own)}
    known = {(c.row, c.col) for c in mpkg.cells(own)}
    for (r, col), p in pcells.items():
        if r > layout.HEADER_ROW and col <= width and (r, col) not in known and \
                p.value not in (None, ""):
            raise MppError(f"Cel {own}!{p.ref} van het partnerbestand {pfile.name} hoort niet bij "
                           "een invoercel van de master; er is niets samengevoegd.")
    _check_readers_agree(pfile, own, pblock, pcells, width)
    header = list(mblock[0])
    problems: list[str] = []
    warnings: list[str] = []
    targets: dict[str, object] = {}
    for c in input_cells(mpkg, own, width):
        p = pcells.get((c.row, c.col))
        mine, theirs = state(mpkg, own, c), state(ppkg, own, p)
        if theirs == mine:
            continue
        base = None if prov.basis is None else prov.basis.get(c.ref, ("v", None))
        partner_changed = base is None or theirs != base
        master_changed = (mine != base) if base is not None else not fp_ok
        cell_warnings: list[str] = []
        value = _value_of(pfile, own, p, theirs, problems, cell_warnings)
        if theirs[0] == "f" and value == mine[1] and mine[0] == "v":
            continue  # a formula showing exactly the master's value: nothing changes
        item = CellChange(c.ref, _label(mpkg, own, header, c), show(mine),
                          show(("v", value)) if theirs[0] == "f" else show(theirs))
        if partner_changed and not master_changed:
            pass
        elif overwrite_master:
            item.file += " (met --overschrijf-masterwijzigingen)"
        else:
            item.why = (KEPT_UNKNOWN if base is None else
                        KEPT_BOTH if partner_changed else KEPT_MASTER)
            summary.kept.append(item)
            continue
        summary.taken.append(item)
        warnings += cell_warnings
        targets[c.ref] = value
    if problems:
        raise MppError(f"{pfile.name} bevat cellen die niet als waarde kunnen worden overgenomen; "
                       "er is niets samengevoegd:\n" + "\n".join(f"  - {q}" for q in problems))
    summary.warnings += warnings
    return targets
