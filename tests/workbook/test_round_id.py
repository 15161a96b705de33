"""The round id of a master: made at build, kept by the refresh, unique per build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from mpp_xl.workbook.refresh_file import refresh_workbook
from mpp_xl.workbook.round_id import make_round_id, round_id_of, round_version
from mpp_xl.workbook.xlsxio import Package


def test_round_id_shape_and_uniqueness() -> None:
    a, b = make_round_id("2025-1"), make_round_id("2025-1")
    assert re.fullmatch(r"2025-1#[0-9a-f]{12}", a)
    assert a != b
    assert round_version(a) == "2025-1"


def test_master_carries_round_id_through_refresh(refreshed_master: Path, tmp_path: Path) -> None:
    rid = round_id_of(Package.open(refreshed_master))
    assert rid is not None and round_version(rid) == "2024-2"
    copy = tmp_path / "kopie.xlsm"
    shutil.copy(refreshed_master, copy)
    refresh_workbook(copy)
    assert round_id_of(Package.open(copy)) == rid
