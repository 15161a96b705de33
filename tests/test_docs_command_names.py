"""The docs and the README's command lines use the documented (Dutch)
commands and options of docs/cli.md, never the English aliases the parser
still accepts (``mpp refresh``, ``--name``). docs/cli.md itself lists the
aliases once, in its table of former names, and is left out."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The one place that names the English aliases on purpose.
ALIAS_TABLE = "cli.md"


def english_aliases() -> tuple[set[str], set[str]]:
    """(command aliases, option aliases) as registered in the parser."""
    from mpp_xl.cli import build_parser
    from mpp_xl.commands import COMMAND_ALIASES, hidden_strings

    parser = build_parser()
    parsers = [parser]
    for action in parser._actions:  # noqa: SLF001 - argparse keeps sub-parsers here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            parsers += list(dict.values(action._name_parser_map))  # noqa: SLF001
    options = {s for p in parsers for a in p._actions for s in hidden_strings(a)}  # noqa: SLF001
    return set(COMMAND_ALIASES), options


def offences(text: str) -> list[str]:
    commands, options = english_aliases()
    found = []
    for i, line in enumerate(text.splitlines(), 1):
        for c in commands:
            # a command line (mpp refresh) or the bare name in a code span (`refresh`)
            if re.search(rf"\bmpp\s+{re.escape(c)}(?![\w-])|`{re.escape(c)}[` ]", line):
                found.append(f"{i}: {c!r} in {line.strip()[:90]!r}")
        for o in options:
            if re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", line):
                found.append(f"{i}: {o!r} in {line.strip()[:90]!r}")
    return found


DOCS = sorted(p.name for p in (ROOT / "docs").glob("*.md") if p.name != ALIAS_TABLE)


@pytest.mark.parametrize("doc", DOCS)
def test_docs_name_the_dutch_commands(doc: str) -> None:
    found = offences((ROOT / "docs" / doc).read_text(encoding="utf-8"))
    assert not found, f"docs/{doc}:\n" + "\n".join(found)


def test_readme_command_lines_are_dutch() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    # the one sentence that names former English names on purpose
    text = re.sub(r"de vroegere Engelse namen \(.*?\) werken nog", "", text, flags=re.S)
    found = offences(text)
    assert not found, "README.md:\n" + "\n".join(found)


@pytest.mark.parametrize(("text", "bad"), [
    ("    mpp refresh WB", True), ("`mpp sign-off WB --partner IND`", True),
    ("met `--name` de naam", True), ("(`refresh`, `sign-off`)", True),
    ("`mpp ververs WB`", False), ("`refresh_workbook`", False),
    ("from mpp_xl.analysis.backtest import backtest", False), ("--naam \"A. Jansen\"", False),
    ("de vaststelling (sign-off state)", False),
])
def test_the_rule_catches_english_aliases_only(text: str, bad: bool) -> None:
    assert bool(offences(text)) == bad, text
