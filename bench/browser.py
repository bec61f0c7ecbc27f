"""The headless browser's cost per rendered page, and the Playwright-or-Selenium choice.

Serves a script-built list page on 127.0.0.1 (an empty `<ul>` that a script fills from a JSON
API, as Vue/jQuery portals do) and renders it, in one process each:

- `gkaudit`: `gkaudit.net.browser.Browser`, Playwright driving /usr/bin/chromium with every
  request routed through gkaudit's Fetcher (the path a scan takes);
- `playwright`: Playwright alone, the browser fetching by itself (what routing costs);
- `selenium`: Selenium with /usr/bin/chromedriver (no request routing is possible there).

For each: launch time, the first render, the median of the next renders (ms), and memory: the
proportional set size (PSS) of the whole browser process tree (Chromium's processes plus the
driver, not this Python process) idle after launch and at its peak while rendering (MB),
sampled every 20 ms. gkaudit opens a fresh browser context per render (its own cookie jar);
the others render in one tab, so their steady render is cheaper.

    python bench/browser.py             # 20 renders each
    python bench/browser.py --renders 5 --only gkaudit
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ITEMS = [
    {
        "url": f"/zqsk/202611/t202611{d:02d}_{i}.html",
        "title": f"助企纾困政策措施第{i}号",
        "date": f"2026-11-{d:02d}",
    }
    for i, d in zip(range(1, 21), range(30, 10, -1), strict=True)
]
PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>助企纾困_大连市中山区人民政府</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></div>
<div class="column"><h2>助企纾困</h2><ul class="list" id="list"></ul></div>
<script>
fetch('/api/list.json').then(function (r) { return r.json(); }).then(function (rows) {
  var ul = document.getElementById('list');
  rows.forEach(function (row) {
    var li = document.createElement('li');
    li.innerHTML = '<a href="' + row.url + '">' + row.title + '</a><span>' + row.date + '</span>';
    ul.appendChild(li);
  });
});
</script></body></html>""".encode()
DATA = json.dumps(ITEMS, ensure_ascii=False).encode()
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body, kind = (
            (DATA, "application/json")
            if self.path.startswith("/api/")
            else (PAGE, "text/html; charset=utf-8")
        )
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:  # no getfqdn(): nothing asks the machine's resolver
        self.socket.bind(self.server_address)
        self.server_name, self.server_port = "127.0.0.1", self.socket.getsockname()[1]


def _tree_rss_mb(root: int) -> float:
    """Memory of `root`'s descendants (not `root` itself), in MB: the proportional set size
    (shared pages split between the processes sharing them), so that Chromium's many
    processes are not counted once for each process mapping the same libraries."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class _Sampler:
    """The peak of the browser tree's RSS, sampled in a thread."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _tree_rss_mb(os.getpid()))

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _row(
    name: str, launch: float, times: list[float], idle: float, peak: float, items: int
) -> dict[str, object]:
    return {
        "client": name,
        "launch_ms": round(launch * 1000),
        "first_ms": round(times[0] * 1000),
        "render_ms_median": round(statistics.median(times[1:] or times) * 1000),
        "idle_mb": round(idle),
        "peak_mb": round(peak),
        "items_seen": items,
    }


async def _gkaudit(url: str, renders: int) -> dict[str, object]:
    from gkaudit.model import Family
    from gkaudit.net.browser import Browser
    from gkaudit.net.dns import Resolver
    from gkaudit.net.http import Fetcher, FetchSettings, Page

    fetcher = Fetcher(Resolver(["127.0.0.1"]), FetchSettings(interval=0, retries=0))
    browser = Browser(fetcher, allow_private=True)  # the bench page is on loopback
    times: list[float] = []
    items = 0
    with _Sampler() as sampler:
        started = time.perf_counter()
        await browser._started()  # launch measured apart from the first render
        launch = time.perf_counter() - started
        idle = _tree_rss_mb(os.getpid())
        for _ in range(renders):
            t = time.perf_counter()
            page = await browser.render(url, Family.IPV4, lambda: True)
            times.append(time.perf_counter() - t)
            assert isinstance(page, Page), page
            items = page.body.count(b"<li>")
        await browser.aclose()
    await fetcher.aclose()
    return _row("gkaudit (Playwright, routed)", launch, times, idle, sampler.peak, items)


async def _playwright(url: str, renders: int) -> dict[str, object]:
    from playwright.async_api import async_playwright

    times: list[float] = []
    items = 0
    with _Sampler() as sampler:
        started = time.perf_counter()
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            launch = time.perf_counter() - started
            idle = _tree_rss_mb(os.getpid())
            for _ in range(renders):
                t = time.perf_counter()
                context = await browser.new_context()
                page = await context.new_page()
                await page.goto(url, wait_until="load")
                await page.wait_for_function("document.querySelectorAll('#list li').length > 0")
                items = (await page.content()).count("<li>")
                await context.close()
                times.append(time.perf_counter() - t)
            await browser.close()
    return _row("Playwright alone", launch, times, idle, sampler.peak, items)


def _selenium(url: str, renders: int) -> dict[str, object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    times: list[float] = []
    items = 0
    with _Sampler() as sampler:
        started = time.perf_counter()
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        launch = time.perf_counter() - started
        idle = _tree_rss_mb(os.getpid())
        for _ in range(renders):
            t = time.perf_counter()
            driver.get(url)
            WebDriverWait(driver, 10).until(
                lambda d: d.execute_script("return document.querySelectorAll('#list li').length")
            )
            items = driver.page_source.count("<li>")
            times.append(time.perf_counter() - t)
        driver.quit()
    return _row("Selenium + chromedriver", launch, times, idle, sampler.peak, items)


CLIENTS: dict[str, Callable[[str, int], object]] = {
    "gkaudit": lambda url, n: asyncio.run(_gkaudit(url, n)),
    "playwright": lambda url, n: asyncio.run(_playwright(url, n)),
    "selenium": _selenium,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--only", default="gkaudit,playwright,selenium")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # one client in a fresh process, so memory and start-up are its own
        print(json.dumps(CLIENTS[args.worker](args.url, args.renders)))
        return
    server = _Server(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/zqsk/"
    import subprocess

    rows = []
    for name in args.only.split(","):
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                name,
                "--url",
                url,
                "--renders",
                str(args.renders),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode:
            print(f"{name}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    server.shutdown()
    keys = [
        "client",
        "launch_ms",
        "first_ms",
        "render_ms_median",
        "idle_mb",
        "peak_mb",
        "items_seen",
    ]
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(str(row[k]) for k in keys))


if __name__ == "__main__":
    socket.setdefaulttimeout(30)
    main()
