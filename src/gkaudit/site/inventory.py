"""The columns reachable from the home page, as the inspectors of 国办秘函〔2019〕19号 count them
for 栏目不更新 and 空白栏目: every page the home page links to (the first level: navigation
first, then the body's "更多" links), and the column links those pages carry (the second
level: a 政务公开 page's sub-columns, a column's sidebar of siblings). Each page is read as a
column is (`read_listing`, the script-built-list handling included) and given a `Role`.

A page without a dated item may be a column that shows no dates or a page of links to other
columns (a 政务公开 hub): its first items decide. Items that read as articles (or are files)
make it a column; items that are pages of their own make it a navigation page, which is no
column. A hub of a few sub-columns shows too few names of 5+ characters to be read as a list
(规划信息, 财政信息 are shorter): it is a navigation page when at least HUB_MIN_LINKS of its
column links have a column's address (not an article's: `is_article_url`) and the first of
them that opens is a page of its own, not an article. An article's related links are articles
by their address or when opened, so they never become columns. Undecided is never stale: what
cannot be read is `Role.UNREAD`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from gkaudit.html import Document, Link, is_file_url
from gkaudit.i18n import _
from gkaudit.model import Evidence, NoteEvidence
from gkaudit.net.http import Outcome, Page
from gkaudit.site.chrome import chrome_of
from gkaudit.site.columns import (
    DATED_LIST,
    Listing,
    cms_page_kind,
    is_button,
    is_pagination,
    own_prose,
    own_text,
    read_listing,
)
from gkaudit.site.context import SiteContext
from gkaudit.site.links import second_level
from gkaudit.site.pages import loads
from gkaudit.site.urls import is_article_url
from gkaudit.text import normalize

#: Item links a page without column metas must list to be a column (DESIGN.md: at least 3).
MIN_ITEMS = 3
#: Items of an undated list opened to tell a column of articles from a page of links.
SAMPLED_ITEMS = 2
#: Column links with a column's address a page with too few items must show to be a hub.
HUB_MIN_LINKS = 2
#: What portals print where a column lists nothing (normalized: no whitespace).
EMPTY_MARKERS = (
    "暂无信息",
    "暂无数据",
    "暂无内容",
    "暂无记录",
    "暂无相关信息",
    "暂无文章",
    "没有相关信息",
    "没有记录",
    "共0条",
    "共0页",
)
#: Own text (see `own_prose`) a column page listing nothing may show and still be blank: its
#: heading and breadcrumb. An intro page (领导信箱's instructions) is prose, not blank.
BLANK_MAX_PROSE = 40


class Role(StrEnum):
    """What a page reached from the home page is, for the column rules."""

    COLUMN = "column"  # a list of items (dated or not)
    BLANK = "blank"  # a column page that lists nothing
    NAVIGATION = "navigation"  # a page of links to other columns or pages
    UNREAD = "unread"  # could not be read: an obstacle, a timeout, an unrendered script list
    OTHER = "other"  # an article, a single page, a file, a page that does not load


@dataclass(frozen=True, slots=True)
class Entry:
    """One page reached from the home page, and what it is."""

    url: str  # as linked
    text: str  # the text of the link that leads to it, normalized
    level: int  # 1: linked from the home page; 2: from a first-level page
    listing: Listing
    role: Role
    name: str  # the CMS's ColumnName, else the link's text, else the page title
    column_type: str  # the CMS's ColumnType ("" if none)

    def unread_evidence(self) -> Evidence:
        """Why the page could not be read (for `Role.UNREAD`)."""
        return NoteEvidence(
            text=_("{name} {url}: could not be read: {why}").format(
                name=self.name, url=self.url, why=self.listing.problem()
            )
        )


@dataclass(frozen=True)
class Inventory:
    """The pages reached from the home page, first level first; `home` is set (and nothing
    else) when the home page did not load."""

    home: Outcome | None = None
    entries: tuple[Entry, ...] = ()
    #: Column links left unopened: the page cap (`max_pages`) was reached.
    left: int = 0

    def cap_evidence(self) -> list[Evidence]:
        """A note when the cap left pages unopened (what was not looked at is not judged)."""
        if not self.left:
            return []
        return [
            NoteEvidence(
                text=_(
                    "{left} more column links were not opened: at most {count} pages are read "
                    "per site (max_pages)"
                ).format(left=self.left, count=len(self.entries))
            )
        ]

    def having(self, *roles: Role) -> list[Entry]:
        return [entry for entry in self.entries if entry.role in roles]


def _meta(value: str | None) -> str:
    # some CMSs print "null" where the column has no name
    return "" if value is None or value.strip().lower() in ("", "null") else value.strip()


def _name(doc: Document | None, text: str) -> str:
    if doc is not None and (named := _meta(doc.column_name)):
        return named
    if text and not is_button(text):
        return text
    if doc is not None and doc.title:
        return doc.title.replace("－", "_").replace(" - ", "_").split("_")[0].strip()
    return text


def _says_empty(doc: Document, reference: Document) -> bool:
    """The page says, in text of its own (not the site's header or footer), that it lists
    nothing: 暂无信息, 共0条."""
    text = "".join(own_text(doc, reference))
    return any(marker in text for marker in EMPTY_MARKERS)


def _is_blank(doc: Document, reference: Document) -> bool:
    """A page listing no item that its CMS calls a column and that shows no more than a
    heading of its own."""
    return cms_page_kind(doc) == "list" and own_prose(doc, reference) <= BLANK_MAX_PROSE


async def _sampled_role(site: SiteContext, listing: Listing) -> Role:
    """An undated list: a column when its first items are articles or files, a navigation
    page when they are pages of their own."""
    urls = [link.url for link in listing.items[:SAMPLED_ITEMS]]
    if all(is_file_url(url) for url in urls):
        return Role.COLUMN
    unread = False
    for url in urls:
        if is_file_url(url):
            return Role.COLUMN
        item = await read_listing(site, url, min_items=MIN_ITEMS)
        if item.inconclusive:
            unread = True
        elif item.page is not None:
            return Role.COLUMN if item.article else Role.NAVIGATION
    return Role.UNREAD if unread else Role.OTHER


@dataclass(frozen=True)
class _Scope:
    """What every page is read against: the home page, its links and the site chrome."""

    home: Page
    doc: Document
    chrome: frozenset[tuple[str, str]]
    on_home: frozenset[str]  # the URLs the home page links to


def _column_links(site: SiteContext, doc: Document, items: set[str], scope: _Scope) -> list[Link]:
    """The column links of a page: internal, undated, not files, not site chrome, not on the
    home page, neither buttons nor pages of its own list, nor in `items`."""
    out = []
    for link in doc.links:
        text = normalize(link.text)
        if (
            not text
            or link.date is not None
            or link.url in items
            or link.url in scope.on_home
            or link.key in scope.chrome
            or not site.is_internal(link.url)
            or is_file_url(link.url)
            or is_button(text)
            or is_pagination(link.url, doc.url)
            or _other_site(link.url, scope.home)
        ):
            continue
        out.append(link)
    return out


async def _role(site: SiteContext, listing: Listing, scope: _Scope) -> Role:
    if listing.inconclusive:
        return Role.UNREAD
    page = listing.page
    if page is None or listing.article:
        return Role.OTHER
    doc = site.document(page)
    items, dated = len(listing.items), listing.dated
    if items == 0:
        # a page of short links to other columns (规划信息, 财政信息) lists no item either;
        # only its own words can say that it is an empty list
        if _says_empty(doc, scope.doc):
            return Role.BLANK
        if _column_links(site, doc, set(), scope):
            return Role.NAVIGATION
        return Role.BLANK if _is_blank(doc, scope.doc) else Role.OTHER
    if dated >= DATED_LIST or (dated > 0 and 2 * dated >= items):
        return Role.COLUMN
    if items < MIN_ITEMS and cms_page_kind(doc) != "list":
        return await _hub_role(site, doc, scope)
    return await _sampled_role(site, listing)


async def _hub_role(site: SiteContext, doc: Document, scope: _Scope) -> Role:
    """A page listing too few items to be a column, without column metas: a navigation page
    (a hub of a few sub-columns) when at least HUB_MIN_LINKS of its column links have a
    column's address and the first of them that opens is no article; else `Role.OTHER`."""
    links = [
        link for link in _column_links(site, doc, set(), scope) if not is_article_url(link.url)
    ]
    if len(links) < HUB_MIN_LINKS:
        return Role.OTHER
    for link in links[:SAMPLED_ITEMS]:
        sub = await read_listing(site, link.url, min_items=MIN_ITEMS)
        if sub.page is not None and not sub.inconclusive:
            return Role.OTHER if sub.article else Role.NAVIGATION
    return Role.OTHER


def _other_site(url: str, home: Page) -> bool:
    """A link to another portal's home page (a department's sub-domain), not a column."""
    parts = urlsplit(url)
    return parts.netloc != urlsplit(home.final_url).netloc and parts.path in ("", "/")


async def _entries(
    site: SiteContext, links: Sequence[tuple[str, str]], level: int, scope: _Scope
) -> list[Entry]:
    listings = await asyncio.gather(
        *(read_listing(site, url, min_items=MIN_ITEMS) for url, _ in links)
    )
    roles = await asyncio.gather(*(_role(site, listing, scope) for listing in listings))
    entries = []
    for (url, text), listing, role in zip(links, listings, roles, strict=True):
        doc = site.document(listing.page) if listing.page is not None else None
        entries.append(
            Entry(
                url=url,
                text=text,
                level=level,
                listing=listing,
                role=role,
                name=_name(doc, text),
                column_type=_meta(doc.column_type) if doc is not None else "",
            )
        )
    return entries


def _dedupe(entries: list[Entry]) -> list[Entry]:
    """One entry per page: two links to one column (``/col/col12/`` and its ``index.html``)."""
    seen: set[str] = set()
    out = []
    for entry in entries:
        outcome = entry.listing.outcome
        key = outcome.final_url if isinstance(outcome, Page) else entry.url
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


async def reachable_columns(site: SiteContext, *, max_pages: int) -> Inventory:
    """The pages reached from the home page (at most `max_pages`), each with its role."""
    home = await site.home()
    if not loads(home):
        return Inventory(home=home)
    home_doc = site.document(home)
    texts: dict[str, str] = {}
    for link in home_doc.links:
        texts.setdefault(link.url, normalize(link.text))
    scope = _Scope(home, home_doc, await chrome_of(site), frozenset(texts))
    first = [
        (url, texts.get(url, ""))
        for url in await second_level(site, home)
        if not _other_site(url, home)
    ][:max_pages]
    entries = _dedupe(await _entries(site, first, 1, scope))
    seen = {home.final_url, *texts}
    seen.update(e.listing.outcome.final_url for e in entries if isinstance(e.listing.outcome, Page))
    second: list[tuple[str, str]] = []
    for entry in entries:
        page = entry.listing.page
        if page is None or entry.role not in (Role.COLUMN, Role.NAVIGATION):
            continue
        # a column's items are its articles; a navigation page's are the columns it links
        own = {link.url for link in entry.listing.items} if entry.role is Role.COLUMN else set()
        for link in _column_links(site, site.document(page), own, scope):
            if link.url not in seen:
                seen.add(link.url)
                second.append((link.url, normalize(link.text)))
    room = max(0, max_pages - len(first))
    entries += _dedupe(await _entries(site, second[:room], 2, scope))
    return Inventory(entries=tuple(_dedupe(entries)), left=max(0, len(second) - room))
