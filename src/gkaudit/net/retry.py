"""When a request is tried again: transient failures (timeouts, resets) and transient answers
(429, 5xx, a rate-limit page), with exponential back-off and jitter, honouring `Retry-After`."""

from __future__ import annotations

import random
import time
from email.utils import parsedate_to_datetime

from gkaudit.net.outcome import FetchFailure, Outcome

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


def retry_delay(
    outcome: Outcome, attempt: int, *, retries: int, backoff: float, max_wait: float
) -> float | None:
    """How long to wait before trying again, or None when the outcome is final."""
    if attempt > retries:
        return None
    if isinstance(outcome, FetchFailure):
        if not outcome.transient:
            return None
    elif outcome.status not in TRANSIENT_STATUSES and not (
        outcome.obstacle is not None and outcome.obstacle.rate_limited
    ):
        return None  # a rate-limit page at 200 is a 429 in all but its status
    else:
        asked = retry_after(outcome.headers.get("retry-after"))
        if asked is not None:
            if asked > max_wait:
                return None  # the server asks for longer than we will wait: report it
            return asked
    base: float = backoff * 2 ** (attempt - 1)
    return base + random.uniform(0, base / 2)


def retry_after(value: str | None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or an HTTP-date), if it says."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, float(when.timestamp()) - time.time())
