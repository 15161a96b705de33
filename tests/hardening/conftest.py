"""A refreshed example workbook (.xlsx) per session; tests copy it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.corpus import make_corpus as mc


@pytest.fixture(scope="session")
def example_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hardening")
    mc.example_bytes(d)
    return d / "voorbeeld.xlsx"


@pytest.fixture
def workbook(tmp_path: Path, example_xlsx: Path) -> Path:
    p = tmp_path / "mpp.xlsx"
    shutil.copy(example_xlsx, p)
    return p
