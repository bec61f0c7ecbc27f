"""discovery: column recognition, item dates, link ranking, sections and report years on saved
portal HTML (UTF-8 and GBK bytes); then the searches over real loopback sockets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

from gkaudit import discovery
from gkaudit.discovery import (
    DEFAULT_DEADLINES,
    DEFAULT_SECTIONS,
    cms_page_kind,
    due_year,
    link_rank,
    list_items,
    newest_date,
    reads_as_article,
    report_years,
    section_links,
    section_rank,
)
from gkaudit.html import Document, Link, parse
from gkaudit.model import Family, SiteKind
from gkaudit.net.http import Page
from gkaudit.text import normalize
from tests.checks.content_fleet import PORTALS, Fleet, fixture

AS_OF = dt.date(2026, 11, 30)
ZS = "http://www.dlzs.gov.cn"
XG = "http://www.dlxg.gov.cn"


def doc(path: str, url: str) -> Document:
    return parse(fixture(path), url)


def chrome_of(*docs: Document) -> frozenset[tuple[str, str]]:
    """Site chrome as `SiteContext.chrome` defines it: links on every reference page."""
    sets = [{(link.url, normalize(link.text)) for link in d.links} for d in docs]
    return frozenset(set.intersection(*sets))


ZS_HOME = doc("dlzs/index.html", f"{ZS}/")
ZS_CHROME = chrome_of(ZS_HOME, doc("dlzs/zjzs/index.html", f"{ZS}/zjzs/"))


def link(text: str, date: dt.date | None = None, url: str = "http://x.gov.cn/a") -> Link:
    return Link(url=url, text=text, label="", date=date)


# --- parsing real portal HTML ------------------------------------------------------------------


def test_gbk_home_page_decodes_and_image_alt_is_link_text() -> None:
    home = doc("dlxg/index.shtml", f"{XG}/index.shtml")
    assert home.encoding == "gb18030"  # declared gb2312, decoded as its superset
    texts = {normalize(link.text): link for link in home.links}
    assert texts["惠企纾困专栏"].url == f"{XG}/hqsk"
    # 镕 is GBK, not GB2312: decoding as gb2312 would have lost it
    assert "副区长王镕调研惠企纾困政策落实情况" in texts


def test_nav_text_in_nested_spans_with_nbsp_normalizes_to_the_name() -> None:
    home = doc("dlzs/index.html", f"{ZS}/")
    relief = next(link for link in home.links if link.url == f"{ZS}/zqsk")
    assert normalize(relief.text) == "助企纾困"
    assert link_rank(normalize(relief.text), ["助企纾困"]) == 0
    assert (relief.url, "助企纾困") in ZS_CHROME  # navigation: on every page


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("助企纾困", 0),
        ("助企纾困专栏", 1),
        ("惠企纾困专题", 1),
        ("中山区召开助企纾困政策落实推进会", 2),
        ("政务公开", None),
    ],
)
def test_link_rank_prefers_the_name_over_a_mention(text: str, rank: int | None) -> None:
    assert link_rank(text, ["助企纾困", "惠企纾困"]) == rank


# --- columns ----------------------------------------------------------------------------------


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
    assert discovery.own_prose(article, ZS_HOME) < discovery.own_prose(article)


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
    assert discovery.own_prose(page) > discovery.ARTICLE_MIN_CHARS  # the footer counts
    assert discovery.own_prose(page, home) < 50  # unless the home page shows it is chrome
    assert not reads_as_article(page, items, home)
    assert not reads_as_article(page, items)  # without a home page: a higher bar


def test_cms_metas_say_article_or_list() -> None:
    article = "ganjingzi/xwzx/202611/t20261122_9001.html"
    assert cms_page_kind(parse(fixture(article), f"http://x/{article}")) == "article"
    assert cms_page_kind(parse(fixture("dlxg/hqsk/index.shtml"), "http://x/")) == "list"
    body = b'<html><head><meta content="x" NAME="ArticleTitle"></head></html>'
    assert cms_page_kind(parse(body, "http://x/")) == "article"


def test_short_dates_get_their_year_from_as_of_on_a_page_without_full_dates() -> None:
    body = fixture("dlxg/hqsk/index.shtml")
    page = Page(
        url=f"{XG}/hqsk/index.shtml",
        final_url=f"{XG}/hqsk/index.shtml",
        family=Family.IPV4,
        status=200,
        headers={"content-type": "text/html"},
        body=body,
        address="127.0.0.1",
    )
    page.today = AS_OF  # as SiteContext stamps every page it fetches
    items = list_items(page.document())
    assert [i.date for i in items] == [
        dt.date(2026, 11, 18),
        dt.date(2026, 10, 30),
        dt.date(2026, 9, 12),
        dt.date(2025, 12, 28),  # after as_of in 2026: last year's
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


# --- sections and reports ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("政府信息公开指南", 0),
        ("信息公开指南", 0),
        ("大连市中山区政府信息公开指南", 1),
        ("政府信息公开指南(2026版)", None),  # digits: a document, not the section
        ("政府信息公开", None),
    ],
)
def test_section_names_accept_a_prefix_or_suffix_without_digits(
    text: str, rank: int | None
) -> None:
    assert section_rank(text, DEFAULT_SECTIONS["政府信息公开指南"]) == rank


def test_a_report_title_is_not_the_annual_report_section() -> None:
    names = DEFAULT_SECTIONS["政府信息公开年报"]
    assert section_rank("信息公开年报", names) == 0
    assert section_rank("2025年政府信息公开年报", names) is None
    assert (
        section_rank(normalize("政府信息公开制度文件"), DEFAULT_SECTIONS["政府信息公开制度"]) == 1
    )


def test_gbk_platform_links_sections_by_their_other_names() -> None:
    platform = doc("dlxg/zwgk/zfxxgk/index.shtml", f"{XG}/zwgk/zfxxgk/index.shtml")
    found = {name: section_links(platform, names) for name, names in DEFAULT_SECTIONS.items()}
    assert {name: normalize(links[0].text) for name, links in found.items()} == {
        "政府信息公开指南": "信息公开指南",
        "政府信息公开制度": "政府信息公开制度文件",
        "法定主动公开内容": "法定主动公开内容",
        "政府信息公开年报": "信息公开年报",
    }


def test_report_years_come_from_titles_not_publication_dates() -> None:
    reports = doc("kjj/xxgk/xxgknb/index.html", "http://kjj.dl.gov.cn/xxgk/xxgknb/")
    pattern = re.compile(r"(\d{4})年.*政府信息公开.*报告")
    years = report_years(reports.links, pattern, dt.date(2026, 2, 1))
    assert sorted(years) == [2023, 2024]
    assert years[2024].date == dt.date(2026, 1, 10)  # published late: still the 2024 report


def test_report_years_read_full_width_digits_and_drop_future_years() -> None:
    pattern = re.compile(r"(\d{4})年.*政府信息公开.*报告")
    links = [link("２０２５年度政府信息公开工作报告"), link("2031年政府信息公开工作年度报告")]
    assert list(report_years(links, pattern, AS_OF)) == [2025]


def test_report_years_skip_matches_without_a_year() -> None:
    # an optional year group takes no part in the match of an undated title
    pattern = re.compile(r"(\d{4})?年.*报告")
    links = [link("年度工作报告"), link("2024年政府信息公开工作年度报告"), link("半年报告")]
    years = report_years(links, pattern, AS_OF)
    assert list(years) == [2024]
    assert years[2024].text == "2024年政府信息公开工作年度报告"


def test_report_years_skip_an_empty_year_group() -> None:
    pattern = re.compile(r"(\d*)年度报告")
    assert report_years([link("年度报告"), link("2023年度报告")], pattern, AS_OF) == {
        2023: link("2023年度报告")
    }


@pytest.mark.parametrize(
    ("kind", "as_of", "due"),
    [
        (SiteKind.CITY, dt.date(2026, 3, 31), 2024),  # deadline day: not late yet
        (SiteKind.CITY, dt.date(2026, 4, 1), 2025),
        (SiteKind.DISTRICT, dt.date(2026, 1, 1), 2024),
        (SiteKind.DEPARTMENT, dt.date(2026, 1, 31), 2024),
        (SiteKind.DEPARTMENT, dt.date(2026, 2, 1), 2025),
        (SiteKind.DEPARTMENT, dt.date(2026, 12, 31), 2025),
    ],
)
def test_due_year_follows_article_49(kind: SiteKind, as_of: dt.date, due: int) -> None:
    assert due_year(kind, as_of, DEFAULT_DEADLINES) == due


# --- searches over the network ----------------------------------------------------------------


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    with Fleet(PORTALS) as running:
        yield running


async def test_the_nav_link_beats_a_news_title_mentioning_the_keyword(fleet: Fleet) -> None:
    async with fleet.scan("www.dlzs.gov.cn", as_of=AS_OF) as site:
        found = await discovery.find_links(site, ["助企纾困"])
    assert [(normalize(c.link.text), c.name, c.place, c.depth) for c in found[:2]] == [
        ("助企纾困", 0, 0, 1),
        ("中山区召开助企纾困政策落实推进会", 2, 2, 1),
    ]


async def test_second_level_pages_are_searched_when_the_home_page_has_no_name(
    fleet: Fleet,
) -> None:
    # 西岗区's home page links 政务公开 only; 政府信息公开 is on that page
    async with fleet.scan("www.dlxg.gov.cn", as_of=AS_OF) as site:
        found = await discovery.find_links(site, ["政府信息公开"])
    assert found[0].depth == 2
    assert found[0].on.endswith("/zwgk/index.shtml")
    assert found[0].link.url.endswith("/zwgk/zfxxgk/index.shtml")


async def test_site_open_follows_a_redirect_and_a_frameset(fleet: Fleet) -> None:
    async with fleet.scan("www.dlxg.gov.cn", as_of=AS_OF) as site:
        column = await site.open(fleet.url("www.dlxg.gov.cn", "/hqsk"))
        assert isinstance(column, Page)
        assert column.final_url.endswith("/hqsk/index.shtml")
    async with fleet.scan("www.ganjingzi.gov.cn", as_of=AS_OF) as site:
        home = await site.open(fleet.url("www.ganjingzi.gov.cn"))
        assert isinstance(home, Page)
        assert home.final_url.endswith("/main.html")  # the frame with the most links


async def test_locate_column_opens_candidates_in_turn(fleet: Fleet) -> None:
    # the nav link leads to a page of 2 items; the other matches are articles
    async with fleet.scan("fewinterp.dlzs.gov.cn", as_of=AS_OF) as site:
        search = await discovery.locate_column(site, ["政策解读"], hint=None)
    assert search.found is None
    assert len(search.tried) > 1
    first, listing = search.tried[0]
    assert first.place == 0
    assert listing.url.endswith("/zcjd/")
    assert len(listing.items) == 2
    assert all(later.article for _, later in search.tried[1:])


async def test_the_platform_through_a_political_openness_page_that_is_the_platform(
    fleet: Fleet,
) -> None:
    async with fleet.scan("www.ganjingzi.gov.cn", as_of=AS_OF) as site:
        search = await discovery.find_platform(site)
    assert search.via == "政务公开"
    assert search.page is not None
    assert search.page.final_url.endswith("/zwgk/")
    assert [name for name, links in search.sections.items() if not links] == ["政府信息公开年报"]


async def test_the_platform_from_a_hint(fleet: Fleet) -> None:
    async with fleet.scan("kjj.dl.gov.cn", as_of=AS_OF, disclosure_url="/xxgk/") as site:
        search = await discovery.find_platform(site, hint=site.hint("disclosure_url"))
    assert search.via == "hint"
    assert search.found == 4


async def test_a_platform_page_that_refused_us_is_listed_as_unread(fleet: Fleet) -> None:
    async with fleet.scan("refusing.dlzs.gov.cn", as_of=AS_OF) as site:
        search = await discovery.find_platform(site)
    assert search.page is None and not search.recognised
    assert [(c.link.url, getattr(o, "status", None)) for c, o in search.unread] == [
        (fleet.url("refusing.dlzs.gov.cn", "/zfxxgk/"), 403)
    ]


async def test_a_refused_detour_is_unread_behind_a_page_without_sections(fleet: Fleet) -> None:
    async with fleet.scan("throttledgk.dlzs.gov.cn", as_of=AS_OF) as site:
        search = await discovery.find_platform(site)
    # the best page opened loads but links no section: it is not recognised as the platform
    assert search.page is not None and search.found == 0 and not search.recognised
    assert [c.link.url for c, _ in search.unread] == [
        fleet.url("throttledgk.dlzs.gov.cn", "/zwgk/")
    ]


async def test_a_platform_that_loads_has_nothing_unread(fleet: Fleet) -> None:
    async with fleet.scan("www.dlzs.gov.cn", as_of=AS_OF) as site:
        search = await discovery.find_platform(site)
    assert search.recognised and search.unread == ()
