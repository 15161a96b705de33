"""Exports: formula-like text neutralised, atomic writes with sane permissions."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from mpp_xl.core.numbers import nl_number
from mpp_xl.io.output import atomic_write, write_csv


def test_csv_export_neutralises_formula_text(tmp_path: Path) -> None:
    df = pd.DataFrame({"reeks": ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "gewoon"], "waarde": range(5)})
    p = tmp_path / "x.csv"
    write_csv(df, p)
    text = p.read_text().splitlines()
    assert text[1].startswith("'=1+1") and text[2].startswith("'+cmd")
    assert text[3].startswith("'-2+3") and text[4].startswith("'@SUM") and text[5].startswith("gewoon")


def test_atomic_write_leaves_old_file_on_error(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("oud")

    def boom(tmp: Path) -> None:
        tmp.write_text("half")
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        atomic_write(p, boom)
    assert p.read_text() == "oud"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.txt"]


def test_atomic_write_mode_follows_umask(tmp_path: Path) -> None:
    p = tmp_path / "b.txt"
    old = os.umask(0o022)
    try:
        atomic_write(p, lambda t: t.write_text("x"))
    finally:
        os.umask(old)
    assert p.stat().st_mode & 0o777 == 0o644


def test_nl_number() -> None:
    assert nl_number(1234567.4) == "1.234.567"
    assert nl_number(1234.56, 1) == "1.234,6"
