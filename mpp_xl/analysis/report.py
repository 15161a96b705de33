"""The MPP publication charts (datavisualisatie) as PDF and PNG, in Dutch.

:func:`build_figures` turns a forecast (and optionally Monte Carlo bands and a
comparison with the previous MPP) into matplotlib figures; :func:`make_report`
reads the assumptions, runs everything and writes one PDF (a title page and
one chart per page) and optionally a PNG per chart. Bar and point labels are
rounded to hundreds as in the publication, with Dutch thousands separators.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from ..core.assumptions import Assumptions  # noqa: E402
from ..core.numbers import nl_decimal, nl_number  # noqa: E402
from ..core.problems import MppError, Problem  # noqa: E402
from ..core.registry import ASIEL_LABELS  # noqa: E402
from ..core.series import SERIES  # noqa: E402
from ..io.output import atomic_write  # noqa: E402
from .compare import Comparison, compare, parameter_label  # noqa: E402
from .forecast import Forecast, run  # noqa: E402
from .sensitivity import sensitivity  # noqa: E402
from .tornado import tornado_chart  # noqa: E402
from .uncertainty import Bands, method_text, simulate  # noqa: E402

# Colours (Rijkshuisstijl-like): dark blue, violet, orange, green, light blue, grey.
BLUE, VIOLET, ORANGE, GREEN = "#01689B", "#42145F", "#E17000", "#39870C"
LIGHT, GREY, RED = "#8FCAE7", "#696969", "#D52B1E"
SCEN_STYLE = {
    "min": {"color": LIGHT, "ls": "-", "marker": "v", "label": "minimum"},
    "medio": {"color": BLUE, "ls": "-", "marker": "o", "label": "medio"},
    "max": {"color": VIOLET, "ls": "-", "marker": "^", "label": "maximum"},
}
FIGSIZE = (11.0, 6.2)
DPI = 120

#: The asylum categories in every chart: same order, colour and name (ASIEL_LABELS).
CATEGORY_COLOURS: tuple[tuple[str, str], ...] = (("eerste", BLUE), ("herhaald", VIOLET),
                                                 ("nareis", ORANGE), ("hervestiging", GREEN))
#: Series shown as fan charts.
FAN_SERIES: tuple[str, ...] = ("instroom_totaal", "coa_bezetting", "ind_werkvoorraad",
                               "nidos_caseload")
#: Series shown in the comparison chart with the previous MPP.
#: Legend and end label of the medio line in the fan charts: the MPP's medio
#: is P67 (a 33 % chance of being exceeded), not the median.
MEDIO_LABEL = "medio (P67)"
COMPARE_SERIES: tuple[str, ...] = ("instroom_eerste", "ind_werkvoorraad", "coa_bezetting",
                                   "nidos_caseload")


def hundreds(x: float) -> str:
    """Publication label: rounded to hundreds, Dutch separators (12.300)."""
    return nl_number(round(float(x), -2))


def _thousands_axis(ax: plt.Axes) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_number(v)))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, min_n_ticks=4))
    ax.grid(axis="y", color="#dddddd", lw=0.8)
    ax.set_axisbelow(True)
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)


def _new_fig(title: str, subtitle: str, bottom: float = 0.14) -> tuple[Figure, plt.Axes]:
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    ax = fig.add_axes((0.09, bottom, 0.86, 0.82 - bottom))
    fig.text(0.09, 0.93, title, fontsize=16, fontweight="bold", color="#154273", va="bottom")
    fig.text(0.09, 0.885, subtitle, fontsize=10.5, color=GREY, va="bottom")
    _thousands_axis(ax)
    return fig, ax


def _footer(fig: Figure, text: str) -> None:
    fig.text(0.09, 0.025, text, fontsize=8.5, color=GREY, va="bottom")


def spread(ys: Sequence[float], gap: float) -> list[float]:
    """Label positions near ``ys`` that are at least ``gap`` apart (same order)."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    pos = [float(ys[i]) for i in order]
    for k in range(1, len(pos)):
        pos[k] = max(pos[k], pos[k - 1] + gap)
    # centre the block again around the original values
    shift = (sum(float(ys[i]) for i in order) - sum(pos)) / max(1, len(pos))
    pos = [p + shift for p in pos]
    for k in range(1, len(pos)):
        pos[k] = max(pos[k], pos[k - 1] + gap)
    out = [0.0] * len(ys)
    for k, i in enumerate(order):
        out[i] = pos[k]
    return out


