"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mpp_xl.registry import ENGINE_KEYS, PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CSV = ROOT / "workbooks" / "MPP_2024-2_aannames.csv"


def values_from_dicts(dicts: list[dict], n_years: int) -> dict[str, np.ndarray]:
    """Engine arrays (B rows) from per-run parameter dicts as the reference model takes them."""
    out: dict[str, np.ndarray] = {}
    for k in ENGINE_KEYS:
        if PARAMETERS[k].per_jaar:
            out[k] = np.array([
                [float(x) for x in (d[k] if isinstance(d[k], list) else [d[k]] * n_years)]
                for d in dicts
            ])
        else:
            out[k] = np.array([float(d[k]) for d in dicts])
    return out


@pytest.fixture
def example_csv() -> Path:
    return EXAMPLE_CSV
