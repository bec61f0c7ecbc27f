"""The private-address guard: no connection to loopback, private, link-local, CGNAT or metadata
addresses, whether they come from a link, a redirect, a meta refresh or DNS, unless allowed.

Every test server is on loopback, so these tests declare one address public: [::1], where the
fake web answers as a "portal". 127.0.0.1 and everything else stays private. The conftest
guard would fail a test that so much as tried to connect to 10.x or 169.254.169.254."""

from __future__ import annotations

import datetime as dt
import ipaddress

import pytest

from gkaudit.model import Family, Site, SiteKind
from gkaudit.net import guard, http
from gkaudit.net.dns import DnsAnswer, Outcome
from gkaudit.net.http import FailureKind, FetchFailure, Page, inconclusive
from gkaudit.site.context import SiteContext
from tests.support.web import FakeWeb, LoopbackResolver

PORTAL = "::1"  # the one loopback address these tests treat as a public portal's


@pytest.fixture
def portal_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    real = guard.is_private

    def is_private(address: str | guard.IPAddress) -> bool:
        return ipaddress.ip_address(address) != ipaddress.ip_address(PORTAL) and real(address)

    monkeypatch.setattr(guard, "is_private", is_private)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",  # CGNAT
        "169.254.169.254",  # cloud metadata
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00:ec2::254",  # ULA (a cloud's IPv6 metadata)
        "::ffff:10.0.0.1",  # IPv4-mapped
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "224.0.0.1",
    ],
)
def test_private_addresses(address: str) -> None:
    assert guard.is_private(address)


@pytest.mark.parametrize("address", ["202.96.134.133", "8.8.8.8", "2400:3200::1", "240e::1"])
def test_public_addresses(address: str) -> None:
    assert not guard.is_private(address)


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/admin/",
        "http://10.0.0.8/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00::1]/",
    ],
)
@pytest.mark.usefixtures("portal_is_public")
async def test_a_redirect_to_a_private_address_is_refused(web: FakeWeb, target: str) -> None:
    target = target.format(port=web.port)
    web.get(web.url(PORTAL, "/go")).respond(302, headers={"Location": target})
    admin = web.get(web.url("127.0.0.1", "/admin/")).respond(html="<title>内网</title>")
    outcome = await web.fetcher(allow_private=False).fetch(web.url(PORTAL, "/go"), Family.IPV6)
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.PRIVATE
    assert outcome.redirects == (target,)
    assert "points to a private address" in outcome.message and inconclusive(outcome)
    assert not admin.called


@pytest.mark.usefixtures("portal_is_public")
async def test_allow_private_follows_the_same_redirect(web: FakeWeb) -> None:
    target = web.url("127.0.0.1", "/admin/")
    web.get(web.url(PORTAL, "/go")).respond(302, headers={"Location": target})
    admin = web.get(target).respond(html="<title>内网</title>")
    fetcher = web.fetcher(allow_private=True)
    first = await fetcher.fetch(web.url(PORTAL, "/go"), Family.IPV6)
    assert isinstance(first, FetchFailure) and first.kind is FailureKind.DNS  # v4 over IPv6
    outcome = await fetcher.fetch(target, Family.IPV4)
    assert isinstance(outcome, Page) and outcome.ok and admin.called


async def test_a_link_to_a_private_address_is_not_fetched(web: FakeWeb) -> None:
    page = web.get(web.url("127.0.0.1", "/x")).respond(html="x")
    outcome = await web.fetcher(allow_private=False).fetch(web.url("127.0.0.1", "/x"))
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.PRIVATE
    assert "127.0.0.1" in outcome.message and not page.called


class IntranetDns(LoopbackResolver):
    """www.gk.gov.cn has an intranet address in its A record (a hijacked zone)."""

    async def addresses(self, host: str, family: Family) -> DnsAnswer:
        if host == "www.gk.gov.cn":
            return DnsAnswer(host, "A", Outcome.ANSWER, records=("10.20.30.40",))
        return await super().addresses(host, family)


async def test_a_dns_answer_with_a_private_address_is_not_connected_to(web: FakeWeb) -> None:
    fetcher = web.fetcher(allow_private=False)
    fetcher.resolver = IntranetDns()
    outcome = await fetcher.fetch("http://www.gk.gov.cn/")
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.PRIVATE
    assert "10.20.30.40" in outcome.message


@pytest.mark.usefixtures("portal_is_public")
async def test_a_meta_refresh_to_a_private_address_is_refused(web: FakeWeb) -> None:
    refresh = '<meta http-equiv="refresh" content="0;url=http://192.168.0.10/oa/">'
    web.get(web.url(PORTAL, "/")).respond(html=refresh)
    site = Site(id="gk", name="测试区", url=web.url(PORTAL, "/"), kind=SiteKind.DISTRICT)
    context = SiteContext(site, web.fetcher(allow_private=False), dt.date(2026, 12, 1))
    home = await context.home(Family.IPV6)
    assert isinstance(home, FetchFailure) and home.kind is FailureKind.PRIVATE
    assert home.redirects[-1] == "http://192.168.0.10/oa/"


def test_the_environment_lifts_the_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GKAUDIT_ALLOW_PRIVATE", "1")
    assert http.FetchSettings().allow_private
    monkeypatch.setenv("GKAUDIT_ALLOW_PRIVATE", "0")
    assert not http.FetchSettings().allow_private
    monkeypatch.delenv("GKAUDIT_ALLOW_PRIVATE")
    assert not http.FetchSettings().allow_private


def test_an_allowance_lifts_the_guard_for_its_networks_only() -> None:
    # an intranet audit: the office's portals are allowed, the metadata service is not
    allowance = guard.AddressGuard.of(False, ["10.20.0.0/16", "fd00:1::/32"])
    assert not allowance.refuses("10.20.30.40") and not allowance.refuses("fd00:1::5")
    assert allowance.refuses("10.21.0.1") and allowance.refuses("169.254.169.254")
    assert allowance.refuses("::ffff:169.254.169.254")
    assert not allowance.refuses("202.96.64.68")  # public addresses are never refused
    assert not guard.AddressGuard.of(True).refuses("127.0.0.1")