def _years_label(fc: Forecast, reeks: str) -> list[str]:
    return [str(y) for y in fc.years(reeks)]


def _row(fc: Forecast, reeks: str, scen: str) -> np.ndarray:
    return fc.data[reeks][fc.scenarios.index(scen)]


def n_shown(years: Sequence[int], reeks: str, year_after_end: bool) -> int:
    """How many of ``years`` (as the forecast reports them) a chart shows: a
    stock is reported also on 1 jan eindjaar+1, which the publication does not
    show; it is kept only when ``year_after_end``."""
    return len(years) - (1 if SERIES[reeks].is_stock and not year_after_end else 0)


class LabelPlacer:
    """Places value labels next to line points so that they do not cross any
    plotted line nor each other: for each label the candidate spots above
    and below the point (further away step by step) are tried in the
    preferred order and the first free one is taken (else the least crowded).
    Sizes are estimated in data units from the font size and the axes size,
    so call it after the axis limits are set."""

    FONT = 9.0

    def __init__(self, ax: plt.Axes, x: np.ndarray, lines: Sequence[np.ndarray]) -> None:
        self.ax = ax
        self.x = np.asarray(x, dtype=float)
        self.lines = [np.asarray(v, dtype=float) for v in lines]
        fig = ax.figure
        pos = ax.get_position()
        w_in, h_in = pos.width * fig.get_figwidth(), pos.height * fig.get_figheight()
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        self.ux = (x1 - x0) / w_in  # data units per inch
        self.uy = (y1 - y0) / h_in
        self.h = 1.35 * self.FONT / 72 * self.uy  # label height incl. padding
        self.off = 0.45 * self.h  # gap between a point and its label
        #: placed label boxes (x0, x1, y0, y1)
        self.boxes: list[tuple[float, float, float, float]] = []

    def _width(self, text: str) -> float:
        return (0.62 * self.FONT * len(text) + 4) / 72 * self.ux

    def _hits(self, box: tuple[float, float, float, float]) -> int:
        bx0, bx1, by0, by1 = box
        n = 0
        xs = np.clip(np.linspace(bx0, bx1, 9), self.x[0], self.x[-1])
        for v in self.lines:
            ys = np.interp(xs, self.x, v)
            inside = (xs >= bx0) & (xs <= bx1)
            if np.any(inside & (ys >= by0) & (ys <= by1)):
                n += 1
            # a steep segment can pass between samples: check the crossing
            elif np.any(inside) and (ys.min() < by0 < ys.max() or ys.min() < by1 < ys.max()):
                n += 1
        for ox0, ox1, oy0, oy1 in self.boxes:
            if bx0 < ox1 and ox0 < bx1 and by0 < oy1 and oy0 < by1:
                n += 2
        if by0 < 0:
            n += 3
        return n

    def fixed(self, x: float, y: float, text: str, ha: str = "left", **style: object) -> None:
        """A label at a given place (ha 'left': starts at x), vertically centred."""
        w = self._width(text)
        x0 = x if ha == "left" else x - w / 2
        self.boxes.append((x0, x0 + w, y - self.h / 2, y + self.h / 2))
        self._draw(x, y, text, ha, **style)

    def place(self, xi: float, y: float, text: str, prefer: int = 1, bold: bool = False,
              **style: object) -> tuple[float, float, float, float]:
        """Label the point (xi, y) above (prefer=1) or below (-1) it, moving
        away or to the other side when the spot is taken. Returns the box."""
        w = self._width(text)
        best: tuple[int, tuple[float, float, float, float]] | None = None
        for step in range(4):
            for side in (prefer, -prefer):
                lo = y + self.off + step * 0.8 * self.h if side > 0 \
                    else y - self.off - self.h - step * 0.8 * self.h
                box = (xi - w / 2, xi + w / 2, lo, lo + self.h)
                hits = self._hits(box)
                if best is None or hits < best[0]:
                    best = (hits, box)
                if hits == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        box = best[1]
        self.boxes.append(box)
        self._draw(xi, (box[2] + box[3]) / 2, text, "center", bold=bold, **style)
        return box

    def _draw(self, x: float, y: float, text: str, ha: str, bold: bool = False,
              **style: object) -> None:
        self.ax.text(x, y, text, ha=ha, va="center", fontsize=self.FONT,
                     fontweight="bold" if bold else "normal",
                     bbox={"boxstyle": "square,pad=0.08", "fc": "white", "ec": "none",
                           "alpha": 0.85}, **style)

    def fit_ylim(self, top: float) -> None:
        """Raise the upper y-limit so every label stays inside the axes."""
        hi = max([top, *(b[3] + 0.2 * self.h for b in self.boxes)])
        self.ax.set_ylim(0, hi)


