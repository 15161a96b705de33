"""``mpp refresh``: recalculate a master workbook headless (no Excel).

Algorithm (see docs/workbook.md):

1. refuse when Excel's lock file ``~$NAME`` exists; take an exclusive lock on
   the sidecar ``.NAME.lock`` (``fcntl.flock``; ``msvcrt.locking`` on Windows,
   where this module is also imported by the refresh button) so two refreshes
   never interleave;
2. read the file once into memory; read the inputs (evaluating formulas in
   input cells) and validate - on errors raise :class:`ValidationError`
   (exit 2) and leave the file untouched;
3. regenerate the data rows of Validatie, Vaststelling and Logboek;
4. evaluate every formula of the workbook: ``MPP_*`` calls through the
   ``CATALOGUE`` of ``udfs/mpp_udfs.py`` (the module Excel uses), native
   formulas with the ``formulas`` package;
5. write the results as the cached values (``<v>``) of the formula cells by
   editing the sheet XML, and the charts' cached data (``numCache``) from the
   same values, so a reader that does not recalculate sees the numbers and
   charts of this refresh; every other byte of the other parts stays as it was
   (inputs, styles, shapes such as the refresh buttons, VBA);
6. keep the previous version in ``.backup/`` and replace the file atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analysis.forecast import run_resolved
from ..analysis.scenario_order import scenario_crossings
from ..core.assumptions import Assumptions
from ..core.problems import MppError, Problem, ValidationError
from ..core.registry import PARTNERS
from ..io.output import atomic_write
from . import sheets as S
from .analysis_sheets import refresh_parts
from .chart_cache import fill_chart_caches
from .evaluate import Evaluator, Key, load_catalogue
from .reader import read_bytes_assumptions
from .xlsxio import Cell, Package, XlErr, cell_xml, col_letter, replace_rows_from, set_cached_values

BACKUP_DIR = ".backup"
BACKUPS_KEPT = 5


@dataclass(frozen=True)
class SignOff:
    """A partner's sign-off as stored on Vaststelling."""

    partner: str
    name: str
    date: str
    fingerprint: str


@dataclass
class RefreshResult:
    n_errors: int
    n_warnings: int
    state: str
    handle: str
    problems: list[Problem]
    partners: dict[str, dict[str, object]]
    stats: dict[str, float] = field(default_factory=dict)
    #: Dutch warnings of the analysis sheets (Bijstelling, Realisatie) for the output.
    meldingen: list[str] = field(default_factory=list)


# --- locks and backups -------------------------------------------------------------
def excel_lock_file(path: Path) -> Path:
    return path.with_name("~$" + path.name)


def lock_files(path: Path) -> list[tuple[Path, str]]:
    """The lock files Excel (``~$NAME``) and LibreOffice (``.~lock.NAME#``)
    put next to a workbook they have open, with the program's name."""
    return [(excel_lock_file(path), "Excel"),
            (path.with_name(f".~lock.{path.name}#"), "LibreOffice")]


def check_not_open(path: Path) -> None:
    """Refuse when Excel (or LibreOffice) has the workbook open. A lock file
    left by a crashed session looks the same, so the message says how to
    recognise and remove it."""
    for lock, program in lock_files(path):
        if lock.exists():
            raise MppError(
                f"{path.name} is geopend in Excel of LibreOffice (vergrendelbestand "
                f"{lock.name} gevonden). Sluit de werkmap en probeer het opnieuw; er is "
                f"niets gewijzigd. Is de werkmap niet open? Dan is {lock.name} een restant "
                f"van een afgebroken {program}-sessie; verwijder dat bestand (verborgen, in de "
                f"map {lock.absolute().parent}) en probeer opnieuw.")


