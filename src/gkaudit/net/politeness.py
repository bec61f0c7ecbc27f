"""Politeness: how hard gkaudit may press one host and the whole network."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Politeness:
    """Global and per-host concurrency, and a minimum interval between requests to one host."""

    def __init__(self, concurrency: int, per_host: int, interval: float) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host
        self._interval = interval
        self._hosts: dict[str, tuple[asyncio.Semaphore, list[float]]] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore, next_at = self._hosts.setdefault(
            host, (asyncio.Semaphore(self._per_host), [0.0])
        )
        # The host slot comes first, so a request waiting on a busy host holds no global slot.
        async with semaphore:
            if self._interval:
                await asyncio.sleep(max(0.0, next_at[0] - time.monotonic()))
            async with self._global:
                if self._interval:
                    # The interval counts from the moment a request really starts: waiting for
                    # the global slot could otherwise release two requests to one host at once.
                    wait = next_at[0] - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    next_at[0] = time.monotonic() + self._interval
                yield
