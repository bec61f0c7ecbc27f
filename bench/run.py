"""gkaudit benchmarks: the polite schedule, probe throughput against lychee, page cost, scale.

    python bench/run.py                      # every scenario, full size (about 13 minutes)
    python bench/run.py --quick              # smaller versions, under 3 minutes
    python bench/run.py --json out.json      # also write the figures as JSON
    python bench/run.py --only probe,page    # some scenarios
    python bench/run.py --profile DIR        # pyinstrument profiles of the probe and page runs
    python bench/run.py --compare fix=/tmp/copy/src --only probe,page  # A/B a patched copy

Each scenario runs in its own processes: the fleet server (bench/fleet.py, uvloop) in one, and
every measured client in another (`run.py --worker NAME`), so CPU and peak RSS are the
client's alone. The parent only starts processes and reads the server's counters. Everything
talks to loopback addresses only; every loop is bounded in count and every process in time.
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import itertools
import json
import math
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import fleet  # noqa: E402  (bench/fleet.py, beside this file)

CONCURRENCY = 50  # probe scenario: the same for both tools (gkaudit's default global limit)


@dataclass(frozen=True)
class Sizes:
    polite_portals: int
    polite_pages: int
    probe_hosts: int
    probe_per_host: int
    page_portals: int
    page_pages: int
    scale_portals: int
    scale_pages: int
    ceiling_seconds: float


FULL = Sizes(60, 60, 200, 100, 8, 60, 1000, 20, 3.0)
QUICK = Sizes(60, 60, 50, 40, 4, 60, 100, 20, 1.0)


# --------------------------------------------------------------------------------------------
# Processes


def _env(src: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["GKAUDIT_ALLOW_PRIVATE"] = "1"  # the fleet is on loopback
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_measured(
    argv: Sequence[str], *, timeout: float, stdout: Path, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run a child to the end and return its exit code, wall time and rusage (CPU, peak RSS)."""
    with open(stdout, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, env=env)
        timer = threading.Timer(timeout, proc.kill)  # our own child, by its handle
        timer.start()
        stderr = b""
        try:
            assert proc.stderr is not None
            stderr = proc.stderr.read()  # until the child closes it (exits)
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
    return {
        "rc": proc.returncode,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "maxrss_mb": usage.ru_maxrss / 1024,
        "stderr": stderr.decode("utf-8", "replace")[-4000:],
    }


def run_worker(
    name: str, args: dict[str, Any], *, timeout: float, src: str | None = None
) -> dict[str, Any]:
    """`run.py --worker NAME` in a fresh interpreter; its result is its last stdout line."""
    with tempfile.NamedTemporaryFile(suffix=".out", delete=False) as tmp:
        out = Path(tmp.name)
    try:
        argv = [sys.executable, str(Path(__file__).resolve()), "--worker", name]
        argv += ["--args", json.dumps(args)]
        usage = run_measured(argv, timeout=timeout, stdout=out, env=_env(src))
        lines = out.read_text().strip().splitlines()
    finally:
        out.unlink(missing_ok=True)
    if usage["rc"] != 0 or not lines:
        raise RuntimeError(f"worker {name} failed (exit {usage['rc']}):\n{usage['stderr']}")
    result: dict[str, Any] = json.loads(lines[-1])
    result["process"] = {k: v for k, v in usage.items() if k != "stderr"}
    return result


# --------------------------------------------------------------------------------------------
# The ideal polite schedule


def _sched(n: int, rtt: float, per_host: int, interval: float) -> float:
    """Least time for n requests to one host: per_host in flight, starts >= interval apart."""
    if n <= 0:
        return 0.0
    return max(math.ceil(n / per_host) * rtt, (n - 1) * interval + rtt)


def ideal_schedule(
    stats: dict[str, Any], *, latency: float, per_host: int, interval: float, concurrency: int
) -> dict[str, Any]:
    """A lower bound on the wall time of the crawl the server saw.

    rtt = latency + the server's mean service time. For each host with n requests: at most
    `per_host` in flight and starts at least `interval` apart (`_sched`). A page at link depth
    d (home = 1) cannot be asked for before d-1 round trips have brought the pages leading to
    it, so for every d: (d-1) x rtt + _sched(requests at depth >= d). The same over all hosts
    with the global limit `concurrency`. The ideal is the largest of these bounds.
    """
    requests = max(1, int(stats["requests"]))
    rtt = latency + stats["service_s"] / requests
    best = {"ideal_s": 0.0, "binding": "none"}
    sched_only = 0.0
    totals: Counter[int] = Counter()
    for host, h in stats["hosts"].items():
        by_depth = {int(k): int(v) for k, v in h["by_depth"].items()}
        totals.update(by_depth)
        n = sum(by_depth.values())
        sched_only = max(sched_only, _sched(n, rtt, per_host, interval))
        for d in sorted(by_depth):
            left = sum(v for k, v in by_depth.items() if k >= d)
            bound = (d - 1) * rtt + _sched(left, rtt, per_host, interval)
            if bound > best["ideal_s"]:
                best = {"ideal_s": bound, "binding": f"host {host} ({n} requests, depth {d})"}
    n_all = sum(totals.values())
    sched_only = max(sched_only, math.ceil(n_all / concurrency) * rtt)
    for d in sorted(totals):
        left = sum(v for k, v in totals.items() if k >= d)
        bound = (d - 1) * rtt + math.ceil(left / concurrency) * rtt
        if bound > best["ideal_s"]:
            best = {"ideal_s": bound, "binding": f"global limit {concurrency} (depth {d})"}
    best["ideal_sched_only_s"] = sched_only
    best["rtt_s"] = rtt
    return best


# --------------------------------------------------------------------------------------------
# Scenarios (parent side)


@dataclass
class Options:
    sizes: Sizes
    quick: bool
    profile: Path | None
    src: str | None
    compare: list[tuple[str, str]]
    complete: bool
    tmp: Path
    plan_info: dict[str, Any] | None = None
    scale_counts: tuple[int, ...] = ()  # the scale curve's fleet sizes (default: 10 and full)
    executor_portals: int = 0  # the executors scenario's fleet (default: 1000, quick 40)


def _polite_row(
    name: str, res: dict[str, Any], stats: dict[str, Any], latency: float
) -> dict[str, Any]:
    settings = res["settings"]
    ideal = ideal_schedule(
        stats,
        latency=latency,
        per_host=settings["per_host"],
        interval=settings["interval"],
        concurrency=settings["concurrency"],
    )
    hosts = stats["hosts"].values()
    return {
        "variant": name,
        "sites": res["sites"],
        "rules": res["rules"],
        "requests": stats["requests"],
        "hosts": len(stats["hosts"]),
        "max_requests_per_host": max((h["get"] + h["head"] for h in hosts), default=0),
        "max_inflight_per_host": max((h["max_inflight"] for h in hosts), default=0),
        "min_gap_ms": min((h["min_gap_s"] or math.inf for h in hosts), default=math.inf) * 1e3,
        "wall_s": res["wall_s"],
        "cpu_s": res["cpu_s"],
        "ideal_s": ideal["ideal_s"],
        "ideal_sched_only_s": ideal["ideal_sched_only_s"],
        "binding": ideal["binding"],
        "wall_over_ideal": res["wall_s"] / ideal["ideal_s"] if ideal["ideal_s"] else math.nan,
        "statuses": stats["statuses"],
        "summary": res["summary"],
        "peak_rss_mb": res["peak_rss_mb"],
        "loop_lag_ms_max": res["loop_lag_ms_max"],
        "loop_lag_ms_p99": res["loop_lag_ms_p99"],
        "gaps_under_interval": sum(h["gaps_under"] for h in stats["hosts"].values()),
        "time_spent": _time_spent(res, stats, ideal["rtt_s"]),
    }


