"""site.platform: section names on saved portal HTML; then the 政府信息公开 platform found
over real loopback sockets."""

from __future__ import annotations

import pytest

from gkaudit.site.platform import DEFAULT_SECTIONS, find_platform, section_links, section_rank
from gkaudit.text import normalize
from tests.checks.content_fleet import Fleet
from tests.site.saved import AS_OF, XG, doc


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


async def test_the_platform_through_a_political_openness_page_that_is_the_platform(
    fleet: Fleet,
) -> None:
    async with fleet.scan("www.ganjingzi.gov.cn", as_of=AS_OF) as site:
        search = await find_platform(site)
    assert search.via == "政务公开"
    assert search.page is not None
    assert search.page.final_url.endswith("/zwgk/")
    assert [name for name, links in search.sections.items() if not links] == ["政府信息公开年报"]


async def test_the_platform_from_a_hint(fleet: Fleet) -> None:
    async with fleet.scan("kjj.dl.gov.cn", as_of=AS_OF, disclosure_url="/xxgk/") as site:
        search = await find_platform(site, hint=site.hint("disclosure_url"))
    assert search.via == "hint"
    assert search.found == 4


async def test_a_platform_page_that_refused_us_is_listed_as_unread(fleet: Fleet) -> None:
    async with fleet.scan("refusing.dlzs.gov.cn", as_of=AS_OF) as site:
        search = await find_platform(site)
    assert search.page is None and not search.recognised
    assert [(c.link.url, getattr(o, "status", None)) for c, o in search.unread] == [
        (fleet.url("refusing.dlzs.gov.cn", "/zfxxgk/"), 403)
    ]


async def test_a_refused_detour_is_unread_behind_a_page_without_sections(fleet: Fleet) -> None:
    async with fleet.scan("throttledgk.dlzs.gov.cn", as_of=AS_OF) as site:
        search = await find_platform(site)
    # the best page opened loads but links no section: it is not recognised as the platform
    assert search.page is not None and search.found == 0 and not search.recognised
    assert [c.link.url for c, _ in search.unread] == [
        fleet.url("throttledgk.dlzs.gov.cn", "/zwgk/")
    ]


async def test_a_platform_that_loads_has_nothing_unread(fleet: Fleet) -> None:
    async with fleet.scan("www.dlzs.gov.cn", as_of=AS_OF) as site:
        search = await find_platform(site)
    assert search.recognised and search.unread == ()
