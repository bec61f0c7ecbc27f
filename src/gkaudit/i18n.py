"""Human text in Chinese first, English on request, through gettext catalogs.

Message ids are the English text; the Chinese is the catalogue
``gkaudit/locale/zh_CN/LC_MESSAGES/gkaudit.po`` (managed with Babel: ``pybabel extract`` /
``update``). A run speaks one language, chosen once with :func:`use` (the CLI's ``--lang``,
else the locale, see :func:`from_environment`); every human text is translated where it is
written, so a report carries the language of its run.

    from gkaudit.i18n import _, N_
    message = _("HTTP {status} in {ms} ms").format(status=200, ms=21)

Placeholders are named and filled with ``str.format`` *after* translation, so a translator can
reorder them. Module-level texts are marked with :func:`N_` and translated where they are shown.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

import polib

__all__ = [
    "LANGUAGES",
    "N_",
    "Language",
    "_",
    "current",
    "from_environment",
    "ngettext",
    "pgettext",
    "use",
]

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
LOCALE_DIR = Path(__file__).with_name("locale")
_CATALOG_LOCALE = {"zh": "zh_CN"}

_language: Language = "zh"
_CONTEXT = "\x04"


@cache
def catalog(language: Language) -> Mapping[str | tuple[str, int], str]:
    """The translations of `language`: msgid -> text, (msgid, plural form) -> text, and
    ``context + "\x04" + msgid`` -> text for a msgid with a ``msgctxt`` (gettext's own key)."""
    locale = _CATALOG_LOCALE.get(language)
    if locale is None:
        return {}
    po = polib.pofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "gkaudit.po"))
    table: dict[str | tuple[str, int], str] = {}
    for entry in po.translated_entries():
        if entry.msgid_plural:
            for form, text in entry.msgstr_plural.items():
                table[(entry.msgid, int(form))] = text
        elif entry.msgctxt is not None:
            table[f"{entry.msgctxt}{_CONTEXT}{entry.msgid}"] = entry.msgstr
        else:
            table[entry.msgid] = entry.msgstr
    return table


def use(language: Language) -> None:
    """Make `language` the language of every text translated from now on."""
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r} (known: {', '.join(LANGUAGES)})")
    _language = language


def current() -> Language:
    return _language


def from_environment(env: Mapping[str, str] | None = None) -> Language:
    """The language the environment asks for: ``GKAUDIT_LANG``, else the first of ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG`` that names Chinese or English; Chinese when none does."""
    env = os.environ if env is None else env
    explicit = env.get("GKAUDIT_LANG", "").strip().lower()
    if explicit in LANGUAGES:
        return explicit
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").lower()
        if value.startswith("zh"):
            return "zh"
        if value.startswith("en"):
            return "en"
    return "zh"


def _(msgid: str) -> str:
    """`msgid` (English) in the language of the run; the English text where none is written."""
    if _language == "en":
        return msgid
    return catalog(_language).get(msgid) or msgid


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted text for `n` (Chinese has one form: form 0)."""
    if _language == "en":
        return singular if n == 1 else plural
    return catalog(_language).get((singular, 0)) or (singular if n == 1 else plural)


def pgettext(context: str, msgid: str) -> str:
    """`msgid` as meant in `context`: one English word that needs two Chinese ones (the
    "Failures" of a heading, 不通过项, and of a count column, 不通过数)."""
    if _language == "en":
        return msgid
    return catalog(_language).get(f"{context}{_CONTEXT}{msgid}") or msgid


def N_(msgid: str) -> str:
    """Mark `msgid` for the catalogue without translating it yet (module-level texts)."""
    return msgid
