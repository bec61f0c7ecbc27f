"""What a run asks of its fetcher: time limits, retries, politeness, size caps and where it
may connect (`FetchSettings`), set once by the command line or the engine and read by
`net/http.py`'s `Fetcher`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gkaudit import __version__
from gkaudit.net.guard import allowed_by_environment
from gkaudit.net.obstacles import Markers
from gkaudit.net.politeness import SLOW_FOR, SLOW_INTERVAL

DEFAULT_USER_AGENT = (
    f"gkaudit/{__version__} (government website audit; +https://github.com/gkaudit/gkaudit)"
)
#: The global limit of a Fetcher whose settings leave it automatic and no engine sized it.
AUTO_CONCURRENCY = 50


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 15.0
    retries: int = 2
    backoff: float = 0.5
    #: The longest `Retry-After` waited for (a longer one is reported as the rate limit it is),
    #: and the longest a host is backed off.
    max_retry_after: float = 30.0
    #: After a rate limit (HTTP 429, a 503 with Retry-After, a CC-protection page) the host is
    #: backed off, and the request retried (`retries` times), for what Retry-After asks, else
    #: this, doubled each time (5, 10 s): CC protection bans a client for tens of seconds.
    rate_limit_backoff: float = 5.0
    #: After a back-off the host's requests go one at a time, this far apart, for this long.
    slowed_interval: float = SLOW_INTERVAL
    slowed_for: float = SLOW_FOR
    max_bytes: int = 5_000_000
    max_redirects: int = 10
    #: Requests in flight in all; 0: automatic (the engine: every site in flight at its per-host
    #: limit, at least `AUTO_CONCURRENCY`, so the global limit does not bind before politeness).
    concurrency: int = 0
    per_host: int = 2
    interval: float = 0.05
    user_agent: str = DEFAULT_USER_AGENT
    verify_tls: bool = True
    #: How obstacle pages are recognised (None: the packaged obstacles.yaml).
    obstacles: Markers | None = None
    #: connect to loopback, private, link-local... addresses too (net/guard.py)
    allow_private: bool = field(default_factory=allowed_by_environment)
    #: private networks connected to even without `allow_private` (an intranet's portals)
    private_networks: tuple[str, ...] = ()
