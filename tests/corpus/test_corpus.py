"""Every corpus case through the CLI (``mpp valideer`` and ``mpp ververs``):
the expected exit code, a Dutch message naming the sheet and cell, never a
traceback, and the file unchanged unless a refresh succeeded. Cases that
attack memory (zip and entity bombs, a cell in XFD1048576) run in a
subprocess limited to 1 GB of address space, and their peak memory is
checked."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import run_cli

from . import make_corpus as mc

CASES = {c.name: c for c in mc.cases()}
MEMORY_LIMIT = 1 << 30  # bytes of address space for the bomb cases
PEAK_RSS_LIMIT_MB = 400
HANG_GUARD_S = 60  # a case that hangs is killed (not a speed target)


#: Cases whose file is made by LibreOffice (tag "soffice"): only they need it.
NEEDS_SOFFICE = {n for n, c in CASES.items() if "soffice" in c.tags}


@pytest.fixture(scope="session")
def corpus_base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """(folder, bytes of the refreshed example workbook) for the cases."""
    d = tmp_path_factory.mktemp("corpus")
    return d, mc.example_bytes(d)


@pytest.fixture(scope="session")
def corpus(corpus_base: tuple[Path, bytes]) -> dict[str, Path]:
    """Every case's file, except those LibreOffice makes (see ``case_file``)."""
    d, base = corpus_base
    return mc.write_all(d / "gevallen", base, skip_tags=("soffice",))


def case_file(name: str, corpus: dict[str, Path], corpus_base: tuple[Path, bytes]) -> Path:
    """The file of one case; a LibreOffice case is made on first use."""
    if name not in corpus:
        d, base = corpus_base
        folder = d / "gevallen" / name
        folder.mkdir(parents=True, exist_ok=True)
        corpus[name] = CASES[name].make(folder, base)
    return corpus[name]


def _params(names: list[str]) -> list[object]:
    return [pytest.param(n, marks=pytest.mark.libreoffice) if n in NEEDS_SOFFICE else n
            for n in names]


def sha(p: Path) -> str | None:
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None


def run_limited(commands: list[list[str]], cwd: Path) -> tuple[list[tuple[int, str]], float]:
    """CLI commands one after the other in one fresh process under RLIMIT_AS:
    ([(exit code, output)], peak resident memory of that process in MB)."""
    res_file = cwd / "results.json"
    res_file.unlink(missing_ok=True)
    code = ("import contextlib, io, json, resource, sys\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n"
            "from mpp_xl.cli import main\n"
            "res = []\n"
            f"for args in {commands!r}:\n"
            "    buf = io.StringIO()\n"
            "    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):\n"
            "        rc = main(args)\n"
            "    res.append((rc, buf.getvalue()))\n"
            "kb = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
            f"json.dump({{'res': res, 'hwm_kb': int(kb[0])}}, open({str(res_file)!r}, 'w'))\n")
    with open(cwd / "out.txt", "wb") as out:
        p = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=subprocess.STDOUT,
                             cwd=cwd)
        try:
            _, status, _ = _wait4(p, HANG_GUARD_S)
        finally:
            if p.poll() is None:
                p.kill()
    text = (cwd / "out.txt").read_text(errors="replace")
    # VmHWM of the child itself (ru_maxrss would include the parent's, which
    # Linux carries over across fork/exec); a child that died wrote nothing
    assert res_file.exists(), f"the process died (status {status}):\n{text}"
    data = json.loads(res_file.read_text())
    return [(int(rc), out + text) for rc, out in data["res"]], data["hwm_kb"] / 1024


def _wait4(p: subprocess.Popen[bytes], timeout: float) -> tuple[int, int, resource.struct_rusage]:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            p.returncode = os.waitstatus_to_exitcode(status)
            return pid, status, usage
        time.sleep(0.02)
    p.kill()
    pid, status, usage = os.wait4(p.pid, 0)
    p.returncode = -9
    raise AssertionError(f"no answer within {timeout} s: {p.args}")


def check_outcome(case: mc.Case, cmd: str, expect: mc.Expect, rc: int, text: str) -> None:
    assert "Traceback" not in text and "Onverwachte fout" not in text, text
    assert rc == expect.code, f"{case.name} {cmd}: exit {rc}, expected {expect.code}\n{text}"
    assert expect.fragment in text, f"{case.name} {cmd}: '{expect.fragment}' not in\n{text}"
    assert expect.where in text, f"{case.name} {cmd}: '{expect.where}' not named in\n{text}"


