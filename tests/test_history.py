"""The SQLite history: faithful storage, streaks and changes, migrations, concurrent writers."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from gkaudit import history
from gkaudit.history import (
    HistoryError,
    HistoryStore,
    default_db_path,
    schema,
)
from gkaudit.model import Report, Status, Summary
from gkaudit.reporters.history import render as render_history
from gkaudit.reporters.history import render_json as render_history_json

FIXTURE = Path(__file__).parent / "fixtures" / "reports" / "report.json"
CST = dt.timezone(dt.timedelta(hours=8))
P, F, W, E = Status.PASS, Status.FAIL, Status.WARN, Status.ERROR


@pytest.fixture
def report() -> Report:
    return Report.from_json(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / "h.sqlite3")


def on_day(
    report: Report, day: int, statuses: Mapping[tuple[str, str], Status] | None = None
) -> Report:
    """`report` as scanned on 2025-06-`day`, with the (site, rule) `statuses` changed."""
    wanted = statuses or {}
    sites = tuple(
        site.model_copy(
            update={
                "results": tuple(
                    r.model_copy(update={"status": wanted.get((site.id, r.rule), r.status)})
                    for r in site.results
                )
            }
        )
        for site in report.sites
    )
    start = dt.datetime(2025, 6, day, 8, 0, tzinfo=CST)
    return report.model_copy(
        update={
            "sites": sites,
            "summary": Summary.of(sites),
            "as_of": start.date(),
            "started_at": start,
            "finished_at": start + dt.timedelta(minutes=1),
        }
    )


def test_record_and_read_back(store: HistoryStore, report: Report) -> None:
    run_id = store.record(report)
    assert store.report(run_id) == report
    (run,) = store.runs()
    assert run.id == run_id
    assert run.summary == report.summary
    assert run.plan_document == "大政公开办〔2022〕1号"
    assert run.started_at == report.started_at
    assert run.to_dict()["summary"]["pass"] == 7
    with pytest.raises(KeyError):
        store.report(run_id + 1)


def test_wal_and_schema_version(tmp_path: Path, store: HistoryStore) -> None:
    db = sqlite3.connect(tmp_path / "h.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT version FROM schema_version").fetchall() == [
        (len(history.MIGRATIONS),)
    ]
    assert store.schema_version() == len(history.MIGRATIONS)
    db.close()


def test_runs_are_ordered_by_scan_time_not_recording_order(
    store: HistoryStore, report: Report
) -> None:
    later = store.record(on_day(report, 3))
    earlier = store.record(on_day(report, 1))
    assert [r.id for r in store.runs()] == [earlier, later]


def test_failed_recording_leaves_nothing(store: HistoryStore, report: Report) -> None:
    duplicate = report.model_copy(update={"sites": (*report.sites, report.sites[0])})
    with pytest.raises(HistoryError, match="could not record the run: UNIQUE constraint failed"):
        store.record(duplicate)
    assert store.runs() == []
    store.record(report)  # and the store is still usable
    assert len(store.runs()) == 1


def test_a_writer_blocked_too_long_gets_a_clear_error(tmp_path: Path, report: Report) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path, timeout=0.2) as store:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(HistoryError, match="could not record the run: database is locked"):
            store.record(report)
        holder.execute("ROLLBACK")
        holder.close()
        store.record(report)
        assert len(store.runs()) == 1


# --- timeline -------------------------------------------------------------------------------


def _entry(store: HistoryStore) -> history.Entry:
    (entry,) = store.timeline("zhongshan", "ipv6.aaaa")
    return entry


def _record(store: HistoryStore, report: Report, sequence: Sequence[Status]) -> list[int]:
    """One run a day, zhongshan ipv6.aaaa taking each status of `sequence` in turn."""
    return [
        store.record(on_day(report, day, {("zhongshan", "ipv6.aaaa"): status}))
        for day, status in enumerate(sequence, start=1)
    ]


def test_streak_and_last_change(store: HistoryStore, report: Report) -> None:
    runs = _record(store, report, [F, F, P, P, F, F, F])
    entry = _entry(store)
    assert entry.status is F
    assert entry.since_run == runs[4]
    assert entry.since == dt.datetime(2025, 6, 5, 8, 0, tzinfo=CST)
    assert entry.runs == 3
    assert entry.previous is P
    assert entry.previous_seen == dt.datetime(2025, 6, 4, 8, 0, tzinfo=CST)
    assert entry.last_run == runs[-1]
    assert entry.message == "www.dlzs.gov.cn 没有 AAAA 记录"
    assert entry.site_name == "大连市中山区人民政府"


def test_inconclusive_runs_do_not_break_a_streak(store: HistoryStore, report: Report) -> None:
    runs = _record(store, report, [P, F, E, F, E, F])
    entry = _entry(store)
    assert (entry.status, entry.since_run, entry.runs) == (F, runs[1], 5)
    assert entry.previous is P


def test_latest_inconclusive(store: HistoryStore, report: Report) -> None:
    runs = _record(store, report, [F, F, E, E])
    entry = _entry(store)
    assert (entry.status, entry.since_run, entry.runs) == (E, runs[2], 2)
    assert entry.previous is F
    assert entry.previous_seen == dt.datetime(2025, 6, 2, 8, 0, tzinfo=CST)


def test_never_changed(store: HistoryStore, report: Report) -> None:
    runs = _record(store, report, [W, E, W])
    entry = _entry(store)
    assert (entry.status, entry.since_run, entry.runs, entry.previous) == (W, runs[0], 3, None)
    assert entry.to_dict()["last_change"] is None


def test_timeline_filters(store: HistoryStore, report: Report) -> None:
    store.record(report)
    every = store.timeline()
    assert len(every) == 18
    assert [(e.site, e.rule) for e in every] == sorted((e.site, e.rule) for e in every)
    assert {e.site for e in store.timeline(site="kjj")} == {"kjj"}
    assert len(store.timeline(site="kjj")) == 6
    assert {e.site for e in store.timeline(rule="ipv6.aaaa")} == {"dalian", "zhongshan", "kjj"}
    assert store.timeline(site="nowhere") == []


def test_a_run_of_some_sites_leaves_the_others_alone(store: HistoryStore, report: Report) -> None:
    store.record(on_day(report, 1))
    only_kjj = on_day(report, 2, {("kjj", "ipv6.aaaa"): P})
    only_kjj = only_kjj.model_copy(update={"sites": only_kjj.sites[2:]})
    second = store.record(only_kjj)
    (kjj,) = store.timeline("kjj", "ipv6.aaaa")
    (zs,) = store.timeline("zhongshan", "ipv6.aaaa")
    assert (kjj.status, kjj.last_run, kjj.previous) == (P, second, F)
    assert zs.last_run != second


# --- migrations -----------------------------------------------------------------------------


def test_migrates_forward_keeping_runs(
    tmp_path: Path, report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as old:
        run_id = old.record(report)
    step = ("ALTER TABLE runs ADD COLUMN host TEXT", "UPDATE runs SET host = 'ci'")
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, step))
    with HistoryStore(path) as new:
        assert new.schema_version() == len(schema.MIGRATIONS) == len(history.MIGRATIONS) + 1
        assert new.report(run_id) == report
    db = sqlite3.connect(path)
    assert db.execute("SELECT host FROM runs").fetchall() == [("ci",)]
    db.close()


def test_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    HistoryStore(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    with pytest.raises(HistoryError, match="schema version 99 is newer than this gkaudit"):
        HistoryStore(path)


def test_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("这不是数据库" * 200, encoding="utf-8")
    with pytest.raises(HistoryError, match="not a usable history database"):
        HistoryStore(path)


def test_default_path_is_in_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "gkaudit" / "history.sqlite3"


def test_creates_missing_directories(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "a" / "b" / "h.sqlite3") as store:
        assert store.runs() == []


# --- concurrency ----------------------------------------------------------------------------

RUNS_PER_WRITER = 30

_WRITER = """
import sys
from gkaudit.history import HistoryStore
from gkaudit.model import Report

