"""Helpers for the analysis tests: example assumptions with some rows replaced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from mpp_xl import Assumptions, read_assumptions
from tests.conftest import EXAMPLE_CSV


def example() -> Assumptions:
    return read_assumptions(EXAMPLE_CSV)


def with_param(a: Assumptions, key: str,
               values: Mapping[str, float | Sequence[float]],
               startjaar: int | None = None) -> Assumptions:
    """Replace every row of ``key`` by ``values``: scenario -> one value (all
    years) or one value per year of the horizon (starting at ``startjaar``)."""
    df = a.to_frame()
    df = df[df["parameter"] != key]
    r = a.resolve()
    start = r.startjaar if startjaar is None else startjaar
    rows = []
    for scen, v in values.items():
        if isinstance(v, (int, float)):
            rows.append({"parameter": key, "scenario": scen, "jaar": None, "waarde": float(v)})
        else:
            for i, x in enumerate(v):
                rows.append({"parameter": key, "scenario": scen, "jaar": start + i,
                             "waarde": float(x)})
    new = pd.concat([df.astype(object), pd.DataFrame(rows)], ignore_index=True)
    return Assumptions.from_frame(new)


def write(a: Assumptions, path: str) -> str:
    a.to_csv(path)
    return path
