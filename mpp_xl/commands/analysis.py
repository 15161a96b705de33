"""mpp onzekerheid, mpp vergelijk, mpp terugtoets, mpp rapport."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ..core.numbers import nl_decimal, nl_number
from ..core.problems import MppError, ValidationError, format_problems
from ..core.registry import PARAMETERS
from ..core.series import COST_SUMMARY_KEYS, NO_PRICES, SERIES, SUMMARY_KEYS
from . import add_command, int_arg, option
from .run import INPUT_HELP


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    u = add_command(sub, "onzekerheid", "uncertainty",
                    help="onzekerheidsbanden met Monte Carlo (percentielen)")
    u.add_argument("input", metavar="INVOER", help=INPUT_HELP)
    option(u, "--trekkingen", oud="--draws", type=int_arg(),
           help="aantal trekkingen, 100 t/m 1.000.000 (standaard: mc_trekkingen)")
    option(u, "--zaad", oud="--seed", type=int_arg(),
           help="startgetal van de toevalsgenerator (standaard: mc_zaad)")
    option(u, "--percentielen", oud="--percentiles", action="append",
           metavar="LIJST",
           help="extra percentielen, gescheiden door puntkomma of spatie, of de optie "
                "herhaald: '5;95', '2,5;97,5' of --percentielen 5 --percentielen 95; "
                "een komma is een decimaalkomma (5,5 is 5,5) (12,5 50 67 87,5 zitten "
                "er altijd in)")
    option(u, "--csv", help="schrijf reeks,jaar,percentiel,waarde naar dit CSV-bestand")
    option(u, "--methode", choices=("alle_aannames", "alleen_instroom"),
           help="alle_aannames: elke aanname die per scenario verschilt op één "
                "scenarioscore per jaar; alleen_instroom: alleen de eerste "
                "asielaanvragen (standaard: mc_methode op Kader)")
    u.set_defaults(func=cmd_uncertainty)

    c = add_command(sub, "vergelijk", "compare",
                    help="bijstelling: vergelijk met de vorige MPP")
    c.add_argument("old", metavar="OUD", help="aannames of werkmap van de vorige MPP")
    c.add_argument("new", metavar="NIEUW", help="aannames of werkmap van de nieuwe MPP")
    option(c, "--csv", help="schrijf reeks,scenario,jaar,oud,nieuw,verschil,procent naar dit "
                            "CSV-bestand")
    option(c, "--aannames-csv", help="schrijf de gewijzigde aannames naar dit CSV-bestand")
    option(c, "--top", type=int_arg(), default=15,
           help="aantal reeksen in de toelichting (standaard: 15)")
    c.set_defaults(func=cmd_compare)

    b = add_command(sub, "terugtoets", "backtest",
                    help="vergelijk een prognose met realisaties")
    b.add_argument("input", metavar="INVOER",
                   help="aannames (CSV) of MPP-werkmap van de prognose")
    b.add_argument("realisaties", metavar="REALISATIES", nargs="?",
                   help="CSV reeks,jaar[,maand],waarde[,bron]; weglaten bij een werkmap: dan "
                        "komen de realisaties van het blad Realisatie")
    option(b, "--csv", help="schrijf de vergelijking naar dit CSV-bestand (met maanden: ook "
                            "<naam>_maanden.csv en <naam>_lopend_jaar.csv)")
    b.set_defaults(func=cmd_backtest)

    r = add_command(sub, "rapport", "report", help="maak de MPP-grafieken (PDF en PNG)")
    r.add_argument("input", metavar="INVOER", help=INPUT_HELP)
    option(r, "-o", "--uitvoer", oud="--output", required=True,
           help="PDF-bestand, bijv. rapport.pdf")
    option(r, "--png-map", oud="--png-dir", help="schrijf ook elke grafiek als PNG in deze map")
    option(r, "--vorige", help="aannames of werkmap van de vorige MPP (bijstelling)")
    option(r, "--trekkingen", oud="--draws", type=int_arg(),
           help="trekkingen voor de waaiergrafieken (100 t/m 1.000.000)")
    option(r, "--zaad", oud="--seed", type=int_arg(),
           help="startgetal voor de waaiergrafieken")
    option(r, "--rondes", nargs="+", default=[], metavar="OUD",
           help="werkmappen of aannames van eerdere rondes (oudste eerst): per hoofdreeks "
                "medio en min–max van elke ronde met de realisaties")
    option(r, "--realisaties", help="CSV met realisaties voor --rondes (standaard: het blad "
                                    "Realisatie van de werkmap)")
    r.set_defaults(func=cmd_report)


def _pct(fraction: float, decimals: int = 1) -> str:
    """0.131 -> '13,1%'."""
    return f"{nl_number(100.0 * fraction, decimals)}%"


def _signed(x: float, decimals: int = 1) -> str:
    """+13,1 / −2,0 / 0 (Dutch decimal comma, real minus sign)."""
    text = nl_number(abs(x), decimals)
    if text.strip("0,.") == "":
        return text
    return ("−" if x < 0 else "+") + text


def _param_names(keys: list[str]) -> str:
    """Dutch labels with the code in parentheses."""
    return ", ".join(f"{PARAMETERS[k].label} ({k})" if k in PARAMETERS else k for k in keys)


def _warn(problems: list) -> None:  # type: ignore[type-arg]
    warnings = [p for p in problems if not p.is_error]
    if warnings:
        print(f"{len(warnings)} waarschuwing(en):", file=sys.stderr)
        print(format_problems(warnings), file=sys.stderr)


def _progress(total: int, desc: str) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    """A tqdm progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit=" trekkingen", file=sys.stderr, leave=False)
    return bar.update, bar.close