# ---------------------------------------------------------------------------
# chart types
def stacked_bars(fc: Forecast, parts: Sequence[tuple[str, str, str]], title: str,
                 subtitle: str, footer: str, scenario: str = "medio") -> Figure:
    """Stacked bars per year of flows ``parts`` = (reeks, legend label, colour)
    for one scenario; segment labels and the total on top, in hundreds."""
    fig, ax = _new_fig(title, subtitle)
    years = _years_label(fc, parts[0][0])
    x = np.arange(len(years))
    bottom = np.zeros(len(years))
    vals = [_row(fc, k, scenario) for k, _, _ in parts]
    total = np.sum(vals, axis=0)
    top = float(total.max()) if len(total) else 1.0
    for (_k, lab, col), v in zip(parts, vals, strict=True):
        ax.bar(x, v, 0.62, bottom=bottom, color=col, label=lab, edgecolor="white", lw=0.6)
        for xi, (b, h) in enumerate(zip(bottom, v, strict=True)):
            if h >= 0.07 * top:
                ax.text(xi, b + h / 2, hundreds(h), ha="center", va="center", fontsize=9,
                        color="white" if col not in (LIGHT,) else "black")
        bottom = bottom + v
    for xi, t in enumerate(total):
        ax.text(xi, t + 0.015 * top, hundreds(t), ha="center", va="bottom", fontsize=10.5,
                fontweight="bold")
    ax.set_xticks(x, years)
    ax.set_ylim(0, top * 1.12 if top > 0 else 1)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=len(parts), frameon=False,
              fontsize=9.5)
    _footer(fig, footer)
    return fig


def scenario_lines(fc: Forecast, reeks: str, title: str, subtitle: str, footer: str,
                   extra: Sequence[tuple[str, str, str]] = (),
                   year_after_end: bool = False) -> Figure:
    """min/medio/max lines with labels in hundreds; ``extra`` = (reeks,
    scenario, legend label) drawn dashed (e.g. the capacity need). A stock's
    1 jan eindjaar+1 is shown only with ``year_after_end``."""
    fig, ax = _new_fig(title, subtitle)
    n = n_shown(fc.years(reeks), reeks, year_after_end)
    years = fc.years(reeks)[:n]
    x = np.arange(len(years))
    rows = {s: _row(fc, reeks, s)[:n] for s in ("min", "medio", "max") if s in fc.scenarios}
    top = max(float(v.max()) for v in rows.values())
    for k, scen, _lab in extra:
        top = max(top, float(_row(fc, k, scen)[:n].max()))
    for s, v in rows.items():
        st = SCEN_STYLE[s]
        ax.plot(x, v, color=st["color"], ls=st["ls"], marker=st["marker"], lw=2.2, ms=6,
                label=st["label"])
    extra_rows = [(_row(fc, k, scen)[:n], lab) for k, scen, lab in extra]
    for v, lab in extra_rows:
        ax.plot(x, v, color=ORANGE, ls="--", lw=1.8, marker="s", ms=4, label=lab)
    ax.set_xlim(-0.4, len(x) - 0.4)
    ax.set_ylim(0, top * 1.12)
    lines = [np.asarray(v, dtype=float) for v in rows.values()] + \
        [np.asarray(v, dtype=float) for v, _ in extra_rows]
    placer = LabelPlacer(ax, x, lines)
    for v, _lab in extra_rows:  # the capacity value right of its last point
        placer.fixed(len(x) - 1 + 0.1, float(v[-1]), hundreds(v[-1]), ha="left",
                     color=ORANGE)
    for xi in range(len(years)):
        vals = {s: float(v[xi]) for s, v in rows.items()}
        if max(vals.values()) - min(vals.values()) <= 0.01 * top:
            placer.place(xi, vals["medio"], hundreds(vals["medio"]), prefer=1, color="black")
            continue
        lo_s = min(vals, key=vals.get)  # type: ignore[arg-type]
        hi_s = max(vals, key=vals.get)  # type: ignore[arg-type]
        # the outer scenarios first (above the highest, below the lowest), then the middle
        for s in sorted(vals, key=lambda k: k not in (lo_s, hi_s)):
            y = vals[s]
            col = GREY if s == "min" else SCEN_STYLE[s]["color"]
            if s == hi_s:
                placer.place(xi, y, hundreds(y), prefer=1, color=col)
            elif s == lo_s:
                placer.place(xi, y, hundreds(y), prefer=-1, color=col)
            else:
                placer.place(xi, y, hundreds(y), prefer=1, color=col, bold=True)
    placer.fit_ylim(top * 1.12)
    ax.set_xticks(x, [f"1 jan {y}" if SERIES[reeks].is_stock else str(y) for y in years])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=3 + len(extra),
              frameon=False, fontsize=9.5)
    _footer(fig, footer)
    return fig


