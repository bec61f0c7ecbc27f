"""What runs a scan: the engine in this process, or the driver over an executor's groups.

`Distribution` is what the operator chose (`--executor`, `--scheduler`, `--workers`, `--shard`),
checked when it is made, before anything runs; `runner` builds what it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from gkaudit import i18n
from gkaudit.engine import Engine, ScanSettings
from gkaudit.executors import Executor, Job
from gkaudit.executors.driver import Driver
from gkaudit.executors.groups import Shard, politeness_groups
from gkaudit.executors.local import LocalExecutor
from gkaudit.i18n import _
from gkaudit.model import Plan, PlanSet, Site
from gkaudit.plugins import Registry

#: The address forms of a Dask scheduler: `tcp://HOST:PORT` (tls, ws, wss and ucx alike), an
#: IPv6 host in brackets.
SCHEDULER = re.compile(r"(?:tcp|tls|ws|wss|ucx)://(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}")

#: Workers of the LocalCluster `--executor dask` starts when no `--scheduler` is named.
DEFAULT_WORKERS = 2


class ExecutorKind(StrEnum):
    LOCAL = "local"
    DASK = "dask"


class ExecutorUnavailable(Exception):
    """`--executor dask` without the Dask extra installed, or options that do not fit together."""


@dataclass(frozen=True)
class Distribution:
    """Where the groups run; `__post_init__` raises `ExecutorUnavailable` saying what is wrong."""

    kind: ExecutorKind = ExecutorKind.LOCAL
    scheduler: str | None = None
    #: None: not given (`DEFAULT_WORKERS` for a LocalCluster).
    workers: int | None = None
    shard: Shard | None = None

    def __post_init__(self) -> None:
        if self.kind is ExecutorKind.LOCAL and (self.scheduler or self.workers is not None):
            option = "--scheduler" if self.scheduler else "--workers"
            raise ExecutorUnavailable(_("{option} is for --executor dask").format(option=option))
        if self.scheduler is not None and self.workers is not None:
            raise ExecutorUnavailable(
                _(
                    "--scheduler and --workers: a cluster's scheduler has its own workers; "
                    "give one of them"
                )
            )
        if self.scheduler is not None and not SCHEDULER.fullmatch(self.scheduler):
            raise ExecutorUnavailable(
                _("--scheduler: expected tcp://HOST:PORT, got {value!r}").format(
                    value=self.scheduler
                )
            )
        if self.kind is ExecutorKind.DASK:
            try:
                import distributed  # noqa: F401
            except ImportError as exc:
                raise ExecutorUnavailable(
                    _(
                        "--executor dask needs the Dask extra: pip install 'gkaudit[dask]' "
                        "({error})"
                    ).format(error=exc)
                ) from None


def runner(
    distribution: Distribution,
    plan: Plan | PlanSet,
    registry: Registry,
    settings: ScanSettings,
    sites: Sequence[Site],
    *,
    plugins: Sequence[Path] = (),
    landed: Mapping[str, str] | None = None,
    notice: Callable[[str], None] | None = None,
) -> tuple[Engine | Driver, list[Site]]:
    """The runner of this scan and the sites it audits (a shard's, in `sites` order)."""
    shard = distribution.shard
    if distribution.kind is ExecutorKind.LOCAL and shard is None:
        return Engine(plan, registry, settings), list(sites)
    groups = politeness_groups(sites, landed)
    if shard is not None:
        groups = shard.select(groups)
    mine = {site.id for group in groups for site in group.sites}
    executor: Executor = LocalExecutor()
    if distribution.kind is ExecutorKind.DASK:
        from gkaudit.executors.dask import DaskExecutor

        executor = DaskExecutor(
            distribution.scheduler,
            workers=distribution.workers or DEFAULT_WORKERS,
            notice=notice,
        )
    job = Job(plan, settings, tuple(p.resolve() for p in plugins), i18n.current())
    return Driver(executor, job, groups), [s for s in sites if s.id in mine]
