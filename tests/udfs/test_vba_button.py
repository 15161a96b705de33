"""The button works under any file name: its macro is the project's own
``MPP_Vernieuwen``, which runs an installed module (never one named after the
file). The VBA project is read back with oletools (olevba/olefile), a reader
independent of the script that writes it (scripts/make_vba_template.py)."""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import xlwings

olefile = pytest.importorskip("olefile")
olevba = pytest.importorskip("oletools.olevba")

from mpp_xl.core.assumptions import Assumptions  # noqa: E402
from mpp_xl.workbook import buttons  # noqa: E402
from mpp_xl.workbook.builder import build  # noqa: E402

from .blocks import EXAMPLE_CSV  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "mpp_xl" / "workbook" / "templates" / "xlwings_standalone.xlsm"
QUICKSTART = Path(xlwings.__file__).with_name("quickstart_standalone.xlsm")
NAME = "MPP 2025-1 concept v2.xlsm"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "make_vba_template", ROOT / "scripts" / "make_vba_template.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def named_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A master built under a name with spaces and hyphens (no module name)."""
    out = tmp_path_factory.mktemp("naam") / NAME
    build(Assumptions.from_csv(EXAMPLE_CSV), out)
    return out


def _vba_bin(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def _modules(path: Path) -> dict[str, str]:
    """Module name -> source, as olevba reads it."""
    parser = olevba.VBA_Parser(str(path))
    try:
        out = {}
        for _f, stream, _name, code in parser.extract_macros():
            out[stream.split("/")[-1]] = code
        return out
    finally:
        parser.close()


def test_button_macro_imports_an_installed_module(named_master: Path) -> None:
    assert not Path(NAME).stem.isidentifier()  # the old SampleCall could not import it
    modules = _modules(named_master)
    subs = {m: re.findall(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(", src, re.M | re.I)
            for m, src in modules.items()}
    assert "SampleCall" not in {s for v in subs.values() for s in v}
    owner = [m for m, v in subs.items() if buttons.MACRO in v]
    assert owner == ["Module1"]
    body = modules["Module1"].split(f"Sub {buttons.MACRO}(", 1)[1].split("End Sub", 1)[0]
    assert "ThisWorkbook.Name" not in body  # nothing derived from the file name
    calls = re.findall(r'^\s*RunPython\s+"([^"]*)"\s*$', body, re.M)
    assert len(calls) == 1
    m = re.fullmatch(r"import ([\w.]+) as (\w+); \2\.(\w+)\(\)", calls[0])
    assert m is not None, calls[0]
    module = importlib.import_module(m.group(1))  # installed, importable from anywhere
    assert callable(getattr(module, m.group(3)))
    # and the shapes on the sheets call exactly this macro
    from tests.workbook.test_windows_excel import shape_macros

    names = {mac.split("!")[-1] for shapes in shape_macros(named_master).values()
             for mac, _ in shapes}
    assert names == {buttons.MACRO}


def test_module_is_importable_outside_the_repository(named_master: Path, tmp_path: Path) -> None:
    """What Excel's python.exe does: a fresh interpreter in another folder."""
    import os
    import sys

    body = _modules(named_master)["Module1"]
    command = re.search(r'RunPython\s+"([^"]*)"', body).group(1)  # type: ignore[union-attr]
    importer = command.split(";")[0]
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    proc = subprocess.run([sys.executable, "-c", importer], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr


def test_other_modules_keep_xlwings_source_exactly(named_master: Path) -> None:
    built, original = _modules(named_master), _modules(QUICKSTART)
    assert set(built) == set(original)
    for name in original:
        if name != "Module1":
            assert built[name] == original[name], name
    xl = built["xlwings"]
    assert re.search(r"'Version: (\S+)", xl).group(1) == xlwings.__version__  # type: ignore[union-attr]
    assert set(re.findall(r"xlwings(?:32|64)-([\d.]+)\.dll", xl)) == {xlwings.__version__}


def test_vba_project_has_no_compiled_code_to_go_stale(named_master: Path) -> None:
    """Excel must compile every module from source ("VBA stomping" impossible):
    _VBA_PROJECT is the 7-byte form without a performance cache (version
    0xFFFF) and every module stream is compressed source from byte 0."""
    ole = olefile.OleFileIO(_vba_bin(named_master))
    try:
        head = ole.openstream("VBA/_VBA_PROJECT").read()
        assert len(head) == 7 and head[:2] == b"\xcc\x61" and head[2:4] == b"\xff\xff"
        streams = ["/".join(p) for p in ole.listdir()]
        assert not [s for s in streams if "__SRP_" in s]
        for name in ("Module1", "xlwings", "Dictionary", "ThisWorkbook", "Sheet1", "Sheet2"):
            data = ole.openstream(f"VBA/{name}").read()
            src = bytes(olevba.decompress_stream(bytearray(data))).decode("latin-1")
            assert src.startswith(f'Attribute VB_Name = "{name}"'), name
    finally:
        ole.close()


def test_template_is_what_the_script_makes() -> None:
    """The shipped template is reproducible from xlwings' own quickstart."""
    mod = _script()
    assert mod.MACRO == buttons.MACRO
    assert mod.make_template(QUICKSTART) == TEMPLATE.read_bytes()


def test_compression_round_trips_through_oletools() -> None:
    mod = _script()
    import random

    rng = random.Random(4)
    samples = [b"", b"a", b"abc" * 3000, bytes(rng.randrange(3) for _ in range(9000)),
               bytes(rng.randrange(256) for _ in range(5000)),
               (ROOT / "scripts" / "make_vba_template.py").read_bytes()]
    for s in samples:
        assert bytes(olevba.decompress_stream(bytearray(mod.compress(s)))) == s


@pytest.mark.libreoffice
def test_libreoffice_imports_the_vba_project(named_master: Path, tmp_path: Path) -> None:
    """A real office suite's VBA importer (its own compound-file and MS-OVBA
    reader) finds every module, and the button's macro in Module1."""
    from tests.workbook.test_libreoffice import _soffice

    ods = _soffice(tmp_path, named_master, "ods")
    with zipfile.ZipFile(ods) as z:
        basic = {n.split("/")[-1][:-4]: z.read(n).decode() for n in z.namelist()
                 if n.startswith("Basic/VBAProject/") and n.endswith(".xml")
                 and "script-" not in n}
    assert {"Module1", "xlwings", "Dictionary", "ThisWorkbook"} <= set(basic)
    assert f"Sub {buttons.MACRO}()" in basic["Module1"]
    assert "RunPython" in basic["Module1"] and "SampleCall" not in basic["Module1"]
