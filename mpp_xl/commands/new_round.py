"""mpp nieuwe-ronde: the next round's master from the previous one."""

from __future__ import annotations

import argparse
import sys

from . import add_command, int_arg, option


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    n = add_command(sub, "nieuwe-ronde", None,
                    help="begin de volgende MPP-ronde uit de ververste master van de vorige")
    n.add_argument("workbook", metavar="WERKMAP", help="de ververste master van de vorige ronde "
                                                       "(blijft ongewijzigd)")
    option(n, "--versie", required=True, help="versie van de nieuwe ronde, bijv. 2025-1")
    option(n, "--peildatum", required=True,
           help="peildatum van de nieuwe ronde (jjjj-mm-dd), na die van de vorige")
    option(n, "--realisaties", help="CSV reeks,jaar[,maand],waarde[,bron]: gerealiseerde "
                                    "voorraden op 1 januari van het nieuwe startjaar, een "
                                    "aandeel statushouders, de historie")
    option(n, "--startjaar", type=int_arg(), help="startjaar (standaard: het vorige + 1)")
    option(n, "--eindjaar", type=int_arg(), help="eindjaar (standaard: het vorige + 1)")
    option(n, "-o", "--uitvoer", required=True, help="de nieuwe master (.xlsm of .xlsx)")
    option(n, "--overschrijf", action="store_true",
           help="vervang een bestaand bestand met die naam")
    n.set_defaults(func=cmd_new_round)


def cmd_new_round(args: argparse.Namespace) -> int:
    from ..analysis.new_round import RoundRequest
    from ..workbook.round_cycle import new_round  # the workbook layer: loaded on use

    req = RoundRequest(args.versie, args.peildatum, args.startjaar, args.eindjaar)
    res = new_round(args.workbook, args.uitvoer, req, realisaties=args.realisaties,
                    overwrite=args.overschrijf)
    print(f"Nieuwe ronde {res.round_id} geschreven naar {res.path}: horizon {res.startjaar}–"
          f"{res.eindjaar}, vorige ronde {res.old_round_id} ({args.workbook}, ongewijzigd).")
    print("Beginvoorraden en historie:")
    for key, bron in res.herkomst.items():
        print(f"  {key}: {bron}")
    print("Alle vaststellingen staan op concept; de Bijstelling vergelijkt met de vorige ronde. "
          f"Controleer de doorgetrokken aannames (kolom Bron) en ververs na wijzigingen: "
          f"mpp ververs {res.path}")
    for m in res.meldingen:
        print(f"Let op: {m}", file=sys.stderr)
    return 0
