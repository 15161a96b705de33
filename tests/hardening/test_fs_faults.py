"""File-system faults during ``mpp importeer-partner`` and ``mpp ververs``: a
read-only master, a read-only folder, a full disk, a file held open by
another program. Each gives a Dutch message saying what to do, exit 2, the
master unchanged, no temporary file left, and (where the fault comes after
it) the backup kept.

How each fault is made (the tests run as root, which ignores permission bits):

- read-only master: a real ``chmod 0o444``; mpp checks the mode bits itself,
  so this holds for root too;
- read-only folder: for real, in a child process that runs the CLI without
  the capabilities that let root ignore permissions (``setpriv
  --bounding-set -dac_override,...``; skipped when setpriv is missing), and
  in-process by making ``tempfile.mkstemp`` raise PermissionError (what the
  kernel answers in a read-only folder);
- disk full: ``os.fsync`` raises ``OSError(ENOSPC)`` on writing the master
  (the backup before it succeeds), as a full disk reports it at flush time;
- file in use: ``os.replace`` raises PermissionError, as Windows does when
  Excel or a virus scanner holds the file (Linux never blocks a rename).

Only the OS call is replaced; the error handling is the production one
(``mpp_xl.cli.main``, ``mpp_xl.io.output.atomic_write``)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from mpp_xl.cli import main
from tests.helpers import files, run_cli
from tests.workbook.helpers import cell_of, edit_cells


@pytest.fixture
def filled(master: Path, tmp_path: Path) -> Path:
    """A COA partner file with one changed value, exported from ``master``."""
    f = tmp_path / "COA.xlsx"
    assert main(["exporteer-partner", str(master), "--partner", "COA", "-o", str(f)]) == 0
    edit_cells(f, "COA", {cell_of(f, "COA", "snijverlies"): (0.2, None)})
    return f


def _check_refused(rc: int, text: str, master: Path, before: bytes, listing: set[str],
                   fragment: str, backup_kept: bool = False) -> None:
    assert "Traceback" not in text and "Onverwachte fout" not in text, text
    assert rc == 2, text
    assert fragment in text, text
    assert master.name in text, text
    assert "Er is niets gewijzigd" in text or "er is niets gewijzigd" in text, text
    assert master.read_bytes() == before
    new = files(master.parent) - listing  # a temp, backup or lock file is a leftover
    assert not [f for f in new if f.endswith(".tmp")], new
    if backup_kept:
        assert len(new) == 1 and new == {f for f in new if f.startswith(".backup/")}, new
        assert (master.parent / new.pop()).read_bytes() == before
    else:
        assert not new, new


def test_read_only_master(master: Path, filled: Path) -> None:
    master.chmod(0o444)
    try:
        before, listing = master.read_bytes(), files(master.parent)
        for args in (["importeer-partner", str(master), str(filled)], ["ververs", str(master)]):
            rc, text = run_cli(args)
            _check_refused(rc, text, master, before, listing, "alleen-lezen")
            assert "Alleen-lezen uitvinken" in text
    finally:
        master.chmod(0o644)


def test_read_only_folder_in_process(master: Path, filled: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*a: object, **kw: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied", str(kw.get("dir", "")))

    before, listing = master.read_bytes(), files(master.parent)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    rc, text = run_cli(["importeer-partner", str(master), str(filled)])
    _check_refused(rc, text, master, before, listing, "geen toegang")
    assert "mag schrijven" in text


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv ontbreekt")
def test_read_only_folder_for_real(master: Path, filled: Path, tmp_path: Path) -> None:
    folder = tmp_path / "alleen_lezen"
    folder.mkdir()
    m = folder / master.name
    shutil.copy(master, m)
    before, listing = m.read_bytes(), files(folder)
    folder.chmod(0o555)
    try:
        cmd = [sys.executable, "-m", "mpp_xl.cli", "importeer-partner", str(m), str(filled)]
        if os.geteuid() == 0:  # root: drop what lets it write regardless of permissions
            cmd = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner",
                   "--", *cmd]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
        _check_refused(p.returncode, p.stdout + p.stderr, m, before, listing, "geen toegang")
        assert str(folder) in p.stderr
    finally:
        folder.chmod(0o755)


def test_disk_full_while_writing_the_master(master: Path, filled: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.fsync
    calls: list[int] = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # 1: the backup in .backup/, 2: the new master
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    before, listing = master.read_bytes(), files(master.parent)
    monkeypatch.setattr(os, "fsync", fsync)
    rc, text = run_cli(["importeer-partner", str(master), str(filled)])
    _check_refused(rc, text, master, before, listing, "vol", backup_kept=True)
    assert "Maak ruimte vrij" in text


def test_master_in_use_by_another_program(master: Path, filled: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.replace

    def replace(src: str, dst: str) -> None:
        if Path(dst).name == master.name:
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    for args in (["importeer-partner", str(master), str(filled)], ["ververs", str(master)]):
        before, listing = master.read_bytes(), files(master.parent)
        rc, text = run_cli(args)
        _check_refused(rc, text, master, before, listing, "in gebruik", backup_kept=True)
        assert "Sluit het bestand" in text


@pytest.mark.parametrize(("error", "fragment"), [
    (OSError(errno.ENOSPC, "No space left on device"), "is vol"),
    (OSError(errno.EROFS, "Read-only file system"), "alleen gelezen"),
    (PermissionError(errno.EACCES, "Permission denied"), "geen toegang"),
    (OSError(errno.EBUSY, "Device or resource busy"), "in gebruik"),
    (OSError(errno.EIO, "Input/output error"), "Input/output error"),
])
def test_each_fault_gets_its_own_advice(error: OSError, fragment: str) -> None:
    from mpp_xl.io.fs_errors import fs_error_message

    text = fs_error_message(error, Path("map/MPP.xlsm"))
    assert fragment in text and "MPP.xlsm kon niet worden geschreven" in text
    assert "Er is niets gewijzigd" in text


def test_windows_sharing_violation_is_named_as_file_in_use() -> None:
    from mpp_xl.io.fs_errors import fs_error_message

    e = PermissionError(errno.EACCES, "The process cannot access the file")
    e.winerror = 32  # type: ignore[attr-defined]  # set by Python on Windows
    assert "een ander programma heeft het bestand in gebruik" in fs_error_message(e, None)