def cmd_uncertainty(args: argparse.Namespace) -> int:
    from ..analysis.uncertainty import check_draws, kader_value, parse_percentiles, simulate
    from ..io.output import summary_table
    from ..workbook.reader import read_assumptions  # the workbook layer: loaded on use

    pcts = parse_percentiles(args.percentielen or [])
    if args.trekkingen is not None:
        check_draws(args.trekkingen)
    a = read_assumptions(args.input)
    problems, resolved = a.check()
    if resolved is None:
        raise ValidationError(problems)
    _warn(problems)
    draws = (args.trekkingen if args.trekkingen is not None
             else int(kader_value(resolved, "mc_trekkingen", 10000)))
    update, close = _progress(draws, "Monte Carlo")
    try:
        bands = simulate(resolved, draws=draws, seed=args.zaad, percentiles=pcts,
                         progress=update, methode=args.methode)
    finally:
        close()
    for m in bands.meldingen:
        print(f"Let op: {m}", file=sys.stderr)
    if args.csv:
        bands.to_csv(args.csv)
        print(f"Banden van {len(bands.data)} reeksen (methode {bands.methode}, "
              f"{nl_number(bands.draws)} trekkingen, startgetal {bands.seed}) geschreven naar "
              f"{args.csv}.")
        return 0
    labels = [f"P{nl_decimal(p)}" for p in bands.percentiles]
    costs = [k for k in COST_SUMMARY_KEYS if k in bands.data]
    print(summary_table(bands.data, labels, bands.years, [*SUMMARY_KEYS, *costs],
                        row_header="perc."))
    print(f"Methode {bands.methode}, {nl_number(bands.draws)} trekkingen, startgetal "
          f"{bands.seed}, correlatie tussen "
          f"jaren {f'{bands.rho:g}'.replace('.', ',')}. Stromen: totaal per jaar; voorraden: "
          "per 1 januari." + (" Kosten: € mln per jaar." if costs else f" {NO_PRICES}."))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from .. import run
    from ..analysis.compare import compare
    from ..io.output import write_csv
    from ..workbook.reader import read_assumptions  # the workbook layer: loaded on use

    a_old, a_new = read_assumptions(args.old), read_assumptions(args.new)
    fc_old, fc_new = run(a_old), run(a_new)
    cmp = compare(fc_old, fc_new, a_old, a_new)
    for m in cmp.meldingen:
        print(f"Let op: {m}", file=sys.stderr)
    if args.csv:
        from ..io.csv_round import rounded_figures

        write_csv(rounded_figures(cmp.verschillen, ("oud", "nieuw", "verschil"), ("procent",)),
                  args.csv)
        print(f"Verschillen geschreven naar {args.csv}.")
    if args.aannames_csv:
        write_csv(cmp.aannames, args.aannames_csv)
        print(f"Gewijzigde aannames geschreven naar {args.aannames_csv}.")
    n_ch = len(cmp.aannames)
    params = list(dict.fromkeys(cmp.aannames["parameter"]))
    print(f"Gewijzigde aannames: {n_ch} waarde(n) in {len(params)} parameter(s)"
          + (": " + _param_names(params) + "." if params else "."))
    changed = cmp.gewijzigde_reeksen
    if not changed:
        print("Geen verschillen in de uitkomsten.")
        return 0
    if cmp.gedeelde_zin():
        print(cmp.gedeelde_zin())
    print(f"Gewijzigde reeksen: {len(changed)} van {len(SERIES)}. Grootste wijzigingen:")
    for reeks in changed[: max(0, args.top)]:
        print(f"- {cmp.toelichting[reeks]}")
    return 0


