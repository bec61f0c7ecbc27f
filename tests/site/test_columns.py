"""site.columns: column recognition and item dates on saved portal HTML; then a column
located over real loopback sockets."""

from __future__ import annotations

import datetime as dt

import pytest

from gkaudit.html import Document, parse
from gkaudit.net.http import Page
from gkaudit.site.columns import (
    ARTICLE_MIN_CHARS,
    cms_page_kind,
    list_items,
    locate_column,
    newest_date,
    own_prose,
    reads_as_article,
)
from gkaudit.text import normalize
from tests.checks.content_fleet import Fleet, fixture
from tests.site.saved import AS_OF, ZS, ZS_CHROME, ZS_HOME, doc, link


def test_column_items_are_its_dated_links_without_chrome_or_pagination() -> None:
    column = doc("dlzs/zqsk/index.html", f"{ZS}/zqsk/")
    items = list_items(column, chrome=ZS_CHROME)
    assert len(items) == 6
    assert all(i.date is not None and i.url.startswith(f"{ZS}/zqsk/20") for i in items)
    assert items[0].text == "大连市中山区助企纾困政策措施汇编"
    assert newest_date(items, AS_OF) == dt.date(2026, 11, 20)
    assert not reads_as_article(column, items, ZS_HOME)


def test_an_undated_list_still_lists_items() -> None:
    column = doc("dlzs/zqsk/undated.html", f"{ZS}/zqsk/")
    items = list_items(column, chrome=ZS_CHROME)
    assert len(items) == 6
    assert newest_date(items, AS_OF) is None


def test_without_chrome_the_nav_would_pass_for_items_of_an_undated_list() -> None:
    column = doc("dlzs/zqsk/undated.html", f"{ZS}/zqsk/")
    assert len(list_items(column)) > len(list_items(column, chrome=ZS_CHROME))


def test_a_news_article_with_related_links_reads_as_an_article() -> None:
    article = doc("dlzs/zqsk/article.html", f"{ZS}/zqsk")
    items = list_items(article, chrome=ZS_CHROME)
    assert len(items) == 3  # the related links; 上一篇/下一篇 are not items
    assert cms_page_kind(article) is None  # prose decides
    assert reads_as_article(article, items, ZS_HOME)
    # its own prose: the header and footer it shares with the home page do not count
    assert own_prose(article, ZS_HOME) < own_prose(article)


def test_a_short_list_with_a_long_footer_is_still_a_list() -> None:
    footer = "<p>" + "主办单位：大连市中山区人民政府办公室　地址：中山区人民路" * 8 + "</p>"
    rows = "".join(
        f'<li><a href="/zqsk/{n}.html">助企纾困第{n}号通知</a><span>2026-11-2{n}</span></li>'
        for n in range(1, 4)
    )
    page = parse(f"<body><ul>{rows}</ul>{footer}</body>".encode(), f"{ZS}/zqsk/")
    home = parse(f"<body><a href='/'>首页</a>{footer}</body>".encode(), f"{ZS}/")
    items = list_items(page)
    assert len(items) == 3
    assert own_prose(page) > ARTICLE_MIN_CHARS  # the footer counts
    assert own_prose(page, home) < 50  # unless the home page shows it is chrome
    assert not reads_as_article(page, items, home)
    assert not reads_as_article(page, items)  # without a home page: a higher bar


def test_cms_metas_say_article_or_list() -> None:
    article = "ganjingzi/xwzx/202611/t20261122_9001.html"
    assert cms_page_kind(parse(fixture(article), f"http://x/{article}")) == "article"
    assert cms_page_kind(parse(fixture("dlxg/hqsk/index.shtml"), "http://x/")) == "list"
    body = b'<html><head><meta content="x" NAME="ArticleTitle"></head></html>'
    assert cms_page_kind(parse(body, "http://x/")) == "article"


