"""Outside hosts on a two-worker LocalCluster: two portals in different groups link the same
outside host, and its requests in flight, counted at its server, stay within one worker's
per-host limit; each of its URLs is probed once for the cluster."""

from __future__ import annotations

import asyncio
import datetime as dt
import pickle
import threading
import zlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

distributed = pytest.importorskip(
    "distributed", reason="the Dask extra is not installed: pip install 'gkaudit[dask]'"
)

from gkaudit import i18n  # noqa: E402
from gkaudit.checks.links_broken.judge import State, classify  # noqa: E402
from gkaudit.demo.dns import DnsServer  # noqa: E402
from gkaudit.demo.http import HttpServer, Response, VirtualHost  # noqa: E402
from gkaudit.engine import ScanSettings  # noqa: E402
from gkaudit.executors import Job  # noqa: E402
from gkaudit.executors.dask import DaskExecutor  # noqa: E402
from gkaudit.executors.driver import Driver  # noqa: E402
from gkaudit.executors.groups import politeness_groups  # noqa: E402
from gkaudit.executors.outside import Router  # noqa: E402
from gkaudit.model import Family, Report, Site, SiteKind, Status  # noqa: E402
from gkaudit.net.http import FailureKind, FetchFailure, FetchSettings, Outcome, Page  # noqa: E402
from gkaudit.plans import default_plan_path, load_plan  # noqa: E402
from gkaudit.plugins import Registry  # noqa: E402
from tests.support.loopback import zone_records  # noqa: E402

AS_OF = dt.date(2026, 11, 29)
OUTSIDE = "www.outside.gov.cn"
PORTALS = ("www.porta.gov.cn", "www.portb.gov.cn")
LINKS = 8


class Fleet:
    def __init__(self) -> None:
        self.http = HttpServer()
        self.dns = DnsServer(zone_records([*PORTALS, OUTSIDE]))

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.http.port}{path}"

    def serve(self) -> None:
        links = "".join(
            f'<li><a href="{self.url(OUTSIDE, f"/art/p{i}.html")}">国务院文件{i}</a></li>'
            for i in range(LINKS)
        )
        home = Response.html(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>人民政府</title></head>'
            f"<body><h1>人民政府门户网站</h1><ul>{links}</ul></body></html>"
        )
        article = Response.html(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>国务院文件</title></head>'
            "<body><p>正文</p></body></html>"
        )
        hosts = {portal: VirtualHost(pages={"/": home}) for portal in PORTALS}
        hosts[OUTSIDE] = VirtualHost(pages={f"/art/p{i}.html": article for i in range(LINKS)})
        self.http.hosts = hosts

    def sites(self) -> list[Site]:
        return [
            Site(id=host.split(".")[1], name=host, url=self.url(host), kind=SiteKind.DISTRICT)
            for host in PORTALS
        ]


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    the_fleet = Fleet()
    with the_fleet.http:
        the_fleet.dns.start()
        try:
            the_fleet.serve()
            yield the_fleet
        finally:
            the_fleet.dns.stop()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def scan(fleet: Fleet, cluster: Any, *, owned_outside: bool) -> Report:
    i18n.use("en")
    registry = Registry.load()
    plan = load_plan(default_plan_path().parent / "gwjc-2019.yaml", registry)
    plan = plan.model_copy(update={"rules": tuple(r for r in plan.rules if r.id == "links.broken")})
    settings = ScanSettings(
        as_of=AS_OF,
        nameservers=(fleet.dns.address,),
        authoritative_port=fleet.dns.port,
        fetch=FetchSettings(timeout=5, retries=0, per_host=1, interval=0.0),
    )
    sites = fleet.sites()
    groups = politeness_groups(sites)
    assert len(groups) == 2  # two registered domains: two groups, a batch each
    executor = DaskExecutor(
        cluster.scheduler_address, ipv6_probe="::1", owned_outside=owned_outside
    )
    return asyncio.run(Driver(executor, Job(plan, settings), groups).run(sites))


