"""Reading the example master workbook: python-calamine (what the reader
uses) against openpyxl, the full assumptions read (guard + calamine + XML
scan), the safe_zip guard alone, and the hardening corpus. Times are medians
over repeated runs; peak memory is measured in a fresh process per reader
(``VmHWM`` of that process, interpreter and imports included, and the same
process just after the imports as the baseline; ``ru_maxrss`` is not used
because Linux carries it over from the parent across fork/exec)."""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import median_seconds  # benchmarks/timing.py

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "workbooks" / "MPP_2024-2_aannames.csv"




def _calamine(path: Path) -> None:
    import python_calamine as pc

    from mpp_xl.core.registry import SHEETS

    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    for s in SHEETS:
        wb.get_sheet_by_name(s).to_python(skip_empty_area=False)


def _openpyxl(path: Path) -> None:
    import openpyxl

    from mpp_xl.core.registry import SHEETS

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for s in SHEETS:
        list(wb[s].iter_rows(values_only=True))
    wb.close()


def _peak_mb(reader: str, path: Path) -> tuple[float, float]:
    """(peak RSS after the imports, peak RSS after reading 5 times) in MB, fresh process."""
    code = (
        "import resource, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "sys.path.insert(0, sys.argv[1] + '/benchmarks')\n"
        "from pathlib import Path\n"
        "import python_calamine, openpyxl, mpp_xl.core.registry, mpp_xl.workbook.reader\n"
        "from benchmarks import bench_read as b\n"
        "def hwm():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'): return int(line.split()[1]) / 1024\n"
        "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "base = hwm()\n"
        f"fn = {{'calamine': b._calamine, 'openpyxl': b._openpyxl, "
        "'assumptions': lambda p: mpp_xl.workbook.reader.read_workbook_assumptions(p)}"
        f"[{reader!r}]\n"
        "for _ in range(5): fn(Path(sys.argv[2]))\n"
        "print(base, hwm())\n")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT), str(path)], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1])


def benchmarks() -> list[tuple[str, float, str]]:
    from mpp_xl.cli import main
    from mpp_xl.io.safe_zip import check_workbook_file
    from mpp_xl.workbook.reader import read_workbook_assumptions

    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as d:
        wb = Path(d) / "voorbeeld.xlsx"
        assert main(["bouw", str(CSV), "-o", str(wb)]) == 0
        assert main(["ververs", str(wb)]) == 0
        _calamine(wb)
        _openpyxl(wb)  # warm both
        t_cal = median_seconds(lambda: _calamine(wb), 30)
        t_opx = median_seconds(lambda: _openpyxl(wb), 10)
        rows += [
            ("read 10 parameter sheets: python-calamine", t_cal * 1000, "ms"),
            ("read 10 parameter sheets: openpyxl (read-only, values)", t_opx * 1000, "ms"),
            ("read: openpyxl / calamine", t_opx / t_cal, "x"),
            ("read_workbook_assumptions (guard + calamine + XML scan)",
             median_seconds(lambda: read_workbook_assumptions(wb), 20) * 1000, "ms"),
            ("safe_zip guard alone (directory + streaming inflate + DTD scan)",
             median_seconds(lambda: check_workbook_file(wb), 30) * 1000, "ms"),
            ("example workbook size", wb.stat().st_size / 1024, "kB"),
        ]
        for reader in ("calamine", "openpyxl", "assumptions"):
            base, peak = _peak_mb(reader, wb)
            rows.append((f"peak RSS reading with {reader} (fresh process, 5 reads)", peak, "MB"))
            rows.append((f"  of which above the imports ({reader})", peak - base, "MB"))
        # the hardening corpus through the CLI (tests/corpus)
        sys.path.insert(0, str(ROOT))
        from tests.corpus import make_corpus as mc

        base_bytes = wb.read_bytes()
        cases = [c for c in mc.cases() if not c.bomb and "soffice" not in c.tags]
        files = {}
        for c in cases:
            sub = Path(d) / "corpus" / c.name
            sub.mkdir(parents=True)
            files[c.name] = c.make(sub, base_bytes)
        import contextlib

        per_case = []
        for c in cases:
            t = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                main(["valideer", str(files[c.name])])
            per_case.append(time.perf_counter() - t)
        rows.append(("corpus: mpp valideer per case, median", statistics.median(per_case) * 1000,
                     "ms"))
        rows.append(("corpus: mpp valideer per case, slowest", max(per_case) * 1000, "ms"))
    return rows


if __name__ == "__main__":
    for name, value, unit in benchmarks():
        print(f"{name:<66}{value:>12.3f}  {unit}")
