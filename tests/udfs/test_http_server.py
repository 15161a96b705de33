"""The xlwings Server app over real HTTP: uvicorn on 127.0.0.1 (a free port,
started and stopped by the fixture), driven with Office.js-shaped payloads
built from the shipped workbook's own cached values."""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

if any(importlib.util.find_spec(m) is None for m in ("fastapi", "uvicorn")):
    pytest.skip("de extra 'server' (fastapi, uvicorn) is niet geïnstalleerd: "
                "pip install -e '.[server]'", allow_module_level=True)

import openpyxl  # noqa: E402
import xlwings  # noqa: E402

from mpp_xl.core.registry import SHEETS  # noqa: E402
from mpp_xl.workbook import sheets as S  # noqa: E402
from tests.udfs.http_support import run_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "workbooks" / "mpp_2024_2.xlsm"
USER = "Jansen (IND)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1 (tests/udfs/http_support.py); its base URL."""
    with run_server(tmp_path_factory.mktemp("uvicorn")) as srv:
        yield srv.base


def _get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.status, r.headers.get("content-type", ""), r.read().decode()


def _post(url: str, payload: object, headers: dict[str, str] | None = None) -> Any:
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=120) as r:
        assert r.status == 200
        return json.loads(r.read())


# --- the shipped workbook as Office.js sends it -------------------------------------
@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    values = openpyxl.load_workbook(SHIPPED, data_only=True)
    formulas = openpyxl.load_workbook(SHIPPED)
    return {"values": values, "formulas": formulas}


def _office(v: object) -> object:
    """A cell value as Office.js's ``range.values`` has it (empty = "")."""
    return "" if v is None else v


def _range_values(wb: openpyxl.Workbook, ref: str) -> list[list[object]]:
    sheet, rng = ref.rsplit("!", 1)
    sheet = sheet.strip("'").replace("''", "'")
    return [[_office(c.value) for c in row] for row in wb[sheet][rng.replace("$", "")]]


def _call_payload(name: str, args: list[object], address: str) -> dict[str, object]:
    """The body the custom-functions client posts (as in the served JS)."""
    return {"func_name": name, "args": args, "caller_address": f"[mpp_2024_2.xlsm]{address}",
            "content_language": "nl-NL", "version": xlwings.__version__, "runtime": "1.4"}


def _model_ranges(shipped: dict[str, Any]) -> list[str]:
    f = shipped["formulas"][S.UITKOMSTEN][S.MODEL_CELL].value
    assert f.startswith("=MPP_MODEL(")
    return f[len("=MPP_MODEL("):-1].split(",")


def test_custom_functions_on_shipped_values(server: str, shipped: dict[str, Any]) -> None:
    vals = shipped["values"]
    ranges = _model_ranges(shipped)
    assert len(ranges) == len(SHEETS)
    blocks = [_range_values(vals, r) for r in ranges]
    url = server + "/xlwings/custom-functions-call"
    # a repeating parameter arrives as one argument: the list of its ranges
    handle = _post(url, _call_payload("MPP_MODEL", [blocks], "Uitkomsten!B3"))["result"]
    assert handle == [[vals[S.UITKOMSTEN][S.MODEL_CELL].value]]

    # every MPP_* cell of a partner outcome panel and of Uitkomsten's first tables:
    # the server gives the number the file shows
    checked = 0
    for sheet in ("COA", S.UITKOMSTEN):
        ws_f, ws_v = shipped["formulas"][sheet], vals[sheet]
        for row in ws_f.iter_rows():
            for c in row:
                m = re.fullmatch(r'=(MPP_[A-Z_]+)\(([^,]+),"(min|medio|max)",\$B\$3\)',
                                 str(c.value or ""))
                if not m or checked >= 40:
                    continue
                year_ref = m.group(2).replace("$", "")
                year = ws_v[year_ref].value
                got = _post(url, _call_payload(m.group(1), [[[year]], [[m.group(3)]], handle],
                                               f"{sheet}!{c.coordinate}"))["result"]
                assert got == [[pytest.approx(ws_v[c.coordinate].value, rel=1e-12)]], \
                    (sheet, c.coordinate)
                checked += 1
    assert checked == 40

    err = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
    got = _post(url, _call_payload("MPP_COA_BEZETTING", [[[err]], [["medio"]]], "X!A1"))
    assert got["result"] == [[{"type": "Error", "errorType": "NotAvailable"}]]
    ref = {"type": "Error", "basicValue": "#REF!", "errorType": "Reference"}
    got = _post(url, _call_payload("MPP_MODEL", [[[[ref]]]], "X!A1"))
    assert got["result"] == [[{"type": "Error", "errorType": "Ref"}]]  # Excel.ErrorCellValueType
    for empty in ([], [[]]):
        got = _post(url, _call_payload("MPP_MODEL", empty, "X!A1"))["result"]
        assert got[0][0].startswith("MPP_MODEL heeft de bereiken van de parameterbladen nodig")


