"""``mpp nieuwe-ronde``: the next round's master from the previous one.

Reads the old master (which must be a valid, refreshed master), carries its
assumptions with :mod:`mpp_xl.analysis.new_round`, builds the new master
through the normal builder with a fresh round id (keeping the old master's
xlwings interpreter), refreshes it once (so
Bijstelling already compares with the old master, named in Kader's
``vorige_mpp``) with a Logboek entry for the round change that names both
rounds and fingerprints, and writes it atomically. The old master is only
read. Sign-offs start empty: every partner is "concept" in the new round.
Start stocks and history use the realisations file, and for what it does not
give the realisations on the old master's Realisatie sheet. Every problem is
collected first; on any problem nothing is written.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..analysis.backtest import read_realisaties
from ..analysis.monthly import run_monthly
from ..analysis.new_round import REALISATION_SERIES, RoundRequest, carry, check_request
from ..core.assumptions import Assumptions, fingerprint
from ..core.problems import MppError, ValidationError
from ..io.output import atomic_write
from ..io.safe_zip import check_workbook_bytes
from . import sheets as S
from .builder import build
from .package_book import PackageBook
from .partner_io import is_partner_file
from .reader import read_bytes_assumptions, realisatie_rows_from_package, realisaties_from_rows
from .refresh import ACTION_REFUSED
from .refresh_file import backup, check_not_open, refresh_bytes
from .round_id import make_round_id, round_id_of
from .xlsxio import Package

#: Logboek action of the round change.
ACTION_NEW_ROUND = "nieuwe ronde"
#: Logboek actions that are no refresh of the inputs.
_NOT_A_REFRESH = ("gebouwd", ACTION_REFUSED)


@dataclass
class NewRoundResult:
    """What ``mpp nieuwe-ronde`` made: the file, both round ids and fingerprints,
    the horizon, where each start stock came from, and the refresh's warnings."""

    path: Path
    round_id: str
    old_round_id: str
    fingerprint: str
    old_fingerprint: str
    startjaar: int
    eindjaar: int
    herkomst: dict[str, str]
    meldingen: list[str]


def _last_refresh_fingerprint(book: PackageBook) -> str | None:
    """The fingerprint (16 hex) of the last Logboek entry made by a refresh."""
    rows = book.read(S.LOGBOEK)
    for r in reversed(rows):
        if len(r) >= 4 and r[1] not in (None, "") and r[3] not in (None, ""):
            action = str(r[1]).strip()
            if action in _NOT_A_REFRESH or action == "Actie":
                continue
            return str(r[3]).strip()
    return None


def _interpreter(book: PackageBook, names: list[str]) -> str | None:
    """The old master's Interpreter_Win (xlwings.conf), kept for the new round."""
    if S.CONF not in names:
        return None
    for r in book.read(S.CONF):
        if len(r) >= 2 and r[0] == "Interpreter_Win" and r[1] not in (None, ""):
            return str(r[1])
    return None


def _old_realisations(pkg: Package) -> pd.DataFrame | None:
    if S.REALISATIE not in pkg.sheet_paths:
        return None
    try:
        return realisaties_from_rows(realisatie_rows_from_package(pkg))
    except MppError:
        return None


def _merge_realisations(old: pd.DataFrame | None, new: pd.DataFrame | None
                        ) -> pd.DataFrame | None:
    """The realisations for the new master's Realisatie sheet: the old master's,
    with the new file's rows replacing the same series, year and month."""
    frames = [f for f in (new, old) if f is not None]
    if not frames:
        return None
    both = pd.concat(frames, ignore_index=True)
    month = both["maand"].fillna(0).astype(int) if "maand" in both.columns else 0
    both = both.assign(_m=month).drop_duplicates(["reeks", "jaar", "_m"], keep="first")
    return both.drop(columns="_m").reset_index(drop=True)


def _for_carry(real: pd.DataFrame | None, sheet: pd.DataFrame | None) -> pd.DataFrame | None:
    """The realisations for start stocks and history: the file's rows, then those on the
    old master's Realisatie sheet (known series only) for what the file does not give."""
    if sheet is None or sheet.empty:
        return real
    sheet = sheet[sheet["reeks"].isin(REALISATION_SERIES)]
    if real is None or real.empty:
        return sheet.reset_index(drop=True)
    both = pd.concat([real, sheet], ignore_index=True)
    key = both["maand"].fillna(0).astype(int) if "maand" in both.columns else 0
    both = both.assign(_m=key).drop_duplicates(["reeks", "jaar", "_m"], keep="first")
    return both.drop(columns="_m").reset_index(drop=True)


