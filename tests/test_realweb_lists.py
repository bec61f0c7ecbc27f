"""Lists and links as real portals write them, each with the verdict an inspector with a
browser gives: a Hanweb list shipped as datastore records is the list the browser shows; a
link that only a click script follows, an image map, a URL relative to <base href> lead where
the browser goes; pagination is never an item; an article whose head names its column (as
国办发〔2017〕47号 asks) is an article, not a column.

Each host is the 中山区 fixture portal (whose 助企纾困 column passes as it is) with one thing
changed; the markup is in tests/fixtures/realweb (see SOURCES.md there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from gkaudit.checks.column import check as column
from gkaudit.model import HtmlEvidence, Status, Verdict
from tests.support.realweb import Host, RealWeb, Reply
from tests.test_realweb import DLZS

AS_OF = dt.date(2026, 11, 30)
NAV = '<li><a href="/zqsk"><span>助企&nbsp;<span>纾困</span></span></a></li>'.encode()
HOME = DLZS["/"].body
assert NAV in HOME


def home_with(nav: str, head: str = "") -> Reply:
    """The home page with its 助企纾困 navigation entry written as `nav`."""
    body = HOME.replace(NAV, nav.encode()).replace(b"</title>", f"</title>{head}".encode(), 1)
    return Reply.page(body)


HOSTS = {
    "www.dlzs.gov.cn": Host(DLZS),
    "hanweb.dlzs.gov.cn": Host({**DLZS, "/zqsk/": Reply.file("hanweb-jpage-list.html")}),
    "onclick.dlzs.gov.cn": Host(
        {
            **DLZS,
            "/": home_with(
                """<li><a href="javascript:void(0)" onclick="window.open('/zqsk/')">"""
                "助企纾困</a></li>"
            ),
        }
    ),
    "locationhref.dlzs.gov.cn": Host(
        {**DLZS, "/": home_with("""<li onclick="location.href='/zqsk/'">助企纾困</li>""")}
    ),
    "imagemap.dlzs.gov.cn": Host(
        {
            **DLZS,
            "/": home_with(
                '<li><img src="/images/zqsk.png" usemap="#zqsk" alt=""><map name="zqsk">'
                '<area shape="rect" coords="0,0,200,60" href="/zqsk/" alt="助企纾困"></map></li>'
            ),
        }
    ),
    "base.dlzs.gov.cn": Host(
        {
            **DLZS,
            "/": home_with('<li><a href="zqsk/">助企纾困</a></li>', '<base href="/cms/">'),
            "/cms/zqsk/": DLZS["/zqsk/"],
            "/zqsk/": Reply.page("<html><body>404</body></html>", 404),
        }
    ),
    "trs.dlzs.gov.cn": Host({**DLZS, "/zqsk/": Reply.file("trs-list-createpagehtml.html")}),
    "article.dlzs.gov.cn": Host({**DLZS, "/zqsk/": Reply.file("article-column-metas.html")}),
}


@pytest.fixture(scope="module")
def web() -> Iterator[RealWeb]:
    with RealWeb(HOSTS) as running:
        yield running


async def column_verdict(web: RealWeb, host: str, **hints: str) -> Verdict:
    async with web.scan(host, as_of=AS_OF, **hints) as site:
        return await column.run(site, column.Params())


def found_on(verdict: Verdict) -> tuple[str, str]:
    """(page, href) of the link the column was found by."""
    link = verdict.evidence[0]
    assert isinstance(link, HtmlEvidence), link
    return link.url, link.href or ""


def metric(verdict: Verdict, name: str) -> object:
    return verdict.metrics[name]


async def test_the_portal_as_it_is_passes(web: RealWeb) -> None:
    verdict = await column_verdict(web, "www.dlzs.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    assert metric(verdict, "items") == 6


async def test_a_hanweb_list_in_datastore_records_is_the_list_a_browser_shows(
    web: RealWeb,
) -> None:
    verdict = await column_verdict(web, "hanweb.dlzs.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    assert metric(verdict, "items") == 6  # the records; not the dataproxy link of <nextgroup>
    assert metric(verdict, "newest") == "2026-11-20"


@pytest.mark.parametrize(
    "host", ["onclick.dlzs.gov.cn", "locationhref.dlzs.gov.cn", "imagemap.dlzs.gov.cn"]
)
async def test_links_a_click_script_or_an_image_map_follows_are_found(
    web: RealWeb, host: str
) -> None:
    verdict = await column_verdict(web, host)
    assert verdict.status is Status.PASS, verdict.message
    assert metric(verdict, "items") == 6
    # found on the home page itself, not only in the navigation of the pages it links to
    assert found_on(verdict) == (web.url(host), web.url(host, "/zqsk/"))


async def test_a_link_relative_to_base_href_goes_where_the_browser_goes(web: RealWeb) -> None:
    verdict = await column_verdict(web, "base.dlzs.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    host = "base.dlzs.gov.cn"
    assert found_on(verdict) == (web.url(host), web.url(host, "/cms/zqsk/"))


async def test_pagination_is_never_an_item(web: RealWeb) -> None:
    # an undated list: the inspector's warn (no item shows a date), over its 6 items, not 7
    # with the pager's "助企纾困（第2页）" link to index_1.html
    verdict = await column_verdict(web, "trs.dlzs.gov.cn")
    assert verdict.status is Status.WARN, verdict.message
    assert metric(verdict, "items") == 6
    assert metric(verdict, "dated") == 0


@pytest.mark.parametrize("hinted", [False, True])
async def test_an_article_that_names_its_column_is_not_a_column(web: RealWeb, hinted: bool) -> None:
    hints = {"business_relief_url": "/zqsk/"} if hinted else {}
    verdict = await column_verdict(web, "article.dlzs.gov.cn", **hints)
    assert verdict.status is Status.FAIL, verdict.message
    assert "is a single article, not a column" in verdict.message
