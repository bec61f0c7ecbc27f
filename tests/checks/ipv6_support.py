"""Shared by the IPv6 check tests, beside the loopback fleet they run on
(tests/support/loopback.py `Fleet`, `zone`): a small portal page, a scanner without an IPv6
route, and a request log."""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import html
import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import dns.asyncquery
import pytest

from gkaudit.model import Family
from gkaudit.net.http import Fetcher

AS_OF = dt.date(2026, 6, 1)


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