def cmd_backtest(args: argparse.Namespace) -> int:
    from .. import run
    from ..analysis.backtest import backtest
    from ..workbook.reader import read_assumptions  # the workbook layer: loaded on use

    real = args.realisaties
    if real is None:
        from pathlib import Path

        from ..workbook.reader import read_workbook_realisaties

        if Path(args.input).suffix.lower() not in (".xlsx", ".xlsm"):
            raise MppError("Geef een CSV met realisaties (reeks,jaar,waarde[,bron]), of een "
                           "MPP-werkmap met een blad Realisatie.")
        if not Path(args.input).exists():
            raise MppError(f"Bestand niet gevonden: {args.input}")
        real = read_workbook_realisaties(args.input)
        if real is None:
            raise MppError(f"{Path(args.input).name} heeft geen blad Realisatie; geef een CSV "
                           "met realisaties of bouw de werkmap opnieuw met 'mpp bouw'.")
    a = read_assumptions(args.input)
    fc = run(a)
    if not hasattr(real, "columns"):
        from ..analysis.backtest import read_realisaties

        real = read_realisaties(real)
    bt = backtest(fc, real)
    mbt = None
    if "maand" in real.columns and real["maand"].notna().any():
        from ..analysis.backtest_monthly import backtest_monthly
        from ..analysis.monthly import run_monthly

        mbt = backtest_monthly(run_monthly(a.resolve()), real)
    for m in bt.meldingen + (mbt.meldingen if mbt is not None else []):
        print(f"Let op: {m}", file=sys.stderr)
    if args.csv:
        if mbt is not None:
            from pathlib import Path

            base = Path(args.csv)
            months_csv = base.with_name(f"{base.stem}_maanden{base.suffix or '.csv'}")
            running_csv = base.with_name(f"{base.stem}_lopend_jaar{base.suffix or '.csv'}")
            mbt.to_csv(months_csv)
            mbt.lopend_to_csv(running_csv)
            print(f"{len(mbt.tabel)} maandvergelijking(en) geschreven naar {months_csv}; het "
                  f"lopende jaar naar {running_csv}.")
        bt.to_csv(args.csv)
        print(f"{len(bt.tabel)} vergelijking(en) geschreven naar {args.csv}.")
        return 0
    if mbt is not None:
        _print_months(mbt)
    if bt.tabel.empty:
        print("Geen realisaties binnen de jaren van de prognose.")
        return 0
    print(f"{'reeks':<28}{'jaar':>6}{'realisatie':>12}{'min':>10}{'medio':>10}{'max':>10}"
          f"{'fout':>10}{'afwijking':>18}  band")
    inputs = bt.is_input()
    for r, is_input in zip(bt.tabel.to_dict("records"), inputs, strict=True):
        frac = SERIES[r["reeks"]].unit == "fractie"

        def f(x: float, frac: bool = frac) -> str:
            return _pct(x) if frac else nl_number(x)

        if frac:
            fout = f"{_signed(100.0 * r['fout'])} pp"
            dev = f"{_signed(r['procentpunt'])} procentpunt"
        else:
            fout = _signed(r["fout"], 0)
            dev = "" if r["procent"] != r["procent"] else f"{_signed(r['procent'])}%"
        print(f"{r['reeks']:<28}{r['jaar']:>6}{f(r['realisatie']):>12}{f(r['min']):>10}"
              f"{f(r['medio']):>10}{f(r['max']):>10}{fout:>10}{dev:>18}  "
              f"{'invoer' if is_input else 'binnen' if r['binnen_band'] else 'BUITEN'}")
    n_in = int(bt.tabel["binnen_band"][~inputs].sum())
    print(f"{n_in} van {int((~inputs).sum())} realisaties liggen binnen de band min–max. "
          "Fout = medio − realisatie; afwijking = fout / realisatie, bij aandelen (fracties) "
          "het verschil in procentpunten (pp).")
    return 0


