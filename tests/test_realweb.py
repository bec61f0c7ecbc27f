"""Portals as real ones behave, each with the verdict a careful inspector with a browser gives:
`error` naming the obstacle where nothing of the content could be read, never a false `fail`,
never a `pass` on a block page; a maintenance home page fails `site.reachable`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from gkaudit.checks.column import check as column
from gkaudit.checks.ipv6_reachable import check as ipv6_reachable
from gkaudit.checks.reachable import check as reachable
from gkaudit.demo.http import Response
from gkaudit.model import NoteEvidence, Status, Verdict
from gkaudit.net.http import Page
from tests.checks.content_fleet import Portal, redirect
from tests.support.realweb import (
    Guard,
    Host,
    RealWeb,
    Reply,
    Request,
    blocks_unknown_agents,
    maintenance,
    moved_to,
    rate_limited,
    ruishu,
    wzws,
)

AS_OF = dt.date(2026, 11, 30)


def _reply(response: Response) -> Reply:
    location = (("Location", response.location),) if response.location else ()
    return Reply(response.status, response.body, response.content_type, location)


def rate_limited_first(count: int) -> Guard:
    """The first `count` requests get the rate-limit page, then the limit lifts."""
    seen: list[int] = []

    def guard(request: Request) -> Reply | None:
        seen.append(1)
        return Reply.file("ratelimit.html") if len(seen) <= count else None

    return guard


#: 中山区's portal (tests/fixtures/portals/dlzs), whose 助企纾困 column passes when readable
DLZS = {
    path: _reply(r)
    for path, r in Portal("x", "dlzs", {"/zqsk": redirect("/zqsk/")}).pages().items()
}
BLOCK_PAGES = {
    "safedog": ("safedog-block.html", 200, "安全狗"),
    "yunsuo": ("yunsuo-block.html", 200, "云锁"),
    "wzb360": ("360-block.html", 493, "360网站卫士"),
    "aliyun": ("aliyun-block.html", 405, "阿里云盾"),
    "tencent": ("tencent-block.html", 501, "腾讯云 WAF"),
}
HOSTS = {
    "ruishu.dlzs.gov.cn": Host(DLZS, ruishu()),
    "wzws.dlzs.gov.cn": Host(DLZS, wzws()),
    "maint.dlzs.gov.cn": Host(DLZS, maintenance()),
    "maintjsp.dlzs.gov.cn": Host(DLZS, maintenance("maintenance-jsp.html")),
    # CC protection trips after the home page and the chrome reference pages
    "cc.dlzs.gov.cn": Host(DLZS, rate_limited(after=4)),
    "old.dlzs.gov.cn": Host({}, moved_to("www.zhongshan-dl.gov.cn")),
    "www.zhongshan-dl.gov.cn": Host(DLZS),
    "once.dlzs.gov.cn": Host(DLZS, rate_limited_first(1)),
    **{
        f"{k}.dlzs.gov.cn": Host(DLZS, blocks_unknown_agents(p, s))
        for k, (p, s, _) in BLOCK_PAGES.items()
    },
}


@pytest.fixture(scope="module")
def web() -> Iterator[RealWeb]:
    with RealWeb(HOSTS) as running:
        yield running


async def verdicts(web: RealWeb, host: str) -> dict[str, Verdict]:
    async with web.scan(host, as_of=AS_OF) as site:
        return {
            "reachable": await reachable.run(site, reachable.Params()),
            "ipv6": await ipv6_reachable.run(site, ipv6_reachable.Params()),
            "column": await column.run(site, column.Params()),
        }


def assert_error_naming(found: dict[str, Verdict], words: str) -> None:
    for rule, verdict in found.items():
        assert verdict.status is Status.ERROR, (rule, verdict.message)
        assert words in verdict.message, (rule, verdict.message)


async def test_ruishu_412_challenge_is_error_naming_it(web: RealWeb) -> None:
    found = await verdicts(web, "ruishu.dlzs.gov.cn")
    assert found["reachable"].message.startswith(
        "blocked by a WAF challenge page (瑞数, HTTP 412); no browser to run it"
    )
    assert_error_naming(found, "瑞数, HTTP 412")


async def test_wzws_script_challenge_at_200_is_error_without_a_browser(web: RealWeb) -> None:
    found = await verdicts(web, "wzws.dlzs.gov.cn")
    assert_error_naming(found, "blocked by a WAF challenge page (知道创宇 创宇盾, HTTP 200)")


@pytest.mark.parametrize("vendor", sorted(BLOCK_PAGES))
async def test_block_pages_never_pass_and_never_fail(web: RealWeb, vendor: str) -> None:
    _, status, name = BLOCK_PAGES[vendor]
    found = await verdicts(web, f"{vendor}.dlzs.gov.cn")
    assert_error_naming(found, f"blocked by a WAF block page ({name}, HTTP {status})")


@pytest.mark.parametrize("host", ["maint.dlzs.gov.cn", "maintjsp.dlzs.gov.cn"])
async def test_a_maintenance_home_page_fails_reachable_and_leaves_the_rest_undecided(
    web: RealWeb, host: str
) -> None:
    found = await verdicts(web, host)
    assert found["reachable"].status is Status.FAIL
    assert "maintenance" in found["reachable"].message
    assert "网站维护中, HTTP 200" in found["reachable"].message
    assert found["column"].status is Status.ERROR
    assert found["ipv6"].status is Status.ERROR
    assert "maintenance page" in found["column"].message


async def test_a_rate_limit_tripped_mid_crawl_is_error_not_an_empty_column(web: RealWeb) -> None:
    found = await verdicts(web, "cc.dlzs.gov.cn")
    assert found["reachable"].status is Status.PASS  # the home page came before the limit
    assert found["column"].status is Status.ERROR, found["column"].message
    assert "rate-limit page (访问频率过快, HTTP 200)" in found["column"].message


async def test_an_old_domain_that_moved_is_judged_on_the_new_one(web: RealWeb) -> None:
    found = await verdicts(web, "old.dlzs.gov.cn")
    assert found["reachable"].status is Status.PASS
    notes = [e.text for e in found["reachable"].evidence if isinstance(e, NoteEvidence)]
    assert notes == [
        "the home page moved from dlzs.gov.cn to zhongshan-dl.gov.cn: links within both "
        "domains are counted as the portal's own"
    ]
    # the new domain's links are the portal's own: its column is found as on www.dlzs.gov.cn
    assert found["column"].status is Status.PASS, found["column"].message


async def test_the_same_portal_without_obstacles_passes(web: RealWeb) -> None:
    # the control: what every test above would give if the obstacle were not there
    found = await verdicts(web, "www.zhongshan-dl.gov.cn")
    assert [v.status for v in found.values()] == [Status.PASS] * 3


async def test_a_rate_limit_page_is_retried_like_a_429(web: RealWeb) -> None:
    # the hook for adaptive back-off: a 200 rate-limit page is transient, like HTTP 429
    fetcher = web.fetcher(retries=1, backoff=0.01)
    try:
        page = await fetcher.fetch(web.url("once.dlzs.gov.cn"))
    finally:
        await fetcher.aclose()
    assert isinstance(page, Page) and page.obstacle is None and page.attempts == 2
