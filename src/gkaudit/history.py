"""Scan history in SQLite: every run, its sites and its results with evidence, for 整改 tracking.

`HistoryStore(path).record(report)` stores one run in one transaction; `timeline()` answers "since
when has this portal failed this rule, and what was it before". The database is in WAL mode and
each run is written inside `BEGIN IMMEDIATE`, so scans started by cron and by hand at the same time
both land: a writer waits (up to `timeout` seconds) for the other instead of failing or corrupting
the file.

The schema is versioned in `schema_version`; `MIGRATIONS` lists the steps from an empty file, and
opening a store applies the missing ones in one transaction. A file written by a newer gkaudit is
refused rather than misread.

One `HistoryStore` (one SQLite connection) per thread.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import platformdirs
from pydantic import TypeAdapter

from gkaudit.model import (
    Evidence,
    Metric,
    PlanInfo,
    Report,
    Result,
    Severity,
    SiteKind,
    SiteReport,
    Status,
    Summary,
    ToolInfo,
)

#: Steps from an empty file to the current schema; step N brings the file to version N. Only ever
#: append: a released step must never change, since files out there have already applied it.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            recorded_at TEXT NOT NULL,
            report_schema TEXT NOT NULL,
            tool_name TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            plan_title TEXT NOT NULL,
            plan_document TEXT NOT NULL,
            plan_source TEXT NOT NULL,
            as_of TEXT NOT NULL,
            started_at TEXT NOT NULL,
            started_ts REAL NOT NULL,
            finished_at TEXT NOT NULL,
            incomplete INTEGER NOT NULL,
            n_sites INTEGER NOT NULL,
            n_pass INTEGER NOT NULL,
            n_fail INTEGER NOT NULL,
            n_warn INTEGER NOT NULL,
            n_error INTEGER NOT NULL,
            n_skip INTEGER NOT NULL
        )""",
        "CREATE INDEX runs_started ON runs (started_ts, id)",
        """CREATE TABLE sites (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            site_id TEXT NOT NULL,
            name TEXT NOT NULL,
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            PRIMARY KEY (run_id, site_id)
        )""",
        """CREATE TABLE results (
            run_id INTEGER NOT NULL,
            site_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            rule TEXT NOT NULL,
            title TEXT NOT NULL,
            clause TEXT NOT NULL,
            severity TEXT NOT NULL,
            status TEXT NOT NULL,
            message TEXT NOT NULL,
            evidence TEXT NOT NULL,
            metrics TEXT NOT NULL,
            PRIMARY KEY (run_id, site_id, rule),
            FOREIGN KEY (run_id, site_id) REFERENCES sites (run_id, site_id) ON DELETE CASCADE
        )""",
        "CREATE INDEX results_by_pair ON results (site_id, rule, run_id)",
    ),
)

_EVIDENCE = TypeAdapter(tuple[Evidence, ...])


class HistoryError(Exception):
    """The history database cannot be used: written by a newer gkaudit, or not a gkaudit history."""


def default_db_path() -> Path:
    """Where the history lives unless `--db` says otherwise: the user's data directory."""
    return Path(platformdirs.user_data_dir("gkaudit", appauthor=False)) / "history.sqlite3"


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


