"""The headless browser, for real (system Chromium through Playwright), on pages only a browser
reads: a script challenge in front of the content, a list a script fills from an API. Without a
browser the same pages are `error` naming the reason; the tests that need one skip visibly."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from gkaudit.checks.column import check as column
from gkaudit.checks.reachable import check as reachable
from gkaudit.model import Status
from gkaudit.net.browser import unavailable
from gkaudit.net.http import FailureKind, FetchFailure, Page
from tests.support.realweb import (
    Host,
    RealWeb,
    Reply,
    Request,
    fixture,
    ruishu,
    script_built_list,
    wzws,
)
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
    # the list's API answers after 5 s
    "slowapi.dlzs.gov.cn": Host(
        {"/zqsk/": SCRIPTED_PAGE, "/api/zqsk/list.json": replace(SCRIPTED_API, delay=5.0)}
    ),
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
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.PRIVATE
    assert outcome.message == "points to a private address (127.0.0.1), not fetched"
    assert sum(web.hits.values()) == before


# --- --browser always, budgets, the guard on every request, the site's cookies -----------------

SCRIPTED_TITLE = (
    "<html><head><title>静态</title></head><body><div id='x'></div>"
    "<script>document.getElementById('x').textContent = '由脚本写入';"
    "document.title = '脚本标题';</script></body></html>"
)
#: A page whose script asks another host for data: an intranet host (127.0.0.2) in the test.
INTRANET_PAGE = (
    "<html><head><title>门户</title></head><body><div id='out'>无</div><script>"
    "fetch('http://intranet.dlzs.gov.cn:{port}/secret').then(function (r) {{ return r.text(); }})"
    ".then(function (t) {{ document.getElementById('out').textContent = t; }})"
    ".catch(function () {{ document.getElementById('out').textContent = '被拒绝'; }});"
    "</script></body></html>"
)


def echo_cookies(request: Request) -> Reply:
    names = ",".join(sorted(request.cookies))
    return Reply.page(f"<html><head><title>cookies:{names}</title></head><body>ok</body></html>")


def cookie_page(request: Request) -> Reply:
    # the server saw the plain-HTTP session cookie; the script adds one, the API sets one
    script = (
        "<script>document.cookie = 'js=1; path=/';"
        "fetch('/api/set').then(function () { document.title = 'done'; });</script>"
    )
    seen = ",".join(sorted(request.cookies))
    return Reply.page(
        f"<html><head><title>…</title></head><body><p>{seen}</p>{script}</body></html>"
    )


class Intranet:
    """An HTTP server on 127.0.0.2 (still loopback) standing for an office's intranet host:
    it counts the connections it gets."""

    def __init__(self) -> None:
        self.connections = 0
        self._sock = socket.create_server(("127.0.0.2", 0))
        self._sock.settimeout(0.2)
        self.port = int(self._sock.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> Intranet:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()

    def _serve(self) -> None:
        body = b"\xe5\x86\x85\xe7\xbd\x91\xe6\x95\xb0\xe6\x8d\xae"  # 内网数据
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            with conn:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    b"Access-Control-Allow-Origin: *\r\nConnection: close\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )


@pytest.fixture(scope="module")
def intranet() -> Iterator[Intranet]:
    with Intranet() as server:
        yield server


@pytest.fixture(scope="module")
def guarded(intranet: Intranet) -> Iterator[RealWeb]:
    hosts = {
        "portal.dlzs.gov.cn": Host(
            {
                "/": Reply.page(INTRANET_PAGE.format(port=intranet.port)),
                "/static": Reply.page(SCRIPTED_TITLE),
                "/other": Reply.page(SCRIPTED_TITLE),
                "/session": Reply.page("<html><body>登录</body></html>").with_cookie(
                    "JSESSIONID", "abc"
                ),
                "/cookies": cookie_page,
                "/api/set": Reply(200, b"{}", "application/json").with_cookie("api", "2"),
                "/echo": echo_cookies,
            }
        )
    }
    records = {"intranet.dlzs.gov.cn": {"A": ["127.0.0.2"]}}
    with RealWeb(hosts, records) as running:
        yield running


def test_browser_always_without_chromium_is_a_clear_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gkaudit.cli import main
    from gkaudit.net import browser

    sites = tmp_path / "sites.yaml"
    sites.write_text(
        "sites:\n  - {id: x, name: 某区, url: 'http://127.0.0.1:9/', kind: district}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GKAUDIT_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    browser._missing.cache_clear()
    try:
        with pytest.raises(SystemExit) as exited:
            main(["scan", str(sites), "--browser", "always", "--no-progress", "--no-db"])
    finally:
        browser._missing.cache_clear()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--browser always: no browser to run it" in err and "Traceback" not in err
    assert "apt-get install chromium" in err


@needs_browser
async def test_browser_always_renders_every_page(guarded: RealWeb) -> None:
    async with guarded.browsing("portal.dlzs.gov.cn", as_of=AS_OF, render_all=True) as site:
        pages = [
            await site.page(guarded.url("portal.dlzs.gov.cn", p)) for p in ("/static", "/other")
        ]
    for page in pages:
        assert isinstance(page, Page) and page.rendered, page
        doc = site.document(page)
        assert doc.title == "脚本标题"  # what only the script wrote
    # the control: without --browser always the same page is read as served
    async with guarded.browsing("portal.dlzs.gov.cn", as_of=AS_OF) as site:
        plain = await site.page(guarded.url("portal.dlzs.gov.cn", "/static"))
        assert isinstance(plain, Page) and not plain.rendered
        assert site.document(plain).title == "静态"


@needs_browser
async def test_a_render_is_charged_to_the_page_budget(web: RealWeb) -> None:
    api = ("vue.dlzs.gov.cn", "/api/zqsk/list.json")
    url = web.url("vue.dlzs.gov.cn", "/zqsk/")
    async with web.browsing("vue.dlzs.gov.cn", as_of=AS_OF, max_pages=2) as site:
        rendered = await site.render(url)
        after = await site.page(web.url("vue.dlzs.gov.cn", "/"))
    assert isinstance(rendered, Page) and "list.json" not in rendered.final_url
    # the document and the script's API call were two pages: none is left for another
    assert isinstance(after, FetchFailure) and after.kind is FailureKind.BUDGET
    before = web.hits[api]
    async with web.browsing("vue.dlzs.gov.cn", as_of=AS_OF, max_pages=1) as site:
        await site.render(url)
    assert web.hits[api] == before  # the API call found the budget spent: not sent


@needs_browser
async def test_a_render_ends_within_the_site_time_budget(web: RealWeb) -> None:
    # the browser's own limit is 20 s here; the site's budget of 3 s is what ends the render,
    # while the list's API (5 s to answer) is still being waited for
    host = "slowapi.dlzs.gov.cn"
    async with web.browsing(host, as_of=AS_OF, budget=3.0, timeout=10) as site:
        outcome = await site.render(web.url(host, "/zqsk/"))
        ended = time.monotonic()
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.TIMEOUT, outcome
    assert outcome.message.startswith("the browser did not finish within")
    asked = [t for t, h, path, _ in web.log if h == host and path == "/api/zqsk/list.json"]
    assert asked and ended < asked[-1] + 5.0  # over before the API answered


@needs_browser
async def test_every_request_of_the_browser_is_guarded(
    guarded: RealWeb, intranet: Intranet
) -> None:
    # the portal's own address (127.0.0.1) is allowed explicitly, as for an intranet audit;
    # its script's request to another private address (127.0.0.2) is refused, not sent
    url = guarded.url("portal.dlzs.gov.cn", "/")
    allowed = ("127.0.0.1/32",)
    async with guarded.browsing(
        "portal.dlzs.gov.cn", as_of=AS_OF, allow_private=False, private_networks=allowed
    ) as site:
        page = await site.render(url)
        assert isinstance(page, Page) and page.loads
        assert site.document(page).text.count("被拒绝") == 1
    assert intranet.connections == 0
    # the control: with that network allowed too, the same script reaches it
    async with guarded.browsing(
        "portal.dlzs.gov.cn", as_of=AS_OF, allow_private=False, private_networks=("127.0.0.0/8",)
    ) as site:
        page = await site.render(url)
        assert isinstance(page, Page) and "内网数据" in site.document(page).text
    assert intranet.connections == 1


@needs_browser
async def test_the_browser_uses_the_sites_cookie_jar(guarded: RealWeb) -> None:
    host = "portal.dlzs.gov.cn"
    async with guarded.browsing(host, as_of=AS_OF) as site:
        await site.page(guarded.url(host, "/session"))  # plain HTTP: JSESSIONID set
        rendered = await site.render(guarded.url(host, "/cookies"))
        echoed = await site.page(guarded.url(host, "/echo"))  # plain HTTP again
    # the browser sent the cookie plain HTTP got...
    assert isinstance(rendered, Page) and "JSESSIONID" in rendered.body.decode()
    # ...and what its script and its API call set came back to the plain client
    assert isinstance(echoed, Page)
    assert site.document(echoed).title == "cookies:JSESSIONID,api,js"
