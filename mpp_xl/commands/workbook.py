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

_PARTNER_HELP = ", ".join(PARTNERS) + " (ook 'DT&V', 'KMar'; hoofdletters maken niet uit)"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    b = sub.add_parser("build", help="bouw de masterwerkmap uit een CSV met aannames")
    b.add_argument("input", help="aannames (CSV, of een bestaande werkmap)")
    b.add_argument("-o", "--output", required=True,
                   help="de werkmap: .xlsm (met xlwings-macro's) of .xlsx")
    b.add_argument("--overschrijf", action="store_true",
                   help="vervang een bestaande werkmap (de oude gaat eerst naar .backup/)")
    b.add_argument("--realisaties", help="CSV reeks,jaar,waarde[,bron] voor het blad Realisatie")
    b.set_defaults(func=cmd_build)

    r = sub.add_parser("refresh", help="ververs de werkmap zonder Excel (controles, "
                                        "uitkomsten, vaststelling, logboek)")
    r.add_argument("workbook")
    r.set_defaults(func=cmd_refresh)

    s = sub.add_parser("sign-off", help="stel het blad van een partner vast")
    s.add_argument("workbook", help="masterwerkmap of partnerbestand")
    s.add_argument("--partner", required=True, help=_PARTNER_HELP)
    s.add_argument("--name", required=True, help="naam van wie vaststelt")
    s.add_argument("--datum", help="datum (jjjj-mm-dd; standaard vandaag)")
    s.add_argument("--vervang", action="store_true",
                   help="vervang een nog geldige vaststelling door iemand anders")
    s.set_defaults(func=cmd_sign_off)

    t = sub.add_parser("status", help="stand van de vaststelling per partner")
    t.add_argument("workbook")
    t.add_argument("--json", action="store_true", help="als JSON")
    t.add_argument("--partner", help="alleen deze partner: " + _PARTNER_HELP)
    t.set_defaults(func=cmd_status)

    e = sub.add_parser("export-partner", help="schrijf een los partnerbestand (.xlsx)")
    e.add_argument("workbook")
    e.add_argument("--partner", required=True, help=_PARTNER_HELP)
    e.add_argument("-o", "--output", required=True)
    e.set_defaults(func=cmd_export)

    i = sub.add_parser("import-partner", help="voeg een partnerbestand samen met de master")
    i.add_argument("workbook")
    i.add_argument("partnerfile")
    i.add_argument("--partner", help="verwachte partner (controle): " + _PARTNER_HELP)
    i.set_defaults(func=cmd_import)


def _check_output(out: Path, overwrite: bool) -> None:
    """The target folder must exist; an existing workbook is only replaced
    with ``--overschrijf`` (it holds sign-offs, the Logboek and partner input)."""
    folder = out.parent
    if not folder.is_dir():
        raise MppError(f"De map {folder} bestaat niet; maak hem eerst aan of kies een andere "
                       f"plek voor {out.name}. Er is niets geschreven.")
    if out.is_dir():
        raise MppError(f"{out} is een map; geef een bestandsnaam op, bijvoorbeeld "
                       f"{out / 'MPP.xlsm'}.")
    if out.exists() and not overwrite:
        raise MppError(f"{out} bestaat al. Daarin staan mogelijk vaststellingen, het Logboek "
                       "en ingevulde partnergegevens, die verloren zouden gaan. Kies een andere "
                       "naam, of gebruik --overschrijf (de oude werkmap wordt dan eerst bewaard "
                       "in .backup/).")


