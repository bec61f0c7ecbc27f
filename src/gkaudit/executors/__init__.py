"""Executors: where the audit of politeness groups runs, with results streaming back to one driver.

The driver (the `gkaudit scan` process) partitions the sites into politeness groups
(`executors.groups`), hands them to an executor and receives each site's report as the task
holding its group finishes; it alone writes the report, the reporters' files and the history
database.

- `local`: every group in this process, on one engine (today's scan);
- `dask`: batches of whole groups, a Dask task each, on a Dask cluster
  (`pip install 'gkaudit[dask]'`).

Cross-host link probes. `ipv6.links` probes only internal links, hosts within the portal's
registered domain, and a group holds every site of each registered domain it touches, so these
stay inside the group: one worker, one fetcher, one per-host limit. `links.broken` probes the
other links too: hosts of another group (a district portal linking the city's) and hosts of no
group (many portals link www.gov.cn). On a Dask cluster every host has a lane, held by one
worker at a time (`executors.lanes`): a group's hosts the lane its batch runs in, any other
host one by the CRC-32 of its name. A batch sends the probes of hosts outside it to their
lane's holder (`executors.outside`), which does them through the batch crawling the host when
it runs there (its per-host limit and memo), else through its own prober: a host is reached
only by the worker crawling it, or by one worker if none does, and each URL is probed about
once for the cluster (the crawling batch's memo, then the holder's).

What this leaves: a lost worker's lanes move only once the scheduler has removed it (a worker
cut off but still running until then keeps its requests in flight); a worker restarted by its
nanny holds a lane only when another is lost, so until then it idles.

Every site is reported exactly once: a group's sites come back together, from the one attempt
that finished; a group whose task keeps failing comes back as `error` results naming why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from gkaudit import i18n
from gkaudit.engine import ScanSettings
from gkaudit.executors.groups import Group
from gkaudit.model import Plan, PlanSet, SiteReport

__all__ = ["Executor", "ExecutorError", "Job", "OnSite"]

OnSite = Callable[[SiteReport], None]


class ExecutorError(Exception):
    """The executor cannot run this scan (no worker passed the pre-flight...)."""


@dataclass(frozen=True)
class Job:
    """What a worker needs to audit a group the way the driver would: the plan, the settings,
    the plugin directories (the same paths on every worker) and the language of the report."""

    plan: Plan | PlanSet
    settings: ScanSettings
    plugins: tuple[Path, ...] = ()
    language: i18n.Language = "en"


class Executor(Protocol):
    """Runs the groups' audits; calls `on_site` once per site, in the driver's process."""

    async def run(self, job: Job, groups: Sequence[Group], on_site: OnSite) -> None: ...
