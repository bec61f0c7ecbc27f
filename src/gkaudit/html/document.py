"""What a parsed page is to the checks: a :class:`Document` and its :class:`Link` records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from gkaudit.dates import parse_dates
from gkaudit.html.forms import Form
from gkaudit.text import normalize

__all__ = ["Document", "Link", "LinkKey", "recurring_links"]


class Link(NamedTuple):
    """One ``<a href>``, image-map ``<area href>``, or clicked element whose ``onclick`` opens a
    URL (``window.open(…)``, ``location.href = …``) of a page, leading to an http(s) URL.

    A plain immutable record (a named tuple: a page makes one per link, and a tuple is made
    in a fifth of a frozen dataclass's time)."""

    url: str
    """Absolute URL: resolved against the page (and its ``<base href>``), fragment removed,
    spaces and non-ASCII characters percent-encoded (path as UTF-8, query in the page's
    encoding, as browsers do). Otherwise kept as written: no dot-segment or case clean-up."""
    text: str
    """Visible text, including nested tags and ``<img alt>``, whitespace collapsed; the
    ``title`` attribute when there is no visible text."""
    label: str
    """The short text just before the link in its block (``"原文："`` in
    ``<p>原文：<a>…</a></p>``): at most the last 20 characters, stopping at a block boundary,
    a ``<br>`` or an earlier link; ``""`` if none."""
    date: dt.date | None
    """The date shown with the link in its list item (the nearest enclosing
    ``li``/``tr``/``dd``/``p``/``div``… that leads to no other URL), or ``None``."""

    @property
    def key(self) -> LinkKey:
        """(URL, normalized text): the same link on two pages, as site chrome is told."""
        return (self.url, normalize(self.text))


#: (URL, normalized text) of a link.
LinkKey = tuple[str, str]


def recurring_links(docs: Iterable[Document], needed: int) -> frozenset[LinkKey]:
    """The links (by `Link.key`) found on at least `needed` of `docs`."""
    counts: Counter[LinkKey] = Counter()
    for doc in docs:
        counts.update({link.key for link in doc.links})
    return frozenset(key for key, n in counts.items() if n >= needed)


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded and parsed HTML page."""

    url: str
    """The URL the page came from."""
    encoding: str
    """The Python codec name the bytes were decoded with (``"gb18030"``, ``"utf-8"``, ...)."""
    title: str
    """The ``<title>``, whitespace collapsed."""
    text: str
    """Visible text of the body (no script, style, noscript, template), whitespace collapsed."""
    links: tuple[Link, ...]
    """Links in document order; the same URL may appear more than once."""
    frames: tuple[str, ...]
    """Absolute http(s) ``src`` of every ``<frame>`` and ``<iframe>``, in document order."""
    refresh: str | None
    """Absolute target of the first ``<meta http-equiv="refresh">`` naming a URL other than
    the page itself, whatever its delay."""
    script_redirect: str | None
    """Absolute target of the first unconditional top-level JavaScript redirect to a string
    literal (``location.href = "..."``, ``location.replace("...")``...)."""
    pub_date: dt.date | None
    """The CMS publication date, from ``<meta name="PubDate">`` or
    ``<meta name="firstpublishedtime">``."""
    meta_names: frozenset[str] = frozenset()
    """The names of the page's ``<meta name>`` tags, lower case (``articletitle``,
    ``columnname``: what the CMS of 国办发〔2017〕47号 says the page is)."""
    site_code: str | None = None
    """The ``<meta name="SiteIDCode">`` content (网站标识码), stripped, if the page has one."""
    column_name: str | None = None
    """The ``<meta name="ColumnName">`` content (the column the page is or belongs to)."""
    column_type: str | None = None
    """The ``<meta name="ColumnType">`` content (``通知公告``, ``信息公开，政策文件``)."""
    scripts: tuple[tuple[str, str | None], ...] = ()
    """(absolute ``src``, its ``sitecode`` attribute) of every external ``<script>``: the
    我为政府网站找错 and 党政机关 badges are scripts (``<script id="_jiucuo_" sitecode=...>``)."""
    images: tuple[tuple[str, str], ...] = ()
    """(absolute http(s) ``src``, ``alt``) of every ``<img>``, in document order: a broken
    image is a broken link too (``links.broken``)."""
    forms: tuple[Form, ...] = ()
    """Every ``<form>``, in document order (a site search is one: ``site.search``)."""

    def dates(
        self, *, context_year: int | None = None, today: dt.date | None = None
    ) -> list[dt.date]:
        """Every date in the visible text, in order (see :func:`gkaudit.dates.parse_dates`).

        Without ``context_year`` only dates that carry their year are returned.
        """
        return parse_dates(self.text, context_year=context_year, today=today)