def _time_spent(res: dict[str, Any], stats: dict[str, Any], rtt: float) -> dict[str, Any]:
    """Where the wall time over the ideal goes, in seconds of wall time, from each host's first
    request and last response on the server's clock (each fleet host is one site). With S
    sites in flight: wall x S = the hosts' least spans (`_sched`, ignoring link depth) + what
    their spans took beyond that (a site's serial start and end, late callbacks) + the time a
    slot held no host, before the last site's first request (between sites) and after it."""
    slots = res.get("sites_in_flight") or 0
    if not slots or "run_monotonic" not in res or "t0_monotonic" not in stats:
        return {}
    start, end = (t - stats["t0_monotonic"] for t in res["run_monotonic"])
    s = res["settings"]
    hosts = list(stats["hosts"].values())
    least = sum(_sched(h["get"] + h["head"], rtt, s["per_host"], s["interval"]) for h in hosts)
    spans = sum(h["last_s"] - h["first_s"] for h in hosts)
    last_start = max(h["first_s"] for h in hosts)

    def present(a: float, b: float) -> float:  # host-seconds between a first and last in [a, b]
        return sum(max(0.0, min(b, h["last_s"]) - max(a, h["first_s"])) for h in hosts)

    return {
        "sites_in_flight": slots,
        "hosts_least_s": least / slots,
        "hosts_overrun_s": (spans - least) / slots,
        # the share of a host's slots (per_host x its span) a request held, on the server
        "host_slots_busy": sum(h.get("busy_s", math.nan) for h in hosts) / (s["per_host"] * spans),
        "idle_between_s": ((last_start - start) * slots - present(start, last_start)) / slots,
        "idle_after_s": ((end - last_start) * slots - present(last_start, end)) / slots,
        "first_request_s": min(h["first_s"] for h in hosts) - start,
        "after_last_response_s": end - max(h["last_s"] for h in hosts),
    }


def scenario_polite(opts: Options) -> dict[str, Any]:
    sz = opts.sizes
    latency = 0.1
    rows = []
    with fleet.ServerProcess(
        portals=sz.polite_portals, pages=sz.polite_pages, latency=latency, max_seconds=1200
    ) as srv:
        variants = plan_variants(opts)
        codes = [("", opts.src)] + [(f" [+{label}]", src) for label, src in opts.compare]
        for name, complete in variants:
            for suffix, src in codes:
                srv.control("/reset")
                res = run_worker(
                    "engine",
                    {
                        "port": srv.port,
                        "ns": srv.nameserver,
                        "portals": sz.polite_portals,
                        "pages": sz.polite_pages,
                        "complete": complete,
                        "fetch": {},
                        "stream": str(opts.tmp / "polite.jsonl"),
                    },
                    timeout=900,
                    src=src,
                )
                rows.append(_polite_row(name + suffix, res, srv.control("/stats"), latency))
    return {"latency_s": latency, "rows": rows}


def _lychee() -> str | None:
    for candidate in (Path(sys.executable).parent / "lychee",):
        if candidate.exists():
            return str(candidate)
    from shutil import which

    return which("lychee")


def scenario_probe(opts: Options) -> dict[str, Any]:
    sz = opts.sizes
    n_hosts, per_host = sz.probe_hosts, sz.probe_per_host
    rows: list[dict[str, Any]] = []
    lychee = _lychee()
    with fleet.ServerProcess(portals=2, pages=20, probe_hosts=n_hosts, max_seconds=1800) as srv:
        # interleaved by host, all distinct (lychee de-duplicates its input)
        urls = [
            f"http://{fleet.PROBE_NET}{h + 1}:{srv.port}/art/2026/11/{k % 28 + 1:02d}/art_{k}.html"
            for k in range(per_host)
            for h in range(n_hosts)
        ]
        url_file = opts.tmp / "probe-urls.txt"
        url_file.write_text("\n".join(urls) + "\n")
        clients: list[tuple[str, str | None]] = [("gkaudit", opts.src)]
        clients += [(f"gkaudit+{label}", src) for label, src in opts.compare]
        # The HTTP layer's candidates (issue 15), each a bare client with the settings it would
        # have behind `Fetcher`: httpx2 as gkaudit used it (pool = the global limit), httpx2
        # with its pool sized to the hosts in flight, the httpx2 API over the httpx-aiohttp
        # transport, and aiohttp itself.
        refs = [("httpx2 (bare client)", "httpx2"), ("httpx2, pool = hosts, read", "httpx2-pool")]
        with contextlib.suppress(ImportError):
            import aiohttp  # noqa: F401

            with contextlib.suppress(ImportError):
                import httpx_aiohttp  # noqa: F401

                refs.append(("httpx2 + httpx-aiohttp", "httpx2-aiohttp"))
            refs.append(("aiohttp (bare client)", "aiohttp"))
        for method in ("HEAD", "GET"):
            for tool, src in clients:
                rows.append(_probe_py(srv, "gkaudit", tool, method, url_file, len(urls), src, opts))
            if lychee:
                rows.append(_probe_lychee(srv, lychee, method, url_file, len(urls), opts))
            for tool, client in refs:
                rows.append(_probe_py(srv, client, tool, method, url_file, len(urls), None, opts))
        if opts.profile:
            for method in ("HEAD", "GET"):
                run_worker(
                    "probe",
                    {
                        "urls": str(url_file),
                        "method": method,
                        "concurrency": CONCURRENCY,
                        "client": "gkaudit",
                        "profile": str(opts.profile / f"probe-{method.lower()}.txt"),
                    },
                    timeout=900,
                    src=opts.src,
                )
    return {
        "hosts": n_hosts,
        "urls": len(urls),
        "concurrency": CONCURRENCY,
        "addressing": f"IP URLs {fleet.PROBE_NET}1..{n_hosts}, one port, no DNS for either tool",
        "rows": rows,
    }


def _probe_py(
    srv: fleet.ServerProcess,
    client: str,
    tool: str,
    method: str,
    url_file: Path,
    n: int,
    src: str | None,
    opts: Options,
) -> dict[str, Any]:
    srv.control("/reset")
    res = run_worker(
        "probe",
        {"urls": str(url_file), "method": method, "concurrency": CONCURRENCY, "client": client},
        timeout=900,
        src=src,
    )
    stats = srv.control("/stats")
    return {
        "tool": tool,
        "method": method,
        "requests": n,
        "ok": res["ok"],
        "wall_s": res["wall_s"],
        "rps": n / res["wall_s"],
        "cpu_ms_per_req": res["cpu_s"] / n * 1e3,
        "cpu_ms_per_req_with_startup": res["process"]["cpu_s"] / n * 1e3,
        "peak_rss_mb": res["process"]["maxrss_mb"],
        "connections": stats["connections"],
        "server_requests": stats["requests"],
        "statuses": res["statuses"],
    }


def _probe_lychee(
    srv: fleet.ServerProcess, lychee: str, method: str, url_file: Path, n: int, opts: Options
) -> dict[str, Any]:
    srv.control("/reset")
    report = opts.tmp / f"lychee-{method}.json"
    argv = [
        lychee,
        "--no-progress",
        "--max-concurrency",
        str(CONCURRENCY),
        "--host-concurrency",
        str(CONCURRENCY),
        "--host-request-interval",
        "0ms",
        "--cache=false",
        "--method",
        method.lower(),
        "--timeout",
        "20",
        "--format",
        "json",
        "--output",
        str(report),
        str(url_file),
    ]
    usage = run_measured(argv, timeout=900, stdout=opts.tmp / "lychee.out")
    stats = srv.control("/stats")
    ok = None
    with contextlib.suppress(Exception):
        ok = json.loads(report.read_text()).get("successful")
    return {
        "tool": "lychee",
        "method": method,
        "requests": n,
        "ok": ok,
        "wall_s": usage["wall_s"],
        "rps": n / usage["wall_s"],
        "cpu_ms_per_req": usage["cpu_s"] / n * 1e3,
        "cpu_ms_per_req_with_startup": usage["cpu_s"] / n * 1e3,
        "peak_rss_mb": usage["maxrss_mb"],
        "connections": stats["connections"],
        "server_requests": stats["requests"],
        "statuses": {"exit": usage["rc"]},
    }


