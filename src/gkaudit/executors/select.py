"""What runs a scan: the engine in this process, or the driver over an executor's groups."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path

from gkaudit import i18n
from gkaudit.engine import Engine, ScanSettings
from gkaudit.executors import Executor, Job
from gkaudit.executors.driver import Driver
from gkaudit.executors.groups import Shard, politeness_groups
from gkaudit.executors.local import LocalExecutor
from gkaudit.i18n import _
from gkaudit.model import Plan, Site
from gkaudit.plugins import Registry


class ExecutorKind(StrEnum):
    LOCAL = "local"
    DASK = "dask"


class ExecutorUnavailable(Exception):
    """`--executor dask` without the Dask extra installed."""


def runner(
    kind: ExecutorKind,
    plan: Plan,
    registry: Registry,
    settings: ScanSettings,
    sites: Sequence[Site],
    *,
    plugins: Sequence[Path] = (),
    scheduler: str | None = None,
    workers: int = 2,
    shard: Shard | None = None,
    landed: Mapping[str, str] | None = None,
    notice: Callable[[str], None] | None = None,
) -> tuple[Engine | Driver, list[Site]]:
    """The runner of this scan and the sites it audits (a shard's, in `sites` order)."""
    if kind is ExecutorKind.LOCAL and shard is None:
        return Engine(plan, registry, settings), list(sites)
    groups = politeness_groups(sites, landed)
    if shard is not None:
        groups = shard.select(groups)
    mine = {site.id for group in groups for site in group.sites}
    executor: Executor = LocalExecutor()
    if kind is ExecutorKind.DASK:
        try:
            from gkaudit.executors.dask import DaskExecutor
        except ImportError as exc:
            raise ExecutorUnavailable(
                _(
                    "--executor dask needs the Dask extra: pip install 'gkaudit[dask]' ({error})"
                ).format(error=exc)
            ) from None
        executor = DaskExecutor(scheduler, workers=workers, notice=notice)
    job = Job(plan, settings, tuple(p.resolve() for p in plugins), i18n.current())
    return Driver(executor, job, groups), [s for s in sites if s.id in mine]
