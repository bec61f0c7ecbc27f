"""links_broken beyond its golden cases: one probe per URL per run (shared with ipv6.links and
between portals), the private-address guard on outside links, politeness towards outside hosts,
HEAD refused, and the Chinese of a finding. Real loopback DNS and HTTP servers throughout."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager

import pytest

from gkaudit import i18n
from gkaudit.checks.ipv6_links.check import Params as Ipv6LinksParams
from gkaudit.checks.ipv6_links.check import run as ipv6_links
from gkaudit.checks.links_broken.check import Params, run
from gkaudit.demo.http import Response, VirtualHost
from gkaudit.model import Family, HtmlEvidence, Site, SiteKind, Status
from gkaudit.net import guard
from gkaudit.site.context import SiteContext
from tests.checks.ipv6_support import AS_OF, page
from tests.support.loopback import DUAL, Fleet, merge, zone
from tests.support.web import FakeWeb

OUTSIDE = "www.outside.gov.cn"
RECORDS = merge(
    zone("links.gov.cn", www=DUAL),
    zone("peer.gov.cn", www=DUAL),
    zone("outside.gov.cn", www=DUAL, intranet={"A": ["10.1.2.3"]}),
)


def _hosts(port: int) -> dict[str, VirtualHost]:
    def url(host: str, path: str) -> str:
        return f"http://{host}:{port}{path}"

    shared = url(OUTSIDE, "/shared.html")
    many = [url(OUTSIDE, f"/item{i}.html") for i in range(30)]
    return {
        "www.links.gov.cn": VirtualHost(
            {
                "/": Response.html(page("链接门户", ["/col.html", "/files/dead.pdf", shared])),
                "/col.html": Response.html(page("栏目", ["/files/dead.pdf", "/a.html", shared])),
                "/a.html": Response.html(page("文章")),
                "/many.html": Response.html(page("服务", many)),
                "/private.html": Response.html(
                    page(
                        "内网",
                        [
                            "http://10.0.0.8/admin/",
                            "http://169.254.169.254/latest/meta-data/",
                            url("intranet.outside.gov.cn", "/"),
                        ],
                    )
                ),
            }
        ),
        "www.peer.gov.cn": VirtualHost({"/": Response.html(page("兄弟门户", [shared, "/"]))}),
        OUTSIDE: VirtualHost(
            {
                "/shared.html": Response.html(page("中国政府网")),
                **{f"/item{i}.html": Response.html(page("办事")) for i in range(30)},
            }
        ),
    }


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    with Fleet(RECORDS, _hosts) as running:
        yield running


def contexts(
    fleet: Fleet, *paths: tuple[str, str], per_host: int = 2
) -> AbstractAsyncContextManager[list[SiteContext]]:
    """One context per (host, path), all on one fetcher and one run's probes."""
    sites = [fleet.site(host, path=path) for host, path in paths]
    return fleet.contexts(sites, as_of=AS_OF, per_host=per_host)


async def test_a_url_is_probed_once_per_family_for_both_checks_and_every_portal(
    fleet: Fleet,
) -> None:
    web = fleet.http
    web.requests.counts.clear()
    async with contexts(fleet, ("www.links.gov.cn", "/"), ("www.peer.gov.cn", "/")) as (
        portal,
        peer,
    ):
        broken, v6, other = await asyncio.gather(
            run(portal, Params()),
            ipv6_links(portal, Ipv6LinksParams(level2_min=0.5, level3_min=0.5)),
            run(peer, Params()),
        )
    assert broken.status is Status.FAIL and "home page: 1 of 3 links broken" in broken.message
    assert v6.status is Status.PASS  # /files/dead.pdf is 404 over both families: broken, not IPv6
    assert other.status is Status.PASS

    def asked(host: str, path: str, family: Family) -> dict[str, int]:
        return web.requests.of(host, path, family)

    # a dead internal attachment (no page opens it): ipv6.links probes it over IPv6, then
    # IPv4 to tell a dead link from an IPv6 fault; links.broken's IPv4 probe is the same one.
    # One probe = HEAD, the GET where HEAD failed, and the error page read once (so that a
    # block page would be recognised).
    for family in (Family.IPV4, Family.IPV6):
        assert asked("www.links.gov.cn", "/files/dead.pdf", family) == {"HEAD": 1, "GET": 2}
    # linked from both portals, external to both: one HEAD for the run, never over IPv6
    assert asked(OUTSIDE, "/shared.html", Family.IPV4) == {"HEAD": 1}
    assert asked(OUTSIDE, "/shared.html", Family.IPV6) == {}
    # an article of the sampled page: probed by links.broken over IPv4 and by ipv6.links over
    # IPv6 at level 3, once each
    assert asked("www.links.gov.cn", "/a.html", Family.IPV4) == {"HEAD": 1}
    assert asked("www.links.gov.cn", "/a.html", Family.IPV6) == {"HEAD": 1}


