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


#: Where a function-level import of the package is allowed, and why: the
#: commands load the layer a command needs only when it runs (start-up time of
#: `mpp`); the model cache loads the Monte Carlo module only for MPP_BAND.
LOAD_ON_USE = {"mpp_xl/commands/": "the command's own layer",
               "mpp_xl/analysis/model_cache.py": "mpp_xl.analysis.uncertainty for MPP_BAND"}


def _function_level_package_imports(path: Path) -> list[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.ImportFrom) and (
                    node.level > 0 or (node.module or "").split(".")[0] in ("mpp_xl", "udfs")):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.Import) and any(
                    a.name.split(".")[0] in ("mpp_xl", "udfs") for a in node.names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_function_level_imports_of_the_package() -> None:
    """Imports sit at module top (the layers make cycles impossible), except
    the documented load-on-use imports."""
    files = [*(ROOT / "mpp_xl").rglob("*.py"), *(ROOT / "udfs").rglob("*.py")]
    found = [hit for f in files for hit in _function_level_package_imports(f)
             if not any(hit.startswith(prefix) for prefix in LOAD_ON_USE)]
    assert found == []
    # the check sees such imports: the commands have them
    assert _function_level_package_imports(ROOT / "mpp_xl" / "commands" / "run.py")
