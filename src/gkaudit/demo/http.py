"""A virtual-host HTTP server on 127.0.0.1 and [::1] (one port), with per-family misbehaviour.

Hosts are chosen by the Host header (port stripped), as a shared government-cloud server does.
Each host has pages (path -> precomputed response; the query string is ignored), searches (path ->
a function of the query string: a site search's results page) and, per address family, a
`Behaviour`:

- `SERVE`: the pages, 404 for unknown paths;
- `RESET`: read the request, then close the connection with an RST and no response, as a broken
  IPv6 path through a load balancer does ("AAAA present but IPv6 broken");
- `PLACEHOLDER`: a different small page ("IPv6 测试页") at the home paths and 404 elsewhere, as
  a portal that put a test page on its IPv6 address and forgot it;
- `SLOW`: sleep `slow_seconds` before answering (cut short, without a response, by `stop()`).

Responses are bytes ready to send, so the handler does no work per request beyond a dict lookup.
A relative redirect target is made absolute with the Host the client sent, so it keeps the port.
"""

from __future__ import annotations

import contextlib
import http
import io
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import cast
from urllib.parse import urlsplit

from gkaudit.demo._net import Listeners, TcpServer, bind_same_port, reserve_port
from gkaudit.model import Family

__all__ = [
    "Behaviour",
    "HttpServer",
    "InFlight",
    "Requests",
    "Response",
    "VirtualHost",
    "placeholder_pages",
]

SERVER_NAME = "gkaudit-demo"
_IDLE_SECONDS = 30.0  # an idle keep-alive connection is dropped after this


class Behaviour(StrEnum):
    """What a host does for requests arriving over one address family."""

    SERVE = "serve"
    RESET = "reset"
    PLACEHOLDER = "placeholder"
    SLOW = "slow"


