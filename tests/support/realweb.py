"""The web as real Chinese government portals serve it, on loopback: firewalls, challenges,
block and maintenance pages, rate limits, moved domains, lists built by scripts.

A virtual-host HTTP server (127.0.0.1 and ::1, one port, hosts by the Host header) whose hosts
are made of a *guard* and *routes*. A guard sees every request first and may answer instead of
the route, as a firewall in front of the portal does: `ruishu()` answers 412 with the real
瑞数 challenge, `wzws()` the real 知道创宇 script challenge that a browser passes (its script sets
cookies and reloads) and a plain client never does, `blocks_unknown_agents(page)` a vendor's
block page to anything that does not say Mozilla, `rate_limited(after)` a CC page once a client
went over a budget, `maintenance()` a notice on every URL, `moved_to(host)` a 301 to the new
domain. Routes are static `Reply`s or functions of the `Request`.

The obstacle pages are the ones in tests/fixtures/realweb (see SOURCES.md there). Other
engineers add behaviours here: one function per behaviour, named for what the portal does.

    with RealWeb({"www.example.gov.cn": Host(routes={"/": Reply.page("<html>…")})}) as web:
        async with web.scan("www.example.gov.cn", as_of=...) as site: ...
"""

from __future__ import annotations

import asyncio
import datetime as dt
import http
import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, cast
from urllib.parse import urlsplit

from gkaudit.demo._net import Listeners, TcpServer, bind_same_port
from gkaudit.demo.http import host_name
from gkaudit.model import Family, SiteKind
from gkaudit.site.context import SiteContext
from tests.support.loopback import LoopbackSites

REALWEB = Path(__file__).resolve().parents[1] / "fixtures" / "realweb"
#: What a desktop browser sends (the UA-filtering firewalls let this through).
BROWSER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def fixture(name: str) -> bytes:
    return (REALWEB / name).read_bytes()


@dataclass(frozen=True)
class Request:
    host: str
    path: str
    query: str
    method: str
    headers: Mapping[str, str]  # lower-case names
    cookies: Mapping[str, str]
    family: Family

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    #: seconds the server takes before it answers (so that requests in flight overlap)
    delay: float = 0.0

    @classmethod
    def page(cls, html: str | bytes, status: int = 200) -> Reply:
        return cls(status, html.encode() if isinstance(html, str) else html)

    @classmethod
    def file(cls, name: str, status: int = 200) -> Reply:
        return cls(status, fixture(name))

    @classmethod
    def redirect(cls, location: str, status: int = 302, **cookies: str) -> Reply:
        headers = [("Location", location)]
        headers += [("Set-Cookie", f"{k}={v}; path=/") for k, v in cookies.items()]
        return cls(status, b"", None, tuple(headers))

    def with_cookie(self, name: str, value: str) -> Reply:
        return replace(self, headers=(*self.headers, ("Set-Cookie", f"{name}={value}; path=/")))


Route = Reply | Callable[[Request], Reply]
#: A firewall in front of the portal: an answer of its own, or None to let the request pass.
Guard = Callable[[Request], Reply | None]


@dataclass
class Host:
    routes: Mapping[str, Route] = field(default_factory=dict)
    guard: Guard | None = None


NOT_FOUND = Reply.page(
    "<html><head><title>404</title></head><body>404 页面不存在</body></html>", 404
)


# --- behaviours --------------------------------------------------------------------------------


def ruishu() -> Guard:
    """瑞数: HTTP 412 and the challenge to every request without the cookie its script computes
    (the script comes from the vendor's server-side module, so no client here ever gets it)."""

    def guard(request: Request) -> Reply | None:
        if "NfBCSins2OywT" in request.cookies:
            return None
        return Reply.file("ruishu-412.html", 412).with_cookie("NfBCSins2OywS", "60abcdef")

    return guard


def wzws() -> Guard:
    """知道创宇 创宇盾: the real packed script challenge at 200. Its script (run by a browser)
    sets `wzwschallenge` and goes to /WZWSRELw==, which sets `wzws_cid` and sends the browser
    back; a client that runs no script stays on the challenge."""

    def guard(request: Request) -> Reply | None:
        if "wzws_cid" in request.cookies:
            return None
        if request.path == "/WZWSRELw==" and "wzwschallenge" in request.cookies:
            return Reply.redirect("/", wzws_cid="a1b2c3d4e5")
        return Reply.file("wzws-challenge.html")

    return guard


def blocks_unknown_agents(page: str, status: int = 200) -> Guard:
    """A WAF (安全狗, 云锁, 360, 阿里云, 腾讯云: `page` is its block page) that answers anything
    not calling itself a browser with its block page."""

    def guard(request: Request) -> Reply | None:
        return None if "Mozilla/" in request.user_agent else Reply.file(page, status)

    return guard


