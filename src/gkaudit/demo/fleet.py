"""The demo fleet: the DNS and HTTP servers, loaded with the portals of `gkaudit.demo.portals`."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TextIO

from gkaudit.demo._net import reserve_port
from gkaudit.demo.dns import DnsServer
from gkaudit.demo.expected import EXPECTED, PORTALS
from gkaudit.demo.http import HttpServer
from gkaudit.demo.portals import FleetData, build
from gkaudit.demo.spec import PortalSpec
from gkaudit.model import Site, Status

__all__ = ["DemoFleet", "serve_forever"]

# Suggested to the user: the slow portal must be slower than the scan, and 2 s keeps the scan short
SCAN_TIMEOUT = 2


class DemoFleet:
    """A dozen fictional portals served from 127.0.0.1 and ::1, with their own DNS server.

    Synchronous: the servers run in daemon threads, independent of any event loop.

        with DemoFleet(dt.date(2026, 11, 29), slow_seconds=5) as fleet:
            fleet.nameserver        # "127.0.0.1:PORT": give it to `gkaudit scan --nameserver`
            fleet.sites             # the portals, with URLs on the fleet's port
            fleet.expected          # (site id, rule id) -> the status the portal is built to get
    """

    def __init__(self, as_of: dt.date, *, slow_seconds: float = 30.0) -> None:
        self.as_of = as_of
        self.slow_seconds = slow_seconds
        self.portals: tuple[PortalSpec, ...] = PORTALS
        self.expected: dict[tuple[str, str], Status] = dict(EXPECTED)
        self._dns: DnsServer | None = None
        self._http: HttpServer | None = None
        self._reserved: list[socket.socket] = []
        self._data: FleetData | None = None

    def start(self) -> None:
        if self._data is not None:
            return
        try:
            refused_port, self._reserved = reserve_port()
            # the pages carry the port in their absolute links, so it is chosen before they are made
            self._http = HttpServer(slow_seconds=self.slow_seconds).start()
            data = build(self.as_of, http_port=self._http.port, refused_port=refused_port)
            self._http.hosts = data.hosts
            self._dns = DnsServer(data.records, faults=data.faults).start()
        except BaseException:
            self.stop()
            raise
        self._data = data

    def stop(self) -> None:
        for server in (self._dns, self._http):
            if server is not None:
                server.stop()
        for sock in self._reserved:
            sock.close()
        self._dns = self._http = self._data = None
        self._reserved = []

    def __enter__(self) -> DemoFleet:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- what users of the fleet need -------------------------------------------------------

    @property
    def dns(self) -> DnsServer:
        """The DNS server, for fault injection and its query log."""
        if self._dns is None:
            raise RuntimeError("the demo fleet is not started")
        return self._dns

    @property
    def http(self) -> HttpServer:
        if self._http is None:
            raise RuntimeError("the demo fleet is not started")
        return self._http

    @property
    def nameserver(self) -> str:
        """``127.0.0.1:PORT``; the server answers on ``[::1]:PORT`` too."""
        return self.dns.address

    @property
    def http_port(self) -> int:
        return self.http.port

    @property
    def sites(self) -> list[Site]:
        if self._data is None:
            raise RuntimeError("the demo fleet is not started")
        return list(self._data.sites)

    def sites_yaml(self) -> str:
        """A sites.yaml for the running fleet."""
        lines = [
            f"# gkaudit demo fleet, as of {self.as_of.isoformat()}: fictional portals on loopback.",
            f"# Their names resolve only through the fleet's DNS: --nameserver {self.nameserver}",
            "sites:",
        ]
        for site in self.sites:
            lines += [
                f"  - id: {site.id}",
                f"    name: {_quoted(site.name)}",
                f"    url: {_quoted(site.url)}",
                f"    kind: {site.kind.value}",
            ]
            if site.tags:
                lines.append(f"    tags: [{', '.join(site.tags)}]")
            hints = site.hints.model_dump(exclude_none=True)
            if hints:
                lines.append("    hints:")
                lines += [f"      {name}: {_quoted(url)}" for name, url in hints.items()]
        return "\n".join(lines) + "\n"

    def describe(self, sites_file: Path | None = None) -> str:
        """What `serve_forever` prints: addresses, portals, and the scan command."""
        port = self.dns.port
        zones = sorted(name for name, rr in self._records().items() if "SOA" in rr)
        lines = [
            f"gkaudit demo fleet, as of {self.as_of.isoformat()}: {len(self.sites)} portals "
            "of 港康市 (fictional) on loopback",
            f"  DNS   127.0.0.1:{port} and [::1]:{port}, UDP and TCP; zones: {', '.join(zones)}",
            f"  HTTP  127.0.0.1:{self.http_port} and [::1]:{self.http_port}",
        ]
        if sites_file is not None:
            lines.append(f"  sites {sites_file}")
        lines.append("")
        width = max(len(spec.id) for spec in self.portals)
        for spec, site in zip(self.portals, self.sites, strict=True):
            lines.append(f"  {spec.id:<{width}}  {site.url}")
            lines.append(f"  {'':<{width}}  {spec.shows}")
        if sites_file is not None:
            lines += [
                "",
                "Scan it:",
                f"  gkaudit scan {sites_file} --nameserver {self.nameserver} "
                f"--ns-port {self.dns.port} --as-of {self.as_of.isoformat()} "
                f"--timeout {SCAN_TIMEOUT}",
            ]
        return "\n".join(lines)

    def _records(self) -> dict[str, dict[str, list[str]]]:
        if self._data is None:
            raise RuntimeError("the demo fleet is not started")
        return self._data.records


@contextlib.contextmanager
def _stop_on_sigterm(stop: threading.Event) -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C, so `kill` also cleans up (only the main thread may do this)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _quoted(text: str) -> str:
    # a JSON string is a valid YAML double-quoted scalar
    return json.dumps(text, ensure_ascii=False)


def serve_forever(
    as_of: dt.date,
    *,
    slow_seconds: float = 30.0,
    stop: threading.Event | None = None,
    out: TextIO | None = None,
) -> None:
    """Run the fleet until Ctrl-C (or until `stop` is set), after printing how to scan it.

    The sites file lives in a temporary directory removed on exit: it names ports that die with
    the fleet.
    """
    out = out or sys.stdout
    stop = stop or threading.Event()
    try:
        with (
            _stop_on_sigterm(stop),
            DemoFleet(as_of, slow_seconds=slow_seconds) as fleet,
            tempfile.TemporaryDirectory(prefix="gkaudit-demo-") as tmp,
        ):
            sites_file = Path(tmp) / "sites.yaml"
            sites_file.write_text(fleet.sites_yaml(), encoding="utf-8")
            print(fleet.describe(sites_file), file=out)
            print("\nServing until Ctrl-C.", file=out, flush=True)
            while not stop.wait(0.5):
                pass
    except KeyboardInterrupt:
        pass  # the with-block has already stopped the fleet and removed the sites file
    print("The demo fleet has stopped.", file=out, flush=True)
