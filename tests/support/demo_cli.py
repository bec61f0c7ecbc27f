"""The real CLI against the demo fleet: the argv of a scan of the fleet, and a run of `main`."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from pathlib import Path

import pytest

from gkaudit.cli import main
from gkaudit.demo import DemoFleet

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
