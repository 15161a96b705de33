"""The content of the Varianten results block and the Gevoeligheid table that
the refresh writes (pure: :data:`mpp_xl.analysis.sheet_content.Layout`, counted
from 0 at the block's top-left cell; the workbook layer places and styles it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..core.registry import PARAMETERS
from ..core.series import SERIES
from .sensitivity import Sensitivity
from .sheet_content import Layout
from .variants import HEADLINE_SCENARIO, VARIANT_HEADLINE_KEYS, VariantResults

#: Variants shown per headline table on the sheet (all of them: mpp varianten).
MAX_SHEET_VARIANTS = 10
#: Rows of one headline table: title, column header, the variants, one empty row.
TABLE_ROWS = MAX_SHEET_VARIANTS + 3

#: The Gevoeligheid table's columns.
SENS_HEADERS: tuple[str, ...] = (
    "Parameter", "Omschrijving", "Basis", "Laag", "Hoog", "Uitkomst laag", "Uitkomst hoog",
    "Effect laag", "Effect hoog", "Zwaai", "Begrensd", "Bereik: uitkomst bij min",
    "Bereik: uitkomst bij max", "Bereikzwaai")


def headline_years(startjaar: int, eindjaar: int) -> list[int]:
    """The year columns of the headline tables (stocks reach eindjaar + 1)."""
    return list(range(startjaar, eindjaar + 2))


def table_title(reeks: str) -> str:
    s = SERIES[reeks]
    when = "per 1 januari" if s.is_stock else "per jaar"
    return f"{s.label} ({when}): verschil met de basis, {HEADLINE_SCENARIO}"


def variants_layout(res: VariantResults,
                    keys: Sequence[str] = VARIANT_HEADLINE_KEYS) -> tuple[Layout, list[str]]:
    """Per headline series a table variant × year of the difference from the base
    (medio); at most :data:`MAX_SHEET_VARIANTS` variants, and a Dutch note when
    there are more."""
    years = headline_years(res.startjaar, res.eindjaar)
    lay: Layout = {}
    notes: list[str] = []
    shown = res.names[:MAX_SHEET_VARIANTS]
    if len(res.names) > MAX_SHEET_VARIANTS:
        notes.append(f"{len(res.names)} varianten; op het blad staan de eerste "
                     f"{MAX_SHEET_VARIANTS} (alle: mpp varianten --csv).")
    for k, reeks in enumerate(keys):
        r0 = k * TABLE_ROWS
        lay[(r0, 0)] = (table_title(reeks), "kop")
        lay[(r0 + 1, 0)] = ("Variant", "kolomkop")
        for j, y in enumerate(years):
            lay[(r0 + 1, 1 + j)] = (y, "kolomkop")
        if not shown:
            continue
        diff = res.difference(reeks)
        ys = res.years(reeks)
        kind = "fractie_verschil" if SERIES[reeks].unit == "fractie" else "aantal_verschil"
        for i, naam in enumerate(shown):
            lay[(r0 + 2 + i, 0)] = (naam, "tekst")
            for j, y in enumerate(years):
                if y in ys:
                    lay[(r0 + 2 + i, 1 + j)] = (float(diff[i, ys.index(y)]), kind)
    return lay, notes


def _param_kind(key: str) -> str:
    fmt = PARAMETERS[key].fmt if key in PARAMETERS else "getal"
    return {"fractie": "fractie", "aantal": "aantal"}.get(fmt, "getal")


def sensitivity_layout(s: Sensitivity) -> Layout:
    """The Gevoeligheid table (header and one row per parameter, largest |zwaai|
    first): the top rows feed the tornado chart (Effect laag/hoog)."""
    lay: Layout = {(0, j): (h, "kolomkop") for j, h in enumerate(SENS_HEADERS)}
    base = s.uitkomst_basis
    out_kind = "fractie" if SERIES[s.target.reeks].unit == "fractie" else "aantal"
    diff_kind = "fractie_verschil" if out_kind == "fractie" else "aantal_verschil"
    for i, r in enumerate(s.tabel.to_dict("records"), start=1):
        k = str(r["parameter"])
        pk = _param_kind(k)
        row: list[tuple[object, str]] = [
            (k, "tekst"), (PARAMETERS[k].label if k in PARAMETERS else "", "tekst"),
            (float(r["basis"]), pk), (float(r["laag"]), pk), (float(r["hoog"]), pk),
            (float(r["uitkomst_laag"]), out_kind), (float(r["uitkomst_hoog"]), out_kind),
            (float(r["uitkomst_laag"]) - base, diff_kind),
            (float(r["uitkomst_hoog"]) - base, diff_kind),
            (float(r["zwaai"]), diff_kind), ("ja" if r["begrensd"] else "nee", "tekst")]
        b_lo, b_hi, b_z = (r.get(c) for c in ("bereik_uitkomst_min", "bereik_uitkomst_max",
                                               "bereik_zwaai"))
        if b_z is not None and not (isinstance(b_z, float) and math.isnan(b_z)):
            row += [(float(b_lo), out_kind), (float(b_hi), out_kind),  # type: ignore[arg-type]
                    (float(b_z), diff_kind)]
        for j, cell in enumerate(row):
            lay[(i, j)] = cell
    return lay
