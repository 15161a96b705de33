"""The xlwings Server (Office.js) contract, run in a subprocess with
XLWINGS_ON_SERVER=true: the same module becomes custom functions whose
metadata and calls (Excel's payload format) match the engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mpp_xl import Forecast
from mpp_xl.analysis.scenario_order import scenario_crossings
from mpp_xl.core.assumptions import Assumptions, fingerprint
from mpp_xl.core.series import SERIES
from mpp_xl.workbook import sheets as S

from .blocks import EXAMPLE_CSV

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import asyncio, json, sys
    import xlwings as xw
    from xlwings import server
    import udfs.mpp_udfs as U
    import udfs.server_app as APP
    from mpp_xl.analysis import model_cache
    from tests.udfs.blocks import blocks_from_csv

    out = {"decorated": hasattr(U.MPP_MODEL, "__xlfunc__")}
    out["meta"] = server.custom_functions_meta(U)
    out["scripts"] = server.custom_scripts_meta(APP)

    def call(name, args):
        data = {"func_name": name, "args": args, "caller_address": "[mpp_2024_2.xlsm]Uitkomsten!B3",
                "formula_name": name, "culture_info_name": "nl-NL", "date_format": "d-M-yyyy",
                "version": xw.__version__, "runtime": "1.4", "client": "Office.js"}
        with model_cache.use_session("werkmap-1"):  # as the app does per request
            return asyncio.run(server.custom_functions_call(data, U))

    # ranges arrive as 2-D lists incl. the header row; numbers as JSON numbers, empty as ""
    blocks = [[["" if v is None else v for v in r] for r in b]
              for b in blocks_from_csv(year_as_float=False).values()]
    handle = call("MPP_MODEL", [blocks])
    out["handle"] = handle
    out["series"] = {k: call("MPP_" + k.upper(), [[[2026]], [["medio"]], handle])
                     for k in ("coa_bezetting", "ind_werkvoorraad", "dtv_instroom",
                               "nidos_caseload", "instroom_totaal")}
    out["no_model"] = call("MPP_COA_BEZETTING", [[[2027]], [["Maximum"]]])
    # a call in no session (the server's default) never uses a current model
    with model_cache.use_session(None):
        out["no_session"] = U.MPP_COA_BEZETTING(2027, "max")
    out["default_session"] = model_cache.session()
    # pyodide (absent here) recorded as absent: xlwings' per-cell import fails at once
    import importlib.util
    out["pyodide"] = [sys.modules.get("pyodide", "?") is None,
                      importlib.util.find_spec("pyodide") is None]
    try:
        from pyodide.ffi import JsNull  # noqa: F401
        out["pyodide_import"] = "importeerbaar"
    except ImportError as e:
        out["pyodide_import"] = type(e).__name__
    out["empty_model"] = call("MPP_COA_BEZETTING", [[[2027]], [["max"]], [[None]]])
    out["tabel"] = call("MPP_TABEL", [[["ind_werkvoorraad"]], handle])
    out["waarde"] = call("MPP_WAARDE", [[["COA_BEZETTING"]], [[2025]], [["min"]]])
    out["vingerafdruk"] = call("MPP_VINGERAFDRUK", [[["IND"]]])
    out["validatie"] = call("MPP_VALIDATIE", [])
    out["reeksen_rows"] = len(call("MPP_REEKSEN", []))
    out["bad_year"] = call("MPP_COA_BEZETTING", [[[2040]], [["medio"]]])
    out["bad_scen"] = call("MPP_COA_BEZETTING", [[[2026]], [["gemiddeld"]]])
    out["error_arg"] = call("MPP_COA_BEZETTING",
        [[[{"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}]], [["medio"]]])

    # the refresh as a script on a server book
    from mpp_xl.workbook.sheets import ALL_SHEETS
    raw = blocks_from_csv(year_as_float=False)
    def cells(n):
        return [["" if v is None else v for v in r] for r in raw.get(n, [[n]])]
    sheets = [{"name": n, "values": cells(n), "pictures": [], "tables": []}
              for n in ALL_SHEETS]
    book = xw.Book(json={"client": "Office.js", "version": xw.__version__,
                         "book": {"name": "mpp_2024_2.xlsm", "active_sheet_index": 0,
                                  "selection": "A1"}, "sheets": sheets, "names": []})
    asyncio.run(server.custom_scripts_call(APP, "MPP_VERNIEUWEN",
                                           typehint_to_value={xw.Book: book}))
    out["actions"] = [[a["func"], a["sheet_position"], a["start_row"], a["start_column"],
                       a["values"]] for a in book.json()["actions"]]
    json.dump(out, sys.stdout)
""")


@pytest.fixture(scope="module")
def served() -> dict:
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial",
               PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_decorators_register_on_server(served: dict) -> None:
    assert served["decorated"] is True


