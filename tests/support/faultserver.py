"""A misbehaving HTTP server for tests: what real portals do on a bad day, one path each.

Raw sockets in threads on 127.0.0.1 and [::1] (one port for both), so it can send what no web
framework would: resets mid-body, a byte a second, endless bodies, malformed status lines.
Each request is counted per path, so tests can check retries.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable

HTML = "<html><head><title>{title}</title></head><body><p>{body}</p></body></html>"
Handler = Callable[["FaultServer", socket.socket, str, dict[str, str]], None]


def _response(status: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _html(title: str, body: str = "ok", charset: str = "utf-8") -> bytes:
    return HTML.format(title=title, body=body).encode(charset)


def _reset(conn: socket.socket) -> None:
    # SO_LINGER 0: close() sends RST instead of FIN, as a crashing server or a firewall does
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


class FaultServer:
    """`with FaultServer() as s: s.url("/slow-drip")`; paths are the keys of `routes`."""

    def __init__(self, drip_interval: float = 1.0) -> None:
        self.drip_interval = drip_interval
        self.hits: Counter[str] = Counter()
        self.user_agents: list[str] = []
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self.port = 0
        self.routes: dict[str, Handler] = {
            "/ok": lambda s, c, p, h: c.sendall(
                _response("200 OK", _html("正常页面"), {"Content-Type": "text/html; charset=utf-8"})
            ),
            "/not-found": lambda s, c, p, h: c.sendall(_response("404 Not Found", b"no")),
            "/reset": lambda s, c, p, h: _reset(c),
            # no Content-Type at all, as TRS pages often come (a browser sniffs them as HTML)
            "/untyped-trs": lambda s, c, p, h: c.sendall(
                _response("200 OK", b"<!-- TRS WCM -->\r\n" + _html("TRS页面"))
            ),
            "/untyped-pdf": lambda s, c, p, h: c.sendall(_response("200 OK", b"%PDF-1.7 ...")),
            # a firewall that resets every HEAD but answers GET
            "/head-reset": lambda s, c, p, h: (
                _reset(c)
                if h[":method"] == "HEAD"
                else c.sendall(
                    _response("200 OK", _html("正常页面"), {"Content-Type": "text/html"})
                )
            ),
            "/reset-mid-body": FaultServer._reset_mid_body,
            "/slow-drip": FaultServer._slow_drip,
            "/silent": FaultServer._silent,
            "/endless": FaultServer._endless,
            "/loop-a": lambda s, c, p, h: c.sendall(
                _response("302 Found", b"", {"Location": "/loop-b"})
            ),
            "/loop-b": lambda s, c, p, h: c.sendall(
                _response("302 Found", b"", {"Location": "/loop-a"})
            ),
            "/to-ftp": lambda s, c, p, h: c.sendall(
                _response("301 Moved", b"", {"Location": "ftp://example.invalid/"})
            ),
            "/429-once": FaultServer._rate_limited_once,
            "/429-long": lambda s, c, p, h: c.sendall(
                _response("429 Too Many Requests", b"", {"Retry-After": "3600"})
            ),
            "/503-always": lambda s, c, p, h: c.sendall(_response("503 Service Unavailable", b"")),
            "/503-once": FaultServer._unavailable_once,
            "/ua-403": FaultServer._blocks_unknown_agents,
            "/malformed": lambda s, c, p, h: c.sendall(b"HTTP/1.1 two hundred\r\nbroken\r\n\r\n"),
            "/garbage": lambda s, c, p, h: c.sendall(b"\x00\xff\xfe garbage, not HTTP\r\n\r\n"),
            "/invalid-utf8": lambda s, c, p, h: c.sendall(
                _response(
                    "200 OK",
                    b"<title>\xff\xfe\xe4\xb8</title>\xc3\x28",
                    {"Content-Type": "text/html; charset=utf-8"},
                )
            ),
            "/mixed-encoding": lambda s, c, p, h: c.sendall(
                _response(
                    "200 OK",
                    "<meta charset=gbk><title>西岗区</title>".encode("gb18030")
                    + "<p>混合 UTF-8</p>".encode(),
                    {"Content-Type": "text/html"},
                )
            ),
            "/pdf": lambda s, c, p, h: c.sendall(
                _response("200 OK", b"%PDF-1.4\n", {"Content-Type": "application/pdf"})
            ),
        }

    # --- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> FaultServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        v4 = socket.create_server(("127.0.0.1", 0))
        self.port = v4.getsockname()[1]
        v6 = socket.create_server(("::1", self.port), family=socket.AF_INET6)
        self._sockets = [v4, v6]
        for listener in self._sockets:
            listener.settimeout(0.2)
            threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        for listener in self._sockets:
            listener.close()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{'[' + host + ']' if ':' in host else host}:{self.port}{path}"

    # --- serving ------------------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            conn.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            path = head[0].split(" ")[1] if len(head[0].split(" ")) > 1 else "/"
            headers = {
                k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])
            }
            headers[":method"] = head[0].split(" ")[0]  # as HTTP/2 names it
            self.hits[path] += 1
            self.user_agents.append(headers.get("user-agent", ""))
            handler = self.routes.get(path)
            if handler is None:
                conn.sendall(_response("404 Not Found", b""))
            else:
                handler(self, conn, path, headers)
            conn.close()

    def _reset_mid_body(self, conn: socket.socket, path: str, headers: dict[str, str]) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: text/html\r\n\r\n"
        )
        conn.sendall(b"<html><title>partial</title>" + b"x" * 2000)
        time.sleep(0.05)
        _reset(conn)

    def _slow_drip(self, conn: socket.socket, path: str, headers: dict[str, str]) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/html\r\n\r\n")
        for _ in range(1000):
            if self._stop.wait(self.drip_interval):
                return
            conn.sendall(b"x")

    def _silent(self, conn: socket.socket, path: str, headers: dict[str, str]) -> None:
        self._stop.wait(60)

    def _endless(self, conn: socket.socket, path: str, headers: dict[str, str]) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n"
        )
        chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
        while not self._stop.is_set():
            conn.sendall(chunk)

    def _rate_limited_once(self, conn: socket.socket, path: str, headers: dict[str, str]) -> None:
        if self.hits[path] == 1:
            conn.sendall(_response("429 Too Many Requests", b"", {"Retry-After": "1"}))
        else:
            conn.sendall(_response("200 OK", _html("终于"), {"Content-Type": "text/html"}))

    def _unavailable_once(self, conn: socket.socket, path: str, headers: dict[str, str]) -> None:
        if self.hits[path] == 1:
            conn.sendall(_response("503 Service Unavailable", b""))
        else:
            conn.sendall(_response("200 OK", _html("恢复"), {"Content-Type": "text/html"}))

    def _blocks_unknown_agents(
        self, conn: socket.socket, path: str, headers: dict[str, str]
    ) -> None:
        if "Mozilla" in headers.get("user-agent", ""):
            conn.sendall(_response("200 OK", _html("欢迎"), {"Content-Type": "text/html"}))
        else:
            conn.sendall(_response("403 Forbidden", b"forbidden"))
