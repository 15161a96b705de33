"""The xlwings Server app as a shared service, over real HTTP (uvicorn on
127.0.0.1, one module-scoped server): no answer crosses between users, no
memory growth over refreshes, oversized requests refused before parsing,
malformed requests answered with a Dutch 4xx on a connection that stays
usable, cheap calls answered while heavy work runs."""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

if any(importlib.util.find_spec(m) is None for m in ("fastapi", "uvicorn")):
    pytest.skip("de extra 'server' (fastapi, uvicorn) is niet geïnstalleerd: "
                "pip install -e '.[server]'", allow_module_level=True)

import openpyxl  # noqa: E402

from mpp_xl.workbook import sheets as S  # noqa: E402

from .http_support import (  # noqa: E402
    CALL,
    REFRESH,
    ROOT,
    SHIPPED,
    Server,
    book_payload,
    call_payload,
    model_ranges,
    post,
    range_values,
    raw_request,
    run_server,
)

TOKEN_A = "a1" * 16
TOKEN_B = "b2" * 16


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with run_server(tmp_path_factory.mktemp("srv")) as server:
        yield server


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    values = openpyxl.load_workbook(SHIPPED, data_only=True)
    formulas = openpyxl.load_workbook(SHIPPED)
    blocks = [range_values(values, r) for r in model_ranges(formulas)]
    ws_f = formulas[S.UITKOMSTEN]
    cell = next(c for row in ws_f.iter_rows() for c in row
                if str(c.value or "").startswith("=MPP_COA_BEZETTING(")
                and '"medio"' in str(c.value) and ws_f[f"A{c.row}"].value == 2026)
    return {"values": values, "blocks": blocks, "book": book_payload(values),
            "handle": values[S.UITKOMSTEN][S.MODEL_CELL].value,
            "coa_2026": values[S.UITKOMSTEN][cell.coordinate].value}


def _other_blocks(blocks: list[list[list[object]]]) -> list[list[list[object]]]:
    """A second user's assumptions: every number on the COA sheet's block 10% higher."""
    out = copy.deepcopy(blocks)
    coa = next(b for b in out if any(str(r[0]).startswith("coa_") for r in b if r))
    for r in coa[1:]:
        for j in range(1, len(r)):
            if type(r[j]) in (int, float) and r[j] > 10:
                r[j] = r[j] * 1.1
    return out


def _result(status_body: tuple[int, Any]) -> object:
    status, body = status_body
    assert status == 200, body
    return body["result"][0][0]


