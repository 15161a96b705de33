"""Fixtures for the workbook tests: one built and one refreshed example
workbook per session (copied per test when a test changes it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mpp_xl.core.assumptions import Assumptions
from mpp_xl.workbook.builder import build
from mpp_xl.workbook.refresh import refresh_workbook
from mpp_xl.workbook.xlsxio import Package, set_cells

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CSV = ROOT / "workbooks" / "MPP_2024-2_aannames.csv"


@pytest.fixture(scope="session")
def example() -> Assumptions:
    return Assumptions.from_csv(EXAMPLE_CSV)


@pytest.fixture(scope="session")
def built_master(tmp_path_factory: pytest.TempPathFactory, example: Assumptions) -> Path:
    d = tmp_path_factory.mktemp("built")
    return build(example, d / "mpp_test.xlsm")


@pytest.fixture(scope="session")
def refreshed_master(tmp_path_factory: pytest.TempPathFactory, built_master: Path) -> Path:
    d = tmp_path_factory.mktemp("refreshed")
    p = d / "mpp_test.xlsm"
    shutil.copy(built_master, p)
    refresh_workbook(p)
    return p


@pytest.fixture
def master(tmp_path: Path, refreshed_master: Path) -> Path:
    """A private copy of the refreshed example workbook."""
    p = tmp_path / "mpp_test.xlsm"
    shutil.copy(refreshed_master, p)
    return p


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
