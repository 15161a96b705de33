"""The owned sheets as built follow their spec (read back with openpyxl)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from mpp_xl.workbook import specs


def test_built_owned_sheets_match_their_spec(master: Path) -> None:
    wb = openpyxl.load_workbook(master)
    for spec in specs.OWNED:
        ws = wb[spec.name]
        assert ws["A1"].value == spec.title
        got = tuple(ws.cell(spec.header_row, j).value for j in range(1, len(spec.columns) + 1))
        assert got == spec.headers
        for j, w in enumerate(spec.widths, start=1):
            assert ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width == w
        for ref, text in spec.labels.items():
            assert ws[ref].value == text and ws[ref].font.b
        assert ws.protection.sheet
    val = wb[specs.VALIDATIE.name]
    first = specs.VALIDATIE.first_row
    last = first
    while val.cell(last + 1, 1).value not in (None, ""):
        last += 1  # the refreshed rows: the counters cover exactly them
    for ref, formula in specs.validatie_counters(first, last).items():
        assert val[ref].value == formula
