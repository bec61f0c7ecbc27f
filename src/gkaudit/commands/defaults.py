"""What an operator sets once: a config file and GKAUDIT_* variables, as the commands' defaults.

The file is `--config FILE`, else `gkaudit.toml` in the working directory, else the
`[tool.gkaudit]` table of `pyproject.toml` there. Its keys are the long options without their
dashes (`per-host = 4`, `json = "reports/today.json"`); paths in it are relative to its folder.
Each key can also be set by `GKAUDIT_<KEY>` (`GKAUDIT_PER_HOST=4`), which wins over the file; an
option on the command line wins over both. The result is click's `default_map`, so the
precedence is click's own: command line > environment > file > built-in default.

An unknown key or a value of the wrong type is an error naming the file, the line and the key
(`tomllib` keeps no lines, so the key's line is found in the text). `demo` takes none of these:
it scans its own fleet and must not write over an operator's reports.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from gkaudit import i18n
from gkaudit.exits import FailOn
from gkaudit.i18n import _
from gkaudit.net.browser import BrowserMode
from gkaudit.reporters.console import Color
from gkaudit.suggest import unknown

FILE = "gkaudit.toml"
PYPROJECT = "pyproject.toml"
#: Commands that take no operator defaults.
UNCONFIGURED = frozenset({"demo"})


class DefaultsError(Exception):
    """A config file or GKAUDIT_* variable gkaudit cannot use; the message names where."""


#: A value's check: the value as the option takes it, or a `ValueError` saying what is expected.
Parse = Callable[[Any, Path], Any]


def _path(value: Any, folder: Path) -> Path:
    if not isinstance(value, str) or not value:
        raise ValueError(_("a path (a string)"))
    return Path(value) if value == "-" else folder / value


def _plan(value: Any, folder: Path) -> list[Any]:
    """Plan files (relative to the file's folder) or packaged plans' names (`gwjc-2019`): one,
    or a list of them (`--plan` is repeatable)."""
    plans = value if isinstance(value, list) and value else [value]
    if not all(isinstance(plan, str) and plan for plan in plans):
        raise ValueError(_("a plan file or a packaged plan's name"))
    return [
        folder / plan if "/" in plan or plan.endswith((".yaml", ".yml")) else plan for plan in plans
    ]


def _integer(least: int) -> Parse:
    def parse(value: Any, _folder: Path) -> int:
        if isinstance(value, str) and re.fullmatch(r"\d+", value.strip()):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError(_("an integer >= {least}").format(least=least))
        return value

    return parse


def _seconds(value: Any, _folder: Path) -> float:
    if isinstance(value, str) and re.fullmatch(r"\d+(?:\.\d*)?", value.strip()):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0.1:
        raise ValueError(_("a number of seconds >= 0.1"))
    return float(value)


def _text(value: Any, _folder: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("a string"))
    return value


def _boolean(value: Any, _folder: Path) -> bool:
    words = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()]
    if not isinstance(value, bool):
        raise ValueError(_("true or false"))
    return value


def _choice(*choices: str) -> Parse:
    def parse(value: Any, _folder: Path) -> str:
        if value not in choices:
            raise ValueError(_("one of {choices}").format(choices=", ".join(choices)))
        return str(value)

    return parse


def _enum(kind: type[StrEnum]) -> Parse:
    return _choice(*(member.value for member in kind))


@dataclass(frozen=True)
class Key:
    param: str  # the parameter name in the commands
    parse: Parse


KEYS: Mapping[str, Key] = {
    "sites": Key("sites_file", _path),
    "plan": Key("plan", _plan),
    "concurrency": Key("concurrency", _integer(0)),
    "per-host": Key("per_host", _integer(1)),
    "timeout": Key("timeout", _seconds),
    "retries": Key("retries", _integer(0)),
    "user-agent": Key("user_agent", _text),
    "docs-url": Key("docs_url", _text),
    "db": Key("db", _path),
    "waivers": Key("waivers", _path),
    "lang": Key("lang", _choice(*i18n.LANGUAGES)),
    "color": Key("color", _enum(Color)),
    "fail-on": Key("fail_on", _enum(FailOn)),
    "allow-private": Key("allow_private", _boolean),
    "browser": Key("browser", _enum(BrowserMode)),
    **{name: Key(f"{name}_path", _path) for name in ("json", "junit", "sarif", "markdown")},
    **{name: Key(f"{name}_path", _path) for name in ("xlsx", "csv", "html")},
}
#: Read by start-up itself, before any text is rendered (an unknown value there means auto).
STARTUP_ENV = frozenset({"lang", "color"})


def env_name(key: str) -> str:
    return "GKAUDIT_" + key.upper().replace("-", "_")


@dataclass(frozen=True)
class Defaults:
    """The operator's values, by the commands' parameter names."""

    values: Mapping[str, Any]

    def get(self, param: str) -> Any:
        return self.values.get(param)

    def default_map(self, commands: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """click's `default_map` for the subcommands `commands` (name -> click command)."""
        maps = {
            name: {p.name: self.values[p.name] for p in command.params if p.name in self.values}
            for name, command in commands.items()
            if name not in UNCONFIGURED
        }
        # An empty map is left out: the group looks its own options up in this dict too, and
        # `version` is both a command and an option of the group.
        return {name: values for name, values in maps.items() if values}


def find(explicit: str | None, cwd: Path) -> tuple[Path, str | None] | None:
    """The config file and its table (`tool.gkaudit`, or None for the whole file), if any."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise DefaultsError(_("--config {path}: no such file").format(path=path))
        return path, "tool.gkaudit" if path.name == PYPROJECT else None
    if (cwd / FILE).is_file():
        return cwd / FILE, None
    pyproject = cwd / PYPROJECT
    if pyproject.is_file() and re.search(r"^\[tool\.gkaudit\]", pyproject.read_text("utf-8"), re.M):
        return pyproject, "tool.gkaudit"
    return None


def load(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Defaults:
    """The file's values overridden by the environment's; `DefaultsError` naming what is wrong."""
    values: dict[str, Any] = {}
    found = find(explicit, cwd)
    if found is not None:
        values.update(_read(*found))
    for key, spec in KEYS.items():
        name = env_name(key)
        if key in STARTUP_ENV or name not in environ:
            continue
        try:
            values[spec.param] = spec.parse(environ[name], cwd)
        except ValueError as exc:
            raise DefaultsError(
                _("{name}: expected {expected}, got {value!r}").format(
                    name=name, expected=exc, value=environ[name]
                )
            ) from None
    return Defaults(values)


def _read(path: Path, table: str | None) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefaultsError(_("{path}: not TOML: {reason}").format(path=path, reason=exc)) from None
    for part in table.split(".") if table else ():
        data = data.get(part, {})
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{path}:{line_of(text, key, table)}"
        spec = KEYS.get(key)
        if spec is None:
            raise DefaultsError(f"{where}: " + unknown(_("key"), key, KEYS))
        try:
            values[spec.param] = spec.parse(value, path.parent)
        except ValueError as exc:
            raise DefaultsError(
                _("{where}: {key}: expected {expected}, got {value!r}").format(
                    where=where, key=key, expected=exc, value=value
                )
            ) from None
    return values


def line_of(text: str, key: str, table: str | None) -> int:
    """The line (from 1) where `key` is set in `table` (None: before any table), or where the
    table starts when the key is not found as written (a dotted or quoted spelling)."""
    header = re.compile(r"^\s*\[")
    start = 0
    lines = text.splitlines()
    if table is not None:
        opening = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
        start = next((i + 1 for i, line in enumerate(lines) if opening.match(line)), 0)
    assignment = re.compile(
        rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*="""
    )
    for i in range(start, len(lines)):
        if header.match(lines[i]):
            break
        if assignment.match(lines[i]):
            return i + 1
    return max(start, 1)
