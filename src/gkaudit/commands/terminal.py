"""The two consoles of a command-line run (stdout for reports, stderr for the rest), settled once
at start-up (`commands.startup.main`), and how a command ends on input it cannot use: the
message on stderr, exit 2."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

from gkaudit.exits import EXIT_CONFIG, UsageError
from gkaudit.i18n import _

T = TypeVar("T")
P = ParamSpec("P")


@dataclass
class Terminal:
    """Where a command writes; the consoles are replaced once the run's colours are known."""

    out: Console
    err: Console

    def fail(self, message: str) -> NoReturn:
        self.err.print(_("error: {message}").format(message=message), soft_wrap=True, markup=False)
        raise typer.Exit(EXIT_CONFIG)

    def usage(self, step: Callable[P, T], *args: P.args, **kw: P.kwargs) -> T:
        """`step(*args, **kw)`, or exit 2 with the message of its `UsageError`."""
        try:
            return step(*args, **kw)
        except UsageError as exc:
            self.fail(str(exc))
