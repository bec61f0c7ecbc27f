"""The demo HTTP server: virtual hosts on both loopback families, and its misbehaviours."""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from gkaudit.demo.http import Behaviour, HttpServer, Response, VirtualHost, host_name

SLOW = 0.5
GBK_TEXT = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    "<title>副区长王镕调研</title></head><body>西岭区</body></html>"
)
PAGES = {
    "/": Response.redirect("/index.html"),
    "/index.html": Response.html("<html><title>甲区首页</title></html>"),
    "/found": Response.redirect("http://www.b.gov.cn/elsewhere", 302),
    "/gbk.html": Response.html(GBK_TEXT, encoding="gb18030", charset="gb2312"),
    "/meta-only.html": Response.html('<meta charset="utf-8"><title>只有meta</title>', charset=None),
}
HOSTS = {
    "www.a.gov.cn": VirtualHost(PAGES),
    "www.b.gov.cn": VirtualHost({"/": Response.html("<title>乙区</title>")}, ipv6=Behaviour.RESET),
    "www.c.gov.cn": VirtualHost(
        {"/": Response.html("<title>丙区</title>"), "/a.html": Response.html("a")},
        ipv6=Behaviour.PLACEHOLDER,
    ),
    "slow.a.gov.cn": VirtualHost(
        {"/": Response.html("<title>慢</title>")}, ipv4=Behaviour.SLOW, ipv6=Behaviour.SLOW
    ),
}
FAMILIES = ("127.0.0.1", "::1")


@pytest.fixture(scope="module")
def server() -> Iterator[HttpServer]:
    with HttpServer(HOSTS, slow_seconds=SLOW) as running:
        yield running


def get(
    server: HttpServer, address: str, host: str, path: str = "/", method: str = "GET"
) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection(address, server.port, timeout=5)
    try:
        conn.request(method, path, headers={"Host": host})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("address", FAMILIES)
def test_hosts_are_chosen_by_the_host_header(server: HttpServer, address: str) -> None:
    response, body = get(server, address, f"www.a.gov.cn:{server.port}", "/index.html")
    assert response.status == 200
    assert "甲区首页" in body.decode()
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.getheader("Content-Length") == str(len(body))
    _, body = get(server, address, "WWW.A.GOV.CN.", "/index.html")  # case and final dot
    assert "甲区首页" in body.decode()


@pytest.mark.parametrize("address", FAMILIES)
def test_unknown_paths_and_hosts_are_404(server: HttpServer, address: str) -> None:
    assert get(server, address, "www.a.gov.cn", "/nowhere.html")[0].status == 404
    assert get(server, address, "www.unknown.gov.cn", "/")[0].status == 404
    assert get(server, address, f"[::1]:{server.port}", "/")[0].status == 404


def test_the_query_string_is_ignored(server: HttpServer) -> None:
    assert get(server, "127.0.0.1", "www.a.gov.cn", "/index.html?xxgkhide=1")[0].status == 200


@pytest.mark.parametrize("address", FAMILIES)
def test_head_sends_the_headers_of_get_without_a_body(server: HttpServer, address: str) -> None:
    _, got_body = get(server, address, "www.a.gov.cn", "/index.html")
    head, head_body = get(server, address, "www.a.gov.cn", "/index.html", method="HEAD")
    assert head.status == 200 and head_body == b""
    assert head.getheader("Content-Length") == str(len(got_body))


@pytest.mark.parametrize("address", FAMILIES)
def test_redirects_keep_the_host_and_port_asked_for(server: HttpServer, address: str) -> None:
    response, _ = get(server, address, f"www.a.gov.cn:{server.port}", "/")
    assert response.status == 301
    assert response.getheader("Location") == f"http://www.a.gov.cn:{server.port}/index.html"
    response, _ = get(server, address, "www.a.gov.cn", "/found")
    assert response.status == 302
    assert response.getheader("Location") == "http://www.b.gov.cn/elsewhere"


def test_gbk_bytes_go_out_as_they_are_with_the_declared_charset(server: HttpServer) -> None:
    response, body = get(server, "127.0.0.1", "www.a.gov.cn", "/gbk.html")
    assert response.getheader("Content-Type") == "text/html; charset=gb2312"
    assert body == GBK_TEXT.encode("gb18030")
    assert "王镕" in body.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")  # 镕 is outside GB2312: a strict gb2312 decoder fails
    response, _ = get(server, "127.0.0.1", "www.a.gov.cn", "/meta-only.html")
    assert response.getheader("Content-Type") == "text/html"


