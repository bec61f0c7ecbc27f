"""An interrupted scan (Ctrl-C, SIGTERM) still writes the report of every site that finished."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.faultserver import FaultServer


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer() as s:
        yield s


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_scan_reports_what_finished(
    server: FaultServer, tmp_path: Path, sig: signal.Signals
) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(
        "sites:\n"
        f"  - {{id: quick, name: 快, url: '{server.url('/ok')}', kind: department}}\n"
        f"  - {{id: stuck, name: 慢, url: '{server.url('/silent')}', kind: department}}\n",
        encoding="utf-8",
    )
    report_path = tmp_path / "report.json"
    stuck_before = server.hits["/silent"]
    scan = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gkaudit",
            "scan",
            str(sites),
            "--json",
            str(report_path),
            "--rule",
            "site.reachable",
            "--nameserver",
            "127.0.0.1:9",
            "--timeout",
            "60",
            "--no-progress",
            "--no-db",
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while server.hits["/silent"] == stuck_before and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the quick site is long done by now; the stuck one waits for 60 s
    scan.send_signal(sig)
    _, err = scan.communicate(timeout=20)
    assert scan.returncode == 130, err
    assert "interrupted" in err
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["incomplete"] is True
    assert [s["id"] for s in report["sites"]] == ["quick"]
    assert report["sites"][0]["results"][0]["status"] == "pass"
    assert report["summary"]["sites"] == 1
