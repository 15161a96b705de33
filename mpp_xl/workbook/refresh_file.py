"""``mpp ververs``: recalculate a master workbook headless (no Excel).

Algorithm (see docs/workbook.md):

1. refuse when Excel's lock file ``~$NAME`` exists; take an exclusive lock on
   the sidecar ``.NAME.lock`` (``fcntl.flock``; ``msvcrt.locking`` on Windows,
   where this module is also imported by the refresh button) so two refreshes
   never interleave; the sidecar is removed when the update ends;
2. read the file once into memory and run the one refresh,
   :func:`mpp_xl.workbook.refresh.refresh`, over a
   :class:`~mpp_xl.workbook.package_book.PackageBook` (the Excel button and
   the Office.js script run the same function over their book): read and
   validate the inputs - on errors raise :class:`ValidationError` (exit 2)
   and leave the file untouched - write Validatie, Vaststelling, Logboek and
   the analysis sheets, evaluate every formula;
3. write the results as the cached values (``<v>``) of the formula cells by
   editing the sheet XML, and the charts' cached data (``numCache``) from the
   same values, so a reader that does not recalculate sees the numbers and
   charts of this refresh; every other byte of the other parts stays as it was
   (inputs, styles, shapes such as the refresh buttons, VBA);
4. keep the previous version in ``.backup/`` and replace the file atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..core.problems import MppError
from ..io.output import atomic_write, check_folder_writable, check_writable
from . import sheets as S
from .buttons import restore_buttons
from .package_book import CALC_ID, PackageBook, no_full_calc_on_load
from .refresh import (
    ACTION_REFRESH,
    RefreshResult,
    SignOff,
    overall_state,
    partner_states,
    refresh,
)
from .refresh import read_signoffs as core_read_signoffs
from .xlsxio import Package

__all__ = ["CALC_ID", "RefreshResult", "SignOff", "no_full_calc_on_load", "overall_state",
           "partner_states", "read_signoffs", "refresh_bytes", "refresh_workbook",
           "update_file"]

BACKUP_DIR = ".backup"
BACKUPS_KEPT = 5


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
    """An exclusive lock on the sidecar ``.NAME.lock`` for the whole update;
    the sidecar is removed when the update ends, so none stays beside the
    workbook. The lock itself is the operating system's (``flock``/
    ``msvcrt.locking``) and dies with its process: a sidecar left by a killed
    run is simply locked again, never obeyed. A lock taken on a sidecar that
    another process has just removed is retried on the new one."""
    lock = path.with_name(f".{path.name}.lock")
    for _ in range(20):
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            _lock_nb(fd)
        except BlockingIOError:
            os.close(fd)
            raise MppError(f"{path.name} wordt op dit moment al bijgewerkt door een ander "
                           "proces; probeer het zo opnieuw.") from None
        if _same_file(fd, lock):
            break
        os.close(fd)  # locked a sidecar that its holder removed meanwhile: again
    else:
        raise MppError(f"{path.name}: de vergrendeling {lock.name} lukt niet; probeer het zo "
                       "opnieuw.")
    try:
        yield
    finally:
        if os.name == "nt":  # Windows cannot remove an open file
            os.close(fd)
            with contextlib.suppress(OSError):
                lock.unlink()
        else:  # remove while still holding it, so no one locks a removed sidecar unseen
            with contextlib.suppress(OSError):
                lock.unlink()
            os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


STALE_TEMP_S = 3600  # a temporary file this old was left by a killed writer


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Delete ``.NAME.*.tmp`` files (from :func:`mpp_xl.io.output.atomic_write`)
    older than :data:`STALE_TEMP_S`, left behind by a refresh that was killed.
    Called under the exclusive lock, so no refresh of ours is writing them;
    the age limit protects other writers (e.g. ``mpp bouw``)."""
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
    check_writable(path)  # a read-only master or folder: refused before the lock and backup
    check_folder_writable(path)
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


# --- the refresh itself --------------------------------------------------------------
def read_signoffs(pkg: Package) -> dict[str, SignOff]:
    """The sign-offs stored on Vaststelling of a package (columns B, C, D)."""
    if S.VASTSTELLING not in pkg.sheet_paths:
        return {}
    return core_read_signoffs(PackageBook(pkg.data, pkg.name, pkg=pkg).read(S.VASTSTELLING))


def refresh_bytes(data: bytes, name: str = "werkmap", *, now: dt.datetime | None = None,
                  signoffs: Mapping[str, SignOff | None] | None = None,
                  action: str = ACTION_REFRESH, note: str = "",
                  user: str | None = None, udf_dir: str | None = None,
                  base_dir: str | Path | None = None) -> tuple[bytes, RefreshResult]:
    """The refreshed workbook (bytes) and a summary: :func:`refresh.refresh`
    over a :class:`PackageBook`. Raises ValidationError (nothing changed) when
    the inputs have errors. ``signoffs`` adds or removes (None) sign-offs
    before the states are computed. ``base_dir``: the workbook's folder
    (Kader's vorige_mpp is relative to it)."""
    t0 = time.perf_counter()
    book = PackageBook(data, name, base_dir=base_dir, udf_dir=udf_dir)
    missing = [s for s in S.OWNED_SHEETS + (S.UITKOMSTEN,) if s not in book.pkg.sheet_paths]
    if missing:
        raise MppError(f"{name} mist het blad {', '.join(missing)}; bouw de werkmap opnieuw "
                       "met 'mpp bouw'.")
    result = refresh(book, now=now, user=user, signoffs=signoffs, action=action, note=note,
                     refuse_errors=True, source=name)
    t_calc = time.perf_counter()
    out, restored = restore_buttons(book.to_bytes())
    if restored:
        result.meldingen.append(
            f"knop Vernieuwen ontbrak en is teruggezet op {', '.join(restored)} "
            "(bewerken met bijvoorbeeld openpyxl laat de knoppen weg).")
    stats = dict(book.stats)
    stats["lezen_s"] = max(0.0, t_calc - t0 - stats.get("voorbereiden_s", 0.0)
                           - stats.get("rekenen_s", 0.0))
    result.stats = stats
    return out, result


def refresh_workbook(path: str | Path, **kw: Any) -> RefreshResult:
    """Refresh the workbook file in place (atomically, with a backup)."""
    path = Path(path)
    now = kw.pop("now", None) or dt.datetime.now()
    kw.setdefault("base_dir", path.resolve().parent)
    return update_file(path, lambda data: refresh_bytes(data, path.name, now=now, **kw),
                       now)  # type: ignore[no-any-return]
