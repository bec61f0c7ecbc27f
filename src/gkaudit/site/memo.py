"""The pages of one run, shared by the sites of one registered domain: one fetch per page.

Why shared: Dalian's department columns live on the city's host (www.dl.gov.cn) and its
departments' portals on hosts of the city's domain (kjj.dl.gov.cn); every such site's crawl
carries the city's navigation and opens the city's columns, which the city's own crawl opened
already. Keyed by registered domain, since internal links are those within it, so the sites
of one politeness group (`gkaudit.executors.groups`) share one memo in one engine.

What is shared: the answer to each page request and each render (key: kind, URL, address
family, body cap), the parsed form of each page (the raw body is released once parsed, so
the parse must be shared with the answer), and one record per distinct link (`Link` values are
immutable, so the chrome's links, repeated on every page, are kept once: 1,221 distinct links
of 11,006 on a bench portal's 77 pages, 0.4 MB instead of 3.4 MB, bench/README.md). What is
not: a site's robots.txt verdict and page budget (decided before the memo), its cookie jar (the
first asker's travels with the request) and its own derived answers (home page, frames
followed, site chrome: `SiteContext`).

Memory: a memo lives until the last site of its domain in the run is done. A memo that has
grown past `limit` pages when one of its sites finishes is retired: the sites still running keep
it to their end, and the sites of the domain that start later begin a new one, so a domain with
many sites never holds more than about `limit` pages plus those of its sites in flight. A page
asked again after that is fetched again: a repeated request, never a different answer.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from typing import Any, TypeVar

from gkaudit.domains import registered_domain
from gkaudit.html import Document, Link
from gkaudit.model import Site
from gkaudit.net.http import Page

T = TypeVar("T")

#: Pages a shared memo may hold when one of its sites finishes before it is retired.
LIMIT = 2_000

Key = tuple[object, ...]


class PageMemo:
    """Page answers and their parsed forms, for the sites that hold this memo."""

    def __init__(self) -> None:
        self._tasks: dict[Key, asyncio.Future[Any]] = {}
        # by `id`, each with its page, so that an id cannot be reused while it is a key
        self.documents: dict[int, tuple[Page, Document]] = {}
        self.copies: dict[int, tuple[Page, Page]] = {}  # a copy made by `_follow` -> the page
        self._links: dict[Link, Link] = {}
        self._users = 0

    def __len__(self) -> int:
        return len(self._tasks)

    def __contains__(self, key: Key) -> bool:
        return key in self._tasks

    def get(self, key: Key) -> asyncio.Future[Any] | None:
        return self._tasks.get(key)

    async def once(self, key: Key, make: Callable[[], Awaitable[T]]) -> T:
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(make())
            self._tasks[key] = task
        # shield: a rule cancelled by its deadline must not cancel the fetch other rules share
        result: T = await asyncio.shield(task)
        return result

    def shared(self, doc: Document) -> Document:
        """`doc` with each link the one equal record the memo's pages share."""
        links = self._links
        return replace(doc, links=tuple([links.setdefault(link, link) for link in doc.links]))

    def put(self, key: Key, value: object) -> None:
        """An answer known without a request (a redirect's final URL), unless one is known."""
        if key not in self._tasks:
            known: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            known.set_result(value)
            self._tasks[key] = known

    @property
    def idle(self) -> bool:
        """No site reads through the memo now."""
        return self._users <= 0

    def enter(self) -> None:
        self._users += 1

    def leave(self) -> None:
        """A site is done with the memo. With none left, what is still running is cancelled
        and forgotten (nobody waits for it; a later site asks again), what is known kept."""
        self._users -= 1
        if self._users > 0:
            return
        for key, task in list(self._tasks.items()):
            if not task.done():
                task.cancel()
                del self._tasks[key]

    def clear(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
        self.documents.clear()
        self.copies.clear()
        self._links.clear()


class PageMemos:
    """The memos of one run's sites, one per registered domain, each forgotten when the last
    of its sites is done (or retired past `limit`)."""

    def __init__(self, sites: Iterable[Site], *, limit: int = LIMIT) -> None:
        self._limit = limit
        self._left = Counter(_domain(site) for site in sites)
        self._memos: dict[str, PageMemo] = {}

    def open(self, site: Site) -> PageMemo:
        """The memo `site` reads its pages through: its domain's, entered until `close`."""
        domain = _domain(site)
        memo = self._memos.get(domain)
        if memo is None:
            memo = PageMemo()
            if self._left[domain] > 1:  # a site alone keeps its pages to itself
                self._memos[domain] = memo
        memo.enter()
        return memo

    def close(self, site: Site, memo: PageMemo) -> bool:
        """`site` is done: its domain's memo is forgotten after its last site, or retired when
        it has grown past the limit; pages nobody still running uses are dropped then. True when
        `site` was the last of its domain (what else is kept per domain may go too)."""
        domain = _domain(site)
        self._left[domain] -= 1
        last = self._left[domain] <= 0
        memo.leave()
        if self._memos.get(domain) is memo and (last or len(memo) > self._limit):
            del self._memos[domain]
        if memo.idle and memo is not self._memos.get(domain):
            memo.clear()
        return last

    def __len__(self) -> int:
        return len(self._memos)


def _domain(site: Site) -> str:
    return registered_domain(site.host) or site.host