def scenario_bars(fc: Forecast, reeks: str, title: str, subtitle: str, footer: str) -> Figure:
    """Grouped bars min / medio / max per year, labelled in hundreds."""
    fig, ax = _new_fig(title, subtitle)
    years = _years_label(fc, reeks)
    x = np.arange(len(years))
    scen = [s for s in ("min", "medio", "max") if s in fc.scenarios]
    w = 0.26
    top = max(float(_row(fc, reeks, s).max()) for s in scen)
    for i, s in enumerate(scen):
        v = _row(fc, reeks, s)
        xs = x + (i - (len(scen) - 1) / 2) * w
        ax.bar(xs, v, w * 0.95, color=SCEN_STYLE[s]["color"], label=SCEN_STYLE[s]["label"])
        for xi, h in zip(xs, v, strict=True):
            ax.text(xi, h + 0.012 * top, hundreds(h), ha="center", va="bottom", fontsize=8,
                    rotation=90 if len(years) > 6 else 0)
    ax.set_xticks(x, years)
    ax.set_ylim(0, top * 1.15)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=3, frameon=False,
              fontsize=9.5)
    _footer(fig, footer)
    return fig


def fan_chart(fc: Forecast, bands: Bands, reeks: str, year_after_end: bool = False) -> Figure:
    """Fan chart: P12.5–P87.5 band, the medio line (P67, what the MPP calls
    medio; bold and labelled), a thin dashed median (P50), and the scenarios
    as markers, so one sees the published min and max inside the band. A
    stock's 1 jan eindjaar+1 is shown only with ``year_after_end``."""
    s = SERIES[reeks]
    unit = "per 1 januari" if s.is_stock else "per jaar"
    fig, ax = _new_fig(f"{s.label}: onzekerheidsband",
                       f"{unit}; Monte Carlo, methode {bands.methode}, "
                       f"{nl_number(bands.draws)} trekkingen", bottom=0.2)
    n = n_shown(bands.years(reeks), reeks, year_after_end)
    years = bands.years(reeks)[:n]
    x = np.arange(len(years))
    t = bands.table(reeks).iloc[:n]
    cols = {float(c): c for c in t.columns}

    def p(q: float) -> np.ndarray | None:
        c = cols.get(q)
        return None if c is None else t[c].to_numpy()

    for lo_q, hi_q, alpha in ((5.0, 95.0, 0.15), (12.5, 87.5, 0.35), (25.0, 75.0, 0.5)):
        lo, hi = p(lo_q), p(hi_q)
        if lo is not None and hi is not None:
            ax.fill_between(x, lo, hi, color=BLUE, alpha=alpha, lw=0,
                            label=f"P{nl_decimal(lo_q)}–P{nl_decimal(hi_q)}")
    med, p67 = p(50.0), p(67.0)
    if p67 is not None:
        ax.plot(x, p67, color=VIOLET, lw=2.2, label=MEDIO_LABEL)
    if med is not None:
        ax.plot(x, med, color=BLUE, lw=1.0, ls="--", label="mediaan (P50)")
    for scen, mk in (("min", "v"), ("medio", "o"), ("max", "^")):
        if scen in fc.scenarios:
            ax.plot(x, _row(fc, reeks, scen)[:n], ls="none", marker=mk, color=ORANGE, ms=6,
                    label=f"scenario {scen}")
    top = float(np.nanmax([t.to_numpy().max(),
                           *(float(_row(fc, reeks, sc)[:n].max()) for sc in fc.scenarios)]))
    ends = [(q, lab, bold) for q, lab, bold in ((87.5, "P87,5", False),
                                                (67.0, MEDIO_LABEL, True),
                                                (12.5, "P12,5", False)) if p(q) is not None]
    ys = [float(p(q)[-1]) for q, _, _ in ends]  # type: ignore[index]
    for (_q, lab, bold), y0, y in zip(ends, ys, spread(ys, 0.045 * top), strict=True):
        ax.text(len(x) - 1 + 0.12, y, f"{lab}: {hundreds(y0)}", fontsize=9, va="center",
                color=VIOLET if bold else BLUE, fontweight="bold" if bold else "normal")
    ax.set_xticks(x, [f"1 jan {y}" if s.is_stock else str(y) for y in years])
    ax.set_xlim(-0.3, len(x) - 1 + 1.0)
    ax.set_ylim(0, top * 1.1 if top > 0 else 1)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False, fontsize=9,
              ncol=4)
    _footer(fig, f"Monte Carlo, {method_text(bands.methode)}.\n"
                 f"Banden: percentielen over de trekkingen (startgetal {bands.seed}, "
                 f"correlatie tussen jaren {str(bands.rho).replace('.', ',')}). "
                 "Oranje: de scenario's (instroom: min P12,5, medio P67, max P87,5).")
    return fig


