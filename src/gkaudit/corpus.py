"""The published texts of one site: its pages, crawled from the home page, and the attachments
they link, read within a per-site budget of pages, files and bytes.

The crawl is breadth first over links to the site's own host (the home page, the pages it
links, the pages those link; a department's site under the city's domain is another site),
pages whose link text names a list of people first (公示, 名单, 花名册, 低保...), since that
is where inspectors find leaks. Attachments may be on any host (portals keep files on a file
server). Both the privacy and the wording rules read the same crawl: made once per site.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from gkaudit.attachments.sniff import EXTENSIONS
from gkaudit.attachments.worker import Extractor, shared
from gkaudit.domains import host_of
from gkaudit.html import Link, is_file_url
from gkaudit.i18n import _
from gkaudit.net.http import FetchFailure, Page
from gkaudit.site.context import SiteContext
from gkaudit.site.pages import describe

#: Link texts that lead to lists of people, read first.
PEOPLE_WORDS = ("公示", "名单", "花名册", "名册", "低保", "救助", "补贴", "补助", "公告", "附件")
_BATCH = 6


@dataclass(frozen=True)
class Text:
    """One document's visible text: a page, or a file and the page that links it."""

    url: str
    body: str
    kind: str  # "page" or the file kind (xlsx, xls, docx, doc, pdf)
    via: str | None = None
    title: str = ""

    @property
    def text(self) -> str:
        """What the rules read: a page's title and visible text, a file's text. Joined when
        read, not kept joined: the page's parsed form holds both already, and a copy of every
        crawled page's text was 40% of what a site held at its end (bench/README.md)."""
        return f"{self.title}\n{self.body}" if self.kind == "page" else self.body


@dataclass(frozen=True)
class Unread:
    """A file that could not be read, and why (an `error` for that file, never a pass)."""

    url: str
    reason: str
    via: str


@dataclass
class Corpus:
    pages: list[Text] = field(default_factory=list)
    files: list[Text] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    #: attachments linked but beyond the budget of files or bytes
    over_budget: int = 0


def _priority(link: Link) -> int:
    return 0 if any(w in link.text for w in PEOPLE_WORDS) else 1


def is_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(EXTENSIONS)


_crawls: weakref.WeakKeyDictionary[SiteContext, dict[int, asyncio.Task[list[tuple[Page, Text]]]]]
_crawls = weakref.WeakKeyDictionary()


async def pages(site: SiteContext, max_pages: int) -> list[tuple[Page, Text]]:
    """The home page and up to `max_pages - 1` more internal pages, with their visible text
    (title included). Made once per site and page count, whichever rule asks first."""
    tasks = _crawls.setdefault(site, {})
    task = tasks.get(max_pages)
    if task is None:
        task = tasks[max_pages] = asyncio.ensure_future(_crawl(site, max_pages))
    return await asyncio.shield(task)


async def _crawl(site: SiteContext, max_pages: int) -> list[tuple[Page, Text]]:
    home = await site.home()
    if not isinstance(home, Page) or not home.loads:
        return []
    # the site's own host(s) only: a department under the city's domain is a site of its own,
    # whose pages must not count against the city
    hosts = {host_of(site.site.url), host_of(home.final_url)}
    found: list[tuple[Page, Text]] = []
    seen = {home.final_url, site.site.url}  # links queued
    read = {home.final_url}  # pages read, by where they ended up
    frontier: list[Page] = [home]
    while frontier and len(found) < max_pages:
        level: list[Link] = []
        for page in frontier:
            doc = site.document(page)
            found.append((page, Text(page.final_url, doc.text, "page", title=doc.title)))
            for link in doc.links:
                if (
                    link.url not in seen
                    and host_of(link.url) in hosts
                    and not is_file_url(link.url)
                ):
                    seen.add(link.url)
                    level.append(link)
        level.sort(key=_priority)
        wanted = level[: max(0, max_pages - len(found))]
        frontier = []
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            for got in await asyncio.gather(*(site.html(link.url) for link in batch)):
                if got is not None and got.final_url not in read:
                    read.add(got.final_url)
                    frontier.append(got)
    return found[:max_pages]


async def read_attachments(
    site: SiteContext,
    crawled: list[tuple[Page, Text]],
    *,
    max_files: int,
    max_bytes: int,
    max_file_bytes: int,
    extractor: Extractor | None = None,
) -> Corpus:
    """The crawled pages and the text of the attachments they link (internal or not: portals
    keep files on a separate host), at most `max_files` files and `max_bytes` bytes in all."""
    extractor = extractor or shared()
    corpus = Corpus(pages=[text for _, text in crawled])
    links: dict[str, tuple[Link, str]] = {}
    for page, _text in crawled:
        for link in site.document(page).links:
            if is_attachment(link.url) and link.url not in links:
                links[link.url] = (link, page.final_url)
    ordered = sorted(links.values(), key=lambda item: _priority(item[0]))
    spent = 0
    for count, (link, via) in enumerate(ordered):
        if count >= max_files or spent >= max_bytes:
            corpus.over_budget = len(ordered) - count
            break
        # the one cap on a file: its download stops there (a 2 GB "roster" is never fetched)
        outcome = await site.page(link.url, max_bytes=max_file_bytes)
        if isinstance(outcome, FetchFailure) or not outcome.ok:
            corpus.unread.append(Unread(link.url, describe(outcome), via))
            continue
        spent += outcome.size
        if outcome.is_html:
            outcome.release_body()
            continue  # a link named .doc that serves a page: the page is crawled as a page
        got = await extractor.extract(outcome.body)
        outcome.release_body()
        if got.error is not None or got.kind is None:
            corpus.unread.append(Unread(link.url, got.error or _("not read"), via))
        else:
            corpus.files.append(Text(link.url, got.text, got.kind.value, via))
    return corpus
