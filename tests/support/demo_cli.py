"""The real CLI against the demo fleet: the argv of a scan of the fleet, a run of `main`, and two
reports of one scan compared without what differs from run to run (the times)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from gkaudit.cli import main
from gkaudit.demo.fleet import DemoFleet
from gkaudit.model import Report

AS_OF = dt.date(2026, 11, 29)


def scan_argv(fleet: DemoFleet, work: Path, *args: str) -> list[str]:
    """`gkaudit scan` of the whole fleet (its sites.yaml written into `work`), as of `AS_OF`, with
    short timeouts and no progress bar; `args` added at the end."""
    sites = work / "sites.yaml"
    sites.write_text(fleet.sites_yaml(), encoding="utf-8")
    return [
        "scan",
        str(sites),
        "--nameserver",
        fleet.nameserver,
        "--ns-port",
        str(fleet.dns.port),
        "--as-of",
        AS_OF.isoformat(),
        "--timeout",
        "2",
        "--retries",
        "1",
        "--no-progress",
        *args,
    ]


def run(argv: list[str]) -> tuple[int, str]:
    """`gkaudit ARGV` in this process: its exit code and what it wrote to stdout."""
    stdout = io.StringIO()
    with pytest.raises(SystemExit) as info, contextlib.redirect_stdout(stdout):
        main(argv)
    assert isinstance(info.value.code, int)
    return info.value.code, stdout.getvalue()


def timeless(report: Report | dict[str, Any]) -> dict[str, Any]:
    """The report (a `Report` or its JSON data) without what differs between two runs of one
    scan: the times, and how many attempts a request took (a retry after a timeout on a loaded
    machine is timing too)."""
    data = json.loads(report.to_json()) if isinstance(report, Report) else dict(report)

    def strip(node: Any) -> Any:
        if isinstance(node, str):
            node = re.sub(r"\bin \d+ ms\b", "in (time) ms", node)
            # a first attempt is not written at all: the phrase goes, whatever its count
            return re.sub(r" \(\d+ attempts\)", "", node)
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("elapsed_ms",)}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    for key in ("started_at", "finished_at"):
        data.pop(key)
    return dict(strip(data))


def differences(mine: dict[str, Any], theirs: dict[str, Any]) -> list[Any]:
    """The results that differ, site by site (a readable failure, not two whole reports)."""
    found: list[Any] = [k for k in mine if k != "sites" and mine[k] != theirs[k]]
    for a_site, b_site in zip(mine["sites"], theirs["sites"], strict=True):
        if a_site["id"] != b_site["id"]:
            found.append((a_site["id"], b_site["id"]))
            continue
        for a, b in zip(a_site["results"], b_site["results"], strict=True):
            if a != b:
                found.append((a_site["id"], a["rule"], a["status"], a["message"], b["message"]))
    return found