def new_round(old_path: str | Path, out: str | Path, req: RoundRequest,
              realisaties: str | Path | None = None, overwrite: bool = False,
              now: dt.datetime | None = None, user: str | None = None) -> NewRoundResult:
    """Write the new round's master ``out`` from the master ``old_path`` (see the
    module docstring). Raises :class:`MppError` (Dutch, every problem) and
    writes nothing on bad input."""
    old_path, out = Path(old_path), Path(out)
    problems: list[str] = []
    if out.suffix.lower() not in (".xlsm", ".xlsx"):
        problems.append(f"-o {out.name}: kies een werkmap met extensie .xlsm (met macro's) of "
                        ".xlsx.")
    if not out.parent.is_dir():
        problems.append(f"De map {out.parent} bestaat niet; maak hem eerst aan.")
    if not old_path.is_file():
        raise MppError(f"Bestand niet gevonden: {old_path}. Er is niets geschreven.")
    if out.exists() and out.resolve() == old_path.resolve():
        problems.append(f"-o {out} is de werkmap van de vorige ronde zelf; die blijft "
                        "ongewijzigd. Kies een nieuwe naam, bijv. mpp_2025_1.xlsm.")
    elif out.exists() and not overwrite:
        problems.append(f"{out} bestaat al. Kies een andere naam, of gebruik --overschrijf.")
    elif out.exists():
        check_not_open(out)
    if old_path.suffix.lower() not in (".xlsm", ".xlsx"):
        raise MppError(f"{old_path.name} is geen MPP-werkmap (.xlsm of .xlsx); een nieuwe "
                       "ronde begint bij de ververste master van de vorige ronde.")
    data = old_path.read_bytes()
    check_workbook_bytes(data, old_path.name)
    pkg = Package(data, old_path.name)
    if is_partner_file(pkg):
        raise MppError(f"{old_path.name} is een partnerbestand, geen master; een nieuwe ronde "
                       "begint bij de master van de vorige ronde.")
    old_round = round_id_of(pkg) or "onbekend (werkmap zonder ronde-id)"
    a_old = read_bytes_assumptions(data, old_path.name, pkg=pkg)
    a_old.source = str(old_path)
    errors, resolved = a_old.check()
    n_err = sum(p.is_error for p in errors)
    if resolved is None:
        problems.append(f"{old_path.name} bevat {n_err} fout(en) in de aannames; herstel ze "
                        f"(mpp valideer {old_path.name}) en ververs, dan kan de nieuwe ronde "
                        "beginnen.")
    old_fp = fingerprint(resolved) if resolved is not None else ""
    if resolved is not None and S.LOGBOEK not in pkg.sheet_paths:
        problems.append(f"{old_path.name} heeft geen blad Logboek; bouw en ververs de master.")
    elif resolved is not None:
        last = _last_refresh_fingerprint(PackageBook(data, old_path.name, pkg=pkg))
        if last is None:
            problems.append(f"{old_path.name} is nog nooit ververst; ververs hem eerst (mpp "
                            f"ververs {old_path.name}), zodat de nieuwe ronde op vastgelegde "
                            "uitkomsten begint.")
        elif not old_fp.startswith(last):
            problems.append(f"{old_path.name} is gewijzigd sinds de laatste verversing "
                            f"(vingerafdruk {old_fp[:16]}, Logboek {last}); ververs hem eerst.")
    real = None
    if realisaties is not None:
        try:
            real = read_realisaties(realisaties, REALISATION_SERIES)
        except MppError as e:
            problems.append(str(e))
    if resolved is not None:
        problems += check_request(resolved, req)
    if problems or resolved is None:
        raise MppError("Geen nieuwe ronde gemaakt; er is niets geschreven:\n"
                       + "\n".join(f"- {p}" for p in problems))

    try:
        rel = os.path.relpath(old_path.resolve(), out.resolve().parent)
    except ValueError:  # another drive (Windows)
        rel = str(old_path.resolve())
    old_version = str(resolved.text.get("mpp_versie", "") or "").strip() or "?"
    vorige_bron = (f"MPP {old_version}: {old_path.name}, ronde {old_round}, vingerafdruk "
                   f"{old_fp[:16]}")
    sheet_old = _old_realisations(pkg)
    nr = carry(a_old, resolved, run_monthly(resolved), _for_carry(real, sheet_old), req, rel,
               vorige_bron)
    a_new: Assumptions = nr.assumptions(source=f"MPP {old_version} ({old_path.name})")
    new_problems, new_resolved = a_new.check()
    if new_resolved is None:
        raise ValidationError(list(new_problems))
    new_fp = fingerprint(new_resolved)
    round_id = make_round_id(req.versie.strip(), new_fp)
    note = (f"Nieuwe ronde {round_id} (vingerafdruk {new_fp[:16]}) uit MPP {old_version}: "
            f"{old_path.name}, ronde {old_round} (vingerafdruk {old_fp[:16]}); horizon "
            f"{nr.startjaar}–{nr.eindjaar}, peildatum {req.peildatum}; alle vaststellingen "
            "terug naar concept.")
    sheet_real = _merge_realisations(sheet_old, real)
    with tempfile.TemporaryDirectory(prefix=".mpp-ronde-", dir=out.parent) as tmp:
        interpreter = _interpreter(PackageBook(data, old_path.name, pkg=pkg),
                                   list(pkg.sheet_paths))
        built = build(a_new, Path(tmp) / out.name, realisaties=sheet_real,
                      interpreter=interpreter, round_id=round_id)
        new_data, result = refresh_bytes(built.read_bytes(), out.name, now=now,
                                         action=ACTION_NEW_ROUND, note=note, user=user,
                                         base_dir=out.resolve().parent)
    if out.exists():  # --overschrijf: the replaced file is kept in .backup/, as by mpp bouw
        backup(out, out.read_bytes(), now or dt.datetime.now())
    atomic_write(out, lambda p: p.write_bytes(new_data))
    return NewRoundResult(out, round_id, old_round, new_fp, old_fp, nr.startjaar, nr.eindjaar,
                          nr.herkomst, list(result.meldingen))
