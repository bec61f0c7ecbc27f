"""The headless browser, for real (system Chromium through Playwright), on pages only a browser
reads: a script challenge in front of the content, a list a script fills from an API. Without a
browser the same pages are `error` naming the reason; the tests that need one skip visibly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from gkaudit.checks.column import check as column
from gkaudit.checks.reachable import check as reachable
from gkaudit.model import Status
from gkaudit.net.browser import unavailable
from gkaudit.net.http import FetchFailure
from tests.support.realweb import Host, RealWeb, fixture, ruishu, script_built_list, wzws
from tests.test_realweb import DLZS

AS_OF = dt.date(2026, 11, 30)
needs_browser = pytest.mark.skipif(
    unavailable() is not None, reason=f"no headless browser: {unavailable()}"
)

SCRIPTED_PAGE, SCRIPTED_API = script_built_list(
    fixture("../portals/dlzs/zqsk/index.html"), "/api/zqsk/list.json"
)
HOSTS = {
    "vue.dlzs.gov.cn": Host({**DLZS, "/zqsk/": SCRIPTED_PAGE, "/api/zqsk/list.json": SCRIPTED_API}),
    "wzws.dlzs.gov.cn": Host(DLZS, wzws()),
    "ruishu.dlzs.gov.cn": Host(DLZS, ruishu()),
}


@pytest.fixture(scope="module")
def web() -> Iterator[RealWeb]:
    with RealWeb(HOSTS) as running:
        yield running


async def test_a_list_built_by_javascript_is_error_without_a_browser(web: RealWeb) -> None:
    async with web.scan("vue.dlzs.gov.cn", as_of=AS_OF) as site:
        verdict = await column.run(site, column.Params())
    assert verdict.status is Status.ERROR, verdict.message
    assert "list built by JavaScript" in verdict.message
    assert "no browser to run it" in verdict.message


@needs_browser
async def test_the_browser_reads_the_list_a_script_builds(web: RealWeb) -> None:
    async with web.browsing("vue.dlzs.gov.cn", as_of=AS_OF) as site:
        verdict = await column.run(site, column.Params())
    assert verdict.status is Status.PASS, verdict.message
    assert web.hits[("vue.dlzs.gov.cn", "/api/zqsk/list.json")] >= 1


@needs_browser
async def test_the_browser_passes_the_wzws_script_challenge(web: RealWeb) -> None:
    async with web.browsing("wzws.dlzs.gov.cn", as_of=AS_OF) as site:
        home = await reachable.run(site, reachable.Params())
        found = await column.run(site, column.Params())
    assert home.status is Status.PASS, home.message
    assert any("headless browser" in getattr(e, "text", "") for e in home.evidence)
    assert found.status is Status.PASS, found.message
    # its script set the challenge cookie and went to /WZWSRELw==, as in a real browser
    assert web.hits[("wzws.dlzs.gov.cn", "/WZWSRELw==")] >= 1


@needs_browser
async def test_a_challenge_no_browser_passes_stays_error(web: RealWeb) -> None:
    async with web.browsing("ruishu.dlzs.gov.cn", as_of=AS_OF) as site:
        verdict = await reachable.run(site, reachable.Params())
    assert verdict.status is Status.ERROR
    assert verdict.message == (
        "blocked by a WAF challenge page (瑞数, HTTP 412); not passed by a headless browser either"
    )


@needs_browser
async def test_the_browser_goes_to_no_private_address_unless_allowed(web: RealWeb) -> None:
    # every portal here is on loopback: without --allow-private the browser fetches nothing
    before = sum(web.hits.values())
    async with web.browsing("vue.dlzs.gov.cn", as_of=AS_OF, allow_private=False) as site:
        outcome = await site.render(web.url("vue.dlzs.gov.cn", "/zqsk/"))
    assert isinstance(outcome, FetchFailure)
    assert outcome.message == "points to a private address (not fetched)"
    assert sum(web.hits.values()) == before


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", True),
        ("10.20.30.40", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),  # cloud metadata
        ("100.64.0.1", True),  # CGNAT
        ("fd00::1", True),  # ULA
        ("::1", True),
        ("202.96.64.68", False),
        ("240e:1::1", False),
    ],
)
def test_which_addresses_the_browser_refuses(address: str, refused: bool) -> None:
    from gkaudit.net.browser import _not_public

    assert _not_public(address) is refused
