"""Hosts outside a batch on a two-worker LocalCluster, their requests in flight counted at the
server: two portals in different groups link the same outside host, which stays within one
worker's per-host limit, each of its URLs probed once for the cluster; a district portal links
the city's host while the city's batch crawls it on the other worker, and the city's host stays
within the per-host limit too."""

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
from gkaudit.executors import Job, outside  # noqa: E402
from gkaudit.executors.dask import DaskExecutor  # noqa: E402
from gkaudit.executors.driver import Driver  # noqa: E402
from gkaudit.executors.groups import politeness_groups  # noqa: E402
from gkaudit.executors.lanes import Lanes, lane_resource  # noqa: E402
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
CITY_LINKS = 12
#: Its group is the first batch (so lane 0); the CRC-32 of its name is odd (lane 1 of 2).
CITY, DISTRICT = "www.city.gov.cn", "www.district.gov.cn"


class Fleet:
    def __init__(self) -> None:
        self.http = HttpServer()
        self.dns = DnsServer(zone_records([*PORTALS, OUTSIDE, CITY, DISTRICT]))

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.http.port}{path}"

    def home(self, host: str, paths: list[str]) -> Response:
        links = "".join(
            f'<li><a href="{self.url(host, path)}">政府文件{i}</a></li>'
            for i, path in enumerate(paths)
        )
        return Response.html(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>人民政府</title></head>'
            f"<body><h1>人民政府门户网站</h1><ul>{links}</ul></body></html>"
        )

    def serve(self) -> None:
        article = Response.html(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>国务院文件</title></head>'
            "<body><p>正文</p></body></html>"
        )
        outside_home = self.home(OUTSIDE, [f"/art/p{i}.html" for i in range(LINKS)])
        hosts = {portal: VirtualHost(pages={"/": outside_home}) for portal in PORTALS}
        hosts[OUTSIDE] = VirtualHost(pages={f"/art/p{i}.html": article for i in range(LINKS)})
        # the city's home links its own pages, the district's others of the city's host
        city = [f"/c/p{i}.html" for i in range(CITY_LINKS)]
        linked = [f"/d/p{i}.html" for i in range(CITY_LINKS)]
        hosts[CITY] = VirtualHost(
            pages={"/": self.home(CITY, city), **dict.fromkeys(city + linked, article)}
        )
        hosts[DISTRICT] = VirtualHost(pages={"/": self.home(CITY, linked)})
        self.http.hosts = hosts

    def sites(self, hosts: tuple[str, ...] = PORTALS) -> list[Site]:
        return [
            Site(id=host.split(".")[1], name=host, url=self.url(host), kind=SiteKind.DISTRICT)
            for host in hosts
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


def scan(fleet: Fleet, cluster: Any, *, hosts: tuple[str, ...] = PORTALS, **options: Any) -> Report:
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
    sites = fleet.sites(hosts)
    groups = politeness_groups(sites)
    assert len(groups) == 2  # two registered domains: two groups, a batch each
    executor = DaskExecutor(cluster.scheduler_address, ipv6_probe="::1", **options)
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


def test_a_host_of_another_group_is_reached_only_from_the_worker_crawling_it(
    fleet: Fleet, cluster: Any
) -> None:
    # the control's precondition: by the CRC of its name the city's host would be lane 1, the
    # district's, while the city's batch runs in lane 0 (the first batch)
    assert zlib.crc32(CITY.encode()) % 2 == 1
    fleet.http.latency = 0.15
    try:
        peaks = []
        for by_group in (True, False):
            fleet.http.in_flight.reset()
            report = scan(fleet, cluster, hosts=(CITY, DISTRICT), lanes_by_group=by_group)
            assert {r.status for _, r in report.results()} == {Status.PASS}, report.results()
            peaks.append(fleet.http.in_flight.peak.get(CITY))
    finally:
        fleet.http.latency = 0.0
    # --per-host 1: the district's probes of the city's pages go through the city's batch; in
    # the control the district's worker probes them while the city's batch crawls its host
    assert peaks == [1, 2], peaks


class _Gone(OSError):
    pass


class _Rpc:
    """What `worker.rpc(address)` gives: the op as an async call; `dead` addresses refuse."""

    def __init__(self, address: str, worker: _Worker) -> None:
        self.address, self.worker = address, worker

    def __getattr__(self, op: str) -> Any:
        async def call(url: str, family: str) -> bytes:
            self.worker.asked.append(self.address)
            if self.address in self.worker.dead:
                raise _Gone("unable to contact the worker")
            page = Page(url, url, Family(family), 200, {}, b"", "127.0.0.1")
            return pickle.dumps(page)

        return call


class _Scheduler:
    """The scheduler's `identity()` as a router reads it: who holds which lane's resource."""

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker

    async def identity(self) -> dict[str, Any]:
        workers: dict[str, Any] = {}
        for lane, address in self.worker.holders.items():
            workers.setdefault(address, {"resources": {}})["resources"][
                lane_resource("run", lane)
            ] = 1.0
        return {"workers": workers}


class _Worker:
    """The parts of a Dask worker a Router uses: its event loop (in a thread), its rpc and its
    scheduler's; `holders`: lane -> address, as the scheduler lists them."""

    def __init__(self, holders: dict[int, str]) -> None:
        self.asked: list[str] = []
        self.dead: set[str] = set()
        self.holders = holders
        self.scheduler = _Scheduler(self)
        self.loop = SimpleNamespace(asyncio_loop=asyncio.new_event_loop())
        self._thread = threading.Thread(target=self.loop.asyncio_loop.run_forever, daemon=True)
        self._thread.start()

    def rpc(self, address: str) -> _Rpc:
        return _Rpc(address, self)

    def stop(self) -> None:
        self.loop.asyncio_loop.call_soon_threadsafe(self.loop.asyncio_loop.stop)
        self._thread.join(5)


async def probe(router: Router, url: str) -> Outcome:
    asked = router(url, Family.IPV4)
    assert asked is not None, "a host outside the batch goes to its lane's holder"
    return await asked


def test_a_lost_holder_is_looked_up_again_and_with_none_left_the_link_is_undecided(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outside, "HOLDER_WAIT", 1.0)
    monkeypatch.setattr(outside, "RETRY", 0.05)
    first, second = "tcp://127.0.0.1:1", "tcp://127.0.0.1:2"
    lanes = Lanes("run", 2, {"city.gov.cn": 0})
    worker = _Worker({0: first, 1: second})
    try:
        router = Router(worker, lanes, own=["porta.gov.cn"])
        assert router("http://www.porta.gov.cn/x.html", Family.IPV4) is None  # its own host
        # the city's host goes to the holder of its group's lane, whatever its name's CRC
        outcome = asyncio.run(probe(router, "http://www.city.gov.cn/a.html"))
        assert isinstance(outcome, Page) and outcome.status == 200
        assert worker.asked == [first]
        # its holder dies; the driver gives lane 0 to the other worker; the router finds it
        worker.dead.add(first)
        worker.holders = {1: first}

        def handed_over() -> None:
            worker.holders = {0: second, 1: second}

        timer = threading.Timer(0.2, handed_over)
        timer.start()
        outcome = asyncio.run(probe(router, "http://www.city.gov.cn/b.html"))
        timer.join()
        assert isinstance(outcome, Page)
        assert worker.asked[-1] == second and first in worker.asked[1:]
        # no worker answers for lane 0 any more: undecided, never broken
        worker.dead.add(second)
        failure = asyncio.run(probe(router, "http://www.city.gov.cn/c.html"))
        assert isinstance(failure, FetchFailure) and failure.kind is FailureKind.ERROR
        assert classify(failure)[0] is State.UNDECIDED
    finally:
        worker.stop()
