"""Lanes: the one worker of a Dask run that reaches a host, whichever batch asks.

A batch's own hosts (the registered domains of its groups) are crawled by its engine. The hosts
it merely links are of two kinds: hosts of another group (a district portal links the city's
www.dl.gov.cn while the city's batch crawls it) and hosts of no group (www.gov.cn). Either kind
must be reached from one worker only, and a host of a group from the worker crawling it, through
that crawl's own per-host limit: else the city's host is pressed by its batch and by whoever
probes the district's links at the same moment.

A lane is a worker's share of the run. Each admitted worker holds one lane at the start, as a
Dask resource (`lane_resource`), and each batch needs the resource of its lane besides the run's,
so the scheduler runs a lane's batches only on the worker holding it (a resource restriction is
strict: work stealing keeps it too). Every host has a lane: a group's hosts that of the group's
batch; a host of no group the CRC-32 of its name modulo the lanes. Probes of a host go to the
holder of its lane (`executors.outside`), which answers them through the probes of the batch
crawling that host when one runs there, through its own prober otherwise.

The holder of a lane is the worker the scheduler lists with its resource: routers ask the
scheduler and keep the answer while that worker answers, so routing and scheduling read one
table and cannot disagree. When a holder leaves the cluster the driver (`keep`) gives its lanes
to the admitted worker holding fewest (a worker restarted by its nanny, once its pre-flight
passed, holds none); its batches, and the probes of its hosts, wait for the new holder. A lane
moves only once its holder is gone, so no two live workers hold one lane.

Why this and not the other ways. Routing each probe to wherever the scheduler happens to run
the host's batch breaks while that batch waits in a worker's queue (work stealing may still
move it, and whoever probes meanwhile is not the worker that will crawl); waiting for the host's
batch to start or finish before probing deadlocks (the city links the district and the district
the city, each batch holding a thread while it waits for the other); pinning batches to worker
addresses (`workers=`) strands them when that worker dies, the restarted one having another
address. A lane is a pin that the driver can hand over.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gkaudit.domains import registered_domain
from gkaudit.executors.groups import Group

#: Seconds between the driver's looks for lanes whose holder left.
KEEP_INTERVAL = 0.5


def lane_resource(run_id: str, lane: int) -> str:
    return f"gkaudit-{run_id}-lane-{lane}"


@dataclass(frozen=True)
class Lanes:
    """The lanes of a run: how many, and the lane of each group's registered domains."""

    run_id: str
    count: int
    of_domain: Mapping[str, int]

    def of(self, host: str) -> int:
        lane = self.of_domain.get(registered_domain(host))
        # CRC-32, not hash(): every worker must agree, and Python salts string hashes
        return lane if lane is not None else zlib.crc32(host.encode()) % self.count


def assign(batches: Sequence[Sequence[Group]], slots: Sequence[int]) -> list[int]:
    """The lane of each batch: lane k (the k-th admitted worker, with `slots[k]` threads) takes
    a share of the batches proportional to its threads, in turn."""
    turns = [lane for lane, threads in enumerate(slots) for _ in range(max(1, threads))]
    return [turns[index % len(turns)] for index in range(len(batches))]


def domains(batches: Sequence[Sequence[Group]], lanes: Sequence[int]) -> dict[str, int]:
    return {
        d: lane
        for batch, lane in zip(batches, lanes, strict=True)
        for g in batch
        for d in g.domains
    }


def holders(identity: Mapping[str, Any], run_id: str) -> dict[int, str]:
    """Lane -> the address of the worker holding it, from the scheduler's `identity()`."""
    prefix = lane_resource(run_id, 0)[:-1]
    found: dict[int, str] = {}
    for address, worker in identity.get("workers", {}).items():
        for name, quantity in (worker.get("resources") or {}).items():
            if name.startswith(prefix) and quantity > 0:
                found[int(name[len(prefix) :])] = address
    return found


def orphans(
    identity: Mapping[str, Any], run_id: str, count: int, admitted: str
) -> dict[str, list[int]]:
    """The lanes no live worker holds, each given to the worker holding the run's `admitted`
    resource and the fewest lanes (then the first address): worker -> its new lanes."""
    held = holders(identity, run_id)
    ready = sorted(
        address
        for address, worker in identity.get("workers", {}).items()
        if (worker.get("resources") or {}).get(admitted, 0) > 0
    )
    if not ready:
        return {}
    load = dict.fromkeys(ready, 0)
    for address in held.values():
        if address in load:
            load[address] += 1
    given: dict[str, list[int]] = {}
    for lane in range(count):
        if lane not in held:
            address = min(ready, key=lambda a: (load[a], a))
            load[address] += 1
            given.setdefault(address, []).append(lane)
    return given


async def keep(client: Any, lanes: Lanes, admitted: str, plugin: str) -> None:
    """The driver's side, until cancelled: gives every lane no live worker holds (all of them
    at the start) to a worker holding the run's `admitted` resource (`take_lanes` on it)."""
    while True:
        identity = await client.scheduler.identity()
        for address, held in orphans(identity, lanes.run_id, lanes.count, admitted).items():
            # gone as well: the next look finds its lanes orphans again
            with contextlib.suppress(OSError):
                await client.run(take_lanes, name=plugin, lanes=lanes, held=held, workers=[address])
        await asyncio.sleep(KEEP_INTERVAL)


async def take_lanes(dask_worker: Any, name: str, lanes: Lanes, held: list[int]) -> None:
    """On a worker: hold the lanes `held` of the run whose pre-flight plugin is `name`."""
    await dask_worker.plugins[name].take(dask_worker, lanes, held)
