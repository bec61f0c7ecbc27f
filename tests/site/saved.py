"""Saved portal HTML for the site layer's tests, and the small helpers they share."""

from __future__ import annotations

import datetime as dt

from gkaudit.html import Document, Link, parse
from gkaudit.text import normalize
from tests.checks.content_fleet import fixture

AS_OF = dt.date(2026, 11, 30)
ZS = "http://www.dlzs.gov.cn"
XG = "http://www.dlxg.gov.cn"


def doc(path: str, url: str) -> Document:
    return parse(fixture(path), url)


def chrome_of(*docs: Document) -> frozenset[tuple[str, str]]:
    """Site chrome as `SiteContext.chrome` defines it: links on every reference page."""
    sets = [{(link.url, normalize(link.text)) for link in d.links} for d in docs]
    return frozenset(set.intersection(*sets))


ZS_HOME = doc("dlzs/index.html", f"{ZS}/")
ZS_CHROME = chrome_of(ZS_HOME, doc("dlzs/zjzs/index.html", f"{ZS}/zjzs/"))


def link(text: str, date: dt.date | None = None, url: str = "http://x.gov.cn/a") -> Link:
    return Link(url=url, text=text, label="", date=date)