def test_meta_lists_catalogue_with_parameters(served: dict) -> None:
    funcs = {f["id"]: f for f in served["meta"]["functions"]}
    want = {f"MPP_{k.upper()}" for k in SERIES} | {
        "MPP_MODEL", "MPP_WAARDE", "MPP_TABEL", "MPP_REEKSEN", "MPP_VINGERAFDRUK",
        "MPP_VALIDATIE", "MPP_BAND", "MPP_VARIANT"}
    assert set(funcs) == want

    def params(name: str) -> list[tuple[str, bool, bool]]:
        return [(p["name"], p.get("optional", False), p.get("repeating", False))
                for p in funcs[name]["parameters"]]

    assert params("MPP_COA_BEZETTING") == [("jaar", False, False), ("scenario", False, False),
                                           ("model", True, False)]
    assert params("MPP_MODEL") == [("bereiken", False, True)]
    assert params("MPP_WAARDE") == [("reeks", False, False), ("jaar", False, False),
                                    ("scenario", False, False), ("model", True, False)]
    assert params("MPP_TABEL") == [("reeks", False, False), ("model", True, False)]
    assert params("MPP_REEKSEN") == []
    assert params("MPP_VINGERAFDRUK") == [("partner", False, False), ("model", True, False)]
    assert params("MPP_VALIDATIE") == [("model", True, False), ("lijst", True, False)]
    assert params("MPP_BAND") == [("reeks", False, False), ("jaar", False, False),
                                  ("percentiel", False, False), ("model", True, False)]
    assert params("MPP_VARIANT") == [("reeks", False, False), ("jaar", False, False),
                                     ("scenario", False, False), ("variantnaam", False, False),
                                     ("model", True, False)]
    assert "COA-bezetting" in funcs["MPP_COA_BEZETTING"]["description"]
    assert all(p["description"] and not p["description"].startswith("Positional")
               for f in funcs.values() for p in f["parameters"])
    # Office.js passes error values to these functions (so they can propagate them)
    assert served["meta"]["allowErrorForDataTypeAny"] is True


def test_calls_equal_engine(served: dict, engine_forecast: Forecast) -> None:
    assert served["handle"] == [[f"MPP 2024-2 · {engine_forecast.fingerprint[:8]}"]]
    for k, v in served["series"].items():
        assert v == [[engine_forecast.value(k, 2026, "medio")]], k
    assert served["no_model"] == [[engine_forecast.value("coa_bezetting", 2027, "max")]]
    assert served["empty_model"] == served["no_model"]
    assert served["no_session"].startswith("Geef de modelcel mee")
    assert served["default_session"] is None
    assert served["pyodide"] == [True, True]
    assert served["pyodide_import"] == "ModuleNotFoundError"
    assert served["waarde"] == [[engine_forecast.value("coa_bezetting", 2025, "min")]]
    tabel = served["tabel"]
    assert tabel[0] == ["jaar", "min", "medio", "max"]
    assert tabel[1:] == [[y, *engine_forecast.table("ind_werkvoorraad").loc[y].tolist()]
                         for y in engine_forecast.years("ind_werkvoorraad")]
    resolved = Assumptions.from_csv(EXAMPLE_CSV).resolve()
    assert served["vingerafdruk"] == [[fingerprint(resolved, "IND")]]
    problems = [*engine_forecast.problems, *scenario_crossings(engine_forecast)]
    n_err = sum(p.is_error for p in problems)
    assert served["validatie"] == [[n_err, len(problems) - n_err]]
    assert served["reeksen_rows"] == 1 + len(SERIES)


def test_errors_on_server(served: dict) -> None:
    assert served["bad_year"] == [["Jaar 2040 bestaat niet voor coa_bezetting; "
                                   "kies 2024 t/m 2029."]]
    assert served["bad_scen"] == [["Onbekend scenario 'gemiddeld'; kies min, medio of max."]]
    # an Excel error argument comes back as the same Excel error
    assert served["error_arg"] == [[{"type": "Error", "errorType": "NotAvailable"}]]


def test_refresh_script_on_server(served: dict, engine_forecast: Forecast) -> None:
    assert [s["function_name"] for s in served["scripts"]] == ["MPP_VERNIEUWEN"]
    positions = {i: name for i, name in enumerate(S.ALL_SHEETS)}
    written = {positions[a[1]] for a in served["actions"] if a[0] == "setValues"}
    assert written == {S.VALIDATIE, S.VASTSTELLING, S.LOGBOEK, S.BIJSTELLING, S.REALISATIE,
                       S.VARIANTEN, S.GEVOELIGHEID}
    assert served["actions"][-1][0] == "calculate"
    log = next(a for a in served["actions"]
               if a[0] == "setValues" and positions[a[1]] == S.LOGBOEK)
    assert log[4][0][3] == engine_forecast.fingerprint[:16]
