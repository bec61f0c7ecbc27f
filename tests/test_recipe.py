"""The README's cron recipe, run as written (a real shell, the installed `gkaudit`) on two
days from the very first, against the demo fleet: it must get going without a `last.json`."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gkaudit.demo.fleet import DemoFleet
from tests.support.faultserver import FaultServer

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
    assert report["schema"] == "gkaudit.report/2" and len(report["sites"]) == portals


def _children(pid: int) -> list[int]:
    """The processes `pid` started (Linux's /proc), so a signal reaches the scan, not the shell."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


@pytest.mark.slow
def test_the_cron_recipe_never_promotes_after_exit_2_or_130(tmp_path: Path) -> None:
    """Issue 14, fault 4: a usage error (2) or an interrupted scan (130) leaves `last.json` as it
    was: an incomplete report must not become the next day's baseline."""
    _script("gkaudit")
    if not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists():
        pytest.skip("needs Linux's /proc/PID/task/PID/children to signal the scan alone")
    with FaultServer() as server:
        sites = tmp_path / "sites.yaml"
        site = "  - {{id: {}, name: 站, url: '{}', kind: department}}\n"
        quick = site.format("quick", server.url("/ok"))
        stuck = site.format("stuck", server.url("/silent", "::1"))
        options = "--nameserver 127.0.0.1:9 --no-db --rule site.reachable --timeout 60"
        command = cron_line().replace("scan sites.yaml", f"scan sites.yaml {options}", 1)

        # day 1: the quick portal alone; the recipe starts and promotes its report
        sites.write_text("sites:\n" + quick, encoding="utf-8")
        done = _sh(command, tmp_path)
        assert done.returncode == 0, done.stderr
        first = (tmp_path / "last.json").read_bytes()

        # day 2: the scan is interrupted while a portal hangs, exit 130: nothing promoted
        sites.write_text("sites:\n" + quick + stuck, encoding="utf-8")
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
        shell = subprocess.Popen(
            ["/bin/sh", "-c", command],
            cwd=tmp_path,
            env={**os.environ, "PATH": path},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while server.hits["/silent"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # the quick portal is long done; the stuck one waits for 60 s
        scans = _children(shell.pid)
        assert scans, "the shell runs the scan"
        for pid in scans:
            os.kill(pid, signal.SIGINT)
        _, err = shell.communicate(timeout=60)
        assert shell.returncode == 130, err
        assert (tmp_path / "last.json").read_bytes() == first
        interrupted = json.loads((tmp_path / "today.json").read_text(encoding="utf-8"))
        assert interrupted["incomplete"] is True  # written, and left where it was

    # day 3: a broken sites.yaml, exit 2: the interrupted today.json left over is not promoted
    sites.write_text("sites:\n  - {id: quick, name: 快, kind: nosuch}\n", encoding="utf-8")
    done = _sh(command, tmp_path)
    assert done.returncode == 2, done.stderr
    assert (tmp_path / "last.json").read_bytes() == first


def _script(name: str) -> Path:
    """`name` installed beside this Python, or a skip saying it is not."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"the {name} script is not installed beside this Python")
    return Path(found)


def _demo_options(fleet: DemoFleet) -> str:
    return (
        f"--nameserver {fleet.nameserver} --ns-port {fleet.dns.port} --timeout 2 --retries 0 "
        "--rule site.reachable --rule ipv6.aaaa --rule disclosure.catalogue"
    )


def _sh(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["/bin/sh", "-c", command],
        cwd=cwd,
        env={**os.environ, "PATH": path, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _readme_line(pattern: str) -> str:
    match = re.search(pattern, README.read_text(encoding="utf-8"), re.M)
    assert match, pattern
    return match.group(1)


@pytest.mark.slow
def test_the_indexed_job_recipe_shards_and_merges(tmp_path: Path) -> None:
    _script("gkaudit")
    shard = _readme_line(r'^ +- (gkaudit scan sites\.yaml --shard "\$JOB_COMPLETION_INDEX.+)$')
    merge = _readme_line(r"^(gkaudit merge shards/shard-\*\.json .+)$")
    (tmp_path / "shards").mkdir()
    with DemoFleet(AS_OF, slow_seconds=8) as fleet:
        (tmp_path / "sites.yaml").write_text(fleet.sites_yaml(), encoding="utf-8")
        command = shard.replace("scan sites.yaml", f"scan sites.yaml {_demo_options(fleet)}", 1)
        for index in ("0", "1"):
            done = _sh(command, tmp_path, JOB_COMPLETION_INDEX=index, SHARDS="2", AS_OF=str(AS_OF))
            assert done.returncode == 0, done.stderr
        done = _sh(merge, tmp_path)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        sites = [site.id for site in fleet.sites]
    shards = [json.loads(p.read_text("utf-8")) for p in sorted((tmp_path / "shards").iterdir())]
    assert len(shards) == 2 and all(s["sites"] for s in shards)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [site["id"] for site in report["sites"]] == sites
    assert report["as_of"] == str(AS_OF) and not report.get("incomplete")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
def test_the_dask_cluster_recipe(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the Dask extra: pip install 'gkaudit[dask]'")
    _script("gkaudit")
    dask = _script("dask")
    port = str(_free_port())
    scheduler, worker, scan = (
        _readme_line(rf"^({start} [^#\n]+?) *(?:#.*)?$")
        .replace("10.0.0.1", "127.0.0.1")
        .replace("8786", port)
        for start in ("dask scheduler", "dask worker", "gkaudit scan sites.yaml --executor dask")
    )
    scheduler, worker = (line.replace("dask", str(dask), 1) for line in (scheduler, worker))
    # two cores shared: one worker process, and no dashboard to bind
    worker = worker.replace("--nworkers 4", "--nworkers 1")
    env = {**os.environ, "GKAUDIT_IPV6_PROBE": "::1"}
    started = [
        subprocess.Popen(
            [*shlex.split(line), "--no-dashboard"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for line in (scheduler, worker)
    ]
    try:
        with DemoFleet(AS_OF, slow_seconds=8) as fleet:
            (tmp_path / "sites.yaml").write_text(fleet.sites_yaml(), encoding="utf-8")
            options = f"{_demo_options(fleet)} --as-of {AS_OF} --no-db --no-progress -q"
            done = _sh(scan.replace("scan sites.yaml", f"scan sites.yaml {options}", 1), tmp_path)
            sites = [site.id for site in fleet.sites]
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=30)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [site["id"] for site in report["sites"]] == sites and not report.get("incomplete")
    statuses = {r["status"] for site in report["sites"] for r in site["results"]}
    assert "pass" in statuses
