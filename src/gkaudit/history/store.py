"""The history store: one run recorded per scan, read back as runs, reports and standings.

`HistoryStore(path).record(report)` stores one run in one transaction; `timeline()` answers "since
when has this portal failed this rule, and what was it before" (`history.timeline`). A writer
waits (up to `timeout` seconds) for another instead of failing or corrupting the file
(`history.schema`). One `HistoryStore` (one SQLite connection) per thread.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from types import TracebackType

import platformdirs
from pydantic import TypeAdapter

from gkaudit.history.schema import HistoryError, enable_wal, migrate, transaction
from gkaudit.history.timeline import Entry, Point, Run, standing
from gkaudit.i18n import _
from gkaudit.model import (
    REPORT_SCHEMA,
    Evidence,
    Mark,
    Metric,
    PlanInfo,
    PlanRule,
    Report,
    Result,
    Severity,
    SiteKind,
    SiteReport,
    Status,
    Summary,
    ToolInfo,
)
from gkaudit.scoring import rollups

_EVIDENCE = TypeAdapter(tuple[Evidence, ...])
_MARKS = TypeAdapter(tuple[Mark, ...])
_PLANS = TypeAdapter(tuple[PlanInfo, ...])


def default_db_path() -> Path:
    """Where the history lives unless `--db` says otherwise: the user's data directory."""
    return Path(platformdirs.user_data_dir("gkaudit", appauthor=False)) / "history.sqlite3"


class HistoryStore:
    """The history database at `path`, created (with its directory) and migrated on open."""

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are ours (BEGIN IMMEDIATE ... COMMIT), not sqlite3's.
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.OperationalError as exc:
            # a directory, or a file it may not open: the user's mistake, not an internal error
            raise HistoryError(
                _(
                    "{path}: cannot open the history database ({detail}): give a file with --db"
                ).format(path=self.path, detail=exc)
            ) from exc
        try:
            enable_wal(self._db, timeout)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            migrate(self._db, self.path)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise HistoryError(
                _("{path}: not a usable history database: {detail}").format(
                    path=self.path, detail=exc
                )
            ) from exc
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

    # --- writing ------------------------------------------------------------------------------

    def record(self, report: Report, *, recorded_at: dt.datetime | None = None) -> int:
        """Store `report` as one run, atomically; returns the run id.

        Raises `HistoryError` if the run cannot be stored (for instance, the file stayed locked by
        another writer for longer than `timeout`); then nothing of it is stored.
        """
        try:
            return self._insert(report, recorded_at or dt.datetime.now(dt.UTC))
        except sqlite3.Error as exc:
            raise HistoryError(
                _("{path}: could not record the run: {detail}").format(path=self.path, detail=exc)
            ) from exc

    def _insert(self, report: Report, now: dt.datetime) -> int:
        s = report.summary
        with transaction(self._db):
            cursor = self._db.execute(
                """INSERT INTO runs (recorded_at, report_schema, tool_name, tool_version,
                    plan_title, plan_document, plan_source, as_of, started_at, started_ts,
                    finished_at, incomplete, n_sites, n_pass, n_fail, n_warn, n_error, n_skip,
                    plans)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    now.isoformat(),
                    report.schema_,
                    report.tool.name,
                    report.tool.version,
                    report.title,
                    report.document,
                    " + ".join(plan.source for plan in report.plans),
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
                    _PLANS.dump_json(report.plans).decode(),
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
                "status, message, evidence, metrics, marks) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                        _MARKS.dump_json(r.marks).decode(),
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
                      n_sites, n_pass, n_fail, n_warn, n_error, n_skip, plans
               FROM runs WHERE id = ?""",
            (run_id,),
        ).fetchone()
        if run is None:
            raise KeyError(run_id)
        results: dict[str, list[Result]] = {}
        for row in self._db.execute(
            """SELECT site_id, rule, title, clause, severity, status, message, evidence, metrics,
                      marks
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
                    marks=_MARKS.validate_json(row[9]),
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
        if run[16] is not None:
            plans = _PLANS.validate_json(run[16])
        else:  # recorded from a gkaudit.report/1 run: one plan, its rules those of the results
            cited = {
                r.rule: PlanRule(id=r.rule, title=r.title, clause=r.clause)
                for site in sites
                for r in site.results
            }
            plans = (
                PlanInfo(title=run[3], document=run[4], source=run[5], rules=tuple(cited.values())),
            )
        # the roll-up follows from the plans (their veto items and points) and the results
        sites = tuple(s.model_copy(update={"rollup": rollups(plans, s.results)}) for s in sites)
        return Report.model_validate(
            {
                "schema": REPORT_SCHEMA,
                "tool": ToolInfo(name=run[1], version=run[2]),
                "plans": plans,
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
        groups: dict[tuple[str, str], list[Point]] = {}
        for row in rows:
            groups.setdefault((row[0], row[2]), []).append(
                Point(
                    site_name=row[1],
                    title=row[3],
                    status=Status(row[4]),
                    message=row[5],
                    run=row[6],
                    at=dt.datetime.fromisoformat(row[7]),
                )
            )
        return [standing(key, points) for key, points in groups.items()]


def _timestamp(moment: dt.datetime) -> float:
    # A naive timestamp is taken as UTC, so that ordering does not depend on the machine's zone.
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()


def _metrics(text: str) -> dict[str, Metric]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise HistoryError(
            _("stored metrics are not an object: {text}").format(text=repr(text[:80]))
        )
    return value