def rate_limited(after: int, page: str = "ratelimit.html") -> Guard:
    """CC protection: the first `after` requests to the host pass, every later one gets the
    rate-limit page at 200 (a polite crawler trips it too, mid-crawl)."""
    seen = Counter[str]()
    lock = threading.Lock()

    def guard(request: Request) -> Reply | None:
        with lock:
            seen[request.host] += 1
            over = seen[request.host] > after
        return Reply.file(page) if over else None

    return guard


def too_many_requests(
    times: int, retry_after: str | Callable[[], str] | None = None, status: int = 429
) -> Guard:
    """The first `times` requests to the host get HTTP 429 (or `status`: a 503 with
    Retry-After, as an overloaded portal's load balancer answers), with `Retry-After` when given
    (delta-seconds or an HTTP-date, or a function giving it at the time of the request)."""
    seen = Counter[str]()
    lock = threading.Lock()
    body = f"<html><body><h1>{status} {http.HTTPStatus(status).phrase}</h1></body></html>"

    def guard(request: Request) -> Reply | None:
        with lock:
            seen[request.host] += 1
            over = seen[request.host] <= times
        if not over:
            return None
        value = retry_after() if callable(retry_after) else retry_after
        headers = () if value is None else (("Retry-After", value),)
        return Reply(status, body.encode(), headers=headers)

    return guard


def cc_protection(
    rate: int, window: float, ban: float, page: str = "ratelimit-toofast.html"
) -> Guard:
    """CC protection as WAFs count (ngx_lua_waf's `CCrate = "100/60"`): a client that sends
    more than `rate` requests within `window` seconds gets the rate-limit page at 200 for
    `ban` seconds after its last request over the limit."""
    starts: list[float] = []
    banned_until = [0.0]
    lock = threading.Lock()

    def guard(request: Request) -> Reply | None:
        now = time.monotonic()
        with lock:
            if now < banned_until[0]:
                banned_until[0] = now + ban
                return Reply.file(page)
            starts.append(now)
            recent = [t for t in starts if now - t <= window]
            if len(recent) > rate:
                banned_until[0] = now + ban
                return Reply.file(page)
        return None

    return guard


def maintenance(page: str = "maintenance-notice.html") -> Guard:
    """Every URL answers the maintenance notice at 200."""
    return lambda request: Reply.file(page)


def moved_to(host: str) -> Guard:
    """The old domain in sites.yaml: every URL 301s to the same path on the new domain."""

    def guard(request: Request) -> Reply | None:
        port = request.headers.get("host", "").rpartition(":")[2]
        query = f"?{request.query}" if request.query else ""
        return Reply.redirect(f"http://{host}:{port}{request.path}{query}", 301)

    return guard


def script_built_list(page: bytes, api: str) -> tuple[Reply, Reply]:
    """A list page whose items come from a JSON API, as Vue/jQuery portals ship their lists:
    `page`'s `<ul class="list">` emptied, its items served at `api` and put back by a script
    (only a browser shows them). Returns the page and the API's answer."""
    html = page.decode("utf-8")
    found = re.search(r'<ul class="list">(.*?)</ul>', html, re.S)
    assert found is not None, 'the page has no <ul class="list">'
    items = [
        {"url": href, "title": title, "date": date}
        for href, title, date in re.findall(
            r'<li><a href="([^"]+)"[^>]*>([^<]+)</a><span class="date">([^<]+)</span></li>',
            found.group(1),
        )
    ]
    script = (
        "<script>\n"
        f"fetch('{api}').then(function (r) {{ return r.json(); }}).then(function (rows) {{\n"
        "  var ul = document.getElementById('list');\n"
        "  rows.forEach(function (row) {\n"
        "    var li = document.createElement('li');\n"
        "    li.innerHTML = '<a href=\"' + row.url + '\" target=\"_blank\">' + row.title +\n"
        "      '</a><span class=\"date\">' + row.date + '</span>';\n"
        "    ul.appendChild(li);\n"
        "  });\n"
        "});\n</script>\n"
    )
    emptied = (
        html[: found.start()] + '<ul class="list" id="list"></ul>' + html[found.end() :]
    ).replace("</body>", script + "</body>")
    data = json.dumps(items, ensure_ascii=False).encode()
    return Reply.page(emptied), Reply(200, data, "application/json")


# --- the server --------------------------------------------------------------------------------


