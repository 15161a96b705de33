"""The ``mpp`` command line. Each sub-command lives in ``mpp_xl.commands``
and registers itself; this module only dispatches and turns errors into
Dutch messages and exit codes (0 ok, 2 bad input or a file-system fault
such as no permission, a full disk or a file in use, 1 unexpected)."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from . import __version__, commands
from .commands import CommandMap, MppParser, hidden_strings, option, order_help
from .core.problems import MppError, ValidationError, format_problems
from .io.fs_errors import fs_error_message

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2

# argparse's own texts, in Dutch (argparse looks its module-level ``_`` up at call time).
_DUTCH = {
    "usage: ": "gebruik: ",
    "positional arguments": "argumenten",
    "options": "opties",
    "show this help message and exit": "toon deze hulp en stop",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "invalid %(type)s value: %(value)r": "ongeldige waarde %(value)r (verwacht: %(type)s)",
    "the following arguments are required: %s": "deze argumenten ontbreken: %s",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "expected one argument": "verwacht één waarde",
    "expected at least one argument": "verwacht minstens één waarde",
    "expected at most one argument": "verwacht hoogstens één waarde",
    "ambiguous option: %(option)s could match %(matches)s":
        "dubbelzinnige optie: %(option)s kan %(matches)s zijn",
    "one of the arguments %s is required": "één van deze argumenten is nodig: %s",
    "not allowed with argument %s": "niet samen met argument %s",
    "ignored explicit argument %r": "genegeerde waarde %r",
}
_TYPES = {"int": "geheel getal", "float": "getal"}


def _dutch(text: str) -> str:
    return _DUTCH.get(text, _TYPES.get(text, text))


argparse._ = _dutch  # type: ignore[attr-defined]

_action_name = argparse._get_action_name  # type: ignore[attr-defined]


def _documented_action_name(argument: argparse.Action | None) -> str | None:
    """argparse's name of an argument in messages, without hidden aliases."""
    if argument is not None and hidden_strings(argument):
        return "/".join(s for s in argument.option_strings if s not in hidden_strings(argument))
    return _action_name(argument)  # type: ignore[no-any-return]


argparse._get_action_name = _documented_action_name  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    parser = MppParser(
        prog="mpp",
        description="Meerjaren Productie Prognose (MPP) van de migratieketen.",
    )
    option(parser, "--versie", oud="--version", action="version",
           version=f"mpp-xl {__version__}", help="toon het versienummer en stop")
    option(parser, "--debug", action="store_true", help="toon de volledige foutmelding")
    sub = parser.add_subparsers(dest="command", metavar="OPDRACHT", required=True,
                                title="opdrachten")
    names = CommandMap()
    sub._name_parser_map = names  # noqa: SLF001 - hidden aliases: see CommandMap
    sub.choices = names
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    order_help(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ValidationError as e:
        print(str(e), file=sys.stderr)
        print(format_problems(e.problems), file=sys.stderr)
        return EXIT_INPUT
    except MppError as e:
        print(f"Fout: {e}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("Afgebroken.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `mpp reeksen | head`: the reader has gone, that's fine
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK
    except OSError as e:  # file system: no permission, disk full, file in use (exit 2)
        if args.debug:
            raise
        print(f"Fout: {fs_error_message(e, None, 'gelezen of bijgewerkt')}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as e:  # never a traceback for the user
        if args.debug:
            raise
        print(f"Onverwachte fout ({type(e).__name__}): {e}. Gebruik --debug voor details.",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
