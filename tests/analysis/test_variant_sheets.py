"""The content of the Varianten results block and the Gevoeligheid table: every
number is the difference (or outcome) computed independently here."""

from __future__ import annotations

import pytest

from mpp_xl.analysis.forecast import run_resolved
from mpp_xl.analysis.sensitivity import sensitivity
from mpp_xl.analysis.variant_sheets import (
    MAX_SHEET_VARIANTS,
    SENS_HEADERS,
    TABLE_ROWS,
    sensitivity_layout,
    variants_layout,
)
from mpp_xl.analysis.variants import VARIANT_HEADLINE_KEYS, VariantResults, run_variant_rows
from mpp_xl.core.assumptions import Assumptions, Resolved
from mpp_xl.core.variants import VariantRow, apply_variant
from tests.conftest import EXAMPLE_CSV


@pytest.fixture(scope="module")
def res() -> Resolved:
    return Assumptions.from_csv(EXAMPLE_CSV).resolve()


def test_variants_block_is_difference_medio(res: Resolved) -> None:
    rows = [VariantRow("a", "eerste_aanvragen", "medio", "2026", "=", 30000),
            VariantRow("b", "taakstelling_h1", "alle", "", "*", 1.5)]
    vr = run_variant_rows(res, rows)
    lay, notes = variants_layout(vr)
    assert not notes
    base = run_resolved(res)
    for k, reeks in enumerate(VARIANT_HEADLINE_KEYS):
        r0 = k * TABLE_ROWS
        assert lay[(r0 + 1, 0)] == ("Variant", "kolomkop")
        years = [lay[(r0 + 1, 1 + j)][0] for j in range(6)]
        assert years == [2024, 2025, 2026, 2027, 2028, 2029]
        for i, v in enumerate(vr.variants):
            assert lay[(r0 + 2 + i, 0)][0] == v.naam
            own = run_resolved(apply_variant(res, v))
            for j, y in enumerate(years):
                if y in own.years(reeks):
                    want = own.value(reeks, y, "medio") - base.value(reeks, y, "medio")
                    assert lay[(r0 + 2 + i, 1 + j)][0] == pytest.approx(want, abs=1e-6)
                else:  # a flow has no eindjaar + 1
                    assert (r0 + 2 + i, 1 + j) not in lay
    coa = VARIANT_HEADLINE_KEYS.index("coa_bezetting") * TABLE_ROWS
    assert lay[(coa + 3, 5)][0] < -1000  # more housing: fewer COA residents


def test_more_variants_than_the_sheet_shows(res: Resolved) -> None:
    rows = [VariantRow(f"v{i}", "ind_capaciteit", "alle", "", "+", 100 * i) for i in range(12)]
    lay, notes = variants_layout(run_variant_rows(res, rows))
    assert notes and "12 varianten" in notes[0]
    names = {v for (r, c), (v, _k) in lay.items() if c == 0 and r < TABLE_ROWS}
    assert "v9" in names and "v10" not in names and len(names) == 2 + MAX_SHEET_VARIANTS


def test_no_variants_gives_titles_and_headers_only(res: Resolved) -> None:
    empty = VariantResults(res.startjaar, res.eindjaar, res.scenarios, (), {})
    lay, _ = variants_layout(empty)
    assert all(k in ("kop", "kolomkop") for _v, k in lay.values())


def test_sensitivity_table_effects(res: Resolved) -> None:
    s = sensitivity(res, "ind_werkvoorraad", 2027, "medio", 10)
    lay = sensitivity_layout(s)
    assert tuple(lay[(0, j)][0] for j in range(len(SENS_HEADERS))) == SENS_HEADERS
    top = s.tabel.iloc[0]
    assert lay[(1, 0)][0] == top["parameter"]
    j_lo, j_hi = SENS_HEADERS.index("Effect laag"), SENS_HEADERS.index("Effect hoog")
    assert lay[(1, j_lo)][0] == pytest.approx(top["uitkomst_laag"] - s.uitkomst_basis)
    assert lay[(1, j_hi)][0] == pytest.approx(top["uitkomst_hoog"] - s.uitkomst_basis)
    assert lay[(1, SENS_HEADERS.index("Begrensd"))][0] in ("ja", "nee")
    rows = {lay[(i, 0)][0]: i for i in range(1, len(s.tabel) + 1)}
    i = rows["eerste_aanvragen"]
    assert (i, SENS_HEADERS.index("Bereikzwaai")) in lay
    assert (rows["ind_capaciteit"], SENS_HEADERS.index("Bereikzwaai")) not in lay
