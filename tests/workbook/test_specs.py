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
        for j, w in enumerate(spec.column_widths, start=1):
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


def _frames(wb: openpyxl.Workbook) -> list[specs.Frame]:
    """Every frame of the build, the dynamic ones made as the builder makes them."""
    from mpp_xl.core.registry import SHEETS

    uit = wb[specs.S.UITKOMSTEN]
    return [*specs.OWNED, specs.GRAFIEKEN, specs.BIJSTELLING, specs.REALISATIE, specs.CONTROLES,
            specs.onzekerheid_frame(wb[specs.S.ONZEKERHEID][specs.METHOD_CELL].value),
            specs.uitkomsten_frame("X", uit[specs.S.MODEL_CELL].value, 2028),
            *(specs.parameter_frame(s, "") for s in SHEETS)]


def test_every_frame_lands_on_its_sheet(built_master: Path) -> None:
    """Text, font by kind, merged notes with a row that fits them, widths and
    protection of every fixed cell of the built workbook, read back with openpyxl."""
    wb = openpyxl.load_workbook(built_master)
    seen = 0
    for frame in _frames(wb):
        ws = wb[frame.name]
        merged = {str(r): r for r in ws.merged_cells.ranges}
        for ref, cell in frame.cells.items():
            c = ws[ref]
            if ref == "A1" and frame.name in (specs.S.UITKOMSTEN, specs.S.KADER):
                assert str(c.value).startswith(str(cell.value)[:12])  # version inserted
            else:
                assert c.value == cell.value, (frame.name, ref)
            font = {"titel": (True, 14.0), "label": (True, None), "nadruk": (True, 12.0),
                    "kop": (True, 12.0), "uitkomst_kop": (True, 12.0), "notitie": (None, None),
                    "tekst": (None, None)}[cell.kind]
            assert bool(c.font.b) == bool(font[0]), (frame.name, ref)
            if font[1]:
                assert c.font.sz == font[1]
            assert bool(c.font.i) == (cell.kind == "notitie"), (frame.name, ref)
            if cell.span:
                last = openpyxl.utils.get_column_letter(c.column + cell.span - 1)
                assert f"{ref}:{last}{c.row}" in merged, (frame.name, ref)
                width = sum(frame.widths[openpyxl.utils.get_column_letter(j)]
                            for j in range(c.column, c.column + cell.span))
                need = specs.S.row_height(specs.S.text_lines(str(cell.value), width))
                assert ws.row_dimensions[c.row].height >= need > 15
            seen += 1
        for col, w in frame.widths.items():
            assert ws.column_dimensions[col].width == w, (frame.name, col)
        assert ws.protection.sheet == frame.protect
    assert seen > 60
