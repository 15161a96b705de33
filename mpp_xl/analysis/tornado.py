"""The tornado chart of a sensitivity (matplotlib; the PDF report and PNGs).

One horizontal bar per parameter, the largest swing on top: the part left or
right of the base line is the effect of the parameter at −stap % (orange) and
at +stap % (blue) on the target, relative to the round itself.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ..core.numbers import nl_decimal, nl_number  # noqa: E402
from ..core.registry import PARAMETERS  # noqa: E402
from .sensitivity import TORNADO_TOP, Sensitivity, tornado_title  # noqa: E402

LOW_COLOUR, HIGH_COLOUR, GREY = "#E17000", "#01689B", "#696969"


def parameter_text(key: str, begrensd: bool) -> str:
    """The bar label: the Dutch label, the key, and a mark when clipped."""
    label = PARAMETERS[key].label if key in PARAMETERS else key
    return f"{label}\n({key})" + (" *" if begrensd else "")


def tornado_chart(s: Sensitivity, top: int = TORNADO_TOP) -> Figure:
    """The top ``top`` parameters by |zwaai| as a tornado (largest on top)."""
    rows = s.top(top).iloc[::-1]
    fig = Figure(figsize=(11.0, 6.2), dpi=120)
    ax = fig.add_axes((0.36, 0.10, 0.60, 0.74))
    title, sub = tornado_title(s)
    fig.text(0.03, 0.93, title, fontsize=15, fontweight="bold", color="#154273", va="bottom")
    fig.text(0.03, 0.885, sub, fontsize=10, color=GREY, va="bottom")
    y = range(len(rows))
    base = s.uitkomst_basis
    ax.barh(y, rows["uitkomst_laag"] - base, color=LOW_COLOUR, height=0.7,
            label=f"−{nl_decimal(s.target.stap)}%")
    ax.barh(y, rows["uitkomst_hoog"] - base, color=HIGH_COLOUR, height=0.7, alpha=0.9,
            label=f"+{nl_decimal(s.target.stap)}%")
    ax.axvline(0.0, color="#333333", lw=0.9)
    ax.set_yticks(list(y))
    ax.set_yticklabels([parameter_text(k, bool(b)) for k, b in
                        zip(rows["parameter"], rows["begrensd"], strict=True)], fontsize=7.5,
                       linespacing=0.95)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_number(v)))
    ax.grid(axis="x", color="#dddddd", lw=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(frameon=False, fontsize=9, loc="lower right")
    fig.text(0.03, 0.025, "Balk: verschil met de basis als de aanname alleen omlaag (oranje) "
             "of omhoog (blauw) gaat. * = begrensd door de grenzen van de parameter (of "
             "afgerond op een geheel getal).", fontsize=8.5, color=GREY, va="bottom")
    return fig
