"""Shared by the IPv6 check tests: portals on the demo's DNS and HTTP servers, a `SiteContext`
built on them, a scanner without an IPv6 route, and a request log.

Everything runs over real loopback sockets: the demo `DnsServer` answers for the portals' zones
on 127.0.0.1 and ::1, the demo `HttpServer` serves their pages on both families by Host header.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import html
import os
import socket
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import dns.asyncquery
import pytest

from gkaudit.demo.dns import DnsServer
from gkaudit.demo.http import HttpServer
from gkaudit.model import Family, Site, SiteKind
from gkaudit.net.dns import Resolver
from gkaudit.net.http import Fetcher, FetchSettings
from gkaudit.site.context import SiteContext
from tests.support.fetching import NO_BACK_OFF

AS_OF = dt.date(2026, 6, 1)
DUAL = {"A": ["127.0.0.1"], "AAAA": ["::1"]}
IPV4_ONLY = {"A": ["127.0.0.1"]}

Records = dict[str, dict[str, list[str]]]


def zone(domain: str, **names: Mapping[str, list[str]]) -> Records:
    """A zone with two dual-stack name servers, plus `names` (keys relative to the domain,
    `_` for the apex, `www` for www.<domain>)."""
    records: Records = {
        domain: {"NS": [f"ns1.{domain}", f"ns2.{domain}"]},
        f"ns1.{domain}": dict(DUAL),
        f"ns2.{domain}": dict(DUAL),
    }
    for label, types in names.items():
        owner = domain if label == "_" else f"{label.replace('_', '-')}.{domain}"
        records.setdefault(owner, {}).update({k: list(v) for k, v in types.items()})
    return records


def merge(*parts: Records) -> Records:
    merged: Records = {}
    for part in parts:
        for owner, types in part.items():
            merged.setdefault(owner, {}).update(types)
    return merged


def page(title: str, links: Sequence[str] = (), text: str = "") -> str:
    """A small portal page: a title, some text (repeated so lengths are stable) and links."""
    body = html.escape(text or f"{title}欢迎您。本网站发布政务信息、政策文件和办事服务。" * 8)
    anchors = "\n".join(
        f'<li><a href="{html.escape(url)}">栏目{i}</a></li>' for i, url in enumerate(links)
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"</head><body><h1>{html.escape(title)}</h1><p>{body}</p><ul>{anchors}</ul></body></html>"
    )


@dataclass
class Fleet:
    """A DNS server and an HTTP server on loopback; `url(host, path)` names a page on it."""

    dns: DnsServer
    http: HttpServer

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.http.port}{path}"


@asynccontextmanager
async def site_context(
    dns: DnsServer,
    url: str,
    *,
    http_timeout: float = 2.0,
    dns_timeout: float = 1.0,
    kind: SiteKind = SiteKind.CITY,
    max_pages: int = 400,
) -> AsyncIterator[SiteContext]:
    """A `SiteContext` for the portal at `url`, resolving through `dns` only."""
    resolver = Resolver(
        [dns.address],
        timeout=dns_timeout,
        lifetime=dns_timeout * 2,
        authoritative_port=dns.port,  # every zone's name servers answer on this loopback port
    )
    fetcher = Fetcher(
        resolver, FetchSettings(timeout=http_timeout, retries=0, interval=0, **NO_BACK_OFF)
    )
    host = url.split("//", 1)[1].split(":", 1)[0].split("/", 1)[0]
    site = Site(id=host, name=host, url=url, kind=kind)
    context = SiteContext(site, fetcher, AS_OF, max_pages=max_pages)
    try:
        yield context
    finally:
        context.close()
        await fetcher.aclose()


def no_ipv6_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make this machine a scanner without IPv6: every connect or datagram to an IPv6 address
    fails with "network is unreachable", as on a host with no IPv6 default route."""
    loop_class = asyncio.selector_events.BaseSelectorEventLoop  # the tests' loop
    connect = loop_class.sock_connect

    async def sock_connect(
        self: asyncio.AbstractEventLoop, sock: socket.socket, address: Any
    ) -> Any:
        if sock.family == socket.AF_INET6:
            raise OSError(errno.ENETUNREACH, os.strerror(errno.ENETUNREACH))
        return await connect(self, sock, address)  # type: ignore[arg-type]

    query = dns.asyncquery.udp_with_fallback

    async def udp_with_fallback(q: Any, where: str, *args: Any, **kwargs: Any) -> Any:
        if ":" in where:
            raise OSError(errno.ENETUNREACH, os.strerror(errno.ENETUNREACH))
        return await query(q, where, *args, **kwargs)

    monkeypatch.setattr(loop_class, "sock_connect", sock_connect)
    monkeypatch.setattr(dns.asyncquery, "udp_with_fallback", udp_with_fallback)


@dataclass(frozen=True)
class Request:
    url: str
    family: Family
    method: str


def record_requests(monkeypatch: pytest.MonkeyPatch) -> list[Request]:
    """Every `Fetcher.fetch` from now on (one per probe or page, redirects inside it)."""
    log: list[Request] = []
    fetch = Fetcher.fetch

    async def recorded(self: Fetcher, url: str, family: Family = Family.IPV4, **kwargs: Any) -> Any:
        log.append(Request(url, family, kwargs.get("method", "GET")))
        return await fetch(self, url, family, **kwargs)

    monkeypatch.setattr(Fetcher, "fetch", recorded)
    return log


def hosts_of(requests: Iterable[Request], family: Family) -> list[str]:
    return [r.url.split("//", 1)[1].split(":", 1)[0] for r in requests if r.family is family]
