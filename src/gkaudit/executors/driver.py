"""The driver: hands the groups to an executor and assembles the one report of the run.

It has the engine's interface (`run`, `report`), so the scan's progress bar, Ctrl-C handling and
partial report work the same whatever executes the groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from gkaudit.engine import build_report, plan_infos
from gkaudit.executors import Executor, Job, OnSite
from gkaudit.executors.groups import Group
from gkaudit.model import Report, Site, SiteReport
from gkaudit.shelf import Shelf


class StraySiteError(RuntimeError):
    """An executor reported a site twice, or one it was not given: a bug, never papered over
    by keeping one of them or dropping it."""


class Driver:
    def __init__(self, executor: Executor, job: Job, groups: Sequence[Group]) -> None:
        self.executor = executor
        self.job = job
        self.groups = tuple(groups)
        # packed, as the engine keeps them: by their place in the report
        self._finished = Shelf()
        self._sites: Sequence[Site] = ()
        self._started_at = dt.datetime.now(dt.UTC)

    async def run(self, sites: Sequence[Site], on_site: OnSite | None = None) -> Report:
        """Audit `sites` (those of the groups, in the order the report lists them)."""
        self._sites = sites
        self._started_at = dt.datetime.now(dt.UTC)
        expected = {site.id for group in self.groups for site in group.sites}
        if expected != {site.id for site in sites}:
            raise ValueError("the groups do not hold exactly the sites to audit")

        places = {site.id: index for index, site in enumerate(sites)}

        def done(report: SiteReport) -> None:
            place = places.get(report.id)
            if place is None:
                raise StraySiteError(f"site {report.id!r} reported but never given")
            if place in self._finished:
                raise StraySiteError(f"site {report.id!r} reported twice")
            self._finished.put(place, report)
            if on_site is not None:
                on_site(report)

        await self.executor.run(self.job, self.groups, done)
        return self.report()

    def report(self, *, incomplete: bool = False) -> Report:
        """The report of every finished site, in the order of the sites given to `run`."""
        return build_report(
            plan_infos(self.job.plan),
            self.job.settings.as_of,
            self._finished,
            started_at=self._started_at,
            incomplete=incomplete or len(self._finished) < len(self._sites),
        )
