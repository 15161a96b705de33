"""The shipped example workbook: in sync with the example CSV, refreshed,
with the template's VBA project (the button's macro runs the installed package)."""

from __future__ import annotations

import zipfile

import python_calamine as pc

from mpp_xl.api import read_assumptions
from mpp_xl.core.assumptions import Assumptions
from mpp_xl.workbook.builder import TEMPLATE

from .helpers import EXAMPLE_CSV, ROOT

SHIPPED = ROOT / "workbooks" / "mpp_2024_2.xlsm"


def test_shipped_workbook_matches_the_example_csv():
    got = read_assumptions(SHIPPED).fingerprint()
    want = Assumptions.from_csv(EXAMPLE_CSV).fingerprint()
    assert got == want, ("workbooks/mpp_2024_2.xlsm is out of date: run mpp bouw "
                         "workbooks/MPP_2024-2_aannames.csv -o workbooks/mpp_2024_2.xlsm --overschrijf && "
                         "mpp ververs workbooks/mpp_2024_2.xlsm")


def test_shipped_workbook_is_refreshed_and_has_the_vba():
    uit = pc.CalamineWorkbook.from_path(str(SHIPPED)).get_sheet_by_name("Uitkomsten")
    assert str(uit.to_python()[2][1]).startswith("MPP 2024-2 · ")
    with zipfile.ZipFile(SHIPPED) as s, zipfile.ZipFile(TEMPLATE) as t:
        assert s.read("xl/vbaProject.bin") == t.read("xl/vbaProject.bin")


def test_no_companion_module_is_needed():
    """The button runs the installed package, so nothing sits beside the
    workbook (the former mpp_2024_2.py for xlwings' SampleCall is gone)."""
    assert not SHIPPED.with_suffix(".py").exists()