def test_no_answer_crosses_between_users(srv: Server, shipped: dict[str, Any]) -> None:
    conn_a, conn_b = srv.connection(), srv.connection()
    ha = {"X-MPP-Sessie": TOKEN_A}
    hb = {"X-MPP-Sessie": TOKEN_B}
    model_a = call_payload("MPP_MODEL", [shipped["blocks"]], "Uitkomsten!B3")
    model_b = call_payload("MPP_MODEL", [_other_blocks(shipped["blocks"])], "Uitkomsten!B3")
    no_model = call_payload("MPP_COA_BEZETTING", [[[2026]], [["medio"]], [[""]]], "X!C9")
    finger = call_payload("MPP_VINGERAFDRUK", [[["alle"]]], "X!A1")
    handle_a = _result(post(conn_a, CALL, model_a, ha))
    assert handle_a == shipped["handle"]  # the file's own cached value
    handle_b = _result(post(conn_b, CALL, model_b, hb))
    with_b = call_payload("MPP_COA_BEZETTING", [[[2026]], [["medio"]], [[handle_b]]], "X!C9")
    value_b = _result(post(conn_b, CALL, with_b, hb))
    assert handle_b != handle_a and value_b != pytest.approx(shipped["coa_2026"])
    for _ in range(10):  # interleaved: each user computes, then the other asks
        assert _result(post(conn_a, CALL, model_a, ha)) == handle_a
        assert _result(post(conn_b, CALL, model_b, hb)) == handle_b
        assert _result(post(conn_a, CALL, no_model, ha)) == pytest.approx(
            shipped["coa_2026"], rel=1e-12)
        assert _result(post(conn_b, CALL, no_model, hb)) == value_b
        fp_a = _result(post(conn_a, CALL, finger, ha))
        assert isinstance(fp_a, str) and fp_a.startswith(str(handle_a)[-8:])
    # a refresh sent with a session token makes its model that session's model
    hc = {"X-MPP-Sessie": "c3" * 16}
    assert str(_result(post(conn_b, CALL, no_model, hc))).startswith("Nog geen model")
    status, _ = post(conn_b, REFRESH, shipped["book"], hc)
    assert status == 200
    assert _result(post(conn_b, CALL, no_model, hc)) == pytest.approx(
        shipped["coa_2026"], rel=1e-12)
    assert _result(post(conn_b, CALL, no_model, hb)) == value_b  # B unchanged
    # a byte-identical repeat of A's MPP_MODEL request from a new session (answered
    # without parsing) makes that model the new session's model
    hd = {"X-MPP-Sessie": "d4" * 16}
    assert _result(post(conn_b, CALL, model_a, hd)) == handle_a
    assert _result(post(conn_b, CALL, no_model, hd)) == pytest.approx(
        shipped["coa_2026"], rel=1e-12)
    assert _result(post(conn_b, CALL, no_model, hb)) == value_b
    # the same token in another workbook is another session: no model yet
    other_book = dict(no_model, caller_address="[kopie.xlsm]X!C9")
    assert str(_result(post(conn_a, CALL, other_book, ha))).startswith("Nog geen model")
    # no session token: never anybody's model, a Dutch request for the model cell
    for payload in (no_model, finger):
        got = _result(post(conn_a, CALL, payload))
        assert str(got).startswith("Geef de modelcel mee"), got
    conn_a.close()
    conn_b.close()


MALFORMED: list[tuple[str, str, bytes]] = [
    ("leeg object", CALL, b"{}"),
    ("zonder func_name", CALL, json.dumps({"args": []}).encode()),
    ("naam geen tekst", CALL, json.dumps({"func_name": 123, "args": []}).encode()),
    ("onbekende naam", CALL, json.dumps({"func_name": "MPP_BESTAAT_NIET", "args": []}).encode()),
    ("args geen lijst", CALL, json.dumps({"func_name": "MPP_REEKSEN", "args": "x"}).encode()),
    ("geen JSON", CALL, b"{niet: json"),
    ("te diep genest", CALL, b"[" * 200_000),
    ("werkmap zonder bladen", REFRESH, json.dumps(
        {"client": "Office.js", "version": "x", "book": {"name": "b.xlsm"},
         "sheets": []}).encode()),
    ("onbekend script", "/xlwings/custom-scripts-call/BESTAAT_NIET", b"{}"),
    ("werkmap zonder MPP-bladen", REFRESH, json.dumps(
        {"client": "Office.js", "version": "x", "book": {"name": "b.xlsm"},
         "sheets": [{"name": "Blad1", "values": [["a", 1]]}]}).encode()),
]


def test_malformed_requests_get_dutch_4xx_and_keep_alive(srv: Server) -> None:
    conn = srv.connection()
    good = call_payload("MPP_REEKSEN", [], "X!A1")
    for what, path, body in MALFORMED:
        status, answer = post(conn, path, body)
        assert 400 <= status < 500, (what, status, answer)
        assert isinstance(answer, dict) and re.search(
            r"verzoek|func_name|args|functie|script|werkmap", answer["detail"]), (what, answer)
        status, answer = post(conn, CALL, good)  # the same kept-alive connection
        assert status == 200 and answer["result"][0][0] == "reeks", what
    conn.close()
    log = srv.log.read_text(errors="replace")
    assert "Traceback" not in log and "Internal Server Error" not in log