def probes_of_outside(fleet: Fleet) -> int:
    return sum(
        n
        for i in range(LINKS)
        for n in fleet.http.requests.of(OUTSIDE, f"/art/p{i}.html", Family.IPV4).values()
    )


def test_an_outside_host_linked_from_two_groups_is_probed_by_one_worker(
    fleet: Fleet, cluster: Any
) -> None:
    # every answer takes 150 ms, so the two batches' probes would overlap if they could
    fleet.http.latency = 0.15
    try:
        fleet.http.in_flight.reset()
        fleet.http.requests.clear()
        report = scan(fleet, cluster, owned_outside=True)
        owned = fleet.http.in_flight.peak.get(OUTSIDE), probes_of_outside(fleet)
        # the control: each batch probes the outside host itself, from its own worker
        fleet.http.in_flight.reset()
        fleet.http.requests.clear()
        control = scan(fleet, cluster, owned_outside=False)
        alone = fleet.http.in_flight.peak.get(OUTSIDE), probes_of_outside(fleet)
    finally:
        fleet.http.latency = 0.0
    for each in (report, control):
        assert {r.status for _, r in each.results()} == {Status.PASS}, each.results()
    assert owned == (1, LINKS)  # --per-host 1 across both workers; each URL probed once
    assert alone[0] == 2 and alone[1] == 2 * LINKS, alone


class _Gone(OSError):
    pass


class _Rpc:
    """What `worker.rpc(address)` gives: the op as an async call; `dead` addresses refuse."""

    def __init__(self, address: str, dead: set[str], asked: list[str]) -> None:
        self.address, self.dead, self.asked = address, dead, asked

    def __getattr__(self, op: str) -> Any:
        async def call(url: str, family: str) -> bytes:
            self.asked.append(self.address)
            if self.address in self.dead:
                raise _Gone("unable to contact the worker")
            page = Page(url, url, Family(family), 200, {}, b"", "127.0.0.1")
            return pickle.dumps(page)

        return call


class _Worker:
    """The parts of a Dask worker a Router uses: its event loop (in a thread) and its rpc."""

    def __init__(self, dead: set[str]) -> None:
        self.asked: list[str] = []
        self.dead = dead
        self.loop = SimpleNamespace(asyncio_loop=asyncio.new_event_loop())
        self._thread = threading.Thread(target=self.loop.asyncio_loop.run_forever, daemon=True)
        self._thread.start()

    def rpc(self, address: str) -> _Rpc:
        return _Rpc(address, self.dead, self.asked)

    def stop(self) -> None:
        self.loop.asyncio_loop.call_soon_threadsafe(self.loop.asyncio_loop.stop)
        self._thread.join(5)


async def probe(router: Router, url: str) -> Outcome:
    asked = router(url, Family.IPV4)
    assert asked is not None, "an outside host goes to its owner"
    return await asked


def test_a_lost_owner_is_skipped_and_with_none_left_the_link_is_undecided() -> None:
    owners = ["tcp://127.0.0.1:1", "tcp://127.0.0.1:2"]
    url = "http://www.gov.cn/zhengce/"
    worker = _Worker(dead={owners[zlib.crc32(b"www.gov.cn") % 2]})
    try:
        router = Router(worker, "run", owners, own=["porta.gov.cn"])
        assert router("http://www.porta.gov.cn/x.html", Family.IPV4) is None  # its own host
        outcome = asyncio.run(probe(router, url))
        assert isinstance(outcome, Page) and outcome.status == 200
        assert len(worker.asked) == 2 and set(worker.asked) == set(owners)
        worker.dead.update(owners)
        failure = asyncio.run(probe(router, url))
        assert isinstance(failure, FetchFailure) and failure.kind is FailureKind.ERROR
        assert classify(failure)[0] is State.UNDECIDED  # never a broken link
    finally:
        worker.stop()