def cmd_build(args: argparse.Namespace) -> int:
    from ..workbook.builder import build
    from ..workbook.refresh import backup, check_not_open

    out_path = Path(args.output)
    _check_output(out_path, args.overschrijf)
    a = read_assumptions(args.input)
    real = None
    if args.realisaties:
        from ..backtest import read_realisaties

        real = read_realisaties(args.realisaties)
    saved = None
    if out_path.exists():
        check_not_open(out_path)
        import datetime as dt

        saved = backup(out_path, out_path.read_bytes(), dt.datetime.now())
    out = build(a, args.output, realisaties=real)
    if saved is not None:
        print(f"De vorige versie van {out_path.name} is bewaard als {saved}.")
    n_err = sum(p.is_error for p in a.validate())
    print(f"Werkmap {out} gebouwd ({len(a)} aannames). Ververs hem met: mpp refresh {out}")
    if n_err:
        print(f"Let op: de aannames bevatten {n_err} fout(en); zie mpp validate {out}.",
              file=sys.stderr)
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from ..signoff import require_workbook
    from ..workbook.refresh import refresh_workbook

    require_workbook(args.workbook)
    res = refresh_workbook(args.workbook)
    for m in res.meldingen:
        print(f"Let op: {m}", file=sys.stderr)
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

    so = sign_off(args.workbook, args.partner, args.name, args.datum, replace=args.vervang)
    print(f"{so.partner} vastgesteld door {so.name} op {so.date} "
          f"(vingerafdruk {so.fingerprint[:8]}).")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from ..signoff import normalise_partner, status

    only = normalise_partner(args.partner) if args.partner else None
    st = status(args.workbook)
    if only is not None:
        st["partners"] = {only: st["partners"][only]}
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
    from ..signoff import normalise_partner, require_workbook
    from ..workbook.partner_io import export_partner

    partner = normalise_partner(args.partner)
    require_workbook(args.workbook)
    out = export_partner(args.workbook, partner, args.output)
    print(f"Partnerbestand {out} geschreven.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..signoff import live_state, normalise_partner, require_workbook
    from ..workbook.partner_io import import_partner

    partner = normalise_partner(args.partner) if args.partner else None
    require_workbook(args.workbook)
    require_workbook(args.partnerfile, hint=(
        f"maak er een met: mpp export-partner {args.workbook} --partner "
        f"{partner or 'PARTNER'} -o {partner or 'PARTNER'}.xlsx"))
    for m in stale_export_warnings(Path(args.workbook), Path(args.partnerfile)):
        print(f"Let op: {m}", file=sys.stderr)
    before, _ = live_state(args.workbook)
    res = import_partner(args.workbook, args.partnerfile, partner)
    after, problems = live_state(args.workbook)
    for m in res.get("meldingen", []) or []:  # warnings partner_io may add
        print(f"Let op: {m}", file=sys.stderr)
    extra = f"; vaststelling {res['vaststelling']}" if res.get("vaststelling") else ""
    print(f"{res['partner']} samengevoegd: {res['gewijzigd']} cel(len) gewijzigd{extra}. "
          f"Status: {res['status']}.")
    warnings = [p for p in problems if not p.is_error]
    print(f"{len(warnings)} waarschuwing(en) in de aannames"
          + ("; zie mpp validate of het blad Validatie." if warnings else "."))
    for p, st in after.items():
        if before[p]["valid"] and not st["valid"]:
            print(f"Vaststelling {p} ({st['name']}, {st['date']}) vervalt: de aannames zijn "
                  "gewijzigd.")
    return 0


def _export_time(pfile: Path) -> str | None:
    """The ``mpp_export`` time ('jjjj-mm-dd uu:mm:ss') in a partner file's
    custom document properties, if any."""
    import re

    from ..workbook.xlsxio import Package

    raw = Package.open(pfile).parts.get("docProps/custom.xml", b"")
    m = re.search(rb'name="mpp_export"[^>]*>\s*<[^>]*>([^<]+)<', raw)
    return m.group(1).decode("utf-8", "replace").strip() if m else None


def stale_export_warnings(master: Path, pfile: Path) -> list[str]:
    """Dutch warnings when the master changed after the partner file was
    exported: a Logboek entry later than the export time whose fingerprint
    differs from the master's fingerprint at export time. Importing such a
    file may put back older values of that partner's sheet."""
    from ..workbook import sheets as S
    from ..workbook.xlsxio import Package

    when = _export_time(pfile)
    if not when:
        return []
    pkg = Package.open(master)
    if S.LOGBOEK not in pkg.sheet_paths:
        return []
    rows: dict[int, dict[int, object]] = {}
    for c in pkg.cells(S.LOGBOEK):
        if c.row > S.LOG_HEADER_ROW and c.col <= 4:
            rows.setdefault(c.row, {})[c.col] = c.value
    log = [(str(r.get(1) or ""), str(r.get(2) or ""), str(r.get(4) or ""))
           for _, r in sorted(rows.items()) if r.get(1)]
    earlier = [e for e in log if e[0] <= when]
    later = [e for e in log if e[0] > when]
    if not earlier or not later:
        return []
    fp_then = earlier[-1][2]
    changed = [e for e in later if e[2] and e[2] != fp_then]
    if not changed:
        return []
    shown = "; ".join(f"{t} {a}" for t, a, _ in changed[-3:])
    return [f"de master is gewijzigd nadat {pfile.name} werd geëxporteerd ({when}); "
            f"Logboek: {shown}. Controleer of dit partnerbestand geen nieuwere waarden "
            "overschrijft (exporteer zo nodig opnieuw)."]


__all__ = ["MppError", "register"]
