"""Executors: where the audit of politeness groups runs, with results streaming back to one driver.

The driver (the `gkaudit scan` process) partitions the sites into politeness groups
(`executors.groups`), hands them to an executor and receives each site's report as the task
holding its group finishes; it alone writes the report, the reporters' files and the history
database.

- `local`: every group in this process, on one engine (today's scan);
- `dask`: batches of whole groups, a Dask task each, on a Dask cluster
  (`pip install 'gkaudit[dask]'`).

Cross-host link probes stay inside the group. `ipv6.links` probes only internal links, hosts
within the portal's registered domain, and a group holds every site of each registered domain it
touches, so every probe target belongs to exactly one group: one worker, one fetcher, one
per-host limit for it. `links.broken` probes outside links too (many portals link www.gov.cn):
on a Dask cluster each outside host is owned by one worker, which probes it for every batch
(`executors.outside`), so two workers never press one outside host and each of its URLs is
probed once for the cluster. What this does not keep apart: a link from one group to a host of
another group (a district portal linking the city's) is probed by that host's owner while the
other group's batch may be crawling it from another worker.

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
