"""The Dask executor: politeness groups in batches, a task per batch, on a Dask cluster
(`gkaudit[dask]`).

A task is `local.audit_sites` on a batch of whole groups (`groups.batches`): one engine, on a
fresh event loop in one of the worker's threads, for all the batch's sites, so its global and
per-host limits hold across them as in a local scan, and no group's host is ever split across
two tasks. A batch per group (an engine per portal, one site at a time per thread) made the
cluster slower than one process (bench/README.md). The run has `BATCHES_PER_SLOT` batches per
worker thread admitted: enough for the load to balance and for a lost worker to cost a small
part of the run. Each site's report comes back to the driver as it finishes, as an event of
the run's topic (so a batch of hours shows its progress, and Ctrl-C keeps its finished
sites), and the batch's reports again when it ends (`as_completed`): the driver reports each
site once, whichever arrives first. Workers never write a file.

The `Job` travels once per worker, inside the run's worker plugin, not with every task. The
plugin also serves the run's probes of the hosts outside a batch (`executors.outside`): each
host a batch links but does not crawl is probed by the one worker holding its lane
(`executors.lanes`), the worker that runs the batches crawling it, if any. Each batch needs
its lane's resource, which one worker holds at a time; the driver hands the lanes of a lost
worker to another.

Pre-flight. The plugin runs on every worker when it joins, and again when a worker comes
back after a crash: a worker of another gkaudit version than the driver's, or one that cannot
unpickle the plugin (no gkaudit at all), gets no resource and so never gets a task; a worker
that passes gets the resource `gkaudit-<version>`, and `gkaudit-<version>-ipv6` when it knows
a route to the IPv6 probe address (a UDP connect picks a route without sending anything; the
worker's `GKAUDIT_IPV6_PROBE` overrides the address the driver asks for). When the plan has
IPv6 rules, batches go only to workers with the IPv6 resource; when no worker has it, the IPv6
rules are withheld (`error`, naming the cause) rather than given to a worker to fail.

Faults. A worker lost mid-task has its batch rescheduled by the scheduler; a task that kept
failing (`retries`) or whose workers kept dying (`distributed.scheduler.allowed-failures`,
3 by default) gives `error` results for its batch's sites, and the scan completes. Tasks
restricted by resources are all assigned up front (Dask's queuing is for unrestricted tasks),
so the batches waiting on a worker that dies are counted as suspects too: a worker that keeps
dying can take innocent batches to `error` with it; the sites such a batch had finished
before keep their results. A site is reported once: the first report of it that arrives
(an attempt cut short by a lost worker may have sent some; the attempt that finished sends
the rest). A batch runs where its lane is: until the driver has given a lost worker's lanes to
another worker (within a second once one is admitted), its batches wait.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import socket
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace
from typing import Any

from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker
from distributed.core import Status
from distributed.scheduler import KilledWorker

from gkaudit import __version__
from gkaudit.engine import inconclusive_site
from gkaudit.executors import ExecutorError, Job, OnSite
from gkaudit.executors.groups import Group, batches
from gkaudit.executors.lanes import Lanes, assign, domains, keep, lane_resource
from gkaudit.executors.local import audit_sites
from gkaudit.executors.outside import HostProbes, Router, handler_name
from gkaudit.i18n import _
from gkaudit.model import Plan, PlanSet, Site, SiteReport

#: A global IPv6 address whose route tells a worker has IPv6 egress (CNNIC's public DNS,
#: 240C::6666); nothing is sent to it.
IPV6_PROBE = "240c::6666"
PREFLIGHT = "gkaudit-preflight"
#: Batches per worker thread: the tail of a run is about one batch long, and a lost worker
#: costs its batches in flight.
BATCHES_PER_SLOT = 4


def has_ipv6_route(address: str) -> bool:
    """True when this machine has a route to `address` (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.connect((address, 53))
    except OSError:
        return False
    return True


def resource(run_id: str, *, ipv6: bool) -> str:
    """The resource a worker that passed this run's pre-flight has (one name per run: a
    pre-flight of an earlier run, with another probe address, tells nothing about this one)."""
    return f"gkaudit-{run_id}-ipv6" if ipv6 else f"gkaudit-{run_id}"


def ipv6_rules(plan: Plan | PlanSet) -> list[str]:
    """The rules only a worker with IPv6 egress can decide (their checks are the `ipv6-*`)."""
    return [rule.id for rule in plan.rules if rule.check.startswith("ipv6")]


class Preflight(WorkerPlugin):  # type: ignore[misc]
    """Gives a worker the resources that let it take this run's tasks, if it qualifies, and
    the run's job (pickled once for the cluster, not once per task); `take` gives it lanes."""

    def __init__(self, run_id: str, version: str, ipv6_probe: str, job: Job | None = None) -> None:
        self.name = f"{PREFLIGHT}-{run_id}"
        self.run_id = run_id
        self.version = version
        self.ipv6_probe = ipv6_probe
        self.job = job
        self.outcome: dict[str, Any] = {}
        self._given: dict[str, float] = {}
        self.hosts: HostProbes | None = None
        self.lanes: Lanes | None = None

    async def setup(self, worker: Any) -> None:
        probe = os.environ.get("GKAUDIT_IPV6_PROBE", self.ipv6_probe)
        self.outcome = {"version": __version__, "ipv6": has_ipv6_route(probe), "probe": probe}
        if __version__ != self.version:
            return
        if self.job is not None:
            self.hosts = HostProbes(self.job.settings)
            worker.handlers[handler_name(self.run_id)] = self.hosts.handle
        slots = self._slots(worker)
        self._given = {resource(self.run_id, ipv6=False): slots}
        if self.outcome["ipv6"]:
            self._given[resource(self.run_id, ipv6=True)] = slots
        await worker.set_resources(**self._given)
        _revisit_waiting_tasks(worker)

    async def take(self, worker: Any, lanes: Lanes, held: Iterable[int]) -> None:
        """Hold the lanes `held` of the run's `lanes` (the map first, then the resources that
        bring their batches here)."""
        self.lanes = lanes
        given = dict.fromkeys((lane_resource(self.run_id, k) for k in held), self._slots(worker))
        self._given.update(given)
        await worker.set_resources(**given)
        _revisit_waiting_tasks(worker)

    @staticmethod
    def _slots(worker: Any) -> float:
        return float(worker.state.nthreads)

    async def teardown(self, worker: Any) -> None:
        if self._given:
            await worker.set_resources(**dict.fromkeys(self._given, 0.0))
        if self.hosts is not None:
            worker.handlers.pop(handler_name(self.run_id), None)
            await self.hosts.aclose()


def _revisit_waiting_tasks(worker: Any) -> None:
    """Has the scheduler look again at the tasks no worker could take.

    A worker restarted by its nanny joins the cluster before its plugins give it this run's
    resources, and the scheduler reconsiders its waiting (`no-worker`) tasks when a worker joins or
    resumes, not when a worker's resources grow: a group whose workers died would wait for ever
    on two healthy workers. A pause and a resume is the stimulus the scheduler does act on.
    """
    if worker.status == Status.running:
        worker.status = Status.paused
        worker.status = Status.running


def _outcome(dask_worker: Any, name: str) -> dict[str, Any]:
    plugin = dask_worker.plugins.get(name)
    if not isinstance(plugin, Preflight):
        return {"version": None}
    return {**plugin.outcome, "slots": dask_worker.state.nthreads}


def stream(run_id: str) -> str:
    """The topic of a run's site reports, sent by the workers as each site finishes."""
    return f"gkaudit-{run_id}-sites"


def audit_batch(
    name: str,
    sites: Sequence[Site],
    withheld: Mapping[str, str],
    own: Collection[str],
    routed: bool = True,
) -> list[SiteReport]:
    """A worker's task: the sites of a batch audited with the job of the run's plugin `name`
    (a worker gets the tasks only once that plugin has given it the run's resources and the
    batch's lane), less the rules the pre-flight found no worker able to run; links to hosts
    outside the batch's `own` registered domains are probed by their lanes' holders (`routed`;
    else here), and the probes of its own asked by other batches are lent."""
    worker = get_worker()
    plugin: Preflight = worker.plugins[name]
    job = plugin.job
    assert job is not None, "the run's plugin carries its job"
    assert plugin.hosts is not None, "and the probes it lends"
    assert plugin.lanes is not None, "a batch runs only on a worker holding its lane"
    if withheld:
        job = replace(job, settings=replace(job.settings, withheld=withheld))
    topic = stream(plugin.run_id)

    def send(report: SiteReport) -> None:
        worker.log_event(topic, pickle.dumps(report))  # thread-safe: via the worker's loop

    router = Router(worker, plugin.lanes if routed else None, own)
    return audit_sites(job, sites, router, send, plugin.hosts.lend(own))


class DaskExecutor:
    """Runs the groups on the cluster at `scheduler`, or on a LocalCluster of `workers`
    processes started for the scan (and stopped after it)."""

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        workers: int = 2,
        threads: int = 2,
        retries: int = 1,
        ipv6_probe: str = IPV6_PROBE,
        notice: Callable[[str], None] | None = None,
        owned_outside: bool = True,
        batches_per_slot: int = BATCHES_PER_SLOT,
        lanes_by_group: bool = True,
    ) -> None:
        """The tests' controls, never offered to users: `owned_outside=False`, each batch
        probes the hosts it links itself; `lanes_by_group=False`, a host of another group has
        the lane of its name, as a host of no group does, not its group's."""
        self.scheduler = scheduler
        self.workers = workers
        self.threads = threads
        self.retries = retries
        self.ipv6_probe = ipv6_probe
        self.notice = notice or (lambda _message: None)
        self.owned_outside = owned_outside
        self.batches_per_slot = batches_per_slot
        self.lanes_by_group = lanes_by_group

    async def run(self, job: Job, groups: Sequence[Group], on_site: OnSite) -> None:
        async with AsyncExitStack() as stack:
            address: Any = self.scheduler
            if address is None:
                address = await stack.enter_async_context(
                    LocalCluster(
                        n_workers=self.workers,
                        threads_per_worker=self.threads,
                        processes=True,
                        asynchronous=True,
                        # its HTTP server on loopback, on a free port (8787 may be taken)
                        dashboard_address="127.0.0.1:0",
                    )
                )
            try:
                client = await stack.enter_async_context(Client(address, asynchronous=True))
                # the batches are sized to the workers there: all of a cluster started here
                await client.wait_for_workers(1 if self.scheduler else self.workers, timeout=60)
            except (OSError, TimeoutError) as exc:
                raise ExecutorError(
                    _("Dask scheduler {address}: {error}").format(
                        address=self.scheduler or address.scheduler_address, error=exc
                    )
                ) from None
            run_id = uuid.uuid4().hex[:12]
            preflight = Preflight(run_id, __version__, self.ipv6_probe, job)
            await client.register_plugin(preflight, name=preflight.name)
            try:
                admission = await self._admit(client, job, preflight)
                await self._audit(client, job, groups, on_site, admission)
            finally:
                await client.unregister_worker_plugin(preflight.name)

    async def _admit(self, client: Any, job: Job, preflight: Preflight) -> _Admission:
        """Which workers passed the run's pre-flight, and what of the job they can run."""
        name, run_id = preflight.name, preflight.run_id
        outcomes: dict[str, dict[str, Any]] = await client.run(_outcome, name=name)
        ready = {a: o for a, o in outcomes.items() if o.get("version") == __version__}
        for address, outcome in outcomes.items():
            if address not in ready:
                self.notice(
                    _("worker {worker} refused: gkaudit {found}, the driver runs {version}").format(
                        worker=address, found=outcome.get("version"), version=__version__
                    )
                )
        if not ready:
            raise ExecutorError(
                _("no Dask worker passed the pre-flight (gkaudit {version})").format(
                    version=__version__
                )
            )
        rules = ipv6_rules(job.plan)
        with_ipv6 = {a: o for a, o in ready.items() if o["ipv6"]}
        ipv6 = bool(rules and with_ipv6)
        workers = with_ipv6 if ipv6 else ready
        withheld: dict[str, str] = {}
        if rules and not ipv6:
            reason = _("not run: no worker of the cluster has an IPv6 route")
            self.notice(reason)
            withheld = dict.fromkeys(rules, reason)
        return _Admission(
            run_id=run_id,
            plugin=name,
            resource=resource(run_id, ipv6=ipv6),
            slots=tuple(workers[address]["slots"] for address in sorted(workers)),
            withheld=withheld,
        )

    async def _audit(
        self,
        client: Any,
        job: Job,
        groups: Sequence[Group],
        on_site: OnSite,
        admission: _Admission,
    ) -> None:
        owner: dict[str, tuple[Group, ...]] = {}
        futures = []
        reported: set[str] = set()

        def report(site: SiteReport) -> None:
            if site.id not in reported:
                reported.add(site.id)
                on_site(site)

        topic = stream(admission.run_id)
        # subscribed before any task is submitted (the scheduler keeps their order)
        client.subscribe_topic(topic, lambda event: report(pickle.loads(event[1])))
        packed = batches(groups, sum(admission.slots) * self.batches_per_slot)
        lane_of = assign(packed, admission.slots)
        lanes = Lanes(
            admission.run_id,
            len(admission.slots),
            domains(packed, lane_of) if self.lanes_by_group else {},
        )
        for index, (batch, lane) in enumerate(zip(packed, lane_of, strict=True)):
            future = client.submit(
                audit_batch,
                admission.plugin,
                [site for group in batch for site in group.sites],
                admission.withheld,
                sorted({domain for group in batch for domain in group.domains}),
                self.owned_outside,
                key=f"gkaudit-{admission.run_id}-{index}-{batch[0].name}",
                pure=False,
                retries=self.retries,
                resources={admission.resource: 1, lane_resource(admission.run_id, lane): 1},
            )
            owner[future.key] = batch
            futures.append(future)

        async def collect() -> None:
            async for future in as_completed(futures):
                sites = [site for group in owner[future.key] for site in group.sites]
                try:
                    reports = await future
                except KilledWorker:
                    message = _("not audited: the workers running its group kept dying")
                    reports = [inconclusive_site(job.plan, s, message) for s in sites]
                except Exception as exc:
                    message = _(
                        "not audited: its group's task failed {attempts} times ({error})"
                    ).format(attempts=self.retries + 1, error=f"{type(exc).__name__}: {exc}")
                    reports = [inconclusive_site(job.plan, s, message) for s in sites]
                for each in reports:
                    report(each)

        # the keeper gives every lane its first holder, then a new one for each holder lost
        keeper = asyncio.ensure_future(keep(client, lanes, admission.resource, admission.plugin))
        collecting = asyncio.ensure_future(collect())
        try:
            await asyncio.wait({collecting, keeper}, return_when=asyncio.FIRST_COMPLETED)
            if keeper.done():
                keeper.result()  # only an error ends it: a lost lane's batches would wait for ever
            await collecting
        finally:
            collecting.cancel()
            keeper.cancel()
            await asyncio.gather(collecting, keeper, return_exceptions=True)  # raised above
            client.unsubscribe_topic(topic)
            await client.cancel(futures)


@dataclass(frozen=True)
class _Admission:
    """What the pre-flight of a run found: the plugin holding its job, the resource its tasks
    need, the threads of each worker that has it (in address order: a lane each) and the
    rules withheld from every task."""

    run_id: str
    plugin: str
    resource: str
    slots: tuple[int, ...]
    withheld: Mapping[str, str] = field(default_factory=dict)
