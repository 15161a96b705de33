"""Fixtures for the UDF tests: a clean model cache and the example blocks."""

from __future__ import annotations

import pytest

from mpp_xl import Forecast, run
from mpp_xl.analysis import model_cache
from mpp_xl.core.assumptions import Assumptions

from .blocks import EXAMPLE_CSV, blocks_from_csv


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    model_cache.clear()
    yield
    model_cache.clear()


@pytest.fixture(scope="session")
def example_blocks() -> dict[str, list[list[object]]]:
    return blocks_from_csv(EXAMPLE_CSV)


@pytest.fixture(scope="session")
def engine_forecast() -> Forecast:
    """The engine's own run of the example CSV (the reference for every UDF value)."""
    return run(Assumptions.from_csv(EXAMPLE_CSV))
