"""Start-up of the command line, before click parses anything: the language and the colours
(so that even `--help` and click's own errors speak the language asked for), and the last word
on an exception nobody expected (exit 3)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console

from gkaudit import i18n
from gkaudit.commands.defaults import Defaults
from gkaudit.i18n import _
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


def translate(command: Any) -> None:
    """The help texts of the click `command` and its subcommands in the language of the run."""
    if command.help:
        command.help = _(command.help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(command, "commands", {}).values():
        translate(sub)


def internal_error(exc: Exception, err: Console) -> None:
    err.print(
        _(
            "gkaudit: internal error: {error}\n(set GKAUDIT_DEBUG=1 for the traceback, and "
            "please report it)"
        ).format(error=f"{type(exc).__name__}: {exc}"),
        soft_wrap=True,
        markup=False,
    )
