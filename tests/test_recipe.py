"""The README's cron recipe, run as written (a real shell, the installed `gkaudit`) on two
days from the very first, against the demo fleet: it must get going without a `last.json`."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gkaudit.demo import DemoFleet

README = Path(__file__).resolve().parents[1] / "README.md"
AS_OF = dt.date(2026, 11, 29)


def cron_line() -> str:
    match = re.search(r"^0 6 \* \* \*  cd /srv/gkaudit && (.+)$", README.read_text(), re.M)
    assert match, "the README's cron recipe"
    return match.group(1)


@pytest.mark.slow
def test_the_cron_recipe_works_from_day_one(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    if shutil.which("gkaudit", path=str(bin_dir)) is None:
        pytest.skip("the gkaudit script is not installed beside this Python")
    with DemoFleet(AS_OF, slow_seconds=8) as fleet:
        (tmp_path / "sites.yaml").write_text(fleet.sites_yaml(), encoding="utf-8")
        portals = len(fleet.sites)
        demo = (
            f"--nameserver {fleet.nameserver} --ns-port {fleet.dns.port} --as-of {AS_OF} "
            f"--timeout 2 --retries 0 --db {tmp_path / 'h.sqlite3'} "
            "--rule site.reachable --rule ipv6.aaaa"
        )
        command = cron_line().replace("scan sites.yaml", f"scan sites.yaml {demo}", 1)
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
        for day in (1, 2):
            done = subprocess.run(
                ["/bin/sh", "-c", command],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert done.returncode == 0, (day, done.stderr)
            assert (tmp_path / "last.json").exists(), day
            assert not (tmp_path / "today.json").exists(), day  # promoted
            if day == 1:
                assert "does not exist yet" in done.stderr
            else:
                assert "does not exist yet" not in done.stderr
    report = json.loads((tmp_path / "last.json").read_text(encoding="utf-8"))
    assert report["schema"] == "gkaudit.report/1" and len(report["sites"]) == portals
