"""The one naming scheme of the command line (docs/cli.md): every command,
option and argument is Dutch and has Dutch help; the former English names
still parse, to the same command and ``dest``, but are never shown."""

from __future__ import annotations

import argparse
import re

import pytest

from mpp_xl.cli import build_parser, main
from mpp_xl.commands import COMMAND_ALIASES, hidden_strings, visible_strings

#: The documented commands (docs/cli.md). ``waardenkopie`` comes with issue 9.
COMMANDS = {"reken", "valideer", "bouw", "ververs", "vaststellen", "status",
            "exporteer-partner", "importeer-partner", "doelzoeken", "onzekerheid",
            "vergelijk", "terugtoets", "rapport", "reeksen", "parameters", "regels", "waardenkopie",
            "nieuwe-ronde", "excel-test", "varianten", "gevoeligheid"}
#: The former English command names, which must keep working.
OLD_COMMANDS = {"run": "reken", "validate": "valideer", "build": "bouw", "refresh": "ververs",
                "sign-off": "vaststellen", "export-partner": "exporteer-partner",
                "import-partner": "importeer-partner", "goal-seek": "doelzoeken",
                "uncertainty": "onzekerheid", "compare": "vergelijk", "backtest": "terugtoets",
                "report": "rapport"}
#: The documented option strings (docs/cli.md).
OPTIONS = {"-h", "--hulp", "-o", "--uitvoer", "--csv", "--overschrijf", "--forceer",
           "--trekkingen", "--zaad", "--percentielen", "--naam", "--datum", "--vervang",
           "--partner", "--json", "--png-map", "--vorige", "--aannames-csv", "--top",
           "--parameter", "--jaar", "--scenario", "--reeks", "--doeljaar", "--doel",
           "--schrijf", "--realisaties", "--interpreter", "--methode", "--debug", "--versie",
           "--peildatum", "--startjaar", "--eindjaar", "--rondes", "--rapport",
           "--overschrijf-masterwijzigingen", "--varianten", "--stap"}
#: English words that must never be a documented option.
ENGLISH = {"--output", "--draws", "--seed", "--percentiles", "--name", "--date", "--replace",
           "--force", "--overwrite", "--png-dir", "--previous", "--year", "--series",
           "--target", "--target-year", "--write", "--method", "--version", "--help"}
#: The former English option strings, per command ('' = the main parser), and their dest.
OLD_OPTIONS = {
    ("", "--version"): "versie",
    ("", "--help"): "hulp",
    ("onzekerheid", "--draws"): "trekkingen", ("onzekerheid", "--seed"): "zaad",
    ("onzekerheid", "--percentiles"): "percentielen",
    ("rapport", "--output"): "uitvoer", ("rapport", "--png-dir"): "png_map",
    ("rapport", "--draws"): "trekkingen", ("rapport", "--seed"): "zaad",
    ("bouw", "--output"): "uitvoer", ("exporteer-partner", "--output"): "uitvoer",
    ("vaststellen", "--name"): "naam",
}
OPTION_PATTERN = re.compile(r"-[a-z]|--[a-z]+(-[a-z]+)*")
METAVAR_PATTERN = re.compile(r"[A-Z]+")


