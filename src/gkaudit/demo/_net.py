"""Loopback plumbing shared by the demo servers.

Both servers listen on 127.0.0.1 and ::1 with one port number, so that a name with an A and an
AAAA record reaches the same server over either family, as it does on a real dual-stack host.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import socketserver
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

LOOPBACK_V4 = "127.0.0.1"
LOOPBACK_V6 = "::1"

# Collisions need another program to grab the port between two of our binds: rare, so a few
# attempts are plenty; a persistent failure is something else and is raised.
_ATTEMPTS = 20
# serve_forever() notices shutdown() only between polls; stop() shuts all servers down at once,
# so this is about how long stop() takes.
_POLL_SECONDS = 0.05

Request = socket.socket | tuple[bytes, socket.socket]


class _Loopback:
    """Binding rules common to our TCP and UDP servers."""

    socket: socket.socket
    address_family: int

    def _bind(self) -> None:
        if self.address_family == socket.AF_INET6:
            # ::1 is v6-only anyway; being explicit keeps a v4 bind of the same port independent
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)


class TcpServer(_Loopback, socketserver.ThreadingTCPServer):
    """A threaded TCP server on one loopback family that can cut its open connections.

    `http.server.HTTPServer` is avoided on purpose: its `server_bind` calls `socket.getfqdn`,
    which asks the machine's resolver.
    """

    daemon_threads = True
    # server_close() must not wait for handlers: one may be sleeping in a slow response
    block_on_close = False
    allow_reuse_address = False

    def __init__(
        self,
        family: int,
        port: int,
        handler: type[socketserver.BaseRequestHandler],
        owner: Any,
    ) -> None:
        self.address_family = family
        self.owner = owner
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        host = LOOPBACK_V6 if family == socket.AF_INET6 else LOOPBACK_V4
        super().__init__((host, port), handler)

    def server_bind(self) -> None:
        self._bind()
        super().server_bind()

    def process_request(self, request: Request, client_address: Any) -> None:
        if isinstance(request, socket.socket):
            with self._lock:
                self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Request) -> None:
        if isinstance(request, socket.socket):
            with self._lock:
                self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Request, client_address: Any) -> None:
        # clients giving up (a timeout, a reset) is business as usual for a server that is slow
        # or breaks connections on purpose; anything else is a bug and keeps its traceback
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def cut_connections(self) -> None:
        """Shut every open connection, waking handlers blocked on an idle keep-alive read."""
        with self._lock:
            open_now = list(self._open)
        for conn in open_now:
            with contextlib.suppress(OSError):  # already closed by its handler
                conn.shutdown(socket.SHUT_RDWR)


class UdpServer(_Loopback, socketserver.UDPServer):
    """A UDP server on one loopback family; datagrams are answered in turn (answers are fast)."""

    allow_reuse_address = False  # on Linux it would let two UDP sockets share a port

    def __init__(
        self,
        family: int,
        port: int,
        handler: type[socketserver.BaseRequestHandler],
        owner: Any,
    ) -> None:
        self.address_family = family
        self.owner = owner
        host = LOOPBACK_V6 if family == socket.AF_INET6 else LOOPBACK_V4
        super().__init__((host, port), handler)

    def server_bind(self) -> None:
        self._bind()
        super().server_bind()


def bind_same_port(
    factories: Sequence[Callable[[int], socketserver.TCPServer]], port: int = 0
) -> list[socketserver.TCPServer]:
    """Create servers sharing one port number.

    The first factory gets `port` (0: the OS picks a free one), the others get the port it
    obtained; if one of them finds it taken, everything is closed and tried again.
    """
    failure: OSError | None = None
    for _ in range(_ATTEMPTS if port == 0 else 1):
        servers: list[socketserver.TCPServer] = []
        try:
            chosen = port
            for make in factories:
                server = make(chosen)
                servers.append(server)
                chosen = int(server.socket.getsockname()[1])
            return servers
        except OSError as exc:
            for server in servers:
                server.server_close()
            if exc.errno != errno.EADDRINUSE:
                raise
            failure = exc
    assert failure is not None
    raise failure


def reserve_port() -> tuple[int, list[socket.socket]]:
    """A port number on both loopback addresses where connections are refused.

    The sockets are bound but never listen: the port stays ours (no other program can start
    listening there while the demo runs) and a connect gets RST, i.e. "connection refused".
    """
    failure: OSError | None = None
    for _ in range(_ATTEMPTS):
        v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        v4.bind((LOOPBACK_V4, 0))
        port = int(v4.getsockname()[1])
        v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        try:
            v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            v6.bind((LOOPBACK_V6, port))
        except OSError as exc:
            v4.close()
            v6.close()
            if exc.errno != errno.EADDRINUSE:
                raise
            failure = exc
            continue
        return port, [v4, v6]
    assert failure is not None
    raise failure


class Listeners:
    """Servers run in daemon threads, started and stopped together."""

    def __init__(self, servers: Sequence[socketserver.TCPServer], name: str) -> None:
        self.servers = list(servers)
        self._name = name
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for server in self.servers:
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": _POLL_SECONDS},
                name=f"{self._name}-{server.socket.getsockname()[0]}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        # shutdown() blocks until its loop notices; doing them all at once makes stop() cost
        # one poll interval instead of one per server
        if self._threads:
            stoppers = [threading.Thread(target=s.shutdown, daemon=True) for s in self.servers]
            for stopper in stoppers:
                stopper.start()
            for stopper in stoppers:
                stopper.join()
            for thread in self._threads:
                thread.join()
            self._threads = []
        for server in self.servers:
            server.server_close()
            if isinstance(server, TcpServer):
                server.cut_connections()
