"""The publication report: PDF pages, one PNG per chart, nothing blank."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from mpp_xl import MppError
from mpp_xl.analysis.forecast import run
from mpp_xl.analysis.report import FAN_SERIES, build_figures, hundreds, spread
from mpp_xl.analysis.uncertainty import simulate
from mpp_xl.api import make_report
from mpp_xl.cli import main
from mpp_xl.core.series import SERIES
from tests.analysis.helpers import example, with_param, write
from tests.conftest import EXAMPLE_CSV

PUBLICATION = ["asielinstroom", "ind_afdoeningen", "ind_werkvoorraad", "coa_bezetting",
               "nidos_caseload", "dtv_instroom", "amv_instroom"]


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def _not_blank(png: Path) -> None:
    img = mpimg.imread(png)[..., :3]
    assert img.std() > 0.05, png.name
    non_white = (img.min(axis=2) < 0.9).mean()
    assert non_white > 0.02, png.name


@pytest.fixture(scope="module")
def report_with_previous(tmp_path_factory: pytest.TempPathFactory):
    d = tmp_path_factory.mktemp("rapport")
    old = with_param(example(), "nidos_duur_maanden", {"alle": 12})
    old_path = write(old, str(d / "vorige.csv"))
    pdf = d / "rapport.pdf"
    info = make_report(EXAMPLE_CSV, pdf, png_dir=d / "png", vorige=old_path, draws=300)
    return info, pdf, d / "png"


def test_pdf_has_title_page_and_every_chart(report_with_previous) -> None:
    info, pdf, _ = report_with_previous
    assert pdf.read_bytes().startswith(b"%PDF")
    want = PUBLICATION + [f"waaier_{k}" for k in FAN_SERIES] + ["bijstelling",
                                                                "bijstelling_toelichting",
                                                                "gevoeligheid"]
    assert info.charts == want
    assert _pages(pdf) == len(want) + 1 == info.pages


def test_one_png_per_chart_and_none_blank(report_with_previous) -> None:
    info, _, png_dir = report_with_previous
    pngs = sorted(png_dir.glob("*.png"))
    assert len(pngs) == info.n_charts
    assert [p.name.split("_", 1)[1][:-4] for p in pngs] == info.charts
    for p in pngs:
        _not_blank(p)


def test_cli_report_without_previous(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "r.pdf"
    assert main(["rapport", str(EXAMPLE_CSV), "-o", str(pdf), "--trekkingen", "200"]) == 0
    assert _pages(pdf) == 1 + len(PUBLICATION) + len(FAN_SERIES) + 1  # + the tornado
    assert "grafieken geschreven" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.png"))


def test_report_errors_leave_nothing(tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    with pytest.raises(MppError):
        make_report(EXAMPLE_CSV, pdf, vorige=tmp_path / "bestaat_niet.csv", draws=100)
    assert not pdf.exists()
    assert main(["rapport", str(EXAMPLE_CSV), "-o", str(pdf), "--trekkingen", "0"]) == 2
    assert not pdf.exists()
    assert list(tmp_path.iterdir()) == []


def test_labels_are_hundreds_with_dutch_separators() -> None:
    assert hundreds(12345) == "12.300"
    assert hundreds(64349.9) == "64.300"
    assert hundreds(950) == "1.000"
    assert hundreds(0) == "0"


def test_spread_keeps_order_and_gap() -> None:
    ys = [100.0, 101.0, 50.0, 102.0]
    pos = spread(ys, 5.0)
    order = np.argsort(ys, kind="stable")
    p_sorted = np.array(pos)[order]
    assert np.all(np.diff(p_sorted) >= 5.0 - 1e-9)
    assert pos[2] == pytest.approx(50.0, abs=5.0)
    assert spread([1.0, 100.0], 5.0) == [1.0, 100.0]


# --- which years a chart shows, and the medio line of the fan charts --------

STOCK_CHARTS = {"ind_werkvoorraad": "ind_werkvoorraad", "coa_bezetting": "coa_bezetting",
                "nidos_caseload": "nidos_caseload",
                **{f"waaier_{k}": k for k in FAN_SERIES if SERIES[k].is_stock}}
FLOW_CHARTS = ["asielinstroom", "ind_afdoeningen", "dtv_instroom", "amv_instroom",
               *(f"waaier_{k}" for k in FAN_SERIES if not SERIES[k].is_stock)]


@pytest.fixture(scope="module")
def figures_both_ways():
    """The charts without and with the 1 jan after eindjaar (same bands)."""
    a = example()
    fc = run(a)
    bands = simulate(a.resolve(), draws=400, seed=7,
                     percentiles=(5, 12.5, 25, 50, 67, 75, 87.5, 95))
    old = run(with_param(a, "nidos_duur_maanden", {"alle": 12}))
    off = dict(build_figures(fc, bands, old))
    on = dict(build_figures(fc, bands, old, year_after_end=True))
    return fc, bands, off, on


def _tick_labels(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_xticklabels()]


def _max_points(ax) -> int:
    return max(len(ln.get_xdata()) for ln in ax.get_lines())


def test_stock_charts_end_on_1_jan_eindjaar_by_default(figures_both_ways) -> None:
    fc, _, off, on = figures_both_ways
    years = list(range(fc.startjaar, fc.eindjaar + 1))
    for name in STOCK_CHARTS:
        assert _tick_labels(off[name]) == [f"1 jan {y}" for y in years], name
        assert _max_points(off[name].axes[0]) == len(years), name
        assert _tick_labels(on[name]) == [f"1 jan {y}" for y in [*years, fc.eindjaar + 1]], name
        assert _max_points(on[name].axes[0]) == len(years) + 1, name


def test_stock_lines_are_the_values_up_to_eindjaar(figures_both_ways) -> None:
    fc, _, off, _ = figures_both_ways
    ax = off["ind_werkvoorraad"].axes[0]
    medio = next(ln for ln in ax.get_lines() if ln.get_label() == "medio")
    want = fc.table("ind_werkvoorraad")["medio"].to_numpy()[:-1]
    np.testing.assert_allclose(medio.get_ydata(), want)
    cap = next(ln for ln in off["coa_bezetting"].axes[0].get_lines()
               if "capaciteit" in ln.get_label())
    assert len(cap.get_xdata()) == fc.eindjaar - fc.startjaar + 1


def test_flow_charts_are_the_same_either_way(figures_both_ways) -> None:
    fc, _, off, on = figures_both_ways
    years = [str(y) for y in range(fc.startjaar, fc.eindjaar + 1)]
    for name in FLOW_CHARTS:
        assert _tick_labels(off[name]) == _tick_labels(on[name]) == years, name


def test_comparison_chart_stocks_end_on_eindjaar(figures_both_ways) -> None:
    fc, _, off, on = figures_both_ways
    for fig, last in ((off["bijstelling"], fc.eindjaar), (on["bijstelling"], fc.eindjaar + 1)):
        for ax in fig.axes:
            title = ax.get_title(loc="left")
            xs = [float(max(ln.get_xdata())) for ln in ax.get_lines()]
            want = last if "per 1 jan" in title else fc.eindjaar
            assert xs and all(x == want for x in xs), (title, xs)


def test_fan_chart_draws_and_labels_medio_as_p67(figures_both_ways) -> None:
    _, bands, off, _ = figures_both_ways
    for reeks in FAN_SERIES:
        ax = off[f"waaier_{reeks}"].axes[0]
        lines = {ln.get_label(): ln for ln in ax.get_lines()}
        medio, p50 = lines["medio (P67)"], lines["mediaan (P50)"]
        t = bands.table(reeks)
        col = {float(c): c for c in t.columns}
        n = len(medio.get_ydata())
        np.testing.assert_allclose(medio.get_ydata(), t[col[67.0]].to_numpy()[:n])
        np.testing.assert_allclose(p50.get_ydata(), t[col[50.0]].to_numpy()[:n])
        assert medio.get_linewidth() > p50.get_linewidth()
        assert medio.get_linestyle() == "-" and p50.get_linestyle() == "--"
        bold = [tx.get_text() for tx in ax.texts if tx.get_fontweight() == "bold"]
        assert len(bold) == 1 and bold[0].startswith("medio (P67): "), bold
        assert bold[0].endswith(hundreds(float(t[col[67.0]].to_numpy()[n - 1])))
        assert not any(tx.get_text().startswith("P50") for tx in ax.texts)
        legend = [tx.get_text() for tx in ax.get_legend().get_texts()]
        assert "medio (P67)" in legend


@pytest.mark.parametrize("methode", ["alle_aannames", "alleen_instroom"])
def test_fan_charts_and_title_page_name_the_method_and_draws(methode: str) -> None:
    """The report says which Monte Carlo method made the bands and with how
    many draws (formerly it always said 'trekkingen van de eerste asielinstroom')."""
    from mpp_xl.analysis.report import title_page
    from mpp_xl.core.numbers import nl_number

    a = example()
    fc = run(a)
    bands = simulate(a.resolve(), draws=150, seed=3, percentiles=(12.5, 50, 67, 87.5),
                     methode=methode)
    other = {"alle_aannames": "alleen_instroom", "alleen_instroom": "alle_aannames"}[methode]
    figs = dict(build_figures(fc, bands))
    for reeks in FAN_SERIES:
        text = " ".join(t.get_text() for t in figs[f"waaier_{reeks}"].texts)
        assert f"methode {methode}" in text and other not in text
        assert f"{nl_number(150)} trekkingen" in text
        assert ("overige aannames medio" in text) == (methode == "alleen_instroom")
    title = title_page(fc, fc.fingerprint, ["x"], bands, None)
    text = " ".join(t.get_text() for t in title.texts)
    assert f"methode {methode}" in text and "150 trekkingen" in text
