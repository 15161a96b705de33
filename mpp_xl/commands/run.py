"""mpp reken, mpp doelzoeken, mpp reeksen, mpp parameters, mpp regels (mpp valideer:
validate.py)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..core.problems import MppError, ValidationError, format_problems, rules_markdown
from ..core.registry import PARAMETERS, SCENARIOS, normalise_scenario
from ..core.series import COST_SUMMARY_KEYS, NO_PRICES, SERIES, SUMMARY_KEYS
from . import add_command, int_arg, number_arg, option, read_input

if TYPE_CHECKING:
    from ..analysis.forecast import Forecast
    from ..core.assumptions import Assumptions

INPUT_HELP = "aannames (CSV) of MPP-werkmap (.xlsx/.xlsm)"


def run(a: Assumptions) -> Forecast:
    """The engine run of a command (:func:`mpp_xl.run`, loaded on use)."""
    from .. import run as run_engine

    return run_engine(a)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, "reken", "run",
                    help="reken de keten door en schrijf of toon de uitkomsten")
    p.add_argument("input", metavar="INVOER", help=INPUT_HELP)
    option(p, "--csv", help="schrijf alle reeksen naar dit CSV-bestand (lang formaat)")
    p.set_defaults(func=cmd_run)

    g = add_command(sub, "doelzoeken", "goal-seek",
                    help="zoek de waarde van een parameter die een doel haalt")
    g.add_argument("input", metavar="INVOER", help=INPUT_HELP)
    option(g, "--parameter", required=True,
           help="de parameter die verandert, bijv. ind_capaciteit (zie mpp parameters)")
    option(g, "--jaar", type=int_arg(),
           help="jaar van de parameter (weglaten: alle jaren)")
    option(g, "--scenario", default="medio", choices=SCENARIOS,
           type=lambda t: normalise_scenario(t) or t, help="min, medio of max (standaard: medio)")
    option(g, "--reeks", required=True,
           help="de uitkomstreeks met het doel, bijv. ind_werkvoorraad (zie mpp reeksen)")
    option(g, "--doeljaar", type=int_arg(), required=True,
           help="jaar waarin de reeks het doel moet halen (voorraden: per 1 januari)")
    option(g, "--doel", type=number_arg(), required=True,
           help="de doelwaarde, bijv. 40000 of 40.000 (punt voor duizendtallen, komma als "
                "decimaalteken: 0,15)")
    option(g, "--schrijf", help="schrijf de aangepaste aannames naar dit CSV-bestand")
    g.set_defaults(func=cmd_goal_seek)

    r = add_command(sub, "reeksen", None, help="lijst van de uitkomstreeksen")
    r.set_defaults(func=cmd_reeksen)
    q = add_command(sub, "parameters", None, help="lijst van de parameters (Markdown)")
    q.set_defaults(func=cmd_parameters)
    g = add_command(sub, "regels", None, help="lijst van de regels van de validatie (Markdown)")
    g.set_defaults(func=cmd_regels)


def cmd_run(args: argparse.Namespace) -> int:
    from ..analysis.scenario_order import scenario_crossings
    from ..io.output import summary_table, write_csv

    a = read_input(args.input)
    fc = run(a)
    warnings = [p for p in fc.problems if not p.is_error] + scenario_crossings(fc)
    if warnings:
        print(f"{len(warnings)} waarschuwing(en):", file=sys.stderr)
        print(format_problems(warnings), file=sys.stderr)
    if args.csv:
        write_csv(fc.to_frame(), args.csv)
        print(f"{len(fc.data)} reeksen geschreven naar {args.csv} "
              f"(vingerafdruk {fc.fingerprint[:8]}).")
        return 0
    costs = [k for k in COST_SUMMARY_KEYS if k in fc.data]
    print(summary_table(fc.data, list(fc.scenarios), fc.years, [*SUMMARY_KEYS, *costs]))
    print("Stromen: totaal per jaar; voorraden: per 1 januari."
          + (" Kosten: € mln per jaar, in euro's van elk jaar." if costs
             else f" {NO_PRICES}."))
    return 0


def cmd_goal_seek(args: argparse.Namespace) -> int:
    from ..analysis.goalseek import apply, describe, goal_seek  # scipy: loaded on use
    from ..io.output import atomic_write
    from ..workbook.reader import read_assumptions  # the workbook layer: loaded on use

    if args.schrijf and not args.schrijf.lower().endswith(".csv"):
        raise MppError(f"--schrijf {args.schrijf}: de aangepaste aannames worden als CSV "
                       "geschreven; geef een bestandsnaam die op .csv eindigt.")
    a = read_assumptions(args.input)
    problems = a.validate()
    if any(p.is_error for p in problems):
        raise ValidationError(problems)
    r = goal_seek(a, args.parameter, args.reeks, args.doel, args.doeljaar,
                  scenario=args.scenario, jaar=args.jaar)
    print(describe(r, list(a.resolve().years)))
    if args.schrijf:
        new = apply(a, r)
        atomic_write(args.schrijf, new.to_csv)
        print(f"Aangepaste aannames geschreven naar {args.schrijf}.")
    return 0


def cmd_reeksen(args: argparse.Namespace) -> int:
    for s in SERIES.values():
        print(f"{s.key:<40}{s.kind:<10}{s.partner:<9}{s.label}")
    return 0


def parameters_markdown() -> str:
    """The parameter reference (docs/parameters.md), generated from the registry."""
    lines = [
        "# Parameters",
        "",
        "Gemaakt uit `mpp_xl/core/registry.py` met `mpp parameters > docs/parameters.md`;"
        " niet met de hand bewerken.",
        "",
        "| blad | parameter | omschrijving | eenheid | per jaar | grenzen | standaard |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in PARAMETERS.values():
        lines.append(f"| {p.sheet} | `{p.key}` | {p.label} | {p.unit} | "
                     f"{'ja' if p.per_jaar else 'nee'} | {p.bounds_text()} | {p.default_text()} |")
    return "\n".join(lines) + "\n"


def cmd_parameters(args: argparse.Namespace) -> int:
    sys.stdout.write(parameters_markdown())
    return 0


def cmd_regels(args: argparse.Namespace) -> int:
    sys.stdout.write(rules_markdown())
    return 0
