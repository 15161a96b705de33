"""Sub-commands of ``mpp``: each module defines ``register(subparsers)``.

The naming scheme lives here. Everything a user types is Dutch: commands
(``reken``, ``valideer``, ...) and options (``--uitvoer``, ``--trekkingen``,
...). The former English names (``run``, ``--draws``, ...) still work as
hidden aliases: they parse to the same command or ``dest`` but ``--help``,
usage lines and error messages show only the Dutch form. Register commands
with :func:`add_command` and options with :func:`option`; ``docs/cli.md``
documents the scheme and ``tests/cli/test_cli_naming.py`` enforces it.

Imports: building the parser imports every command module, so a command
module imports only the core at its top and each handler imports what it uses
(the engine, pandas, the workbook layer, scipy, the report) inside its body:
``mpp --hulp`` then loads none of numpy, pandas, scipy, openpyxl, ``formulas``,
matplotlib or xlwings, and ``mpp reken aannames.csv`` none of scipy, openpyxl,
``formulas``, matplotlib or xlwings (``tests/cli/test_cli_imports.py``). These
handler bodies, optional or platform modules (xlwings, fcntl/msvcrt) and the
slow ``formulas`` package are the package's only imports inside functions;
none of them avoids an import cycle (``lint-imports`` checks the layers).
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.numbers import parse_nl_number

if TYPE_CHECKING:
    from ..core.assumptions import Assumptions

#: Attribute on an argparse action: the hidden (former English) option strings.
HIDDEN_ATTR = "mpp_verborgen"

#: Hidden alias -> documented (Dutch) command name, filled by :func:`add_command`.
COMMAND_ALIASES: dict[str, str] = {}


class CommandMap(dict):  # type: ignore[type-arg]
    """The sub-command table (name -> parser). Hidden aliases are found
    (``in``, ``[]``) but not listed, so an "invalid choice" message names only
    the documented commands."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: set[str] = set()

    def __iter__(self) -> Iterator[str]:
        return (k for k in dict.__iter__(self) if k not in self.hidden)

    def visible(self) -> list[str]:
        return list(self)


def hidden_strings(action: argparse.Action) -> frozenset[str]:
    """The hidden option strings of ``action`` (empty for most actions)."""
    return getattr(action, HIDDEN_ATTR, frozenset())


def visible_strings(action: argparse.Action) -> list[str]:
    """The documented option strings of ``action``."""
    hidden = hidden_strings(action)
    return [s for s in action.option_strings if s not in hidden]


class MppFormatter(argparse.HelpFormatter):
    """Help without the hidden aliases."""

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if hidden_strings(action):
            action = copy.copy(action)
            action.option_strings = visible_strings(action)
        return super()._format_action_invocation(action)


class MppParser(argparse.ArgumentParser):
    """An ArgumentParser with Dutch help (``--hulp/-h``, ``--help`` hidden). The
    long Dutch form comes first, so usage lines show ``[--hulp]``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", MppFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        option(self, "--hulp", "-h", oud="--help", action="help", default=argparse.SUPPRESS,
               help="toon deze hulp en stop")


    def _get_option_tuples(self, option_string: str) -> list[Any]:
        """Abbreviation matches, one per action: ``--h`` matches ``--hulp`` and
        its hidden alias ``--help``, which is one option, not an ambiguity. A
        match through a hidden alias is named by the documented option (in
        the "dubbelzinnige optie" message)."""
        seen: dict[int, Any] = {}
        for t in super()._get_option_tuples(option_string):
            action = t[0]
            if t[1] in hidden_strings(action) and visible_strings(action):
                t = (action, visible_strings(action)[-1], *t[2:])
            seen.setdefault(id(action), t)
        return list(seen.values())


def option(parser: argparse.ArgumentParser, *flags: str, oud: str | Sequence[str] = (),
           **kwargs: Any) -> argparse.Action:
    """``parser.add_argument(*flags, **kwargs)`` plus the former English
    option string(s) ``oud`` as hidden aliases (same ``dest``)."""
    olds = (oud,) if isinstance(oud, str) else tuple(oud)
    action = parser.add_argument(*flags, *olds, **kwargs)
    setattr(action, HIDDEN_ATTR, frozenset(olds))
    return action


#: The order of the commands in ``mpp --hulp``: the round's workflow (build, check,
#: refresh, compute, sign off, partner files), then the analyses and the lists.
HELP_ORDER: tuple[str, ...] = (
    "bouw", "valideer", "ververs", "reken", "vaststellen", "status", "exporteer-partner",
    "importeer-partner", "waardenkopie", "nieuwe-ronde", "vergelijk", "terugtoets",
    "onzekerheid", "rapport", "doelzoeken", "varianten", "gevoeligheid", "reeksen", "parameters",
    "regels", "excel-test")


def order_help(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """List the registered commands in :data:`HELP_ORDER` (unknown ones last)."""
    rank = {n: i for i, n in enumerate(HELP_ORDER)}
    sub._choices_actions.sort(key=lambda a: rank.get(a.dest, len(rank)))  # noqa: SLF001


def add_command(sub: argparse._SubParsersAction, name: str,  # type: ignore[type-arg]
                oud: str | None, **kwargs: Any) -> argparse.ArgumentParser:
    """A sub-command ``name``; ``oud`` (the former English name) parses to the
    same parser but is not listed."""
    parser: argparse.ArgumentParser = sub.add_parser(name, **kwargs)
    parser.set_defaults(command=name)  # the documented name, also when called by ``oud``
    # ``mpp OPDRACHT ... --debug`` as well as ``mpp --debug OPDRACHT``; SUPPRESS keeps the
    # top-level value when the option is not repeated after the command
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="toon de volledige foutmelding")
    if oud:
        sub._name_parser_map[oud] = parser  # noqa: SLF001 - how argparse stores aliases
        names = sub._name_parser_map  # noqa: SLF001
        if isinstance(names, CommandMap):
            names.hidden.add(oud)
        COMMAND_ALIASES[oud] = name
    return parser


def number_arg() -> Callable[[str], float]:
    """An argparse type: a number in Dutch notation (40.000, 2,5; see
    :func:`mpp_xl.io.output.parse_nl_number`)."""
    def parse(text: str) -> float:
        try:
            return parse_nl_number(text)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    parse.__name__ = "getal"
    return parse


def int_arg() -> Callable[[str], int]:
    """An argparse type: a whole number in Dutch notation (10.000)."""
    def parse(text: str) -> int:
        try:
            value = parse_nl_number(text)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
        if not value.is_integer():
            raise argparse.ArgumentTypeError(f"verwacht een geheel getal, niet '{text}'.")
        return int(value)
    parse.__name__ = "geheel getal"
    return parse


def read_input(path: str | Path) -> Assumptions:
    """The assumptions of a command's INVOER: a CSV through the core alone
    (``mpp reken aannames.csv`` loads no workbook layer), everything else
    through :func:`mpp_xl.workbook.reader.read_assumptions` (which names a
    missing file or an unknown type)."""
    p = Path(path)
    if p.suffix.lower() in (".csv", ".txt") and p.is_file():
        from ..core.assumptions import Assumptions

        return Assumptions.from_csv(p)
    from ..workbook.reader import read_assumptions

    return read_assumptions(p)