def _lock_nb(fd: int) -> None:
    """Take an exclusive lock on ``fd`` without waiting; BlockingIOError when
    another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError as e:
            raise BlockingIOError(str(e)) from e
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """An exclusive lock on the sidecar ``.NAME.lock`` for the whole update."""
    lock = path.with_name(f".{path.name}.lock")
    fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            _lock_nb(fd)
        except BlockingIOError:
            raise MppError(f"{path.name} wordt op dit moment al bijgewerkt door een ander "
                           "proces; probeer het zo opnieuw.") from None
        yield
    finally:
        os.close(fd)


STALE_TEMP_S = 3600  # a temporary file this old was left by a killed writer


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Delete ``.NAME.*.tmp`` files (from :func:`mpp_xl.io.output.atomic_write`)
    older than :data:`STALE_TEMP_S`, left behind by a refresh that was killed.
    Called under the exclusive lock, so no refresh of ours is writing them;
    the age limit protects other writers (e.g. ``mpp build``)."""
    gone = []
    limit = time.time() - STALE_TEMP_S
    for d in (path.parent, path.parent / BACKUP_DIR):
        for p in d.glob(f".{path.stem}*.tmp"):
            with contextlib.suppress(OSError):
                if p.stat().st_mtime < limit:
                    p.unlink()
                    gone.append(p)
    return gone


def backup(path: Path, data: bytes, now: dt.datetime) -> Path:
    """Keep ``data`` (the previous version) in ``.backup/``; the newest
    :data:`BACKUPS_KEPT` are kept."""
    d = path.parent / BACKUP_DIR
    d.mkdir(exist_ok=True)
    target = d / f"{path.stem}.{now.strftime('%Y%m%d-%H%M%S-%f')}{path.suffix}"
    atomic_write(target, lambda p: p.write_bytes(data))
    old = sorted(d.glob(f"{path.stem}.*{path.suffix}"))
    for p in old[:-BACKUPS_KEPT]:
        p.unlink(missing_ok=True)
    return target


def update_file(path: str | Path, change: Callable[[bytes], tuple[bytes | None, Any]],
                now: dt.datetime | None = None) -> Any:
    """Read, change and atomically replace a workbook under both locks,
    keeping a backup. ``change`` returns (new bytes, result); new bytes None
    means there is nothing to write (no backup, the file stays as it is)."""
    path = Path(path)
    if not path.exists():
        raise MppError(f"Bestand niet gevonden: {path}")
    if not path.is_file():
        raise MppError(f"{path.name} is geen bestand (een map?); geef het pad van de werkmap.")
    check_not_open(path)
    with exclusive(path):
        remove_stale_temp_files(path)
        before = path.stat()
        data = path.read_bytes()
        new, result = change(data)
        if new is None:
            return result
        after = path.stat()
        if (after.st_mtime_ns, after.st_size) != (before.st_mtime_ns, before.st_size):
            raise MppError(f"{path.name} is tijdens het bijwerken door iets anders gewijzigd; "
                           "er is niets opgeslagen. Probeer het opnieuw.")
        check_not_open(path)
        backup(path, data, now or dt.datetime.now())
        mode = before.st_mode & 0o777

        def write(p: Path) -> None:
            p.write_bytes(new)
            os.chmod(p, mode)

        atomic_write(path, write)
    return result


# --- owned sheets ------------------------------------------------------------------
CellSpec = tuple[object, str | None]  # (value, formula without '=' or None)


def _cells_by_pos(pkg: Package, sheet: str) -> dict[tuple[int, int], Cell]:
    return {(c.row, c.col): c for c in pkg.cells(sheet)}


def read_signoffs(pkg: Package) -> dict[str, SignOff]:
    """The sign-offs stored on Vaststelling (columns B, C, D per partner row)."""
    if S.VASTSTELLING not in pkg.sheet_paths:
        return {}
    cells = _cells_by_pos(pkg, S.VASTSTELLING)
    out: dict[str, SignOff] = {}
    for partner, r in S.VS_ROWS.items():
        def v(col: int, r: int = r) -> str:
            c = cells.get((r, col))
            return "" if c is None or c.value is None else _text(c.value)

        if v(4):
            out[partner] = SignOff(partner, v(2), v(3), v(4))
    return out


