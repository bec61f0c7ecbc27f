"""`gkaudit scan --shard I/N`, `gkaudit merge` and `--executor dask` from the real CLI, against
the demo fleet over real sockets (and a real LocalCluster for Dask, skipped without it)."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gkaudit.demo.fleet import DemoFleet
from gkaudit.exits import EXIT_CONFIG, EXIT_OK
from gkaudit.history import HistoryStore
from tests.support.demo_cli import AS_OF, differences, run, scan_argv, timeless

HAS_DASK = importlib.util.find_spec("distributed") is not None
needs_dask = pytest.mark.skipif(
    not HAS_DASK, reason="the Dask extra is not installed: pip install 'gkaudit[dask]'"
)


@pytest.fixture(scope="module")
def fleet() -> Iterator[DemoFleet]:
    with DemoFleet(AS_OF, slow_seconds=8) as demo:
        yield demo


def scan(fleet: DemoFleet, work: Path, name: str, *args: str) -> tuple[int, Path]:
    """`gkaudit scan` of the fleet writing `work/name`: the exit code and the report's path."""
    work.mkdir(exist_ok=True)
    report = work / name
    code, _stdout = run(scan_argv(fleet, work, "--quiet", "--no-db", "--json", str(report), *args))
    return code, report


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def full(fleet: DemoFleet, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The whole fleet scanned by the local engine, as `gkaudit scan` always ran."""
    code, report = scan(fleet, tmp_path_factory.mktemp("full"), "full.json")
    assert code == EXIT_OK or code == 1
    return load(report)


def test_two_shards_merged_are_the_full_scan(
    fleet: DemoFleet, tmp_path: Path, full: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    shards = []
    for index in range(2):
        code, report = scan(fleet, tmp_path, f"shard{index}.json", "--shard", f"{index}/2")
        assert code in (0, 1), capsys.readouterr().err
        shards.append(report)
    parts = [{site["id"] for site in load(path)["sites"]} for path in shards]
    assert all(parts) and not parts[0] & parts[1]  # both shards have work, and none twice
    assert not any(load(path).get("incomplete") for path in shards)
    merged = tmp_path / "merged.json"
    sites, db = tmp_path / "sites.yaml", tmp_path / "history.sqlite3"
    argv = ["merge", *map(str, shards), "-o", str(merged), "--sites", str(sites), "--db", str(db)]
    assert run(argv)[0] == EXIT_OK
    assert differences(timeless(load(merged)), timeless(full)) == []
    assert timeless(load(merged)) == timeless(full)
    # the one run of the scan in the history, with every site
    with HistoryStore(db) as store:
        [recorded] = store.runs()
        assert timeless(store.report(recorded.id)) == timeless(full)


def test_a_missing_shard_is_named_and_the_merge_is_incomplete(
    fleet: DemoFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, shard = scan(fleet, tmp_path, "shard0.json", "--shard", "0/2", "--rule", "ipv6.aaaa")
    merged = tmp_path / "merged.json"
    argv = ["merge", str(shard), "-o", str(merged), "--sites", str(tmp_path / "sites.yaml")]
    assert run(argv)[0] == EXIT_OK
    assert "are in no shard's report (a shard missing?)" in capsys.readouterr().err
    assert load(merged).get("incomplete") is True
    db = tmp_path / "history.sqlite3"
    assert run([*argv, "--db", str(db)])[0] == EXIT_OK
    with HistoryStore(db) as store:
        assert store.runs() == []  # an incomplete merge is not recorded, as an interrupted scan


def test_merge_refuses_reports_of_another_day_or_plan(
    fleet: DemoFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, first = scan(fleet, tmp_path, "a.json", "--shard", "0/2", "--rule", "ipv6.aaaa")
    data = load(first)
    other_day = tmp_path / "b.json"
    other_day.write_text(json.dumps({**data, "as_of": "2026-11-30", "sites": []}), "utf-8")
    other_plan = tmp_path / "c.json"
    plans = [{**data["plans"][0], "document": "another plan"}]
    other_plan.write_text(json.dumps({**data, "plans": plans, "sites": []}), "utf-8")
    for other, words in ((other_day, "as of 2026-11-30"), (other_plan, "another plan")):
        code, _ = run(["merge", str(first), str(other), "-o", str(tmp_path / "m.json")])
        err = capsys.readouterr().err
        assert code == EXIT_CONFIG, err
        assert words in err and "Traceback" not in err
    assert not (tmp_path / "m.json").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--shard", "2/2"], "--shard: expected I/N with 0 <= I < N"),
        (["--shard", "1"], "--shard: expected I/N with 0 <= I < N"),
        (["--shard", "-1/2"], "--shard: expected I/N with 0 <= I < N"),
        (["--workers", "2"], "--workers is for --executor dask"),
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler is for --executor dask"),
    ],
)
def test_bad_distribution_options_are_refused_before_the_first_request(
    fleet: DemoFleet,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    words: str,
) -> None:
    fleet.http.in_flight.reset()
    code, report = scan(fleet, tmp_path, "r.json", *args)
    err = capsys.readouterr().err
    assert code == EXIT_CONFIG, err
    assert words in err and "Traceback" not in err
    assert fleet.http.in_flight.peak == {} and not report.exists()  # the fleet saw no request


def test_dask_missing_names_the_extra(
    fleet: DemoFleet,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    code, _report = scan(fleet, tmp_path, "r.json", "--executor", "dask")
    err = capsys.readouterr().err
    assert code == EXIT_CONFIG
    assert "pip install 'gkaudit[dask]'" in err and len(err.strip().splitlines()) == 1


@needs_dask
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--scheduler", "127.0.0.1"], "--scheduler: expected tcp://HOST:PORT, got '127.0.0.1'"),
        (["--scheduler", "http://127.0.0.1:8786"], "expected tcp://HOST:PORT"),
        (["--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "give one of them"),
    ],
)
def test_bad_scheduler_values_are_refused(
    fleet: DemoFleet,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    words: str,
) -> None:
    code, _report = scan(fleet, tmp_path, "r.json", "--executor", "dask", *args)
    err = capsys.readouterr().err
    assert code == EXIT_CONFIG, err
    assert words in err


@needs_dask
def test_a_scheduler_nobody_answers_is_a_clear_error(
    fleet: DemoFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import dask
    import distributed  # noqa: F401  (its config defaults, before the set below is undone)

    # a loopback port with nothing listening: the connection is refused at once
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        code, report = scan(
            fleet, tmp_path, "r.json", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"
        )
    err = capsys.readouterr().err
    assert code == EXIT_CONFIG, err
    assert "Dask scheduler tcp://127.0.0.1:9:" in err and "Traceback" not in err
    assert not report.exists()


@needs_dask
def test_dask_with_two_workers_reports_what_the_local_engine_does(
    fleet: DemoFleet,
    tmp_path: Path,
    full: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the workers' pre-flight asks for a route to this address: the demo's IPv6 is on ::1
    monkeypatch.setenv("GKAUDIT_IPV6_PROBE", "::1")
    code, report = scan(fleet, tmp_path, "dask.json", "--executor", "dask", "--workers", "2")
    assert code in (0, 1), capsys.readouterr().err
    assert differences(timeless(load(report)), timeless(full)) == []
    assert timeless(load(report)) == timeless(full)