def _subparsers(
        parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _commands() -> dict[str, argparse.ArgumentParser]:
    """Documented command name -> its parser (hidden aliases left out)."""
    sub = _subparsers(build_parser())
    return {name: sub.choices[name] for name in sub.choices}


def _all_parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    return [("", build_parser()), *_commands().items()]


def test_commands_are_the_documented_dutch_ones() -> None:
    names = set(_commands())
    assert names <= COMMANDS, f"undocumented commands: {names - COMMANDS}"
    assert COMMANDS - names <= {"waardenkopie"}, f"missing: {COMMANDS - names}"
    assert not names & set(OLD_COMMANDS), "an English name is listed"


@pytest.mark.parametrize("where", ["", *sorted(_commands())], ids=lambda x: x or "mpp")
def test_every_argument_has_dutch_help_and_a_scheme_name(where: str) -> None:
    parser = dict(_all_parsers())[where]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        name = action.dest if not action.option_strings else "/".join(action.option_strings)
        assert action.help and action.help is not argparse.SUPPRESS, f"{where}: {name} lacks help"
        assert not re.search(r"\b(the|show|this|and|of the|file|number)\b", action.help), \
            f"{where}: {name} help is not Dutch: {action.help!r}"
        if not action.option_strings:  # a positional argument: a Dutch metavar in capitals
            assert action.metavar and METAVAR_PATTERN.fullmatch(action.metavar), \
                f"{where}: positional {action.dest} shows as {action.metavar!r}"
            continue
        shown = visible_strings(action)
        assert shown, f"{where}: {name} has no documented form"
        for opt in shown:
            assert OPTION_PATTERN.fullmatch(opt), f"{where}: {opt} is not lower-case, hyphenated"
            assert opt in OPTIONS, f"{where}: {opt} is not in the documented vocabulary"
            assert opt not in ENGLISH, f"{where}: {opt} is English"
        for opt in hidden_strings(action):
            assert opt in action.option_strings and opt not in OPTIONS


@pytest.mark.parametrize(("old", "new"), sorted(OLD_COMMANDS.items()))
def test_old_command_names_parse_to_the_same_command(old: str, new: str) -> None:
    sub = _subparsers(build_parser())
    assert old in sub.choices and sub.choices[old] is sub.choices[new]
    assert COMMAND_ALIASES[old] == new
    assert old not in list(sub.choices)


@pytest.mark.parametrize(("command", "old"), sorted(OLD_OPTIONS), ids=lambda x: x or "mpp")
def test_old_option_strings_parse_to_the_same_dest(command: str, old: str) -> None:
    parser = build_parser() if not command else _commands()[command]
    action = parser._option_string_actions[old]
    assert old in hidden_strings(action) and old not in visible_strings(action)
    assert action.dest == OLD_OPTIONS[(command, old)]
    new = visible_strings(action)[-1]
    assert new in OPTIONS


def test_old_options_work_and_give_the_same_values() -> None:
    parser = build_parser()
    argv_new = ["onzekerheid", "x.csv", "--trekkingen", "10.000", "--zaad", "7",
                "--percentielen", "5,95"]
    argv_old = ["uncertainty", "x.csv", "--draws", "10.000", "--seed", "7",
                "--percentiles", "5,95"]
    new, old = vars(parser.parse_args(argv_new)), vars(parser.parse_args(argv_old))
    assert new == old and new["trekkingen"] == 10000 and new["zaad"] == 7
    assert new["command"] == "onzekerheid"
    r = vars(parser.parse_args(["report", "x.csv", "--output", "r.pdf", "--png-dir", "p"]))
    assert r["uitvoer"] == "r.pdf" and r["png_map"] == "p"


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as e:
        main([*argv, "--hulp"])
    assert e.value.code == 0
    return capsys.readouterr().out


def test_help_shows_only_the_dutch_names(capsys: pytest.CaptureFixture[str]) -> None:
    top = _help(capsys)
    assert "gebruik: mpp" in top and "--versie" in top and "reken" in top
    for old in [*OLD_COMMANDS, "--version", "--help", "usage"]:
        assert not re.search(rf"(?<![\w-]){re.escape(old)}(?![\w-])", top), old
    for command, old in OLD_OPTIONS:
        if command:
            text = _help(capsys, command)
            assert old not in text and OLD_OPTIONS[(command, old)].replace("_", "-") in text


def test_an_abbreviation_of_an_option_and_its_alias_is_not_ambiguous(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert "gebruik: mpp" in _help(capsys)  # --hulp
    with pytest.raises(SystemExit) as e:
        main(["--h"])  # matches --hulp and its hidden alias --help: one option
    assert e.value.code == 0 and "--versie" in capsys.readouterr().out


def test_an_ambiguous_abbreviation_names_only_dutch_options(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["bouw", "x.csv", "--o", "w.xlsm"])  # --overschrijf or --uitvoer (--output)?
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "dubbelzinnig" in err and "--uitvoer" in err and "--overschrijf" in err
    assert "--output" not in err
    args = build_parser().parse_args(["bouw", "x.csv", "--outp", "w.xlsm"])  # old prefix
    assert args.uitvoer == "w.xlsm"


def test_errors_name_only_the_dutch_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["rapport", "x.csv"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "-o/--uitvoer" in err and "--output" not in err
    with pytest.raises(SystemExit):
        main(["onbekend"])
    err = capsys.readouterr().err
    assert "'reken'" in err and "'run'" not in err


@pytest.mark.parametrize(("text", "value"), [
    ("40000", 40000.0), ("40.000", 40000.0), ("40.000,5", 40000.5), ("2026,5", 2026.5),
    ("1.234.567", 1234567.0), ("0,15", 0.15), ("0.15", 0.15), ("1e7", 1e7), ("-1.500", -1500.0),
])
def test_goal_seek_target_reads_dutch_notation(text: str, value: float) -> None:
    args = build_parser().parse_args(["doelzoeken", "x.csv", "--parameter", "p", "--reeks", "r",
                                      "--doeljaar", "2.026", "--doel", text])
    assert args.doel == value and args.doeljaar == 2026


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--doel", "40,000"], "dubbelzinnig"),     # English thousands comma or 40,0?
    (["--doel", "1,234.5"], "eenduidig"),
    (["--doel", "1.234.5"], "eenduidig"),
    (["--doel", "veel"], "eenduidig"),
    (["--doel", "5", "--jaar", "2026,5"], "geheel getal"),
])
def test_ambiguous_numbers_are_refused_with_exit_2(argv: list[str], fragment: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["doelzoeken", "x.csv", "--parameter", "p", "--reeks", "r", "--doeljaar", "2026",
              *argv])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err
    assert "--doel" in err or "--jaar" in err


def test_help_lists_every_command_once_in_workflow_order(
        capsys: pytest.CaptureFixture[str]) -> None:
    from mpp_xl.commands import HELP_ORDER

    with pytest.raises(SystemExit):
        main(["--hulp"])
    listed = re.findall(r"^    ([a-z][a-z-]+)", capsys.readouterr().out, re.M)
    assert listed == list(HELP_ORDER)