def _text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def partner_states(signoffs: Mapping[str, SignOff], current: Mapping[str, str] | None,
                   ) -> dict[str, dict[str, object]]:
    """Per partner: signed, valid, name, date, fingerprint (the signed one),
    status text and explanation. ``current`` is None when the inputs have errors."""
    out: dict[str, dict[str, object]] = {}
    for p in PARTNERS:
        so = signoffs.get(p)
        if so is None:
            status, note, valid = S.SIGN_NONE, "", False
        elif current is None:
            status, valid = S.SIGN_VOID, False
            note = "De aannames bevatten fouten; zie het blad Validatie."
        elif so.fingerprint == current.get(p):
            status, note, valid = S.SIGN_VALID, "", True
        else:
            status, valid = S.SIGN_VOID, False
            note = "De aannames zijn na de vaststelling gewijzigd; opnieuw vaststellen."
        out[p] = {"signed": so is not None, "valid": valid,
                  "name": so.name if so else None, "date": so.date if so else None,
                  "fingerprint": so.fingerprint if so else None,
                  "status": status, "toelichting": note,
                  "current": current.get(p) if current else None}
    return out


def overall_state(states: Mapping[str, Mapping[str, object]], n_errors: int) -> str:
    ok = n_errors == 0 and all(s["valid"] for s in states.values())
    return S.STATE_DONE if ok else S.STATE_DRAFT


def _validatie_cells(problems: list[Problem], stamp: str) -> dict[tuple[int, int], CellSpec]:
    first = S.VAL_HEADER_ROW + 1
    last = max(first, first + len(problems) - 1)
    out: dict[tuple[int, int], CellSpec] = {
        (3, 1): ("Fouten", None), (3, 2): (None, f'COUNTIF(A{first}:A{last},"fout")'),
        (4, 1): ("Waarschuwingen", None),
        (4, 2): (None, f'COUNTIF(A{first}:A{last},"waarschuwing")'),
        (5, 1): ("Gecontroleerd op", None), (5, 2): (stamp, None),
    }
    for j, h in enumerate(S.VAL_HEADERS, start=1):
        out[(S.VAL_HEADER_ROW, j)] = (h, None)
    for i, row in enumerate(S.validatie_rows(problems)):
        for j, v in enumerate(row, start=1):
            out[(first + i, j)] = (v, None)
    return out


def _vaststelling_cells(states: Mapping[str, Mapping[str, object]], stamp: str,
                        ) -> dict[tuple[int, int], CellSpec]:
    out: dict[tuple[int, int], CellSpec] = {(3, 1): ("Laatst ververst", None),
                                            (3, 2): (stamp, None)}
    for p, r in S.VS_ROWS.items():
        st = states[p]
        vals = [p, st["name"], st["date"], st["fingerprint"], st["current"], st["status"],
                st["toelichting"] or None]
        for j, v in enumerate(vals, start=1):
            out[(r, j)] = (v if v not in ("",) else None, None)
    return out


def _logboek_cells(pkg: Package, entry: list[object]) -> dict[tuple[int, int], CellSpec]:
    first = S.LOG_HEADER_ROW + 1
    rows: dict[int, list[object]] = {}
    for c in pkg.cells(S.LOGBOEK):
        if c.row >= first and c.col <= len(S.LOG_HEADERS) and c.value not in (None, ""):
            rows.setdefault(c.row, [None] * len(S.LOG_HEADERS))[c.col - 1] = c.value
    entries = [rows[r] for r in sorted(rows)] + [entry]
    out: dict[tuple[int, int], CellSpec] = {}
    for i, e in enumerate(entries):
        for j, v in enumerate(e, start=1):
            out[(first + i, j)] = (v, None)
    return out


OWNED_FROM_ROW = {S.VALIDATIE: 3, S.VASTSTELLING: 3, S.LOGBOEK: S.LOG_HEADER_ROW + 1}
TEMPLATE_ROW = {S.VALIDATIE: S.VAL_HEADER_ROW + 1, S.VASTSTELLING: S.VS_FIRST_ROW,
                S.LOGBOEK: S.LOG_HEADER_ROW + 1}


def _keep_fixed_rows(pkg: Package, sheet: str, cells: dict[tuple[int, int], CellSpec]) -> None:
    """Cells above the data rows that the refresh does not set keep their content."""
    for c in pkg.cells(sheet):
        if OWNED_FROM_ROW[sheet] <= c.row < TEMPLATE_ROW[sheet] and (c.row, c.col) not in cells:
            cells[(c.row, c.col)] = (c.value, pkg.formula_text(sheet, c) if c.formula else None)


