"""Executors: where the audit of politeness groups runs, with results streaming back to one driver.

The driver (the `gkaudit scan` process) partitions the sites into politeness groups
(`executors.groups`), hands them to an executor and receives each site's report as its group
finishes; it alone writes the report, the reporters' files and the history database.

- `local`: every group in this process, on one engine (today's scan);
- `dask`: one Dask task per group on a Dask cluster (`pip install 'gkaudit[dask]'`).

Cross-host link probes stay inside the group. `ipv6.links` probes only internal links, hosts
within the portal's registered domain, and a group holds every site of each registered domain it
touches, so every probe target belongs to exactly one group: one worker, one fetcher, one
per-host limit for it. A second phase grouped by target host would have to split the check in
two (links now, verdict after a barrier) and hold every site's results until the end, for no
host that the groups do not already keep apart. `links.broken` probes external links too (many
portals link www.gov.cn), so there two workers may press one outside host at once; it is bounded,
not kept apart: at most `max_per_host` links per outside host per site, each worker's per-host
limit, and one probe per URL per worker's run (`gkaudit.site.probes`). Keeping outside hosts to
one worker would take that second phase: the groups collect their outside links, the driver
regroups them by target host, probes run as tasks per host, and `links.broken` is judged after.

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