report = Report.from_json(open(sys.argv[2], encoding="utf-8").read())
print("ready", flush=True)
sys.stdin.readline()
with HistoryStore(sys.argv[1], timeout=60) as store:
    for _ in range({n}):
        store.record(report)
print("done")
"""


@pytest.mark.parametrize("round_", range(5))
def test_two_processes_recording_at_once_both_land(
    tmp_path: Path, report: Report, round_: int
) -> None:
    """Two scans on a new file: they race to set WAL mode and create the schema, then to write.

    Several rounds, because the race on a new file (SQLite refuses the WAL switch at once, without
    waiting, while the other process holds the file) only shows some of the time.
    """
    path = tmp_path / f"shared-{round_}.sqlite3"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER.format(n=RUNS_PER_WRITER), str(path), str(FIXTURE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    # Release both only once both have imported everything, so that their writes overlap.
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    outputs = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        outputs.append((writer.returncode, out.strip(), err))
    assert [(code, out) for code, out, _ in outputs] == [(0, "done"), (0, "done")], outputs
    _assert_complete(path, report, 2 * RUNS_PER_WRITER)


def test_two_threads_recording_at_once_both_land(tmp_path: Path, report: Report) -> None:
    path = tmp_path / "shared.sqlite3"
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            barrier.wait()
            with HistoryStore(path, timeout=60) as store:
                for _ in range(RUNS_PER_WRITER):
                    store.record(report)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    _assert_complete(path, report, 2 * RUNS_PER_WRITER)


def _assert_complete(path: Path, report: Report, runs: int) -> None:
    with HistoryStore(path) as store:
        recorded = store.runs()
        assert len(recorded) == runs
        for run in recorded:
            assert store.report(run.id) == report
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


# --- rendering ------------------------------------------------------------------------------


@pytest.fixture
def shanghai(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's zone is Beijing time, as on an office's server."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("shanghai")
def test_render_history(store: HistoryStore, report: Report) -> None:
    _record(store, report, [P, F, F])
    text = render_history(store.timeline(site="zhongshan"))
    lines = text.splitlines()
    assert lines[0].split() == ["SITE", "RULE", "STATUS", "SINCE", "RUNS", "LAST", "CHANGE"]
    row = next(line for line in lines if " ipv6.aaaa " in line)
    assert row.split(maxsplit=7) == [
        "zhongshan",
        "ipv6.aaaa",
        "fail",
        "2025-06-02",
        "08:00",
        "+0800",
        "2",
        "pass -> fail (last pass 2025-06-01 08:00 +0800)",
    ]
    # Columns line up: every row has the STATUS column at the same offset.
    offset = lines[0].index("STATUS")
    assert all(line[offset - 2 : offset] == "  " for line in lines)
    assert render_history([]) == "No history recorded yet.\n"


def test_render_history_json(store: HistoryStore, report: Report) -> None:
    _record(store, report, [P, F])
    data = json.loads(render_history_json(store.timeline("zhongshan", "ipv6.aaaa")))
    assert data == [
        {
            "site": "zhongshan",
            "site_name": "大连市中山区人民政府",
            "rule": "ipv6.aaaa",
            "title": "首页域名支持IPv6解析",
            "status": "fail",
            "message": "www.dlzs.gov.cn 没有 AAAA 记录",
            "since": "2025-06-02T08:00:00+08:00",
            "since_run": 2,
            "last_seen": "2025-06-02T08:00:00+08:00",
            "last_run": 2,
            "runs": 1,
            "last_change": {
                "from": "pass",
                "to": "fail",
                "at": "2025-06-02T08:00:00+08:00",
                "previous_seen": "2025-06-01T08:00:00+08:00",
            },
        }
    ]
