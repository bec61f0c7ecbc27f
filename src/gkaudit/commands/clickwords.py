"""click's own words (the usage line, its parse errors) in the language of the run.

typer 0.2x vendors click as ``typer._click`` and writes its messages as English f-strings, not
through gettext, so no catalogue bound to gettext's default domain reaches them: the message of
a usage error is matched here against those templates and rewritten through our catalogue
just before typer prints it; typer's own ``gettext`` texts ("Missing command.", "Aborted!")
are sent to our catalogue by rebinding its ``_``.
"""

from __future__ import annotations

import re

import typer.core
import typer.rich_utils
from typer._click.exceptions import ClickException
from typer._click.formatting import HelpFormatter

from gkaudit.i18n import N_, _

#: typer._click's English messages: the pattern of each, and the msgid it is said with
#: (the named groups are the placeholders).
_TEMPLATES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), msgid)
    for pattern, msgid in (
        (
            r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)",
            N_("No such option: {name} (did you mean {options}?)"),
        ),
        (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
        (r"Missing argument '(?P<name>[^']*)'\.", N_("Missing argument '{name}'.")),
        (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
        (r"Missing parameter: (?P<name>.*)", N_("Missing parameter: {name}")),
        (
            r"Got unexpected extra argument\(s\) \((?P<args>.*)\)",
            N_("Unexpected extra arguments ({args}): this command does not take them."),
        ),
        (
            r"Option '(?P<name>[^']*)' requires an argument\.",
            N_("Option '{name}' requires a value."),
        ),
        (
            r"Option '(?P<name>[^']*)' requires (?P<n>\d+) arguments\.",
            N_("Option '{name}' requires {n} values."),
        ),
        (
            r"Option '(?P<name>[^']*)' does not take a value\.",
            N_("Option '{name}' does not take a value."),
        ),
        (
            r"Invalid value for (?P<hint>.*?): (?P<message>.*)",
            N_("Invalid value for {hint}: {message}"),
        ),
        (r"Invalid value: (?P<message>.*)", N_("Invalid value: {message}")),
    )
)

#: The inner messages of "Invalid value for ...": click's types' own.
_DETAILS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), msgid)
    for pattern, msgid in (
        (
            r"(?:Value error, )?'(?P<value>.*)' is not one of (?P<choices>.*)\.",
            N_("'{value}' is not one of {choices}."),
        ),
        (r"'(?P<value>.*)' is not a valid integer\.", N_("'{value}' is not a whole number.")),
        (r"'(?P<value>.*)' is not a valid float\.", N_("'{value}' is not a number.")),
        (
            r"'(?P<value>.*)' is not a valid boolean\..*",
            N_("'{value}' is not yes or no (give true or false)."),
        ),
        (r"Input should be a valid number.*", N_("not a number.")),
        (r"Input should be a valid integer.*", N_("not a whole number.")),
        (
            r"(?P<kind>File|Path|Directory) '(?P<path>.*)' does not exist\.",
            N_("'{path}' does not exist."),
        ),
    )
)
N_("Usage:")


def message(text: str) -> str:
    """`text`, one of click's English messages, in the language of the run (unknown: as is)."""
    for pattern, msgid in _TEMPLATES:
        found = pattern.fullmatch(text.strip())
        if found:
            groups = found.groupdict()
            if "message" in groups:
                groups["message"] = _detail(groups["message"])
            return _(msgid).format(**groups)
    return text


def _detail(text: str) -> str:
    for pattern, msgid in _DETAILS:
        found = pattern.fullmatch(text.strip())
        if found:
            return _(msgid).format(**found.groupdict())
    return text


def install() -> None:
    """Send click's and typer's words through the catalogue (the language is read when a text
    is shown, so this is done once, before click parses anything)."""
    setattr(typer.core, "_", _)  # noqa: B010 (typer.core does not export its `_`: gettext's)
    if getattr(typer.rich_utils.rich_format_error, "_gkaudit", False):
        return
    format_error = typer.rich_utils.rich_format_error

    def rich_format_error(self: ClickException) -> None:
        said = message(self.format_message())
        self.format_message = lambda: said  # type: ignore[method-assign]
        format_error(self)

    rich_format_error._gkaudit = True  # type: ignore[attr-defined]
    typer.rich_utils.rich_format_error = rich_format_error
    write_usage = HelpFormatter.write_usage

    def usage(self: HelpFormatter, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            said = _("Usage:")
            # a Chinese colon carries its own space; an English one wants one after it
            prefix = said if said.endswith("：") else said + " "
        write_usage(self, prog, args, prefix)

    HelpFormatter.write_usage = usage  # type: ignore[method-assign]
