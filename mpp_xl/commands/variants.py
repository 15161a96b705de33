"""mpp varianten, mpp gevoeligheid: what-if beside the three scenarios."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.numbers import nl_decimal, nl_number
from ..core.problems import MppError, ValidationError, format_problems
from ..core.registry import PARAMETERS, SCENARIOS, normalise_scenario
from . import add_command, int_arg, number_arg, option
from .run import INPUT_HELP

_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    v = add_command(sub, "varianten", None,
                    help="beleidsvarianten (wat-als) naast min, medio en max, in één batch")
    v.add_argument("input", metavar="INVOER", help=INPUT_HELP)
    option(v, "--varianten",
           help="CSV met variant,parameter,scenario,jaar,bewerking,waarde,toelichting "
                "(punt als decimaalteken); weglaten bij een werkmap: het blad Varianten")
    option(v, "--csv", help="schrijf variant,reeks,scenario,jaar,waarde,basis,verschil naar "
                            "dit CSV-bestand (alle reeksen)")
    v.set_defaults(func=cmd_variants)

    g = add_command(sub, "gevoeligheid", None,
                    help="welke aannames een uitkomst het meest bewegen (alle parameters ∓ "
                         "stap)")
    g.add_argument("input", metavar="INVOER", help=INPUT_HELP)
    option(g, "--reeks", help="de uitkomstreeks, bijv. ind_werkvoorraad (standaard: "
                              "coa_bezetting; zie mpp reeksen)")
    option(g, "--jaar", type=int_arg(),
           help="jaar van de uitkomst; voorraden per 1 januari (standaard: de laatste "
                "1 januari van de horizon, bij stromen het eindjaar)")
    option(g, "--scenario", default="medio", choices=SCENARIOS,
           type=lambda t: normalise_scenario(t) or t, help="min, medio of max (standaard: medio)")
    option(g, "--stap", type=number_arg(), default=10.0,
           help="procent omlaag en omhoog per parameter, bijv. 10 of 2,5 (standaard: 10)")
    option(g, "--csv", help="schrijf parameter,basis,laag,hoog,uitkomst_laag,uitkomst_hoog,"
                            "zwaai,begrensd (en het bereik min–max) naar dit CSV-bestand")
    g.set_defaults(func=cmd_sensitivity)


def _resolved(path: str):  # type: ignore[no-untyped-def]
    """Read and validate the assumptions; warnings to stderr."""
    from ..workbook.reader import read_assumptions  # the workbook layer: loaded on use

    a = read_assumptions(path)
    problems, resolved = a.check()
    if resolved is None:
        raise ValidationError(problems)
    warnings = [p for p in problems if not p.is_error]
    if warnings:
        print(f"{len(warnings)} waarschuwing(en) bij de aannames:", file=sys.stderr)
        print(format_problems(warnings), file=sys.stderr)
    return resolved


def _variant_rows(args: argparse.Namespace) -> list:  # type: ignore[type-arg]
    from ..core.variants import read_variants_csv

    if args.varianten:
        return read_variants_csv(args.varianten)
    if Path(args.input).suffix.lower() not in _WORKBOOK_SUFFIXES:
        raise MppError("Geef de varianten met --varianten CSV, of een MPP-werkmap met een blad "
                       "Varianten.")
    from ..workbook.variants_refresh import read_workbook_variants  # loaded on use

    rows = read_workbook_variants(args.input)
    if rows is None:
        raise MppError(f"{Path(args.input).name} heeft geen blad Varianten; geef de varianten "
                       "met --varianten CSV of bouw de werkmap opnieuw met 'mpp bouw'.")
    return rows


def cmd_variants(args: argparse.Namespace) -> int:
    from ..analysis.variants import HEADLINE_SCENARIO, VARIANT_HEADLINE_KEYS, run_variant_rows
    from ..core.series import SERIES
    from ..io.output import write_csv

    resolved = _resolved(args.input)
    res = run_variant_rows(resolved, _variant_rows(args))  # every bad row: exit 2
    if not res.variants:
        print("Geen varianten gevonden; er is niets berekend.")
        return 0
    if args.csv:
        write_csv(res.to_frame(), args.csv)
        print(f"{len(res.variants)} variant(en) × {len(res.data)} reeksen geschreven naar "
              f"{args.csv}.")
    years = sorted({y for k in VARIANT_HEADLINE_KEYS for y in res.years(k)})
    width = max(len(SERIES[k].label) for k in VARIANT_HEADLINE_KEYS) + 2
    for var in res.variants:
        print(f"\nVariant '{var.naam}': verschil met de basis ({HEADLINE_SCENARIO}; stromen "
              "per jaar, voorraden per 1 januari)")
        if var.toelichting:
            print(f"  {var.toelichting}")
        head = f"{'reeks':<{width}}" + "".join(f"{y:>10}" for y in years)
        print(head)
        print("-" * len(head))
        for k in VARIANT_HEADLINE_KEYS:
            ys = res.years(k)
            diff = res.difference(k)[res.index(var.naam) - 1]
            cells = [f"{_diff_text(float(diff[ys.index(y)])) if y in ys else '':>10}"
                     for y in years]
            print(f"{SERIES[k].label:<{width}}" + "".join(cells))
    return 0


def _diff_text(x: float) -> str:
    text = nl_number(abs(x))
    return text if text == "0" else ("−" if x < 0 else "+") + text


def _param_value(key: str, x: float) -> str:
    p = PARAMETERS[key]
    if p.fmt == "fractie":
        return nl_decimal(x, ".1%")
    if p.fmt == "aantal":
        return nl_number(x)
    return nl_decimal(x, ".4g")


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from ..analysis.sensitivity import TORNADO_TOP, sensitivity
    from ..core.series import SERIES
    from ..io.output import write_csv

    resolved = _resolved(args.input)
    s = sensitivity(resolved, args.reeks, args.jaar, args.scenario, args.stap)
    t = s.target
    if args.csv:
        write_csv(s.tabel, args.csv)
        print(f"Gevoeligheid van {len(s.tabel)} parameters geschreven naar {args.csv}.")
    at = "per 1 januari" if SERIES[t.reeks].is_stock else "in"
    print(f"Gevoeligheid van {SERIES[t.reeks].label} ({t.reeks}) {at} {t.jaar}, scenario "
          f"{t.scenario}: basis {nl_number(s.uitkomst_basis)}. Elke parameter alleen "
          f"× (1 ∓ {nl_decimal(t.stap)}%) in alle jaren en scenario's.")
    width = max(len(k) for k in s.tabel["parameter"]) + 2
    print(f"{'parameter':<{width}}{'basis':>12}{'uitkomst laag':>15}{'uitkomst hoog':>15}"
          f"{'zwaai':>12}  begrensd")
    for r in s.top(TORNADO_TOP).to_dict("records"):
        print(f"{r['parameter']:<{width}}{_param_value(r['parameter'], r['basis']):>12}"
              f"{nl_number(r['uitkomst_laag']):>15}{nl_number(r['uitkomst_hoog']):>15}"
              f"{_diff_text(r['zwaai']):>12}  "
              f"{'ja' if r['begrensd'] else ''}")
    rng = s.tabel.dropna(subset=["bereik_zwaai"])
    if len(rng):
        rng = rng.reindex(rng["bereik_zwaai"].abs().sort_values(ascending=False).index)
        print("\nBereik: de parameter alleen van zijn min- naar zijn max-waarde:")
        for r in rng.head(TORNADO_TOP).to_dict("records"):
            print(f"  {r['parameter']:<{width}}{nl_number(r['bereik_uitkomst_min']):>12} → "
                  f"{nl_number(r['bereik_uitkomst_max'])}  (zwaai "
                  f"{_diff_text(r['bereik_zwaai'])})")
    if not args.csv:
        print(f"\nDe {TORNADO_TOP} grootste van {len(s.tabel)} parameters; de hele lijst met "
              "--csv UIT.")
    return 0

