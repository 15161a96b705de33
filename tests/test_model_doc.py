"""docs/model.md stays complete: its parameter tables list every parameter of
the registry with the registry's sheet, dimension, unit, bounds and default,
and its series table lists every result series with its kind, unit and
partner. Changing the registry or the series without the doc fails here.

``python -m tests.test_model_doc`` prints the tables, to paste into the doc."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mpp_xl.core.registry import PARAMETERS, SHEETS, Parameter
from mpp_xl.core.series import SERIES, Series

DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"


def dutch_number(x: float, thousands: bool = True) -> str:
    """12000 -> 12.000, 0.7 -> 0,7 (years and seeds without separators)."""
    x = float(x)
    if x.is_integer():
        return f"{int(x):,}".replace(",", ".") if thousands else str(int(x))
    return str(x).replace(".", ",")


def parameter_row(p: Parameter) -> str:
    dim = "[j,s]" if p.per_jaar else ("1" if p.per_scenario else "1, alle")
    if p.default is None:
        default = "optioneel" if p.optional else "verplicht"
    elif isinstance(p.default, str):
        default = p.default or "leeg"
    else:
        default = dutch_number(p.default, thousands=p.unit not in ("jaar", "geheel"))
    return f"| `{p.key}` | {dim} | {p.unit} | {p.bounds_text()} | {default} |"


def series_row(s: Series) -> str:
    return f"| `{s.key}` | {s.kind} | {s.unit_text} | {s.partner} |"


def tables() -> str:
    out = []
    for sheet in SHEETS:
        out += [f"**{sheet}**", "", "| parameter | dim | eenheid | grenzen | standaard |",
                "|---|---|---|---|---|"]
        out += [parameter_row(p) for p in PARAMETERS.values() if p.sheet == sheet]
        out.append("")
    out += ["| reeks | soort | eenheid | partner |", "|---|---|---|---|"]
    out += [series_row(s) for s in SERIES.values()]
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _section(doc: str, sheet: str) -> str:
    """The text from the bold sheet heading to the next bold heading."""
    m = re.search(rf"^\*\*{re.escape(sheet)}\*\*$(.*?)(?=^\*\*|^#)", doc, re.M | re.S)
    assert m, f"docs/model.md has no parameter table for sheet {sheet}"
    return m.group(1)


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_parameter_is_in_the_table_of_its_sheet(doc: str, sheet: str) -> None:
    section = _section(doc, sheet)
    missing = [parameter_row(p) for p in PARAMETERS.values()
               if p.sheet == sheet and parameter_row(p) not in section]
    assert not missing, "docs/model.md mist of wijkt af:\n" + "\n".join(missing)
    listed = re.findall(r"^\| `([a-z0-9_]+)` \|", section, re.M)
    assert sorted(listed) == sorted(k for k, p in PARAMETERS.items() if p.sheet == sheet)


def test_every_series_is_in_the_series_table(doc: str) -> None:
    missing = [series_row(s) for s in SERIES.values() if series_row(s) not in doc]
    assert not missing, "docs/model.md mist of wijkt af:\n" + "\n".join(missing)


def test_every_key_named_in_the_doc_exists(doc: str) -> None:
    """A key in backticks that looks like a parameter or series must be one
    (catches renamed keys left behind in the prose)."""
    known = set(PARAMETERS) | set(SERIES)
    stems = ("instroom_", "ind_", "coa_", "dtv_", "nidos_", "rvdr_", "rvs_", "regulier_",
             "bezwaar_", "opvang_", "inwilligingspercentage_", "mc_", "ir_", "prijs_",
             "kosten_")
    named = {k for k in re.findall(r"`([a-z][a-z0-9_]+)`", doc) if k.startswith(stems)
             and not k.endswith(("_c", "_k"))}  # _c, _k: a category placeholder
    assert len(named) > 60
    assert named - known == set()


def test_the_doc_has_the_sections_an_implementer_needs(doc: str) -> None:
    for heading in ("Tijd, scenario's en eenheden", "Bouwstenen", "Parameters per blad",
                    "Opzoekregels", "De keten per maand", "Uitkomstreeksen", "Eigenschappen",
                    "Monte Carlo", "Afwijkingen en uitbreidingen"):
        assert re.search(rf"^## .*{re.escape(heading)}", doc, re.M), heading


if __name__ == "__main__":  # pragma: no cover - prints the tables for the doc
    print(tables())