def test_reset_over_ipv6_only(server: HttpServer) -> None:
    assert get(server, "127.0.0.1", "www.b.gov.cn")[0].status == 200
    with pytest.raises(ConnectionResetError):  # RemoteDisconnected is one too
        get(server, "::1", "www.b.gov.cn")


def test_placeholder_over_ipv6_only(server: HttpServer) -> None:
    _, v4 = get(server, "127.0.0.1", "www.c.gov.cn")
    response, v6 = get(server, "::1", "www.c.gov.cn")
    assert "丙区" in v4.decode()
    assert response.status == 200 and "<title>IPv6 测试页</title>" in v6.decode()
    assert get(server, "::1", "www.c.gov.cn", "/index.html")[0].status == 200
    assert get(server, "::1", "www.c.gov.cn", "/a.html")[0].status == 404
    assert get(server, "127.0.0.1", "www.c.gov.cn", "/a.html")[0].status == 200


@pytest.mark.parametrize("address", FAMILIES)
def test_slow_hosts_do_not_hold_up_the_others(server: HttpServer, address: str) -> None:
    slow_took: list[float] = []

    def fetch_slow() -> None:
        started = time.monotonic()
        response, _ = get(server, address, "slow.a.gov.cn")
        assert response.status == 200
        slow_took.append(time.monotonic() - started)

    thread = threading.Thread(target=fetch_slow)
    thread.start()
    time.sleep(0.05)
    started = time.monotonic()
    assert get(server, address, "www.a.gov.cn", "/index.html")[0].status == 200
    assert time.monotonic() - started < SLOW / 2
    thread.join(5)
    assert slow_took and slow_took[0] >= SLOW


def test_keep_alive_serves_several_requests_on_one_connection(server: HttpServer) -> None:
    conn = http.client.HTTPConnection("::1", server.port, timeout=5)
    try:
        for path in ("/index.html", "/gbk.html", "/nowhere"):
            conn.request("GET", path, headers={"Host": "www.a.gov.cn"})
            response = conn.getresponse()
            response.read()
            assert response.getheader("Connection") is None
        peer = conn.sock.getpeername() if conn.sock else None
        assert peer is not None and peer[1] == server.port
    finally:
        conn.close()


def test_http_1_0_clients_get_connection_close(server: HttpServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /index.html HTTP/1.0\r\nHost: www.a.gov.cn\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"Connection: close" in head
    assert "甲区首页" in body.decode()


def test_stop_is_prompt_even_with_a_slow_request_hanging() -> None:
    server = HttpServer(HOSTS, slow_seconds=30).start()
    port = server.port
    errors: list[BaseException] = []

    def hang() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", "/", headers={"Host": "slow.a.gov.cn"})
            conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            errors.append(exc)
        finally:
            conn.close()

    idle = socket.create_connection(("::1", port), timeout=5)  # an idle keep-alive client
    thread = threading.Thread(target=hang)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.0
    thread.join(2)
    assert not thread.is_alive() and errors  # the slow client got no answer
    assert idle.recv(1) == b""  # the idle connection was closed
    idle.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def test_both_families_share_one_port_and_servers_do_not_collide() -> None:
    with HttpServer(HOSTS) as first, HttpServer(HOSTS) as second:
        assert first.port != second.port
        for address in FAMILIES:
            assert get(first, address, "www.a.gov.cn", "/index.html")[0].status == 200


def test_hosts_can_be_replaced_while_running(server: HttpServer) -> None:
    original = server.hosts
    server.hosts = {"new.gov.cn": VirtualHost({"/": Response.html("new")})}
    try:
        assert get(server, "127.0.0.1", "new.gov.cn")[0].status == 200
        assert get(server, "127.0.0.1", "www.a.gov.cn", "/index.html")[0].status == 404
    finally:
        server.hosts = original


@pytest.mark.parametrize(
    ("header", "host"),
    [
        ("www.a.gov.cn", "www.a.gov.cn"),
        ("WWW.A.gov.cn:8080", "www.a.gov.cn"),
        ("www.a.gov.cn.:80", "www.a.gov.cn"),
        ("[::1]:8080", "[::1]"),
        ("", ""),
    ],
)
def test_host_name(header: str, host: str) -> None:
    assert host_name(header) == host


def test_clients_that_give_up_leave_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with HttpServer(HOSTS, slow_seconds=0.2) as server:
        for request in (b"GET / HTTP/1.1\r\nHost: slow.a.gov.cn\r\n\r\n", b"GET / HTTP/1.1\r\n"):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(request)
            # abort with RST, as a client does when its timeout fires
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        time.sleep(0.5)
    assert capsys.readouterr().err == ""
