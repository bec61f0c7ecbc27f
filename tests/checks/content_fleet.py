"""A small fleet of the fixture portals under tests/fixtures/portals, over real loopback sockets.

The demo's DNS server answers for every host (A 127.0.0.1, AAAA ::1) and NXDOMAIN for other
names in the fleet's zones; the demo's virtual-host HTTP server serves each host's files by
path (`dir/index.html` answers `/dir/` too), with per-host `routes` that replace or add
responses: a variant of a page, a redirect, a 404. One fixture directory can so serve several
hosts of one registered domain (`www.dlzs.gov.cn`, `stale.dlzs.gov.cn`...), each a portal with
one thing changed.

    with Fleet(PORTALS) as fleet:
        async with fleet.scan("www.dlzs.gov.cn", as_of=...) as site: ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gkaudit.declaration import CheckParams
from gkaudit.demo.http import Response, VirtualHost
from gkaudit.model import SiteKind, Verdict
from gkaudit.site.context import SiteContext
from tests.support import loopback

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "portals"
HTML_SUFFIXES = (".html", ".shtml", ".htm")


def fixture(path: str) -> bytes:
    """The bytes of a fixture file, `path` relative to tests/fixtures/portals."""
    return (FIXTURES / path).read_bytes()


def page(path: str, *, status: int = 200, charset: str | None = None) -> Response:
    """A fixture file as an HTML response; without `charset` the page's own meta decides."""
    content_type = "text/html" if charset is None else f"text/html; charset={charset}"
    return Response(status=status, body=fixture(path), content_type=content_type)


def status(code: int) -> Response:
    return Response(status=code, body=f"<html><body>HTTP {code}</body></html>".encode())


def redirect(location: str, code: int = 301) -> Response:
    return Response.redirect(location, code)


@dataclass(frozen=True)
class Portal:
    """One host: the fixture directory it serves, and responses that replace or add paths."""

    host: str
    directory: str | None  # under tests/fixtures/portals; None: only `routes`
    routes: Mapping[str, Response] = field(default_factory=dict)

    def pages(self) -> dict[str, Response]:
        pages: dict[str, Response] = {}
        if self.directory is not None:
            root = FIXTURES / self.directory
            for file in sorted(root.rglob("*")):
                if not file.is_file() or file.suffix not in HTML_SUFFIXES:
                    continue
                relative = file.relative_to(root).as_posix()
                response = page(f"{self.directory}/{relative}")
                pages["/" + relative] = response
                if file.stem == "index" and file.suffix == ".html":
                    folder = "/" + relative[: -len("index.html")]
                    pages.setdefault(folder, response)
        pages.update(self.routes)
        return pages


class Fleet(loopback.Fleet):
    """DNS and HTTP servers for `portals`; `scan()` gives a SiteContext on one of them."""

    def __init__(self, portals: Iterable[Portal]) -> None:
        self.portals = {p.host: p for p in portals}
        pages = {h: VirtualHost(p.pages()) for h, p in self.portals.items()}
        super().__init__(loopback.zone_records(self.portals), lambda _port: pages)

    async def verdict(
        self,
        run: Callable[[SiteContext, Any], Awaitable[Verdict]],
        params: CheckParams,
        host: str,
        *,
        as_of: dt.date,
        kind: SiteKind = SiteKind.DISTRICT,
        hints: dict[str, str] | None = None,
    ) -> Verdict:
        """What the check `run` concludes about `host` with `params`."""
        async with self.scan(host, as_of=as_of, kind=kind, **(hints or {})) as site:
            return await run(site, params)


#: The fixture portals and their variants, each showing one verdict.
PORTALS = (
    # 中山区: UTF-8, nav items in nested spans with &nbsp;, /zqsk answers 301 -> /zqsk/
    Portal("www.dlzs.gov.cn", "dlzs", {"/zqsk": redirect("/zqsk/")}),
    Portal("stale.dlzs.gov.cn", "dlzs", {"/zqsk": page("dlzs/zqsk/stale.html")}),
    Portal("undated.dlzs.gov.cn", "dlzs", {"/zqsk": page("dlzs/zqsk/undated.html")}),
    Portal("article.dlzs.gov.cn", "dlzs", {"/zqsk": page("dlzs/zqsk/article.html")}),
    Portal("broken.dlzs.gov.cn", "dlzs", {"/zqsk": status(404), "/zcjd/": status(500)}),
    Portal("refusing.dlzs.gov.cn", "dlzs", {"/zqsk": status(403), "/zfxxgk/": status(403)}),
    # the link 政府信息公开 leads to a page without sections; the 政务公开 page answers 429
    Portal(
        "throttledgk.dlzs.gov.cn",
        "dlzs",
        {"/zfxxgk/": page("dlzs/zjzs/index.html"), "/zwgk/": status(429)},
    ),
    Portal("lowinterp.dlzs.gov.cn", "dlzs", {"/zcjd/": page("dlzs/zcjd/low.html")}),
    # of the three newest interpretations (all linked), two answer 429 (a per-host rate
    # limit) and one is gone (404)
    Portal(
        "throttled.dlzs.gov.cn",
        "dlzs",
        {
            "/zcjd/202611/t20261125_4004.html": status(429),
            "/zcjd/202611/t20261114_4005.html": status(429),
            "/zcjd/202611/t20261103_4006.html": status(404),
        },
    ),
    Portal("fewinterp.dlzs.gov.cn", "dlzs", {"/zcjd/": page("dlzs/zcjd/few.html")}),
    Portal(
        "partial.dlzs.gov.cn",
        "dlzs",
        {"/zfxxgk/": page("dlzs/zfxxgk/partial.html"), "/zfxxgk/xxgkzd/": status(404)},
    ),
    Portal(
        "oldreport.dlzs.gov.cn", "dlzs", {"/zfxxgk/xxgknb/": page("dlzs/zfxxgk/xxgknb/old.html")}
    ),
    Portal("down.dlzs.gov.cn", None, {"/": status(503)}),
    Portal("bare.dlzs.gov.cn", None, {"/": page("dlzs/zjzs/index.html")}),  # links lead to 404
    # 西岗区: GBK bytes declared gb2312, meta-refresh home, [11-20] dates, image link with alt
    Portal("www.dlxg.gov.cn", "dlxg", {"/hqsk": redirect("/hqsk/index.shtml")}),
    # 甘井子区: frameset home; 助企纾困 only a news article; 政务公开 is the platform itself
    Portal("www.ganjingzi.gov.cn", "ganjingzi", {"/zwgk/xxgkzd/": status(404)}),
    # 市科技局: a department whose entries (platform, 政策解读, 科技助企) are images without alt
    Portal("kjj.dl.gov.cn", "kjj"),
)
#: A name in the fleet's zones that does not exist (NXDOMAIN).
MISSING_HOST = "gone.dlzs.gov.cn"
