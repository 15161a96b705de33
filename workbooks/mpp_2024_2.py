"""Companion module of the master workbook ``mpp_2024_2.xlsm``.

The refresh button "Vernieuwen" on Uitkomsten and on every partner sheet runs
the workbook's xlwings macro ``SampleCall`` (also Alt+F8, or the xlwings
ribbon's "Run main"): ``import mpp_2024_2; mpp_2024_2.main()``, which is why
the workbook's file stem is an importable module name (``MPP_2024-2.xlsm``
could not be imported) and why this file must sit next to the workbook. In
Excel, ``main()`` refreshes the calling workbook (checks, sign-off, log)
through xlwings; without Excel, run this file (or
``mpp ververs workbooks/mpp_2024_2.xlsm``) for the headless refresh.

Regenerate the workbook from the assumptions with::

    mpp bouw workbooks/MPP_2024-2_aannames.csv -o workbooks/mpp_2024_2.xlsm \
        --overschrijf --realisaties workbooks/realisaties_voorbeeld.csv
    mpp ververs workbooks/mpp_2024_2.xlsm

and a values-only copy for readers without Python with::

    mpp waardenkopie workbooks/mpp_2024_2.xlsm -o mpp_2024_2_waarden.xlsx
"""

from __future__ import annotations

import sys
from pathlib import Path

WORKBOOK = Path(__file__).with_suffix(".xlsm")


def main() -> None:
    """Refresh button in Excel (Windows, classic xlwings)."""
    from mpp_xl.workbook.excel_book import refresh_caller  # lazily: needs Excel

    refresh_caller()


def refresh_headless() -> int:
    """The same refresh without Excel (Linux, CI)."""
    from mpp_xl.cli import main as cli

    return cli(["ververs", str(WORKBOOK)])


if __name__ == "__main__":
    sys.exit(refresh_headless())