def _print_months(mbt: object) -> None:
    """The month comparisons and the running year (mpp terugtoets with months)."""
    tabel, lopend = mbt.tabel, mbt.lopend  # type: ignore[attr-defined]
    if not tabel.empty:
        print(f"{'reeks':<28}{'maand':>9}{'realisatie':>12}{'min':>10}{'medio':>10}"
              f"{'max':>10}{'fout':>10}  band")
        for r in tabel.to_dict("records"):
            frac = SERIES[r["reeks"]].unit == "fractie"

            def f(x: float, frac: bool = frac) -> str:
                return _pct(x) if frac else nl_number(x)

            fout = f"{_signed(100.0 * r['fout'])} pp" if frac else _signed(r["fout"], 0)
            print(f"{r['reeks']:<28}{r['jaar']:>6}-{r['maand']:02d}{f(r['realisatie']):>12}"
                  f"{f(r['min']):>10}{f(r['medio']):>10}{f(r['max']):>10}{fout:>10}  "
                  f"{'binnen' if r['binnen_band'] else 'BUITEN'}")
        print()
    if not lopend.empty:
        print("Lopend jaar: gerealiseerde maanden plus de prognose van de overige maanden, "
              "naast de prognose van het hele jaar (min / medio / max).")
        for r in lopend.to_dict("records"):
            exp = " / ".join(nl_number(r[f"verwacht_{s}"]) for s in ("min", "medio", "max"))
            fc = " / ".join(nl_number(r[f"prognose_{s}"]) for s in ("min", "medio", "max"))
            print(f"{r['reeks']} {r['jaar']} (maanden {r['maanden_gerealiseerd']} gerealiseerd: "
                  f"{nl_number(r['gerealiseerd'])}): verwacht {exp}; prognose {fc}")
        print()


def cmd_report(args: argparse.Namespace) -> int:
    from ..analysis.uncertainty import check_draws
    from ..api import make_report

    if not str(args.uitvoer).lower().endswith(".pdf"):
        raise MppError(f"-o {args.uitvoer}: het rapport is een PDF; geef een naam die op .pdf "
                       "eindigt (PNG's per grafiek met --png-map MAP).")
    if args.trekkingen is not None:
        check_draws(args.trekkingen)
    info = make_report(args.input, args.uitvoer, png_dir=args.png_map, vorige=args.vorige,
                       draws=args.trekkingen, seed=args.zaad, rondes=args.rondes,
                       realisaties=args.realisaties)
    _warn(info.problems)
    print(f"Rapport met {info.n_charts} grafieken geschreven naar {args.uitvoer}"
          + (f"; PNG's in {args.png_map}." if args.png_map else "."))
    return 0
