"""The contract of the one refresh: ``mpp ververs`` (the package on disk), the
Excel button (a FakeBook built from the same .xlsm, as classic xlwings hands
the cells over) and the Office.js script (the server app's endpoint, run
in-process in a child with XLWINGS_ON_SERVER=true) write the same owned
cells for the same inputs, clock and user."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from mpp_xl.analysis import forecast, model_cache
from mpp_xl.analysis.backtest import realisaties_from_frame
from mpp_xl.core.assumptions import Assumptions
from mpp_xl.workbook import refresh as core
from mpp_xl.workbook import sheets as S
from mpp_xl.workbook.builder import build
from mpp_xl.workbook.excel_book import FakeBook
from mpp_xl.workbook.excel_book import refresh as excel_refresh
from mpp_xl.workbook.refresh_file import refresh_bytes, refresh_workbook
from mpp_xl.workbook.signoff import sign_off
from mpp_xl.workbook.xlsxio import Package

from .helpers import EXAMPLE_CSV, cell_of, edit_cells

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2031, 5, 6, 7, 8, 9)
STAMP = "2031-05-06 07:08:09"
USER = "Contract, T. (test)"
OWNED = (S.VALIDATIE, S.VASTSTELLING, S.LOGBOEK, S.BIJSTELLING, S.REALISATIE, S.VARIANTEN,
         S.GEVOELIGHEID)
Canon = tuple[str, str] | None
Cells = dict[tuple[str, int, int], Canon]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A refreshed master with realisations, a valid sign-off (COA) and a void
    one (IND: an input changed after the sign-off), as Excel would have saved it."""
    d = tmp_path_factory.mktemp("contract")
    real = realisaties_from_frame(pd.DataFrame({
        "reeks": ["coa_bezetting", "instroom_totaal", "bestaat_niet"],
        "jaar": [2024, 2024, 2024], "waarde": [30_000.0, 45_000.0, 1.0],
        "bron": ["COA", "DGM-APM", "test"]}))
    p = build(Assumptions.from_csv(EXAMPLE_CSV), d / "contract.xlsm", realisaties=real)
    refresh_workbook(p)
    sign_off(p, "COA", "A. de Vries", "2031-05-01")
    sign_off(p, "IND", "B. Jansen", "2031-05-02")
    ref = cell_of(p, "IND", "ind_werkvoorraad_start_eerste")
    old = openpyxl.load_workbook(p, data_only=True)["IND"][ref].value
    edit_cells(p, "IND", {ref: (float(old) + 1.0, None)})
    refresh_workbook(p)  # the cached values of the saved file, as Excel keeps them
    for junk in (d / ".backup",):
        shutil.rmtree(junk, ignore_errors=True)
    return p


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def canon(v: object, formula: bool = False) -> Canon:
    """A cell as stored: ("f", formula), ("n", number), ("b", 0/1), ("s", text)."""
    if formula:
        return ("f", str(v)[1:] if str(v).startswith("=") else str(v))
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return ("b", str(int(v)))
    if isinstance(v, (int, float)):
        return ("n", _num(float(v)))
    return ("s", str(v))


# --- the three paths ------------------------------------------------------------------
def package_cells(data: bytes) -> Cells:
    pkg = Package(data, "uit.xlsm")
    out: Cells = {}
    for s in OWNED:
        for c in pkg.cells(s):
            out[(s, c.row, c.col)] = canon("=" + pkg.formula_text(s, c), True) \
                if c.formula is not None else canon(c.value)
    return out


def fake_cells(book: FakeBook) -> Cells:
    return {(s, r, c): canon(v, isinstance(v, core.Formula))
            for s in OWNED for (r, c), v in book.cells[s].items()}


CHILD = textwrap.dedent("""
    import asyncio, datetime as dt, json, sys
    from starlette.requests import Request
    import udfs.server_app as APP
    from mpp_xl.workbook import refresh as core

    args = json.load(sys.stdin)
    core.clock = lambda: dt.datetime.fromisoformat(args["now"])
    app = APP.create_app()
    endpoint = next(r.endpoint for r in app.routes
                    if getattr(r, "path", "") == "/xlwings/custom-scripts-call/{script_name}")
    body = json.dumps(args["payload"]).encode()

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    request = Request({"type": "http", "method": "POST", "path": "/", "query_string": b"",
                       "headers": [(APP.USER_HEADER.lower().encode(), args["user"].encode())]},
                      receive)
    out = asyncio.run(endpoint("MPP_VERNIEUWEN", request))
    json.dump(out["actions"], sys.stdout)
""")


def office_payload(path: Path) -> dict[str, Any]:
    """The book as the Office.js client sends it (values; empty cells "")."""
    import xlwings

    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows = [["" if v is None else v for v in r] for r in ws.iter_rows(values_only=True)]
        sheets.append({"name": ws.title, "values": rows or [[""]], "pictures": [],
                       "tables": []})
    return {"client": "Office.js", "version": xlwings.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "sheets": sheets, "names": []}


def office_actions(path: Path) -> list[dict[str, Any]]:
    pytest.importorskip("fastapi")
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial",
               PYTHONPATH=str(ROOT))
    args = {"now": NOW.isoformat(), "user": USER, "payload": office_payload(path)}
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, input=json.dumps(
        args, default=str), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return list(json.loads(proc.stdout))


