"""Every text a user reads on the sheets of the master workbook is Dutch: no
English words (the Controles sheet once said "corkscrew"). The xlwings.conf
sheet is exempt: its keys are xlwings' own."""

from __future__ import annotations

import re
from pathlib import Path

import python_calamine as pc

#: English words that have no place in a Dutch sheet text (none is also a
#: Dutch word: "is", "of", "per", "status" and "master" are left out).
ENGLISH = {"the", "and", "with", "from", "for", "not", "corkscrew", "corkscrews", "backtest",
           "check", "checks", "warning", "warnings", "error", "errors", "total", "value",
           "values", "stock", "stocks", "inflow", "outflow", "year", "years", "sheet",
           "missing", "unknown", "invalid", "signed", "balance", "result", "results",
           "please", "click", "update", "updated", "median"}
EXEMPT_SHEETS = {"xlwings.conf"}


def _texts(path: Path) -> list[tuple[str, str]]:
    wb = pc.CalamineWorkbook.from_path(str(path))
    out = []
    for name in wb.sheet_names:
        if name in EXEMPT_SHEETS:
            continue
        for row in wb.get_sheet_by_name(name).to_python():
            out += [(name, v) for v in row if isinstance(v, str) and v.strip()]
    return out


def test_no_english_words_on_any_sheet(refreshed_master: Path) -> None:
    texts = _texts(refreshed_master)
    assert len(texts) > 500  # the sheets were read
    hits = sorted({(sheet, w.lower(), text[:80]) for sheet, text in texts
                   for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH})
    assert not hits, hits


def test_controles_names_the_balance_check_in_dutch(refreshed_master: Path) -> None:
    texts = " ".join(t for s, t in _texts(refreshed_master) if s == "Controles")
    assert "Balanscontrole per voorraad" in texts and "corkscrew" not in texts.lower()
