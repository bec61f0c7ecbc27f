"""context: one fetch per page per family, the home page as a browser reaches it, robots, budget."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import socket

import pytest

from gkaudit.model import Family, Site, SiteKind
from gkaudit.net.http import FailureKind, Fetcher, FetchFailure, Page
from gkaudit.net.robots import Robots
from gkaudit.site.chrome import chrome_of
from gkaudit.site.context import SiteContext
from tests.support.web import FakeWeb

NAV = "".join(f'<a href="/col/{i}/">栏目{i}</a>' for i in range(5))


def html(title: str, body: str = "") -> str:
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><div class=nav>{NAV}</div>{body}</body></html>"


@pytest.fixture
def base(web: FakeWeb) -> str:
    return web.url("www.gk.gov.cn", "")


@pytest.fixture
def fetcher(web: FakeWeb) -> Fetcher:
    return web.fetcher()


def context(fetcher: Fetcher, url: str, **options: object) -> SiteContext:
    site = Site(id="gk", name="测试区", url=url + "/", kind=SiteKind.DISTRICT)
    return SiteContext(site, fetcher, dt.date(2026, 11, 29), **options)  # type: ignore[arg-type]


async def test_each_page_is_fetched_once_per_family(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    route = web.get(base + "/a").respond(html=html("A"))
    site = context(fetcher, base)
    pages = await asyncio.gather(*(site.page(base + "/a") for _ in range(10)))
    await site.page(base + "/a", Family.IPV6)
    assert all(p is pages[0] for p in pages)
    assert route.call_count == 2  # one per family


async def test_home_follows_http_redirect_meta_refresh_and_script_stub(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    web.get(base + "/").respond(302, headers={"Location": "/portal/"})
    web.get(base + "/portal/").respond(
        200, html='<meta http-equiv="refresh" content="0; url=/go.html">'
    )
    web.get(base + "/go.html").respond(
        200, html="<script>window.location.href='/index.html';</script>"
    )
    web.get(base + "/index.html").respond(html=html("首页"))
    site = context(fetcher, base)
    home = await site.home()
    assert isinstance(home, Page) and site.document(home).title == "首页"
    assert home.url == base + "/" and home.final_url == base + "/index.html"
    assert home.redirects == (base + "/portal/", base + "/go.html", base + "/index.html")


async def test_a_script_redirect_on_a_full_page_is_not_followed(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    # portals send phones elsewhere with `if (mobile) location.href=...`: not a redirect
    web.get(base + "/").respond(html=html("首页", "<script>location.href='/m/';</script>"))
    home = await context(fetcher, base).home()
    assert isinstance(home, Page) and home.final_url == base + "/" and not home.redirects


async def test_frameset_enters_the_frame_with_the_content(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    web.get(base + "/").respond(
        200,
        html='<frameset rows="80,*"><frame src="/top.html"><frame src="/main.html"></frameset>',
    )
    web.get(base + "/top.html").respond(200, html="<img src=logo.png>")
    web.get(base + "/main.html").respond(html=html("主页面"))
    home = await context(fetcher, base).home()
    assert isinstance(home, Page) and home.final_url == base + "/main.html"


async def test_refresh_loop_stops(web: FakeWeb, base: str, fetcher: Fetcher) -> None:
    web.get(base + "/").respond(200, html='<meta http-equiv="refresh" content="0;url=/b">')
    web.get(base + "/b").respond(200, html='<meta http-equiv="refresh" content="0;url=/">')
    home = await context(fetcher, base).home()
    assert isinstance(home, Page) and home.final_url == base + "/b"


async def test_home_failure_keeps_the_site_url(fetcher: Fetcher) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://www.gk.gov.cn:{probe.getsockname()[1]}"
    home = await context(fetcher, closed).home()
    assert isinstance(home, FetchFailure) and home.url == closed + "/"
    assert home.kind is FailureKind.REFUSED


async def test_robots_disallow_applies_to_crawled_pages_not_the_home_page(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    web.get(base + "/robots.txt").respond(200, text="User-agent: *\nDisallow: /\nAllow: /xxgk/\n")
    web.get(base + "/").respond(html=html("首页"))
    allowed = web.get(base + "/xxgk/index.html").respond(html=html("信息公开"))
    private = web.get(base + "/admin/").respond(html=html("后台"))
    site = context(fetcher, base, robots=Robots(fetcher, "gkaudit/1.0"))
    assert isinstance(await site.home(), Page)
    assert isinstance(await site.page(base + "/xxgk/index.html"), Page) and allowed.called
    refused = await site.page(base + "/admin/")
    assert isinstance(refused, FetchFailure) and refused.kind is FailureKind.ROBOTS
    assert not private.called


async def test_robots_server_error_means_disallow_and_404_means_allow(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    web.get(web.url("a.gk.gov.cn", "/robots.txt")).respond(503)
    web.get(web.url("b.gk.gov.cn", "/robots.txt")).respond(404)
    robots = Robots(fetcher, "gkaudit/1.0")
    assert not await robots.allowed(web.url("a.gk.gov.cn", "/x"))
    assert await robots.allowed(web.url("b.gk.gov.cn", "/x"))


async def test_page_budget(web: FakeWeb, base: str, fetcher: Fetcher) -> None:
    web.get(re.compile(re.escape(base) + r"/p\d")).respond(html=html("页"))
    site = context(fetcher, base, max_pages=2)
    outcomes = [await site.page(f"{base}/p{i}") for i in range(3)]
    assert [isinstance(o, Page) for o in outcomes] == [True, True, False]
    assert isinstance(outcomes[2], FetchFailure) and outcomes[2].kind is FailureKind.BUDGET


async def test_internal_links_share_the_registered_domain(base: str, fetcher: Fetcher) -> None:
    site = context(fetcher, base)
    assert site.domain == "gk.gov.cn"
    assert site.is_internal("http://zwfw.gk.gov.cn/x") and site.is_internal("https://gk.gov.cn/")
    assert not site.is_internal("http://www.gov.cn/") and not site.is_internal("http://xgk.gov.cn/")


async def test_chrome_is_what_recurs_on_the_reference_pages(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    items = "".join(f'<li><a href="/art/{i}.html">文章{i}</a></li>' for i in range(4))
    web.get(base + "/").respond(html=html("首页", '<a href="/news/">新闻</a>'))
    web.get(re.compile(re.escape(base) + r"/col/\d/")).respond(html=html("栏目", items))
    chrome = await chrome_of(context(fetcher, base))
    assert chrome == {(f"{base}/col/{i}/", f"栏目{i}") for i in range(5)}  # the nav bar


async def test_open_follows_a_column_refresh_once_and_keeps_the_url(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    stub = web.get(base + "/zwgk/").respond(
        200, html='<meta http-equiv="refresh" content="0;url=index.shtml">'
    )
    web.get(base + "/zwgk/index.shtml").respond(html=html("政务公开"))
    site = context(fetcher, base)
    pages = await asyncio.gather(site.open(base + "/zwgk/"), site.open(base + "/zwgk/"))
    assert pages[0] is pages[1] and stub.call_count == 1
    assert isinstance(pages[0], Page) and site.document(pages[0]).title == "政务公开"
    assert pages[0].url == base + "/zwgk/" and pages[0].redirects == (base + "/zwgk/index.shtml",)


async def test_robots_and_budget_do_not_poison_the_home_page(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    web.get(base + "/robots.txt").respond(200, text="User-agent: *\nDisallow: /portal/\n")
    web.get(base + "/").respond(200, html='<meta http-equiv="refresh" content="0;url=/portal/">')
    portal = web.get(base + "/portal/").respond(html=html("首页"))
    site = context(fetcher, base, robots=Robots(fetcher, "gkaudit/1.0"), max_pages=1)
    crawled = await site.page(base + "/portal/")  # a check asks first: robots says no
    assert isinstance(crawled, FetchFailure) and crawled.kind is FailureKind.ROBOTS
    home = await site.home()  # the home page is public by definition, whatever robots says
    assert isinstance(home, Page) and home.final_url == base + "/portal/" and portal.call_count == 1
    web.get(base + "/other").respond(html=html("其他"))
    assert isinstance(await site.page(base + "/other"), Page)  # the budget of 1 was untouched


# --- the parse cache ---------------------------------------------------------------------------


async def test_a_page_is_parsed_once_and_its_body_released(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    web.get(base + "/a").respond(200, html=html("A"), headers={"content-type": ""})
    site = context(fetcher, base)
    page = await site.page(base + "/a")
    assert isinstance(page, Page)
    size = len(page.body)
    assert size > 0 and page.is_html  # no content type: sniffed from the body
    doc = site.document(page)
    assert doc.title == "A" and site.document(page) is doc
    assert page.body == b"" and page.size == size and page.is_html  # the parsed form remains


async def test_the_home_page_shares_the_parse_of_the_page_it_landed_on(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    web.get(base + "/").respond(200, html='<meta http-equiv="refresh" content="0;url=/index.html">')
    web.get(base + "/index.html").respond(html=html("首页"))
    site = context(fetcher, base)
    home = await site.home()
    landed = await site.page(base + "/index.html")
    assert isinstance(home, Page) and isinstance(landed, Page)
    assert home is not landed and home.url == base + "/"  # a copy, named by the site's URL
    assert site.document(home) is site.document(landed)
    assert home.body == b"" and landed.body == b""


async def test_short_dates_are_read_against_the_as_of_date(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    rows = '<li><a href="/1.html">第一号通知的标题</a><span>[12-30]</span></li>'
    web.get(base + "/list/").respond(html=html("列表", f"<ul>{rows}</ul>"))
    for as_of, year in ((dt.date(2026, 11, 29), 2025), (dt.date(2026, 12, 31), 2026)):
        site = SiteContext(
            Site(id="gk", name="测试区", url=base + "/", kind=SiteKind.DISTRICT), fetcher, as_of
        )
        page = await site.page(base + "/list/")
        assert isinstance(page, Page)
        dated = [link for link in site.document(page).links if link.date is not None]
        assert [link.date for link in dated] == [dt.date(year, 12, 30)]


async def test_a_page_a_probe_read_as_an_error_is_not_fetched_again(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    """links.broken probes a dead link (HEAD, a bodiless GET, the GET with its body) before a
    column rule opens the same URL as a page: the page is the answer the probe read."""
    dead = web.get(base + "/dead").respond(404, html=html("页面不存在"))
    dead_head = web.head(base + "/dead").respond(404)
    live = web.get(base + "/live").respond(html=html("栏目"))
    web.head(base + "/live").respond()
    refused = web.get(base + "/refused").respond(403, html=html("禁止访问"))
    web.head(base + "/refused").respond(403)
    site = context(fetcher, base, max_pages=3)
    for path in ("/dead", "/live", "/refused"):
        await site.probe(base + path, Family.IPV4)
    asked = dead.call_count + dead_head.call_count
    page = await site.page(base + "/dead")
    assert isinstance(page, Page) and page.status == 404
    assert dead.call_count + dead_head.call_count == asked  # the probe's answer, no request
    # a success's body was dropped by the probe memo, and a refusal of gkaudit was not read:
    # both are fetched as pages
    assert isinstance(await site.page(base + "/live"), Page) and live.call_count == 1
    assert isinstance(await site.page(base + "/refused"), Page)
    assert refused.call_count == 2  # the probe's bodiless GET after HEAD's 403, then the page
    # the reused answer is not charged to the budget of 3 pages: two fetched, one left
    assert isinstance(await site.page(base + "/another"), Page)


async def test_a_page_asked_while_its_probe_runs_waits_for_it(
    web: FakeWeb, base: str, fetcher: Fetcher
) -> None:
    dead = web.get(base + "/dead").respond(404, html=html("页面不存在"))
    web.head(base + "/dead").respond(404)
    site = context(fetcher, base)
    probed = asyncio.ensure_future(site.probe(base + "/dead", Family.IPV4))
    await asyncio.sleep(0)  # the probe has started
    page = await site.page(base + "/dead")
    assert isinstance(page, Page) and page.status == 404
    assert (await probed).status == 404  # type: ignore[union-attr]
    assert dead.call_count == 2  # the probe's bodiless GET and its GET with the body
