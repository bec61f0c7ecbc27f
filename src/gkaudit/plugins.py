"""The registry: the checks available to one run, and where they come from.

Built-in checks are the sorted tuple `BUILTIN` (one package each under `gkaudit.checks`); others
come from the entry-point group `gkaudit.checks` or a `--plugins DIR`. How a check declares
itself (`@check`, `CheckParams`) lives in `gkaudit.declaration`, below the checks; this module
sits above them. Third-party plugins may import the declaration names from here too.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from gkaudit.checks.annual_report.check import run as annual_report
from gkaudit.checks.column.check import run as column
from gkaudit.checks.columns_blank.check import run as columns_blank
from gkaudit.checks.columns_updated.check import run as columns_updated
from gkaudit.checks.disclosure_catalogue.check import run as disclosure_catalogue
from gkaudit.checks.home_updated.check import run as home_updated
from gkaudit.checks.interaction_channel.check import run as interaction_channel
from gkaudit.checks.interaction_response.check import run as interaction_response
from gkaudit.checks.interpretation.check import run as interpretation
from gkaudit.checks.ipv6_aaaa.check import run as ipv6_aaaa
from gkaudit.checks.ipv6_links.check import run as ipv6_links
from gkaudit.checks.ipv6_nameservers.check import run as ipv6_nameservers
from gkaudit.checks.ipv6_reachable.check import run as ipv6_reachable
from gkaudit.checks.links_broken.check import run as links_broken
from gkaudit.checks.personal_data.check import run as personal_data
from gkaudit.checks.reachable.check import run as reachable
from gkaudit.checks.site_identity.check import run as site_identity
from gkaudit.checks.site_search.check import run as site_search
from gkaudit.checks.wording_severe.check import run as wording_severe
from gkaudit.checks.wording_typos.check import run as wording_typos
from gkaudit.declaration import (
    Check,
    CheckParams,
    HintName,
    PluginError,
    Texts,
    check,
    declared,
    declared_in,
)
from gkaudit.i18n import _

__all__ = [
    "BUILTIN",
    "ENTRY_POINT_GROUP",
    "Check",
    "CheckParams",
    "HintName",
    "PluginError",
    "Registry",
    "Texts",
    "check",
]

ENTRY_POINT_GROUP = "gkaudit.checks"


def _builtin(*functions: object) -> tuple[Check, ...]:
    checks = tuple(declared(fn) for fn in functions)
    if None in checks:
        raise PluginError("a built-in check function is not declared with @check")
    return tuple(c for c in checks if c is not None)


#: The built-in checks, sorted by name (each is the folder gkaudit/checks/<name>/).
BUILTIN: tuple[Check, ...] = _builtin(
    annual_report,
    column,
    columns_blank,
    columns_updated,
    disclosure_catalogue,
    home_updated,
    interaction_channel,
    interaction_response,
    interpretation,
    ipv6_aaaa,
    ipv6_links,
    ipv6_nameservers,
    ipv6_reachable,
    links_broken,
    personal_data,
    reachable,
    site_identity,
    site_search,
    wording_severe,
    wording_typos,
)


class Registry:
    """The checks available to one run, by name."""

    def __init__(self, checks: Iterable[Check]) -> None:
        self._checks: dict[str, Check] = {}
        for c in checks:
            existing = self._checks.get(c.name)
            if existing is not None and existing.module != c.module:
                raise PluginError(
                    _("check {name} is declared twice: in {first} and {second}").format(
                        name=repr(c.name), first=existing.module, second=c.module
                    )
                )
            self._checks[c.name] = c

    def get(self, name: str) -> Check | None:
        return self._checks.get(name)

    def names(self) -> list[str]:
        return sorted(self._checks)

    @classmethod
    def load(cls, plugin_dirs: Iterable[Path] = ()) -> Registry:
        """The built-in checks, those of installed packages, and those in `plugin_dirs`."""
        checks = list(BUILTIN)
        for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            try:
                loaded = entry.load()
            except Exception as exc:
                raise PluginError(
                    _("entry point {name} ({value}): cannot be loaded ({detail})").format(
                        name=repr(entry.name), value=entry.value, detail=exc
                    )
                ) from exc
            found = declared_in(loaded) if isinstance(loaded, ModuleType) else [declared(loaded)]
            if not found or None in found:
                raise PluginError(
                    _("entry point {name} ({value}): declares no check").format(
                        name=repr(entry.name), value=entry.value
                    )
                )
            checks.extend(c for c in found if c is not None)
        for directory in plugin_dirs:
            checks.extend(_import_directory(directory))
        return cls(checks)


def _import_directory(directory: Path) -> list[Check]:
    if not directory.is_dir():
        raise PluginError(_("{path}: not a directory").format(path=directory))
    checks: list[Check] = []
    for path in sorted(directory.glob("*.py")):
        module_name = f"gkaudit_plugin_{path.stem}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise PluginError(_("{path}: cannot be imported").format(path=path))
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(
                _("{path}: {detail} (the plugin failed to import: fix or remove it)").format(
                    path=path, detail=_failure(exc)
                )
            ) from exc
        checks.extend(declared_in(module))
    return checks


def _failure(exc: Exception) -> str:
    """Why a plugin failed to import: a missing module in the run's language, any other
    failure as Python says it (its type and message, which name the plugin's own mistake)."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        return _("ModuleNotFoundError: module {name} is not installed").format(name=exc.name)
    return f"{type(exc).__name__}: {exc}"
