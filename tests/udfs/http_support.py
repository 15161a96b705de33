"""Shared by the HTTP tests and benchmarks/server_load.py: start the xlwings
Server app with uvicorn on 127.0.0.1 (a free port, bounded start-up), and
build Office.js-shaped payloads from the shipped workbook."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "workbooks" / "mpp_2024_2.xlsm"
CALL = "/xlwings/custom-functions-call"
REFRESH = "/xlwings/custom-scripts-call/MPP_VERNIEUWEN"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running uvicorn process: its address, pid and log file."""

    host: str
    port: int
    pid: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def rss_mb(self) -> float:
        """Resident memory of the server process in MB (Linux /proc)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def connection(self, timeout: float = 120) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


@contextmanager
def run_server(log_dir: Path, env: dict[str, str] | None = None,
               start_timeout: float = 60, code: Path = ROOT) -> Iterator[Server]:
    """uvicorn with ``udfs.server_app:app`` of the checkout ``code`` (default:
    this one) on 127.0.0.1; stopped on exit."""
    port = free_port()
    log = log_dir / f"uvicorn_{port}.log"
    full_env = dict(os.environ, XLWINGS_ON_SERVER="true",
                    XLWINGS_LICENSE_KEY="noncommercial", PYTHONPATH=str(code), **(env or {}))
    out: IO[bytes] = open(log, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "udfs.server_app:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "info", "--no-access-log"],
        cwd=code, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    server = Server("127.0.0.1", port, proc.pid, log)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn stopped: {log.read_text()[-2000:]}")
            try:
                conn = server.connection(timeout=2)
                conn.request("GET", "/xlwings/custom-scripts-meta")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not answer") from None
                time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        out.close()


def post(conn: http.client.HTTPConnection, path: str, payload: object,
         headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """POST JSON over a kept-alive connection; (status, decoded JSON body)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    conn.request("POST", path, body=body,
                 headers={"Content-Type": "application/json", **(headers or {})})
    r = conn.getresponse()
    data = r.read()
    try:
        return r.status, json.loads(data)
    except ValueError:
        return r.status, data.decode(errors="replace")


def raw_request(srv: Server, head: str, chunks: Iterator[bytes], limit: float = 5) -> bytes:
    """Send a request head and body chunks over a plain socket (until the
    server stops reading), then read the answer; at most ``limit`` s in all."""
    s = socket.create_connection((srv.host, srv.port), timeout=limit)
    deadline = time.monotonic() + limit
    try:
        s.sendall(head.encode())
        s.settimeout(0.5)
        for chunk in chunks:
            if time.monotonic() > deadline:
                break
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                break
        s.settimeout(max(0.1, deadline - time.monotonic()))
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
                data = s.recv(65536)
                if not data:
                    break
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
        return answer
    finally:
        s.close()


# --- the shipped workbook as Office.js sends it ------------------------------------
def office(v: object) -> object:
    """A cell value as Office.js's ``range.values`` has it (empty = "")."""
    return "" if v is None else v


def range_values(wb: Any, ref: str) -> list[list[object]]:
    sheet, rng = ref.rsplit("!", 1)
    sheet = sheet.strip("'").replace("''", "'")
    return [[office(c.value) for c in row] for row in wb[sheet][rng.replace("$", "")]]


def call_payload(name: str, args: list[object], address: str,
                 book: str = "mpp_2024_2.xlsm") -> dict[str, object]:
    """The body the custom-functions client posts (as in the served JS)."""
    import xlwings

    return {"func_name": name, "args": args, "caller_address": f"[{book}]{address}",
            "content_language": "nl-NL", "version": xlwings.__version__, "runtime": "1.4"}


def model_ranges(formulas: Any) -> list[str]:
    """The ranges in the shipped MPP_MODEL formula (Uitkomsten's model cell)."""
    from mpp_xl.workbook import sheets as S

    f = formulas[S.UITKOMSTEN][S.MODEL_CELL].value
    assert f.startswith("=MPP_MODEL(")
    return f[len("=MPP_MODEL("):-1].split(",")


def book_payload(values: Any) -> dict[str, Any]:
    """The book JSON xlwings' Office.js client sends for a script call."""
    import xlwings

    sheets = []
    for ws in values.worksheets:
        rows = [[office(v) for v in r] for r in ws.iter_rows(values_only=True)]
        sheets.append({"name": ws.title, "values": rows or [[""]], "pictures": [],
                       "tables": []})
    return {"client": "Office.js", "version": xlwings.__version__,
            "book": {"name": "mpp_2024_2.xlsm", "active_sheet_index": 0, "selection": "A1"},
            "sheets": sheets, "names": []}
