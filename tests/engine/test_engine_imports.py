"""The engine is pure: importing it loads numpy, not the Excel or data stack."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "openpyxl", "xlwings", "scipy", "matplotlib", "python_calamine", "formulas")


def test_engine_import_loads_numpy_only() -> None:
    code = (
        "import sys, mpp_xl.engine\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_names_still_resolve() -> None:
    import mpp_xl

    for name in mpp_xl.__all__:
        assert getattr(mpp_xl, name) is not None
    assert "Assumptions" in dir(mpp_xl)
