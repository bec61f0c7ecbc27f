"""The Dask executor for real: a two-worker LocalCluster (worker processes) against the demo fleet.

One cluster for the module (a start costs seconds). Politeness is judged where it matters, at the
server: the demo HTTP server counts the requests it is answering per host.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip(
    "distributed", reason="the Dask extra is not installed: pip install 'gkaudit[dask]'"
)

import dask  # noqa: E402

from gkaudit import __version__, i18n  # noqa: E402
from gkaudit.demo.fleet import DemoFleet  # noqa: E402
from gkaudit.engine import ScanSettings  # noqa: E402
from gkaudit.executors import Job  # noqa: E402
from gkaudit.executors.dask import DaskExecutor, Preflight, resource  # noqa: E402
from gkaudit.executors.driver import Driver  # noqa: E402
from gkaudit.executors.groups import politeness_groups  # noqa: E402
from gkaudit.executors.local import LocalExecutor  # noqa: E402
from gkaudit.model import Report, Rule, Site, SiteKind, SiteReport, Status  # noqa: E402
from gkaudit.net.http import FetchSettings  # noqa: E402
from gkaudit.plans import load_plan  # noqa: E402
from gkaudit.plugins import Registry  # noqa: E402
from tests.support.demo_cli import differences, timeless  # noqa: E402
from tests.support.faultserver import FaultServer  # noqa: E402

AS_OF = dt.date(2026, 11, 29)
SLOW = 4.0  # the slow portal outlasts the 2 s timeout
#: What the fault tests run besides their crashing rule: quick, and one page rule.
QUICK = ("site.reachable", "ipv6.aaaa", "disclosure.catalogue")


@pytest.fixture(scope="module")
def fleet() -> Iterator[DemoFleet]:
    with DemoFleet(AS_OF, slow_seconds=SLOW) as demo:
        yield demo


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    # one death of a task's workers is forgiven, the second gives up on it (KilledWorker)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as local,
    ):
        yield local


def job(
    fleet: DemoFleet,
    *,
    rules: tuple[str, ...] = (),
    plugins: tuple[Path, ...] = (),
    per_host: int = 2,
) -> Job:
    """The default plan (only `rules`, if given) on the fleet."""
    settings = ScanSettings(
        as_of=AS_OF,
        nameservers=(fleet.nameserver,),
        authoritative_port=fleet.dns.port,
        fetch=FetchSettings(timeout=2, retries=1, per_host=per_host, interval=0.0),
    )
    plan = load_plan(None, Registry.load(plugins))
    if rules:
        plan = plan.model_copy(update={"rules": tuple(r for r in plan.rules if r.id in rules)})
    return Job(plan, settings, plugins, i18n.current())


def dask_executor(cluster: Any) -> DaskExecutor:
    # the demo's IPv6 is on ::1: that is the route the workers' pre-flight asks for
    return DaskExecutor(cluster.scheduler_address, ipv6_probe="::1")


def run(fleet: DemoFleet, executor: Any, the_job: Job, *, grouped: bool = True) -> Report:
    groups = politeness_groups(fleet.sites, grouped=grouped)
    return asyncio.run(Driver(executor, the_job, groups).run(fleet.sites))


@pytest.fixture(scope="module")
def local_report(fleet: DemoFleet) -> Report:
    i18n.use("en")  # a module fixture runs before the per-test language fixture
    return run(fleet, LocalExecutor(), job(fleet))


def test_the_dask_report_equals_the_local_report(
    fleet: DemoFleet, cluster: Any, local_report: Report
) -> None:
    report = run(fleet, dask_executor(cluster), job(fleet))
    assert differences(timeless(report), timeless(local_report)) == []
    assert [s.id for s in report.sites] == [s.id for s in fleet.sites]
    assert not report.incomplete


def test_no_host_is_crawled_by_two_workers_at_once(fleet: DemoFleet, cluster: Any) -> None:
    # every answer takes 20 ms, so requests overlap if they can; the slow portal answers too
    # (a request the client gave up on would stay counted at the server)
    fleet.http.latency, fleet.http.slow_seconds = 0.02, 0.0
    # the home pages, and the link probes of ipv6.links: the fan-out to the city's hosts
    polite = job(fleet, rules=("site.reachable", "ipv6.links"), per_host=1)
    try:
        fleet.http.in_flight.reset()
        run(fleet, dask_executor(cluster), polite)
        grouped = dict(fleet.http.in_flight.peak)
        # the control: one task per site, as a naive distribution does, overlaps on the shared
        # hosts (the city's sites all probe www.gkcity.gov.cn), so the counting can fail
        fleet.http.in_flight.reset()
        naive = DaskExecutor(cluster.scheduler_address, ipv6_probe="::1", batches_per_slot=99)
        run(fleet, naive, polite, grouped=False)
        ungrouped = dict(fleet.http.in_flight.peak)
    finally:
        fleet.http.latency, fleet.http.slow_seconds = 0.0, SLOW
    assert "www.gkcity.gov.cn" in grouped
    assert max(grouped.values()) == 1, grouped  # --per-host 1, across both workers
    assert max(ungrouped.values()) > 1, ungrouped


CRASH_CHECK = '''"""Test check: kills the worker process auditing `victim`, `times` times in
all (a marker file per death), then passes: a worker lost mid-run."""

import os
from pathlib import Path

from gkaudit.declaration import CheckParams, check
from gkaudit.model import Verdict


class Params(CheckParams):
    victim: str
    marks: str
    times: int = 1


@check("crash_worker", params=Params)
async def run(site, params):
    if site.site.id == params.victim:
        marks = Path(params.marks)
        marks.mkdir(exist_ok=True)
        deaths = len(list(marks.iterdir()))
        if deaths < params.times:
            (marks / str(deaths)).touch()
            os._exit(1)
    return Verdict.passed("alive")
'''


def crash_job(fleet: DemoFleet, tmp_path: Path, victim: str, times: int) -> Job:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "crash_worker.py").write_text(CRASH_CHECK, encoding="utf-8")
    base = job(fleet, rules=QUICK, plugins=(plugins,))
    rule = Rule(
        id="test.crash",
        title="crash",
        clause="-",
        check="crash_worker",
        params={"victim": victim, "marks": str(tmp_path / "marks"), "times": times},
    )
    plan = base.plan.model_copy(update={"rules": (*base.plan.rules, rule)})
    return Job(plan, base.settings, base.plugins)


def test_a_worker_lost_mid_run_leaves_every_site_reported_once(
    fleet: DemoFleet, cluster: Any, tmp_path: Path, local_report: Report
) -> None:
    the_job = crash_job(fleet, tmp_path, victim="kjj", times=1)
    report = run(fleet, dask_executor(cluster), the_job)
    assert len(list((tmp_path / "marks").iterdir())) == 1  # a worker did die
    assert [s.id for s in report.sites] == [s.id for s in fleet.sites]
    crash = {s.id: (r.status, r.message) for s, r in report.results() if r.rule == "test.crash"}
    assert {status for status, _ in crash.values()} == {Status.PASS}, crash
    # the rescheduled group's verdicts are those of an undisturbed run
    others = {(s.id, r.rule): r.status for s, r in report.results() if r.rule != "test.crash"}
    assert others == {
        (s.id, r.rule): r.status for s, r in local_report.results() if r.rule in QUICK
    }


def test_a_group_whose_workers_keep_dying_is_error_and_the_scan_completes(
    fleet: DemoFleet, cluster: Any, tmp_path: Path
) -> None:
    the_job = crash_job(fleet, tmp_path, victim="xiling", times=99)
    report = run(fleet, dask_executor(cluster), the_job)
    assert [s.id for s in report.sites] == [s.id for s in fleet.sites]
    xiling = next(s for s in report.sites if s.id == "xiling")
    assert {r.status for r in xiling.results} <= {Status.ERROR, Status.SKIP}
    assert "kept dying" in xiling.results[0].message
    # the groups that waited on the dying workers may go down with it, whole; the others pass
    for other in report.sites:
        statuses = {r.status for r in other.results}
        crash = next(r for r in other.results if r.rule == "test.crash")
        if other.id != "xiling" and crash.status is not Status.PASS:
            assert statuses <= {Status.ERROR, Status.SKIP}
            assert "kept dying" in crash.message
    alive = [s for s, r in report.results() if r.rule == "test.crash" and r.status is Status.PASS]
    assert alive


def test_a_task_waiting_for_the_preflight_starts_once_a_worker_passes_it(cluster: Any) -> None:
    # what a group meets when its workers died: no worker has the run's resources yet (the
    # restarted ones join before their pre-flight), so its task waits in `no-worker`; the
    # pre-flight that then gives a worker the resources must wake it
    run_id = uuid.uuid4().hex[:12]
    with distributed.Client(cluster.scheduler_address) as client:
        waiting = client.submit(
            sum, [1, 2], key=f"waiting-{run_id}", resources={resource(run_id, ipv6=False): 1}
        )
        deadline = time.monotonic() + 30
        while client.run_on_scheduler(_state, key=waiting.key) != "no-worker":
            assert time.monotonic() < deadline, "the task never waited for a worker"
            time.sleep(0.1)
        preflight = Preflight(run_id, __version__, "fe80::1")
        client.register_plugin(preflight, name=preflight.name)
        try:
            assert waiting.result(timeout=60) == 3
        finally:
            client.unregister_worker_plugin(preflight.name)


def _state(dask_scheduler: Any, key: str) -> str:
    task = dask_scheduler.tasks.get(key)
    return "absent" if task is None else str(task.state)


def test_a_worker_without_ipv6_is_never_given_ipv6_rules(fleet: DemoFleet, cluster: Any) -> None:
    # fe80::1 without a scope has no route anywhere: the workers' pre-flight finds no IPv6
    executor = DaskExecutor(cluster.scheduler_address, ipv6_probe="fe80::1")
    report = run(fleet, executor, job(fleet))
    ipv6 = [r for _, r in report.results() if r.rule.startswith("ipv6.")]
    assert ipv6
    assert {r.status for r in ipv6} <= {Status.ERROR, Status.SKIP}
    assert all(
        "no worker of the cluster has an IPv6 route" in r.message
        for r in ipv6
        if r.status is Status.ERROR
    )
    others = [r for _, r in report.results() if not r.rule.startswith("ipv6.")]
    assert Status.PASS in {r.status for r in others}


def test_a_batch_streams_each_site_as_it_finishes(cluster: Any) -> None:
    # one host, so one group and one batch: a quick site and one that waits out its timeout
    with FaultServer() as server:
        sites = [
            Site(id=sid, name=sid, url=server.url(path), kind=SiteKind.DEPARTMENT)
            for sid, path in (("quick", "/ok"), ("stuck", "/silent"))
        ]
        groups = politeness_groups(sites)
        assert len(groups) == 1
        plan = load_plan(None, Registry.load())
        plan = plan.model_copy(
            update={"rules": tuple(r for r in plan.rules if r.id == "site.reachable")}
        )
        settings = ScanSettings(as_of=AS_OF, fetch=FetchSettings(timeout=8, retries=0))
        arrived: dict[str, float] = {}

        def on_site(report: SiteReport) -> None:
            arrived[report.id] = time.monotonic()

        driver = Driver(DaskExecutor(cluster.scheduler_address), Job(plan, settings), groups)
        report = asyncio.run(driver.run(sites, on_site))
    assert [s.id for s in report.sites] == ["quick", "stuck"]
    # the quick site came back while its batch still waited on the stuck one
    assert arrived["stuck"] - arrived["quick"] > 4, arrived
