"""The demo portals' 领导信箱 as the interaction checks read it: a faultless portal passes both
(Hanweb and TRS URLs, GBK bytes), and the two shapes a fault can give it (no 咨询建言 channel;
a letter 办理中 for months) get the verdicts the gwjc-2019 plan gives them."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest

from gkaudit.demo.dns import DnsServer
from gkaudit.demo.http import HttpServer, VirtualHost
from gkaudit.demo.identities import IDENTITIES
from gkaudit.demo.portal import Portal
from gkaudit.demo.spec import PortalSpec
from gkaudit.model import Site, Status
from gkaudit.net.dns import Resolver
from gkaudit.net.http import Fetcher, FetchSettings
from gkaudit.plugins import Registry
from gkaudit.site.context import SiteContext

AS_OF = dt.date(2026, 11, 29)
V4, V6 = "127.0.0.1", "::1"


def _spec(portal_id: str, **changes: object) -> PortalSpec:
    spec = next(s for s in IDENTITIES if s.id == portal_id)
    return replace(spec, **changes)


@asynccontextmanager
async def _served(spec: PortalSpec) -> AsyncIterator[SiteContext]:
    """One demo portal alone on loopback DNS and HTTP, as a `SiteContext`."""
    records = {
        spec.zone: {"NS": [f"ns1.{spec.zone}"]},
        f"ns1.{spec.zone}": {"A": [V4], "AAAA": [V6]},
        spec.host: {"A": [V4], "AAAA": [V6]},
    }
    with DnsServer(records) as dns, HttpServer(slow_seconds=4.0) as http:
        base = f"http://{spec.host}:{http.port}/"
        pages = Portal(spec, port=http.port, as_of=AS_OF, city_url=base).pages()
        http.hosts = {spec.host: VirtualHost(pages)}
        site = Site(id=spec.id, name=spec.name, url=base, kind=spec.kind)
        resolver = Resolver([dns.address], timeout=0.5, lifetime=1.0, authoritative_port=dns.port)
        fetcher = Fetcher(resolver, FetchSettings(timeout=2.0, retries=0, interval=0))
        context = SiteContext(site, fetcher, AS_OF)
        try:
            yield context
        finally:
            context.close()
            await fetcher.aclose()


async def _statuses(spec: PortalSpec) -> tuple[tuple[Status, str], tuple[Status, str]]:
    registry = Registry.load()
    found = []
    async with _served(spec) as site:
        for name in ("interaction_channel", "interaction_response"):
            check = registry.get(name)
            assert check is not None
            verdict = await check.run(site, check.params())
            found.append((verdict.status, verdict.message))
    return found[0], found[1]


#: Hanweb URLs behind a 301 (the city), TRS URLs in GBK (a district), a TRS department.
PORTALS = ("gkcity", "xiling", "czj")


@pytest.mark.parametrize("portal", PORTALS)
async def test_a_faultless_portal_passes_both(portal: str) -> None:
    channel, response = await _statuses(_spec(portal))
    assert channel[0] is Status.PASS, channel[1]
    assert "“领导信箱”" in channel[1]
    assert response[0] is Status.PASS, response[1]
    assert "none of the 4 messages of the year judged (of 4 listed)" in response[1]


async def test_without_a_mailbox_the_channel_fails_and_the_answers_skip() -> None:
    channel, response = await _statuses(_spec("gkcity", mailbox=False))
    assert channel[0] is Status.FAIL, channel[1]
    assert response[0] is Status.SKIP, response[1]


async def test_a_letter_pending_for_120_days_fails_the_answers() -> None:
    channel, response = await _statuses(_spec("gkcity", unanswered_letter=120))
    assert channel[0] is Status.PASS, channel[1]
    assert response[0] is Status.FAIL, response[1]
    assert "is unanswered after 120 days" in response[1]


async def test_a_letter_pending_for_75_days_warns() -> None:
    _channel, response = await _statuses(_spec("gkcity", unanswered_letter=75))
    assert response[0] is Status.WARN, response[1]
