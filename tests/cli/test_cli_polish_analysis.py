"""Findings of the new-user trial of the analysis commands: Dutch number
input and output, draw bounds, share series in procentpunten, Dutch labels
instead of parameter codes, and the report pages' layout."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from mpp_xl import run
from mpp_xl.analysis.backtest import backtest
from mpp_xl.analysis.compare import compare
from mpp_xl.analysis.report import build_figures, text_page
from mpp_xl.analysis.uncertainty import parse_percentiles
from mpp_xl.cli import main
from mpp_xl.core.numbers import parse_nl_number
from mpp_xl.core.problems import MppError
from mpp_xl.core.registry import ASIEL_LABELS, PARAMETERS
from mpp_xl.core.series import SERIES
from tests.analysis.helpers import example, with_param, write
from tests.conftest import EXAMPLE_CSV


# --- 6. --percentielen and --trekkingen -------------------------------------------------------
@pytest.mark.parametrize("text, extra", [
    ("2,5;97,5", {2.5, 97.5}),
    ("2.5;97.5", {2.5, 97.5}),
    ("12,5 50 87,5", set()),
    ("5 ; 95", {5.0, 95.0}),
    ("5;95", {5.0, 95.0}),
    ("5,5", {5.5}),       # a comma is always a decimal comma, never a separator
    ("5,95", {5.95}),
    ("33,3", {33.3}),
])
def test_percentiles_accept_dutch_decimal_commas(text: str, extra: set[float]) -> None:
    got = parse_percentiles(text)
    assert set(got) == {12.5, 50.0, 67.0, 87.5} | extra
    assert list(got) == sorted(got)


@pytest.mark.parametrize("text", ["0", "100", "2,5;100", "-5", "150", "2,5;abc",
                                  "2.5,97.5"])
def test_percentiles_outside_0_100_or_not_numbers_are_refused(text: str) -> None:
    with pytest.raises(MppError, match="Percentiel"):
        parse_percentiles(text)


@pytest.mark.parametrize("item", ["2,5", "97.5", "33,3", "1e1", "7", "0,5", "99,99"])
def test_each_percentile_is_read_as_the_cli_reads_a_number(item: str) -> None:
    """One reading of a typed number everywhere: a percentile item is what
    parse_nl_number makes of it (also in a ';'-separated list)."""
    expected = parse_nl_number(item)
    assert expected in parse_percentiles(f"{item};50")
    assert expected in parse_percentiles(f"50 {item}")


@pytest.mark.parametrize("text, says", [
    ("2,500;50", "dubbelzinnig"),      # thousands comma or decimal comma? never guessed
    ("1.2.3", "eenduidig"),
    ("12.500", "tussen 0 en 100"),     # 12.500 is twelve thousand five hundred
])
def test_percentiles_refuse_what_the_cli_refuses(text: str, says: str) -> None:
    with pytest.raises(MppError, match="Percentiel") as e:
        parse_percentiles(text)
    assert says in str(e.value)


def test_percentiles_from_a_repeated_option() -> None:
    """The option repeated gives a list of lists (argparse's append)."""
    got = parse_percentiles(["5", "95", "2,5;97,5"])
    assert set(got) == {12.5, 50.0, 67.0, 87.5, 5.0, 95.0, 2.5, 97.5}
    assert parse_percentiles([]) == parse_percentiles("")


def test_cli_repeated_percentiles_and_decimal_comma(tmp_path: Path) -> None:
    out = tmp_path / "b.csv"
    assert main(["onzekerheid", str(EXAMPLE_CSV), "--trekkingen", "200", "--percentielen",
                 "5,5", "--percentielen", "95", "--csv", str(out)]) == 0
    got = set(pd.read_csv(out)["percentiel"])
    assert got == {5.5, 12.5, 50, 67, 87.5, 95}


def test_usage_lines_show_hulp(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--hulp"], ["onzekerheid", "--hulp"], ["bouw", "--hulp"]):
        with pytest.raises(SystemExit):
            main(argv)
        usage = capsys.readouterr().out.split("\n\n")[0]
        assert usage.startswith("gebruik: mpp")
        assert "[--hulp]" in usage and "[-h]" not in usage


def test_cli_percentiles_with_decimal_commas(tmp_path: Path) -> None:
    out = tmp_path / "b.csv"
    assert main(["onzekerheid", str(EXAMPLE_CSV), "--trekkingen", "200", "--percentielen",
                 "2,5;97,5", "--csv", str(out)]) == 0
    got = set(pd.read_csv(out)["percentiel"])
    assert got == {2.5, 12.5, 50, 67, 87.5, 97.5}


@pytest.mark.parametrize("cmd", ["onzekerheid", "rapport"])
@pytest.mark.parametrize("draws", ["50", "99", "1000001"])
def test_draws_outside_the_registry_bounds_exit_2(tmp_path: Path, cmd: str, draws: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / ("r.pdf" if cmd == "rapport" else "b.csv")
    argv = [cmd, str(EXAMPLE_CSV), "--trekkingen", draws]
    argv += ["-o", str(target)] if cmd == "rapport" else ["--csv", str(target)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    p = PARAMETERS["mc_trekkingen"]
    assert f"tussen {int(p.lo)} en 1.000.000" in err
    assert not target.exists()


def test_percentile_out_of_range_on_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["onzekerheid", str(EXAMPLE_CSV), "--trekkingen", "100",
                 "--percentielen", "0;50"]) == 2
    assert "tussen 0 en 100" in capsys.readouterr().err


def test_uncertainty_summary_uses_dutch_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["onzekerheid", str(EXAMPLE_CSV), "--trekkingen", "1000"]) == 0
    out = capsys.readouterr().out
    assert "1.000 trekkingen" in out
    assert re.search(r"correlatie tussen jaren \d,\d", out)
    share = [ln for ln in out.splitlines()
             if ln.startswith(SERIES["coa_aandeel_statushouders"].label)]
    assert share and re.search(r"\d+,\d%", share[0])
    assert not re.search(r"\d\.\d%", out)


# --- 7. backtest of share series in procentpunten ---------------------------------------
def test_backtest_share_series_in_procentpunten(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    a = example()
    fc = run(a)
    real = pd.DataFrame({"reeks": ["coa_aandeel_statushouders", "coa_bezetting"],
                         "jaar": [2025, 2025], "waarde": [0.26, 60000.0],
                         "bron": ["", ""]})
    bt = backtest(fc, real)
    t = bt.tabel.set_index("reeks")
    medio = fc.value("coa_aandeel_statushouders", 2025, "medio")
    share = t.loc["coa_aandeel_statushouders"]
    assert share["procentpunt"] == pytest.approx((medio - 0.26) * 100)
    assert math.isnan(share["procent"])
    count = t.loc["coa_bezetting"]
    assert math.isnan(count["procentpunt"])
    medio_b = fc.value("coa_bezetting", 2025, "medio")
    assert count["procent"] == pytest.approx(100 * (medio_b - 60000) / 60000)
    s = bt.samenvatting().set_index("reeks")
    assert s.loc["coa_aandeel_statushouders", "gem_abs_procentpunt"] == \
        pytest.approx(abs(medio - 0.26) * 100)

    path = tmp_path / "real.csv"
    real.to_csv(path, index=False)
    assert main(["terugtoets", str(EXAMPLE_CSV), str(path)]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("coa_aandeel_statushouders"))
    pp = f"{abs(medio - 0.26) * 100:.1f}".replace(".", ",")
    assert f"{pp} procentpunt" in line
    assert "26,0%" in line  # the realisation as a Dutch percentage
    bez = next(ln for ln in out.splitlines() if ln.startswith("coa_bezetting"))
    pct = f"{abs(100 * (medio_b - 60000) / 60000):.1f}".replace(".", ",")
    assert f"{pct}%" in bez and "procentpunt" not in bez


# --- 8/9. Dutch labels in compare and report --------------------------------------------
@pytest.fixture(scope="module")
def changed() -> tuple:
    a = example()
    r = a.resolve()
    med = r.values["eerste_aanvragen"]
    b = with_param(a, "eerste_aanvragen", {
        s: [float(x) * 0.9 for x in med[r.scenarios.index(s)]] for s in r.scenarios})
    th = float(r.values["taakstelling_h1"].ravel()[0])
    b = with_param(b, "taakstelling_h1", {"alle": th * 0.8})
    return b, a  # old, new


def test_compare_explains_with_dutch_labels(changed: tuple) -> None:
    old, new = changed
    c = compare(run(old), run(new), old, new)
    label = PARAMETERS["eerste_aanvragen"].label
    texts = list(c.toelichting.values())
    assert texts and any(f"{label} (eerste_aanvragen)" in t for t in texts)
    # a code appears only in parentheses after its label
    for t in texts:
        for code in ("eerste_aanvragen", "taakstelling_h1"):
            for m in re.finditer(code, t):
                assert t[m.start() - 1] == "(", t


def test_cli_compare_lists_labels(changed: tuple, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    old, new = changed
    po, pn = write(old, str(tmp_path / "old.csv")), write(new, str(tmp_path / "new.csv"))
    assert main(["vergelijk", po, pn]) == 0
    out = capsys.readouterr().out
    head = next(ln for ln in out.splitlines() if ln.startswith("Gewijzigde aannames"))
    assert PARAMETERS["taakstelling_h1"].label in head
    assert f"{PARAMETERS['eerste_aanvragen'].label} (eerste_aanvragen)" in head


def _texts(fig) -> list:  # type: ignore[no-untyped-def]
    FigureCanvasAgg(fig).draw()
    return [t for t in fig.texts if t.get_text().strip()]


def _overlap(a, b) -> bool:  # type: ignore[no-untyped-def]
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_report_explanation_page_labels_and_footer(changed: tuple) -> None:
    old, new = changed
    fo, fn = run(old), run(new)
    figs = dict(build_figures(fn, None, fo, compare(fo, fn, old, new)))
    fig = figs["bijstelling_toelichting"]
    texts = _texts(fig)
    joined = " ".join(t.get_text() for t in texts)
    assert PARAMETERS["eerste_aanvragen"].label in joined
    assert PARAMETERS["taakstelling_h1"].label in joined
    assert "eerste_aanvragen," not in joined and "eerste_aanvragen." not in joined
    footer = min(texts, key=lambda t: t.get_position()[1])
    fb = footer.get_window_extent()
    for t in texts:
        if t is not footer:
            assert not _overlap(t.get_window_extent(), fb), t.get_text()


def test_text_page_never_runs_into_the_footer() -> None:
    lines = [f"• regel {i} " + "lange tekst " * 25 for i in range(30)]
    fig = text_page("Titel", lines, "Voetnoot onderaan de pagina.")
    texts = _texts(fig)
    footer = next(t for t in texts if t.get_text().startswith("Voetnoot"))
    fb = footer.get_window_extent()
    body = [t for t in texts if t is not footer]
    assert all(not _overlap(t.get_window_extent(), fb) for t in body)
    assert any("nog" in t.get_text() for t in body)  # says that lines were left out


def _segments_hit(box, xy: np.ndarray) -> bool:  # type: ignore[no-untyped-def]
    """Whether the polyline xy (display coords) passes through the box."""
    for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:], strict=True):
        for f in np.linspace(0, 1, 200):
            x, y = x0 + f * (x1 - x0), y0 + f * (y1 - y0)
            if box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1:
                return True
    return False


@pytest.mark.parametrize("chart", ["coa_bezetting", "ind_werkvoorraad", "nidos_caseload"])
def test_value_labels_do_not_cross_any_line(chart: str) -> None:
    """In particular the COA chart's labels and the dashed capacity line."""
    fc = run(example())
    fig = dict(build_figures(fc))[chart]
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    lines = [ax.transData.transform(np.column_stack(ln.get_data())) for ln in ax.get_lines()]
    if chart == "coa_bezetting":
        assert any("capaciteit" in ln.get_label() for ln in ax.get_lines())
    labels = [t for t in ax.texts if re.fullmatch(r"[\d.]+", t.get_text())]
    assert len(labels) >= len(fc.years(chart))
    for t in labels:
        box = t.get_window_extent()
        assert not any(_segments_hit(box, xy) for xy in lines), t.get_text()


def test_the_same_category_names_in_every_chart() -> None:
    fc = run(example())
    figs = dict(build_figures(fc))
    want = list(ASIEL_LABELS.values())
    for name in ("asielinstroom", "ind_afdoeningen"):
        legend = figs[name].axes[0].get_legend()
        assert [t.get_text() for t in legend.get_texts()] == want
