"""Adaptive per-host back-off: a portal that says "too fast" (HTTP 429, a 503 with Retry-After, a
CC-protection page at 200) is left alone for what it asks, then asked one request at a time;
the evidence says what was waited, and a wait the site's budget cannot afford is `error` naming
the rate limit, never `fail`. Request times are counted at a real loopback server."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from email.utils import formatdate

import pytest

from gkaudit.checks.reachable import check as reachable
from gkaudit.model import Status, Verdict
from gkaudit.net.http import FailureKind, FetchFailure, Page, inconclusive
from gkaudit.net.politeness import BackedOff, Politeness
from gkaudit.site.context import SiteContext
from tests.support.realweb import Host, RealWeb, Reply, cc_protection, too_many_requests

AS_OF = dt.date(2026, 11, 30)
PAGE = "<html><head><title>{0}</title></head><body><p>{0}</p></body></html>"
ROUTES = {p: replace(Reply.page(PAGE.format(p)), delay=0.1) for p in ("/", "/a", "/b", "/c", "/d")}
CC_ROUTES = {f"/p{i}": Reply.page(PAGE.format(i)) for i in range(8)}
#: Tolerance for the server's clock against asyncio's sleeps.
SLACK = 0.05


@pytest.fixture(scope="module")
def web() -> Iterator[RealWeb]:
    hosts = {
        "control.dlzs.gov.cn": Host(ROUTES),
        "ra.dlzs.gov.cn": Host(ROUTES, too_many_requests(1, "1")),
        "slow.dlzs.gov.cn": Host(ROUTES, too_many_requests(1, "1")),
        "date.dlzs.gov.cn": Host(
            ROUTES, too_many_requests(1, lambda: formatdate(time.time() + 2.5, usegmt=True))
        ),
        "long.dlzs.gov.cn": Host(ROUTES, too_many_requests(100, "20")),
        "hour.dlzs.gov.cn": Host(ROUTES, too_many_requests(100, "3600")),
        "busy.dlzs.gov.cn": Host(ROUTES, too_many_requests(100, "60", status=503)),
        "down.dlzs.gov.cn": Host(ROUTES, too_many_requests(100, None, status=503)),
        "cc.dlzs.gov.cn": Host(CC_ROUTES, cc_protection(rate=3, window=1.0, ban=0.6)),
    }
    with RealWeb(hosts) as w:
        yield w


@asynccontextmanager
async def site(
    web: RealWeb, host: str, budget: float | None = None, **settings: object
) -> AsyncIterator[SiteContext]:
    options: dict[str, object] = {"retries": 2, "per_host": 2, "slowed_interval": 0.2}
    options.update(settings)
    fetcher = web.fetcher(**options)
    deadline = None if budget is None else asyncio.get_running_loop().time() + budget
    context = SiteContext(web.site(host), fetcher, AS_OF, deadline=deadline)
    try:
        yield context
    finally:
        context.close()
        await fetcher.aclose()


def arrivals(web: RealWeb, host: str) -> list[tuple[float, str, int]]:
    return [(t, path, status) for t, h, path, status in web.log if h == host]


async def test_a_429_with_retry_after_holds_back_every_request_to_the_host(web: RealWeb) -> None:
    async with site(web, "ra.dlzs.gov.cn") as context:
        first = asyncio.create_task(context.page(web.url("ra.dlzs.gov.cn", "/")))
        await asyncio.sleep(0.3)  # the 429 is in; another rule now asks for another page
        other = await context.page(web.url("ra.dlzs.gov.cn", "/a"))
        home = await first
    log = arrivals(web, "ra.dlzs.gov.cn")
    assert log[0][1:] == ("/", 429)
    assert sorted((path, status) for _, path, status in log[1:]) == [("/", 200), ("/a", 200)]
    limited_at = log[0][0]
    assert all(t >= limited_at + 1.0 - SLACK for t, _, _ in log[1:]), log
    assert isinstance(home, Page) and home.loads and home.attempts == 2
    assert (
        home.evidence().note == "rate-limited by the site: waited 1 s (Retry-After), then HTTP 200"
    )
    # the other page waited out the same back-off, and says so
    assert isinstance(other, Page) and other.loads
    assert (
        other.evidence().note is not None
        and "(Retry-After), then HTTP 200" in other.evidence().note
    )


async def test_after_a_back_off_the_host_is_asked_one_request_at_a_time(web: RealWeb) -> None:
    paths = ("/a", "/b", "/c", "/d")
    async with site(web, "control.dlzs.gov.cn") as context:
        await asyncio.gather(*(context.page(web.url("control.dlzs.gov.cn", p)) for p in paths))
    assert web.peak["control.dlzs.gov.cn"] == 2  # the control: two at once, as configured

    host = "slow.dlzs.gov.cn"
    async with site(web, host) as context:
        await context.page(web.url(host, "/"))  # 429, then 200 after 1 s
        assert web.peak[host] == 1
        await asyncio.gather(*(context.page(web.url(host, p)) for p in paths))
    assert web.peak[host] == 1
    starts = sorted(t for t, path, _ in arrivals(web, host) if path in paths)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.2 - SLACK, gaps  # the slowed interval


async def test_retry_after_as_an_http_date_is_honoured(web: RealWeb) -> None:
    async with site(web, "date.dlzs.gov.cn") as context:
        page = await context.page(web.url("date.dlzs.gov.cn", "/"))
    log = arrivals(web, "date.dlzs.gov.cn")
    assert [status for _, _, status in log] == [429, 200]
    assert log[1][0] - log[0][0] >= 1.0  # the date lay 1.5 to 2.5 s ahead (whole seconds)
    assert isinstance(page, Page) and page.loads
    assert "(Retry-After), then HTTP 200" in (page.evidence().note or "")


async def test_a_wait_beyond_the_site_budget_is_error_naming_the_rate_limit(web: RealWeb) -> None:
    host = "long.dlzs.gov.cn"
    started = time.monotonic()
    async with site(web, host, budget=3.0) as context:
        verdict = await reachable.run(context, reachable.Params())
        later = await context.page(web.url(host, "/a"))
    assert time.monotonic() - started < 2.5  # nothing waited for a wait it could not afford
    assert verdict.status is Status.ERROR, verdict.message
    assert "rate-limited by the site (HTTP 429)" in verdict.message
    assert "waiting 20 s more would overrun the site's time budget" in verdict.message
    # another page of the host is not even asked for: the host said when to come back
    assert isinstance(later, FetchFailure) and later.kind is FailureKind.RATE_LIMITED
    assert inconclusive(later) and "time budget" in later.message
    assert [path for _, path, _ in arrivals(web, host)] == ["/"]


async def test_a_retry_after_over_the_cap_is_reported_not_waited_for(web: RealWeb) -> None:
    async with site(web, "hour.dlzs.gov.cn") as context:
        verdict = await reachable.run(context, reachable.Params())
    assert verdict.status is Status.ERROR
    assert "the site asks to wait 3600 s (Retry-After), more than gkaudit waits (30 s)" in (
        verdict.message
    )
    assert len(arrivals(web, "hour.dlzs.gov.cn")) == 1


async def reachable_on(web: RealWeb, host: str) -> Verdict:
    async with site(web, host, retries=1, backoff=0.01) as context:
        return await reachable.run(context, reachable.Params())


async def test_a_503_with_retry_after_is_a_rate_limit_never_a_failure(web: RealWeb) -> None:
    verdict = await reachable_on(web, "busy.dlzs.gov.cn")
    assert verdict.status is Status.ERROR, verdict.message
    assert "rate-limited by the site (HTTP 503)" in verdict.message
    # the control: a 503 with no Retry-After on every try is a portal that is down
    down = await reachable_on(web, "down.dlzs.gov.cn")
    assert down.status is Status.FAIL and "503" in down.message


async def test_a_cc_protection_page_slows_the_crawl_until_it_passes(web: RealWeb) -> None:
    # CC protection bans a client over 3 requests a second; gkaudit starts at 2 at a time with
    # no interval, trips it, backs off (0.7 s and more: longer than the 0.6 s ban), then goes
    # one request at a time, 0.45 s apart: under the limit, every page is the portal's
    host = "cc.dlzs.gov.cn"
    async with site(
        web, host, retries=3, interval=0.0, rate_limit_backoff=0.7, slowed_interval=0.45
    ) as context:
        pages = await asyncio.gather(*(context.page(web.url(host, p)) for p in CC_ROUTES))
    assert all(isinstance(p, Page) and p.loads for p in pages), [
        p.evidence() for p in pages if not (isinstance(p, Page) and p.loads)
    ]
    log = arrivals(web, host)
    notes = [p.evidence().note for p in pages if isinstance(p, Page)]
    assert any(n and n.startswith("rate-limited by the site: waited") for n in notes), notes
    assert len(log) > len(CC_ROUTES)  # the limit was tripped: some pages were asked twice


async def test_a_back_off_past_the_deadline_sends_nothing() -> None:
    limits = Politeness(concurrency=4, per_host=2, interval=0.0)
    limits.back_off("a", 5.0)
    limits.back_off("a", 1.0)  # a shorter back-off does not cut a longer one short
    assert limits.backed_off("a") > 4.0
    loop = asyncio.get_running_loop()
    with pytest.raises(BackedOff) as raised:
        async with limits.slot("a", deadline=loop.time() + 2.0):
            pytest.fail("the request must not start")
    assert raised.value.seconds > 4.0
    async with limits.slot("b", deadline=loop.time() + 2.0) as waited:
        assert waited is None  # another host is not held back
