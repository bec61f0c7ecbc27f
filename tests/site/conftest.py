from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.checks.content_fleet import PORTALS, Fleet


@pytest.fixture(scope="package")
def fleet() -> Iterator[Fleet]:
    """The content fleet over real loopback sockets, started once for the site layer's tests."""
    with Fleet(PORTALS) as running:
        yield running
