"""domains: which hosts belong to a portal (registered domain per the Public Suffix List)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from gkaudit.domains import host_of, registered_domain, within
from gkaudit.model import Site, SiteKind
from gkaudit.net.dns import Resolver
from gkaudit.net.http import Fetcher
from gkaudit.site.context import SiteContext


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.dl.gov.cn", "dl.gov.cn"),
        ("kjj.dl.gov.cn", "dl.gov.cn"),
        ("dl.gov.cn", "dl.gov.cn"),
        ("a.b.kjj.dl.gov.cn", "dl.gov.cn"),
        # a district portal of its own, not a sub-domain of the city's
        ("dljp.gov.cn", "dljp.gov.cn"),
        ("www.dljp.gov.cn", "dljp.gov.cn"),
        # com.cn is a public suffix like gov.cn
        ("a.b.example.com.cn", "example.com.cn"),
        ("www.example.com", "example.com"),
        # the central portal: gov.cn is a suffix, www.gov.cn its own domain
        ("www.gov.cn", "www.gov.cn"),
        ("gov.cn", "gov.cn"),  # a bare suffix stands for itself
        ("WWW.DL.GOV.CN.", "dl.gov.cn"),  # case and the final dot do not matter
        ("127.0.0.1", "127.0.0.1"),
        ("::1", "::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("", ""),
    ],
)
def test_registered_domain(host: str, domain: str) -> None:
    assert registered_domain(host) == domain


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://www.dl.gov.cn/", "www.dl.gov.cn"),
        ("http://www.dl.gov.cn:8080/x?y=1", "www.dl.gov.cn"),
        ("https://user:secret@www.dl.gov.cn:8443/", "www.dl.gov.cn"),
        ("HTTPS://WWW.DL.GOV.CN./", "www.dl.gov.cn"),
        ("http://127.0.0.1:81/a", "127.0.0.1"),
        ("http://[::1]:8080/", "::1"),
        ("http://[2001:DB8::1]/", "2001:db8::1"),
        ("mailto:office@dl.gov.cn", ""),
        ("/relative/path", ""),
        ("http://[::1/", ""),  # malformed: no host rather than an exception
    ],
)
def test_host_of(url: str, host: str) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(
    ("host", "domain", "inside"),
    [
        ("kjj.dl.gov.cn", "dl.gov.cn", True),
        ("dl.gov.cn", "dl.gov.cn", True),
        ("KJJ.DL.GOV.CN.", "dl.gov.cn", True),
        ("dljp.gov.cn", "dl.gov.cn", False),  # ends with "dl.gov.cn", but is not under it
        ("xdl.gov.cn", "dl.gov.cn", False),
        ("dl.gov.cn.evil.com", "dl.gov.cn", False),
        ("gov.cn", "dl.gov.cn", False),
    ],
)
def test_within(host: str, domain: str, inside: bool) -> None:
    assert within(host, domain) is inside


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    # nothing here sends a packet; the resolver points at a closed loopback port all the same
    f = Fetcher(Resolver(["127.0.0.1:9"]))
    yield f
    await f.aclose()


def context(url: str, fetcher: Fetcher) -> SiteContext:
    site = Site(id="portal", name="门户", url=url, kind=SiteKind.DISTRICT)
    return SiteContext(site, fetcher, dt.date(2026, 6, 1))


@pytest.mark.parametrize(
    ("link", "internal"),
    [
        ("http://www.dl.gov.cn/zwgk/", True),
        ("https://kjj.dl.gov.cn:8443/a.html", True),  # another scheme and port, same domain
        ("http://dl.gov.cn/", True),
        ("http://www.dljp.gov.cn/", False),
        ("http://www.gov.cn/", False),
        ("http://www.ln.gov.cn/", False),
        ("http://127.0.0.1/", False),
        ("javascript:void(0)", False),
    ],
)
async def test_is_internal_for_a_portal(fetcher: Fetcher, link: str, internal: bool) -> None:
    assert context("http://www.dl.gov.cn:8080/", fetcher).is_internal(link) is internal


async def test_is_internal_for_a_portal_at_an_ip_address(fetcher: Fetcher) -> None:
    site = context("http://127.0.0.1:8080/", fetcher)
    assert site.domain == "127.0.0.1"
    assert site.is_internal("http://127.0.0.1:9090/x")
    assert not site.is_internal("http://127.0.0.2/")
    v6 = context("http://[::1]:8080/", fetcher)
    assert v6.is_internal("http://[::1]/x") and not v6.is_internal("http://127.0.0.1/")


async def test_idn_portal_links_are_internal(fetcher: Fetcher) -> None:
    site = context("http://www.大连.gov.cn/", fetcher)
    # gkaudit.html writes link hosts as A-labels, as browsers send them
    assert site.is_internal("http://www.xn--pss468j.gov.cn/zwgk/")
