"""Where a home page offers its site search: a search form, or a link to the search page, and
whether a script the page loads may write one that its HTML does not show."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from gkaudit.html import Document, Link
from gkaudit.html.forms import Form
from gkaudit.site.links import link_rank
from gkaudit.text import normalize

#: Actions and URLs of site searches: Hanweb's jsearch (/jsearchfront/search.do), TRS's WAS
#: (/was5/web/search), and the common words.
SEARCH_URL = re.compile(
    r"jsearch|was5/web/search|/search|search\.(?:do|jsp|aspx?|php|html?)|sousuo|jiansuo|"
    r"fulltext|quanwen|/s\?|query",
    re.IGNORECASE,
)
#: Names of the field a search form takes its query in.
QUERY_NAMES = frozenset(
    {
        "q",
        "query",
        "keyword",
        "keywords",
        "searchword",
        "searchwords",
        "wd",
        "kw",
        "key",
        "word",
        "words",
        "searchkey",
        "searchtext",
        "search",
        "sw",
        "text",
        "title",
        "qt",
    }
)
#: What a script that writes a search box contains (also as \\u escapes).
SCRIPT_MARKERS = (
    b"jsearch",
    b"was5/web/search",
    b"searchword",
    "搜索".encode(),
    "检索".encode(),
    b"\\u641c\\u7d22",
    b"\\u68c0\\u7d22",
)


@dataclass(frozen=True, slots=True)
class Entrance:
    """A search form (with the field its query goes in) or a link to a search page."""

    url: str  # the form's action, or the link's URL
    words: str  # what a visitor sees on it
    form: Form | None = None
    query_field: str = ""

    def query_url(self, query: str, encoding: str) -> str | None:
        """The URL a visitor's browser requests to search `query` (always a GET: a POST
        search accepts GET on the CMS seen, and gkaudit posts nothing); None for a link."""
        if self.form is None:
            return None
        pairs: list[tuple[str, str]] = []
        for field in self.form.fields:
            if field.type in ("submit", "button", "image", "reset", "file", "checkbox", "radio"):
                continue
            pairs.append((field.name, query if field.name == self.query_field else field.value))
        charset = self.form.charset or encoding
        try:
            encoded = urlencode(pairs, encoding=charset, errors="replace")
        except LookupError:
            encoded = urlencode(pairs, encoding="utf-8")
        return f"{self.url}{'&' if '?' in self.url else '?'}{encoded}"


def search_form(doc: Document, keywords: Sequence[str]) -> Entrance | None:
    """The first form with a text field that reads as a search: its action, its field's name
    or the words on it say so."""
    for form in doc.forms:
        fields = form.text_fields()
        if not fields:
            continue
        named = [f for f in fields if f.name.lower() in QUERY_NAMES]
        searchy = (
            SEARCH_URL.search(form.action) is not None
            or link_rank(normalize(form.words), keywords) is not None
        )
        if named or searchy:
            field = (named or fields)[0]
            return Entrance(form.action, form.words, form, field.name)
    return None


def search_link(doc: Document, keywords: Sequence[str], internal: set[str]) -> Entrance | None:
    """A link named as a search (站内搜索, 高级检索: the word itself or a little more, not a
    news title mentioning it), or an internal link to a search page."""
    for link in doc.links:
        rank = link_rank(normalize(link.text), keywords)
        if (rank is not None and rank < 2) or _search_url(link, internal):
            return Entrance(link.url, link.text)
    return None


def _search_url(link: Link, internal: set[str]) -> bool:
    return link.url in internal and SEARCH_URL.search(link.url.split("//", 1)[-1]) is not None


def writes_search(script: bytes) -> bool:
    """The script (a header written by document.write, a search widget) names a search."""
    return any(marker in script for marker in SCRIPT_MARKERS)
