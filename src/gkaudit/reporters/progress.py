"""The progress bar of a scan, on stderr, only where a person watches it: done/total, the sites
in flight with the one that has run longest, the time taken and an estimate of the time left."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from gkaudit.i18n import _
from gkaudit.model import Site, SiteReport


class Tracker:
    """What the runner tells the bar: a site started (the engine reports it; a distributed
    scan's workers do not, and the bar then shows no sites in flight), a site finished."""

    def __init__(self, bar: Progress, job: TaskID) -> None:
        self._bar, self._job = bar, job
        #: Site ids in flight, in the order they started (a dict keeps it).
        self._flying: dict[str, None] = {}

    def started(self, site: Site) -> None:
        self._flying[site.id] = None
        self._show()

    def finished(self, report: SiteReport) -> None:
        self._flying.pop(report.id, None)
        self._show(advance=1, last=report.id)

    def _show(self, *, advance: int = 0, last: str = "") -> None:
        if self._flying:
            flight = _("{n} in flight").format(n=len(self._flying))
            # the site in flight longest: the one a slow scan is waiting for
            description = next(iter(self._flying))
        else:
            flight, description = "", last
        self._bar.update(self._job, advance=advance, flight=flight, description=description)


@contextmanager
def progress(console: Console, total: int, *, enabled: bool) -> Iterator[Tracker]:
    """A bar that the yielded tracker moves.

    Shown only when the console's stream is a real terminal: rich counts FORCE_COLOR (set in CI
    to keep colours) as a terminal too, and a log must not fill with redraws."""
    isatty = getattr(console.file, "isatty", None)
    show = enabled and callable(isatty) and bool(isatty())
    bar = Progress(
        TextColumn("[bold]" + _("scanning")),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[flight]}"),
        TimeElapsedColumn(),
        TextColumn(_("left")),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
        disable=not show,
    )
    job = bar.add_task("", total=total, flight="")
    with bar:
        yield Tracker(bar, job)
