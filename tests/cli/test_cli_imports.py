"""Start-up of the command line: building the parser (every command module),
``mpp --hulp``, ``mpp OPDRACHT --hulp`` and computing or validating a CSV load
only what they use (issue 22)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLE_CSV

EXCEL_STACK = ("openpyxl", "formulas", "matplotlib", "xlwings")
#: Not needed to print help: the numerical stack as well.
HEAVY = ("numpy", "pandas", "scipy", *EXCEL_STACK)


def _loaded(code: str, watch: tuple[str, ...] = HEAVY) -> list[str]:
    probe = (f"{code}\nimport sys\n"
             f"print('GELADEN:' + ','.join(m for m in {watch!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    last = out.stdout.strip().splitlines()[-1]
    assert last.startswith("GELADEN:")
    return [m for m in last.removeprefix("GELADEN:").split(",") if m]


def _main(argv: list[str], exit_code: int = 0) -> str:
    """``mpp ARGV`` in-process (help exits through SystemExit)."""
    return (f"from mpp_xl.cli import main\n"
            f"try:\n    rc = main({argv!r})\nexcept SystemExit as e:\n    rc = e.code\n"
            f"assert rc == {exit_code}, rc\n")


def test_parser_loads_nothing_heavy() -> None:
    assert _loaded("from mpp_xl.cli import build_parser\nbuild_parser()") == []


def test_help_of_mpp_and_of_every_command_loads_nothing_heavy() -> None:
    """``mpp --hulp`` and ``mpp OPDRACHT --hulp`` for every command, in one process."""
    from mpp_xl.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    commands = list(sub.choices)  # every registered command (hidden aliases left out)
    assert {"bouw", "ververs", "reken", "doelzoeken", "rapport"} <= set(commands)
    code = "".join(_main(argv) for argv in (["--hulp"], *([c, "--hulp"] for c in commands)))
    assert _loaded(code) == []


def test_computing_a_csv_loads_no_scipy_or_excel_stack() -> None:
    code = _main(["reken", str(EXAMPLE_CSV)])
    assert _loaded(code, ("scipy", *EXCEL_STACK)) == []


def test_validating_a_csv_loads_no_excel_or_report_stack() -> None:
    code = f"from mpp_xl.cli import main\nassert main(['valideer', {str(EXAMPLE_CSV)!r}]) == 0"
    assert _loaded(code, EXCEL_STACK) == []


def test_refresh_loads_no_excel_stack_nor_scipy_when_bands_are_stored(master: Path) -> None:
    """The headless refresh: no xlwings/matplotlib (the UDF module's decorators),
    no openpyxl, no ``formulas`` (the direct evaluator), and, for a workbook whose
    stored bands belong to its model, no scipy (no Monte Carlo run)."""
    assert _loaded(_main(["ververs", str(master)]), ("scipy", *EXCEL_STACK)) == []


def test_the_probe_sees_heavy_modules() -> None:
    """The probe can see a heavy module when a command needs it."""
    assert "openpyxl" in _loaded("import mpp_xl.workbook.builder")
    assert set(_loaded(_main(["reken", str(EXAMPLE_CSV)]))) >= {"numpy", "pandas"}
