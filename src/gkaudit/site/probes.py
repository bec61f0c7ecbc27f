"""Link probes shared by the whole run: one probe per URL and address family, whichever site or
rule asks.

Why run-wide rather than per site: `ipv6.links` and `links.broken` ask about the same links of a
portal, and the portals of one fleet link to the same outside pages (www.gov.cn, the province's
政务服务网, beian.miit.gov.cn): a per-site memo would probe www.gov.cn once for every portal.

A probe is `Fetcher.probe` (HEAD, then a GET without its body where HEAD failed). When it ends
with an HTTP error that is not already a refusal of gkaudit (401, 403, 412, 429), the answer is
fetched once more with its body, so that a firewall's block page sent with 404, 405 or 501
(阿里云盾, 腾讯云 WAF, 安全狗) is recognised as an obstacle (`Page.obstacle`) instead of passing for
a broken link; the body is dropped once recognised.

The cookies sent are those of the first site that asks (its jar: a BIG-IP or JSP session cookie
that a redirect to the same URL sets is sent back). Outcomes are kept for `limit` URLs, each
without its body and with only the headers a link's verdict reads (`KEPT_HEADERS`: a whole
response's headers are a kilobyte or two, times the links of a fleet); past the limit the oldest
finished ones are forgotten, so a URL asked again after that is probed again: a repeated
request, never a different answer for the run. The engine also has the outcomes within a
registered domain forgotten once the last site of that domain is done (`forget`): they were most
of what a finished site left behind (300 KB a portal, bench/README.md), so memory followed the
sites done instead of the sites in flight.

A `Delegate` may take a URL's probe elsewhere: on a Dask cluster, the hosts outside a batch of
sites are probed by the one worker that owns each of them (`executors.outside`), so two workers
never press one host and each URL is probed once for the cluster. `Serve` is the other side:
the run's probes lent to those asking from elsewhere while the run lasts (a batch crawling a
host answers the other batches' probes of it through its own per-host limit).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace

from aiohttp.abc import AbstractCookieJar

from gkaudit.domains import host_of, registered_domain
from gkaudit.model import Family
from gkaudit.net.http import REFUSED_US, Fetcher, Outcome, Page, inconclusive

#: Probe outcomes kept by default.
LIMIT = 50_000
#: The headers of an answer kept in the memo (lower case, as `Page` reads them).
KEPT_HEADERS = ("content-type", "location", "retry-after")

#: The probe of (url, family) done elsewhere, or None when it is done here.
Delegate = Callable[[str, Family], Awaitable[Outcome] | None]
#: Entered with the run's probes before its first site, left before they close.
Serve = Callable[["Probes"], AbstractAsyncContextManager[None]]


class Probes:
    """Memoized link probes of one run: concurrent askers of one URL share one probe."""

    def __init__(
        self, fetcher: Fetcher, *, limit: int = LIMIT, delegate: Delegate | None = None
    ) -> None:
        self._fetcher = fetcher
        self._limit = limit
        self._delegate = delegate
        self._running: dict[tuple[str, Family], asyncio.Task[Outcome]] = {}
        # the outcomes alone once known: a finished task costs more than its result
        self._known: dict[tuple[str, Family], Outcome] = {}
        # the keys of `_known` by the registered domain of their URL, for `forget`
        self._by_domain: dict[str, set[tuple[str, Family]]] = {}

    async def probe(
        self, url: str, family: Family, cookies: AbstractCookieJar | None = None
    ) -> Outcome:
        key = (url, family)
        known = self._known.get(key)
        if known is not None:
            return known
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(self._probe(url, family, cookies))
            self._running[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        # shield: a site cancelled by its time budget must not cancel a probe others share
        outcome = await asyncio.shield(task)
        self._arrived(outcome, family)
        return outcome

    async def read_answer(self, url: str, family: Family) -> Page | None:
        """The error answer a probe of `url` has read with its body (a 404 page, a block page
        sent with 404 or 501), waiting for a probe still running: a site that then opens the
        URL as a page gets the same answer instead of asking the server a fourth time. None
        when no probe read one: a success, whose body the memo dropped, or a refusal of
        gkaudit (401, 403, 412, 429) that was not read again."""
        key = (url, family)
        task = self._running.get(key)
        if task is not None:
            await asyncio.wait([task])
        known = self._known.get(key)
        if not isinstance(known, Page) or known.status < 400:
            return None
        return known if known.status not in REFUSED_US or known.obstacle is not None else None

    def _arrived(self, outcome: Outcome, family: Family) -> None:
        """A redirected probe has probed its final URL too (a portal's "/" and its /index.html):
        that URL asked for later is answered from it, not probed again."""
        if not isinstance(outcome, Page) or outcome.final_url == outcome.url:
            return
        key = (outcome.final_url, family)
        if key not in self._known and key not in self._running:
            self._remember(key, replace(outcome, url=outcome.final_url, redirects=()))

    def forget(self, domain: str) -> None:
        """Forget the known outcomes of URLs within the registered domain `domain`; a probe still
        running stays, for whoever shares it. A URL asked again is probed again."""
        for key in self._by_domain.pop(domain, ()):
            del self._known[key]

    def close(self) -> None:
        """Cancel the probes still running (the run is over)."""
        for task in list(self._running.values()):
            task.cancel()
        self._running.clear()
        self._known.clear()
        self._by_domain.clear()

    def _finished(self, key: tuple[str, Family], task: asyncio.Task[Outcome]) -> None:
        self._running.pop(key, None)
        if task.cancelled() or task.exception() is not None:
            return
        self._remember(key, task.result())

    def _remember(self, key: tuple[str, Family], outcome: Outcome) -> None:
        self._known[key] = outcome
        self._by_domain.setdefault(_domain(key[0]), set()).add(key)
        if len(self._known) > self._limit:
            oldest = next(iter(self._known))
            del self._known[oldest]
            domain = _domain(oldest[0])
            self._by_domain[domain].discard(oldest)
            if not self._by_domain[domain]:
                del self._by_domain[domain]

    async def _probe(self, url: str, family: Family, cookies: AbstractCookieJar | None) -> Outcome:
        elsewhere = self._delegate(url, family) if self._delegate is not None else None
        if elsewhere is not None:
            return await elsewhere
        outcome = await self._fetcher.probe(url, family, cookies=cookies)
        if isinstance(outcome, Page) and outcome.status >= 400 and not inconclusive(outcome):
            answer = await self._fetcher.fetch(url, family, cookies=cookies)
            if isinstance(answer, Page):  # else (too large...) the probe's status stands
                outcome = answer
        return _slim(outcome)


def _domain(url: str) -> str:
    return registered_domain(host_of(url))


def _slim(outcome: Outcome) -> Outcome:
    """What the memo keeps of an outcome: a page without its body and most of its headers."""
    if not isinstance(outcome, Page):
        return outcome
    headers = {k: v for k in KEPT_HEADERS if (v := outcome.headers.get(k)) is not None}
    return replace(outcome, body=b"", headers=headers)