def _owned_xml(pkg: Package, sheet: str, cells: dict[tuple[int, int], CellSpec],
               values: Mapping[Key, object]) -> bytes:
    """The sheet XML with rows from OWNED_FROM_ROW regenerated; styles are
    taken from the cell at the same place, else from the template row."""
    old = _cells_by_pos(pkg, sheet)
    tpl = TEMPLATE_ROW[sheet]
    first = OWNED_FROM_ROW[sheet]
    kept = {c.ref: values[(sheet, c.row, c.col)] for c in pkg.cells(sheet)
            if c.formula is not None and c.row < first and (sheet, c.row, c.col) in values}
    xml = set_cached_values(pkg.sheet_xml(sheet), pkg.cells(sheet), kept)
    rows: dict[int, list[bytes]] = {}
    for (r, c) in sorted(cells):
        v, f = cells[(r, c)]
        src = old.get((r, c)) or old.get((tpl, c))
        style = src.style if src is not None else None
        ref = f"{col_letter(c)}{r}"
        if f is not None:
            v = values.get((sheet, r, c))
        rows.setdefault(r, []).append(cell_xml(ref, v, style, f))
    last_r = max([r for r, _ in cells] + [1])
    last_c = max([c for _, c in cells] + [1])
    return replace_rows_from(xml, first,
                             {r: b"".join(x) for r, x in rows.items()},
                             f"{col_letter(last_c)}{last_r}")


# --- the refresh itself --------------------------------------------------------------
#: Excel's calculation engine id of Microsoft 365 (see builder.CALC_ID).
CALC_ID = 191029


def no_full_calc_on_load(workbook_xml: bytes) -> bytes:
    """workbook.xml without ``fullCalcOnLoad="1"`` and with a current ``calcId``,
    so that readers show the stored values instead of recalculating (unchanged
    when it already is so)."""
    m = re.search(rb"<calcPr\b[^>]*?/?>", workbook_xml)
    if m is None or not re.search(rb'fullCalcOnLoad="(1|true)"', m.group(0)):
        return workbook_xml
    tag = re.sub(rb'\s+fullCalcOnLoad="[^"]*"', b"", m.group(0))
    tag = re.sub(rb'\bcalcId="\d+"', f'calcId="{CALC_ID}"'.encode(), tag)
    return workbook_xml[:m.start()] + tag + workbook_xml[m.end():]


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return "onbekend"


