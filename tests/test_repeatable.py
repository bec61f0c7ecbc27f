"""One web, one report: `gkaudit demo` run twice, each in a process of its own with its own
PYTHONHASHSEED and its own fleet on the free ports of its start (as every demo is), writes the
same JSON report byte for byte. Left out: the times (`timeless`: `started_at`, `finished_at`,
`elapsed_ms`, "in N ms", the attempts a request took) and the fleets' port numbers, which are in
every URL. A month's report must be comparable with the last one: a sample of links that moved
with the port, the completion order of fetches or the per-process string hash would change the
evidence of the same web."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.demo_cli import AS_OF, differences, timeless

#: A port in a URL or a loopback address: the one thing two fleets may differ in.
PORT = re.compile(r"((?:https?://[^/\s:\"'<>]+|127\.0\.0\.1|\[::1\]):)\d+")


def demo_report(work: Path, hash_seed: str) -> tuple[str, dict[str, Any]]:
    """The port of the fleet of `gkaudit demo` run in a process of its own, and its JSON report
    with ports and times left out."""
    report = work / f"report-{hash_seed}.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gkaudit",
            "demo",
            "--as-of",
            AS_OF.isoformat(),
            "--no-progress",
            "--json",
            str(report),
        ],
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    port = re.search(r"\bport (\d+)", done.stdout)
    assert port is not None, done.stdout  # the demo's banner
    return port[1], timeless(json.loads(PORT.sub(r"\1(port)", report.read_text(encoding="utf-8"))))


def test_two_demo_runs_on_their_own_ports_write_the_same_report(tmp_path: Path) -> None:
    (port, first), (other_port, second) = demo_report(tmp_path, "1"), demo_report(tmp_path, "2")
    assert port != other_port
    assert first["sites"] and all(site["results"] for site in first["sites"])
    assert "(port)" in json.dumps(first)  # the ports really were in it, and are left out
    assert differences(second, first) == []
    assert _bytes(second) == _bytes(first)


def _bytes(report: dict[str, Any]) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=1).encode()
