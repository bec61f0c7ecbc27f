"""How a run ends: its exit code, from the report, the `--fail-on` level and the waivers.

0 nothing at or above `--fail-on`; 1 findings at or above it; 2 usage or configuration error
(`UsageError`); 3 internal error, including a check that crashed (its result is `error` naming
the crash, and every report is still written); 130 interrupted.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from gkaudit.baseline import Comparison
from gkaudit.engine import INTERNAL_ERROR
from gkaudit.model import Report, Status
from gkaudit.waivers import Waiver, apply_waivers

EXIT_OK, EXIT_FINDINGS, EXIT_CONFIG, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class UsageError(Exception):
    """Input the audit cannot use (exit 2); the message names the file, line and field."""


class FailOn(StrEnum):
    FAIL = "fail"
    WARN = "warn"
    ERROR = "error"
    REGRESSION = "regression"
    NEVER = "never"


#: The statuses that make `scan` exit 1 for each `--fail-on` level.
FAILING: dict[FailOn, frozenset[Status]] = {
    FailOn.FAIL: frozenset({Status.FAIL}),
    FailOn.WARN: frozenset({Status.FAIL, Status.WARN}),
    FailOn.ERROR: frozenset({Status.FAIL, Status.WARN, Status.ERROR}),
    FailOn.REGRESSION: frozenset(),
    FailOn.NEVER: frozenset(),
}


def exit_code(
    report: Report,
    fail_on: FailOn,
    waivers: Sequence[Waiver] = (),
    comparison: Comparison | None = None,
) -> int:
    """3 if a check crashed; else 1 when a finding reaches `--fail-on` (waived ones aside)."""
    if any(r.metrics.get(INTERNAL_ERROR) is True for _site, r in report.results()):
        return EXIT_INTERNAL
    if fail_on is FailOn.REGRESSION:
        return EXIT_FINDINGS if comparison is not None and comparison.failed else EXIT_OK
    waived = {
        key
        for key, match in apply_waivers(report, waivers, report.as_of).items()
        if not match.expired
    }
    failing = FAILING[fail_on]
    counted = (r.status in failing and (s.id, r.rule) not in waived for s, r in report.results())
    return EXIT_FINDINGS if any(counted) else EXIT_OK
