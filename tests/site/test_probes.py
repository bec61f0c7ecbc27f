"""The run-wide probe memo: one probe per URL and family, and what it forgets."""

from __future__ import annotations

import asyncio

from gkaudit.model import Family
from gkaudit.site.probes import Probes
from tests.support.web import FakeWeb


async def test_forgetting_a_domain_drops_its_known_outcomes_only(web: FakeWeb) -> None:
    own, sub, other = (
        web.url("www.a.gov.cn", "/x.html"),
        web.url("kjj.a.gov.cn", "/y.html"),
        web.url("www.b.gov.cn", "/z.html"),
    )
    routes = {url: web.head(url) for url in (own, sub, other)}
    probes = Probes(web.fetcher())
    for url in (own, sub, other, own):
        await probes.probe(url, Family.IPV4)
    assert [routes[url].call_count for url in (own, sub, other)] == [1, 1, 1]

    probes.forget("a.gov.cn")
    for url in (own, sub, other):
        await probes.probe(url, Family.IPV4)
    # a.gov.cn's outcomes (its subdomains' too) are probed again; b.gov.cn's are remembered
    assert [routes[url].call_count for url in (own, sub, other)] == [2, 2, 1]
    probes.close()


async def test_a_probe_running_when_its_domain_is_forgotten_is_still_shared(web: FakeWeb) -> None:
    url = web.url("www.a.gov.cn", "/slow.html")
    route = web.head(url)
    probes = Probes(web.fetcher())
    first = asyncio.ensure_future(probes.probe(url, Family.IPV4))
    await asyncio.sleep(0)  # the probe has started; its answer has not come
    probes.forget("a.gov.cn")
    second = asyncio.ensure_future(probes.probe(url, Family.IPV4))
    assert await first == await second
    assert route.call_count == 1
    probes.close()


async def test_the_oldest_outcome_past_the_limit_is_forgotten_with_its_domain_entry(
    web: FakeWeb,
) -> None:
    urls = [web.url(f"www.d{i}.gov.cn", "/") for i in range(3)]
    routes = [web.head(url) for url in urls]
    probes = Probes(web.fetcher(), limit=2)
    for url in urls:
        await probes.probe(url, Family.IPV4)
    await probes.probe(urls[0], Family.IPV4)  # pushed out by the third: probed again
    await probes.probe(urls[2], Family.IPV4)
    assert [route.call_count for route in routes] == [2, 1, 1]
    probes.forget("d1.gov.cn")  # pushed out already: nothing left to forget
    probes.forget("d0.gov.cn")  # the re-probed outcome
    await probes.probe(urls[0], Family.IPV4)
    assert [route.call_count for route in routes] == [3, 1, 1]
    probes.close()
