"""`gkaudit diff`: what changed between two reports, and whether that fails the gate."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from gkaudit.baseline import BaselineError, compare, load_report
from gkaudit.exits import EXIT_FINDINGS, EXIT_OK, UsageError
from gkaudit.reporters import comparison as comparison_reporter
from gkaudit.waivers import WaiverError, load_waivers


def run(old: Path, new: Path, waivers: Path | None, out: Console) -> int:
    """Print the comparison of `new` with `old`; 1 when it has regressions (waivers aside)."""
    try:
        accepted = load_waivers(waivers) if waivers is not None else []
        comparison = compare(load_report(old), load_report(new), accepted)
    except (BaselineError, WaiverError) as exc:
        raise UsageError(str(exc)) from None
    text = comparison_reporter.render(comparison)
    out.print(text, markup=False, highlight=False, soft_wrap=True, end="")
    return EXIT_FINDINGS if comparison.failed else EXIT_OK
