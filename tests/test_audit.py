"""The audit's faults found as a new user (issue 14): exit 3 for a crashed check, paths checked
before the first request, '-' for stdout, history of an unknown site, strict --as-of, -V."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from gkaudit import __version__
from gkaudit.exits import EXIT_CONFIG, EXIT_INTERNAL
from gkaudit.history import HistoryStore
from gkaudit.model import Report
from tests.test_cli import run

BOOM = '''\
"""Raises: a broken plugin. Its docstring is its manual."""
from gkaudit.plugins import CheckParams, check

@check("boom", params=CheckParams)
async def run(site, params):
    raise RuntimeError("kaput")
'''
PLAN = """\
title: t
document: d
rules:
  - {id: broken.rule, title: 坏规则, clause: '(一)', check: boom}
"""
FIXTURE = Path(__file__).parent / "fixtures" / "reports" / "report.json"


@pytest.fixture
def portal() -> Iterator[tuple[str, list[str]]]:
    """A loopback portal that counts the requests it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><title>x</title></html>")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", hits
    server.shutdown()


def _files(tmp_path: Path, url: str) -> tuple[Path, Path, Path]:
    sites = tmp_path / "sites.yaml"
    sites.write_text(
        f"sites:\n  - id: xg\n    name: 西岗区\n    url: {url}\n    kind: district\n",
        encoding="utf-8",
    )
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "boom.py").write_text(BOOM, encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    return sites, plugins, plan


def test_a_crashed_check_exits_3_and_the_report_is_still_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sites, plugins, plan = _files(tmp_path, "http://127.0.0.1:9/")
    monkeypatch.chdir(tmp_path)
    args = ["scan", str(sites), "--plan", str(plan), "--plugins", str(plugins), "--no-db"]
    code, out, _ = run(capsys, *args, "--no-progress", "--json", "-")
    assert code == EXIT_INTERNAL
    report = Report.from_json(out)  # '-' is stdout: the document alone, the terminal report moved
    (result,) = report.sites[0].results
    assert result.status.value == "error" and "internal error in check 'boom'" in result.message
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(
    ("option", "path", "message"),
    [
        ("--json", "nosuch/report.json", "the folder nosuch does not exist"),
        ("--markdown", ".", "is a folder"),
        ("--db", "nosuch/h.sqlite3", "the folder nosuch does not exist"),
    ],
)
def test_output_paths_are_checked_before_the_first_request(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    portal: tuple[str, list[str]],
    option: str,
    path: str,
    message: str,
) -> None:
    url, hits = portal
    sites, _plugins, _plan = _files(tmp_path, url)
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "scan", str(sites), "--no-progress", option, path)
    assert code == EXIT_CONFIG and message in err, err
    assert hits == []
    assert not (tmp_path / "nosuch").exists()  # no folder created silently


def test_history_of_an_unknown_site_is_an_error_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db) as store:
        store.record(Report.from_json(FIXTURE.read_text(encoding="utf-8")))
    code, out, err = run(capsys, "history", "--db", str(db), "--site", "zhongshn")
    assert code == EXIT_CONFIG and "did you mean 'zhongshan'" in err
    assert "No history recorded yet" not in out
    code, out, _ = run(capsys, "history", "--db", str(db), "--site", "zhongshan", "--json")
    assert code == 0 and {e["site"] for e in json.loads(out)} == {"zhongshan"}


@pytest.mark.parametrize("value", ["20261201", "2026-W48-2", "2026-13-01", "yesterday"])
def test_as_of_is_strictly_a_date(capsys: pytest.CaptureFixture[str], value: str) -> None:
    code, _, err = run(capsys, "scan", "--as-of", value)
    assert code == EXIT_CONFIG and "--as-of: not a date (YYYY-MM-DD)" in err


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(capsys: pytest.CaptureFixture[str], flag: str) -> None:
    code, out, _ = run(capsys, flag)
    assert code == 0 and out == f"gkaudit {__version__}\n"


def test_unknown_site_and_rule_ids_get_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sites, _plugins, _plan = _files(tmp_path, "http://127.0.0.1:9/")
    code, _, err = run(capsys, "scan", str(sites), "--rule", "ipv6.aaa")
    assert code == EXIT_CONFIG and "unknown rule id 'ipv6.aaa'; did you mean 'ipv6.aaaa'" in err
    code, _, err = run(capsys, "scan", str(sites), "--site", "xq")
    assert code == EXIT_CONFIG and "unknown site id 'xq'" in err


@pytest.mark.parametrize("allowed", [False, True])
def test_allow_private_lets_a_scan_reach_a_loopback_portal(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    portal: tuple[str, list[str]],
    allowed: bool,
) -> None:
    url, hits = portal
    sites, _plugins, _plan = _files(tmp_path, url)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GKAUDIT_ALLOW_PRIVATE", raising=False)
    args = ["scan", str(sites), "--rule", "site.reachable", "--no-db", "--no-progress"]
    args += ["--ignore-robots", "--json", "-"] + (["--allow-private"] if allowed else [])
    _code, out, _ = run(capsys, *args)
    (result,) = Report.from_json(out).sites[0].results
    if allowed:
        assert result.status.value == "pass" and hits
    else:
        assert result.status.value == "error" and "private address" in result.message
        assert hits == []