@dataclass(frozen=True)
class Response:
    """One precomputed HTTP response: status, body, content type, optional Location."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None
    _head: bytes = field(init=False, repr=False, compare=False, default=b"")

    def __post_init__(self) -> None:
        phrase = http.HTTPStatus(self.status).phrase
        lines = [
            f"HTTP/1.1 {self.status} {phrase}",
            f"Server: {SERVER_NAME}",
            f"Content-Type: {self.content_type}",
            f"Content-Length: {len(self.body)}",
        ]
        object.__setattr__(self, "_head", ("\r\n".join(lines) + "\r\n").encode("latin-1"))

    @classmethod
    def html(
        cls, text: str, *, status: int = 200, encoding: str = "utf-8", charset: str | None = "utf-8"
    ) -> Response:
        """An HTML page encoded with `encoding`, declared as `charset` in Content-Type (None:
        no charset in the header, so only the page's own `<meta>` tells)."""
        content_type = "text/html" if charset is None else f"text/html; charset={charset}"
        return cls(status=status, body=text.encode(encoding), content_type=content_type)

    @classmethod
    def redirect(cls, location: str, status: int = 301) -> Response:
        """A redirect; a `location` starting with "/" is sent as an absolute URL on the Host
        the client asked for."""
        phrase = http.HTTPStatus(status).phrase
        body = f'<html><body><a href="{location}">{phrase}</a></body></html>'
        return cls(status=status, body=body.encode(), location=location)

    def wire(self, host_header: str, *, body: bool, close: bool) -> bytes:
        head = self._head
        if self.location is not None:
            location = self.location
            if location.startswith("/") and not location.startswith("//") and host_header:
                location = f"http://{host_header}{location}"
            head += f"Location: {location}\r\n".encode("latin-1")
        if close:
            head += b"Connection: close\r\n"
        return head + b"\r\n" + (self.body if body else b"")


NOT_FOUND = Response.html(
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head>'
    "<body><h1>404</h1><p>您访问的页面不存在或已被删除。</p></body></html>",
    status=404,
)


def placeholder_pages() -> dict[str, Response]:
    """The IPv6 test page some portals serve on their AAAA address instead of the site."""
    page = Response.html(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>IPv6 测试页</title></head>'
        "<body><h1>IPv6 测试页</h1><p>本页面用于IPv6访问测试。</p></body></html>"
    )
    return {"/": page, "/index.html": page}


@dataclass(frozen=True)
class VirtualHost:
    """One host name's pages, its searches and its behaviour over each address family."""

    pages: Mapping[str, Response]
    searches: Mapping[str, Callable[[str], Response]] = field(default_factory=dict)
    ipv4: Behaviour = Behaviour.SERVE
    ipv6: Behaviour = Behaviour.SERVE
    placeholder: Mapping[str, Response] = field(default_factory=placeholder_pages)

    def behaviour(self, family: Family) -> Behaviour:
        return self.ipv6 if family is Family.IPV6 else self.ipv4


class InFlight:
    """Requests being answered per host, counted at the server: the peak is what politeness
    across processes is judged by (a client can only count its own requests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now: dict[str, int] = {}
        self.peak: dict[str, int] = {}

    @contextlib.contextmanager
    def request(self, host: str) -> Iterator[None]:
        with self._lock:
            now = self._now[host] = self._now.get(host, 0) + 1
            self.peak[host] = max(self.peak.get(host, 0), now)
        try:
            yield
        finally:
            with self._lock:
                self._now[host] -= 1

    def reset(self, *, settle: float = 15.0) -> None:
        """Forget the peaks, once the requests of earlier clients (a slow answer that a client
        gave up on) are done, or `settle` seconds have passed."""
        deadline = time.monotonic() + settle
        while any(self._now.values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        with self._lock:
            self.peak.clear()


class Requests:
    """Requests answered, counted at the server by (host, path, method, family), the path with
    its query string if any (two queries are two URLs): what tests of "one request per URL"
    count (a client can only count what it meant to send)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[tuple[str, str, str, Family]] = Counter()

    def add(self, host: str, path: str, method: str, family: Family) -> None:
        with self._lock:
            self.counts[(host, path, method, family)] += 1

    def of(self, host: str, path: str, family: Family) -> dict[str, int]:
        """Method -> requests for one URL over one family."""
        with self._lock:
            return {
                m: n for (h, p, m, f), n in self.counts.items() if (h, p, f) == (host, path, family)
            }

    def clear(self) -> None:
        with self._lock:
            self.counts.clear()


class HttpServer:
    """The virtual-host server; `hosts` may be replaced while it runs (it is read per request).
    `latency` delays every answer (so that requests overlap, for `in_flight` to see)."""

    def __init__(
        self,
        hosts: Mapping[str, VirtualHost] | None = None,
        *,
        slow_seconds: float = 30.0,
        listen_ipv6: bool = True,
    ) -> None:
        self.hosts: Mapping[str, VirtualHost] = {k.lower(): v for k, v in (hosts or {}).items()}
        self.slow_seconds = slow_seconds
        #: False: the port on ::1 is held without listening, so every IPv6 connect is refused
        #: (a portal whose AAAA address runs no web server).
        self.listen_ipv6 = listen_ipv6
        self.stopping = threading.Event()
        self.latency = 0.0
        self.in_flight = InFlight()
        self.requests = Requests()
        self._listeners: Listeners | None = None
        self._held: list[socket.socket] = []
        self._port = 0

    def start(self) -> HttpServer:
        """Listen on 127.0.0.1 and ::1 on one free port; returns self."""
        if self._listeners is not None:
            return self
        self.stopping.clear()
        if self.listen_ipv6:
            servers = bind_same_port(
                [
                    lambda port: TcpServer(socket.AF_INET, port, _Handler, self),
                    lambda port: TcpServer(socket.AF_INET6, port, _Handler, self),
                ]
            )
        else:
            port, held = reserve_port()
            held[0].close()  # give the IPv4 side back to listen on; ::1 stays held
            self._held = held[1:]
            servers = bind_same_port(
                [lambda p: TcpServer(socket.AF_INET, p, _Handler, self)], port=port
            )
        self._port = int(servers[0].socket.getsockname()[1])
        self._listeners = Listeners(servers, "demo-http")
        self._listeners.start()
        return self

    def stop(self) -> None:
        """Stop at once: slow responses are abandoned, open connections cut."""
        self.stopping.set()
        if self._listeners is not None:
            self._listeners.stop()
            self._listeners = None
        for sock in self._held:
            sock.close()
        self._held = []

    def __enter__(self) -> HttpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("the HTTP server is not started")
        return self._port


def host_name(host_header: str) -> str:
    """The host of a Host header: port and final dot removed, lower case."""
    host = host_header.strip().lower()
    if host.startswith("["):  # an IPv6 literal: never one of our virtual hosts
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the scanner's connection pool expects
    timeout = _IDLE_SECONDS

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, *, body: bool) -> None:
        listener = cast(TcpServer, self.server)
        owner: HttpServer = listener.owner
        host_header = self.headers.get("Host", "")
        vhost = owner.hosts.get(host_name(host_header))
        if vhost is None:
            self._send(NOT_FOUND, host_header, body=body)
            return
        # counted until the answer is chosen, not while it is written: the client may send its
        # next request as soon as it has read this one
        with owner.in_flight.request(host_name(host_header)):
            if owner.latency and owner.stopping.wait(owner.latency):
                response = None
            else:
                response = self._answer(owner, vhost)
        if response is None:
            self._reset()
        else:
            self._send(response, host_header, body=body)

    def _answer(self, owner: HttpServer, vhost: VirtualHost) -> Response | None:
        """The response to send, or None to reset the connection."""
        listener = cast(TcpServer, self.server)
        family = Family.IPV6 if listener.address_family == socket.AF_INET6 else Family.IPV4
        behaviour = vhost.behaviour(family)
        if behaviour is Behaviour.RESET:
            return None
        if behaviour is Behaviour.SLOW and owner.stopping.wait(owner.slow_seconds):
            return None  # the fleet is stopping: no answer, and no thread left behind
        pages = vhost.placeholder if behaviour is Behaviour.PLACEHOLDER else vhost.pages
        url = urlsplit(self.path)
        path = url.path or "/"
        target = f"{path}?{url.query}" if url.query else path
        owner.requests.add(host_name(self.headers.get("Host", "")), target, self.command, family)
        search = None if pages is vhost.placeholder else vhost.searches.get(path)
        return search(url.query) if search is not None else pages.get(path, NOT_FOUND)

    def _send(self, response: Response, host_header: str, *, body: bool) -> None:
        self.wfile.write(response.wire(host_header, body=body, close=self.close_connection))

    def _reset(self) -> None:
        # SO_LINGER 0 makes close() send RST, not FIN; the file objects hold references to the
        # socket, so they are closed first for the close to happen now
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.wfile.close()
        self.connection.close()
        self.wfile = io.BytesIO()  # the base class flushes it after this method returns

    def version_string(self) -> str:
        return SERVER_NAME

    def log_message(self, format: str, *args: object) -> None:
        pass  # a demo server stays quiet: the scan report is the output that matters
