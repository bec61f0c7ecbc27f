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
that a redirect to the same URL sets is sent back). Outcomes are kept for `limit` URLs; past it
the oldest finished ones are forgotten, so a URL asked again after that is probed again: a
repeated request, never a different answer for the run.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from aiohttp.abc import AbstractCookieJar

from gkaudit.model import Family
from gkaudit.net.http import Fetcher, Outcome, Page, inconclusive

#: Probe outcomes kept by default (a Page without its body is about a kilobyte).
LIMIT = 50_000


class Probes:
    """Memoized link probes of one run: concurrent askers of one URL share one probe."""

    def __init__(self, fetcher: Fetcher, *, limit: int = LIMIT) -> None:
        self._fetcher = fetcher
        self._limit = limit
        self._tasks: dict[tuple[str, Family], asyncio.Task[Outcome]] = {}

    async def probe(
        self, url: str, family: Family, cookies: AbstractCookieJar | None = None
    ) -> Outcome:
        key = (url, family)
        task = self._tasks.get(key)
        if task is None:
            self._forget_oldest()
            task = asyncio.ensure_future(self._probe(url, family, cookies))
            self._tasks[key] = task
        # shield: a site cancelled by its time budget must not cancel a probe others share
        return await asyncio.shield(task)

    def close(self) -> None:
        """Cancel the probes still running (the run is over)."""
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()

    def _forget_oldest(self) -> None:
        if len(self._tasks) < self._limit:
            return
        finished = [key for key, task in self._tasks.items() if task.done()]
        for key in finished[: max(1, len(self._tasks) - self._limit + 1)]:
            del self._tasks[key]

    async def _probe(self, url: str, family: Family, cookies: AbstractCookieJar | None) -> Outcome:
        outcome = await self._fetcher.probe(url, family, cookies=cookies)
        if not isinstance(outcome, Page) or outcome.status < 400 or inconclusive(outcome):
            return outcome
        answer = await self._fetcher.fetch(url, family, cookies=cookies)
        if not isinstance(answer, Page):
            return outcome  # the error page could not be read (too large...): its status stands
        return replace(answer, body=b"")