class RealWeb(LoopbackSites):
    """DNS and HTTP for `hosts` on loopback; `scan()` gives a SiteContext on one of them."""

    FETCH: ClassVar[Mapping[str, Any]] = {
        **LoopbackSites.FETCH,
        "rate_limit_backoff": 0.05,
        "slowed_interval": 0.0,
    }

    def __init__(
        self,
        hosts: Mapping[str, Host],
        records: Mapping[str, Mapping[str, list[str]]] | None = None,
    ) -> None:
        """`records`: more DNS names (name -> type -> answers), served by no host here."""
        self.hosts = {k.lower(): v for k, v in hosts.items()}
        self.records = dict(records or {})
        self.hits: Counter[tuple[str, str]] = Counter()  # (host, path)
        self.agents: list[str] = []
        #: every request as it arrived: (time.monotonic(), host, path, status answered)
        self.log: list[tuple[float, str, str, int]] = []
        #: the most requests one host had in flight at once
        self.peak: Counter[str] = Counter()
        self._inflight: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._listeners: Listeners | None = None
        self._port = 0

    @property
    def port(self) -> int:
        return self._port

    def __enter__(self) -> RealWeb:
        servers = bind_same_port(
            [
                lambda port: TcpServer(socket.AF_INET, port, _Handler, self),
                lambda port: TcpServer(socket.AF_INET6, port, _Handler, self),
            ]
        )
        self._port = int(servers[0].socket.getsockname()[1])
        self._listeners = Listeners(servers, "realweb")
        self._listeners.start()
        self.start_dns(self.hosts, self.records)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_dns()
        if self._listeners is not None:
            self._listeners.stop()

    @asynccontextmanager
    async def browsing(
        self,
        host: str,
        *,
        as_of: dt.date,
        kind: SiteKind = SiteKind.DISTRICT,
        render_all: bool = False,
        max_pages: int = 400,
        budget: float | None = None,
        **settings: object,
    ) -> AsyncIterator[SiteContext]:
        """`scan` with a headless browser (tests using it skip when none is installed):
        `render_all` as `--browser always`, the site's page and time `budget`, and the
        fetcher's `settings` (`allow_private=False`: the guard as a real scan has it)."""
        from gkaudit.net.browser import Browser

        fetcher = self.fetcher(**settings)
        browser = Browser(fetcher)
        if budget is not None:
            await browser.start()  # so that a slow launch on a busy machine costs no budget
        deadline = None if budget is None else asyncio.get_running_loop().time() + budget
        context = SiteContext(
            self.site(host, kind),
            fetcher,
            as_of,
            browser=browser,
            render_all=render_all,
            max_pages=max_pages,
            deadline=deadline,
        )
        try:
            yield context
        finally:
            context.close()
            await browser.aclose()
            await fetcher.aclose()

    def answer(self, request: Request) -> Reply:
        arrived = time.monotonic()
        reply = self._answer(request)
        with self._lock:
            self.log.append((arrived, request.host, request.path, reply.status))
        return reply

    def started(self, host: str) -> None:
        with self._lock:
            self._inflight[host] += 1
            self.peak[host] = max(self.peak[host], self._inflight[host])

    def finished(self, host: str) -> None:
        with self._lock:
            self._inflight[host] -= 1

    def _answer(self, request: Request) -> Reply:
        self.hits[(request.host, request.path)] += 1
        self.agents.append(request.user_agent)
        host = self.hosts.get(request.host)
        if host is None:
            return NOT_FOUND
        if host.guard is not None:
            blocked = host.guard(request)
            if blocked is not None:
                return blocked
        route = host.routes.get(request.path)
        if route is None:
            return NOT_FOUND
        return route if isinstance(route, Reply) else route(request)


def pages(routes: Iterable[tuple[str, str]]) -> dict[str, Route]:
    """Routes from (path, fixture file) pairs."""
    return {path: Reply.file(name) for path, name in routes}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, *, body: bool) -> None:
        listener = cast(TcpServer, self.server)
        owner: RealWeb = listener.owner
        parts = urlsplit(self.path)
        cookies = SimpleCookie()
        cookies.load(self.headers.get("Cookie", ""))
        request = Request(
            host=host_name(self.headers.get("Host", "")),
            path=parts.path or "/",
            query=parts.query,
            method=self.command,
            headers={k.lower(): v for k, v in self.headers.items()},
            cookies={k: m.value for k, m in cookies.items()},
            family=Family.IPV6 if listener.address_family == socket.AF_INET6 else Family.IPV4,
        )
        owner.started(request.host)
        try:
            reply = owner.answer(request)
            if reply.delay:
                time.sleep(reply.delay)
        finally:
            owner.finished(request.host)
        phrase = http.HTTPStatus(reply.status).phrase if reply.status in _KNOWN else "Status"
        lines = [f"HTTP/1.1 {reply.status} {phrase}", f"Content-Length: {len(reply.body)}"]
        if reply.content_type is not None:
            lines.append(f"Content-Type: {reply.content_type}")
        lines += [f"{k}: {v}" for k, v in reply.headers]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
        self.wfile.write(head + (reply.body if body else b""))

    def log_message(self, format: str, *args: object) -> None:
        pass


_KNOWN = frozenset(int(s) for s in http.HTTPStatus)
