"""The loopback guard of conftest.py refuses what it must, so the rest of the suite can trust it."""

from __future__ import annotations

import socket

import pytest

from tests import conftest


@pytest.mark.parametrize(
    "reach_out",
    [
        lambda: socket.gethostbyname("www.gov.cn"),
        lambda: socket.getaddrinfo("www.gov.cn", 80),
        lambda: socket.gethostbyaddr("192.0.2.1"),
        lambda: socket.getnameinfo(("192.0.2.1", 80), 0),
        lambda: socket.create_connection(("192.0.2.1", 80), timeout=0.2),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.1", 53)),
    ],
)
def test_traffic_beyond_loopback_is_refused_and_recorded(reach_out: object) -> None:
    before = len(conftest._violations)
    with pytest.raises(PermissionError, match="test guard"):
        reach_out()  # type: ignore[operator]
    assert len(conftest._violations) == before + 1
    del conftest._violations[before:]  # recorded as it must be; not this test's failure


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.sendto(b"x", ("::1", 9))
    assert socket.getaddrinfo("127.0.0.1", 80)
