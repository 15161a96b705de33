"""The shipped workbook and the UDF module agree: every MPP_* name used in a
formula exists, xlwings.conf names this module, the VBA project is kept and
pins the installed xlwings version."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlwings
from python_calamine import CalamineWorkbook

import udfs.mpp_udfs as U

from .blocks import EXAMPLE_CSV
from .vba import xlsm_vba_sources

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "workbooks" / "mpp_2024_2.xlsm"
TEMPLATE = ROOT / "mpp_xl" / "workbook" / "templates" / "xlwings_standalone.xlsm"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped workbook; while it is not shipped yet, one built from the
    example CSV by `mpp bouw` (or the builder API)."""
    if SHIPPED.exists():
        return SHIPPED
    out = tmp_path_factory.mktemp("wb") / "mpp_2024_2.xlsm"
    mpp = shutil.which("mpp")
    if mpp is not None:
        proc = subprocess.run([mpp, "bouw", str(EXAMPLE_CSV), "-o", str(out)],
                              capture_output=True, text=True, cwd=ROOT, timeout=300)
        if proc.returncode == 0 and out.exists():
            return out
    from mpp_xl.core.assumptions import Assumptions
    from mpp_xl.workbook.builder import build

    build(Assumptions.from_csv(EXAMPLE_CSV), out)
    return out


def _formulas(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        out: list[str] = []
        for n in z.namelist():
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n):
                out += [f.decode("utf-8") for f in re.findall(rb"<f[^>]*>(.*?)</f>", z.read(n),
                                                              re.S)]
    return out


def test_every_function_in_formulas_exists(workbook: Path) -> None:
    used: set[str] = set()
    for f in _formulas(workbook):
        used |= set(re.findall(r"(?<![A-Za-z0-9_.])(?:_xludf\.)?(MPP_[A-Za-z0-9_]+)\s*\(", f))
    assert "MPP_MODEL" in used and len(used) > 10
    missing = sorted(n for n in used if n.upper() not in U.CATALOGUE)
    assert missing == []
    for n in used:
        assert callable(getattr(U, n.upper()))


def _conf(path: Path) -> dict[str, object]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("xlwings.conf").to_python()
    return {str(r[0]).strip(): r[1] for r in rows if r and r[0] not in (None, "")}


def test_conf_names_this_udf_module(workbook: Path, tmp_path: Path) -> None:
    conf = _conf(workbook)
    modules = [m.strip() for m in str(conf["UDF Modules"]).split(";") if m.strip()]
    assert modules == ["udfs.mpp_udfs"]
    # no PYTHONPATH: xlwings would resolve a relative entry against Excel's folder
    assert not str(conf.get("PYTHONPATH") or "").strip()
    # the module imports from the installed package alone, from any folder
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "XLWINGS_ON_SERVER")}
    proc = subprocess.run([sys.executable, "-c", f"import {modules[0]} as m; print(m.__name__)"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "udfs.mpp_udfs"


def test_vba_project_kept_and_pins_installed_xlwings(workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as z, zipfile.ZipFile(TEMPLATE) as t:
        assert z.read("xl/vbaProject.bin") == t.read("xl/vbaProject.bin")
        assert b"vbaProject" in z.read("[Content_Types].xml")
        assert b"macroEnabled" in z.read("[Content_Types].xml")
    sources = xlsm_vba_sources(workbook)
    xl = sources["xlwings"]
    assert re.search(r"'Version: (\S+)", xl).group(1) == xlwings.__version__
    dlls = set(re.findall(r"xlwings(?:32|64)-([\d.]+)\.dll", xl))
    assert dlls == {xlwings.__version__}
    # the macro behind the button runs the installed package, not a module named
    # after the file (tests/udfs/test_vba_button.py reads it back with oletools)
    assert any("RunPython" in src and "import mpp_xl." in src for name, src in sources.items()
               if name != "xlwings")
    assert not any("SampleCall" in src for src in sources.values())
