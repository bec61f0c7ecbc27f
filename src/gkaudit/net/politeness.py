"""Politeness: how hard gkaudit may press one host and the whole network.

Every request takes a slot: one of the host's (`per_host` at once, `interval` apart) and one of
the run's (`concurrency`). A host that said "too fast" (HTTP 429, a 503 with `Retry-After`, a
CC-protection page) is *backed off*: no request goes to it until the wait is over, and for a
while after that (`SLOW_FOR`) its requests go one at a time, `SLOW_INTERVAL` apart, however many
rules want its pages. A request that could not start before its deadline (the site's time
budget) is not sent at all (`BackedOff`): its rule reports the rate limit instead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from gkaudit.i18n import _

#: After a back-off, the host's requests go one at a time for this long...
SLOW_FOR = 60.0
#: ...and at least this far apart: CC protection counts requests per second or per minute.
SLOW_INTERVAL = 1.0


@dataclass(frozen=True, slots=True)
class Wait:
    """Time a request spent waiting for its host's back-off, and what the host had asked."""

    seconds: float
    #: "Retry-After" when the site named the wait, else "" (gkaudit's own back-off).
    asked: str = ""


def seconds(value: float) -> str:
    """`30 s`, `0.5 s`: a wait as the evidence says it."""
    return _("{seconds:g} s").format(seconds=round(value, 1) if value < 10 else round(value))


def waited(waits: Sequence[Wait]) -> str:
    """`30 s (Retry-After), 12 s`: the back-offs a request waited out."""
    return ", ".join(
        f"{seconds(w.seconds)} ({w.asked})" if w.asked else seconds(w.seconds) for w in waits
    )


class BackedOff(Exception):
    """The host is backed off past the request's deadline: the request is not sent."""

    def __init__(self, seconds: float, asked: str) -> None:
        super().__init__(f"backed off for {seconds:.1f} s more")
        self.seconds = seconds
        self.asked = asked


class _Host:
    __slots__ = ("asked", "next_at", "one", "semaphore", "slow_until", "until")

    def __init__(self, per_host: int) -> None:
        self.semaphore = asyncio.Semaphore(per_host)
        self.one = asyncio.Lock()  # held by the one request in flight while the host is slowed
        self.next_at = 0.0  # monotonic: the earliest start of the host's next request
        self.until = 0.0  # monotonic: backed off until then
        self.slow_until = 0.0
        self.asked = ""


class Politeness:
    """Global and per-host concurrency, a minimum interval between requests to one host, and
    per-host back-off."""

    def __init__(
        self,
        concurrency: int,
        per_host: int,
        interval: float,
        *,
        slow_for: float = SLOW_FOR,
        slow_interval: float = SLOW_INTERVAL,
    ) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host
        self._interval = interval
        self._slow_for = slow_for
        self._slow_interval = slow_interval
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(self._per_host)
        return state

    def back_off(self, host: str, seconds: float, *, asked: str = "") -> None:
        """No request to `host` starts for `seconds` (a longer back-off already set stands),
        and for `SLOW_FOR` after that they go one at a time. `asked`: "Retry-After" when the
        site named the wait."""
        state = self._host(host)
        until = time.monotonic() + seconds
        if until > state.until:
            state.until, state.asked = until, asked
        state.slow_until = max(state.slow_until, state.until + self._slow_for)

    def backed_off(self, host: str) -> float:
        """Seconds until `host` may be asked again (0 when it may now)."""
        state = self._hosts.get(host)
        return 0.0 if state is None else max(0.0, state.until - time.monotonic())

    @asynccontextmanager
    async def slot(self, host: str, deadline: float | None = None) -> AsyncIterator[Wait | None]:
        """A slot for one request to `host`; yields the back-off it waited out, if any.
        `deadline` (the event loop's clock): raise `BackedOff` rather than wait past it."""
        state = self._host(host)
        waited, asked = 0.0, ""
        # The host slot comes first, so a request waiting on a busy host holds no global slot.
        async with state.semaphore:
            single = False
            try:
                while True:
                    now = time.monotonic()
                    if state.until > now:
                        wait = state.until - now
                        if deadline is not None:
                            left = deadline - asyncio.get_running_loop().time()
                            if wait > left:
                                raise BackedOff(wait, state.asked)
                        asked = state.asked or asked
                        await asyncio.sleep(wait)
                        waited += wait
                        continue
                    if now < state.slow_until and not single:
                        await state.one.acquire()
                        single = True
                        continue  # the back-off may have moved while we queued
                    if state.next_at > now:
                        await asyncio.sleep(state.next_at - now)
                        continue
                    await self._global.acquire()
                    # The interval counts from the moment a request really starts: waiting for
                    # the global slot could otherwise release two requests to one host at once.
                    now = time.monotonic()
                    if state.until > now or state.next_at > now:
                        self._global.release()
                        continue
                    slowed = now < state.slow_until
                    spacing = max(self._interval, self._slow_interval) if slowed else self._interval
                    state.next_at = now + spacing
                    break
                try:
                    yield Wait(waited, asked) if waited else None
                finally:
                    self._global.release()
            finally:
                if single:
                    state.one.release()
