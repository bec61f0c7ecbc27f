"""Probes across batches on a Dask cluster: each host probed by the worker holding its lane.

A batch probes the hosts of its own groups itself. Any other host it links, of another group (a
district portal linking the city's www.dl.gov.cn) or of none (www.gov.cn, beian.miit.gov.cn:
what `links.broken` probes, linked by the portals of every batch), it sends to the worker
holding the host's lane (`executors.lanes`), through that worker's RPC handler of the run
(`HostProbes`). There the probe is done by the batch crawling that host, when one runs on the
worker, with the batch's memo and per-host limit, so the host's crawl and the probes of its
links share one limit; otherwise by the worker's own prober, with one memo for the cluster.
A batch starting on the worker first waits for the worker's own probes of its hosts to end,
and a batch ending waits for the probes it lent to end, so the two never overlap on a host.

Why owners and not the alternatives: a cluster-wide lock or semaphore per host (the
scheduler's `distributed.Semaphore`) bounds the requests in flight but costs two scheduler
round trips per probe and still probes each URL once per batch; a second phase grouped by
target host would split every link check in two (links now, verdicts after a barrier) and
hold every site's results until the end. An owner costs one worker-to-worker call per
URL a batch asks of another lane (the batch's memo answers the repeats), none through the
scheduler but the look-up of the lanes' holders, once per batch and again when one is lost.

A lane whose holder cannot be reached (its worker died) is looked up again until the driver
has given it to another worker; when none takes it in time, the link is undecided (`error`
kind), never broken.
"""

from __future__ import annotations

import asyncio
import pickle
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from gkaudit.domains import host_of, registered_domain
from gkaudit.engine import ScanSettings, make_fetcher
from gkaudit.executors.lanes import Lanes, holders
from gkaudit.i18n import _
from gkaudit.model import Family
from gkaudit.net.http import AUTO_CONCURRENCY, FailureKind, Fetcher, FetchFailure, Outcome
from gkaudit.site.probes import Probes, Serve

#: Seconds a probe waits for its lane to have a holder that answers.
HOLDER_WAIT = 60.0
#: Seconds between looks at the work in flight (a batch's start and end wait for it).
POLL = 0.02
#: Seconds between looks for the holder of a lane whose holder was lost.
RETRY = 0.5


def handler_name(run_id: str) -> str:
    """The RPC operation of a run's probes on every worker."""
    return f"gkaudit_host_probe_{run_id}"


@dataclass
class _Lent:
    """A running batch's probes, lent to the worker's handler (`in_flight`: under the lock)."""

    loop: asyncio.AbstractEventLoop
    probes: Probes
    in_flight: int = 0


