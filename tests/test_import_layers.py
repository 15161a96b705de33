"""The package keeps one import direction (pyproject.toml, [tool.importlinter]):
core <- io, engine <- analysis <- workbook <- api <- commands <- cli, udfs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = ("import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())")


def _lint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run([sys.executable, "-c", LINT, "--no-cache", "--no-logo", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept() -> None:
    out = _lint()
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 kept, 0 broken" in out.stdout, out.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    """The check is not vacuous: with core declared above the engine (which
    imports the registry from core) the layers contract is broken."""
    cfg = tmp_path / "layers.toml"
    cfg.write_text(
        '[tool.importlinter]\nroot_packages = ["mpp_xl"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "core above engine"\ntype = "layers"\n'
        'layers = ["mpp_xl.core", "mpp_xl.engine"]\n', encoding="utf-8")
    out = _lint(str(cfg))
    assert out.returncode == 1, out.stdout + out.stderr
    assert "mpp_xl.engine" in out.stdout and "mpp_xl.core.registry" in out.stdout