def test_wrong_argument_counts_answered_in_the_cell(srv: Server) -> None:
    conn = srv.connection()
    got = _result(post(conn, CALL, call_payload(
        "MPP_WAARDE", [[["coa_bezetting"]], [[2026]], [["medio"]], [[""]], [["x"]]], "X!A1")))
    assert got == ("MPP_WAARDE verwacht 3 tot 4 argumenten (reeks; jaar; scenario; model), "
                   "niet 5.")
    got = _result(post(conn, CALL, call_payload("MPP_COA_BEZETTING", [[[2026]]], "X!A1")))
    assert str(got).startswith("MPP_COA_BEZETTING verwacht 2 tot 3 argumenten")
    conn.close()


def test_oversized_request_refused_before_parsing(srv: Server) -> None:
    size = 12 * 1024 * 1024
    head = (f"POST {CALL} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n\r\n")
    t0 = time.monotonic()
    answer = raw_request(srv, head, iter([b"[" * 65536]))
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"connection: close" in rest.lower()
    assert "groter dan 8 MB" in json.loads(rest.split(b"\r\n\r\n", 1)[1])["detail"]
    # streamed without a length: counted as it arrives
    head = (f"POST {CALL} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n")
    mb = b"[" * (1024 * 1024)
    chunk = f"{len(mb):x}\r\n".encode() + mb + b"\r\n"
    answer = raw_request(srv, head, iter([chunk] * 12))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert time.monotonic() - t0 < 30  # a bound on the test, not a speed claim
    conn = srv.connection()  # the server answers the next call
    assert _result(post(conn, CALL, call_payload("MPP_REEKSEN", [], "X!A1"))) == "reeks"
    conn.close()


def test_refreshes_do_not_grow_memory(srv: Server, shipped: dict[str, Any]) -> None:
    """A refresh's book used to stay referenced (about 0.65 MB each)."""
    conn = srv.connection()
    for _ in range(5):  # warm-up
        status, out = post(conn, REFRESH, shipped["book"])
        assert status == 200 and out["actions"][-1]["func"] == "calculate"
    before = srv.rss_mb()
    for _ in range(50):
        status, _ = post(conn, REFRESH, shipped["book"])
        assert status == 200
    grown = srv.rss_mb() - before
    conn.close()
    assert grown < 10, f"RSS grew {grown:.1f} MB over 50 refreshes"


def test_cheap_call_answered_while_a_band_runs(srv: Server, shipped: dict[str, Any]) -> None:
    """MPP_BAND on a model without bands runs a Monte Carlo of seconds; a series
    call sent meanwhile is answered before it ends (work is off the event loop)."""
    conn = srv.connection()
    blocks = copy.deepcopy(shipped["blocks"])
    handle = _result(post(conn, CALL, call_payload("MPP_MODEL", [_other_blocks(
        _other_blocks(blocks))], "X!B3")))
    band = call_payload("MPP_BAND", [[["coa_bezetting"]], [[2027]], [[50]], [[handle]]], "X!A1")
    series = call_payload("MPP_COA_BEZETTING", [[[2026]], [["medio"]], [[handle]]], "X!A2")
    done = threading.Event()
    result: list[object] = []

    def run_band() -> None:
        c = srv.connection()
        result.append(_result(post(c, CALL, band)))
        done.set()
        c.close()

    t = threading.Thread(target=run_band)
    t.start()
    time.sleep(0.3)
    value = _result(post(conn, CALL, series))
    band_done_first = done.is_set()
    t.join(timeout=120)
    conn.close()
    assert isinstance(value, float) and isinstance(result[0], float)
    assert not band_done_first
    # the whole module's requests (413s, malformed ones) left no traceback in the log
    assert "Traceback" not in srv.log.read_text(errors="replace")


