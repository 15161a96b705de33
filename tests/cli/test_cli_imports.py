"""Start-up of the command line: building the parser (every command module)
and validating a CSV load none of the Excel or report stack."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import EXAMPLE_CSV

HEAVY = ("openpyxl", "formulas", "matplotlib", "xlwings")


def _loaded(code: str) -> list[str]:
    probe = (f"{code}\nimport sys\n"
             f"print('GELADEN:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    last = out.stdout.strip().splitlines()[-1]
    assert last.startswith("GELADEN:")
    return [m for m in last.removeprefix("GELADEN:").split(",") if m]


def test_parser_loads_no_excel_or_report_stack() -> None:
    assert _loaded("from mpp_xl.cli import build_parser\nbuild_parser()") == []


def test_validating_a_csv_loads_no_excel_or_report_stack() -> None:
    code = f"from mpp_xl.cli import main\nassert main(['valideer', {str(EXAMPLE_CSV)!r}]) == 0"
    assert _loaded(code) == []


def test_building_a_workbook_does_load_openpyxl() -> None:
    """The probe can see a heavy module when a command needs it."""
    assert "openpyxl" in _loaded("import mpp_xl.workbook.builder")
