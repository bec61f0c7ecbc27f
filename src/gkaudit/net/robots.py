"""robots.txt, honoured for the pages gkaudit crawls (never for a portal's home page).

The plan requires the home page to be public, so it is always fetched; every other page is
fetched only where the portal's robots.txt allows it, per RFC 9309 (longest match wins, which
Python 3.11's `urllib.robotparser` gets wrong: protego is used instead). One robots.txt per origin
per run.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from protego import Protego

from gkaudit.model import Family
from gkaudit.net.http import Fetcher, FetchFailure

#: robots.txt larger than this is treated as if it were truncated here (RFC 9309 asks >= 500 KiB).
MAX_ROBOTS_BYTES = 512 * 1024


class Robots:
    """Whether a URL may be crawled, from its origin's robots.txt."""

    def __init__(self, fetcher: Fetcher, user_agent: str) -> None:
        self._fetcher = fetcher
        self._agent = user_agent.split("/", 1)[0]  # the product token: "gkaudit"
        self._rules: dict[str, asyncio.Task[Protego | bool]] = {}

    async def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        task = self._rules.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._load(origin))
            self._rules[origin] = task
        rules = await asyncio.shield(task)
        if isinstance(rules, bool):
            return rules
        return bool(rules.can_fetch(url, self._agent))

    async def _load(self, origin: str) -> Protego | bool:
        outcome = await self._fetcher.fetch(origin + "/robots.txt", Family.IPV4)
        if isinstance(outcome, FetchFailure):
            # Unreachable (network): RFC 9309 says assume complete disallow, but a portal whose
            # robots.txt we cannot fetch is one whose pages we cannot fetch either; let those
            # fetches report the real failure instead of a vague "disallowed".
            return True
        if 400 <= outcome.status < 500:
            return True  # no robots.txt: everything allowed
        if outcome.status >= 500:
            return False  # RFC 9309 2.3.1.4: server error means complete disallow
        text = outcome.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        return Protego.parse(text)
