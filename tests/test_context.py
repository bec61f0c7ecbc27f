"""context: one fetch per page per family, the home page as a browser reaches it, robots, budget."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import httpx2
import pytest
import respx

from gkaudit.context import SiteContext
from gkaudit.model import Family, Site, SiteKind
from gkaudit.net.dns import Resolver
from gkaudit.net.http import FailureKind, Fetcher, FetchFailure, FetchSettings, Page
from gkaudit.net.robots import Robots

BASE = "http://www.gk.gov.cn"
NAV = "".join(f'<a href="/col/{i}/">栏目{i}</a>' for i in range(5))


def html(title: str, body: str = "") -> httpx2.Response:
    head = f"<html><head><title>{title}</title></head>"
    return httpx2.Response(200, html=f"{head}<body><div class=nav>{NAV}</div>{body}</body></html>")


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    # respx answers inside the connection pool, so the resolver is never asked
    f = Fetcher(Resolver(["127.0.0.1:9"]), FetchSettings(timeout=2, retries=0, interval=0))
    yield f
    await f.aclose()


def context(fetcher: Fetcher, **options: object) -> SiteContext:
    site = Site(id="gk", name="测试区", url=BASE + "/", kind=SiteKind.DISTRICT)
    return SiteContext(site, fetcher, dt.date(2026, 11, 29), **options)  # type: ignore[arg-type]


@respx.mock
async def test_each_page_is_fetched_once_per_family(fetcher: Fetcher) -> None:
    route = respx.get(BASE + "/a").mock(return_value=html("A"))
    site = context(fetcher)
    pages = await asyncio.gather(*(site.page(BASE + "/a") for _ in range(10)))
    await site.page(BASE + "/a", Family.IPV6)
    assert all(p is pages[0] for p in pages)
    assert route.call_count == 2  # one per family


@respx.mock
async def test_home_follows_http_redirect_meta_refresh_and_script_stub(fetcher: Fetcher) -> None:
    respx.get(BASE + "/").mock(httpx2.Response(302, headers={"Location": "/portal/"}))
    respx.get(BASE + "/portal/").mock(
        httpx2.Response(200, html='<meta http-equiv="refresh" content="0; url=/go.html">')
    )
    respx.get(BASE + "/go.html").mock(
        httpx2.Response(200, html="<script>window.location.href='/index.html';</script>")
    )
    respx.get(BASE + "/index.html").mock(return_value=html("首页"))
    home = await context(fetcher).home()
    assert isinstance(home, Page) and home.document().title == "首页"
    assert home.url == BASE + "/" and home.final_url == BASE + "/index.html"
    assert home.redirects == (BASE + "/portal/", BASE + "/go.html", BASE + "/index.html")


@respx.mock
async def test_a_script_redirect_on_a_full_page_is_not_followed(fetcher: Fetcher) -> None:
    # portals send phones elsewhere with `if (mobile) location.href=...`: not a redirect
    respx.get(BASE + "/").mock(return_value=html("首页", "<script>location.href='/m/';</script>"))
    home = await context(fetcher).home()
    assert isinstance(home, Page) and home.final_url == BASE + "/" and not home.redirects


@respx.mock
async def test_frameset_enters_the_frame_with_the_content(fetcher: Fetcher) -> None:
    respx.get(BASE + "/").mock(
        httpx2.Response(
            200,
            html='<frameset rows="80,*"><frame src="/top.html"><frame src="/main.html"></frameset>',
        )
    )
    respx.get(BASE + "/top.html").mock(httpx2.Response(200, html="<img src=logo.png>"))
    respx.get(BASE + "/main.html").mock(return_value=html("主页面"))
    home = await context(fetcher).home()
    assert isinstance(home, Page) and home.final_url == BASE + "/main.html"


@respx.mock
async def test_refresh_loop_stops(fetcher: Fetcher) -> None:
    respx.get(BASE + "/").mock(
        httpx2.Response(200, html='<meta http-equiv="refresh" content="0;url=/b">')
    )
    respx.get(BASE + "/b").mock(
        httpx2.Response(200, html='<meta http-equiv="refresh" content="0;url=/">')
    )
    home = await context(fetcher).home()
    assert isinstance(home, Page) and home.final_url == BASE + "/b"


@respx.mock
async def test_home_failure_keeps_the_site_url(fetcher: Fetcher) -> None:
    respx.get(BASE + "/").mock(side_effect=httpx2.ConnectError("Connection refused"))
    home = await context(fetcher).home()
    assert isinstance(home, FetchFailure) and home.url == BASE + "/"
    assert home.kind is FailureKind.REFUSED


@respx.mock
async def test_robots_disallow_applies_to_crawled_pages_not_the_home_page(
    fetcher: Fetcher,
) -> None:
    respx.get(BASE + "/robots.txt").mock(
        httpx2.Response(200, text="User-agent: *\nDisallow: /\nAllow: /xxgk/\n")
    )
    respx.get(BASE + "/").mock(return_value=html("首页"))
    allowed = respx.get(BASE + "/xxgk/index.html").mock(return_value=html("信息公开"))
    private = respx.get(BASE + "/admin/").mock(return_value=html("后台"))
    site = context(fetcher, robots=Robots(fetcher, "gkaudit/1.0"))
    assert isinstance(await site.home(), Page)
    assert isinstance(await site.page(BASE + "/xxgk/index.html"), Page) and allowed.called
    refused = await site.page(BASE + "/admin/")
    assert isinstance(refused, FetchFailure) and refused.kind is FailureKind.ROBOTS
    assert not private.called


@respx.mock
async def test_robots_server_error_means_disallow_and_404_means_allow(fetcher: Fetcher) -> None:
    respx.get("http://a.gk.gov.cn/robots.txt").mock(httpx2.Response(503))
    respx.get("http://b.gk.gov.cn/robots.txt").mock(httpx2.Response(404))
    robots = Robots(fetcher, "gkaudit/1.0")
    assert not await robots.allowed("http://a.gk.gov.cn/x")
    assert await robots.allowed("http://b.gk.gov.cn/x")


@respx.mock
async def test_page_budget(fetcher: Fetcher) -> None:
    respx.get(url__regex=BASE + r"/p\d").mock(return_value=html("页"))
    site = context(fetcher, max_pages=2)
    outcomes = [await site.page(f"{BASE}/p{i}") for i in range(3)]
    assert [isinstance(o, Page) for o in outcomes] == [True, True, False]
    assert isinstance(outcomes[2], FetchFailure) and outcomes[2].kind is FailureKind.BUDGET


def test_internal_links_share_the_registered_domain(fetcher: Fetcher) -> None:
    site = context(fetcher)
    assert site.domain == "gk.gov.cn"
    assert site.is_internal("http://zwfw.gk.gov.cn/x") and site.is_internal("https://gk.gov.cn/")
    assert not site.is_internal("http://www.gov.cn/") and not site.is_internal("http://xgk.gov.cn/")


@respx.mock
async def test_chrome_is_what_recurs_on_the_reference_pages(fetcher: Fetcher) -> None:
    items = "".join(f'<li><a href="/art/{i}.html">文章{i}</a></li>' for i in range(4))
    respx.get(BASE + "/").mock(return_value=html("首页", '<a href="/news/">新闻</a>'))
    respx.get(url__regex=BASE + r"/col/\d/").mock(return_value=html("栏目", items))
    chrome = await context(fetcher).chrome()
    assert chrome == {(f"{BASE}/col/{i}/", f"栏目{i}") for i in range(5)}  # the nav bar


@respx.mock
async def test_open_follows_a_column_refresh_once_and_keeps_the_url(fetcher: Fetcher) -> None:
    stub = respx.get(BASE + "/zwgk/").mock(
        httpx2.Response(200, html='<meta http-equiv="refresh" content="0;url=index.shtml">')
    )
    respx.get(BASE + "/zwgk/index.shtml").mock(return_value=html("政务公开"))
    site = context(fetcher)
    pages = await asyncio.gather(site.open(BASE + "/zwgk/"), site.open(BASE + "/zwgk/"))
    assert pages[0] is pages[1] and stub.call_count == 1
    assert isinstance(pages[0], Page) and pages[0].document().title == "政务公开"
    assert pages[0].url == BASE + "/zwgk/" and pages[0].redirects == (BASE + "/zwgk/index.shtml",)


@respx.mock
async def test_robots_and_budget_do_not_poison_the_home_page(fetcher: Fetcher) -> None:
    respx.get(BASE + "/robots.txt").mock(
        httpx2.Response(200, text="User-agent: *\nDisallow: /portal/\n")
    )
    respx.get(BASE + "/").mock(
        httpx2.Response(200, html='<meta http-equiv="refresh" content="0;url=/portal/">')
    )
    portal = respx.get(BASE + "/portal/").mock(return_value=html("首页"))
    site = context(fetcher, robots=Robots(fetcher, "gkaudit/1.0"), max_pages=1)
    crawled = await site.page(BASE + "/portal/")  # a check asks first: robots says no
    assert isinstance(crawled, FetchFailure) and crawled.kind is FailureKind.ROBOTS
    home = await site.home()  # the home page is public by definition, whatever robots says
    assert isinstance(home, Page) and home.final_url == BASE + "/portal/" and portal.call_count == 1
    respx.get(BASE + "/other").mock(return_value=html("其他"))
    assert isinstance(await site.page(BASE + "/other"), Page)  # the budget of 1 was untouched
