"""An interrupted scan (Ctrl-C, SIGTERM) still writes the report of every site that finished."""

from __future__ import annotations

import importlib.util
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.faultserver import FaultServer


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer() as s:
        yield s


def interrupt(
    server: FaultServer, tmp_path: Path, sig: signal.Signals, *args: str
) -> tuple[int, str, dict[str, Any]]:
    """A scan of a quick site and a stuck one (on another host, so in another politeness group)
    sent `sig` once the quick one is done: exit code, stderr and the report."""
    sites = tmp_path / "sites.yaml"
    sites.write_text(
        "sites:\n"
        f"  - {{id: quick, name: 快, url: '{server.url('/ok')}', kind: department}}\n"
        f"  - {{id: stuck, name: 慢, url: '{server.url('/silent', '::1')}', kind: department}}\n",
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
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while server.hits["/silent"] == stuck_before and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # the quick site is long done by now; the stuck one waits for 60 s
    scan.send_signal(sig)
    _, err = scan.communicate(timeout=60)
    return scan.returncode, err, json.loads(report_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_scan_reports_what_finished(
    server: FaultServer, tmp_path: Path, sig: signal.Signals
) -> None:
    code, err, report = interrupt(server, tmp_path, sig)
    assert code == 130, err
    assert "interrupted" in err
    assert report["incomplete"] is True
    assert [s["id"] for s in report["sites"]] == ["quick"]
    assert report["sites"][0]["results"][0]["status"] == "pass"
    assert report["summary"]["sites"] == 1


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--shard", "0/1"], id="shard"),
        pytest.param(
            ["--executor", "dask", "--workers", "1"],
            id="dask",
            marks=pytest.mark.skipif(
                importlib.util.find_spec("distributed") is None,
                reason="the Dask extra is not installed: pip install 'gkaudit[dask]'",
            ),
        ),
    ],
)
def test_an_interrupted_distributed_scan_reports_the_groups_that_finished(
    server: FaultServer, tmp_path: Path, args: list[str]
) -> None:
    code, err, report = interrupt(server, tmp_path, signal.SIGINT, *args)
    assert code == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert report["incomplete"] is True
    assert [s["id"] for s in report["sites"]] == ["quick"]
    assert report["sites"][0]["results"][0]["status"] == "pass"