class HistoryStore:
    """The history database at `path`, created (with its directory) and migrated on open."""

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are ours (BEGIN IMMEDIATE ... COMMIT), not sqlite3's.
        self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        try:
            _enable_wal(self._db, timeout)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise HistoryError(f"{self.path}: not a usable history database: {exc}") from exc
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- schema -------------------------------------------------------------------------------

    def schema_version(self) -> int:
        row = self._db.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        # Reading the version inside the write transaction makes two first opens safe: the second
        # waits for the first, then finds nothing left to do.
        with _transaction(self._db):
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self._db.execute("SELECT version FROM schema_version").fetchone()
            current = int(row[0]) if row else 0
            target = len(MIGRATIONS)
            if current > target:
                raise HistoryError(
                    f"{self.path}: history schema version {current} is newer than this gkaudit "
                    f"knows ({target}); upgrade gkaudit or use another --db"
                )
            for step in MIGRATIONS[current:]:
                for statement in step:
                    self._db.execute(statement)
            if row is None:
                self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (target,))
            elif current != target:
                self._db.execute("UPDATE schema_version SET version = ?", (target,))

    # --- writing ------------------------------------------------------------------------------

    def record(self, report: Report, *, recorded_at: dt.datetime | None = None) -> int:
        """Store `report` as one run, atomically; returns the run id.

        Raises `HistoryError` if the run cannot be stored (for instance, the file stayed locked by
        another writer for longer than `timeout`); then nothing of it is stored.
        """
        try:
            return self._insert(report, recorded_at or dt.datetime.now(dt.UTC))
        except sqlite3.Error as exc:
            raise HistoryError(f"{self.path}: could not record the run: {exc}") from exc

    def _insert(self, report: Report, now: dt.datetime) -> int:
        s = report.summary
        with _transaction(self._db):
            cursor = self._db.execute(
                """INSERT INTO runs (recorded_at, report_schema, tool_name, tool_version,
                    plan_title, plan_document, plan_source, as_of, started_at, started_ts,
                    finished_at, incomplete, n_sites, n_pass, n_fail, n_warn, n_error, n_skip)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    now.isoformat(),
                    report.schema_,
                    report.tool.name,
                    report.tool.version,
                    report.plan.title,
                    report.plan.document,
                    report.plan.source,
                    report.as_of.isoformat(),
                    report.started_at.isoformat(),
                    _timestamp(report.started_at),
                    report.finished_at.isoformat(),
                    int(report.incomplete),
                    s.sites,
                    s.count(Status.PASS),
                    s.fail,
                    s.warn,
                    s.error,
                    s.skip,
                ),
            )
            run_id = cursor.lastrowid
            assert run_id is not None  # an INSERT into a rowid table always sets it
            self._db.executemany(
                "INSERT INTO sites (run_id, position, site_id, name, url, kind) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (run_id, i, site.id, site.name, site.url, site.kind.value)
                    for i, site in enumerate(report.sites)
                ],
            )
            self._db.executemany(
                "INSERT INTO results (run_id, site_id, position, rule, title, clause, severity, "
                "status, message, evidence, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        site.id,
                        i,
                        r.rule,
                        r.title,
                        r.clause,
                        r.severity.value,
                        r.status.value,
                        r.message,
                        _EVIDENCE.dump_json(r.evidence).decode(),
                        json.dumps(r.metrics, ensure_ascii=False),
                    )
                    for site in report.sites
                    for i, r in enumerate(site.results)
                ],
            )
        return run_id

    # --- reading ------------------------------------------------------------------------------

    def runs(self) -> list[Run]:
        """Every recorded run, oldest scan first."""
        rows = self._db.execute(
            """SELECT id, recorded_at, started_at, finished_at, as_of, tool_version, plan_title,
                      plan_document, incomplete, n_sites, n_pass, n_fail, n_warn, n_error, n_skip
               FROM runs ORDER BY started_ts, id"""
        ).fetchall()
        return [
            Run(
                id=row[0],
                recorded_at=dt.datetime.fromisoformat(row[1]),
                started_at=dt.datetime.fromisoformat(row[2]),
                finished_at=dt.datetime.fromisoformat(row[3]),
                as_of=dt.date.fromisoformat(row[4]),
                tool_version=row[5],
                plan_title=row[6],
                plan_document=row[7],
                incomplete=bool(row[8]),
                summary=Summary(
                    sites=row[9],
                    pass_=row[10],
                    fail=row[11],
                    warn=row[12],
                    error=row[13],
                    skip=row[14],
                ),
            )
            for row in rows
        ]

    def report(self, run_id: int) -> Report:
        """The report of run `run_id`, as it was recorded."""
        run = self._db.execute(
            """SELECT report_schema, tool_name, tool_version, plan_title, plan_document,
                      plan_source, as_of, started_at, finished_at, incomplete,
                      n_sites, n_pass, n_fail, n_warn, n_error, n_skip
               FROM runs WHERE id = ?""",
            (run_id,),
        ).fetchone()
        if run is None:
            raise KeyError(run_id)
        results: dict[str, list[Result]] = {}
        for row in self._db.execute(
            """SELECT site_id, rule, title, clause, severity, status, message, evidence, metrics
               FROM results WHERE run_id = ? ORDER BY site_id, position""",
            (run_id,),
        ):
            results.setdefault(row[0], []).append(
                Result(
                    rule=row[1],
                    title=row[2],
                    clause=row[3],
                    severity=Severity(row[4]),
                    status=Status(row[5]),
                    message=row[6],
                    evidence=_EVIDENCE.validate_json(row[7]),
                    metrics=_metrics(row[8]),
                )
            )
        sites = tuple(
            SiteReport(
                id=row[0],
                name=row[1],
                url=row[2],
                kind=SiteKind(row[3]),
                results=tuple(results.get(row[0], ())),
            )
            for row in self._db.execute(
                "SELECT site_id, name, url, kind FROM sites WHERE run_id = ? ORDER BY position",
                (run_id,),
            )
        )
        return Report.model_validate(
            {
                "schema": run[0],
                "tool": ToolInfo(name=run[1], version=run[2]),
                "plan": PlanInfo(title=run[3], document=run[4], source=run[5]),
                "as_of": dt.date.fromisoformat(run[6]),
                "started_at": dt.datetime.fromisoformat(run[7]),
                "finished_at": dt.datetime.fromisoformat(run[8]),
                "sites": sites,
                "summary": Summary(
                    sites=run[10],
                    pass_=run[11],
                    fail=run[12],
                    warn=run[13],
                    error=run[14],
                    skip=run[15],
                ),
                "incomplete": bool(run[9]),
            }
        )

    def known(self) -> tuple[list[str], list[str]]:
        """The site ids and the rule ids that have a recorded result, sorted."""
        sites = self._db.execute("SELECT DISTINCT site_id FROM results ORDER BY 1").fetchall()
        rules = self._db.execute("SELECT DISTINCT rule FROM results ORDER BY 1").fetchall()
        return [row[0] for row in sites], [row[0] for row in rules]

    def timeline(self, site: str | None = None, rule: str | None = None) -> list[Entry]:
        """Where each (site, rule) stands, optionally for one site and/or rule; sorted by both."""
        rows = self._db.execute(
            """SELECT r.site_id, s.name, r.rule, r.title, r.status, r.message,
                      runs.id, runs.started_at
               FROM results AS r
               JOIN runs ON runs.id = r.run_id
               JOIN sites AS s ON s.run_id = r.run_id AND s.site_id = r.site_id
               WHERE (?1 IS NULL OR r.site_id = ?1) AND (?2 IS NULL OR r.rule = ?2)
               ORDER BY r.site_id, r.rule, runs.started_ts, runs.id""",
            (site, rule),
        ).fetchall()
        groups: dict[tuple[str, str], list[_Point]] = {}
        for row in rows:
            groups.setdefault((row[0], row[2]), []).append(
                _Point(
                    site_name=row[1],
                    title=row[3],
                    status=Status(row[4]),
                    message=row[5],
                    run=row[6],
                    at=dt.datetime.fromisoformat(row[7]),
                )
            )
        return [_entry(key, points) for key, points in groups.items()]


@dataclass(frozen=True)
class _Point:
    site_name: str
    title: str
    status: Status
    message: str
    run: int
    at: dt.datetime


def _entry(key: tuple[str, str], points: Sequence[_Point]) -> Entry:
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


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """`BEGIN IMMEDIATE` ... `COMMIT`, or `ROLLBACK` on any exception.

    IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes can
    hit SQLITE_BUSY on the upgrade, which the busy timeout does not retry.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        # SQLite rolls back by itself on some errors (SQLITE_FULL...); a second ROLLBACK would
        # raise and hide the error that matters.
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _enable_wal(db: sqlite3.Connection, timeout: float) -> None:
    """Switch the file to WAL mode, waiting out other connections doing the same.

    SQLite answers this pragma with SQLITE_BUSY at once, without calling the busy handler, when
    another connection holds the file (two scans opening a new database together), so we retry.
    """
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            # Extended codes (SQLITE_BUSY_RECOVERY...) carry the primary code in the low byte.
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            busy = code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            if not busy or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


def _timestamp(moment: dt.datetime) -> float:
    # A naive timestamp is taken as UTC, so that ordering does not depend on the machine's zone.
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()


def _metrics(text: str) -> dict[str, Metric]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise HistoryError(f"stored metrics are not an object: {text[:80]!r}")
    return value
