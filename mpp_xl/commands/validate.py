"""mpp valideer: every problem in a CSV, a master workbook or a partner
file; errors stop (exit 2). Valid assumptions are also run once, so that
scenario crossings of the results are reported (warnings)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.problems import Problem, format_problems
from . import add_command

if TYPE_CHECKING:
    from ..analysis.forecast import Forecast
    from ..core.assumptions import Assumptions


def run(a: Assumptions) -> Forecast:
    """The engine run of a command (:func:`mpp_xl.run`, loaded on use)."""
    from .. import run as run_engine

    return run_engine(a)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, "valideer", "validate",
                    help="controleer de aannames (CSV, masterwerkmap of partnerbestand)")
    p.add_argument("input", metavar="INVOER",
                   help="aannames (CSV), MPP-werkmap (.xlsx/.xlsm) of het partnerbestand van "
                        "één partner (uit mpp exporteer-partner)")
    p.set_defaults(func=cmd_validate)


def _partner_file(path: Path) -> bool:
    """Whether ``path`` is a partner file: no master sheets and exactly one
    partner sheet. Any other workbook is validated as a master, which names
    every missing sheet."""
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        return False
    from ..core.registry import PARTNERS
    from ..io.safe_zip import check_workbook_file
    from ..workbook.partner_io import is_partner_file
    from ..workbook.xlsxio import Package

    check_workbook_file(path)
    pkg = Package.open(path)
    return is_partner_file(pkg) and sum(s in pkg.sheet_paths for s in PARTNERS) == 1


def cmd_validate(args: argparse.Namespace) -> int:
    from ..analysis.scenario_order import scenario_crossings
    from ..workbook.reader import read_assumptions  # the workbook layer: loaded on use

    path = Path(args.input)
    problems: list[Problem]
    if _partner_file(path):
        from ..workbook.partner_io import validate_partner_file
        from ..workbook.partner_provenance import read_provenance, summary
        from ..workbook.xlsxio import Package

        partner, problems = validate_partner_file(path)
        print(f"{path.name} is het partnerbestand van {partner}; alleen blad {partner} is "
              "gecontroleerd (de andere bladen staan in de masterwerkmap).")
        print(summary(read_provenance(Package.open(path))))
        from ..workbook.partner_io import formula_inputs

        for ref, f in formula_inputs(path):
            print(f"Let op: {ref} bevat de formule ={f}; bij samenvoegen neemt de coördinator "
                  "alleen de waarde over die zij toont.")
    else:
        a = read_assumptions(path)
        problems = list(a.validate())
        if not any(p.is_error for p in problems):
            problems += scenario_crossings(run(a))
    errors = sum(p.is_error for p in problems)
    if problems:
        print(format_problems(problems))
    print(f"{errors} fout(en), {len(problems) - errors} waarschuwing(en).")
    return 2 if errors else 0