class HostProbes:
    """The holder's side: the probes of the hosts of its lanes, asked by any batch. The handler
    runs on the worker's event loop (a probe is a HEAD or a bodiless GET, light enough for the
    loop that carries heartbeats); the batches on loops of their own, in the task threads."""

    def __init__(self, settings: ScanSettings) -> None:
        self._settings = settings
        self._fetcher: Fetcher | None = None
        self._probes: Probes | None = None
        self._lock = threading.Lock()
        self._batches: dict[str, _Lent] = {}  # registered domain -> the batch crawling it
        self._own: dict[str, int] = {}  # registered domain -> this prober's probes in flight

    async def handle(self, url: str, family: str) -> bytes:
        domain = registered_domain(host_of(url))
        with self._lock:
            lent = self._batches.get(domain)
            if lent is not None:
                lent.in_flight += 1
            else:
                self._own[domain] = self._own.get(domain, 0) + 1
        # counted until the probe itself ends, even if this call is cancelled: the batch's
        # start and end wait on these counts
        if lent is not None:
            call = lent.probes.probe(url, Family(family))
            work = asyncio.wrap_future(asyncio.run_coroutine_threadsafe(call, lent.loop))
        else:
            work = asyncio.ensure_future(self._prober().probe(url, Family(family)))
        work.add_done_callback(lambda _done: self._release(domain, lent))
        return pickle.dumps(await asyncio.shield(work))

    def _release(self, domain: str, lent: _Lent | None) -> None:
        with self._lock:
            if lent is not None:
                lent.in_flight -= 1
            elif self._own[domain] > 1:
                self._own[domain] -= 1
            else:
                del self._own[domain]

    def _prober(self) -> Probes:
        if self._probes is None:
            fetch = self._settings.fetch
            # the automatic global limit (0) is the engine's to make concrete; no engine here
            limit = fetch.concurrency or AUTO_CONCURRENCY
            self._fetcher = make_fetcher(self._settings, replace(fetch, concurrency=limit))
            self._probes = Probes(self._fetcher)
        return self._probes

    def lend(self, domains: Collection[str]) -> Serve:
        """What a batch of this worker crawling `domains` gives its engine (`Engine(serve=)`):
        while it runs, the probes of those domains asked here are done by its probes."""

        @asynccontextmanager
        async def serve(probes: Probes) -> AsyncIterator[None]:
            lent = _Lent(asyncio.get_running_loop(), probes)
            with self._lock:
                self._batches.update(dict.fromkeys(domains, lent))
            await self._until(lambda: not any(d in self._own for d in domains))
            try:
                yield
            finally:
                with self._lock:
                    for domain in domains:
                        if self._batches.get(domain) is lent:
                            del self._batches[domain]
                await self._until(lambda: lent.in_flight == 0)

        return serve

    async def _until(self, done: Callable[[], bool]) -> None:
        while True:
            with self._lock:
                if done():
                    return
            await asyncio.sleep(POLL)

    async def aclose(self) -> None:
        if self._probes is not None:
            self._probes.close()
        if self._fetcher is not None:
            await self._fetcher.aclose()


class Router:
    """The batch's side (a `site.probes.Delegate`): a URL of the batch's `own` registered
    domains is probed by the batch's engine (None); any other goes to its lane's holder."""

    def __init__(self, worker: Any, lanes: Lanes | None, own: Collection[str]) -> None:
        self._worker = worker
        self._loop: asyncio.AbstractEventLoop = worker.loop.asyncio_loop
        self._lanes = lanes
        self._own = frozenset(own)
        self._run_id = lanes.run_id if lanes is not None else ""
        self._op = handler_name(self._run_id)
        self._holders: dict[int, str] = {}

    def __call__(self, url: str, family: Family) -> Awaitable[Outcome] | None:
        host = host_of(url)
        if not host or self._lanes is None or registered_domain(host) in self._own:
            return None
        return self._ask(url, family, host, self._lanes.of(host))

    def _on_worker_loop(self, call: Any) -> Awaitable[Any]:
        # an RPC runs on the worker's loop (its connection pool lives there), this batch on a
        # loop of its own in the task's thread
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(call, self._loop))

    async def _ask(self, url: str, family: Family, host: str, lane: int) -> Outcome:
        deadline = asyncio.get_running_loop().time() + HOLDER_WAIT
        while True:
            holder = self._holders.get(lane)
            if holder is None:
                identity = await self._on_worker_loop(self._worker.scheduler.identity())
                self._holders = holders(identity, self._run_id)
                holder = self._holders.get(lane)
            if holder is not None:
                call = getattr(self._worker.rpc(holder), self._op)(url=url, family=family.value)
                try:
                    raw = await self._on_worker_loop(call)
                except OSError:  # the holder's worker is gone (CommClosedError is an OSError)
                    self._holders.pop(lane, None)
                else:
                    outcome: Outcome = pickle.loads(raw)
                    return outcome
            if asyncio.get_running_loop().time() > deadline:
                return FetchFailure(
                    url,
                    family,
                    FailureKind.ERROR,
                    _("not probed: no worker of the cluster could probe {host}").format(host=host),
                )
            await asyncio.sleep(RETRY)
