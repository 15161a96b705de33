"""mpp validate: every problem in a CSV or workbook, errors stop (exit 2)."""

from __future__ import annotations

import argparse

from .. import read_assumptions
from ..problems import format_problems


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("validate", help="controleer de aannames (CSV of werkmap)")
    p.add_argument("input")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    problems = read_assumptions(args.input).validate()
    errors = sum(p.is_error for p in problems)
    if problems:
        print(format_problems(problems))
    print(f"{errors} fout(en), {len(problems) - errors} waarschuwing(en).")
    return 2 if errors else 0
