"""Test-wide guards and shared fixtures.

Every test runs under a loopback guard: an audit hook that refuses any connection, datagram or
name lookup aimed anywhere but 127.0.0.0/8 and ::1, and fails the test that tried. So no test can
reach the internet or ask the machine's own resolver, even through a bug.
"""

from __future__ import annotations

import ipaddress
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from gkaudit import i18n
from tests.support.web import FakeWeb

_violations: list[str] = []

# History databases default to the user's data directory; tests must never write there.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="gkaudit-tests-")
# Every test server is on loopback, which the private-address guard refuses by default; the
# guard's own tests turn it back on (FetchSettings(allow_private=False)).
os.environ["GKAUDIT_ALLOW_PRIVATE"] = "1"
# The CLI picks its language at start-up; the tests read English (subprocesses inherit this).
os.environ["GKAUDIT_LANG"] = "en"
# Texts made while the test modules are imported (a skip reason: "no headless browser: ...")
# are in English too, as every test's are (the fixture below sets it again per test).
i18n.use("en")


def _loopback(host: object) -> bool:
    if host is None:
        return True
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text == "":
        return True  # binding to "any": no lookup, no traffic
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # a host name: resolving it would ask the machine's resolver


def _guard(event: str, args: tuple[Any, ...]) -> None:
    if event in ("socket.connect", "socket.sendto"):
        address = args[1] if event == "socket.connect" else args[-1]
        if isinstance(address, tuple) and address and not _loopback(address[0]):
            _violations.append(f"{event} {address!r}")
            raise PermissionError(f"test guard: {event} to non-loopback {address!r}")
    elif event in _LOOKUPS and not _loopback(args[0]):
        _violations.append(f"{event} {args[0]!r}")
        raise PermissionError(f"test guard: name lookup of {args[0]!r} (system resolver)")
    elif event == "socket.getnameinfo" and not _loopback(args[0][0] if args[0] else None):
        _violations.append(f"{event} {args[0]!r}")
        raise PermissionError(f"test guard: reverse lookup of {args[0]!r} (system resolver)")


#: Audit events that ask the machine's resolver about a name or an address.
_LOOKUPS = frozenset({"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"})


sys.addaudithook(_guard)


@pytest.fixture(autouse=True)
def _no_traffic_beyond_loopback() -> Iterator[None]:
    start = len(_violations)
    yield
    leaked = _violations[start:]
    assert not leaked, f"test sent traffic beyond loopback: {leaked}"


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise() -> Iterator[None]:
    """Assertions read message fragments in English (the message ids); a test of the Chinese
    text calls ``i18n.use("zh")`` itself, and the language is restored after every test."""
    from gkaudit import i18n

    i18n.use("en")
    yield
    i18n.use("en")


@pytest.fixture
async def web() -> AsyncIterator[FakeWeb]:
    """The fake web (tests/support/web.py): pages by URL on loopback, and fetchers that reach it."""
    fake = await FakeWeb().start()
    yield fake
    await fake.close()
