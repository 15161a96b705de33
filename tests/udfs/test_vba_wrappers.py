"""The classic VBA wrappers that "Import Functions" writes, generated with
xlwings' own generator (``xlwings.udfs.generate_vba_wrapper``) on Linux: the
Windows-only imports of ``xlwings.udfs`` are stubbed in a subprocess and the
classic decorators (``xlfunc``/``xlarg``) are applied as on Windows."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

import udfs.mpp_udfs as U

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "workbooks" / "mpp_2024_2.xlsm"

CHILD = textwrap.dedent("""
    import io, json, sys, types
    import xlwings as xw
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        sys.modules[name] = types.ModuleType(name)
    sys.modules["pythoncom"].CoInitialize = lambda: None
    sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
    sys.modules["win32com"].client = sys.modules["win32com.client"]
    import xlwings.udfs as xu
    xw.func, xw.arg, xw.ret = xu.xlfunc, xu.xlarg, xu.xlret   # what Windows uses
    module_name = sys.argv[1]
    module = __import__(module_name, fromlist=["_"])
    class Workbook:
        Name = "mpp_2024_2.xlsm"
    f = io.StringIO()
    xu.generate_vba_wrapper(module_name, module, f, Workbook())
    json.dump({"vba": f.getvalue(), "catalogue": sorted(module.CATALOGUE)}, sys.stdout)
""")

#: VBA keywords that cannot be parameter names.
VBA_RESERVED = {
    "and", "as", "boolean", "byref", "byte", "byval", "call", "case", "const", "currency",
    "date", "decimal", "declare", "dim", "do", "double", "each", "else", "elseif", "empty",
    "end", "enum", "eqv", "error", "event", "exit", "false", "for", "friend", "function",
    "get", "global", "gosub", "goto", "if", "imp", "implements", "in", "integer", "is",
    "let", "like", "long", "loop", "me", "mod", "new", "next", "not", "nothing", "null",
    "object", "on", "optional", "or", "paramarray", "preserve", "private", "property",
    "public", "raiseevent", "redim", "rem", "resume", "return", "select", "set", "single",
    "static", "step", "stop", "string", "sub", "then", "to", "true", "type", "typeof",
    "until", "variant", "wend", "while", "with", "xor",
}


def _conf_module() -> str:
    rows = CalamineWorkbook.from_path(str(SHIPPED)).get_sheet_by_name("xlwings.conf").to_python()
    conf = {str(r[0]).strip(): r[1] for r in rows if r and r[0] not in (None, "")}
    return str(conf["UDF Modules"]).strip()


@pytest.fixture(scope="module")
def generated() -> dict[str, object]:
    module = _conf_module()
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-c", CHILD, module], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def _functions(vba: str) -> dict[str, tuple[str, str]]:
    """Function name -> (parameter list, body)."""
    out = {}
    for m in re.finditer(r"^Function (\w+)\((.*?)\)\n(.*?)^End Function", vba, re.S | re.M):
        out[m.group(1)] = (m.group(2), m.group(3))
    return out


def test_a_wrapper_per_function_calling_the_conf_module(generated: dict[str, object]) -> None:
    vba = str(generated["vba"])
    funcs = _functions(vba)
    assert set(funcs) == set(U.CATALOGUE) == set(generated["catalogue"])
    module = _conf_module()
    assert module == "udfs.mpp_udfs"
    for name, (_params, body) in funcs.items():
        assert f'XLPy.CallUDF("{module}", "{name}", ' in body, name
        assert "ThisWorkbook, Application.Caller)" in body  # an .xlsm, not an add-in
        assert f"{name} = Err.Description" in body


def test_wrapper_signatures(generated: dict[str, object]) -> None:
    funcs = _functions(str(generated["vba"]))
    assert funcs["MPP_MODEL"][0] == "ParamArray bereiken()"
    body = funcs["MPP_MODEL"][1]
    assert "argsArray(0 + k - LBound(bereiken)) = bereiken(k)" in body
    assert funcs["MPP_COA_BEZETTING"][0] == "jaar, scenario, Optional model"
    assert funcs["MPP_BAND"][0] == "reeks, jaar, percentiel, Optional model"
    assert funcs["MPP_VALIDATIE"][0] == "Optional model, Optional lijst"
    assert funcs["MPP_VARIANT"][0] == "reeks, jaar, scenario, variantnaam, Optional model"
    assert funcs["MPP_REEKSEN"][0] == ""


def test_wrappers_are_valid_vba(generated: dict[str, object]) -> None:
    vba = str(generated["vba"])
    assert max(len(line) for line in vba.splitlines()) < 1024  # VBA's line limit
    for name, (params, _body) in _functions(vba).items():
        assert len(name) <= 255 and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name)
        # a name like ABC1 would be a cell reference in Excel
        assert not re.fullmatch(r"[A-Za-z]{1,3}\d{1,7}", name), name
        for p in params.split(","):
            word = p.replace("Optional", "").replace("ParamArray", "").replace("()", "")
            word = word.strip()
            if word:
                assert word.lower() not in VBA_RESERVED, (name, word)
                assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", word), (name, word)