def scenario_page(opts: Options) -> dict[str, Any]:
    sz = opts.sizes
    results = []
    with fleet.ServerProcess(portals=sz.page_portals, pages=sz.page_pages, max_seconds=1200) as srv:
        srcs = [("gkaudit", opts.src)]
        srcs += [(f"gkaudit+{label}", src) for label, src in opts.compare]
        for label, src in srcs:
            res = run_worker(
                "page",
                {
                    "port": srv.port,
                    "ns": srv.nameserver,
                    "portals": sz.page_portals,
                    "pages": sz.page_pages,
                    "complete": len(plan_variants(opts)) > 1,
                },
                timeout=900,
                src=src,
            )
            res["label"] = label
            results.append(res)
        if opts.profile:
            run_worker(
                "page",
                {
                    "port": srv.port,
                    "ns": srv.nameserver,
                    "portals": sz.page_portals,
                    "pages": sz.page_pages,
                    "complete": False,
                    "profile": str(opts.profile / "page.txt"),
                },
                timeout=900,
                src=opts.src,
            )
    return {"runs": results}


def scenario_scale(opts: Options) -> dict[str, Any]:
    """The scale curve: the same fleet audited at each size in `opts.scale_counts`, in one run,
    then the bytes one finished site leaves behind (`worker_retained`)."""
    sz = opts.sizes
    counts = sorted(opts.scale_counts or {10, 100, sz.scale_portals})
    rows = []
    with fleet.ServerProcess(
        portals=max(counts), pages=sz.scale_pages, latency=0.02, max_seconds=6000
    ) as srv:
        variants = plan_variants(opts)
        codes = [("", opts.src)] + [(f" [+{label}]", src) for label, src in opts.compare]
        if not opts.quick and not opts.compare:
            variants = variants[:1]  # the full-size run keeps to the default plan
        for name, complete in variants:
            for suffix, src in codes:
                # --quick: the completed plan at half the largest size only (100: 50 portals,
                # one wave of the engine's 50 sites in flight, so its peak holds as many)
                for count in [max(1, counts[-1] // 2)] if complete and opts.quick else counts:
                    srv.control("/reset")
                    res = run_worker(
                        "engine",
                        {
                            "port": srv.port,
                            "ns": srv.nameserver,
                            "portals": count,
                            "pages": sz.scale_pages,
                            "complete": complete,
                            "fetch": {},
                            "stream": str(opts.tmp / "scale.jsonl"),
                        },
                        timeout=5400,
                        src=src,
                    )
                    stats = srv.control("/stats")
                    rows.append(
                        {
                            "variant": name + suffix,
                            "complete": complete,
                            "sites": res["sites"],
                            "pages": srv.info["pages"],
                            "requests": stats["requests"],
                            "wall_s": res["wall_s"],
                            "cpu_s": res["cpu_s"],
                            "cpu_ms_per_site": res["cpu_s"] / res["sites"] * 1e3,
                            "cpu_ms_per_request": res["cpu_s"] / max(1, stats["requests"]) * 1e3,
                            "peak_rss_mb": res["peak_rss_mb"],
                            "rss_before_run_mb": res["rss_before_mb"],
                            "sites_per_s": res["sites"] / res["wall_s"],
                            "streamed_lines": res["streamed"],
                            "rss_peak_crawl_mb": res.get("rss_peak_crawl_mb"),
                            "rss_peak_report_mb": res.get("rss_peak_after_last_site_mb"),
                            "report_write_s": res["report_write_s"],
                            "summary": res["summary"],
                        }
                    )
    retained = []
    portals = 5 if opts.quick else 10
    # without latency: what a finished site retains does not depend on it, and its sites go
    # one at a time, each at its CPU's pace instead of 2 requests per 20 ms
    with fleet.ServerProcess(portals=portals, pages=sz.scale_pages, max_seconds=1800) as srv:
        for suffix, src in codes:
            srv.control("/reset")
            kept = run_worker(
                "retained",
                {"port": srv.port, "ns": srv.nameserver, "portals": portals,
                 "pages": sz.scale_pages},
                timeout=1800,
                src=src,
            )  # fmt: skip
            retained.append({"code": "gkaudit" + suffix, **kept})
    return {"latency_s": 0.02, "rows": rows, "retained": retained}


def scenario_executors(opts: Options) -> dict[str, Any]:
    """Local vs Dask (a two-worker LocalCluster on this machine), the same fleet, one run."""
    sz = opts.sizes
    count = opts.executor_portals or (40 if opts.quick else 1000)
    rows = []
    with fleet.ServerProcess(
        portals=count, pages=sz.scale_pages, latency=0.02, max_seconds=9000
    ) as srv:
        for kind in ("local", "dask"):
            srv.control("/reset")
            res = run_worker(
                "executor",
                {"port": srv.port, "ns": srv.nameserver, "portals": count,
                 "pages": sz.scale_pages, "kind": kind},
                timeout=8000,
                src=opts.src,
            )  # fmt: skip
            stats = srv.control("/stats")
            hosts = stats["hosts"].values()
            res.update(
                kind=kind,
                requests=stats["requests"],
                max_inflight_per_host=max((h["max_inflight"] for h in hosts), default=0),
            )
            rows.append(res)
    return {"latency_s": 0.02, "portals": count, "rows": rows}


def scenario_ceiling(opts: Options) -> dict[str, Any]:
    rows = []
    with fleet.ServerProcess(portals=4, pages=12, max_seconds=600) as srv:
        for method in ("GET", "HEAD"):
            srv.control("/reset")
            cpu0 = srv.cpu_s()
            res = run_worker(
                "tight",
                {"port": srv.port, "method": method, "seconds": opts.sizes.ceiling_seconds},
                timeout=120,
            )
            server_cpu = srv.cpu_s() - cpu0
            stats = srv.control("/stats")
            rows.append(
                {
                    "method": method,
                    "rps": res["rps"],
                    "requests": res["requests"],
                    "server_cpu_us_per_req": server_cpu / max(1, stats["requests"]) * 1e6,
                    "server_ceiling_rps_one_core": max(1, stats["requests"])
                    / max(server_cpu, 1e-9),
                    "body_bytes": 50_000 if method == "GET" else 0,
                }
            )
    return {"rows": rows}


SCENARIOS: dict[str, Callable[[Options], dict[str, Any]]] = {
    "ceiling": scenario_ceiling,
    "polite": scenario_polite,
    "probe": scenario_probe,
    "page": scenario_page,
    "scale": scenario_scale,
    "executors": scenario_executors,
}
#: Run only when named in --only: a full-size executors run takes as long as two scale runs.
ON_REQUEST = ("executors",)


# --------------------------------------------------------------------------------------------
# Workers (child side)


def _guard_loopback() -> None:
    """Refuse any connection, datagram or name lookup that is not aimed at loopback."""
    import ipaddress

    def loopback(host: object) -> bool:
        text = host.decode() if isinstance(host, bytes) else str(host)
        if text in ("", "localhost", "None"):
            return True
        try:
            return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
        except ValueError:
            return False

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in ("socket.connect", "socket.sendto"):
            address = args[1] if event == "socket.connect" else args[-1]
            if isinstance(address, tuple) and address and not loopback(address[0]):
                raise PermissionError(f"bench guard: {event} to {address!r}")
        elif event == "socket.getaddrinfo" and not loopback(args[0]):
            raise PermissionError(f"bench guard: name lookup of {args[0]!r}")

    sys.addaudithook(hook)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_now_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _plan(complete: bool) -> tuple[Any, Any, list[str]]:
    """The default plan; with `complete`, plus the rules of every other packaged plan
    (rules/*.yaml: gwjc-2019 beside dalian-2022) that it does not have, one rule per id."""
    try:
        from gkaudit.plans import default_plan_path, load_plan
    except ImportError:  # a gkaudit from before gkaudit.plans (--compare, --src)
        from gkaudit.config import default_plan_path, load_plan
    from gkaudit.plugins import Registry

    registry = Registry.load()
    plan = load_plan(None, registry)
    added: list[str] = []
    if complete:
        have = {rule.id for rule in plan.rules}
        extra = []
        default = default_plan_path()
        for path in sorted(default.parent.glob("*.yaml")):
            if path == default:
                continue
            for rule in load_plan(path, registry).rules:
                if rule.id not in have:
                    have.add(rule.id)
                    extra.append(rule)
                    added.append(rule.id)
        plan = plan.model_copy(update={"rules": (*plan.rules, *extra)})
    return plan, registry, added


def plan_variants(opts: Options) -> list[tuple[str, bool]]:
    """("default plan", False), and the completed plan when it adds something (asked once)."""
    if opts.plan_info is None:
        opts.plan_info = run_worker("plan", {}, timeout=120, src=opts.src)
    info = opts.plan_info
    variants = [(f"default plan ({len(info['rules'])} rules)", False)]
    if opts.complete and info["added"]:
        total = len(info["rules"]) + len(info["added"])
        variants.append((f"every packaged plan ({total} rules)", True))
    return variants


def worker_plan(a: dict[str, Any]) -> dict[str, Any]:
    plan, _, added = _plan(True)
    return {"rules": [r.id for r in plan.rules if r.id not in added], "added": added}


class _Profile:
    def __init__(self, path: str | None) -> None:
        self.path = path
        self.profiler: Any = None

    def __enter__(self) -> _Profile:
        if self.path:
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.0005, async_mode="disabled")
            self.profiler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.profiler is not None and self.path:
            self.profiler.stop()
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            tree = self.profiler.output_text(unicode=True, color=False, show_all=False)
            flat = _flat_profile(self.profiler.last_session.root_frame())
            Path(self.path).write_text(flat + "\n\n" + tree)


_IDLE = {"select", "poll", "epoll", "_run_once"}


def _flat_profile(root: Any, top: int = 30) -> str:
    """Self time by package and by function, from a pyinstrument frame tree (idle excluded)."""
    by_package: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    idle = 0.0
    stack = [root]
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        spent = frame.time - sum(child.time for child in frame.children)
        if spent <= 0:
            continue
        if frame.is_synthetic and frame.parent is not None:  # "[self]": its parent's own time
            frame = frame.parent
        path = frame.file_path or ""
        if frame.function in _IDLE and ("selectors" in path or "<built-in>" in path or not path):
            idle += spent
            continue
        package = "other"
        for marker in ("site-packages/", "/src/", "lib/python3.11/"):
            if marker in path:
                rest = path.split(marker, 1)[1]
                package = (
                    rest.split("/", 1)[0]
                    if marker != "lib/python3.11/"
                    else "stdlib:" + rest.split("/", 1)[0]
                )
                break
        if "<built-in>" in path or not path:
            package = "builtins"
        by_package[package.removesuffix(".py")] += spent
        by_function[f"{frame.function}  {frame.file_path_short}:{frame.line_no}"] += spent
    busy = sum(by_package.values())
    lines = [
        f"busy {busy:.3f} s sampled (idle in select/epoll {idle:.3f} s)",
        "",
        "self time by package:",
    ]
    lines += [f"  {t / busy:6.1%}  {t:7.3f} s  {name}" for name, t in by_package.most_common(top)]
    lines += ["", "self time by function:"]
    lines += [f"  {t / busy:6.1%}  {t:7.3f} s  {name}" for name, t in by_function.most_common(top)]
    return "\n".join(lines)


def _scan_kwargs(nameserver: str) -> dict[str, Any]:
    """ScanSettings for the fleet: its DNS server answers as resolver and as the portals'
    authoritative servers (the field exists from gkaudit 03cf9cf on)."""
    import dataclasses

    from gkaudit.engine import ScanSettings

    kwargs: dict[str, Any] = {"as_of": fleet.AS_OF, "nameservers": (nameserver,)}
    if "authoritative_port" in {f.name for f in dataclasses.fields(ScanSettings)}:
        kwargs["authoritative_port"] = int(nameserver.rsplit(":", 1)[1])
    return kwargs


def worker_engine(a: dict[str, Any]) -> dict[str, Any]:
    import asyncio

    from gkaudit.engine import Engine, ScanSettings
    from gkaudit.model import SiteReport
    from gkaudit.net.http import FetchSettings

    spec = fleet.Spec(portals=a["portals"], pages=a["pages"])
    sites = fleet.sites(spec, a["port"])
    plan, registry, _ = _plan(bool(a.get("complete")))
    fetch = FetchSettings(**a.get("fetch", {}))
    settings = ScanSettings(**_scan_kwargs(a["ns"]), fetch=fetch, **a.get("scan", {}))
    engine = Engine(plan, registry, settings)
    statuses: Counter[str] = Counter()
    streamed = 0
    rss_before = _rss_now_mb()
    sampler = _RssSampler()
    with open(a["stream"], "w", encoding="utf-8") as out:

        def on_site(report: SiteReport) -> None:
            nonlocal streamed
            out.write(report.model_dump_json())
            out.write("\n")
            streamed += 1
            sampler.done = streamed
            statuses.update(r.status.value for r in report.results)

        lags: list[float] = []

        async def main() -> Any:
            watcher = asyncio.ensure_future(_loop_lag(lags))
            try:
                return await engine.run(sites, on_site)
            finally:
                watcher.cancel()

        cpu0, t0, mono0 = time.process_time(), time.perf_counter(), time.monotonic()
        sampler.start()
        report = asyncio.run(main())
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        mono1 = time.monotonic()
        # and the report file as `gkaudit scan --json` writes it: the report phase's peak
        write_s, write_cpu_s = _write_report(report, Path(a["stream"]).with_suffix(".json"))
        sampler.stop()
    del report
    return {
        **sampler.summary(len(sites)),
        "sites": len(sites),
        "rules": len(plan.rules),
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": _peak_rss_mb(),
        "rss_before_mb": rss_before,
        "streamed": streamed,
        "report_write_s": write_s,
        "report_write_cpu_s": write_cpu_s,
        "summary": dict(statuses),
        "loop_lag_ms_max": max(lags, default=0.0) * 1e3,
        "loop_lag_ms_p99": _quantile(lags, 0.99) * 1e3,
        "loop_blocked_share": sum(lags) / wall if wall else 0.0,
        "run_monotonic": [mono0, mono1],
        "sites_in_flight": engine._sites_in_flight() if hasattr(engine, "_sites_in_flight") else 0,
        "settings": {
            "per_host": fetch.per_host,
            "interval": fetch.interval,
            # the global limit the run had (automatic from 2026-12-02 on: set by the engine)
            "concurrency": engine._fetch_settings().concurrency
            if hasattr(engine, "_fetch_settings")
            else fetch.concurrency,
        },
    }


def _write_report(report: Any, path: Path) -> tuple[float, float]:
    """Write `report` as `gkaudit scan --json PATH` does; its wall and CPU seconds."""
    from gkaudit.outputs import Outputs, write_text

    cpu0, t0 = time.process_time(), time.perf_counter()
    for _option, target, render in Outputs(json=path).items():
        write_text(target, render(report))
    return time.perf_counter() - t0, time.process_time() - cpu0


class _RssSampler(threading.Thread):
    """The process's RSS every 50 ms with the sites finished by then, to tell where the peak
    is: while sites are in flight, or after the last one (the report built)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.done = 0  # sites finished (set by on_site)
        self.samples: list[tuple[float, int]] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.05):
            self.samples.append((_rss_now_mb(), self.done))

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def summary(self, sites: int) -> dict[str, Any]:
        if not self.samples:
            return {}
        peak = max(rss for rss, _ in self.samples)
        crawling = [rss for rss, d in self.samples if d < sites]
        after = [rss for rss, d in self.samples if d >= sites]
        first = next(d for rss, d in self.samples if rss >= 0.98 * peak)
        # the RSS when each tenth of the fleet had finished
        curve = [
            max((rss for rss, d in self.samples if d <= sites * k // 10), default=0.0)
            for k in range(11)
        ]
        return {
            "rss_sampled_peak_mb": peak,
            "rss_98pct_of_peak_at_sites_done": first,
            "rss_by_tenth_done_mb": curve,
            "rss_peak_crawl_mb": max(crawling, default=None),
            "rss_peak_after_last_site_mb": max(after, default=None),
        }


async def _loop_lag(lags: list[float], period: float = 0.005) -> None:
    """How late a 5 ms sleep wakes up: the time the event loop spent on other callbacks."""
    import asyncio

    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        await asyncio.sleep(period)
        lags.append(max(0.0, loop.time() - started - period))


def _quantile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def worker_probe(a: dict[str, Any]) -> dict[str, Any]:
    import asyncio

    urls = Path(a["urls"]).read_text().split()
    method, concurrency, client = a["method"], int(a["concurrency"]), a["client"]
    # imports before the clock starts: only the probing is measured
    if client == "gkaudit":
        import gkaudit.net.http  # noqa: F401
    if client.startswith("httpx2"):
        import httpx2  # noqa: F401
    if client.endswith("aiohttp"):
        import aiohttp  # noqa: F401
    if client == "httpx2-aiohttp":
        import httpx_aiohttp.httpx2  # noqa: F401
    hosts = len({url.split("/", 3)[2] for url in urls})
    statuses: Counter[str] = Counter()

    async def drive(one: Callable[[str], Any]) -> None:
        it = iter(urls)

        async def worker() -> None:
            for url in it:
                statuses[str(await one(url))] += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    async def main() -> None:
        if client == "gkaudit":
            from gkaudit.model import Family
            from gkaudit.net.dns import Resolver
            from gkaudit.net.http import Fetcher, FetchSettings, Page

            # IP URLs: the resolver is never asked; a nameserver keeps it off resolv.conf
            fetcher = Fetcher(
                Resolver(("127.0.0.1:9",)),
                FetchSettings(concurrency=concurrency, per_host=concurrency, interval=0.0),
            )

            async def one(url: str) -> object:
                o = await fetcher.fetch(url, Family.IPV4, method=method, read_body=False)
                return o.status if isinstance(o, Page) else o.kind.value

            try:
                await drive(one)
            finally:
                await fetcher.aclose()
        elif client.startswith("httpx2"):
            import httpx2

            # Sized to the hosts in flight, the pool need not close one host's idle connection
            # to open another's; and httpx2 closes the connection of any response whose stream
            # was not read to its end (a HEAD's too), so these variants read it.
            size = concurrency if client == "httpx2" else hosts + concurrency
            limits = httpx2.Limits(max_connections=size, max_keepalive_connections=size)
            transport: httpx2.AsyncBaseTransport | None = None
            if client == "httpx2-aiohttp":
                import aiohttp
                from httpx_aiohttp.httpx2 import AiohttpTransport

                connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
                transport = AiohttpTransport(
                    client=aiohttp.ClientSession(connector=connector, trust_env=False)
                )
            async with httpx2.AsyncClient(
                limits=limits, trust_env=False, timeout=15, transport=transport
            ) as http:

                async def one_httpx(url: str) -> object:
                    async with http.stream(method, url) as response:
                        if client != "httpx2":
                            # a response left unread closes its connection, even a HEAD's
                            await response.aread()
                        return response.status_code

                await drive(one_httpx)
        else:
            import aiohttp

            connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
            async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:

                async def one_aiohttp(url: str) -> object:
                    async with session.request(method, url, allow_redirects=False) as response:
                        return response.status

                await drive(one_aiohttp)

    with _Profile(a.get("profile")):
        cpu0, t0 = time.process_time(), time.perf_counter()
        _run(main(), a.get("loop"))
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {
        "ok": statuses.get("200", 0),
        "statuses": dict(statuses),
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _run(coro: Any, loop: str | None) -> Any:
    import asyncio

    if loop == "uvloop":
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(coro)
    return asyncio.run(coro)


def worker_page(a: dict[str, Any]) -> dict[str, Any]:
    """Per-page CPU: (A) fetch, decode and parse of every page, one at a time; (B) the plan,
    site by site, CPU per GET page; (C) the same with the content rules added."""
    import asyncio

    from gkaudit.engine import Engine, ScanSettings
    from gkaudit.html import decode, parse
    from gkaudit.model import Family
    from gkaudit.net.dns import Resolver
    from gkaudit.net.http import Fetcher, FetchSettings, Page
    from gkaudit.site.context import SiteContext  # noqa: F401  (imported before timing)

    spec = fleet.Spec(portals=a["portals"], pages=a["pages"])
    pageset = fleet.build_pages(spec)
    sites = fleet.sites(spec, a["port"])
    settings = FetchSettings(interval=0.0)
    out: dict[str, Any] = {}

    async def stages() -> dict[str, list[float]]:
        fetcher = Fetcher(Resolver((a["ns"],)), settings)
        rows: dict[str, list[float]] = {"fetch": [], "decode": [], "parse": [], "total": []}
        sizes = []
        try:
            for i, site in enumerate(sites):
                origin = site.url.rstrip("/")
                await fetcher.resolver.addresses(spec.host(i), Family.IPV4)  # DNS not counted
                for path in pageset.paths:
                    c0 = time.process_time()
                    page = await fetcher.fetch(origin + path, Family.IPV4)
                    c1 = time.process_time()
                    assert isinstance(page, Page), page
                    assert page.ok, page
                    # what SiteContext.document does: decode and parse in one call (a UTF-8
                    # page is not decoded at all); decode alone is timed apart, for the record
                    parse(page.body, page.final_url, page.content_type or None)
                    c2 = time.process_time()
                    decode(page.body, page.content_type or None)
                    c3 = time.process_time()
                    rows["fetch"].append(c1 - c0)
                    rows["decode"].append(c3 - c2)
                    rows["parse"].append(c2 - c1)
                    rows["total"].append(c2 - c0)
                    sizes.append(len(page.body))
        finally:
            await fetcher.aclose()
        out["page_bytes_median"] = statistics.median(sizes)
        return rows

    async def plan_per_site(complete: bool) -> dict[str, Any]:
        plan, registry, _ = _plan(complete)
        engine = Engine(
            plan,
            registry,
            ScanSettings(**_scan_kwargs(a["ns"]), fetch=settings),
        )
        try:  # the engine's own: its resolver asks the fleet's name server on its port
            from gkaudit.engine import make_fetcher

            fetcher = make_fetcher(engine.settings, settings)
        except ImportError:  # an older checkout (--compare)
            fetcher = Fetcher(Resolver((a["ns"],)), settings)
        counts = Counter[str]()
        original = fetcher.fetch

        async def counting(url: str, family: Any = Family.IPV4, **kw: Any) -> Any:
            outcome = await original(url, family, **kw)
            if kw.get("method", "GET") == "GET" and kw.get("read_body", True):
                counts["pages"] += 1
            counts["requests"] += 1
            return outcome

        fetcher.fetch = counting  # type: ignore[method-assign]
        per_page, per_request, pages, requests = [], [], [], []
        # Engine.run's per-site step, one site at a time (its signature follows the engine's)
        extra: list[Any] = []
        if "robots" in inspect.signature(engine._scan_site).parameters:
            from gkaudit.net.robots import Robots

            extra.append(Robots(fetcher, settings.user_agent))
        if "probes" in inspect.signature(engine._scan_site).parameters:
            from gkaudit.site.probes import Probes

            extra.append(Probes(fetcher))  # one run's probes, shared by its sites as in a run
        if "memos" in inspect.signature(engine._scan_site).parameters:
            from gkaudit.site.memo import PageMemos

            extra.append(PageMemos(sites))  # each fleet portal is alone in its domain
        try:
            # warm-up, not counted: the Public Suffix List loads on the first site
            await engine._scan_site(sites[0], fetcher, *extra)
            for site in sites:
                counts.clear()
                c0 = time.process_time()
                await engine._scan_site(site, fetcher, *extra)
                cpu = time.process_time() - c0
                per_page.append(cpu / max(1, counts["pages"]))
                per_request.append(cpu / max(1, counts["requests"]))
                pages.append(counts["pages"])
                requests.append(counts["requests"])
        finally:
            await fetcher.aclose()
        return {
            "rules": len(plan.rules),
            "cpu_ms_per_page_median": statistics.median(per_page) * 1e3,
            "cpu_ms_per_request_median": statistics.median(per_request) * 1e3,
            "pages_per_site_median": statistics.median(pages),
            "requests_per_site_median": statistics.median(requests),
        }

    async def main() -> None:
        rows = await stages()
        out["stages_ms_median"] = {k: statistics.median(v) * 1e3 for k, v in rows.items()}
        out["stages_ms_p90"] = {k: statistics.quantiles(v, n=10)[-1] * 1e3 for k, v in rows.items()}
        out["pages"] = len(rows["total"])
        out["plan"] = await plan_per_site(False)
        if a.get("complete"):
            out["plan_complete"] = await plan_per_site(True)

    try:  # the collector as Engine.run sets it for a scan
        from gkaudit.engine import _quiet_collector as collector
    except ImportError:  # an older checkout (--compare): its engine did not tune it
        collector = contextlib.nullcontext
    with _Profile(a.get("profile")), collector():
        asyncio.run(main())
    return out


def worker_tight(a: dict[str, Any]) -> dict[str, Any]:
    loop = fleet.new_loop()
    try:
        return loop.run_until_complete(
            fleet.tight_loop(
                a["port"], fleet.Spec().host(0), "/", a["method"], 50, a["seconds"], 5_000_000
            )
        )
    finally:
        loop.close()


def worker_retained(a: dict[str, Any]) -> dict[str, Any]:
    """The bytes one site leaves behind once it is finished: the fleet audited one site at a
    time under tracemalloc, the traced memory read (after a full collection) as each site
    ends; the growth between two ends is what a finished site retains (its SiteReport, and
    its share of the run-wide memos: DNS answers, probes). No interval between requests to a
    host, and a server without latency (`scenario_scale`): memory does not depend on them, and
    a site then takes its CPU time instead of 50 ms a request."""
    import asyncio
    import gc
    import tracemalloc

    from gkaudit.engine import Engine, ScanSettings
    from gkaudit.model import SiteReport
    from gkaudit.net.http import FetchSettings

    spec = fleet.Spec(portals=a["portals"], pages=a["pages"])
    sites = fleet.sites(spec, a["port"])
    plan, registry, _ = _plan(False)
    settings = ScanSettings(
        **_scan_kwargs(a["ns"]), fetch=FetchSettings(interval=0), sites_in_flight=1
    )
    engine = Engine(plan, registry, settings)
    marks: list[tuple[int, int]] = []

    peaks: list[int] = []

    def on_site(report: SiteReport) -> None:
        gc.collect()
        now, peak = tracemalloc.get_traced_memory()
        marks.append((now, len(report.model_dump_json())))
        peaks.append(peak - (marks[-2][0] if len(marks) > 1 else 0))
        tracemalloc.reset_peak()

    tracemalloc.start()
    asyncio.run(engine.run(sites, on_site))
    tracemalloc.stop()
    # from the second site's end on: the first pays for the run's one-off state
    growth = [later[0] - earlier[0] for earlier, later in itertools.pairwise(marks[1:])]
    return {
        "sites": len(sites),
        "retained_bytes_per_site_median": statistics.median(growth) if growth else None,
        "retained_bytes_per_site": growth,
        # a site's own peak: the most it held while in flight, over what the run held before
        "in_flight_peak_bytes_per_site_median": statistics.median(peaks[1:]) if peaks else None,
        "report_json_bytes_median": statistics.median(j for _, j in marks),
    }


def worker_executor(a: dict[str, Any]) -> dict[str, Any]:
    """One scan through an executor's Python API (the driver, politeness groups, one report):
    `local` (one engine) or `dask` (a LocalCluster of two worker processes started here)."""
    import asyncio

    from gkaudit.engine import ScanSettings
    from gkaudit.executors import Job
    from gkaudit.executors.driver import Driver
    from gkaudit.executors.groups import politeness_groups
    from gkaudit.executors.local import LocalExecutor
    from gkaudit.model import SiteReport

    spec = fleet.Spec(portals=a["portals"], pages=a["pages"])
    sites = fleet.sites(spec, a["port"])
    plan, _, _ = _plan(False)
    job = Job(plan, ScanSettings(**_scan_kwargs(a["ns"])))
    executor: Any = LocalExecutor()
    if a["kind"] == "dask":
        from gkaudit.executors.dask import DaskExecutor

        executor = DaskExecutor(workers=2)
    groups = politeness_groups(sites)
    statuses: Counter[str] = Counter()

    def on_site(report: SiteReport) -> None:
        statuses.update(r.status.value for r in report.results)

    cpu0, t0 = time.process_time(), time.perf_counter()
    report = asyncio.run(Driver(executor, job, groups).run(sites, on_site))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the Dask processes, reaped
    return {
        "sites": len(report.sites),
        "groups": len(groups),
        "wall_s": wall,
        "driver_cpu_s": cpu,
        "workers_cpu_s": children.ru_utime + children.ru_stime,
        "peak_rss_mb": _peak_rss_mb(),
        "workers_peak_rss_mb": children.ru_maxrss / 1024,
        "summary": dict(statuses),
    }


WORKERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "retained": worker_retained,
    "executor": worker_executor,
    "engine": worker_engine,
    "plan": worker_plan,
    "probe": worker_probe,
    "page": worker_page,
    "tight": worker_tight,
}


# --------------------------------------------------------------------------------------------
# Output


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[k]) for r in cells)]) for k, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(out)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return "-"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.3f}"
    return str(value)


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if "model name" in line), "")
    lychee = _lychee()
    version = ""
    if lychee:
        with contextlib.suppress(Exception):
            version = subprocess.run(
                [lychee, "--version"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
    loadavg = os.getloadavg()
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "lychee": version,
        "loadavg_at_start": [round(x, 2) for x in loadavg],
    }


def report(results: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The printed tables and the JSON figures."""
    parts: list[str] = []
    figures: dict[str, Any] = {}
    m = results["machine"]
    parts.append(
        f"machine: {m['nproc']} cores, {m['cpu']}, Python {m['python']}, {m['lychee']}; "
        f"load average at start {m['loadavg_at_start']}; mode {results['mode']}"
    )
    if "ceiling" in results:
        rows = results["ceiling"]["rows"]
        parts.append("\n0. Fleet server ceiling (tight raw client, 50 keep-alive connections)")
        parts.append(
            _table(
                ["method", "req/s (client-bound)", "server CPU us/req", "server ceiling/core"],
                [
                    [
                        r["method"],
                        r["rps"],
                        r["server_cpu_us_per_req"],
                        r["server_ceiling_rps_one_core"],
                    ]
                    for r in rows
                ],
            )
        )
        for r in rows:
            figures[f"server_ceiling_rps_{r['method'].lower()}"] = r["server_ceiling_rps_one_core"]
    if "polite" in results:
        res = results["polite"]
        parts.append(
            f"\n1. Polite audit ({res['rows'][0]['sites']} portals, latency "
            f"{res['latency_s'] * 1e3:.0f} ms, default FetchSettings)"
        )
        parts.append(
            _table(
                [
                    "variant",
                    "rules",
                    "requests",
                    "max/host",
                    "in-flight/host",
                    "min gap ms",
                    "gaps <45 ms",
                    "loop lag max ms",
                    "client CPU s",
                    "wall s",
                    "ideal s",
                    "wall/ideal",
                    "binding constraint",
                ],
                [
                    [
                        r["variant"],
                        r["rules"],
                        r["requests"],
                        r["max_requests_per_host"],
                        r["max_inflight_per_host"],
                        r["min_gap_ms"],
                        r["gaps_under_interval"],
                        r["loop_lag_ms_max"],
                        r["cpu_s"],
                        r["wall_s"],
                        r["ideal_s"],
                        r["wall_over_ideal"],
                        r["binding"],
                    ]
                    for r in res["rows"]
                ],
            )
        )
        spent = [r for r in res["rows"] if r.get("time_spent")]
        if spent:
            parts.append(
                "   Where the wall time goes (seconds of wall time; slots = sites in flight; "
                "least = the hosts' spans at their per-host limit, back to back):"
            )
            keys = ["sites_in_flight", "hosts_least_s", "hosts_overrun_s", "host_slots_busy",
                    "idle_between_s", "idle_after_s", "first_request_s",
                    "after_last_response_s"]  # fmt: skip
            headers = ["variant", "slots", "least", "hosts' overrun", "(host slots busy)",
                       "idle slots between sites", "idle slots after last start",
                       "(first request)", "(after last response)", "wall"]  # fmt: skip
            rows = [[r["variant"], *(r["time_spent"][k] for k in keys), r["wall_s"]] for r in spent]
            parts.append(_table(headers, rows))
        plain = [r for r in res["rows"] if "[+" not in r["variant"]]
        for key, row in zip(("polite", "polite_complete"), plain, strict=False):
            figures[f"{key}_wall_s"] = row["wall_s"]
            figures[f"{key}_ideal_s"] = row["ideal_s"]
            figures[f"{key}_wall_over_ideal"] = row["wall_over_ideal"]
            figures[f"{key}_requests"] = row["requests"]
            figures[f"{key}_min_gap_ms"] = row["min_gap_ms"]
    if "probe" in results:
        res = results["probe"]
        rows = res["rows"]
        lychee = {r["method"]: r for r in rows if r["tool"] == "lychee"}
        parts.append(
            f"\n2. Probe throughput ({res['urls']:,} probes, {res['hosts']} hosts, concurrency "
            f"{res['concurrency']}, politeness off; {res['addressing']})"
        )
        table = []
        for r in rows:
            ref = lychee.get(r["method"])
            ratio = r["cpu_ms_per_req"] / ref["cpu_ms_per_req"] if ref else math.nan
            table.append(
                [
                    r["tool"],
                    r["method"],
                    f"{r['ok']}/{r['requests']}",
                    r["rps"],
                    r["cpu_ms_per_req"],
                    ratio,
                    r["peak_rss_mb"],
                    r["connections"],
                ]
            )
        parts.append(
            _table(
                [
                    "client",
                    "method",
                    "ok",
                    "req/s",
                    "CPU ms/req",
                    "CPU vs lychee",
                    "peak RSS MB",
                    "TCP connections",
                ],
                table,
            )
        )
        for method in ("HEAD", "GET"):
            gk = next((r for r in rows if r["tool"] == "gkaudit" and r["method"] == method), None)
            ly = lychee.get(method)
            low = method.lower()
            if gk:
                figures[f"probe_cpu_ms_gkaudit_{low}"] = gk["cpu_ms_per_req"]
                figures[f"probe_rps_gkaudit_{low}"] = gk["rps"]
            if ly:
                figures[f"probe_cpu_ms_lychee_{low}"] = ly["cpu_ms_per_req"]
                figures[f"probe_rps_lychee_{low}"] = ly["rps"]
            if gk and ly:
                figures[f"probe_cpu_ratio_{low}"] = gk["cpu_ms_per_req"] / ly["cpu_ms_per_req"]
        # the headline: HEAD, the prober's first request (GET only where HEAD is refused)
        figures["probe_cpu_ms_gkaudit"] = figures.get("probe_cpu_ms_gkaudit_head")
        figures["probe_cpu_ms_lychee"] = figures.get("probe_cpu_ms_lychee_head")
    if "page" in results:
        runs = results["page"]["runs"]
        parts.append(
            f"\n3. Page cost (CPU ms, median over {runs[0]['pages']} pages of "
            f"{runs[0]['page_bytes_median'] / 1000:.0f} KB, one request at a time; "
            "DNS answered before)"
        )
        parts.append(
            _table(
                [
                    "code",
                    "fetch",
                    "decode+parse",
                    "(p90)",
                    "fetch+decode+parse",
                    "(p90)",
                    "decode alone",
                ],
                [
                    [
                        run["label"],
                        run["stages_ms_median"]["fetch"],
                        run["stages_ms_median"]["parse"],
                        run["stages_ms_p90"]["parse"],
                        run["stages_ms_median"]["total"],
                        run["stages_ms_p90"]["total"],
                        run["stages_ms_median"]["decode"],
                    ]
                    for run in runs
                ],
            )
        )
        parts.append(
            "   The plan, site by site (process CPU of the whole site: DNS, fetches, probes, "
            "decode, parse, checks), median over sites:"
        )
        table = []
        for run in runs:
            for key, name in (("plan", "default plan"), ("plan_complete", "every packaged plan")):
                if key in run:
                    p = run[key]
                    table.append(
                        [
                            run["label"],
                            f"{name} ({p['rules']} rules)",
                            p["pages_per_site_median"],
                            p["requests_per_site_median"],
                            p["cpu_ms_per_page_median"],
                            p["cpu_ms_per_request_median"],
                        ]
                    )
        parts.append(
            _table(
                [
                    "code",
                    "plan",
                    "GET pages/site",
                    "requests/site",
                    "CPU ms per GET page",
                    "CPU ms per request",
                ],
                table,
            )
        )
        figures["page_cpu_ms"] = runs[0]["plan"]["cpu_ms_per_page_median"]
        figures["page_cpu_ms_per_request"] = runs[0]["plan"]["cpu_ms_per_request_median"]
        figures["page_fetch_decode_parse_ms"] = runs[0]["stages_ms_median"]["total"]
        figures["page_fetch_ms"] = runs[0]["stages_ms_median"]["fetch"]
        figures["page_parse_ms"] = runs[0]["stages_ms_median"]["parse"]
        figures["page_parse_ms_p90"] = runs[0]["stages_ms_p90"]["parse"]
        figures["page_fetch_decode_parse_ms_p90"] = runs[0]["stages_ms_p90"]["total"]
        if "plan_complete" in runs[0]:
            figures["page_cpu_ms_complete"] = runs[0]["plan_complete"]["cpu_ms_per_page_median"]
    if "scale" in results:
        res = results["scale"]
        parts.append(
            f"\n4. Scale (latency {res['latency_s'] * 1e3:.0f} ms, default FetchSettings, "
            "each SiteReport streamed to a JSONL file by on_site, then the report written "
            "as --json does; crawl/report peak: the RSS sampled before/after the last site)"
        )
        headers = [
            "variant", "portals", "pages/portal", "requests", "wall s", "CPU s",
            "CPU ms/site", "CPU ms/req", "sites/s", "RSS before MB", "peak RSS MB",
            "crawl peak MB", "report peak MB", "write s",
        ]  # fmt: skip
        keys = [
            "variant", "sites", "pages", "requests", "wall_s", "cpu_s", "cpu_ms_per_site",
            "cpu_ms_per_request", "sites_per_s", "rss_before_run_mb", "peak_rss_mb",
            "rss_peak_crawl_mb", "rss_peak_report_mb", "report_write_s",
        ]  # fmt: skip
        parts.append(_table(headers, [[r.get(k) for k in keys] for r in res["rows"]]))
        plain = [r for r in res["rows"] if not r.get("complete")] or res["rows"]
        largest = max(plain, key=lambda r: r["sites"])
        figures[f"peak_rss_mb_{largest['sites']}_portals"] = largest["peak_rss_mb"]
        figures["peak_rss_mb_1000_portals"] = (
            largest["peak_rss_mb"] if largest["sites"] == 1000 else None
        )
        figures["scale_wall_s"] = largest["wall_s"]
        for row in plain:
            figures[f"scale_cpu_ms_per_site_{row['sites']}"] = row["cpu_ms_per_site"]
        complete = [r for r in res["rows"] if r.get("complete")]
        if complete:
            figures["peak_rss_mb_complete"] = complete[-1]["peak_rss_mb"]
            figures["scale_complete_wall_s"] = complete[-1]["wall_s"]
        for kept in res.get("retained", []):
            if kept["code"] == "gkaudit":
                figures["retained_bytes_per_site"] = kept["retained_bytes_per_site_median"]
            parts.append(
                f"   Retained by a finished site, {kept['code']} ({kept['sites']} sites one at "
                f"a time, tracemalloc): median {_fmt(kept['retained_bytes_per_site_median'])} "
                f"bytes (its SiteReport as JSON: {_fmt(kept['report_json_bytes_median'])} bytes); "
                f"held at its peak in flight: "
                f"{_fmt(kept.get('in_flight_peak_bytes_per_site_median'))} bytes"
            )
    if "executors" in results:
        res = results["executors"]
        parts.append(
            f"\n5. Executors ({res['portals']} portals, latency {res['latency_s'] * 1e3:.0f} ms, "
            "default settings; dask: LocalCluster of 2 worker processes x 2 threads)"
        )
        headers = [
            "executor", "groups", "sites", "requests", "wall s", "driver CPU s",
            "workers CPU s", "peak RSS MB", "workers peak RSS MB", "in-flight/host",
        ]  # fmt: skip
        keys = [
            "kind", "groups", "sites", "requests", "wall_s", "driver_cpu_s", "workers_cpu_s",
            "peak_rss_mb", "workers_peak_rss_mb", "max_inflight_per_host",
        ]  # fmt: skip
        parts.append(_table(headers, [[r.get(k) for k in keys] for r in res["rows"]]))
        by_kind = {r["kind"]: r for r in res["rows"]}
        if {"local", "dask"} <= by_kind.keys():
            figures["executors_wall_dask_over_local"] = (
                by_kind["dask"]["wall_s"] / by_kind["local"]["wall_s"]
            )
    parts.append("\nTargets (issue 7), each a ratio or figure from this run")
    targets: list[list[object]] = []

    def target(name: str, value: float | None, limit: float, unit: str = "") -> None:
        if value is None:
            return
        met = "yes" if value <= limit else "NO"
        targets.append([name, f"{_fmt(value)}{unit}", f"<= {_fmt(limit)}{unit}", met])

    target("polite wall / ideal", figures.get("polite_wall_over_ideal"), 1.15)
    target(
        "polite wall / ideal, + content rules",
        figures.get("polite_complete_wall_over_ideal"),
        1.15,
    )
    target("probe CPU/req vs lychee, HEAD", figures.get("probe_cpu_ratio_head"), 3.0, "x")
    target("probe CPU/req vs lychee, GET", figures.get("probe_cpu_ratio_get"), 3.0, "x")
    target("page: CPU per GET page, every plan", figures.get("page_cpu_ms_complete"), 3.0, " ms")
    target("page: fetch+decode+parse", figures.get("page_fetch_decode_parse_ms"), 2.0, " ms")
    target("page: fetch+decode+parse, p90", figures.get("page_fetch_decode_parse_ms_p90"), 2.0,
           " ms")  # fmt: skip
    target("page: decode+parse", figures.get("page_parse_ms"), 1.0, " ms")
    if "scale" in results:
        rows = results["scale"]["rows"]
        for row in rows:  # each variant's largest fleet
            if row["sites"] == max(r["sites"] for r in rows if r["variant"] == row["variant"]):
                target(f"peak RSS, {row['sites']} portals, {row['variant']}", row["peak_rss_mb"],
                       300.0, " MB")  # fmt: skip
    parts.append(_table(["target", "measured", "target", "met"], targets))
    return "\n".join(parts), figures


# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="gkaudit benchmarks (see bench/README.md)")
    parser.add_argument("--quick", action="store_true", help="smaller scenarios (< 3 minutes)")
    parser.add_argument("--json", type=Path, help="write the figures and all rows here")
    parser.add_argument("--only", help="comma-separated: " + ",".join(SCENARIOS))
    parser.add_argument("--profile", type=Path, help="write pyinstrument profiles here")
    parser.add_argument("--src", help="import gkaudit from this src/ (default: installed)")
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="LABEL=SRC",
        help="also run polite, probe and page with gkaudit imported from SRC (repeatable)",
    )
    parser.add_argument(
        "--no-complete",
        action="store_true",
        help="skip the rows with every packaged plan's rules added to the default plan",
    )
    parser.add_argument(
        "--scale-portals",
        help="comma-separated fleet sizes of the scale curve (default: 10,100,1000; quick 10,100)",
    )
    parser.add_argument(
        "--executor-portals", type=int, default=0, help="fleet of the executors scenario"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--args", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        _guard_loopback()
        result = WORKERS[args.worker](json.loads(args.args or "{}"))
        print(json.dumps(result), flush=True)
        return 0

    names = [n for n in SCENARIOS if n not in ON_REQUEST] if not args.only else args.only.split(",")
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    started = time.perf_counter()
    failed: dict[str, str] = {}
    results: dict[str, Any] = {
        "machine": machine(),
        "mode": "quick" if args.quick else "full",
    }
    with tempfile.TemporaryDirectory(prefix="gkbench-") as tmp:
        opts = Options(
            sizes=QUICK if args.quick else FULL,
            quick=args.quick,
            profile=args.profile,
            src=args.src,
            compare=[tuple(c.split("=", 1)) for c in args.compare],  # type: ignore[misc]
            complete=not args.no_complete,
            tmp=Path(tmp),
            scale_counts=tuple(int(n) for n in (args.scale_portals or "").split(",") if n),
            executor_portals=args.executor_portals,
        )
        # SIGTERM ends the run like a failure: what finished is still printed and written
        signal.signal(signal.SIGTERM, _terminated)
        try:
            for name in names:
                t0 = time.perf_counter()
                print(f"[{name}] running...", file=sys.stderr, flush=True)
                try:
                    results[name] = SCENARIOS[name](opts)
                except Exception as exc:  # one failed scenario must not lose the others'
                    failed[name] = f"{type(exc).__name__}: {exc}"
                    print(f"[{name}] FAILED: {failed[name]}", file=sys.stderr, flush=True)
                    continue
                print(f"[{name}] {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
                _write_json(args.json, results)  # so far
        except _Terminated:
            failed["run"] = "terminated (SIGTERM)"
    results["elapsed_s"] = time.perf_counter() - started
    results["failed"] = failed
    text, _ = report(results)
    print(text)
    for name, why in failed.items():
        print(f"\nscenario {name} FAILED: {why}")
    print(f"\n(total {results['elapsed_s']:.0f} s)")
    _write_json(args.json, results)
    return 1 if failed else 0


class _Terminated(Exception):
    pass


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated


def _write_json(path: Path | None, results: dict[str, Any]) -> None:
    if path is None:
        return
    try:
        _, figures = report(results)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**figures, "results": results}, indent=1, default=str))
    except Exception as exc:  # the JSON must never cost the run
        print(f"cannot write {path}: {type(exc).__name__}: {exc}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
