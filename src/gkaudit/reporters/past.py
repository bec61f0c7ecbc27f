"""What the history says about a report, for the reporters that show it: since when each
finding has stood (整改清单's 首次发现 and 持续天数) and the last runs' pass rates (the HTML chart).

Built once from the history database by whoever runs the reporters; the reporters read only this
and the `Report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from gkaudit.history import HistoryStore
from gkaudit.model import Report, Status

#: Runs shown in the HTML report's chart.
LAST_RUNS = 12


@dataclass(frozen=True)
class RunPoint:
    """One earlier run: when, and per rule how many sites passed and failed."""

    started_at: dt.datetime
    passed: Mapping[str, int]
    failed: Mapping[str, int]
    decided: Mapping[str, int]

    def pass_rate(self, rule: str) -> float | None:
        """Share of the sites with a conclusive result that passed `rule`; None when none had."""
        n = self.decided.get(rule, 0)
        return self.passed.get(rule, 0) / n if n else None


@dataclass(frozen=True)
class Past:
    """Since when each (site id, rule id) has had its current status, and the last runs."""

    since: Mapping[tuple[str, str], dt.datetime] = field(default_factory=dict)
    runs: tuple[RunPoint, ...] = ()

    @classmethod
    def of(cls, store: HistoryStore, report: Report, *, last: int = LAST_RUNS) -> Past:
        """The history of `report`'s findings; a finding the history has not seen with its
        current status starts with `report` itself."""
        current = {(site.id, r.rule): r.status for site, r in report.results()}
        since = {
            (entry.site, entry.rule): entry.since
            for entry in store.timeline()
            if current.get((entry.site, entry.rule)) is entry.status
        }
        runs = tuple(point(store.report(run.id)) for run in store.runs()[-last:])
        return cls(since=since, runs=runs)

    def first_seen(self, site: str, rule: str, report: Report) -> dt.datetime:
        return self.since.get((site, rule), report.started_at)


def point(report: Report) -> RunPoint:
    passed: dict[str, int] = {}
    failed: dict[str, int] = {}
    decided: dict[str, int] = {}
    for _site, result in report.results():
        if result.status in (Status.ERROR, Status.SKIP):
            continue
        decided[result.rule] = decided.get(result.rule, 0) + 1
        if result.status is Status.PASS:
            passed[result.rule] = passed.get(result.rule, 0) + 1
        elif result.status is Status.FAIL:
            failed[result.rule] = failed.get(result.rule, 0) + 1
    return RunPoint(report.started_at, passed, failed, decided)