def test_custom_functions_code_is_served_and_matches_meta(server: str) -> None:
    status, ctype, js = _get(server + "/xlwings/custom-functions-code")
    assert status == 200 and "javascript" in ctype
    _, _, meta_text = _get(server + "/xlwings/custom-functions-meta")
    ids = {f["id"] for f in json.loads(meta_text)["functions"]}
    associated = set(re.findall(r'CustomFunctions\.associate\("([A-Z_]+)"', js))
    assert associated == ids and "MPP_MODEL" in ids
    assert "/xlwings/custom-functions-call" in js and xlwings.__version__ in js
    status, ctype, cb = _get(server + "/xlwings/mpp-callbacks.js")
    assert status == 200 and "xlwings.registerCallback(mppBladBeveiliging)" in cb


NODE_HARNESS = r"""
const origin = process.argv[2];
const code = require("fs").readFileSync(process.argv[3], "utf8");
const associations = {};
globalThis.window = { location: { origin: origin } };
globalThis.Office = {
  onReady: (cb) => { if (cb) cb({}); return Promise.resolve({}); },
  context: { requirements: { isSetSupported: () => true }, contentLanguage: "nl-NL" },
};
globalThis.Excel = { RequestContext: class {
  constructor() { this.workbook = { name: "mpp_2024_2.xlsm", load() {} }; }
  async sync() {} } };
globalThis.CustomFunctions = {
  associate: (id, f) => { associations[id] = f; },
  ErrorCode: { invalidValue: "#VALUE!" },
  Error: class extends Error { constructor(code, msg) { super(msg); this.code = code; } },
};
eval(code);
(async () => {
  const args = JSON.parse(process.argv[4]);
  if (Array.isArray(args)) {  // several calls in one runtime (one session)
    const outs = [];
    for (const a of args) {
      try {
        outs.push(await associations[a.name](...a.args, { address: "Uitkomsten!B9" }));
      } catch (e) {
        outs.push({ fout: e.message });
      }
    }
    process.stdout.write(JSON.stringify(outs));
    return;
  }
  const out = await associations[args.name](...args.args, { address: "Uitkomsten!B9" });
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e)); process.exit(1); });
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is niet geïnstalleerd")
def test_served_javascript_calls_the_server(server: str, shipped: dict[str, Any],
                                            tmp_path: Path) -> None:
    """The served client itself (run in node with Office.js stubbed) posts the
    call and returns the server's result."""
    vals = shipped["values"]
    _, _, js = _get(server + "/xlwings/custom-functions-code")
    code = tmp_path / "cf.js"
    code.write_text(js)
    harness = tmp_path / "harness.js"
    harness.write_text(NODE_HARNESS)
    blocks = [_range_values(vals, r) for r in _model_ranges(shipped)]

    def run(name: str | list[dict[str, Any]], args: list[object] | None = None) -> Any:
        calls = name if isinstance(name, list) else {"name": name, "args": args}
        proc = subprocess.run(["node", str(harness), server, str(code), json.dumps(calls)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    handle = run("MPP_MODEL", [blocks])
    assert handle == [[vals[S.UITKOMSTEN][S.MODEL_CELL].value]]
    got = run("MPP_COA_BEZETTING", [[[2026]], [["medio"]], handle])
    ws_f = shipped["formulas"][S.UITKOMSTEN]
    cell = next(c for row in ws_f.iter_rows() for c in row
                if str(c.value or "").startswith('=MPP_COA_BEZETTING(')
                and '"medio"' in str(c.value) and ws_f[f"A{c.row}"].value == 2026)
    assert got == [[pytest.approx(vals[S.UITKOMSTEN][cell.coordinate].value, rel=1e-12)]]
    # one runtime is one session (its random X-MPP-Sessie): a call without the model
    # cell gets this runtime's model; a fresh runtime has none; a refused call (404)
    # shows the server's Dutch message
    outs = run([{"name": "MPP_MODEL", "args": [blocks]},
                {"name": "MPP_COA_BEZETTING", "args": [[[2026]], [["medio"]], [[""]]]}])
    assert outs[1] == got
    fresh = run("MPP_COA_BEZETTING", [[[2026]], [["medio"]], [[""]]])
    assert fresh[0][0].startswith("Nog geen model")
    js_unknown = code.read_text().replace('base("MPP_REEKSEN"', 'base("MPP_ONBEKEND"')
    code.write_text(js_unknown)
    outs = run([{"name": "MPP_REEKSEN", "args": []}])
    assert outs[0]["fout"].startswith("Onbekende functie 'MPP_ONBEKEND'")


def _book_payload(vals: openpyxl.Workbook) -> dict[str, Any]:
    sheets = []
    for ws in vals.worksheets:
        rows = [[_office(v) for v in r] for r in ws.iter_rows(values_only=True)]
        sheets.append({"name": ws.title, "values": rows or [[""]], "pictures": [],
                       "tables": []})
    return {"client": "Office.js", "version": xlwings.__version__,
            "book": {"name": "mpp_2024_2.xlsm", "active_sheet_index": 0, "selection": "A1"},
            "sheets": sheets, "names": []}


def _jwt(claims: dict[str, str]) -> str:
    def part(d: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}.c2ln"


def test_refresh_script_on_shipped_values(server: str, shipped: dict[str, Any]) -> None:
    vals = shipped["values"]
    payload = _book_payload(vals)
    names = [s["name"] for s in payload["sheets"]]
    url = server + "/xlwings/custom-scripts-call/MPP_VERNIEUWEN"
    out = _post(url, payload, {"X-MPP-Gebruiker": USER})
    actions = out["actions"]
    funcs = [a["func"] for a in actions]
    assert "alert" not in funcs  # no validation errors on the shipped inputs
    assert funcs[-1] == "calculate"
    writes = [(names[a["sheet_position"]], a) for a in actions
              if a["func"] in ("setValues", "setFormula")]
    written = {s for s, _ in writes}
    assert written == {S.VALIDATIE, S.VASTSTELLING, S.LOGBOEK, S.BIJSTELLING, S.REALISATIE,
                       S.VARIANTEN, S.GEVOELIGHEID}  # the shipped master has the what-if sheets
    # formulas go to range.formulas (English, whatever the user's language)
    counters = [a for s, a in writes if s == S.VALIDATIE and a["func"] == "setFormula"]
    assert counters and counters[0]["values"][0][0].startswith("=COUNTIF(")
    assert not any(isinstance(v, str) and v.startswith("=")
                   for _, a in writes if a["func"] == "setValues"
                   for row in a["values"] for v in row)
    # each written sheet is unprotected before its first write and protected after its last
    prot = [(i, a["args"][1], a["args"][2]) for i, a in enumerate(actions)
            if a["func"] == "runMacro" and a["args"][0] == "mppBladBeveiliging"]
    for sheet in written:
        idx = [i for i, a in enumerate(actions) if a["func"] in ("setValues", "setFormula")
               and names[a["sheet_position"]] == sheet]
        lift = [i for i, s, p in prot if s == sheet and p is False]
        back = [i for i, s, p in prot if s == sheet and p is True]
        assert lift and back and lift[0] < min(idx) and back[-1] > max(idx), sheet
    # the Logboek entry names the user of the request, not the server's account
    log = next(a for s, a in writes if s == S.LOGBOEK)
    entry = log["values"][0]
    assert entry[1] == "ververst" and entry[2] == USER
    assert entry[3] and f"; {vals[S.UITKOMSTEN][S.MODEL_CELL].value};" in entry[4]

    token = _jwt({"preferred_username": "p.devries@ind.nl", "name": "P. de Vries"})
    out = _post(url, payload, {"Authorization": f"Bearer {token}"})
    log = next(a for a in out["actions"] if a["func"] == "setValues"
               and names[a["sheet_position"]] == S.LOGBOEK)
    assert log["values"][0][2] == "p.devries@ind.nl"

    out = _post(url, payload)  # nothing in the request: never the server's account
    log = next(a for a in out["actions"] if a["func"] == "setValues"
               and names[a["sheet_position"]] == S.LOGBOEK)
    assert log["values"][0][2] == "onbekend (Office.js)"
