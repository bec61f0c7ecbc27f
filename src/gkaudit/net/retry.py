"""When a request is tried again: transient failures (timeouts, resets) and transient answers
(5xx) with exponential back-off and jitter; and rate limits (HTTP 429, a 503 with `Retry-After`,
a CC-protection page), after which the whole host is backed off (net/politeness.py) for what
`Retry-After` asks, or exponentially longer each time when it asks nothing."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime

from gkaudit.i18n import _
from gkaudit.net.obstacles import Obstacle, ObstacleKind
from gkaudit.net.outcome import FetchFailure, Outcome, Page, inconclusive
from gkaudit.net.politeness import waited

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RateLimit:
    """An answer saying "too fast": its obstacle name ("" for a bare status) and the seconds
    its `Retry-After` asks for, if it says."""

    name: str
    asked: float | None


def rate_limit(outcome: Outcome) -> RateLimit | None:
    """The rate limit this answer is, or None. A 503 counts only with `Retry-After`: without
    one it is a portal that is down, and reported as such after the usual retries."""
    if isinstance(outcome, FetchFailure):
        return None
    asked = retry_after(outcome.headers.get("retry-after"))
    if outcome.obstacle is not None and outcome.obstacle.rate_limited:
        return RateLimit(outcome.obstacle.name, asked)
    if outcome.status == 429 or (outcome.status == 503 and asked is not None):
        return RateLimit("", asked)
    return None


def jittered(base: float, attempt: int) -> float:
    """`base` doubled for each attempt after the first, plus up to half of it at random (so
    that requests that failed together do not come back together)."""
    delay: float = base * 2 ** (attempt - 1)
    return delay + random.uniform(0, delay / 2)


def retry_delay(
    outcome: Outcome, attempt: int, *, retries: int, backoff: float, max_wait: float
) -> float | None:
    """How long to wait before trying again, or None when the outcome is final."""
    if attempt > retries:
        return None
    if isinstance(outcome, FetchFailure):
        if not outcome.transient:
            return None
    elif outcome.status not in TRANSIENT_STATUSES:
        return None
    else:
        asked = retry_after(outcome.headers.get("retry-after"))
        if asked is not None:
            return None if asked > max_wait else asked
    return jittered(backoff, attempt)


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


def given_up(page: Page, limit: RateLimit, why: str) -> Page:
    """The rate-limited answer gkaudit gave up on, as the obstacle it is, saying what was
    waited and why no longer; a bare 429 with nothing to add keeps its plain refusal."""
    if page.waits and why:
        why = _("waited {waits}; {reason}").format(waits=waited(page.waits), reason=why)
    elif page.waits:
        why = _("waited {waits}").format(waits=waited(page.waits))
    if not why and inconclusive(page):
        return page
    if page.obstacle is not None:
        return replace(page, obstacle=replace(page.obstacle, note=why))
    return replace(page, obstacle=Obstacle(limit.name, ObstacleKind.RATE_LIMIT, page.status, why))