def readable(p: Path) -> None:
    import python_calamine as pc

    with zipfile.ZipFile(p) as z:
        assert z.testzip() is None
    wb = pc.CalamineWorkbook.from_path(str(p))
    assert "Uitkomsten" in wb.sheet_names
    assert wb.get_sheet_by_name("Uitkomsten").to_python()


@pytest.mark.parametrize("name", _params([n for n, c in CASES.items() if not c.bomb]))
def test_case(name: str, corpus: dict[str, Path], corpus_base: tuple[Path, bytes]) -> None:
    case = CASES[name]
    path = case_file(name, corpus, corpus_base)
    before = sha(path)
    rc, text = run_cli(["valideer", str(path)])
    check_outcome(case, "valideer", case.validate, rc, text)
    assert sha(path) == before, "validate changed the file"

    rc, text = run_cli(["ververs", str(path)])
    check_outcome(case, "ververs", case.refresh, rc, text)
    if case.refresh.code != 0:
        assert sha(path) == before, "a refused refresh changed the file"
        assert not (path.parent / ".backup").exists() or not any(
            (path.parent / ".backup").iterdir()), "a refused refresh made a backup"
    else:
        assert sha(path) != before
        readable(path)
        backups = list((path.parent / ".backup").iterdir())
        assert len(backups) == 1 and hashlib.sha256(backups[0].read_bytes()).hexdigest() \
            == before, "the previous version must be kept in .backup/"
        if case.check is not None:
            case.check(path)
    leftovers = [p.name for p in path.parent.glob(f".{path.name}.*.tmp")
                 if case.refresh.code == 0 or "abc123" not in p.name]
    assert not leftovers, f"temporary files left behind: {leftovers}"


@pytest.mark.parametrize("name", _params([n for n, c in CASES.items() if c.bomb]))
def test_bomb_case(name: str, corpus: dict[str, Path],
                   corpus_base: tuple[Path, bytes]) -> None:
    case = CASES[name]
    path = case_file(name, corpus, corpus_base)
    before = sha(path)
    results, peak = run_limited([["valideer", str(path)], ["ververs", str(path)]], path.parent)
    print(f"{name}: peak {peak:.0f} MB")
    assert peak < PEAK_RSS_LIMIT_MB, f"{name}: peak memory {peak:.0f} MB"
    for (cmd, expect), (rc, text) in zip((("valideer", case.validate),
                                          ("ververs", case.refresh)), results, strict=True):
        check_outcome(case, cmd, expect, rc, text)
    assert sha(path) == before


def test_corpus_size_and_kinds() -> None:
    assert len(CASES) >= 40
    assert sum(c.validate.code == 2 for c in CASES.values()) >= 30
    assert sum(bool(c.validate.where) for c in CASES.values()) >= 20
    assert all(c.note for c in CASES.values() if c.validate.code == 0 or c.refresh.code == 0)


def test_cells_used_by_the_corpus_are_where_the_cases_think(corpus: dict[str, Path]) -> None:
    """The corpus edits fixed cells of the example: check them with openpyxl
    (independent of our reader), so a layout change cannot make cases vacuous."""
    import openpyxl

    wb = openpyxl.load_workbook(corpus["versie_xlsm"], read_only=True)
    for (sheet, ref), key in mc.EXPECTED_ROWS.items():
        row = int(ref[1:])
        assert wb[sheet][f"A{row}"].value == key, (sheet, ref)


def test_put_cells_inserts_in_column_order() -> None:
    xml = b'<sheetData><row r="2"><c r="A2"/><c r="C2"/></row></sheetData>'
    out = mc.put_cells(xml, {"B2": '<c r="B2"><v>1</v></c>', "A1": '<c r="A1"><v>2</v></c>',
                             "C2": None})
    assert out == (b'<sheetData><row r="1"><c r="A1"><v>2</v></c></row><row r="2"><c r="A2"/>'
                   b'<c r="B2"><v>1</v></c></row></sheetData>')


def test_bomb_builders_are_what_they_claim() -> None:
    """The zip bombs really inflate to what they say (checked by streaming a
    prefix, so the test stays cheap)."""
    import zlib

    blob = mc.zeros_deflated(8)
    d = zlib.decompressobj(-15)
    n = 0
    buf = blob
    while buf:
        n += len(d.decompress(buf, 1 << 20))
        buf = d.unconsumed_tail
    assert n == 8 << 20 and len(blob) < 16_000
