"""The ``libreoffice`` marker of tests/conftest.py, run in a small suite of
its own: without LibreOffice the marked tests are skipped under one reason
naming them (one line in the short summary) and the rest runs; with it
(here a stand-in ``soffice`` on PATH) the marked tests run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).with_name("conftest.py")
SUITE = '''
import pytest

@pytest.mark.libreoffice
def test_met_lo_a():
    pass

@pytest.mark.libreoffice
def test_met_lo_b():
    pass

def test_zonder_lo():
    pass
'''


def _run(tmp_path: Path, env: dict[str, str]) -> str:
    suite = tmp_path / "suite"
    suite.mkdir(exist_ok=True)
    shutil.copy(CONFTEST, suite / "conftest.py")
    (suite / "test_voorbeeld.py").write_text(SUITE)
    (suite / "pytest.ini").write_text(
        "[pytest]\naddopts = -ra --strict-markers\nmarkers =\n    libreoffice: needs LibreOffice\n")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(suite)], capture_output=True, text=True, timeout=120,
                          cwd=suite, env={**os.environ, **env}, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_without_libreoffice_one_line_names_the_skipped_tests(tmp_path: Path) -> None:
    out = _run(tmp_path, {"MPP_ZONDER_LIBREOFFICE": "1"})
    lines = [ln for ln in out.splitlines() if "LibreOffice ontbreekt" in ln]
    assert len(lines) == 1, out
    assert "LibreOffice ontbreekt: 2 tests overgeslagen (test_met_lo_a, test_met_lo_b)" \
        in lines[0]
    assert "test_zonder_lo" not in lines[0]
    assert "1 passed, 2 skipped" in out


def test_with_libreoffice_the_marked_tests_run(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    out = _run(tmp_path, {"MPP_ZONDER_LIBREOFFICE": "0", "PATH": path})
    assert "LibreOffice ontbreekt" not in out
    assert "3 passed" in out and "skipped" not in out
