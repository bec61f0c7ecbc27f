"""`gkaudit scan` writing the 整改清单 (XLSX, CSV) and the HTML report, with the history of a real
database, and telling a loopback robot: the real CLI against the demo fleet over real sockets."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from gkaudit.demo.fleet import DemoFleet
from tests import test_notify
from tests.support.demo_cli import AS_OF, run, scan_argv

PROBLEMS = ("fail", "warn", "error")
robot = test_notify.robot
Robot = test_notify.Robot


@pytest.fixture(scope="module")
def fleet() -> Iterator[DemoFleet]:
    with DemoFleet(AS_OF, slow_seconds=8) as demo:
        yield demo


def argv(fleet: DemoFleet, tmp_path: Path, *args: str) -> list[str]:
    return scan_argv(fleet, tmp_path, "--quiet", *args)


def scan(
    fleet: DemoFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    """Exit code and stderr of `gkaudit scan` on the fleet."""
    code, _stdout = run(argv(fleet, tmp_path, *args))
    return code, capsys.readouterr().err


def failing_site(fleet: DemoFleet) -> str:
    return next(site for (site, _rule), v in fleet.expected.items() if v.value == "fail")


def problems(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (site["url"], result["rule"])
        for site in report["sites"]
        for result in site["results"]
        if result["status"] in PROBLEMS
    ]


def test_the_spreadsheets_and_the_html_report_and_the_robot(
    fleet: DemoFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str], robot: Robot
) -> None:
    out = {ext: tmp_path / f"report.{ext}" for ext in ("json", "xlsx", "csv", "html")}
    code, stderr = scan(
        fleet,
        tmp_path,
        capsys,
        *[arg for ext, path in out.items() for arg in (f"--{ext}", str(path))],
        "--db",
        str(tmp_path / "history.db"),
        "--notify",
        robot.url("/hook"),
    )
    report = json.loads(out["json"].read_text(encoding="utf-8"))
    expected = problems(report)
    assert code == 1 and expected and "notification" not in stderr
    book = openpyxl.load_workbook(out["xlsx"])
    sheet = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert len(sheet) - 1 == len(expected)
    assert sorted((row[1], row[3].split()[0]) for row in sheet[1:]) == sorted(expected)
    raw = out["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == sheet[0] and len(table) == len(sheet)
    html = out["html"].read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "<script src" not in html
    assert all(site["name"] in html for site in report["sites"])
    [(path, body)] = robot.posts
    assert path == "/hook" and body["schema"] == "gkaudit.notification/1"
    assert body["summary"] == report["summary"]


def test_the_history_reaches_the_rectification_list_and_the_chart(
    fleet: DemoFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "history.db")
    site = failing_site(fleet)

    def run(n: int) -> tuple[list[list[Any]], str]:
        xlsx, html = tmp_path / f"{n}.xlsx", tmp_path / f"{n}.html"
        scan(fleet, tmp_path, capsys, "--site", site, "--db", db, "--xlsx", str(xlsx),
             "--html", str(html))  # fmt: skip
        rows = [
            [c.value for c in r] for r in openpyxl.load_workbook(xlsx).worksheets[0].iter_rows()
        ]
        return rows[1:], html.read_text(encoding="utf-8")

    first, first_html = run(1)
    second, second_html = run(2)
    # 首次发现 stays the first run's; 持续天数 counts from it
    assert first and all(row[8] for row in first)
    assert [row[8] for row in second] == [row[8] for row in first]
    assert 'id="history"' not in first_html and 'id="history"' in second_html


def test_a_failed_notification_is_reported_and_changes_nothing(
    fleet: DemoFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str], robot: Robot
) -> None:
    site = failing_site(fleet)
    plain, _ = scan(fleet, tmp_path, capsys, "--site", site, "--no-db")
    robot.status = 200
    robot.answer = {"errcode": 310000, "errmsg": "keywords not in content"}
    code, stderr = scan(
        fleet, tmp_path, capsys, "--site", site, "--no-db", "--notify", robot.url(),
        "--notify-format", "dingtalk", "--notify", "http://127.0.0.1:9/closed",
    )  # fmt: skip
    assert code == plain == 1
    assert stderr.count("notification to") == 2 and "310000" in stderr
    assert "T0KEN" not in stderr and len(robot.posts) == 1


def test_a_bad_webhook_is_refused_before_the_first_request(
    fleet: DemoFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stderr = scan(fleet, tmp_path, capsys, "--notify", "ftp://robot", "--no-db")
    assert code == 2 and "--notify" in stderr and "ftp://robot" in stderr


def _subprocess(args: list[str], **kw: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GKAUDIT_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "gkaudit", *args], env=env, timeout=120, check=False, **kw
    )


def test_xlsx_to_a_pipe_is_the_workbook_and_to_a_terminal_is_refused(
    fleet: DemoFleet, tmp_path: Path
) -> None:
    args = argv(fleet, tmp_path, "--site", failing_site(fleet), "--no-db", "--xlsx", "-")
    piped = _subprocess(args, capture_output=True)
    assert piped.returncode == 1, piped.stderr
    assert openpyxl.load_workbook(io.BytesIO(piped.stdout)).worksheets[0].max_row > 1
    primary, secondary = pty.openpty()
    try:
        refused = _subprocess(args, stdout=secondary, stderr=subprocess.PIPE)
    finally:
        os.close(secondary)
        os.close(primary)
    assert refused.returncode == 2
    assert b"--xlsx -" in refused.stderr and b"terminal" in refused.stderr


def test_the_demo_writes_every_format_and_tells_the_robot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], robot: Robot
) -> None:
    formats = ("json", "junit", "sarif", "markdown", "xlsx", "csv", "html")
    out = {name: tmp_path / f"demo.{name}" for name in formats}
    argv = ["demo", "--no-progress", "--as-of", AS_OF.isoformat(), "--notify", robot.url("/demo")]
    for name, path in out.items():
        argv += [f"--{name}", str(path)]
    code, _stdout = run(argv)
    stderr = capsys.readouterr().err
    assert code == 0, stderr
    report = json.loads(out["json"].read_text(encoding="utf-8"))
    sheet = list(openpyxl.load_workbook(out["xlsx"]).worksheets[0].iter_rows())
    assert len(sheet) - 1 == len(problems(report)) > 0
    csv_rows = list(csv.reader(io.StringIO(out["csv"].read_bytes().decode("utf-8-sig"))))
    assert len(csv_rows) == len(sheet)
    assert all(site["name"] in out["html"].read_text("utf-8") for site in report["sites"])
    assert out["junit"].read_text("utf-8").startswith("<?xml")
    assert json.loads(out["sarif"].read_text("utf-8"))["version"] == "2.1.0"
    assert out["markdown"].read_text("utf-8").strip()
    [(path, body)] = robot.posts
    assert path == "/demo" and body["summary"] == report["summary"]
