"""A cookie jar per site: the session cookie a load balancer or a JSP server sets together with
a redirect to the same URL, sent back as a browser does, over real loopback sockets."""

from __future__ import annotations

import datetime as dt

import aiohttp

from gkaudit.model import Family, Site, SiteKind
from gkaudit.net.http import FailureKind, FetchFailure, Page
from gkaudit.site.context import SiteContext
from tests.support.web import FakeWeb

PORTAL = "www.gk.gov.cn"
AS_OF = dt.date(2026, 12, 1)
# The header shapes of the real products: F5 BIG-IP's persistence cookie (pool member address
# and port encoded), Tomcat's session id.
BIGIP = "BIGipServerpool_www_gk_80=1677787402.20480.0000"
BIGIP_HEADER = f"{BIGIP}; path=/; Httponly"
JSESSIONID = "JSESSIONID=8D3B1C0E4F2A6B7C9D0E1F2A3B4C5D6E"
JSESSIONID_HEADER = f"{JSESSIONID}; Path=/; HttpOnly"


def _site(web: FakeWeb, path: str = "/", site_id: str = "gk") -> Site:
    return Site(id=site_id, name="测试区", url=web.url(PORTAL, path), kind=SiteKind.DISTRICT)


def _cookie_redirect(web: FakeWeb, path: str, set_cookie: str, cookie: str) -> None:
    """`path` redirects to itself setting `set_cookie` until the request sends `cookie`."""
    url = web.url(PORTAL, path)
    web.get(url).respond(302, headers=[("Location", url), ("Set-Cookie", set_cookie)])
    web.get(url, cookie=cookie).respond(html="<title>首页</title>")


async def test_a_bigip_cookie_redirect_is_followed_with_the_cookie(web: FakeWeb) -> None:
    _cookie_redirect(web, "/", BIGIP_HEADER, BIGIP)
    context = SiteContext(_site(web), web.fetcher(), AS_OF)
    try:
        outcome = await context.page(web.url(PORTAL, "/"))
    finally:
        context.close()
    assert isinstance(outcome, Page) and outcome.status == 200
    assert outcome.redirects == (web.url(PORTAL, "/"),)  # one hop, no loop


async def test_a_jsessionid_redirect_is_no_loop_with_a_jar(web: FakeWeb) -> None:
    _cookie_redirect(web, "/col/index.jsp", JSESSIONID_HEADER, JSESSIONID)
    answered = web.routes[0]
    jar = aiohttp.CookieJar(unsafe=True)
    outcome = await web.fetcher().fetch(web.url(PORTAL, "/col/index.jsp"), cookies=jar)
    assert isinstance(outcome, Page) and outcome.status == 200
    assert answered.cookies_seen == [JSESSIONID]


async def test_without_a_jar_the_same_redirect_is_a_loop(web: FakeWeb) -> None:
    _cookie_redirect(web, "/", BIGIP_HEADER, BIGIP)
    outcome = await web.fetcher().fetch(web.url(PORTAL, "/"))
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.REDIRECTS


async def test_a_redirect_to_itself_with_the_same_cookie_is_still_a_loop(web: FakeWeb) -> None:
    url = web.url(PORTAL, "/")
    web.get(url).respond(302, headers=[("Location", url), ("Set-Cookie", BIGIP_HEADER)])
    jar = aiohttp.CookieJar(unsafe=True)
    outcome = await web.fetcher().fetch(url, Family.IPV6, cookies=jar)
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.REDIRECTS
    assert outcome.message == f"redirect loop back to {url}"


async def test_cookies_are_never_shared_across_sites(web: FakeWeb) -> None:
    # two portals on one host (a district and its sub-portal): a shared jar would send the
    # first one's Path=/ session cookie to the second
    _cookie_redirect(web, "/", JSESSIONID_HEADER, JSESSIONID)
    other = web.get(web.url(PORTAL, "/qx/")).respond(html="<title>分站</title>")
    fetcher = web.fetcher()
    first = SiteContext(_site(web), fetcher, AS_OF)
    second = SiteContext(_site(web, "/qx/", "qx"), fetcher, AS_OF)
    try:
        assert isinstance(await first.page(web.url(PORTAL, "/")), Page)
        assert isinstance(await second.page(web.url(PORTAL, "/qx/")), Page)
    finally:
        first.close()
        second.close()
    assert other.cookies_seen == [""]