@pytest.mark.parametrize(
    ("as_of", "last"),
    [
        (AS_OF, dt.date(2025, 12, 28)),  # 12-28 is after 30 November 2026: last year's
        (dt.date(2026, 12, 31), dt.date(2026, 12, 28)),
    ],
)
async def test_short_dates_get_their_year_from_the_as_of_date_of_the_context(
    fleet: Fleet, as_of: dt.date, last: dt.date
) -> None:
    # the column lists [11-18]-style dates only: their year comes from the run's as-of date
    async with fleet.scan("www.dlxg.gov.cn", as_of=as_of) as site:
        page = await site.open(fleet.url("www.dlxg.gov.cn", "/hqsk/index.shtml"))
        assert isinstance(page, Page)
        items = list_items(site.document(page))
    assert [i.date for i in items] == [
        dt.date(2026, 11, 18),
        dt.date(2026, 10, 30),
        dt.date(2026, 9, 12),
        last,
    ]


def test_newest_date_ignores_dates_after_as_of() -> None:
    items = [link("a", dt.date(2027, 1, 1)), link("b", dt.date(2026, 5, 1)), link("c")]
    assert newest_date(items, AS_OF) == dt.date(2026, 5, 1)
    assert newest_date([link("c")], AS_OF) is None


def test_a_dated_link_is_an_item_even_when_the_home_page_previews_it() -> None:
    item = link("大连市中山区助企纾困政策措施汇编", dt.date(2026, 11, 20), f"{ZS}/zqsk/1.html")
    page = Document(
        url=f"{ZS}/zqsk/",
        encoding="utf-8",
        title="",
        text="",
        links=(item, item, link("走进中山", None, f"{ZS}/zjzs/")),
        frames=(),
        refresh=None,
        script_redirect=None,
        pub_date=None,
    )
    chrome = frozenset({(item.url, normalize(item.text)), (f"{ZS}/zjzs/", "走进中山")})
    assert list_items(page, chrome=chrome) == [item]


async def test_locate_column_opens_candidates_in_turn(fleet: Fleet) -> None:
    # the nav link leads to a page of 2 items; the other matches are articles
    async with fleet.scan("fewinterp.dlzs.gov.cn", as_of=AS_OF) as site:
        search = await locate_column(site, ["政策解读"], hint=None)
    assert search.found is None
    assert len(search.tried) > 1
    first, listing = search.tried[0]
    assert first.place == 0
    assert listing.url.endswith("/zcjd/")
    assert len(listing.items) == 2
    assert all(later.article for _, later in search.tried[1:])


def test_article_title_wins_over_the_column_metas_an_article_carries() -> None:
    # 国办发〔2017〕47号: an article page names its column beside its own title
    both = (
        b'<head><meta name="ColumnName" content="x"><meta name="ArticleTitle" content="y"></head>'
    )
    assert cms_page_kind(parse(both, "http://x/")) == "article"


def test_column_metas_give_way_to_prose_unless_the_page_lists_dated_items() -> None:
    prose = "<p>" + "中山区出台助企纾困十条措施，帮助市场主体渡过难关。" * 30 + "</p>"
    head = '<head><meta name="ColumnName" content="助企纾困"></head>'
    article = parse(f"<html>{head}<body>{prose}</body></html>".encode(), f"{ZS}/zqsk/")
    assert reads_as_article(article, list_items(article))
    rows = "".join(
        f'<li><a href="/zqsk/{n}.html">助企纾困第{n}号通知</a><span>2026-11-2{n}</span></li>'
        for n in range(1, 4)
    )
    listing = parse(
        f"<html>{head}<body><ul>{rows}</ul>{prose}</body></html>".encode(), f"{ZS}/zqsk/"
    )
    assert not reads_as_article(listing, list_items(listing))


def test_links_to_the_lists_other_pages_are_not_items_whatever_their_text() -> None:
    rows = "".join(
        f'<li><a href="./202611/t2026112{n}_1.html">助企纾困第{n}号通知</a></li>'
        for n in range(1, 4)
    )
    pager = (
        '<a href="index_1.html">助企纾困（第2页）</a><a href="index.html?page=3">第三页助企纾困</a>'
        '<a href="/other/index_1.html">另一栏目的第二页</a>'
    )
    page = parse(f"<body><ul>{rows}</ul>{pager}</body>".encode(), f"{ZS}/zqsk/index.html")
    assert [link.text for link in list_items(page)] == [
        "助企纾困第1号通知", "助企纾困第2号通知", "助企纾困第3号通知", "另一栏目的第二页",
    ]  # fmt: skip
