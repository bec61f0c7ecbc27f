"""The history database's file: its schema, its migrations, and how it is written safely.

The schema is versioned in `schema_version`; `MIGRATIONS` lists the steps from an empty file, and
opening a store applies the missing ones in one transaction. A file written by a newer gkaudit is
refused rather than misread. The file is in WAL mode and each write runs inside
`BEGIN IMMEDIATE`, so scans started by cron and by hand at the same time both land.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gkaudit.i18n import _

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
    # 2: the inspectors' marks on a result (waiver, false alarms), as the report carries them
    ("ALTER TABLE results ADD COLUMN marks TEXT NOT NULL DEFAULT '[]'",),
    # 3: gkaudit.report/2: every plan of the run (the plan_* columns hold them joined); NULL for
    # the runs recorded before, of one plan.
    ("ALTER TABLE runs ADD COLUMN plans TEXT",),
)


class HistoryError(Exception):
    """The history database cannot be used: written by a newer gkaudit, or not a gkaudit history."""


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the file of `db` to the current schema; `HistoryError` if it is newer."""
    # Reading the version inside the write transaction makes two first opens safe: the second
    # waits for the first, then finds nothing left to do.
    with transaction(db):
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = db.execute("SELECT version FROM schema_version").fetchone()
        current = int(row[0]) if row else 0
        target = len(MIGRATIONS)
        if current > target:
            raise HistoryError(
                _(
                    "{path}: history schema version {current} is newer than this gkaudit "
                    "knows ({target}); upgrade gkaudit or use another --db"
                ).format(path=path, current=current, target=target)
            )
        for step in MIGRATIONS[current:]:
            for statement in step:
                db.execute(statement)
        if row is None:
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (target,))
        elif current != target:
            db.execute("UPDATE schema_version SET version = ?", (target,))


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
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


def enable_wal(db: sqlite3.Connection, timeout: float) -> None:
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
