"""Fixtures of the demo fleet's tests: one fleet shared by the package, on a fixed day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from gkaudit.demo.fleet import DemoFleet

AS_OF = dt.date(2026, 11, 29)
SLOW_SECONDS = 1.0  # long enough to measure, short enough for the suite


@pytest.fixture(scope="package")
def fleet() -> Iterator[DemoFleet]:
    with DemoFleet(AS_OF, slow_seconds=SLOW_SECONDS) as running:
        yield running
