"""The publication report: PDF pages, one PNG per chart, nothing blank."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from mpp_xl import MppError
from mpp_xl.cli import main
from mpp_xl.report import FAN_SERIES, hundreds, make_report, spread
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
                                                                "bijstelling_toelichting"]
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
    assert _pages(pdf) == 1 + len(PUBLICATION) + len(FAN_SERIES)
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
