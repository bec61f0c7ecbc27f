"""site.links: link ranking on saved portal HTML (UTF-8 and GBK bytes); then the searches
over real loopback sockets."""

from __future__ import annotations

import pytest

from gkaudit.net.http import Page
from gkaudit.site.links import find_links, link_rank
from gkaudit.text import normalize
from tests.checks.content_fleet import Fleet
from tests.site.saved import AS_OF, XG, ZS, ZS_CHROME, doc


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


async def test_the_nav_link_beats_a_news_title_mentioning_the_keyword(fleet: Fleet) -> None:
    async with fleet.scan("www.dlzs.gov.cn", as_of=AS_OF) as site:
        found = await find_links(site, ["助企纾困"])
    assert [(normalize(c.link.text), c.name, c.place, c.depth) for c in found[:2]] == [
        ("助企纾困", 0, 0, 1),
        ("中山区召开助企纾困政策落实推进会", 2, 2, 1),
    ]


async def test_second_level_pages_are_searched_when_the_home_page_has_no_name(
    fleet: Fleet,
) -> None:
    # 西岗区's home page links 政务公开 only; 政府信息公开 is on that page
    async with fleet.scan("www.dlxg.gov.cn", as_of=AS_OF) as site:
        found = await find_links(site, ["政府信息公开"])
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