# --- in process: argument conversion, the refresh's book, the time limit ---------------
CHILD = textwrap.dedent("""
    import json, sys
    import anyio, time
    import xlwings as xw
    from xlwings import conversion
    import openpyxl
    import udfs.server_app as APP
    from udfs import server_calls, server_http
    from tests.udfs.http_support import SHIPPED, book_payload

    err = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
    linked = {"type": "Double", "basicValue": 7.5}
    block = [["", None, err, 2026, 1.5, "x", True, linked], [0, -1, "", "#REF!", 3, 4, 5, 6]]
    opts2 = {"ndim": 2, "err_to_str": True}
    out = {"ndim2": [server_calls._argument(block, {"options": opts2}),
                     conversion.read(None, block, opts2, engine_name="officejs")]}
    opts = {"err_to_str": True}
    out["scalars"] = [[server_calls._argument([[v]], {"options": opts}) for v in block[0]],
                      [conversion.read(None, v, opts, engine_name="officejs")
                       for v in block[0]]]
    out["vararg"] = server_calls.prepare_call(
        {"func_name": "MPP_MODEL", "args": [[block, [[err]]]]}).args

    # a repeated MPP_MODEL body: answered from the known bodies while the model is
    # kept, computed again (same handle) once the cache forgot it
    from mpp_xl.analysis import model_cache
    from tests.udfs.http_support import call_payload, model_ranges, range_values
    wb_v = openpyxl.load_workbook(SHIPPED, data_only=True)
    blocks = [range_values(wb_v, r) for r in model_ranges(openpyxl.load_workbook(SHIPPED))]
    body = json.dumps(call_payload("MPP_MODEL", [blocks], "U!B3")).encode()
    head = {"X-MPP-Sessie": "e5" * 16}
    first = APP._serve_call(body, head)[2]
    runs = model_cache.stats["engine_runs"]
    again = APP._serve_call(body, head)[2]
    known = server_calls.known_model_call(body, head) is not None
    model_cache.clear()
    after_clear = server_calls.known_model_call(body, head)
    recomputed = APP._serve_call(body, head)[2]
    out["known"] = [first == again == recomputed, runs, known, after_clear is None,
                    model_cache.stats["engine_runs"]]

    remote = xw.apps  # noqa
    from xlwings.main import engines
    books = engines["remote"].apps.active.books
    book = book_payload(openpyxl.load_workbook(SHIPPED, data_only=True))
    before = len(books)
    for _ in range(3):
        APP._serve_script("MPP_VERNIEUWEN", json.dumps(book).encode(), {})
    out["books"] = [before, len(books)]

    async def slow():
        lim = anyio.CapacityLimiter(1)
        try:
            await server_http.run_limited(time.sleep, 1.0, limiter=lim, timeout=0.1)
            return "klaar"
        except server_http.Timeout:
            return "timeout"
    out["timeout"] = anyio.run(slow)
    json.dump(out, sys.stdout, default=repr)
""")


@pytest.fixture(scope="module")
def child() -> dict[str, Any]:
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial",
               PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_own_argument_conversion_equals_xlwings(child: dict[str, Any]) -> None:
    mine, theirs = child["ndim2"]
    assert mine == theirs
    assert mine[0][:3] == [None, None, "#N/A"]
    assert child["scalars"][0] == child["scalars"][1]
    # a repeating parameter: one argument per range, each 2-D
    assert child["vararg"] == [theirs, [["#N/A"]]]


def test_repeated_model_request_is_known_until_evicted(child: dict[str, Any]) -> None:
    same, runs, known, forgotten, runs_after = child["known"]
    assert same and runs == 1 and known and forgotten
    assert runs_after == 1  # the cleared cache computed the model once more


def test_refresh_closes_its_book(child: dict[str, Any]) -> None:
    before, after = child["books"]
    assert after == before


def test_time_limit(child: dict[str, Any]) -> None:
    assert child["timeout"] == "timeout"
