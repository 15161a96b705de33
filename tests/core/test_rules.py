"""Problems carry a rule from one enum (Regel); docs/rules.md is generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mpp_xl.api import read_assumptions
from mpp_xl.core.assumptions import Assumptions, Row
from mpp_xl.core.problems import FOUT, WAARSCHUWING, Problem, Regel, rules_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_rules_doc_is_generated_from_the_enum() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown()


def test_every_rule_has_a_level_and_an_explanation() -> None:
    for r in Regel:
        assert r.niveau in (FOUT, WAARSCHUWING), r
        assert len(r.uitleg) > 20 and r.uitleg.endswith("."), r
        assert re.fullmatch(r"[a-z_]+", r.value), r


def test_every_rule_is_raised_somewhere_in_the_package() -> None:
    """No dead rule: each member is used by a module that creates problems."""
    src = "\n".join(p.read_text(encoding="utf-8")
                    for p in (ROOT / "mpp_xl").rglob("*.py") if p.name != "problems.py")
    unused = [r.name for r in Regel if f"Regel.{r.name}" not in src]
    assert unused == []


def test_a_problem_only_takes_known_rules() -> None:
    p = Problem(FOUT, "buiten_grenzen", "x")
    assert p.regel is Regel.BUITEN_GRENZEN
    with pytest.raises(ValueError):
        Problem(FOUT, "bestaat_niet", "x")


def test_messages_keep_the_rule_code() -> None:
    a = Assumptions([Row("onbekend_ding", "alle", None, 1, blad="IND", cel="F9")])
    p = next(p for p in a.validate() if p.regel is Regel.ONBEKENDE_PARAMETER)
    assert p.as_text().endswith("(regel: onbekende_parameter)")
    assert p.as_dict()["regel"] == "onbekende_parameter"


def test_every_problem_has_the_level_its_rule_declares() -> None:
    """Errors and warnings from bad rows on top of the example: each problem's
    level is the level of its rule (the enum is the one source)."""
    from tests.conftest import EXAMPLE_CSV

    base = read_assumptions(EXAMPLE_CSV)
    bad = [Row("onbekend_ding", "alle", None, 1, blad="IND", cel="F9"),
           Row("ind_capaciteit", "soms", None, 1, blad="IND", cel="F10"),
           Row("startjaar", "alle", None, "twee", blad="Kader", cel="E7")]
    problems = base.with_rows([*base.rows, *bad]).validate()
    rules = {p.regel for p in problems}
    assert {Regel.ONBEKENDE_PARAMETER, Regel.ONBEKEND_SCENARIO} <= rules
    assert all(p.niveau == p.regel.niveau for p in problems), [
        (p.regel, p.niveau) for p in problems if p.niveau != p.regel.niveau]