def refresh_bytes(data: bytes, name: str = "werkmap", *, now: dt.datetime | None = None,
                  signoffs: Mapping[str, SignOff | None] | None = None,
                  action: str = "ververst", note: str = "",
                  udf_dir: str | None = None,
                  base_dir: str | Path | None = None) -> tuple[bytes, RefreshResult]:
    """The refreshed workbook (bytes) and a summary; raises ValidationError
    (nothing changed) when the inputs have errors. ``signoffs`` adds or
    removes (None) sign-offs before the states are computed. ``base_dir``: the
    workbook's folder (Kader's vorige_mpp is relative to it)."""
    t0 = time.perf_counter()
    now = now or dt.datetime.now()
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    pkg = Package(data, name)
    missing = [s for s in S.OWNED_SHEETS + (S.UITKOMSTEN,) if s not in pkg.sheet_paths]
    if missing:
        raise MppError(f"{name} mist het blad {', '.join(missing)}; bouw de werkmap opnieuw "
                       "met 'mpp build'.")
    a: Assumptions = read_bytes_assumptions(data, name)
    problems, resolved = a.check()
    n_err = sum(p.is_error for p in problems)
    if resolved is None:
        raise ValidationError(problems)
    # scenario crossings of the results: warnings, as MPP_VALIDATIE and mpp valideer give them
    problems = [*problems, *scenario_crossings(run_resolved(resolved))]
    t_read = time.perf_counter()
    current = {p: a.fingerprint(p) for p in PARTNERS}
    so = dict(read_signoffs(pkg))
    for p, s in (signoffs or {}).items():
        if s is None:
            so.pop(p, None)
        else:
            so[p] = s
    states = partner_states(so, current)
    fp = a.fingerprint()

    # cell model of the whole workbook, owned sheets replaced by their new content
    owned = {
        S.VALIDATIE: _validatie_cells(problems, stamp),
        S.VASTSTELLING: _vaststelling_cells(states, stamp),
    }
    values: dict[Key, object] = {}
    formulas: dict[Key, str] = {}
    for sheet in pkg.sheet_paths:
        skip_from = OWNED_FROM_ROW.get(sheet)
        for c in pkg.cells(sheet):
            if skip_from is not None and c.row >= skip_from:
                continue
            values[(sheet, c.row, c.col)] = c.value
            if c.formula is not None:
                formulas[(sheet, c.row, c.col)] = pkg.formula_text(sheet, c)
    # Logboek: the new entry needs the state, which needs the evaluation; the
    # Logboek holds no formulas, so it is filled in after the evaluation.
    for sheet, cells in owned.items():
        _keep_fixed_rows(pkg, sheet, cells)
        for (r, c), (v, f) in cells.items():
            values[(sheet, r, c)] = v
            if f is not None:
                formulas[(sheet, r, c)] = f
    logboek_skip = OWNED_FROM_ROW[S.LOGBOEK]
    catalogue = load_catalogue(udf_dir)
    ev = Evaluator(values, formulas, catalogue, pkg.sheet_paths)
    t_prep = time.perf_counter()
    results = ev.evaluate_all()
    t_eval = time.perf_counter()

    mr, mc = 3, 2  # Uitkomsten!B3
    handle = results.get((S.UITKOMSTEN, mr, mc))
    if not isinstance(handle, str) or not handle.startswith("MPP ") or isinstance(handle, XlErr):
        raise MppError(f"Het rekenmodel (Uitkomsten!{S.MODEL_CELL}) gaf geen uitkomst: "
                       f"{handle!r}. Er is niets gewijzigd.")
    state = overall_state(states, n_err)
    n_warn = len(problems) - n_err
    log_note = note or f"{n_err} fouten, {n_warn} waarschuwingen; {handle}; status {state}."
    owned[S.LOGBOEK] = _logboek_cells(pkg, [stamp, action, _user(), fp[:16], log_note])

    replaced: dict[str, bytes] = {}
    for sheet, path in pkg.sheet_paths.items():
        if sheet in owned:
            replaced[path] = _owned_xml(pkg, sheet, owned[sheet], results)
            continue
        upd = {c.ref: results[(sheet, c.row, c.col)] for c in pkg.cells(sheet)
               if c.formula is not None and (sheet, c.row, c.col) in results
               and (sheet != S.LOGBOEK or c.row < logboek_skip)}
        if upd:
            new = set_cached_values(pkg.sheet_xml(sheet), pkg.cells(sheet), upd)
            if new != pkg.sheet_xml(sheet):
                replaced[path] = new
    # Bijstelling and Realisatie (issue 5)
    extra, meldingen = refresh_parts(pkg, a, resolved, base_dir, results, replaced)
    replaced.update(extra)

    def shown(sheet: str, r: int, c: int) -> object:
        key = (sheet, r, c)
        return results[key] if key in results else values.get(key)

    # the charts' own copy of their data, for readers that do not recalculate
    replaced.update(fill_chart_caches(pkg.parts, shown))
    # a master built before this release may still force a recalculation on open
    wb_xml = no_full_calc_on_load(pkg.parts["xl/workbook.xml"])
    if wb_xml != pkg.parts["xl/workbook.xml"]:
        replaced["xl/workbook.xml"] = wb_xml
    out = pkg.to_bytes(replaced)
    t_end = time.perf_counter()
    n_mpp = sum(1 for t in formulas.values() if "MPP_" in t.upper())
    stats = {"lezen_s": t_read - t0, "voorbereiden_s": t_prep - t_read,
             "rekenen_s": t_eval - t_prep, "schrijven_s": t_end - t_eval,
             "formules": float(len(formulas)), "mpp_formules": float(n_mpp),
             "snel": float(ev.stats["fast"]), "formulas_pakket": float(ev.stats["compiled"])}
    result = RefreshResult(n_err, n_warn, state, handle, list(problems), states, stats,
                           meldingen)
    return out, result


def refresh_workbook(path: str | Path, **kw: Any) -> RefreshResult:
    """Refresh the workbook file in place (atomically, with a backup)."""
    path = Path(path)
    now = kw.pop("now", None) or dt.datetime.now()
    kw.setdefault("base_dir", path.resolve().parent)
    return update_file(path, lambda data: refresh_bytes(data, path.name, now=now, **kw),
                       now)  # type: ignore[no-any-return]