async def test_outside_links_to_private_addresses_are_never_connected_to(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The portal's own address counts as public here (every test server is on loopback);
    its links to 10.x, the metadata service and a name resolving to 10.1.2.3 stay private.
    The conftest guard would fail this test had anything connected to them."""
    real = guard.is_private

    def is_private(address: str | guard.IPAddress) -> bool:
        return ipaddress.ip_address(address) != ipaddress.ip_address("127.0.0.1") and real(address)

    # the one guard (net/guard.py) decides for IP literals and DNS answers alike
    monkeypatch.setattr(guard, "is_private", is_private)
    monkeypatch.setenv("GKAUDIT_ALLOW_PRIVATE", "0")
    async with contexts(fleet, ("www.links.gov.cn", "/private.html")) as (portal,):
        verdict = await run(portal, Params(sample_pages=0))
    assert verdict.status is Status.ERROR, verdict.message
    assert "3 undecided" in verdict.message
    assert "points to a private address (10.0.0.8), not fetched" in verdict.message
    assert verdict.metrics["home_broken"] == 0


async def test_outside_hosts_get_the_per_host_limit_and_a_cap(
    fleet: Fleet,
) -> None:
    web = fleet.http
    web.latency = 0.05  # so that requests overlap, for the server to count them in flight
    web.in_flight.reset()
    try:
        async with contexts(fleet, ("www.links.gov.cn", "/many.html"), per_host=2) as (site,):
            verdict = await run(site, Params(sample_pages=0, max_per_host=20))
    finally:
        web.latency = 0.0
    assert verdict.status is Status.PASS, verdict.message
    assert verdict.metrics["home_links"] == 20 and verdict.metrics["left_out"] == 10
    assert web.in_flight.peak[OUTSIDE] <= 2


async def test_a_refused_head_falls_back_to_get(web: FakeWeb) -> None:
    home = web.url("www.gk.gov.cn", "/")
    web.get(home).respond(html=page("门户", ["/doc.html"]))
    web.head(web.url("www.gk.gov.cn", "/doc.html")).respond(405)
    doc = web.get(web.url("www.gk.gov.cn", "/doc.html")).respond(html=page("文件"))
    site = Site(id="gk", name="gk", url=home, kind=SiteKind.DISTRICT)
    context = SiteContext(site, web.fetcher(), AS_OF)
    try:
        verdict = await run(context, Params(sample_pages=0))
    finally:
        context.close()
    assert verdict.status is Status.PASS, verdict.message
    assert doc.call_count == 1


async def test_a_broken_link_reads_in_chinese_with_what_to_fix(
    fleet: Fleet,
) -> None:
    web = fleet.http
    i18n.use("zh")
    async with contexts(fleet, ("www.links.gov.cn", "/")) as (portal,):
        verdict = await run(portal, Params())
    assert verdict.status is Status.FAIL
    assert verdict.message.startswith("链接不可用")
    shown = [e for e in verdict.evidence if isinstance(e, HtmlEvidence)]
    assert [e.href for e in shown] == [f"http://www.links.gov.cn:{web.port}/files/dead.pdf"]
    assert "HTTP 404" in shown[0].text
