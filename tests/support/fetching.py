"""Fetch settings the test fleets share."""

from __future__ import annotations

from typing import Final

#: A rate-limited answer is final at once and slows nothing after it: the fleets that test
#: checks serve 429s as one more refusal; the back-off itself is tested in
#: tests/net/test_backoff.py.
NO_BACK_OFF: Final = {"rate_limit_backoff": 0.0, "slowed_interval": 0.0}
