"""`SiteContext`: the checks' only door to the network, for one site.

Every page is fetched once per address family per run, however many rules look at it: concurrent
requests for the same page share one task, and parsed once (`document`), with short dates read
against the as-of date of the run. The sites of one registered domain share their pages
(`gkaudit.site.memo`): the city's columns a department's crawl opens are the city's own. Checks
ask for what they need (the home page, a page, a DNS answer, links, a column by its name) and
never create clients of their own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import aiohttp

from gkaudit.domains import host_of, registered_domain, within
from gkaudit.html import Document, parse
from gkaudit.i18n import _
from gkaudit.model import Family, Site
from gkaudit.net.browser import Browser, no_browser
from gkaudit.net.dns import DnsAnswer
from gkaudit.net.http import FailureKind, Fetcher, FetchFailure, Outcome, Page
from gkaudit.net.obstacles import ObstacleKind
from gkaudit.net.robots import Robots
from gkaudit.site.memo import Key, PageMemo
from gkaudit.site.probes import Probes

#: HTTP redirects, meta refreshes, script redirects and frames followed to reach the home page.
MAX_HOPS = 10
#: A page with fewer links than this is a redirect stub or a frameset shell, not a home page.
STUB_LINKS = 3
#: Pages (GETs with a body) one site may cost, whatever the rules ask for.
MAX_PAGES = 400

T = TypeVar("T")


class SiteContext:
    """Memoized access to one site's DNS answers, pages and links."""

    def __init__(
        self,
        site: Site,
        fetcher: Fetcher,
        as_of: dt.date,
        *,
        robots: Robots | None = None,
        max_pages: int = MAX_PAGES,
        browser: Browser | None = None,
        unrendered: str | None = None,
        probes: Probes | None = None,
        deadline: float | None = None,
        render_all: bool = False,
        memo: PageMemo | None = None,
    ) -> None:
        self.site = site
        self.as_of = as_of
        self.domain = registered_domain(site.host)
        #: The registered domain the home page lands on when it is another (an old domain in
        #: sites.yaml that 301s to the new one): links within either are the portal's own.
        self.landed_domain: str | None = None
        self._fetcher = fetcher
        self._browser = browser
        #: Every page through the browser (`--browser always`), not only those that need it.
        self.render_all = render_all and browser is not None
        #: Why pages are not rendered in a browser here ("" when they can be).
        self.unrendered = "" if browser is not None else (unrendered or no_browser())
        self._robots = robots
        #: the run's link probes, shared with every site (a private memo when not given)
        self._probes = probes if probes is not None else Probes(fetcher)
        #: When the site's time budget runs out (the event loop's clock): a rate-limited host
        #: is not waited for past it (the rules needing its pages: `error` naming the limit).
        self.deadline = deadline
        self._pages_left = max_pages
        self._max_pages = max_pages
        #: the site's own answers (home page, frames followed, chrome)
        self._own = PageMemo()
        #: pages and renders, shared with the other sites of the domain when given
        self._memo = memo if memo is not None else PageMemo()
        self._private_memo = memo is None
        self._asked: set[Key] = set()  # the page requests charged to this site's budget
        self._jar: aiohttp.CookieJar | None = None
        #: the URLs fetched on the way to the home page (see `_keeps_body`)
        self._home_urls: set[str] = set()

    # --- memo ---------------------------------------------------------------------------------

    async def _once(self, key: Key, make: Callable[[], Awaitable[T]]) -> T:
        return await self._own.once(key, make)

    async def remember(self, name: str, make: Callable[[], Awaitable[T]]) -> T:
        """What is worked out from the site's pages (site chrome: `gkaudit.site.chrome`), once
        per run however many rules ask, under its `name`."""
        return await self._once(("derived", name), make)

    def close(self) -> None:
        """Cancel anything still running and drop the pages (a finished site keeps nothing of
        its own; a shared memo is its owner's to forget)."""
        self._own.clear()
        if self._private_memo:
            self._memo.clear()

    # --- parse cache --------------------------------------------------------------------------

    def document(self, page: Page) -> Document:
        """`page` decoded and parsed, once per run, the year of short dates like `[11-20]`
        inferred from the as-of date. The raw body is released then: the parsed form is all
        rules read."""
        original = self._original(page)
        cached = self._memo.documents.get(id(original))
        if cached is not None:
            return cached[1]
        body, url, kind = original.body, original.final_url, original.content_type or None
        doc = self._memo.shared(parse(body, url, kind, today=self.as_of))
        self._memo.documents[id(original)] = (original, doc)
        if not self._keeps_body(original):
            original.release_body()
            page.release_body()
        return doc

    def _keeps_body(self, page: Page) -> bool:
        """With a browser, the pages a rule may ask to render keep their body, so that the
        render is answered from it (`render`): a script-built page, and the home page (a rule
        that finds nothing on it looks at it rendered too). A few pages per site; none that
        is rendered already (`--browser always`), which no render is answered with."""
        return (
            self._browser is not None
            and not page.rendered
            and (page.scripted or page.final_url in self._home_urls)
        )

    def _copy(self, page: Page, **changes: Any) -> Page:
        """`page` with `changes`, parsed as the page itself: one parse, one body kept."""
        copy = replace(page, **changes)
        self._memo.copies[id(copy)] = (copy, self._original(page))
        return copy

    def _original(self, page: Page) -> Page:
        return self._memo.copies.get(id(page), (page, page))[1]

    # --- network ------------------------------------------------------------------------------

    @property
    def cookies(self) -> aiohttp.CookieJar:
        """The site's own cookie jar, as a browser keeps one (never shared with another site);
        made on first use, in the running event loop aiohttp binds it to. `unsafe`: a portal
        addressed by its IP address keeps its cookies too."""
        if self._jar is None:
            self._jar = aiohttp.CookieJar(unsafe=True)
        return self._jar

    def hint(self, name: str) -> str | None:
        return self.site.hint(name)

    async def dns(self, host: str, rdtype: str) -> DnsAnswer:
        return await self._fetcher.resolver.resolve(host, rdtype)

    async def addresses(self, host: str, family: Family) -> DnsAnswer:
        return await self._fetcher.resolver.addresses(host, family)

    async def query_at(self, address: str, name: str, rdtype: str) -> DnsAnswer:
        """Ask the name server at `address` directly, not memoized: does it answer for `name`?"""
        return await self._fetcher.resolver.query_at(address, name, rdtype)

    async def page(
        self, url: str, family: Family = Family.IPV4, *, max_bytes: int | None = None
    ) -> Outcome:
        """The response at `url` after HTTP redirects, fetched over `family` once per run,
        if robots.txt allows it and the site's page budget is not spent. `max_bytes` replaces
        the fetcher's cap on the body (an attachment's own cap, larger or smaller)."""
        if url != self.site.url and self._robots and not await self._robots.allowed(url):
            return FetchFailure(url, family, FailureKind.ROBOTS, _("disallowed by robots.txt"))
        return await self._fetch(url, family, counted=True, max_bytes=max_bytes)

    async def _hop(self, url: str, family: Family) -> Outcome:
        """A step towards the home page: public by the plan's definition (no robots.txt) and
        not charged to the page budget."""
        outcome = await self._fetch(url, family, counted=False)
        if isinstance(outcome, Page):
            self._home_urls.add(outcome.final_url)
        return outcome

    async def _fetch(
        self, url: str, family: Family, *, counted: bool, max_bytes: int | None = None
    ) -> Outcome:
        # One memo for both paths; robots.txt and the budget are decided outside it, so that
        # neither can poison what the other path gets for the same URL.
        key = ("page", url, family) if max_bytes is None else ("page", url, family, max_bytes)
        if max_bytes is None and key not in self._memo:
            # a link probe that found an error page has read it already: no second request,
            # and nothing charged to the budget
            answered = await self._probes.read_answer(url, family)
            if answered is not None:
                self._memo.put(key, answered)
                self._asked.add(key)
        if counted and key not in self._asked:
            if self._pages_left <= 0:
                return FetchFailure(
                    url,
                    family,
                    FailureKind.BUDGET,
                    _("not fetched: the budget of {n} pages per site is spent").format(
                        n=self._max_pages
                    ),
                )
            if not self.render_all:  # a render charges each request it makes itself
                self._pages_left -= 1
            self._asked.add(key)

        outcome = await self._memo.once(key, lambda: self._gated(url, family, max_bytes))
        if max_bytes is None:  # under another cap, the final URL's answer may differ
            self._arrived("page", outcome, family)
        return outcome

    def _arrived(self, kind: str, outcome: Outcome, family: Family) -> None:
        """A redirected request has fetched its final URL too: that URL asked for later (the
        home page's own link to /index.html) is answered from it, not fetched again."""
        if not isinstance(outcome, Page) or outcome.final_url == outcome.url:
            return
        key = (kind, outcome.final_url, family)
        if key not in self._memo:
            self._memo.put(key, self._copy(outcome, url=outcome.final_url, redirects=()))

    async def _gated(self, url: str, family: Family, max_bytes: int | None = None) -> Outcome:
        """The page at `url`, from the browser when a script challenge stands in front of it
        (or for every page, with `render_all`)."""
        if self.render_all:
            return await self.render(url, family)
        outcome = await self._fetcher.fetch(
            url, family, cookies=self.cookies, deadline=self.deadline, max_bytes=max_bytes
        )
        if not (
            isinstance(outcome, Page)
            and outcome.obstacle is not None
            and outcome.obstacle.kind is ObstacleKind.CHALLENGE
        ):
            return outcome
        if self._browser is None:
            return self._copy(outcome, obstacle=replace(outcome.obstacle, note=self.unrendered))
        rendered = await self.render(url, family)
        if isinstance(rendered, Page) and rendered.obstacle is None:
            return rendered
        note = _("not passed by a headless browser either")
        if isinstance(rendered, Page) and rendered.obstacle is not None:
            return self._copy(rendered, obstacle=replace(rendered.obstacle, note=note))
        return self._copy(outcome, obstacle=replace(outcome.obstacle, note=note))

    @property
    def can_render(self) -> bool:
        return self._browser is not None

    async def render(self, url: str, family: Family = Family.IPV4) -> Outcome:
        """`url` as a headless browser shows it (its scripts run), once per run; every request
        the browser makes is charged to the site's page budget, carries the site's cookies and
        ends within its time budget. Only with a browser."""
        browser = self._browser
        if browser is None:
            raise RuntimeError("no browser: check `can_render` first")

        def charge() -> bool:
            if self._pages_left <= 0:
                return False
            self._pages_left -= 1
            return True

        key = ("render", url, family)
        return await self._memo.once(
            key,
            lambda: browser.render(
                url,
                family,
                charge,
                cookies=self.cookies,
                deadline=self.deadline,
                served=self._held(url, family),
            ),
        )

    def _held(self, url: str, family: Family) -> Page | None:
        """The page fetched for `url` already, as served, if it loads and its body is kept:
        what the render's first navigation is answered with rather than asking the portal
        again. None while that fetch still runs (a challenge being rendered from within it),
        and for a page rendered already (its document is the scripts' work, not the portal's)."""
        task = self._memo.get(("page", url, family))
        if task is None or not task.done() or task.cancelled() or task.exception() is not None:
            return None
        page = task.result()
        if not isinstance(page, Page) or not page.loads or page.rendered:
            return None
        return next((p for p in (page, self._original(page)) if not p.released), None)

    async def probe(self, url: str, family: Family) -> Outcome:
        """Status only (HEAD, falling back to GET where HEAD fails: `Fetcher.probe`), once per
        URL and family for the whole run (`gkaudit.site.probes`), whichever site asks; a page
        fetched for a site of its domain already answers it."""
        fetched = self._memo.get(("page", url, family))
        if fetched is not None:
            answer: Outcome = await asyncio.shield(fetched)
            return answer
        return await self._probes.probe(url, family, self.cookies)

    async def home(self, family: Family = Family.IPV4) -> Outcome:
        """The home page as a browser shows it (see `open`), public by the plan's definition so
        robots.txt does not apply. Its `url` is the site's URL and `redirects` lists every hop."""

        async def follow() -> Outcome:
            outcome = await self._follow(self.site.url, family, self._hop)
            if isinstance(outcome, Page) and outcome.loads:
                landed = registered_domain(host_of(outcome.final_url))
                if landed and landed != self.domain:
                    self.landed_domain = landed
            return outcome

        return await self._once(("home", family), follow)

    async def open(self, url: str, family: Family = Family.IPV4) -> Outcome:
        """`url` as a browser shows it: after HTTP redirects, a meta refresh, a script redirect
        on a stub page, and into the main frame of a frameset (at most 10 hops in all)."""
        return await self._once(("open", url, family), lambda: self._follow(url, family, self.page))

    async def _follow(
        self, url: str, family: Family, fetch: Callable[[str, Family], Awaitable[Outcome]]
    ) -> Outcome:
        start, seen = url, {url}
        hops: list[str] = []
        for _attempt in range(MAX_HOPS):
            outcome = await fetch(url, family)
            hops.extend(outcome.redirects)
            if isinstance(outcome, FetchFailure):
                return replace(outcome, url=start, redirects=tuple(hops))
            target = await self._next_hop(outcome, family, fetch)
            if target is None or target in seen or target == outcome.final_url:
                return self._copy(outcome, url=start, redirects=tuple(hops))
            seen.add(target)
            hops.append(target)
            url = target
        return FetchFailure(
            start,
            family,
            FailureKind.REDIRECTS,
            _("more than {n} redirects").format(n=MAX_HOPS),
            tuple(hops),
        )

    async def _next_hop(
        self, page: Page, family: Family, fetch: Callable[[str, Family], Awaitable[Outcome]]
    ) -> str | None:
        if not page.loads:
            return None
        doc = self.document(page)
        if doc.refresh:
            return doc.refresh
        if len(doc.links) >= STUB_LINKS:
            return None
        if doc.script_redirect:
            return doc.script_redirect
        if doc.frames:
            return await self._main_frame(doc.frames, family, fetch)
        return None

    async def _main_frame(
        self,
        frames: Sequence[str],
        family: Family,
        fetch: Callable[[str, Family], Awaitable[Outcome]],
    ) -> str:
        """The frame with the most links: the content, not the banner or the menu strip."""
        pages = await asyncio.gather(*(fetch(f, family) for f in frames[:6]))
        weights = [
            len(self.document(p).links) if isinstance(p, Page) and p.loads else -1 for p in pages
        ]
        return frames[weights.index(max(weights))]

    # --- links --------------------------------------------------------------------------------

    def is_internal(self, url: str) -> bool:
        """The link's host lies within the portal's registered domain, or within the one its
        home page lands on (known once the home page is fetched)."""
        host = host_of(url)
        if not host:
            return False
        return within(host, self.domain) or (
            self.landed_domain is not None and within(host, self.landed_domain)
        )

    async def html(self, url: str, family: Family = Family.IPV4) -> Page | None:
        """The page at `url` if it loads as 2xx HTML, else None."""
        outcome = await self.page(url, family)
        if isinstance(outcome, Page) and outcome.loads:
            return outcome
        return None