def comparison_chart(old: Forecast, new: Forecast, keys: Sequence[str] = COMPARE_SERIES,
                     year_after_end: bool = False) -> Figure:
    """2×2 small multiples: medio of the previous MPP (dashed) and the new one.
    A stock's 1 jan eindjaar+1 is shown only with ``year_after_end``."""
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    fig.text(0.06, 0.94, "Bijstelling: nieuwe MPP t.o.v. vorige MPP (medio)", fontsize=16,
             fontweight="bold", color="#154273")
    axes = fig.subplots(2, 2, gridspec_kw={"left": 0.08, "right": 0.97, "top": 0.84,
                                           "bottom": 0.1, "hspace": 0.45, "wspace": 0.18})
    for ax, reeks in zip(axes.ravel(), keys, strict=False):
        s = SERIES[reeks]
        _thousands_axis(ax)
        ends = []
        for fc, lab, st in ((old, "vorige MPP", "--"), (new, "nieuwe MPP", "-")):
            n = n_shown(fc.years(reeks), reeks, year_after_end)
            ys = fc.years(reeks)[:n]
            v = _row(fc, reeks, "medio")[:n]
            col = GREY if st == "--" else BLUE
            ax.plot(ys, v, ls=st, marker="o", ms=4, lw=2, color=col, label=lab)
            ends.append((ys[-1], float(v[-1]), col))
        top = max(float(_row(f, reeks, "medio")[:n_shown(f.years(reeks), reeks,
                                                          year_after_end)].max())
                  for f in (old, new))
        pos = spread([e[1] for e in ends], 0.07 * top)
        for (xe, ye, col), yp in zip(ends, pos, strict=True):
            ax.text(xe, yp, "  " + hundreds(ye), fontsize=8, va="center", ha="left", color=col)
        ax.set_title(s.label + (" (per 1 jan)" if s.is_stock else " (per jaar)"),
                     fontsize=11, loc="left")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, top * 1.12 if top > 0 else 1)
        ax.margins(x=0.12)
    axes[0, 0].legend(frameon=False, fontsize=9, loc="lower left")
    _footer(fig, "Doorgetrokken: nieuwe MPP; gestreept: vorige MPP.")
    return fig


def text_page(title: str, lines: Sequence[str], footer: str = "") -> Figure:
    """A page of text (title page, explanation of the comparison). Lines that
    do not fit above the footer are left out with a note how many."""
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    fig.text(0.07, 0.88, title, fontsize=20, fontweight="bold", color="#154273", va="top")
    step, gap = 0.04, 0.012
    # the text block ends above the footer (footer text is ~0.03 high at 0.025)
    limit = 0.085 if footer else 0.04
    y = 0.78
    wrapped = [textwrap.wrap(line, 125) or [""] for line in lines]
    for k, ws in enumerate(wrapped):
        rest = len(wrapped) - k - 1
        need = len(ws) * step
        # keep room for the 'more' note unless this is the last line
        room = y - limit - (step if rest else 0)
        if need > room + 1e-9:
            left = len(wrapped) - k
            fig.text(0.07, y, f"… en nog {left} regel(s); zie mpp vergelijk voor alles.",
                     fontsize=10.5, va="top", color=GREY)
            break
        for i, w in enumerate(ws):
            fig.text(0.07 if i == 0 else 0.085, y, w, fontsize=10.5, va="top")
            y -= step
        y -= gap
    if footer:
        _footer(fig, footer)
    return fig


