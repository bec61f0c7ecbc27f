"""The driver: hands the groups to an executor and assembles the one report of the run.

It has the engine's interface (`run`, `report`), so the scan's progress bar, Ctrl-C handling and
partial report work the same whatever executes the groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from gkaudit.engine import build_report
from gkaudit.executors import Executor, Job, OnSite
from gkaudit.executors.groups import Group
from gkaudit.model import Report, Site, SiteReport


class DuplicateSiteError(RuntimeError):
    """An executor reported a site twice: a bug, never papered over by keeping one."""


class Driver:
    def __init__(self, executor: Executor, job: Job, groups: Sequence[Group]) -> None:
        self.executor = executor
        self.job = job
        self.groups = tuple(groups)
        self._finished: dict[str, SiteReport] = {}
        self._sites: Sequence[Site] = ()
        self._started_at = dt.datetime.now(dt.UTC)

    async def run(self, sites: Sequence[Site], on_site: OnSite | None = None) -> Report:
        """Audit `sites` (those of the groups, in the order the report lists them)."""
        self._sites = sites
        self._started_at = dt.datetime.now(dt.UTC)
        expected = {site.id for group in self.groups for site in group.sites}
        if expected != {site.id for site in sites}:
            raise ValueError("the groups do not hold exactly the sites to audit")

        def done(report: SiteReport) -> None:
            if report.id in self._finished:
                raise DuplicateSiteError(f"site {report.id!r} reported twice")
            self._finished[report.id] = report
            if on_site is not None:
                on_site(report)

        await self.executor.run(self.job, self.groups, done)
        return self.report()

    def report(self, *, incomplete: bool = False) -> Report:
        """The report of every finished site, in the order of the sites given to `run`."""
        finished = [self._finished[s.id] for s in self._sites if s.id in self._finished]
        return build_report(
            self.job.plan,
            self.job.settings.as_of,
            finished,
            started_at=self._started_at,
            incomplete=incomplete or len(finished) < len(self._sites),
        )
