"""A page the fetcher has read already is not asked for again by the browser that renders it:
its first navigation is answered from the fetcher's copy, while its scripts, their API calls and
a challenge's reload still go to the portal. Counted at the server, with real Chromium (skipped
visibly without one)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from urllib.parse import urljoin

import pytest

from gkaudit.checks.column import check as column
from gkaudit.checks.reachable import check as reachable
from gkaudit.model import Status
from gkaudit.net.http import Page
from tests.support.realweb import Host, RealWeb, Reply, Request, ruishu, wzws
from tests.test_browser import SCRIPTED_API, SCRIPTED_PAGE, needs_browser
from tests.test_realweb import DLZS

pytestmark = needs_browser

AS_OF = dt.date(2026, 11, 30)
API = "/api/zqsk/list.json"

#: A home page that sets a session cookie with its answer; its script reads the cookies the
#: browser holds and asks the portal which cookies it was sent.
COOKIE_HOME = Reply.page(
    "<html><head><title>…</title></head><body>"
    "<a href='/a'>甲</a><a href='/b'>乙</a><a href='/c'>丙</a><a href='/d'>丁</a><script>"
    "var held = document.cookie;"
    "fetch('/echo').then(function (r) { return r.text(); })"
    ".then(function (t) { document.title = held + '|' + t; });"
    "</script></body></html>"
).with_cookie("sid", "s1")


def echo(request: Request) -> Reply:
    return Reply(200, ",".join(sorted(request.cookies)).encode(), "text/plain; charset=utf-8")


@pytest.fixture(scope="module")
def web() -> Iterator[RealWeb]:
    hosts = {
        "list.dlzs.gov.cn": Host({**DLZS, "/zqsk/": SCRIPTED_PAGE, API: SCRIPTED_API}),
        "home.dlzs.gov.cn": Host({"/": COOKIE_HOME, "/echo": echo}),
        "wzws.dlzs.gov.cn": Host(DLZS, wzws()),
        "ruishu.dlzs.gov.cn": Host(DLZS, ruishu()),
        # behind the challenge, the home page sends the browser on to a script-built list
        "wzwslist.dlzs.gov.cn": Host(
            {"/": Reply.redirect("/zqsk/"), "/zqsk/": SCRIPTED_PAGE, API: SCRIPTED_API}, wzws()
        ),
    }
    with RealWeb(hosts) as running:
        yield running


async def test_a_script_built_list_is_requested_once_and_its_script_still_runs(
    web: RealWeb,
) -> None:
    host = "list.dlzs.gov.cn"
    url = web.url(host, "/zqsk/")
    async with web.browsing(host, as_of=AS_OF) as site:
        verdict = await column.run(site, column.Params())
        listing = await site.render(url)  # the render the rule asked for
        assert isinstance(listing, Page) and listing.rendered
        built = {link.url for link in site.document(listing).links}
    # the list was built: by the page's own script, run on the copy the fetcher read
    assert verdict.status is Status.PASS, verdict.message
    assert {urljoin(url, row["url"]) for row in json.loads(SCRIPTED_API.body)} <= built
    # the page once (the fetcher's GET), its API once (the script's call, to the portal)
    assert web.hits[(host, "/zqsk/")] == 1
    assert web.hits[(host, API)] == 1


async def test_the_home_page_rendered_from_the_copy_keeps_the_sites_cookies(web: RealWeb) -> None:
    host = "home.dlzs.gov.cn"
    async with web.browsing(host, as_of=AS_OF) as site:
        home = await site.home()
        assert isinstance(home, Page) and home.loads
        site.document(home)  # read as the rules read it, before one asks for it rendered
        rendered = await site.render(home.final_url)
        assert isinstance(rendered, Page) and rendered.rendered
        # the copy's Set-Cookie reached the browser, and the script's request carried the jar's
        assert site.document(rendered).title == "sid=s1|sid"
    assert web.hits[(host, "/")] == 1
    assert web.hits[(host, "/echo")] == 1


@pytest.mark.parametrize(
    ("host", "status", "asked"),
    [
        # the fetcher's GET met the challenge; the browser's navigation met it again and ran
        # its script (to /WZWSRELw==, which set the cookie), then its reload got the content
        ("wzws.dlzs.gov.cn", Status.PASS, {"/": 3, "/WZWSRELw==": 1}),
        # the 412 to the fetcher, and to the browser, whose script never comes
        ("ruishu.dlzs.gov.cn", Status.ERROR, {"/": 2}),
    ],
)
async def test_a_challenge_is_asked_of_the_portal_again_not_of_the_copy(
    web: RealWeb, host: str, status: Status, asked: dict[str, int]
) -> None:
    async with web.browsing(host, as_of=AS_OF) as site:
        verdict = await reachable.run(site, reachable.Params())
    assert verdict.status is status, verdict.message
    assert {path: web.hits[(host, path)] for path in asked} == asked


async def test_a_page_rendered_already_is_no_copy_to_answer_a_render_with(web: RealWeb) -> None:
    host = "wzwslist.dlzs.gov.cn"
    async with web.browsing(host, as_of=AS_OF) as site:
        home = await site.home()  # rendered: the challenge passed, the list built, at /zqsk/
        assert isinstance(home, Page) and home.rendered and home.final_url.endswith("/zqsk/")
        again = await site.render(home.final_url)
        assert isinstance(again, Page) and again.rendered
        links = [link.url for link in site.document(again).links]
    # the portal's list page, its script run once: each item once, not the built list built again
    items = [urljoin(home.final_url, row["url"]) for row in json.loads(SCRIPTED_API.body)]
    assert [links.count(item) for item in items] == [1] * len(items)


async def test_with_browser_always_a_rendered_page_keeps_no_body_once_parsed(
    web: RealWeb,
) -> None:
    # no render is answered with a rendered document, so keeping it would only cost memory
    host = "list.dlzs.gov.cn"
    async with web.browsing(host, as_of=AS_OF, render_all=True) as site:
        home = await site.home()  # a page a rule may ask to render, were it not rendered
        assert isinstance(home, Page) and home.rendered and home.loads
        site.document(home)
        assert home.released