# ---------------------------------------------------------------------------
def build_figures(fc: Forecast, bands: Bands | None = None, old: Forecast | None = None,
                  comparison: Comparison | None = None, year_after_end: bool = False
                  ) -> list[tuple[str, Figure]]:
    """All charts as (name, figure), in publication order (no title page).
    Stock charts end on 1 jan eindjaar, as in the publication; with
    ``year_after_end`` they also show 1 jan eindjaar+1 (end of the horizon)."""
    yrs = f"{fc.startjaar}–{fc.eindjaar}"
    src = "Bron: MPP-model (mpp-xl); getallen afgerond op honderdtallen."
    out: list[tuple[str, Figure]] = []
    out.append(("asielinstroom", stacked_bars(
        fc, [(f"instroom_{k}", ASIEL_LABELS[k], col) for k, col in CATEGORY_COLOURS],
        "Asielinstroom per categorie (medio)", f"aantal per jaar, {yrs}", src)))
    out.append(("ind_afdoeningen", stacked_bars(
        fc, [(f"ind_afdoeningen_{k}", ASIEL_LABELS[k], col) for k, col in CATEGORY_COLOURS],
        "Totale asielafdoeningen IND per categorie (medio)", f"aantal per jaar, {yrs}", src)))
    out.append(("ind_werkvoorraad", scenario_lines(
        fc, "ind_werkvoorraad", "IND-werkvoorraad asielaanvragen",
        "per 1 januari; minimum-, medio- en maximumscenario", src,
        year_after_end=year_after_end)))
    out.append(("coa_bezetting", scenario_lines(
        fc, "coa_bezetting", "COA-bezetting en benodigde capaciteit",
        "per 1 januari; minimum-, medio- en maximumscenario", src
        + " Capaciteitsbehoefte = bezetting / (1 − snijverlies).",
        extra=[("coa_capaciteit", "medio", "benodigde capaciteit (medio)")],
        year_after_end=year_after_end)))
    out.append(("nidos_caseload", scenario_lines(
        fc, "nidos_caseload", "Nidos-caseload (voogdij amv)",
        "per 1 januari; minimum-, medio- en maximumscenario", src,
        year_after_end=year_after_end)))
    out.append(("dtv_instroom", stacked_bars(
        fc, [("dtv_instroom_ind", "vanuit IND (afwijzingen)", BLUE),
             ("dtv_instroom_overig", "overig (o.a. KMar en Politie)", ORANGE)],
        "DT&V-instroom naar bron (medio)", f"aantal per jaar, {yrs}", src)))
    out.append(("amv_instroom", scenario_bars(
        fc, "amv_instroom", "Instroom alleenstaande minderjarige vreemdelingen (amv)",
        f"aantal per jaar, {yrs}; minimum-, medio- en maximumscenario", src)))
    if bands is not None:
        for reeks in FAN_SERIES:
            out.append((f"waaier_{reeks}", fan_chart(fc, bands, reeks, year_after_end)))
    if old is not None:
        out.append(("bijstelling", comparison_chart(old, fc, year_after_end=year_after_end)))
    if comparison is not None:
        lines = [f"• {comparison.toelichting[r]}" for r in comparison.gewijzigde_reeksen[:14]]
        params = list(dict.fromkeys(comparison.aannames["parameter"]))
        head = ("Gewijzigde aannames: " + ", ".join(parameter_label(k) for k in params)
                + ".") if params else "Geen gewijzigde aannames."
        if not lines:
            lines = ["Geen verschillen in de uitkomsten."]
        elif comparison.gedeelde_zin():
            lines.insert(0, comparison.gedeelde_zin())
        out.append(("bijstelling_toelichting", text_page(
            "Bijstelling: wat is er veranderd en waarom", [head, "", *lines],
            "Per reeks de grootste wijziging (medio); toegeschreven door elke gewijzigde "
            "aanname afzonderlijk terug te zetten.")))
    return out


