"""Shared test helpers, and the ``libreoffice`` marker: tests that need
LibreOffice (``soffice``) are skipped when it is absent, all under one reason
that names them, so the short summary shows one line. Setting the
environment variable ``MPP_ZONDER_LIBREOFFICE=1`` treats LibreOffice as absent
even when it is installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from mpp_xl.core.assumptions import Assumptions
from mpp_xl.core.registry import ENGINE_KEYS, PARAMETERS
from mpp_xl.workbook.builder import build
from mpp_xl.workbook.refresh_file import refresh_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CSV = ROOT / "workbooks" / "MPP_2024-2_aannames.csv"

#: Environment variable that hides LibreOffice from the tests ("1": absent).
WITHOUT_LIBREOFFICE_ENV = "MPP_ZONDER_LIBREOFFICE"


def libreoffice_available() -> bool:
    """True when ``soffice`` (or ``libreoffice``) is on PATH and not hidden
    by ``MPP_ZONDER_LIBREOFFICE=1``."""
    if os.environ.get(WITHOUT_LIBREOFFICE_ENV, "").strip() not in ("", "0"):
        return False
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


_LO_SKIP = pytest.StashKey[str]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without LibreOffice: one skip reason that names every marked test."""
    if libreoffice_available():
        return
    marked = [it for it in items if it.get_closest_marker("libreoffice")]
    if not marked:
        return
    names = ", ".join(it.name for it in marked)
    reason = (f"LibreOffice ontbreekt: {len(marked)} tests overgeslagen ({names}); "
              "installeer libreoffice-calc-nogui om ze te draaien")
    for it in marked:
        it.stash[_LO_SKIP] = reason


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Skipped from here (not with a skip mark) so every skip has this one
    # location and reason, and ``-ra`` folds them into one summary line.
    reason = item.stash.get(_LO_SKIP, None)
    if reason is not None:
        pytest.skip(reason)


def values_from_dicts(dicts: list[dict], n_years: int) -> dict[str, np.ndarray]:
    """Engine arrays (B rows) from per-run parameter dicts as the reference model takes them."""
    out: dict[str, np.ndarray] = {}
    for k in ENGINE_KEYS:
        if PARAMETERS[k].optional and any(k not in d for d in dicts):
            continue  # optional (the cost parameters): absent
        if PARAMETERS[k].per_jaar:
            out[k] = np.array([
                [float(x) for x in (d[k] if isinstance(d[k], list) else [d[k]] * n_years)]
                for d in dicts
            ])
        else:
            out[k] = np.array([float(d[k]) for d in dicts])
    return out


@pytest.fixture
def example_csv() -> Path:
    return EXAMPLE_CSV


# --- the example workbooks: one built and one refreshed per session (copied per
# test when a test changes it) ------------------------------------------------
@pytest.fixture(scope="session")
def example() -> Assumptions:
    return Assumptions.from_csv(EXAMPLE_CSV)


@pytest.fixture(scope="session")
def built_master(tmp_path_factory: pytest.TempPathFactory, example: Assumptions) -> Path:
    d = tmp_path_factory.mktemp("built")
    return build(example, d / "mpp_test.xlsm")


@pytest.fixture(scope="session")
def refreshed_master(tmp_path_factory: pytest.TempPathFactory, built_master: Path) -> Path:
    d = tmp_path_factory.mktemp("refreshed")
    p = d / "mpp_test.xlsm"
    shutil.copy(built_master, p)
    refresh_workbook(p)
    return p


@pytest.fixture
def master(tmp_path: Path, refreshed_master: Path) -> Path:
    """A private copy of the refreshed example workbook."""
    p = tmp_path / "mpp_test.xlsm"
    shutil.copy(refreshed_master, p)
    return p
