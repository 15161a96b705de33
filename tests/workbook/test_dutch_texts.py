"""Every text a user reads on the sheets of the master workbook is Dutch: no
English words (the Controles sheet once said "corkscrew"). The xlwings.conf
sheet is exempt: its keys are xlwings' own."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
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


def _english_aliases() -> list[str]:
    """Every English alias the CLI registers: the hidden command names and the
    hidden option strings of every sub-command (taken from the parser itself,
    so a new alias is covered without editing this test)."""
    from mpp_xl.cli import build_parser
    from mpp_xl.commands import COMMAND_ALIASES, hidden_strings

    parser = build_parser()
    aliases = set(COMMAND_ALIASES)
    parsers = [parser]
    for action in parser._actions:  # noqa: SLF001 - argparse keeps sub-parsers here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            parsers += list(dict.values(action._name_parser_map))  # noqa: SLF001
    for p in parsers:
        for action in p._actions:  # noqa: SLF001
            aliases |= hidden_strings(action)
    return sorted(aliases)


def _all_texts(path: Path) -> list[tuple[str, str]]:
    """Cell texts of every sheet (xlwings.conf included), cell comments and
    the input messages of data validations."""
    import openpyxl

    out = []
    wb = openpyxl.load_workbook(path, keep_vba=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.strip():
                    out.append((ws.title, c.value))
                if c.comment is not None:
                    out.append((ws.title, c.comment.text))
        for dv in ws.data_validations.dataValidation:
            out += [(ws.title, t) for t in (dv.prompt, dv.error, dv.promptTitle, dv.errorTitle)
                    if t]
    return out


def test_english_aliases_are_taken_from_the_parser() -> None:
    aliases = _english_aliases()
    # a sample of what the parser registers; the list itself comes from the parser
    assert {"refresh", "sign-off", "export-partner", "--name", "--draws"} <= set(aliases)
    assert "ververs" not in aliases and "--naam" not in aliases


@pytest.mark.parametrize("which", ["built_master", "refreshed_master", "shipped"])
def test_no_english_command_alias_on_any_sheet(which: str, request: pytest.FixtureRequest) -> None:
    """Sheet texts name the documented (Dutch) commands and options of
    docs/cli.md, never the English aliases (``mpp refresh``, ``--name``);
    also in the shipped workbook."""
    from .helpers import ROOT

    path: Path = (ROOT / "workbooks" / "mpp_2024_2.xlsm" if which == "shipped"
                  else request.getfixturevalue(which))
    texts = _all_texts(path)
    assert len(texts) > 500
    patterns = {a: re.compile(rf"(?<![\w-]){re.escape(a)}(?![\w-])") for a in _english_aliases()}
    hits = sorted({(sheet, alias, text[:90]) for sheet, text in texts
                   for alias, rx in patterns.items() if rx.search(text)})
    assert not hits, hits
    # the commands the sheets do name are the Dutch ones
    joined = " ".join(t for _, t in texts)
    for command in ("mpp ververs", "mpp vaststellen", "--naam", "mpp exporteer-partner",
                    "mpp importeer-partner", "mpp bouw --interpreter"):
        assert command in joined, command
