"""Crash safety and concurrency of ``mpp ververs``.

* A refresh killed with SIGKILL at random moments leaves the old or a new
  complete workbook, never a truncated one, and the next refresh is not
  blocked (the fcntl lock dies with the process; stale temp files are
  ignored).
* Two refreshes at the same time: the second refuses with a Dutch message
  (exit 2); the file is one complete write.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing as mp
import os
import random
import signal
import time
import zipfile
from pathlib import Path

import pytest

from mpp_xl.cli import main
from mpp_xl.core.problems import MppError
from mpp_xl.workbook.refresh_file import exclusive, refresh_workbook

CTX = mp.get_context("fork")  # the child starts with everything imported: kills hit the work
N_KILLS = 14


def complete(p: Path) -> None:
    """Open like a user would: zip intact, every part inflates, calamine reads it."""
    import python_calamine as pc

    with zipfile.ZipFile(p) as z:
        assert z.testzip() is None
    wb = pc.CalamineWorkbook.from_path(str(p))
    for s in ("COA", "Uitkomsten", "Logboek"):
        assert wb.get_sheet_by_name(s).to_python()


def log_entries(p: Path) -> int:
    import python_calamine as pc

    rows = pc.CalamineWorkbook.from_path(str(p)).get_sheet_by_name("Logboek").to_python()
    return sum(1 for r in rows if r and str(r[1]).strip() == "ververst")


def _refresh_child(path: str) -> None:
    refresh_workbook(path)


def _forked_refresh_time(workbook: Path) -> float:
    """How long a forked refresh takes here and now (same load as the kills)."""
    t0 = time.perf_counter()
    p = CTX.Process(target=_refresh_child, args=(str(workbook),))
    p.start()
    p.join()
    assert p.exitcode == 0
    return time.perf_counter() - t0


def test_sigkill_at_random_moments_never_leaves_a_broken_workbook(workbook: Path) -> None:
    duration = _forked_refresh_time(workbook)
    rng = random.Random(6)
    unchanged = changed = 0
    attempts = 0
    # N_KILLS kills at random moments over the refresh; go on (at most 3x) until
    # some kills came before the replace and some after, so both paths are tested
    while attempts < 3 * N_KILLS and (attempts < N_KILLS or not (unchanged and changed)):
        attempts += 1
        before = workbook.read_bytes()
        p = CTX.Process(target=_refresh_child, args=(str(workbook),))
        p.start()
        time.sleep(rng.uniform(0, duration * 1.3))
        os.kill(p.pid, signal.SIGKILL)
        p.join()
        complete(workbook)  # old or new: always whole
        if workbook.read_bytes() == before:
            unchanged += 1
        else:
            changed += 1
            duration = max(duration * 0.9, 0.05)
        if not changed and attempts >= N_KILLS // 2:
            duration *= 1.3  # the machine is slower than measured: spread wider
    assert unchanged >= 1, "no kill landed before the replace; the test proves nothing"
    assert changed >= 1, "no killed refresh got to the end"
    # the lock of a killed process does not block; a complete refresh follows
    n = log_entries(workbook)
    assert main(["ververs", str(workbook)]) == 0
    complete(workbook)
    assert log_entries(workbook) == n + 1


def _hold_lock(path: str, ready: mp.synchronize.Event) -> None:  # type: ignore[name-defined]
    with exclusive(Path(path)):
        ready.set()
        time.sleep(60)


def test_lock_of_a_killed_process_is_released(workbook: Path) -> None:
    ready = CTX.Event()
    p = CTX.Process(target=_hold_lock, args=(str(workbook), ready))
    p.start()
    assert ready.wait(10)
    with pytest.raises(MppError, match="al bijgewerkt"), exclusive(workbook):
        pass
    os.kill(p.pid, signal.SIGKILL)
    p.join()
    lock = workbook.with_name(f".{workbook.name}.lock")
    assert lock.exists()  # the killed holder could not remove its sidecar
    with exclusive(workbook):  # ... but its lock is not obeyed
        pass
    assert not lock.exists()  # and the next update removes it
    assert main(["ververs", str(workbook)]) == 0
    assert not lock.exists()


def _sidecars(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".lock"))


def test_no_lock_file_stays_after_a_command(workbook: Path, tmp_path: Path) -> None:
    """The sidecar lock lives only while a command works: none after a refresh,
    a sign-off, a refused (second) refresh or a failed one."""
    assert main(["ververs", str(workbook)]) == 0
    assert _sidecars(tmp_path) == []
    assert main(["vaststellen", str(workbook), "--partner", "IND", "--naam", "A. Jansen"]) == 0
    assert _sidecars(tmp_path) == []
    with exclusive(workbook), contextlib.redirect_stderr(io.StringIO()):
        assert main(["ververs", str(workbook)]) == 2  # refused: the other one holds it
        assert _sidecars(tmp_path) == [f".{workbook.name}.lock"]  # the holder's, in use
    assert _sidecars(tmp_path) == []
    with pytest.raises(RuntimeError), exclusive(workbook):
        raise RuntimeError("the work failed")
    assert _sidecars(tmp_path) == []



def test_no_lock_file_after_bouw_and_ververs_of_a_master(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLE_CSV

    out = tmp_path / "MPP 2025-1 concept v2.xlsm"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["bouw", str(EXAMPLE_CSV), "-o", str(out)]) == 0
        assert _sidecars(tmp_path) == []
        assert main(["ververs", str(out)]) == 0
    assert _sidecars(tmp_path) == []
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_lock_on_a_removed_sidecar_is_taken_again(workbook: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The race of removing the sidecar: an update opens it, the holder removes
    it and leaves, then the update locks the removed file. It must notice and
    lock the sidecar that exists, or two updates would both "hold" the lock."""
    import mpp_xl.workbook.refresh_file as R

    lock = workbook.with_name(f".{workbook.name}.lock")
    real, calls = R._lock_nb, []

    def lock_after_holder_left(fd: int) -> None:
        if not calls:
            lock.unlink()  # the holder removed its sidecar after our open
        calls.append(os.fstat(fd).st_ino)
        real(fd)

    monkeypatch.setattr(R, "_lock_nb", lock_after_holder_left)
    with exclusive(workbook):
        assert len(calls) == 2  # the first lock (on the removed file) was not trusted
        assert calls[-1] == os.stat(lock).st_ino  # the held lock is the visible sidecar
    assert not lock.exists()
