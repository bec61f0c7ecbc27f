"""net.http: pages and failures over real loopback sockets (a faulty server, the fake web)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from gkaudit.html import parse
from gkaudit.model import Family
from gkaudit.net.dns import Resolver
from gkaudit.net.http import FailureKind, Fetcher, FetchFailure, FetchSettings, Page
from gkaudit.net.politeness import Politeness
from tests.support.faultserver import FaultServer
from tests.support.web import FakeWeb


def title_of(page: Page) -> str:
    return parse(page.body, page.final_url, page.content_type or None).title


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer(drip_interval=0.5) as s:
        yield s


def make_fetcher(**settings: object) -> Fetcher:
    # IP-literal URLs need no DNS; a resolver pointed at a closed loopback port proves it
    defaults: dict[str, object] = {"timeout": 2.0, "retries": 0, "interval": 0.0, "backoff": 0.05}
    defaults.update(settings)
    return Fetcher(Resolver(["127.0.0.1:9"]), FetchSettings(**defaults))  # type: ignore[arg-type]


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    f = make_fetcher()
    yield f
    await f.aclose()


async def fetch(url: str, family: Family = Family.IPV4, **settings: object) -> Page | FetchFailure:
    f = make_fetcher(**settings)
    try:
        return await f.fetch(url, family)
    finally:
        await f.aclose()


async def test_page_over_each_family(server: FaultServer, fetcher: Fetcher) -> None:
    v4 = await fetcher.fetch(server.url("/ok"), Family.IPV4)
    v6 = await fetcher.fetch(server.url("/ok", "::1"), Family.IPV6)
    assert isinstance(v4, Page) and isinstance(v6, Page)
    assert (v4.status, v4.address, v4.family) == (200, "127.0.0.1", Family.IPV4)
    assert (v6.status, v6.address, v6.family) == (200, "::1", Family.IPV6)
    assert v4.is_html and title_of(v4) == "正常页面"
    evidence = v4.evidence()
    assert evidence.status == 200 and evidence.address == "127.0.0.1"


async def test_user_agent_names_gkaudit(server: FaultServer, fetcher: Fetcher) -> None:
    await fetcher.fetch(server.url("/ok"))
    assert server.user_agents[-1].startswith("gkaudit/")


async def test_address_of_the_other_family_is_not_used(
    server: FaultServer, fetcher: Fetcher
) -> None:
    outcome = await fetcher.fetch(server.url("/ok"), Family.IPV6)
    assert isinstance(outcome, FetchFailure)
    assert outcome.kind is FailureKind.DNS and "no AAAA" in outcome.message


async def test_a_probe_asks_again_with_get_where_head_fails(server: FaultServer) -> None:
    f = make_fetcher(retries=1)
    try:
        before = server.hits["/head-reset"]
        outcome = await f.probe(server.url("/head-reset"))
        assert isinstance(outcome, Page) and outcome.status == 200
        assert server.hits["/head-reset"] - before == 3  # HEAD, its retry, then GET
        not_found = await f.probe(server.url("/not-found"))
        assert isinstance(not_found, Page) and not_found.status == 404
    finally:
        await f.aclose()


async def test_a_probe_after_a_dns_failure_asks_no_more(fetcher: Fetcher) -> None:
    outcome = await fetcher.probe("http://127.0.0.1:9/x", Family.IPV6)  # no AAAA for it
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.DNS
    assert outcome.attempts == 1


async def test_http_error_is_a_page_not_a_failure(server: FaultServer, fetcher: Fetcher) -> None:
    outcome = await fetcher.fetch(server.url("/not-found"))
    assert isinstance(outcome, Page) and outcome.status == 404 and not outcome.ok


async def test_refused(fetcher: Fetcher) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = await fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert isinstance(outcome, FetchFailure)
    assert (outcome.kind, outcome.message) == (FailureKind.REFUSED, "connect: refused")


@pytest.mark.parametrize("path", ["/reset", "/reset-mid-body"])
async def test_reset_is_transient_and_retried(server: FaultServer, path: str) -> None:
    before = server.hits[path]
    outcome = await fetch(server.url(path), retries=2)
    assert isinstance(outcome, FetchFailure)
    assert outcome.kind is FailureKind.RESET
    assert outcome.attempts == 3 and server.hits[path] - before == 3


@pytest.mark.parametrize("path", ["/slow-drip", "/silent"])
async def test_timeout_is_one_deadline_for_the_whole_exchange(
    server: FaultServer, path: str
) -> None:
    started = time.monotonic()
    outcome = await fetch(server.url(path), timeout=1.0)
    elapsed = time.monotonic() - started
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.TIMEOUT
    assert outcome.message.endswith("timeout after 1 s")
    assert elapsed < 3  # a byte every half second must not keep the read timeout alive


async def test_endless_body_is_capped(server: FaultServer) -> None:
    outcome = await fetch(server.url("/endless"), max_bytes=1_000_000)
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.TOO_LARGE
    assert "1,000,000 bytes" in outcome.message


async def test_redirect_loop(server: FaultServer, fetcher: Fetcher) -> None:
    outcome = await fetcher.fetch(server.url("/loop-a"))
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.REDIRECTS
    assert outcome.message == f"redirect loop back to {server.url('/loop-a')}"
    assert outcome.redirects == (server.url("/loop-b"), server.url("/loop-a"))


async def test_redirect_to_another_scheme(server: FaultServer, fetcher: Fetcher) -> None:
    outcome = await fetcher.fetch(server.url("/to-ftp"))
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.INVALID_URL


async def test_429_honours_retry_after(server: FaultServer) -> None:
    started = time.monotonic()
    outcome = await fetch(server.url("/429-once"), retries=2)
    assert isinstance(outcome, Page) and outcome.status == 200 and outcome.attempts == 2
    assert time.monotonic() - started >= 1.0


async def test_429_asking_for_an_hour_is_reported_not_waited_for(server: FaultServer) -> None:
    started = time.monotonic()
    outcome = await fetch(server.url("/429-long"), retries=2)
    assert isinstance(outcome, Page) and outcome.status == 429 and outcome.attempts == 1
    assert time.monotonic() - started < 2


async def test_5xx_retried_then_reported(server: FaultServer) -> None:
    assert isinstance(ok := await fetch(server.url("/503-once"), retries=2), Page)
    assert ok.status == 200
    before = server.hits["/503-always"]
    outcome = await fetch(server.url("/503-always"), retries=2)
    assert isinstance(outcome, Page) and outcome.status == 503 and outcome.attempts == 3
    assert server.hits["/503-always"] - before == 3


async def test_no_retry_of_permanent_answers(server: FaultServer) -> None:
    before = server.hits["/ua-403"]
    outcome = await fetch(server.url("/ua-403"), retries=2)
    assert isinstance(outcome, Page) and outcome.status == 403 and outcome.attempts == 1
    assert server.hits["/ua-403"] - before == 1


@pytest.mark.parametrize("path", ["/malformed", "/garbage"])
async def test_malformed_http(server: FaultServer, fetcher: Fetcher, path: str) -> None:
    outcome = await fetcher.fetch(server.url(path))
    assert isinstance(outcome, FetchFailure)
    assert outcome.kind is FailureKind.PROTOCOL and outcome.message.startswith("malformed HTTP")


@pytest.mark.parametrize("path", ["/invalid-utf8", "/mixed-encoding"])
async def test_bad_bytes_still_parse(server: FaultServer, fetcher: Fetcher, path: str) -> None:
    outcome = await fetcher.fetch(server.url(path))
    assert isinstance(outcome, Page) and outcome.ok
    assert isinstance(title_of(outcome), str)


async def test_not_html(server: FaultServer, fetcher: Fetcher) -> None:
    outcome = await fetcher.fetch(server.url("/pdf"))
    assert isinstance(outcome, Page) and not outcome.is_html


async def test_invalid_url(fetcher: Fetcher) -> None:
    outcome = await fetcher.fetch("ftp://127.0.0.1/")
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.INVALID_URL


# --- redirects, in the fake web -----------------------------------------------------------------


async def test_redirect_chain_is_recorded(web: FakeWeb) -> None:
    home, a, b = (
        web.url("www.gk.gov.cn"),
        web.url("www.gk.gov.cn", "/a"),
        web.url("gk.gov.cn", "/b/"),
    )
    web.get(home).respond(301, headers={"Location": "/a"})
    web.get(a).respond(302, headers={"Location": b})
    web.get(b).respond(html="<title>b</title>")
    outcome = await web.fetcher().fetch(home)
    assert isinstance(outcome, Page) and outcome.status == 200
    assert outcome.url == home and outcome.final_url == b
    assert outcome.redirects == (a, b)


async def test_too_many_redirects(web: FakeWeb) -> None:
    for i in range(5):
        web.get(web.url("www.gk.gov.cn", f"/{i}")).respond(302, headers={"Location": f"/{i + 1}"})
    outcome = await web.fetcher(max_redirects=3).fetch(web.url("www.gk.gov.cn", "/0"))
    assert isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.REDIRECTS
    assert outcome.message == "more than 3 redirects"


async def test_303_turns_a_head_into_get(web: FakeWeb) -> None:
    form = web.url("www.gk.gov.cn", "/form")
    web.head(form).respond(303, headers={"Location": "/done"})
    done = web.get(web.url("www.gk.gov.cn", "/done")).respond(html="done")
    outcome = await web.fetcher().fetch(form, method="HEAD")
    assert isinstance(outcome, Page) and outcome.status == 200 and done.called


async def test_a_host_name_connects_to_our_address_for_the_family(web: FakeWeb) -> None:
    web.get(web.url("www.gk.gov.cn")).respond(html="<title>首页</title>")
    fetcher = web.fetcher()
    v4 = await fetcher.fetch(web.url("www.gk.gov.cn"), Family.IPV4)
    v6 = await fetcher.fetch(web.url("www.gk.gov.cn"), Family.IPV6)
    assert isinstance(v4, Page) and isinstance(v6, Page)
    assert (v4.address, v6.address) == ("127.0.0.1", "::1")
    assert title_of(v4) == "首页"  # the Host header kept the name: the route matched


# --- politeness --------------------------------------------------------------------------------


async def test_politeness_limits_per_host_and_spaces_requests() -> None:
    limits = Politeness(concurrency=10, per_host=2, interval=0.05)
    running: dict[str, int] = {"a": 0, "b": 0}
    peak: dict[str, int] = {"a": 0, "b": 0}
    starts: list[float] = []

    async def request(host: str) -> None:
        async with limits.slot(host):
            if host == "a":
                starts.append(time.monotonic())
            running[host] += 1
            peak[host] = max(peak[host], running[host])
            await asyncio.sleep(0.12)  # longer than the interval, so slots overlap
            running[host] -= 1

    await asyncio.gather(*(request(h) for h in "aaaaaabbb"))
    assert peak == {"a": 2, "b": 2}
    gaps = [b - a for a, b in zip(sorted(starts), sorted(starts)[1:], strict=False)]
    assert min(gaps) >= 0.045  # the interval holds even with two slots free


async def test_the_interval_holds_when_the_global_slots_are_the_bottleneck() -> None:
    # both global slots are busy (hosts x and y); two requests to "a" wait out their interval,
    # then queue for the global slots, which free together: they must still start apart
    limits = Politeness(concurrency=2, per_host=2, interval=0.05)
    starts: list[float] = []

    async def request(host: str, seconds: float) -> None:
        async with limits.slot(host):
            if host == "a":
                starts.append(time.monotonic())
            await asyncio.sleep(seconds)

    busy = [asyncio.create_task(request(h, 0.2)) for h in ("x", "y")]
    await asyncio.sleep(0.01)
    await asyncio.gather(request("a", 0.01), request("a", 0.01), *busy)
    assert starts[1] - starts[0] >= 0.045, starts
