"""Outside hosts on a Dask cluster: each probed by the one worker that owns it.

A batch's own hosts (the registered domains of its groups) are crawled by the batch's engine
alone. The hosts it merely links (www.gov.cn, beian.miit.gov.cn, the province's 政务服务网: what
`links.broken` probes) are linked by the portals of every batch, so each worker probing them
for its own batches would press them from every worker at once. Instead each outside host has
one owner among the run's admitted workers (the CRC-32 of its name, so every batch agrees
without asking anyone), and a batch sends the probe to the owner's RPC handler, which probes
it with the run's one memo and fetcher of that worker: one worker's per-host limit for the
host, and one probe per URL for the cluster.

Why owners and not the alternatives: a cluster-wide lock or semaphore per host (the
scheduler's `distributed.Semaphore`) bounds the requests in flight but costs two scheduler
round trips per probe and still probes each URL once per batch; a second phase grouped by
target host would split every link check in two (links now, verdicts after a barrier) and
hold every site's results until the end. An owner costs one worker-to-worker call per
outside URL a batch asks (the batch's memo answers the repeats), none through the scheduler.

An owner that cannot be reached (its worker died) is skipped for the next in the list; when
none answers, the link is undecided (`error` kind), never broken.
"""

from __future__ import annotations

import asyncio
import pickle
import zlib
from collections.abc import Awaitable, Collection, Sequence
from dataclasses import replace
from typing import Any

from gkaudit.domains import host_of, registered_domain
from gkaudit.engine import ScanSettings, make_fetcher
from gkaudit.i18n import _
from gkaudit.model import Family
from gkaudit.net.http import AUTO_CONCURRENCY, FailureKind, Fetcher, FetchFailure, Outcome
from gkaudit.site.probes import Probes


def handler_name(run_id: str) -> str:
    """The RPC operation of a run's outside probes on every worker."""
    return f"gkaudit_outside_probe_{run_id}"


class OwnedProbes:
    """The owner's side: the probes of the outside hosts this worker owns, on its event loop
    (a probe is a HEAD or a bodiless GET, light enough for the loop that carries heartbeats)."""

    def __init__(self, settings: ScanSettings) -> None:
        self._settings = settings
        self._fetcher: Fetcher | None = None
        self._probes: Probes | None = None

    async def handle(self, url: str, family: str) -> bytes:
        if self._probes is None:
            fetch = self._settings.fetch
            # the automatic global limit (0) is the engine's to make concrete; no engine here
            limit = fetch.concurrency or AUTO_CONCURRENCY
            self._fetcher = make_fetcher(self._settings, replace(fetch, concurrency=limit))
            self._probes = Probes(self._fetcher)
        return pickle.dumps(await self._probes.probe(url, Family(family)))

    async def aclose(self) -> None:
        if self._probes is not None:
            self._probes.close()
        if self._fetcher is not None:
            await self._fetcher.aclose()


class Router:
    """The batch's side (a `site.probes.Delegate`): a URL on an outside host goes to its
    owner; a URL of the batch's own domains is probed by the batch's engine (None)."""

    def __init__(
        self, worker: Any, run_id: str, owners: Sequence[str], own: Collection[str]
    ) -> None:
        self._worker = worker
        self._loop: asyncio.AbstractEventLoop = worker.loop.asyncio_loop
        self._op = handler_name(run_id)
        self._owners = tuple(owners)
        self._own = frozenset(own)

    def __call__(self, url: str, family: Family) -> Awaitable[Outcome] | None:
        host = host_of(url)
        if not host or not self._owners or registered_domain(host) in self._own:
            return None
        return self._ask(url, family, host)

    async def _ask(self, url: str, family: Family, host: str) -> Outcome:
        first = zlib.crc32(host.encode()) % len(self._owners)
        for step in range(len(self._owners)):
            owner = self._owners[(first + step) % len(self._owners)]
            call = getattr(self._worker.rpc(owner), self._op)(url=url, family=family.value)
            try:
                # the RPC runs on the worker's loop (its connection pool lives there), this
                # batch on a loop of its own in the task's thread
                raw = await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(call, self._loop))
            except OSError:  # the owner's worker is gone (CommClosedError is an OSError)
                continue
            outcome: Outcome = pickle.loads(raw)
            return outcome
        return FetchFailure(
            url,
            family,
            FailureKind.ERROR,
            _("not probed: no worker of the cluster could probe {host}").format(host=host),
        )
