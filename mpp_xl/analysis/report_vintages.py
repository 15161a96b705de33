"""Forecast vintages: per headline series every round's medio and min–max band
with the realisations, so the report shows how the forecast moved from round to
round and how it did (``mpp rapport … --rondes OUD1 OUD2 …``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..core.series import SERIES
from .forecast import Forecast
from .report import BLUE, GREEN, GREY, ORANGE, VIOLET, _footer, _new_fig

#: The headline series drawn per round.
VINTAGE_SERIES: tuple[str, ...] = ("instroom_eerste", "instroom_totaal", "ind_werkvoorraad",
                                   "coa_bezetting", "nidos_caseload", "dtv_caseload")
#: Colours of the rounds, oldest first; the newest round is always blue.
_ROUND_COLOURS: tuple[str, ...] = (GREY, ORANGE, GREEN, VIOLET, "#A90061", "#94710A")


def round_label(fc: Forecast, fallback: str) -> str:
    """'MPP 2024-2' from the forecast's version, else ``fallback`` (the file name)."""
    v = str(fc.text.get("mpp_versie", "") or "").strip()
    return f"MPP {v}" if v else fallback


def _band(fc: Forecast, reeks: str) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray]:
    t = fc.table(reeks)
    years = list(t.index)
    lo = t.min(axis=1).to_numpy()
    hi = t.max(axis=1).to_numpy()
    med = t["medio"].to_numpy() if "medio" in t.columns else t.iloc[:, 0].to_numpy()
    return years, lo, med, hi


def vintage_chart(rounds: Sequence[tuple[str, Forecast]], reeks: str,
                  real: pd.DataFrame | None) -> Figure:
    """One chart: per round (oldest first) the min–max band and the medio line,
    and the yearly realisations of ``reeks`` as points."""
    s = SERIES[reeks]
    unit = "per 1 januari" if s.is_stock else "aantal per jaar"
    fig, ax = _new_fig(f"{s.label}: prognoses per ronde",
                       f"{unit}; per ronde medio (lijn) en min–max (band); punten: realisatie")
    n = len(rounds)
    for i, (label, fc) in enumerate(rounds):
        colour = BLUE if i == n - 1 else _ROUND_COLOURS[i % len(_ROUND_COLOURS)]
        years, lo, med, hi = _band(fc, reeks)
        ax.fill_between(years, lo, hi, color=colour, alpha=0.15, lw=0)
        ax.plot(years, med, color=colour, lw=2.2 if i == n - 1 else 1.6, marker="o", ms=3.5,
                label=f"{label} (medio)")
    if real is not None and not real.empty:
        r = real[(real["reeks"] == reeks)]
        if "maand" in r.columns:
            r = r[r["maand"].isna()]
        if len(r):
            ax.plot(r["jaar"].astype(int), r["waarde"].astype(float), ls="none", marker="D",
                    ms=6, color="black", label="realisatie", zorder=5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", fontsize=9, frameon=False, ncol=2)
    _footer(fig, "Bron: MPP-model (mpp-xl), elke ronde met haar eigen aannames; "
                 "realisaties uit het realisatiebestand.")
    return fig


def vintage_figures(rounds: Sequence[tuple[str, Forecast]], real: pd.DataFrame | None = None,
                    series: Sequence[str] = VINTAGE_SERIES) -> list[tuple[str, Figure]]:
    """Per series one vintage chart as (name, figure); ``rounds`` oldest first, the
    current round last."""
    return [(f"rondes_{reeks}", vintage_chart(rounds, reeks, real)) for reeks in series]
