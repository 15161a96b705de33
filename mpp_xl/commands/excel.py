"""mpp excel-test: the Excel acceptance checks in real Excel, in one step."""

from __future__ import annotations

import argparse
import sys

from . import add_command, option

#: Exit code when a check failed (Excel ran, but not everything passed).
EXIT_FAILED = 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    x = add_command(sub, "excel-test", None,
                    help="test de werkmap in Excel zelf (Windows of Mac): Import Functions, "
                         "de knop, alle MPP_*-cellen tegen een verversing zonder Excel")
    x.add_argument("workbook", metavar="WERKMAP", help="de masterwerkmap (.xlsm)")
    option(x, "--rapport", metavar="PAD",
           help="schrijf het verslag (één regel per controle) ook naar dit tekstbestand")
    x.set_defaults(func=cmd_excel_test)


def cmd_excel_test(args: argparse.Namespace) -> int:
    from ..io.output import atomic_write  # pandas: loaded on use
    from ..workbook import excel_test  # the workbook layer: loaded on use

    report = excel_test.excel_test(args.workbook)
    text = report.text()
    print(text)
    if args.rapport:
        atomic_write(args.rapport, lambda p: p.write_text(text + "\n", encoding="utf-8"))
    if not report.ok:
        print("Niet alle controles zijn geslaagd (exitcode 1).", file=sys.stderr)
        return EXIT_FAILED
    return 0
