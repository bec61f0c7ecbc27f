"""The one way tests fake the web: pages by URL, served over real loopback sockets.

`FakeWeb` is an aiohttp server on 127.0.0.1 and [::1] (one port for both) that answers by the
URL a request names (`http://` + its Host header + its path and query), so any host name can
be served: `web.url("www.gk.gov.cn", "/a")` is `http://www.gk.gov.cn:PORT/a`. Its fetchers
resolve every host name to loopback in the family asked (DNS is not what these tests test; the
DNS rules have the demo's real DNS server) and may connect to private addresses. Requests go
through gkaudit's real `Fetcher`, so redirects, retries, timeouts and politeness are the real
ones. Use the `web` fixture of tests/conftest.py:

    async def test_x(web: FakeWeb) -> None:
        page = web.get(web.url("www.gk.gov.cn", "/a")).respond(html="<title>A</title>")
        outcome = await web.fetcher().fetch(web.url("www.gk.gov.cn", "/a"))
        assert page.call_count == 1

A URL nothing answers for is a 404. For what no web framework sends (resets, a byte a second,
malformed status lines) use tests/support/faultserver.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from multidict import CIMultiDict

from gkaudit.model import Family
from gkaudit.net.dns import DnsAnswer, Outcome, Resolver, family_type, ip_literal
from gkaudit.net.http import Fetcher, FetchSettings

Headers = Mapping[str, str] | Sequence[tuple[str, str]]


class LoopbackResolver(Resolver):
    """Every host name has the loopback address of the family asked; IP literals are themselves."""

    def __init__(self) -> None:
        super().__init__(["127.0.0.1:9"])  # a closed port: the real resolver is never asked

    async def addresses(self, host: str, family: Family) -> DnsAnswer:
        if ip_literal(host) is not None:
            return await super().addresses(host, family)
        address = "::1" if family is Family.IPV6 else "127.0.0.1"
        return DnsAnswer(host, family_type(family), Outcome.ANSWER, records=(address,))


@dataclass
class Route:
    """What one URL answers, and how often it was asked."""

    method: str
    url: str | re.Pattern[str]
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: answer only a request whose Cookie header holds this (`name=value`), as a session does
    cookie: str | None = None
    call_count: int = 0
    #: the Cookie header of each request answered
    cookies_seen: list[str] = field(default_factory=list)

    @property
    def called(self) -> bool:
        return self.call_count > 0

    def respond(
        self,
        status: int = 200,
        *,
        html: str | None = None,
        text: str | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
        headers: Headers = (),
    ) -> Route:
        """`html` is sent as UTF-8 text/html, `text` as text/plain; `body` as it is, with
        `content_type` (aiohttp sends application/octet-stream when it is None: a response
        with no Content-Type at all comes from tests/support/faultserver.py)."""
        self.status = status
        if html is not None:
            self.body, self.content_type = html.encode(), "text/html; charset=utf-8"
        elif text is not None:
            self.body, self.content_type = text.encode(), "text/plain; charset=utf-8"
        else:
            self.body, self.content_type = body or b"", content_type
        self.headers = list(headers.items() if isinstance(headers, Mapping) else headers)
        return self

    def matches(self, method: str, url: str, cookie: str = "") -> bool:
        if method != self.method:
            return False
        if self.cookie is not None and self.cookie not in cookie.split("; "):
            return False
        if isinstance(self.url, str):
            return url == self.url
        return self.url.fullmatch(url) is not None


class FakeWeb:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.port = 0
        self._runner: web.ServerRunner | None = None
        self._fetchers: list[Fetcher] = []

    async def start(self) -> FakeWeb:
        self._runner = web.ServerRunner(web.Server(self._handle), access_log=None)
        await self._runner.setup()
        v4 = web.TCPSite(self._runner, "127.0.0.1", 0)
        await v4.start()
        self.port = self._runner.addresses[0][1]
        await web.TCPSite(self._runner, "::1", self.port).start()
        return self

    async def close(self) -> None:
        for fetcher in self._fetchers:
            await fetcher.aclose()
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, host: str, path: str = "/") -> str:
        """`http://host:PORT/path` (IPv6 literals in brackets)."""
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}{path}"

    def route(self, method: str, url: str | re.Pattern[str], *, cookie: str | None = None) -> Route:
        """The route of `url` (exact, or a pattern the whole URL must match): 200, empty
        HTML until told otherwise with `respond`. A later route for a URL wins. With
        `cookie`, only a request sending that cookie is answered by it."""
        route = Route(method.upper(), url, cookie=cookie)
        self.routes.insert(0, route)
        return route

    def get(self, url: str | re.Pattern[str], *, cookie: str | None = None) -> Route:
        return self.route("GET", url, cookie=cookie)

    def head(self, url: str | re.Pattern[str]) -> Route:
        return self.route("HEAD", url)

    def fetcher(self, **settings: object) -> Fetcher:
        """A real Fetcher on the loopback resolver; closed with the web. Tests get quick
        defaults (2 s timeout, no retries, no interval) unless they ask otherwise."""
        options: dict[str, object] = {"timeout": 2.0, "retries": 0, "interval": 0.0}
        options.update(settings)
        fetcher = Fetcher(LoopbackResolver(), FetchSettings(**options))  # type: ignore[arg-type]
        self._fetchers.append(fetcher)
        return fetcher

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        url = f"http://{request.host}{request.path_qs}"
        cookie = request.headers.get("Cookie", "")
        for route in self.routes:
            if route.matches(request.method, url, cookie):
                route.call_count += 1
                route.cookies_seen.append(cookie)
                headers = CIMultiDict(route.headers)
                response = web.Response(status=route.status, body=route.body, headers=headers)
                if route.content_type is not None:
                    response.headers["Content-Type"] = route.content_type
                return response
        return web.Response(status=404, text="no route in the fake web")
