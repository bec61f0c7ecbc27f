"""Checks are the plugins: how they declare themselves and how gkaudit finds them.

A check is a module with a docstring (its manual, printed by `gkaudit explain`), a frozen `Params`
model and one async function decorated with `@check(name, params=Params)`. Built-in checks live in
`gkaudit.checks`; others come from the entry-point group `gkaudit.checks` or a `--plugins DIR`.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import inspect
import pkgutil
import sys
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict

from gkaudit.model import Hints, Verdict
from gkaudit.text import normalize

if TYPE_CHECKING:
    from gkaudit.context import SiteContext

ENTRY_POINT_GROUP = "gkaudit.checks"


class CheckParams(BaseModel):
    """Base of every check's params: frozen, and unknown keys are an error in the plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _texts(words: tuple[str, ...]) -> tuple[str, ...]:
    if any(not normalize(w) for w in words):
        raise ValueError("may not contain a blank text")
    return words


def _hint_name(hint: str | None) -> str | None:
    if hint is not None and hint not in Hints.model_fields:
        known = ", ".join(Hints.model_fields)
        raise ValueError(f"unknown hint {hint!r} (sites.yaml hints: {known})")
    return hint


#: A param that lists texts to match (keywords, labels): none may be blank once normalized.
Texts = Annotated[tuple[str, ...], AfterValidator(_texts)]
#: A param naming one of the sites.yaml hints (`disclosure_url` ...), or None for no hint.
HintName = Annotated[str | None, AfterValidator(_hint_name)]

P = TypeVar("P", bound=CheckParams)
CheckFunction = Callable[["SiteContext", Any], Awaitable[Verdict]]
Decorated = Callable[["SiteContext", P], Awaitable[Verdict]]


@dataclass(frozen=True)
class Check:
    """A registered check: its name, its params model, its function and its manual."""

    name: str
    params: type[CheckParams]
    run: CheckFunction
    manual: str
    module: str


class PluginError(Exception):
    """A check could not be loaded or declared itself wrongly."""


_declared: dict[str, Check] = {}


def check(
    name: str, *, params: type[P]
) -> Callable[
    [Callable[[SiteContext, P], Awaitable[Verdict]]], Callable[[SiteContext, P], Awaitable[Verdict]]
]:
    """Declare the decorated coroutine function as the check `name`, configured by `params`."""

    def register(fn: Decorated[P]) -> Decorated[P]:
        if not inspect.iscoroutinefunction(fn):
            raise PluginError(f"check {name!r}: {fn.__qualname__} must be an async function")
        module = sys.modules.get(fn.__module__)
        manual = inspect.cleandoc(module.__doc__ or "") if module else ""
        if not manual:
            raise PluginError(
                f"check {name!r}: module {fn.__module__} has no docstring (its manual)"
            )
        existing = _declared.get(name)
        if existing is not None and existing.module != fn.__module__:
            raise PluginError(
                f"check {name!r} is declared twice: in {existing.module} and {fn.__module__}"
            )
        _declared[name] = Check(name, params, fn, manual, fn.__module__)
        return fn

    return register


class Registry:
    """The checks available to one run, by name."""

    def __init__(self, checks: Iterable[Check]) -> None:
        self._checks = {c.name: c for c in checks}

    def get(self, name: str) -> Check | None:
        return self._checks.get(name)

    def names(self) -> list[str]:
        return sorted(self._checks)

    @classmethod
    def load(cls, plugin_dirs: Iterable[Path] = ()) -> Registry:
        """The built-in checks, those of installed packages, and those in `plugin_dirs`."""
        import gkaudit.checks as builtin

        for info in pkgutil.iter_modules(builtin.__path__, builtin.__name__ + "."):
            importlib.import_module(info.name)
        for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            try:
                entry.load()
            except Exception as exc:
                raise PluginError(f"entry point {entry.name!r} ({entry.value}): {exc}") from exc
        for directory in plugin_dirs:
            _import_directory(directory)
        return cls(_declared.values())


def _import_directory(directory: Path) -> None:
    if not directory.is_dir():
        raise PluginError(f"{directory}: not a directory")
    for path in sorted(directory.glob("*.py")):
        module_name = f"gkaudit_plugin_{path.stem}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise PluginError(f"{path}: cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(f"{path}: {type(exc).__name__}: {exc}") from exc
