"""mpp build, refresh, sign-off, status, export-partner, import-partner:
the master workbook (mpp validate and mpp run read workbooks through
``read_assumptions``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..assumptions import read_assumptions
from ..problems import MppError, format_problems
from ..registry import PARTNERS


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    b = sub.add_parser("build", help="bouw de masterwerkmap uit een CSV met aannames")
    b.add_argument("input", help="aannames (CSV, of een bestaande werkmap)")
    b.add_argument("-o", "--output", required=True,
                   help="de werkmap: .xlsm (met xlwings-macro's) of .xlsx")
    b.set_defaults(func=cmd_build)

    r = sub.add_parser("refresh", help="ververs de werkmap zonder Excel (controles, "
                                        "uitkomsten, vaststelling, logboek)")
    r.add_argument("workbook")
    r.set_defaults(func=cmd_refresh)

    s = sub.add_parser("sign-off", help="stel het blad van een partner vast")
    s.add_argument("workbook", help="masterwerkmap of partnerbestand")
    s.add_argument("--partner", required=True, help=", ".join(PARTNERS))
    s.add_argument("--name", required=True, help="naam van wie vaststelt")
    s.add_argument("--datum", help="datum (jjjj-mm-dd; standaard vandaag)")
    s.set_defaults(func=cmd_sign_off)

    t = sub.add_parser("status", help="stand van de vaststelling per partner")
    t.add_argument("workbook")
    t.add_argument("--json", action="store_true", help="als JSON")
    t.set_defaults(func=cmd_status)

    e = sub.add_parser("export-partner", help="schrijf een los partnerbestand (.xlsx)")
    e.add_argument("workbook")
    e.add_argument("--partner", required=True)
    e.add_argument("-o", "--output", required=True)
    e.set_defaults(func=cmd_export)

    i = sub.add_parser("import-partner", help="voeg een partnerbestand samen met de master")
    i.add_argument("workbook")
    i.add_argument("partnerfile")
    i.add_argument("--partner", help="verwachte partner (controle)")
    i.set_defaults(func=cmd_import)


def cmd_build(args: argparse.Namespace) -> int:
    from ..workbook.builder import build

    a = read_assumptions(args.input)
    out = build(a, args.output)
    n_err = sum(p.is_error for p in a.validate())
    print(f"Werkmap {out} gebouwd ({len(a)} aannames). Ververs hem met: mpp refresh {out}")
    if n_err:
        print(f"Let op: de aannames bevatten {n_err} fout(en); zie mpp validate {out}.",
              file=sys.stderr)
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from ..workbook.refresh import refresh_workbook

    res = refresh_workbook(args.workbook)
    warnings = [p for p in res.problems if not p.is_error]
    if warnings:
        print(f"{len(warnings)} waarschuwing(en):", file=sys.stderr)
        print(format_problems(warnings), file=sys.stderr)
    n_signed = sum(1 for s in res.partners.values() if s["valid"])
    voided = [p for p, s in res.partners.items() if s["signed"] and not s["valid"]]
    print(f"{Path(args.workbook).name} ververst: {res.handle}; "
          f"{int(res.stats['formules'])} formules berekend in "
          f"{res.stats['rekenen_s']:.1f} s. Status: {res.state} "
          f"({n_signed} van {len(PARTNERS)} partners geldig vastgesteld).")
    if voided:
        print("Vervallen vaststelling (aannames gewijzigd): " + ", ".join(voided) + ".")
    return 0


def cmd_sign_off(args: argparse.Namespace) -> int:
    from ..signoff import sign_off

    so = sign_off(args.workbook, args.partner, args.name, args.datum)
    print(f"{so.partner} vastgesteld door {so.name} op {so.date} "
          f"(vingerafdruk {so.fingerprint[:16]}…).")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from ..signoff import status

    st = status(args.workbook)
    if args.json:
        print(json.dumps(st, ensure_ascii=False, indent=2))
        return 0
    print(f"Status MPP: {st['status']}")
    for p, s in st["partners"].items():
        if not s["signed"]:
            text = "niet vastgesteld"
        elif s["valid"]:
            text = f"geldig vastgesteld door {s['name']} op {s['date']}"
        else:
            text = f"VERVALLEN (vastgesteld door {s['name']} op {s['date']}; aannames gewijzigd)"
        print(f"  {p:<8} {text}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ..workbook.partner_io import export_partner

    out = export_partner(args.workbook, args.partner, args.output)
    print(f"Partnerbestand {out} geschreven.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..workbook.partner_io import import_partner

    res = import_partner(args.workbook, args.partnerfile, args.partner)
    extra = f"; vaststelling {res['vaststelling']}" if res.get("vaststelling") else ""
    print(f"{res['partner']} samengevoegd: {res['gewijzigd']} cel(len) gewijzigd{extra}. "
          f"Status: {res['status']}.")
    return 0


__all__ = ["MppError", "register"]
