"""The consoles the terminal output goes to, coloured as `--color` says.

`auto` colours a terminal only, and honours NO_COLOR (no colours) and FORCE_COLOR (colours in a
log); `always` and `never` override both, as an explicit flag should (no-color.org). Whether to
draw a progress bar is not decided here: see `reporters.progress`.
"""

from __future__ import annotations

from enum import StrEnum

from rich.console import Console


class Color(StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


def consoles(color: Color) -> tuple[Console, Console]:
    """(stdout, stderr) consoles for `color`."""
    return _console(color, stderr=False), _console(color, stderr=True)


def _console(color: Color, *, stderr: bool) -> Console:
    if color is Color.NEVER:
        return Console(stderr=stderr, highlight=False, color_system=None)
    if color is Color.ALWAYS:
        # no_color=False: rich would read NO_COLOR by itself, and the explicit flag wins.
        console = Console(stderr=stderr, highlight=False, force_terminal=True, no_color=False)
        if console.color_system is None:  # TERM=dumb or unknown: colours were asked for
            console = Console(
                stderr=stderr,
                highlight=False,
                force_terminal=True,
                no_color=False,
                color_system="standard",
            )
        return console
    return Console(stderr=stderr, highlight=False)
