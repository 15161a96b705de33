"""Helpers for the workbook tests: change cells the way a user would, find a
parameter's cell (the example workbooks are fixtures in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

from mpp_xl.workbook.xlsxio import Package, set_cells

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CSV = ROOT / "workbooks" / "MPP_2024-2_aannames.csv"


def edit_cells(path: Path, sheet: str, new: dict[str, tuple[object, str | None]]) -> None:
    """Change existing cells (value, formula-without-=) the way a user would
    in Excel, without touching anything else."""
    pkg = Package.open(path)
    xml = set_cells(pkg.sheet_xml(sheet), pkg.cells(sheet), new)
    path.write_bytes(pkg.to_bytes({pkg.sheet_paths[sheet]: xml}))


def cell_of(path: Path, sheet: str, key: str, scenario: str = "alle", col: str = "E") -> str:
    """The cell reference of a parameter row's column on a parameter sheet
    (found by reading column A and D with openpyxl, independently)."""
    import openpyxl

    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    for i, row in enumerate(ws.iter_rows(min_row=1, max_col=4, values_only=True), start=1):
        if row[0] == key and row[3] == scenario:
            return f"{col}{i}"
    raise AssertionError(f"{key}/{scenario} not on {sheet}")
