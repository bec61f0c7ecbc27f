"""The local executor: every group in this process, on one engine (the scan as it always ran)."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Sequence
from pathlib import Path

from gkaudit import i18n
from gkaudit.engine import Engine
from gkaudit.executors import Job, OnSite
from gkaudit.executors.groups import Group
from gkaudit.model import Site, SiteReport
from gkaudit.plugins import Registry
from gkaudit.site.probes import Delegate, Serve


class LocalExecutor:
    """One engine for all the groups: its global and per-host limits hold across them."""

    async def run(self, job: Job, groups: Sequence[Group], on_site: OnSite) -> None:
        engine = Engine(job.plan, Registry.load(job.plugins), job.settings)
        await engine.run([site for group in groups for site in group.sites], on_site=on_site)


_loading = threading.Lock()


@functools.cache
def _registry(plugins: tuple[Path, ...]) -> Registry:
    """The checks, loaded once per worker process: the tasks of its threads share them (loading
    a plugin directory again would re-execute its modules under a running check)."""
    with _loading:
        return Registry.load(plugins)


def audit_sites(
    job: Job,
    sites: Sequence[Site],
    delegate: Delegate | None = None,
    on_site: OnSite | None = None,
    serve: Serve | None = None,
) -> list[SiteReport]:
    """A worker's task: the sites audited on a fresh event loop in this thread, so the parsing
    it does never stalls the loop of the worker that carries it (Dask's heartbeats); the link
    probes `delegate` takes are done elsewhere, and `serve` lends the run's probes to others;
    `on_site` hears of each site as it finishes."""
    i18n.use(job.language)
    registry = _registry(job.plugins)
    engine = Engine(job.plan, registry, job.settings, delegate=delegate, serve=serve)
    return list(asyncio.run(engine.run(sites, on_site=on_site)).sites)
