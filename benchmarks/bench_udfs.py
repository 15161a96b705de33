"""Speed of the MPP_* functions (Python time, as the UDF server spends it).

Rows: a cached series call (median of 10,000), MPP_MODEL on unchanged and on
changed inputs, MPP_TABEL, and a full recalculation of every MPP_* cell of
the example workbook's Uitkomsten sheet (formulas parsed from the built
workbook, arguments resolved from its cells, every function called in
formula order). Targets: <= 20 us per cached call, <= 5 ms per unchanged
MPP_MODEL, a full Uitkomsten recalculation well under a second.

Run: python benchmarks/bench_udfs.py
"""

from __future__ import annotations

import copy
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from openpyxl.utils import get_column_letter
from timing import median_seconds  # benchmarks/timing.py

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mpp_xl.analysis import model_cache  # noqa: E402
from tests.udfs.blocks import EXAMPLE_CSV, blocks_from_csv  # noqa: E402
from udfs import mpp_udfs as U  # noqa: E402


def _uitkomsten_calls(path: Path) -> list[tuple[str, list[object]]]:
    """(function, resolved args) for every MPP_* formula of Uitkomsten, in order."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    values = {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}
    with zipfile.ZipFile(path) as z:
        wbx = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(r'<sheet [^>]*name="Uitkomsten"[^>]*r:id="(rId\d+)"', wbx).group(1)
        target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels)
        if target is None:
            target = re.search(rf'Target="([^"]+)"[^>]*Id="{rid}"', rels)
        xml = z.read("xl/" + target.group(1).lstrip("/").removeprefix("xl/")).decode()
    cells = re.findall(r'<c r="([A-Z]+\d+)"[^>]*>\s*<f[^>]*>(MPP_.*?)</f>', xml)

    def pos(ref: str) -> tuple[int, int]:
        m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
        col = 0
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
        return int(m.group(2)) - 1, col - 1

    def value(sheet: str, ref: str) -> object:
        r, c = pos(ref)
        rows = values[sheet]
        v = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
        return None if v == "" else v

    def block(sheet: str, a: str, b: str) -> list[list[object]]:
        (r0, c0), (r1, c1) = pos(a), pos(b)
        return [[value(sheet, f"{get_column_letter(c + 1)}{r + 1}") for c in range(c0, c1 + 1)]
                for r in range(r0, r1 + 1)]

    calls: list[tuple[str, list[object]]] = []
    for _ref, f in cells:
        f = f.replace("&amp;", "&").replace("&quot;", '"')
        m = re.fullmatch(r"(MPP_\w+)\((.*)\)", f)
        if m is None:
            continue
        args: list[object] = []
        for a in re.findall(r"'[^']*'![^,]+|\"[^\"]*\"|[^,]+", m.group(2)):
            a = a.strip()
            sheet = "Uitkomsten"
            if "!" in a:
                sheet, a = a.rsplit("!", 1)
                sheet = sheet.strip("'")
            if a.startswith('"'):
                args.append(a.strip('"'))
            elif ":" in a:
                args.append(block(sheet, *a.split(":")))
            elif re.fullmatch(r"\$?[A-Z]+\$?\d+", a):
                args.append(("ref", sheet, a))
            else:
                args.append(float(a))
        calls.append((m.group(1), args))
    return calls




def _recalc(calls: list[tuple[str, list[object]]], values: dict[tuple[str, str], object],
            ) -> int:
    """Call every function; references to MPP_MODEL's cell get its handle."""
    n = 0
    for name, args in calls:
        real = [values.get((a[1], a[2].replace("$", "")), None)
                if isinstance(a, tuple) else a for a in args]
        out = U.CATALOGUE[name](*real)
        if name == "MPP_MODEL":
            values[("Uitkomsten", "B3")] = out
        n += 1
    return n


def benchmarks() -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    model_cache.clear()
    blocks = list(blocks_from_csv(EXAMPLE_CSV).values())
    t = time.perf_counter()
    h = U.MPP_MODEL(*blocks)
    rows.append(("MPP_MODEL, first call (parse + validate + engine)",
                 (time.perf_counter() - t) * 1e3, "ms"))
    rows.append(("MPP_MODEL, unchanged inputs (median of 200)",
                 median_seconds(lambda: U.MPP_MODEL(*blocks), 200) * 1e3, "ms"))

    sheets = list(blocks_from_csv(EXAMPLE_CSV))
    coa = blocks[sheets.index("COA")]
    row = next(i for i, r in enumerate(coa) if r[0] == "coa_start_statushouders")
    variants = []
    for i in range(20):
        b = copy.deepcopy(blocks)
        b[sheets.index("COA")][row][4] = 17000.0 + i + 1  # one COA input cell ("Alle jaren")
        variants.append(b)
    it = iter(variants)
    runs = model_cache.stats["engine_runs"]
    rows.append(("MPP_MODEL, changed inputs (median of 20)",
                 median_seconds(lambda: U.MPP_MODEL(*next(it)), 20) * 1e3, "ms"))
    if model_cache.stats["engine_runs"] != runs + 20:
        raise RuntimeError("changed-input variants did not each run the engine")
    U.MPP_MODEL(*blocks)
    rows.append(("series call, cached model given (median of 10,000)",
                 median_seconds(lambda: U.MPP_COA_BEZETTING(2026.0, "medio", h), 10_000) * 1e6,
                 "us"))
    rows.append(("series call, no model argument (median of 10,000)",
                 median_seconds(lambda: U.MPP_COA_BEZETTING(2026.0, "medio"), 10_000) * 1e6, "us"))
    rows.append(("MPP_TABEL (median of 1,000)",
                 median_seconds(lambda: U.MPP_TABEL("coa_bezetting", h), 1_000) * 1e6, "us"))

    from mpp_xl.core.assumptions import Assumptions
    from mpp_xl.workbook.builder import build

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "mpp_2024_2.xlsm"
        build(Assumptions.from_csv(EXAMPLE_CSV), path)
        calls = _uitkomsten_calls(path)
    model_cache.clear()
    times = []
    n = 0
    for _ in range(5):
        t = time.perf_counter()
        n = _recalc(calls, {})
        times.append(time.perf_counter() - t)
    rows.append((f"full recalculation of Uitkomsten ({n} MPP_* cells), first pass",
                 times[0] * 1e3, "ms"))
    rows.append((f"full recalculation of Uitkomsten ({n} MPP_* cells), cached (median of 4)",
                 statistics.median(times[1:]) * 1e3, "ms"))
    return rows


if __name__ == "__main__":
    for name, value, unit in benchmarks():
        print(f"{name:<72} {value:10.3f} {unit}")
