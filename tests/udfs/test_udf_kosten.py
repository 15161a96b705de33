"""The cost series through the functions: MPP_KOSTEN_*, MPP_WAARDE, MPP_TABEL,
MPP_BAND, with prices and without (a short Dutch message in the cell)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import udfs.mpp_udfs as U
from mpp_xl import Forecast
from mpp_xl.core.registry import COST_KEYS
from mpp_xl.core.series import COST_SERIES, NO_PRICES, SERIES

from .blocks import EXAMPLE_CSV, blocks_from_csv


@pytest.fixture(scope="module")
def bare_blocks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[object]]]:
    df = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)
    p: Path = tmp_path_factory.mktemp("zonder") / "zonder_prijzen.csv"
    df[~df["parameter"].isin(COST_KEYS)].to_csv(p, index=False)
    return blocks_from_csv(p)


def test_a_function_per_cost_series_with_the_engine_value(
        example_blocks: dict[str, list[list[object]]], engine_forecast: Forecast) -> None:
    h = U.MPP_MODEL(*example_blocks.values())
    for key in COST_SERIES:
        fn = getattr(U, f"MPP_{key.upper()}")
        assert "€ mln per jaar" in fn.__doc__
        for y in (2024, 2028):
            assert fn(float(y), "medio", h) == engine_forecast.value(key, y, "medio")
    assert U.MPP_KOSTEN_COA(2026, "Maximum") == engine_forecast.value("kosten_coa", 2026, "max")
    assert U.MPP_WAARDE("kosten_totaal", 2025, "min", h) == \
        engine_forecast.value("kosten_totaal", 2025, "min")
    tab = U.MPP_TABEL("kosten_ind", h)
    assert tab[0] == ["jaar", "min", "medio", "max"] and [r[0] for r in tab[1:]] == \
        list(range(2024, 2029))  # a flow: no 1 jan eindjaar+1
    rows = {r[0]: r for r in U.MPP_REEKSEN()[1:]}
    assert rows["kosten_totaal"][3] == "€ mln per jaar" and rows["kosten_totaal"][4] == "Financiën"


def test_band_of_the_total_cost_is_monotone(example_blocks: dict[str, list[list[object]]]) -> None:
    h = U.MPP_MODEL(*example_blocks.values())
    vals = [U.MPP_BAND("kosten_totaal", 2027, p, h) for p in (12.5, 50, 67, 87.5)]
    assert all(isinstance(v, float) for v in vals)
    assert vals == sorted(vals) and vals[0] < vals[-1]


def test_without_prices_a_short_message_in_the_cell(
        bare_blocks: dict[str, list[list[object]]]) -> None:
    h = U.MPP_MODEL(*bare_blocks.values())
    assert h.startswith("MPP 2024-2 · ")  # a valid model: the prices are optional
    for v in (U.MPP_KOSTEN_COA(2026, "medio", h), U.MPP_WAARDE("kosten_totaal", 2026, "max", h),
              U.MPP_TABEL("kosten_dtv", h), U.MPP_BAND("kosten_nidos", 2026, 67, h)):
        assert isinstance(v, str) and v.startswith(NO_PRICES), v
        assert "Traceback" not in v and "Onverwachte" not in v
    assert isinstance(U.MPP_COA_BEZETTING(2026, "medio", h), float)
    assert len(U.MPP_REEKSEN()) == 1 + len(SERIES)  # the catalogue lists them all the same
