"""The progress bar of a scan, on stderr, only where a person watches it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from gkaudit.i18n import _
from gkaudit.model import SiteReport


@contextmanager
def progress(
    console: Console, total: int, *, enabled: bool
) -> Iterator[Callable[[SiteReport], None]]:
    """A bar advanced by the callback it yields, once per finished site.

    Shown only when the console's stream is a real terminal: rich counts FORCE_COLOR (set in CI
    to keep colours) as a terminal too, and a log must not fill with redraws."""
    isatty = getattr(console.file, "isatty", None)
    show = enabled and callable(isatty) and bool(isatty())
    bar = Progress(
        TextColumn("[bold]" + _("scanning")),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn(_("left")),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
        disable=not show,
    )
    job = bar.add_task("", total=total)

    def done(site: SiteReport) -> None:
        bar.update(job, advance=1, description=site.id)

    with bar:
        yield done
