"""Monte Carlo bands stored in the workbook: the refresh writes the model they
belong to (custom property ``mpp_banden``: fingerprint and bands version), and
a later refresh of the same model reuses the stored ``MPP_BAND`` values
instead of simulating again - with exactly the values a new simulation gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import python_calamine as pc

from mpp_xl.analysis import model_cache
from mpp_xl.workbook.package_book import PROP_BANDS
from mpp_xl.workbook.reader import read_assumptions
from mpp_xl.workbook.refresh_file import refresh_bytes
from mpp_xl.workbook.xlsxio import CUSTOM_PART, Package, custom_properties, set_custom_property

NOW = dt.datetime(2026, 12, 7, 12, 0, 0)


def _refresh(data: bytes) -> tuple[bytes, dict[str, float]]:
    """A refresh as in a new process: no model or bands in memory."""
    model_cache.clear()
    out, res = refresh_bytes(data, "mpp_test.xlsm", now=NOW, user="test")
    return out, res.stats


def _band_cells(data: bytes) -> dict[tuple[str, int, int], object]:
    """Every MPP_BAND cell with its stored value, read by an independent reader:
    Onzekerheid's bands and Financiën's budget block."""
    import io

    pkg = Package(data, "x")
    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    out: dict[tuple[str, int, int], object] = {}
    for sheet in ("Onzekerheid", "Financiën"):
        refs = [(c.row, c.col) for c in pkg.cells(sheet)
                if c.formula is not None and "MPP_BAND" in pkg.formula_text(sheet, c)]
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        out.update({(sheet, r, c): rows[r - 1][c - 1] for r, c in refs})
    return out


def _without_key(data: bytes) -> bytes:
    pkg = Package(data, "x")
    xml = pkg.parts[CUSTOM_PART]
    assert PROP_BANDS.encode() in xml
    return pkg.to_bytes({CUSTOM_PART: xml.replace(PROP_BANDS.encode(), b"mpp_weg")})


@pytest.fixture(scope="module")
def refreshed(refreshed_master: Path) -> bytes:
    return refreshed_master.read_bytes()


def test_the_refresh_names_the_model_of_its_bands(refreshed: bytes,
                                                  refreshed_master: Path) -> None:
    key = custom_properties(Package(refreshed, "x")).get(PROP_BANDS)
    fp = read_assumptions(refreshed_master).fingerprint()  # all inputs, Kader's MC settings too
    assert key == f"{fp}#{model_cache.BANDS_VERSION}"


def test_same_model_reuses_every_stored_band_value_exactly(refreshed: bytes) -> None:
    cells = _band_cells(refreshed)
    assert len(cells) > 500 and all(isinstance(v, float) for v in cells.values())
    reused, stats = _refresh(refreshed)
    assert stats["banden_hergebruikt"] == len(cells)
    computed, stats2 = _refresh(_without_key(refreshed))
    assert stats2["banden_hergebruikt"] == 0
    # the stored values are what a new simulation gives, cell by cell
    assert _band_cells(reused) == _band_cells(computed) == cells
    assert custom_properties(Package(reused, "x"))[PROP_BANDS] == \
        custom_properties(Package(computed, "x"))[PROP_BANDS]


def test_a_changed_model_simulates_again(refreshed: bytes) -> None:
    """mc_zaad (Kader) changes the fingerprint: nothing is reused, bands change."""
    from mpp_xl.workbook.package_book import PackageBook
    from mpp_xl.workbook.refresh import refresh

    model_cache.clear()
    book = PackageBook(refreshed, "mpp_test.xlsm")
    kader = book.read("Kader")
    row = next(i for i, r in enumerate(kader, start=1) if r and r[0] == "mc_zaad")
    assert kader[row - 1][4] is None  # 'Alle jaren' empty: the default seed
    book.write("Kader", row, 5, [[12345.0]])
    refresh(book, now=NOW, user="test", refuse_errors=True)
    assert book.stats["banden_hergebruikt"] == 0
    changed = book.to_bytes()
    old, new = _band_cells(refreshed), _band_cells(changed)
    assert old.keys() == new.keys() and old != new
    assert custom_properties(Package(changed, "x"))[PROP_BANDS] != \
        custom_properties(Package(refreshed, "x"))[PROP_BANDS]


def test_a_stored_value_that_is_no_number_is_computed(refreshed: bytes) -> None:
    """E.g. after a save by a program without the MPP functions (#NAME?)."""
    pkg = Package(refreshed, "x")
    cell = next(c for c in pkg.cells("Onzekerheid")
                if c.formula is not None and "MPP_BAND" in pkg.formula_text("Onzekerheid", c))
    path = pkg.sheet_paths["Onzekerheid"]
    xml = pkg.parts[path]
    tag = f'<c r="{cell.ref}" '.encode()
    start = xml.index(tag)
    open_end = xml.index(b">", start)
    v0 = xml.index(b"<v>", start)
    v1 = xml.index(b"</v>", v0)
    assert b" t=" not in xml[start:open_end]  # a number
    broken = (xml[:open_end] + b' t="e"' + xml[open_end:v0] + b"<v>#NAME?</v>"
              + xml[v1 + 4:])
    data = pkg.to_bytes({path: broken})
    assert next(c.value for c in Package(data, "x").cells("Onzekerheid")
                if c.ref == cell.ref) == "#NAME?"
    out, stats = _refresh(data)
    assert stats["banden_hergebruikt"] == len(_band_cells(refreshed)) - 1
    assert _band_cells(out) == _band_cells(refreshed)


def test_set_custom_property_replaces_or_appends() -> None:
    xml = (b'<Properties xmlns:vt="v" xmlns="p"><property name="a" fmtid="{F}" pid="2">'
           b'<vt:lpwstr>1</vt:lpwstr></property></Properties>')
    one = set_custom_property(xml, "a", "x&y")
    assert b"<vt:lpwstr>x&amp;y</vt:lpwstr>" in one and one.count(b"<property") == 1
    two = set_custom_property(one, "b", "z")
    assert two.count(b"<property") == 2 and b'pid="3" name="b"' in two
    assert set_custom_property(two, "b", "z") == two
