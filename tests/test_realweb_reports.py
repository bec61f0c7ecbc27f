"""The 年报 section of a district platform that reposts the city's and the province's reports:
only the portal's own body's report counts, and the evidence names the ones skipped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from gkaudit.checks.annual_report import check as annual_report
from gkaudit.model import Hints, NoteEvidence, Site, SiteKind, Status, Verdict
from gkaudit.site.context import SiteContext
from tests.checks.content_fleet import fixture
from tests.support.realweb import Host, RealWeb, Reply

AS_OF = dt.date(2026, 11, 30)
SECTION = fixture("dlzs/zfxxgk/xxgknb/index.html").decode()
OWN_2025 = (
    '<li><a href="/zfxxgk/xxgknb/202603/t20260325_8001.html" target="_blank" '
    'title="大连市中山区2025年政府信息公开工作年度报告">大连市中山区2025年政府信息公开工作年度报告'
    '</a><span class="date">2026-03-25</span></li>'
)
assert OWN_2025 in SECTION
REPOSTED = (
    '<li><a href="https://www.dl.gov.cn/art/2026/3/30/art_5001_1.html" target="_blank" '
    'title="大连市2025年政府信息公开工作年度报告">大连市2025年政府信息公开工作年度报告</a>'
    '<span class="date">2026-03-30</span></li>'
    '<li><a href="https://www.ln.gov.cn/web/zfxxgk/2026/3/t20260331_1.html" target="_blank" '
    'title="辽宁省人民政府2025年政府信息公开工作年度报告">辽宁省人民政府2025年政府信息公开工作年度报告'
    '</a><span class="date">2026-03-31</span></li>'
)
HOSTS = {
    "own.dlzs.gov.cn": Host({"/nb/": Reply.page(SECTION.replace(OWN_2025, REPOSTED + OWN_2025))}),
    "reposts.dlzs.gov.cn": Host({"/nb/": Reply.page(SECTION.replace(OWN_2025, REPOSTED))}),
}


@pytest.fixture(scope="module")
def web() -> Iterator[RealWeb]:
    with RealWeb(HOSTS) as running:
        yield running


async def verdict(web: RealWeb, host: str, name: str, org: str | None = None) -> Verdict:
    site = Site(
        id="zs",
        name=name,
        org=org,
        url=web.url(host),
        kind=SiteKind.DISTRICT,
        hints=Hints(annual_report_url=web.url(host, "/nb/")),
    )
    fetcher = web.fetcher()
    context = SiteContext(site, fetcher, AS_OF)
    try:
        return await annual_report.run(context, annual_report.Params())
    finally:
        context.close()
        await fetcher.aclose()


def skipped(found: Verdict) -> list[str]:
    return [e.text for e in found.evidence if isinstance(e, NoteEvidence) and "skipped" in e.text]


async def test_the_own_report_beside_reposted_ones_passes(web: RealWeb) -> None:
    found = await verdict(web, "own.dlzs.gov.cn", "大连市中山区人民政府")
    assert found.status is Status.PASS, found.message
    assert "lists the 2025 report (due by 2026-03-31): 大连市中山区2025年" in found.message
    assert skipped(found) == [
        "skipped 2 reports of other bodies: 大连市2025年政府信息公开工作年度报告; "
        "辽宁省人民政府2025年政府信息公开工作年度报告"
    ]


async def test_the_citys_and_the_provinces_reports_are_not_the_districts(web: RealWeb) -> None:
    found = await verdict(web, "reposts.dlzs.gov.cn", "大连市中山区人民政府")
    assert found.status is Status.FAIL, found.message
    assert "does not list the 2025 report" in found.message
    assert "the newest listed is 2024" in found.message
    assert len(skipped(found)) == 1


async def test_a_name_that_holds_no_place_cannot_tell_and_counts_every_report(
    web: RealWeb,
) -> None:
    # never a fail for what cannot be told: the portal's name is not a body's name
    found = await verdict(web, "reposts.dlzs.gov.cn", "中山门户网站")
    assert found.status is Status.PASS, found.message
    assert skipped(found) == []


async def test_org_names_the_body_when_the_portals_name_does_not(web: RealWeb) -> None:
    found = await verdict(web, "reposts.dlzs.gov.cn", "中山门户网站", org="大连市中山区人民政府")
    assert found.status is Status.FAIL, found.message
    assert len(skipped(found)) == 1
