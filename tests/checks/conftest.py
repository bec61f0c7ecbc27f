"""Fixtures shared by the check tests: the fixture portals of `content_fleet`, started once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.checks.content_fleet import PORTALS, Fleet


@pytest.fixture(scope="package")
def content_fleet() -> Iterator[Fleet]:
    """The content checks' portals (tests/fixtures/portals) on real loopback DNS and HTTP."""
    with Fleet(PORTALS) as running:
        yield running


@pytest.fixture
def fleet(content_fleet: Fleet) -> Fleet:
    """The content fleet, under the name the content check tests use (the IPv6 check tests
    define a `fleet` of their own: portals built in code, with faults per address family)."""
    return content_fleet
