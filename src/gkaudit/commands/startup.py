"""Start-up of the command line, before click parses anything: the config file's defaults, the
language and the colours (so that even `--help` and click's own errors speak the language asked
for), and the last word on an exception nobody expected (exit 3)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import typer
import typer.rich_utils
from rich.console import Console

from gkaudit import i18n
from gkaudit.commands import clickwords
from gkaudit.commands.defaults import Defaults, DefaultsError
from gkaudit.commands.defaults import load as configured
from gkaudit.commands.terminal import Terminal
from gkaudit.exits import EXIT_CONFIG, EXIT_INTERNAL
from gkaudit.i18n import N_, _
from gkaudit.reporters.console import Color, consoles

#: No config file, no GKAUDIT_* variable.
NONE = Defaults({})


def flag(args: Sequence[str], name: str) -> str | None:
    """The value of `name` (`--lang en` or `--lang=en`) anywhere before `--`."""
    value = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == name and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
    return value


def settle(
    args: Sequence[str], environ: Mapping[str, str] = os.environ, defaults: Defaults = NONE
) -> tuple[Console, Console]:
    """Use the language of `--lang`, GKAUDIT_LANG, the config file or the locale; the (stdout,
    stderr) consoles coloured as `--color`, GKAUDIT_COLOR or the config file say (an unknown
    value: auto, and click refuses it)."""
    lang = flag(args, "--lang") or environ.get("GKAUDIT_LANG") or defaults.get("lang")
    i18n.use(lang if lang in i18n.LANGUAGES else i18n.from_environment())
    color = flag(args, "--color") or environ.get("GKAUDIT_COLOR") or defaults.get("color")
    color = color or "auto"
    return consoles(Color(color) if color in Color.__members__.values() else Color.AUTO)


#: typer's own words around the help (its panels, defaults, the hint after an error).
_TYPER_WORDS = {
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Usage error"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    "ABORTED_TEXT": N_("Aborted."),
}
#: The help of the options click and typer add themselves (the docstrings of the commands are
#: their help, translated through the catalogue like every option's).
N_("Show this message and exit.")
N_("Install completion for the current shell.")
N_("Show completion for the current shell, to copy it or customize the installation.")


def translate(command: Any) -> None:
    """The help texts of the click `command` and its subcommands, typer's words around them
    and the `--help` option's own help, in the language of the run."""
    for name, words in _TYPER_WORDS.items():
        setattr(typer.rich_utils, name, _(words))
    _translate(command)


def _translate(command: Any) -> None:
    if command.help:
        command.help = _(command.help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
    make_help_option = command.get_help_option

    def help_option(ctx: Any) -> Any:
        option = make_help_option(ctx)
        if option is not None and option.help:
            option.help = _(option.help)
        return option

    command.get_help_option = help_option
    for sub in getattr(command, "commands", {}).values():
        _translate(sub)


def internal_error(exc: Exception, err: Console) -> None:
    err.print(
        _(
            "gkaudit: internal error: {error}\n(set GKAUDIT_DEBUG=1 for the traceback, and "
            "please report it)"
        ).format(error=f"{type(exc).__name__}: {exc}"),
        soft_wrap=True,
        markup=False,
    )


def main(app: typer.Typer, argv: Sequence[str] | None, term: Terminal) -> None:
    """Settle the defaults, language and colours (into `term`), then run the command of `argv`
    (none: the process's arguments); an unexpected exception is an internal error (exit 3)."""
    args = list(sys.argv[1:] if argv is None else argv)
    # the language of --lang, GKAUDIT_LANG or the locale first: the config file's errors speak it
    term.out, term.err = settle(args)
    try:
        defaults = configured(flag(args, "--config"), os.environ, Path.cwd())
    except DefaultsError as exc:
        term.err.print(_("error: {message}").format(message=exc), soft_wrap=True, markup=False)
        sys.exit(EXIT_CONFIG)
    term.out, term.err = settle(args, defaults=defaults)
    command = typer.main.get_command(app)
    clickwords.install()
    translate(command)
    default_map = defaults.default_map(getattr(command, "commands", {}))
    try:
        command.main(args=args, prog_name="gkaudit", standalone_mode=True, default_map=default_map)
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get("GKAUDIT_DEBUG"):
            raise
        internal_error(exc, term.err)
        sys.exit(EXIT_INTERNAL)
