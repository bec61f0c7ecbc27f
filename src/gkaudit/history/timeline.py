"""The trend of one (site, rule) over the recorded runs: its current streak and last change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gkaudit.model import Status, Summary


@dataclass(frozen=True)
class Run:
    """One recorded scan."""

    id: int
    recorded_at: dt.datetime
    started_at: dt.datetime
    finished_at: dt.datetime
    as_of: dt.date
    tool_version: str
    plan_title: str
    plan_document: str
    incomplete: bool
    summary: Summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "recorded_at": self.recorded_at.isoformat(),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "as_of": self.as_of.isoformat(),
            "tool_version": self.tool_version,
            "plan": {"title": self.plan_title, "document": self.plan_document},
            "incomplete": self.incomplete,
            "summary": self.summary.model_dump(mode="json", by_alias=True),
        }


@dataclass(frozen=True)
class Entry:
    """Where one (site, rule) stands: its current status, since when, and what it was before.

    An inconclusive (`error`) run does not break a streak: a portal failing since March with one
    timeout in May is still "failing since March". When the latest result is itself inconclusive,
    the streak is the run of inconclusive results and `previous` the last conclusive status.
    """

    site: str
    site_name: str
    rule: str
    title: str
    status: Status
    message: str
    #: First run of the current streak (when the status last changed to `status`).
    since: dt.datetime
    since_run: int
    #: Latest run with a result for this pair.
    last_seen: dt.datetime
    last_run: int
    #: Runs in the current streak, including the inconclusive ones it bridges.
    runs: int
    #: Status before the streak, and the last run that had it; None if it has always been `status`.
    previous: Status | None
    previous_seen: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "site_name": self.site_name,
            "rule": self.rule,
            "title": self.title,
            "status": self.status.value,
            "message": self.message,
            "since": self.since.isoformat(),
            "since_run": self.since_run,
            "last_seen": self.last_seen.isoformat(),
            "last_run": self.last_run,
            "runs": self.runs,
            "last_change": None
            if self.previous is None or self.previous_seen is None
            else {
                "from": self.previous.value,
                "to": self.status.value,
                "at": self.since.isoformat(),
                "previous_seen": self.previous_seen.isoformat(),
            },
        }


@dataclass(frozen=True)
class Point:
    """One recorded result of a (site, rule) pair."""

    site_name: str
    title: str
    status: Status
    message: str
    run: int
    at: dt.datetime


def standing(key: tuple[str, str], points: Sequence[Point]) -> Entry:
    """Where (site id, rule id) `key` stands after `points`, its results oldest first."""
    latest = points[-1]
    start = len(points) - 1
    j = start - 1
    if latest.status is Status.ERROR:
        while j >= 0 and points[j].status is Status.ERROR:
            start, j = j, j - 1
    else:
        while j >= 0 and points[j].status in (Status.ERROR, latest.status):
            if points[j].status is latest.status:
                start = j
            j -= 1
    previous = points[j] if j >= 0 else None
    return Entry(
        site=key[0],
        site_name=latest.site_name,
        rule=key[1],
        title=latest.title,
        status=latest.status,
        message=latest.message,
        since=points[start].at,
        since_run=points[start].run,
        last_seen=latest.at,
        last_run=latest.run,
        runs=len(points) - start,
        previous=previous.status if previous else None,
        previous_seen=previous.at if previous else None,
    )
