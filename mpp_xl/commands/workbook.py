"""mpp bouw, ververs, vaststellen, status, exporteer-partner,
importeer-partner: the master workbook (mpp valideer and mpp reken read
workbooks through ``read_assumptions``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..core.numbers import nl_decimal
from ..core.problems import MppError, format_problems
from ..core.registry import PARTNERS
from . import add_command, option

_PARTNER_HELP = ", ".join(PARTNERS) + " (ook 'DT&V', 'KMar'; hoofdletters maken niet uit)"
_MASTER_HELP = "de masterwerkmap (.xlsm of .xlsx)"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    b = add_command(sub, "bouw", "build", help="bouw de masterwerkmap uit een CSV met aannames")
    b.add_argument("input", metavar="INVOER", help="aannames (CSV, of een bestaande werkmap)")
    option(b, "-o", "--uitvoer", oud="--output", required=True,
           help="de werkmap: .xlsm (met xlwings-macro's) of .xlsx")
    option(b, "--overschrijf", help="vervang een bestaande werkmap (de oude gaat eerst naar "
                                    ".backup/)", action="store_true")
    option(b, "--realisaties",
           help="CSV reeks,jaar[,maand],waarde[,bron] voor het blad Realisatie")
    option(b, "--varianten", help="CSV variant,parameter,scenario,jaar,bewerking,waarde,"
                                  "toelichting voor het blad Varianten (gecontroleerd)")
    option(b, "--interpreter", metavar="PAD",
           help="python.exe voor Excel (Interpreter_Win op het blad xlwings.conf); "
                "standaard 'python', de python.exe op het PATH")
    b.set_defaults(func=cmd_build)

    r = add_command(sub, "ververs", "refresh", help="ververs de werkmap zonder Excel (controles, "
                                                    "uitkomsten, vaststelling, logboek)")
    r.add_argument("workbook", metavar="WERKMAP", help=_MASTER_HELP)
    r.set_defaults(func=cmd_refresh)

    s = add_command(sub, "vaststellen", "sign-off", help="stel het blad van een partner vast")
    s.add_argument("workbook", metavar="WERKMAP", help="masterwerkmap of partnerbestand")
    option(s, "--partner", required=True,
           help=_PARTNER_HELP + "; of Varianten (de variantentabel, door DGM-APM)")
    option(s, "--naam", oud="--name", required=True, help="naam van wie vaststelt")
    option(s, "--datum", help="datum (jjjj-mm-dd; standaard vandaag)")
    option(s, "--vervang", action="store_true",
           help="vervang een nog geldige vaststelling door iemand anders")
    s.set_defaults(func=cmd_sign_off)

    t = add_command(sub, "status", None, help="stand van de vaststelling per partner")
    t.add_argument("workbook", metavar="WERKMAP", help=_MASTER_HELP)
    option(t, "--json", action="store_true",
           help="als JSON (sleutels: status, partners; per partner vastgesteld, geldig, naam, "
                "datum, vingerafdruk)")
    option(t, "--partner", help="alleen deze partner: " + _PARTNER_HELP)
    t.set_defaults(func=cmd_status)

    e = add_command(sub, "exporteer-partner", "export-partner",
                    help="schrijf een los partnerbestand (.xlsx)")
    e.add_argument("workbook", metavar="WERKMAP", help=_MASTER_HELP)
    option(e, "--partner", required=True, help=_PARTNER_HELP)
    option(e, "-o", "--uitvoer", oud="--output", required=True,
           help="het partnerbestand (.xlsx)")
    option(e, "--overschrijf", action="store_true",
           help="vervang een bestaand partnerbestand (het oude gaat eerst naar .backup/)")
    e.set_defaults(func=cmd_export)

    i = add_command(sub, "importeer-partner", "import-partner",
                    help="voeg een partnerbestand samen met de master")
    i.add_argument("workbook", metavar="WERKMAP", help=_MASTER_HELP)
    i.add_argument("partnerfile", metavar="PARTNERBESTAND",
                   help="het ingevulde partnerbestand (uit mpp exporteer-partner)")
    option(i, "--partner", help="verwachte partner (controle): " + _PARTNER_HELP)
    option(i, "--forceer", action="store_true",
           help="voeg samen, ook als de exportgegevens niet kloppen (andere ronde of master, "
                "invoer in de master na de export gewijzigd, gegevens ontbreken); toont per "
                "cel wat er verandert en neemt geen cellen over die u na de export in de "
                "master wijzigde")
    option(i, "--overschrijf-masterwijzigingen", action="store_true",
           help="neem ook cellen over die na de export in de master zijn gewijzigd (die "
                "wijzigingen gaan dan verloren; de vorige versie staat in .backup/)")
    i.set_defaults(func=cmd_import)

    w = add_command(sub, "waardenkopie", None,
                    help="schrijf een kopie met alleen waarden (.xlsx, zonder formules en "
                         "macro's) voor wie geen Python/xlwings heeft")
    w.add_argument("workbook", metavar="WERKMAP", help="de ververste masterwerkmap")
    option(w, "-o", "--uitvoer", required=True, metavar="KOPIE", help="de waardenkopie (.xlsx)")
    option(w, "--overschrijf", action="store_true", help="vervang een bestaande kopie")
    w.set_defaults(func=cmd_values_copy)


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
    from ..workbook.reader import read_assumptions  # the workbook layer: loaded on use
    from ..workbook.refresh_file import backup, check_not_open

    out_path = Path(args.uitvoer)
    _check_output(out_path, args.overschrijf)
    a = read_assumptions(args.input)
    real = None
    if args.realisaties:
        from ..analysis.backtest import read_realisaties

        real = read_realisaties(args.realisaties)
    varianten = None
    if args.varianten:
        from ..core.variants import read_variants_csv, resolve_variants

        varianten = read_variants_csv(args.varianten)
        resolve_variants(varianten, a.resolve())  # every bad row: exit 2, nothing written
    saved = None
    if out_path.exists():
        check_not_open(out_path)
        import datetime as dt

        saved = backup(out_path, out_path.read_bytes(), dt.datetime.now())
    out = build(a, args.uitvoer, realisaties=real, interpreter=args.interpreter,
                varianten=varianten)
    if saved is not None:
        print(f"De vorige versie van {out_path.name} is bewaard als {saved}.")
    n_err = sum(p.is_error for p in a.validate())
    print(f"Werkmap {out} gebouwd ({len(a)} aannames). Ververs hem met: mpp ververs {out}")
    if n_err:
        print(f"Let op: de aannames bevatten {n_err} fout(en); zie mpp valideer {out}.",
              file=sys.stderr)
    return 0


def cmd_values_copy(args: argparse.Namespace) -> int:
    from ..workbook.values_copy import values_copy

    out = values_copy(args.workbook, args.uitvoer, overwrite=args.overschrijf)
    print(f"Waardenkopie {out} geschreven: alle formules vervangen door de waarden van de "
          f"laatste verversing; zonder macro's.")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from ..workbook.files import require_master  # no openpyxl on the refresh path
    from ..workbook.refresh_file import refresh_workbook

    require_master(args.workbook, "ververs")
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
          f"{nl_decimal(res.stats['rekenen_s'], '.1f')} s. Status: {res.state} "
          f"({n_signed} van {len(PARTNERS)} partners geldig vastgesteld).")
    if voided:
        print("Vervallen vaststelling (aannames gewijzigd): " + ", ".join(voided) + ".")
    return 0


def cmd_sign_off(args: argparse.Namespace) -> int:
    from ..workbook.partner_io import is_partner_file
    from ..workbook.signoff import sign_off
    from ..workbook.xlsxio import Package

    so = sign_off(args.workbook, args.partner, args.naam, args.datum, replace=args.vervang)
    print(f"{so.partner} vastgesteld door {so.name} op {so.date} "
          f"(vingerafdruk {so.fingerprint[:8]}).")
    if is_partner_file(Package.open(args.workbook)):
        print(f"Stuur {Path(args.workbook).name} terug naar de coördinator; die voegt het "
              "samen met mpp importeer-partner.")
    return 0


#: The keys of ``mpp status --json`` per partner (Dutch) for the keys of ``status_of``.
STATUS_JSON_KEYS = {"signed": "vastgesteld", "valid": "geldig", "name": "naam", "date": "datum",
                    "fingerprint": "vingerafdruk"}


def status_json(st: dict[str, object]) -> dict[str, object]:
    """``status_of`` with Dutch keys: ``status`` ('concept'/'vastgesteld') and
    ``partners`` -> partner -> vastgesteld, geldig (true/false), naam, datum
    (jjjj-mm-dd) and vingerafdruk (SHA-256), null when not signed."""
    partners = st["partners"]
    assert isinstance(partners, dict)
    return {"status": st["status"],
            "partners": {p: {STATUS_JSON_KEYS[k]: v for k, v in s.items()}
                         for p, s in partners.items()}}


def cmd_status(args: argparse.Namespace) -> int:
    from ..core.signoff import normalise_partner
    from ..workbook.signoff import live_state, status_of

    only = normalise_partner(args.partner) if args.partner else None
    states, problems = live_state(args.workbook, "status")
    st = status_of(states, problems)
    if only is not None:
        st["partners"] = {only: st["partners"][only]}
    if args.json:
        print(json.dumps(status_json(st), ensure_ascii=False, indent=2))
        return 0
    n_err = sum(p.is_error for p in problems)
    extra = (f" ({n_err} fout(en) in de aannames; zie mpp valideer {args.workbook})"
             if n_err else "")
    print(f"Status MPP: {st['status']}{extra}")
    width = max(8, *(len(p) for p in st["partners"]))
    for p, s in st["partners"].items():
        if not s["signed"]:
            text = "niet vastgesteld"
        elif s["valid"]:
            text = f"geldig vastgesteld door {s['name']} op {s['date']}"
        else:
            why = "de aannames bevatten fouten" if n_err else "aannames gewijzigd"
            text = f"VERVALLEN (vastgesteld door {s['name']} op {s['date']}; {why})"
        print(f"  {p:<{width}} {text}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ..core.signoff import normalise_partner
    from ..workbook.partner_io import export_partner
    from ..workbook.signoff import require_workbook

    partner = normalise_partner(args.partner)
    require_workbook(args.workbook)
    out_path = Path(args.uitvoer)
    saved = None
    if out_path.exists() and out_path.suffix.lower() == ".xlsx":
        if out_path.is_dir():
            raise MppError(f"{out_path} is een map; geef een bestandsnaam op, bijvoorbeeld "
                           f"{out_path / (partner + '.xlsx')}.")
        if out_path.resolve() == Path(args.workbook).resolve():
            raise MppError(f"{out_path.name} is de werkmap zelf; kies een andere naam voor "
                           f"het partnerbestand, bijvoorbeeld {partner}.xlsx.")
        if not args.overschrijf:
            raise MppError(f"{out_path} bestaat al; daarin staan mogelijk gegevens of een "
                           "vaststelling van de partner, die verloren zouden gaan. Kies een "
                           "andere naam, of gebruik --overschrijf (het oude bestand wordt dan "
                           "eerst bewaard in .backup/).")
        import datetime as dt

        from ..workbook.refresh_file import backup, check_not_open

        check_not_open(out_path)
        saved = backup(out_path, out_path.read_bytes(), dt.datetime.now())
    out = export_partner(args.workbook, partner, out_path)
    from ..workbook.round_id import round_id_of
    from ..workbook.xlsxio import Package

    if round_id_of(Package.open(args.workbook)) is None:
        print(f"Let op: {Path(args.workbook).name} heeft geen ronde-id (gebouwd met een oudere "
              "versie van mpp). Het partnerbestand kan dan alleen terug in een master zonder "
              "ronde-id met dezelfde bestandsnaam; zie docs/hardening.md.", file=sys.stderr)
    if saved is not None:
        print(f"Het vorige {out_path.name} is bewaard als {saved}.")
    print(f"Partnerbestand {out} geschreven. Voeg het na invullen samen met: "
          f"mpp importeer-partner {args.workbook} {out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..core.signoff import normalise_partner
    from ..workbook.partner_import import import_partner
    from ..workbook.signoff import live_state, require_master, require_workbook

    partner = normalise_partner(args.partner) if args.partner else None
    require_master(args.workbook, "importeer-partner")
    require_workbook(args.partnerfile, hint=(
        f"maak er een met: mpp exporteer-partner {args.workbook} --partner "
        f"{partner or 'PARTNER'} -o {partner or 'PARTNER'}.xlsx"))
    before, _ = live_state(args.workbook, "importeer-partner")
    res = import_partner(args.workbook, args.partnerfile, partner, force=args.forceer,
                         overwrite_master=args.overschrijf_masterwijzigingen)
    for m in res.warnings:
        print(f"Let op: {m}", file=sys.stderr)
    if args.forceer or args.overschrijf_masterwijzigingen:
        word = "niet gewijzigd" if res.nothing else "overgenomen in de master"
        print(f"Per cel {word} ({len(res.taken)}):")
        for c in res.taken:
            print(f"  {c.text(res.partner)}")
    if res.kept:
        print(f"Niet overgenomen ({len(res.kept)}; neem ze over met "
              "--overschrijf-masterwijzigingen):", file=sys.stderr)
        for c in res.kept:
            print(f"  {c.text(res.partner)} ({c.why})", file=sys.stderr)
    if res.nothing:
        sign = {"al overgenomen": " De vaststelling erin was al overgenomen.",
                "niet overgenomen": " De vaststelling erin hoort niet bij deze aannames en "
                                    "is niet overgenomen."}.get(res.signoff or "", "")
        print(f"{res.partner}: niets gewijzigd; de invoer in {Path(args.workbook).name} is "
              f"al gelijk aan {Path(args.partnerfile).name} (al eerder samengevoegd, of er is "
              f"niets ingevuld).{sign} Er is niets geschreven.")
        return 0
    after, problems = live_state(args.workbook, "importeer-partner")
    extra = f"; vaststelling {res.signoff}" if res.signoff else ""
    print(f"{res.partner} samengevoegd: {res.changed} cel(len) gewijzigd{extra}. "
          f"Status: {res.status}.")
    warnings = [p for p in problems if not p.is_error]
    print(f"{len(warnings)} waarschuwing(en) in de aannames"
          + ("; zie mpp valideer of het blad Validatie." if warnings else "."))
    for p, st in after.items():
        if before[p]["valid"] and not st["valid"]:
            print(f"Vaststelling {p} ({st['name']}, {st['date']}) vervalt: de aannames zijn "
                  "gewijzigd.")
    return 0


__all__ = ["MppError", "register"]