def office_cells(path: Path, actions: list[dict[str, Any]]) -> tuple[Cells, list[tuple]]:
    """The owned sheets' cells after applying the script's writes to the values
    the payload sent; and the written blocks (sheet, row, col, rows, cols)."""
    start = FakeBook.from_xlsx(path)
    names = start.sheet_names()
    cells: Cells = fake_cells(start)
    blocks = []
    for a in actions:
        if a["func"] not in ("setValues", "setFormula"):
            continue
        sheet = names[a["sheet_position"]]
        r0, c0 = a["start_row"] + 1, a["start_column"] + 1
        vals = a["values"]
        blocks.append((sheet, r0, c0, len(vals), len(vals[0])))
        for i, row in enumerate(vals):
            for j, v in enumerate(row):
                is_formula = a["func"] == "setFormula" and isinstance(v, str) \
                    and v.startswith("=")
                if isinstance(v, str) and v.startswith("'"):
                    v = v[1:]  # Excel's quote prefix: text
                cells[(sheet, r0 + i, c0 + j)] = canon(v, is_formula)
    return cells, blocks


@pytest.fixture(scope="module")
def runs(source: Path) -> dict[str, Any]:
    model_cache.clear()
    calls: list[int] = []
    real_run = forecast.run_resolved

    def counted(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return real_run(*args, **kw)

    with pytest.MonkeyPatch.context() as mp:  # every engine run, in or outside the cache
        mp.setattr(forecast, "run_resolved", counted)
        mp.setattr(model_cache, "run_resolved", counted)
        data, pkg_result = refresh_bytes(source.read_bytes(), source.name, now=NOW,
                                         user=USER, base_dir=source.parent)
    package_runs = len(calls)
    book = FakeBook.from_xlsx(source)
    before = fake_cells(book)
    fake_result = excel_refresh(book, now=NOW, user=USER)
    actions = office_actions(source)
    office, office_blocks = office_cells(source, actions)
    return {"package": package_cells(data), "fake": fake_cells(book), "office": office,
            "before": before, "blocks": [w for w in book.writes],
            "office_blocks": office_blocks, "pkg_result": pkg_result,
            "fake_result": fake_result, "package_runs": package_runs,
            "original": package_cells(source.read_bytes())}


def _owned(runs: dict[str, Any]) -> set[tuple[str, int, int]]:
    out = set()
    for s, r, c, h, w in runs["blocks"]:
        out |= {(s, r + i, c + j) for i in range(h) for j in range(w)}
    return out


def test_all_paths_write_the_same_blocks(runs: dict[str, Any]) -> None:
    assert runs["blocks"], "the Excel path wrote nothing"
    assert runs["office_blocks"] == runs["blocks"]
    assert {b[0] for b in runs["blocks"]} == set(OWNED)


def test_owned_cells_are_identical_on_every_path(runs: dict[str, Any]) -> None:
    owned = _owned(runs)
    pkg, fake, office = runs["package"], runs["fake"], runs["office"]
    diff_pkg = {k: (pkg.get(k), fake.get(k)) for k in owned if pkg.get(k) != fake.get(k)}
    diff_office = {k: (office.get(k), fake.get(k)) for k in owned
                   if office.get(k) != fake.get(k)}
    assert diff_pkg == {}
    assert diff_office == {}
    # the comparison bites: the refresh changed the check, sign-off and log sheets
    # (the analysis sheets say what the source's last refresh said), and every
    # owned sheet has content in the compared cells
    changed = {k[0] for k in owned if fake.get(k) != runs["before"].get(k)}
    assert changed == {S.VALIDATIE, S.VASTSTELLING, S.LOGBOEK}
    assert {k[0] for k in owned if fake.get(k) is not None} == set(OWNED)


def test_the_package_writes_nothing_else_on_the_owned_sheets(runs: dict[str, Any]) -> None:
    owned = _owned(runs)
    pkg, old = runs["package"], runs["original"]
    for k in set(pkg) | set(old):
        if k in owned:
            continue
        a, b = pkg.get(k), old.get(k)
        if a is not None and a[0] == "f":
            assert b == a, k  # a formula stays (its cached value is recalculated)
        elif not (b is not None and b[0] == "f"):
            assert a == b, k


def test_contents_follow_the_inputs(runs: dict[str, Any]) -> None:
    """What the identical cells say: the injected clock and user, the sign-off
    states set up in the source, the counters over exactly the rows."""
    fake = runs["fake"]
    res = runs["pkg_result"]
    assert runs["fake_result"].handle == res.handle and runs["fake_result"].state == res.state
    log_rows = sorted(r for s, r, c in fake if s == S.LOGBOEK and c == 1
                      and r > S.LOG_HEADER_ROW)
    last = log_rows[-1]
    assert fake[(S.LOGBOEK, last, 1)] == ("s", STAMP)
    assert fake[(S.LOGBOEK, last, 3)] == ("s", USER)
    assert fake[(S.LOGBOEK, last, 2)] == ("s", core.ACTION_REFRESH)
    vs = {p: fake.get((S.VASTSTELLING, r, 6)) for p, r in S.VS_ROWS.items()}
    assert vs["COA"] == ("s", S.SIGN_VALID) and vs["IND"] == ("s", S.SIGN_VOID)
    assert {v for p, v in vs.items() if p not in ("COA", "IND")} == {("s", S.SIGN_NONE)}
    n = len(res.problems) or 1
    first = S.VAL_HEADER_ROW + 1
    assert fake[(S.VALIDATIE, 3, 2)] == ("f", f'COUNTIF(A{first}:A{first + n - 1},"fout")')
    assert fake[(S.VALIDATIE, 5, 2)] == ("s", STAMP)


def test_the_package_path_runs_the_engine_once(runs: dict[str, Any]) -> None:
    """One engine run for one set of assumptions (the refresh and every MPP_*
    cell share the model cache)."""
    assert runs["package_runs"] == 1
