"""The user docs write numbers the Dutch way (42.000; 2,5 ms), outside code:
no English thousands separators (42,000) and no decimal points before a unit
(2.5 ms). Code spans and code blocks are literal (CSV, Python, command
lines) and are left alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
#: Docs not (yet) held to this rule, with the reason. Remove an entry once fixed.
EXEMPT: dict[str, str] = {}
ENGLISH_THOUSANDS = re.compile(r"(?<![\d,.])[1-9]\d{0,2}(?:,\d{3})+(?![\d,])")
DECIMAL_POINT_WITH_UNIT = re.compile(
    r"(?<![\w.])\d+\.\d+\s?(?:%|s|ms|µs|us|MB|MiB|GB|kB|x|×)(?!\w)")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) outside code blocks, with code spans removed."""
    out, in_block = [], False
    for i, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            in_block = not in_block
            continue
        if in_block or line.startswith("    ") and not line.strip().startswith(("*", "-", "|")):
            continue
        out.append((i, re.sub(r"`[^`]*`", "", line)))
    return out


def offences(text: str) -> list[str]:
    return [f"{i}: {m.group(0)!r} in {line.strip()[:90]!r}" for i, line in prose_lines(text)
            for pat in (ENGLISH_THOUSANDS, DECIMAL_POINT_WITH_UNIT) for m in pat.finditer(line)]


@pytest.mark.parametrize("doc", sorted(p.name for p in DOCS.glob("*.md") if p.name not in EXEMPT))
def test_numbers_in_the_docs_are_dutch(doc: str) -> None:
    found = offences((DOCS / doc).read_text(encoding="utf-8"))
    assert not found, f"docs/{doc}:\n" + "\n".join(found)


@pytest.mark.parametrize(("text", "bad"), [
    ("10,000 draws", True), ("1,000,000 cellen", True), ("2.5 ms", True), ("0.28 s", True),
    ("1.5 %", True), ("10.000 trekkingen", False), ("2,5 ms", False), ("0,875", False),
    ("Python 3.11", False), ("`--draws 10000`", False), ("P12,5 en 87,5", False),
    ("    mpp onzekerheid --trekkingen 10,000", False),
])
def test_the_rule_catches_english_numbers_only(text: str, bad: bool) -> None:
    assert bool(offences(text)) == bad, text
