"""How a check declares itself: `@check`, the `CheckParams` base, and the manual's sections.

This module sits below `gkaudit.checks` (every check imports it; it imports no check), while the
registry that collects the checks of one run (`gkaudit.plugins`) sits above them.

A check is a module with a docstring (its manual, printed by `gkaudit explain`), a frozen
`Params` model and one async function decorated with `@check(name, params=Params)`. The
decorator records nothing globally: it attaches the `Check` to the function, and the registry
finds it in the modules it was told to load (`declared_in`).

The docstring is the English manual. Its translations are data beside the module:
`manual.<language>.md` (`manual.zh.md`), with the same sections under that language's leads
(`LEADS`). A run reads the manual of its language and falls back to the English one where a
check has no translation (an operator's plugin); every built-in check has its Chinese manual
(`tests/checks/test_manuals_zh.py`).
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict

from gkaudit.i18n import _
from gkaudit.model import Hints, Status, Verdict
from gkaudit.text import normalize

if TYPE_CHECKING:
    from gkaudit.site.context import SiteContext


class CheckParams(BaseModel):
    """Base of every check's params: frozen, and unknown keys are an error in the plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _texts(words: tuple[str, ...]) -> tuple[str, ...]:
    if any(not normalize(w) for w in words):
        raise ValueError(_("may not contain a blank text"))
    return words


def _hint_name(hint: str | None) -> str | None:
    if hint is not None and hint not in Hints.model_fields:
        known = ", ".join(Hints.model_fields)
        raise ValueError(
            _("unknown hint {hint} (sites.yaml hints: {known})").format(
                hint=repr(hint), known=known
            )
        )
    return hint


#: A param that lists texts to match (keywords, labels): none may be blank once normalized.
Texts = Annotated[tuple[str, ...], AfterValidator(_texts)]
#: A param naming one of the sites.yaml hints (`disclosure_url` ...), or None for no hint.
HintName = Annotated[str | None, AfterValidator(_hint_name)]

P = TypeVar("P", bound=CheckParams)
CheckFunction = Callable[["SiteContext", Any], Awaitable[Verdict]]
Decorated = Callable[["SiteContext", P], Awaitable[Verdict]]

_ATTRIBUTE = "__gkaudit_check__"


@dataclass(frozen=True)
class Check:
    """A declared check: its name, its params model, its function and its manual."""

    name: str
    params: type[CheckParams]
    run: CheckFunction
    manual: str
    module: str
    #: The manual in other languages than English, by language ("zh"): `manual.zh.md`.
    translations: Mapping[str, str] = field(default_factory=dict)

    def manual_in(self, language: str) -> str:
        """The manual in `language`, the English docstring where it has no translation."""
        return self.translations.get(language, self.manual)


class PluginError(Exception):
    """A check could not be loaded or declared itself wrongly."""


def check(name: str, *, params: type[P]) -> Callable[[Decorated[P]], Decorated[P]]:
    """Declare the decorated coroutine function as the check `name`, configured by `params`."""

    def declare(fn: Decorated[P]) -> Decorated[P]:
        if not inspect.iscoroutinefunction(fn):
            raise PluginError(f"check {name!r}: {fn.__qualname__} must be an async function")
        module = sys.modules.get(fn.__module__)
        manual = inspect.cleandoc(module.__doc__ or "") if module else ""
        if not manual:
            raise PluginError(
                f"check {name!r}: module {fn.__module__} has no docstring (its manual)"
            )
        found = Check(name, params, fn, manual, fn.__module__, _translations(module))
        setattr(fn, _ATTRIBUTE, found)
        return fn

    return declare


def _translations(module: ModuleType | None) -> dict[str, str]:
    """The manuals kept beside the check's module, `manual.<language>.md`, by language."""
    where = getattr(module, "__file__", None)
    if where is None:
        return {}
    found = {}
    for language in LEADS:
        path = Path(where).with_name(f"manual.{language}.md")
        if path.is_file():
            found[language] = inspect.cleandoc(path.read_text(encoding="utf-8"))
    return found


def declared(fn: object) -> Check | None:
    """The check `fn` was declared as by `@check`, if it was."""
    found = getattr(fn, _ATTRIBUTE, None)
    return found if isinstance(found, Check) else None


def declared_in(module: ModuleType) -> list[Check]:
    """The checks declared by functions defined in `module` (not those it merely imports)."""
    checks = (declared(value) for value in vars(module).values())
    return [c for c in checks if c is not None and c.module == module.__name__]


# --- the manual --------------------------------------------------------------------------------
#: The sections of a built-in check's manual, in order: each is a paragraph (or several) that
#: starts with its lead. A status section says the check can give that status: `Passes when` is
#: required, the others are there when the check can give them.
SECTIONS: Mapping[str, str] = {
    "why": "Why:",
    "checks": "What it checks:",
    "params": "Params:",
    Status.PASS.value: "Passes when",
    Status.FAIL.value: "Fails",
    Status.WARN.value: "Warns (`warn`)",
    Status.ERROR.value: "Inconclusive (`error`)",
    Status.SKIP.value: "Skips (`skip`)",
    "evidence": "Evidence:",
}
#: The leads of the sections in the translated manuals, by language: a Chinese manual
#: (`manual.zh.md`) starts its sections with these, in the same order as the English ones.
LEADS: Mapping[str, Mapping[str, str]] = {
    "zh": {
        "why": "依据：",
        "checks": "检查内容：",
        "params": "参数：",
        Status.PASS.value: "通过：",
        Status.FAIL.value: "不通过",  # "不通过：" or "不通过（单项否决）：", as "Fails, naming"
        Status.WARN.value: "警告（`warn`）：",
        Status.ERROR.value: "无法判定（`error`）：",
        Status.SKIP.value: "跳过（`skip`）：",
        "evidence": "证据：",
    },
}
REQUIRED_SECTIONS = ("why", "checks", "params", Status.PASS.value, "evidence")
_STATUSES = (Status.PASS, Status.FAIL, Status.WARN, Status.ERROR, Status.SKIP)


def manual_sections(manual: str, language: str = "en") -> dict[str, str]:
    """The manual's sections by key of `SECTIONS`: each from the paragraph that starts with its
    lead (`SECTIONS`, or `LEADS[language]` for a translation) to the next section's."""
    named = LEADS.get(language, SECTIONS)
    leads = "|".join(re.escape(lead) for lead in named.values())
    starts = list(re.finditer(rf"(?:\A|(?<=\n\n))(?:{leads})", manual))
    by_lead = {lead: key for key, lead in named.items()}
    sections: dict[str, str] = {}
    for match, after in zip(starts, [*starts[1:], None], strict=True):
        end = after.start() if after is not None else len(manual)
        sections.setdefault(by_lead[match.group(0)], manual[match.start() : end].strip())
    return sections


def declared_statuses(manual: str) -> frozenset[Status]:
    """The statuses a check's manual says it can give (one section each)."""
    sections = manual_sections(manual)
    return frozenset(s for s in _STATUSES if s.value in sections)
