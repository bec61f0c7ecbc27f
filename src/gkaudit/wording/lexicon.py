"""A wording list (data/*.yaml) loaded, checked and compiled into one regular expression.

Each entry is a wrong form, its correct form and the source of the correct form; an entry may
give a `pattern` where a bare string would hit correct text (a lookbehind, a character class).
All literals go into one alternation, longest first, so that the longest wrong form wins where
two overlap; matching is one pass of the regex engine over the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

CONTEXT = 20


@dataclass(frozen=True, slots=True)
class Entry:
    wrong: str
    right: str
    source: str
    pattern: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One wrong form in a text: what was written, what is right, and twenty characters of
    context either side."""

    entry: Entry
    text: str
    start: int
    context: str
    #: The correct form of this very text (a pattern's template filled in).
    right: str


class LexiconError(ValueError):
    """A wording list that is not well formed (a packaging bug, caught by the tests)."""


class Lexicon:
    """One list, compiled."""

    def __init__(
        self, name: str, version: str, sources: dict[str, str], entries: tuple[Entry, ...]
    ) -> None:
        self.name, self.version, self.sources, self.entries = name, version, sources, entries
        literals = sorted((e.wrong for e in entries if e.pattern is None), key=len, reverse=True)
        self._by_wrong = {e.wrong: e for e in entries if e.pattern is None}
        self._regex = re.compile("|".join(map(re.escape, literals))) if literals else None
        self._patterns = [(re.compile(e.pattern), e) for e in entries if e.pattern]

    def find(self, text: str) -> list[Hit]:
        """Every wrong form in `text`, in order."""
        hits: list[tuple[int, int, Entry, str]] = []
        if self._regex is not None:
            for m in self._regex.finditer(text):
                entry = self._by_wrong[m.group()]
                hits.append((m.start(), m.end(), entry, entry.right))
        for pattern, entry in self._patterns:
            hits.extend(
                (m.start(), m.end(), entry, m.expand(entry.right)) for m in pattern.finditer(text)
            )
        hits.sort(key=lambda h: h[0])
        return [
            Hit(entry, text[start:end], start, text[max(0, start - CONTEXT) : end + CONTEXT], right)
            for start, end, entry, right in hits
        ]


def _entry(raw: Any, name: str, index: int, sources: dict[str, str]) -> Entry:
    where = f"{name}.yaml: entries[{index}]"
    if not isinstance(raw, dict):
        raise LexiconError(f"{where}: expected a mapping")
    unknown = set(raw) - {"wrong", "right", "source", "pattern"}
    if unknown:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
    wrong, right, source = (str(raw.get(k) or "").strip() for k in ("wrong", "right", "source"))
    if not wrong or not right or wrong == right:
        raise LexiconError(f"{where}: needs a wrong form and a different right form")
    if source not in sources:
        raise LexiconError(f"{where}: source {source!r} is not among the list's sources")
    pattern = raw.get("pattern")
    if pattern is not None:
        try:
            compiled = re.compile(str(pattern))
        except re.error as exc:
            raise LexiconError(f"{where}: pattern: {exc}") from None
        if not compiled.search(wrong):
            raise LexiconError(f"{where}: pattern does not match its own wrong form")
    return Entry(wrong, right, source, None if pattern is None else str(pattern))


@cache
def load(name: str) -> Lexicon:
    """The packaged list `name` (`severe`, `typos`)."""
    text = resources.files("gkaudit.wording").joinpath(f"data/{name}.yaml").read_text("utf-8")
    data = YAML(typ="safe").load(text)
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{name}.yaml: expected `entries:` with a list")
    sources = {str(k): str(v) for k, v in (data.get("sources") or {}).items()}
    entries = tuple(_entry(raw, name, i, sources) for i, raw in enumerate(data["entries"]))
    seen: set[str] = set()
    for e in entries:
        if e.wrong in seen:
            raise LexiconError(f"{name}.yaml: {e.wrong} is listed twice")
        seen.add(e.wrong)
    return Lexicon(name, str(data.get("version", "")), sources, entries)