@dataclass
class ReportInfo:
    """What :func:`make_report` wrote."""

    charts: list[str]
    pages: int
    problems: list[Problem] = field(default_factory=list)
    pngs: list[Path] = field(default_factory=list)

    @property
    def n_charts(self) -> int:
        return len(self.charts)


def title_page(fc: Forecast, fingerprint: str, charts: Sequence[str],
               bands: Bands | None, vorige: str | None) -> Figure:
    versie = fc.text.get("mpp_versie") or "(geen versie opgegeven)"
    peil = fc.text.get("peildatum") or "(geen peildatum opgegeven)"
    lines = [
        f"MPP-versie: {versie}",
        f"Peildatum: {peil}",
        f"Horizon: {fc.startjaar} t/m {fc.eindjaar}",
        f"Vingerafdruk van de aannames: {fingerprint}",
    ]
    if bands is not None:
        lines.append(f"Onzekerheidsbanden: {nl_number(bands.draws)} trekkingen, startgetal "
                     f"{bands.seed}, {method_text(bands.methode)}")
    if vorige:
        lines.append(f"Vergeleken met de vorige MPP: {Path(vorige).name}")
    lines += ["", f"Inhoud ({len(charts)} grafieken, één per pagina):",
              "; ".join(f"p. {i} {c}" for i, c in enumerate(charts, start=2)) + "."]
    return text_page("Meerjaren Productie Prognose migratieketen", lines,
                     "Scenario's: minimum en maximum zijn de grenzen van het 75%-interval "
                     "van de eerste asielinstroom; medio heeft 33% kans op overschrijding.")


def make_report(a: Assumptions, output: str | Path, png_dir: str | Path | None = None,
                vorige: Assumptions | None = None, draws: int | None = None,
                seed: int | None = None,
                progress: Callable[[int], None] | None = None,
                year_after_end: bool = False,
                extra: Callable[[Forecast], list[tuple[str, Figure]]] | None = None,
                ) -> ReportInfo:
    """Run the MPP of ``a`` and write the PDF ``output`` (title page plus one
    chart per page) and, with ``png_dir``, one PNG per chart; ``vorige``: the
    assumptions of the previous MPP, for the comparison pages (its
    ``source`` names it on the title page). Stock charts end on 1 jan
    eindjaar as in the publication; with ``year_after_end`` they also show
    1 jan eindjaar+1. ``extra`` adds charts made from this forecast (e.g. the
    vintages of :mod:`mpp_xl.analysis.report_vintages`). Nothing is written
    when anything fails."""
    fc = run(a)
    bands = simulate(a.resolve(), draws=draws, seed=seed,
                     percentiles=(5, 12.5, 25, 50, 67, 75, 87.5, 95), progress=progress)
    old = cmp = None
    if vorige is not None:
        old = run(vorige)
        cmp = compare(old, fc, vorige, a)
    figs = build_figures(fc, bands, old, cmp, year_after_end=year_after_end)
    figs += extra(fc) if extra is not None else []
    figs.append(("gevoeligheid", tornado_chart(sensitivity(a.resolve()))))
    names = [n for n, _ in figs]
    titles = [f.texts[0].get_text() if f.texts else n for n, f in figs]
    title = title_page(fc, fc.fingerprint, titles, bands,
                       str(vorige.source) if vorige is not None else None)
    png_path = Path(png_dir) if png_dir else None
    if png_path is not None:
        if png_path.exists() and not png_path.is_dir():
            raise MppError(f"{png_path} is geen map.")
        png_path.mkdir(parents=True, exist_ok=True)

    def write_pdf(tmp: Path) -> None:
        with PdfPages(tmp, metadata={"Title": "MPP migratieketen", "Creator": "mpp-xl",
                                     "CreationDate": None}) as pdf:
            pdf.savefig(title)
            for _, f in figs:
                pdf.savefig(f)

    atomic_write(output, write_pdf)
    pngs: list[Path] = []
    if png_path is not None:
        for i, (name, f) in enumerate(figs, start=1):
            target = png_path / f"{i:02d}_{name}.png"
            atomic_write(target, lambda p, f=f: f.savefig(p, format="png"))
            pngs.append(target)
    return ReportInfo(names, len(figs) + 1, list(fc.problems), pngs)
