"""Load test of the xlwings Server app over real HTTP (loopback only).

Starts uvicorn (one worker) on 127.0.0.1 with a free port, drives it with the
shipped workbook's Office.js payloads and stops it again. Every phase has a
fixed count and the whole run a time limit (``--max-seconds``): it stops by
itself. Phases:

1. sequential latency (one kept-alive connection, the two kinds interleaved):
   a cached series call (``MPP_COA_BEZETTING`` with the model cell) and a
   cached ``MPP_MODEL`` (the master's ranges, 1,392 cells); the ratio of the
   medians is the "fast path" figure;
2. concurrent latency and throughput: ``--clients`` threads, each on its own
   connection, mixed calls (4 series calls : 1 ``MPP_MODEL``);
3. a cheap call while a refresh runs: series latency during refreshes;
4. isolation: ``--users`` clients at once, each with its own session token and
   assumptions, each computing its model and asking without a model argument:
   how many answers came from another user's model;
5. requests of 12 MB (with and without ``Content-Length``): time to the 413;
6. refreshes (``MPP_VERNIEUWEN``): latency and the server's RSS every 10;
7. in process, no HTTP: a cached ``MPP_MODEL`` through xlwings' own
   ``custom_functions_call`` (the official xlwings-server project's path) with
   and without pyodide recorded as absent.

Run: python benchmarks/server_load.py [--refreshes 100] [--clients 4]
     [--code /path/to/other/checkout]   (e.g. the baseline before a change)
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.udfs.http_support import (  # noqa: E402
    CALL,
    REFRESH,
    SHIPPED,
    book_payload,
    call_payload,
    model_ranges,
    post,
    range_values,
    raw_request,
    run_server,
)

SESSION = {"X-MPP-Sessie": "laadtest-0123456789abcdef"}


def bump_first_number(blocks: list[list[list[Any]]], factor: float) -> None:
    """Scale the first numeric input of the COA block (another user's assumptions)."""
    coa = next(b for b in blocks if any(str(r[0]).startswith("coa_") for r in b if r))
    for r in coa[1:]:
        for j in range(1, len(r)):
            if type(r[j]) in (int, float) and r[j] > 10:
                r[j] = r[j] * factor
                return


def pct(xs: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``xs`` in ms."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k] * 1000


def row(name: str, xs: list[float]) -> str:
    return (f"| {name} | {len(xs)} | {pct(xs, 50):.1f} | {pct(xs, 95):.1f} | "
            f"{pct(xs, 99):.1f} | {max(xs) * 1000:.1f} |")


def timed(conn: Any, path: str, payload: object, expect: object = None) -> float:
    """Seconds for one call; a connection the server closed after its idle
    time-out (uvicorn: 5 s) is opened again first (not timed)."""
    import http.client

    t = time.perf_counter()
    try:
        status, body = post(conn, path, payload, SESSION)
    except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
        conn.close()
        t = time.perf_counter()
        status, body = post(conn, path, payload, SESSION)
    dt = time.perf_counter() - t
    if status != 200 or (expect is not None and body["result"] != expect):
        raise SystemExit(f"unexpected answer {status}: {str(body)[:300]}")
    return dt


XLWINGS_PATH = """
import asyncio, json, sys, timeit
import openpyxl
from xlwings import server
import udfs.mpp_udfs as U
sys.path.append(sys.argv[1])  # this checkout's tests/udfs (for --code another one)
from http_support import SHIPPED, call_payload, model_ranges, range_values
v = openpyxl.load_workbook(SHIPPED, data_only=True)
f = openpyxl.load_workbook(SHIPPED)
data = call_payload("MPP_MODEL", [[range_values(v, r) for r in model_ranges(f)]], "U!B3")
text = json.dumps(data)
def call():
    return asyncio.run(server.custom_functions_call(json.loads(text), U))
seeded = sys.modules.pop("pyodide", "?")
call()
before = timeit.timeit(call, number=10) / 10
if seeded is None:
    sys.modules["pyodide"] = None
call()
after = timeit.timeit(call, number=10) / 10
print(json.dumps([before, after, seeded is None]))
"""


def xlwings_path(code: Path) -> tuple[float, float, bool]:
    """A cached MPP_MODEL through xlwings' own ``custom_functions_call`` (as in the
    official xlwings-server project), in process: without and with pyodide
    recorded as absent (udfs.mpp_udfs); seconds per call."""
    import json
    import os
    import subprocess

    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial",
               PYTHONPATH=str(code))
    out = subprocess.run([sys.executable, "-c", XLWINGS_PATH, str(ROOT / "tests" / "udfs")],
                         cwd=code, env=env,
                         capture_output=True, text=True, timeout=300, check=True)
    before, after, seeded = json.loads(out.stdout.strip().splitlines()[-1])
    return before, after, seeded


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=300, help="sequential series calls")
    ap.add_argument("--models", type=int, default=150, help="sequential cached MPP_MODEL")
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients")
    ap.add_argument("--per-client", type=int, default=100, help="calls per client")
    ap.add_argument("--refreshes", type=int, default=100, help="refreshes (RSS phase)")
    ap.add_argument("--users", type=int, default=8, help="users in the isolation phase")
    ap.add_argument("--isolation-calls", type=int, default=25,
                    help="calls without model argument per user")
    ap.add_argument("--max-seconds", type=float, default=300, help="time limit of the run")
    ap.add_argument("--code", type=Path, default=ROOT,
                    help="checkout whose udfs.server_app is served (default: this one)")
    a = ap.parse_args()
    deadline = time.monotonic() + a.max_seconds

    import openpyxl

    values = openpyxl.load_workbook(SHIPPED, data_only=True)
    formulas = openpyxl.load_workbook(SHIPPED)
    blocks = [range_values(values, r) for r in model_ranges(formulas)]
    model_call = call_payload("MPP_MODEL", [blocks], "Uitkomsten!B3")
    book = book_payload(values)
    import json

    sizes = (len(json.dumps(model_call)), len(json.dumps(book)))

    out: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, run_server(Path(tmp), code=a.code) as srv:
        conn = srv.connection()
        rss0 = srv.rss_mb()
        _, handle = post(conn, CALL, model_call, SESSION)
        series = call_payload("MPP_COA_BEZETTING", [[[2026]], [["medio"]], handle["result"]],
                              "Uitkomsten!C9")
        expect = post(conn, CALL, series, SESSION)[1]["result"]
        for _ in range(5):  # warm-up
            timed(conn, CALL, series, expect)
            timed(conn, CALL, model_call, handle["result"])

        # interleaved, so that both see the same load of the (shared) machine
        seq_series: list[float] = []
        seq_model: list[float] = []
        for i in range(max(a.series, a.models)):
            if time.monotonic() > deadline:
                break
            if i < a.series:
                seq_series.append(timed(conn, CALL, series, expect))
            if i < a.models:
                seq_model.append(timed(conn, CALL, model_call, handle["result"]))

        lat: list[float] = []
        lock = threading.Lock()

        def client(i: int) -> None:
            c = srv.connection()
            mine = []
            for k in range(a.per_client):
                if time.monotonic() > deadline:
                    break
                if k % 5 == 4:
                    mine.append(timed(c, CALL, model_call, handle["result"]))
                else:
                    mine.append(timed(c, CALL, series, expect))
            c.close()
            with lock:
                lat.extend(mine)

        t0 = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(a.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0

        # isolation: each client its own session and assumptions, asked without model
        crossed = [0, 0]  # wrong answers, answers

        def user(i: int) -> None:
            c = srv.connection()
            head = {"X-MPP-Sessie": f"gebruiker-{i:02d}-0123456789abcdef"}
            mine = copy.deepcopy(blocks)
            bump_first_number(mine, 1.0 + (i + 1) / 100)
            h = post(c, CALL, call_payload("MPP_MODEL", [mine], "Uitkomsten!B3"), head)[1]
            own = post(c, CALL, call_payload("MPP_COA_BEZETTING", [[[2026]], [["medio"]],
                                                                   h["result"]], "X!C9"),
                       head)[1]["result"]
            bare = call_payload("MPP_COA_BEZETTING", [[[2026]], [["medio"]], [[""]]], "X!C9")
            wrong = 0
            for _ in range(a.isolation_calls):
                if time.monotonic() > deadline:
                    break
                post(c, CALL, call_payload("MPP_MODEL", [mine], "Uitkomsten!B3"), head)
                wrong += post(c, CALL, bare, head)[1]["result"] != own
            c.close()
            with lock:
                crossed[0] += wrong
                crossed[1] += a.isolation_calls

        users = [threading.Thread(target=user, args=(i,)) for i in range(a.users)]
        for t in users:
            t.start()
        for t in users:
            t.join()

        # a cheap call while refreshes run (a second connection)
        during: list[float] = []
        busy = threading.Event()

        def refresher() -> None:
            c = srv.connection()
            busy.set()
            for _ in range(3):
                timed(c, REFRESH, book)
            busy.clear()
            c.close()

        rt = threading.Thread(target=refresher)
        rt.start()
        busy.wait(10)
        while busy.is_set() and time.monotonic() < deadline:
            during.append(timed(conn, CALL, series, expect))
            time.sleep(0.02)
        rt.join()

        # a 12 MB request: with a Content-Length, and streamed (chunked)
        big: list[tuple[str, float, str]] = []
        size = 12 * 1024 * 1024
        base_head = (f"POST {CALL} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\n")
        mb = b"[" * (1024 * 1024)
        chunk = f"{len(mb):x}\r\n".encode() + mb + b"\r\n"
        for what, head, chunks in (
                ("Content-Length 12 MB", base_head + f"Content-Length: {size}\r\n\r\n",
                 [mb] * 12),
                ("chunked 12 MB", base_head + "Transfer-Encoding: chunked\r\n\r\n",
                 [chunk] * 12)):
            t = time.perf_counter()
            answer = raw_request(srv, head, iter(chunks), limit=60)
            big.append((what, time.perf_counter() - t,
                        answer.split(b"\r\n", 1)[0].decode(errors="replace")))
        after_big = timed(conn, CALL, series, expect)

        refreshes: list[float] = []
        rss: list[tuple[int, float]] = [(0, srv.rss_mb())]
        for i in range(1, a.refreshes + 1):
            if time.monotonic() > deadline:
                break
            refreshes.append(timed(conn, REFRESH, book))
            if i % 10 == 0:
                rss.append((i, srv.rss_mb()))
        conn.close()

    xl_before, xl_after, seeded = xlwings_path(a.code)
    out.append(f"Code: {a.code}")
    out.append(f"Payload: MPP_MODEL {sizes[0] / 1e6:.2f} MB, refresh {sizes[1] / 1e6:.2f} MB; "
               f"RSS na start {rss0:.0f} MB.")
    out.append("")
    out.append("| aanroep | n | p50 ms | p95 ms | p99 ms | max ms |")
    out.append("|---|---|---|---|---|---|")
    out.append(row("reeks (sequentieel)", seq_series))
    out.append(row("MPP_MODEL uit cache (sequentieel)", seq_model))
    out.append(row(f"gemengd, {a.clients} clients tegelijk", lat))
    if during:
        out.append(row("reeks tijdens een vernieuwing", during))
    out.append(row("MPP_VERNIEUWEN (sequentieel)", refreshes))
    ratio = statistics.median(seq_model) / statistics.median(seq_series)
    out.append("")
    out.append(f"MPP_MODEL uit cache / reeks (mediaan): {ratio:.1f}x")
    out.append(f"Doorvoer gemengd: {len(lat) / wall:.0f} aanroepen/s "
               f"({len(lat)} in {wall:.1f} s, {a.clients} clients)")
    out.append(f"Isolatie: {crossed[0]} van {crossed[1]} aanroepen zonder modelargument "
               f"gaven het model van een andere gebruiker ({a.users} gebruikers tegelijk)")
    for what, dt, status in big:
        out.append(f"Verzoek {what}: '{status}' na {dt * 1000:.0f} ms")
    out.append(f"Volgende aanroep daarna: {after_big * 1000:.1f} ms")
    out.append(f"MPP_MODEL uit cache via xlwings' eigen custom_functions_call (in het "
               f"proces): {xl_before * 1000:.1f} ms met de import van pyodide per cel, "
               + (f"{xl_after * 1000:.1f} ms met pyodide als afwezig genoteerd"
                  if seeded else "(deze code noteert pyodide niet als afwezig)"))
    out.append("RSS (MB) na n vernieuwingen: " + ", ".join(f"{n}: {m:.1f}" for n, m in rss))
    if len(rss) > 2:
        out.append(f"Groei na opwarmen (na {rss[1][0]} tot {rss[-1][0]}): "
                   f"{rss[-1][1] - rss[1][1]:+.1f} MB")
    print("\n".join(out))


if __name__ == "__main__":
    main()
