"""A wording list (data/*.yaml) loaded, checked and compiled into one regular expression.

Each entry is a wrong form, its correct form and the source of the correct form; an entry may
give a `pattern` where a bare string would hit correct text (a lookbehind, a character class).
All literals go into one regex shaped as their trie, a longer continuation tried before a shorter
end, so that the longest wrong form wins where two overlap; matching is one pass of the regex
engine over the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeAlias

from ruamel.yaml import YAML

CONTEXT = 20
_Trie: TypeAlias = dict[str, "_Trie"]


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


def trie_pattern(literals: Iterable[str]) -> str:
    """A regex matching the longest of ``literals`` at each place, as their longest-first
    alternation does, shaped as their trie: sre tries each alternative of an alternation at
    every place one may begin, and a page's text cost `severe` twice as long that way."""
    root: _Trie = {}
    for literal in literals:
        node = root
        for char in literal:
            node = node.setdefault(char, {})
        node[""] = {}  # a literal ends here

    def emit(node: _Trie) -> str:
        branches = [re.escape(char) + emit(child) for char, child in node.items() if char]
        if not branches:
            return ""
        ends = "" in node
        if len(branches) == 1 and not ends:
            return branches[0]
        # Greedy: every longer continuation is tried before ending here.
        return "(?:" + "|".join(branches) + (")?" if ends else ")")

    return emit(root)


class Lexicon:
    """One list, compiled."""

    def __init__(
        self, name: str, version: str, sources: dict[str, str], entries: tuple[Entry, ...]
    ) -> None:
        self.name, self.version, self.sources, self.entries = name, version, sources, entries
        self._by_wrong = {e.wrong: e for e in entries if e.pattern is None}
        self._regex = re.compile(trie_pattern(self._by_wrong)) if self._by_wrong else None
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
