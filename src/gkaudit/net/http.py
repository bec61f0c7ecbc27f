"""HTTP as the audit sees it: a page fetched over one address family, or the reason it was not.

The client is aiohttp, chosen by measurement (bench/README.md: about 0.1 ms of CPU per probe
against httpx2's 0.7-0.9 ms, and its pool keeps one connection per host alive). Connections go
to the addresses *our* resolver returned for the family asked (aiohttp's resolver is ours, like
`curl --resolve`), so "does it work over IPv6" is answered by connecting to the AAAA address,
while the hostname stays in the URL, the Host header and TLS SNI. Redirects are followed by hand
so every hop is resolved the same way and recorded. Transient failures (timeouts, resets, 429,
5xx) are retried with backoff; everything else is reported at once, in plain words.

Beside it: what it is asked (net/settings.py), what a fetch gives (net/outcome.py), the connection
pinning (net/pinning.py), when to retry (net/retry.py) and the words for a transport failure
(net/errors.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractCookieJar
from yarl import URL

from gkaudit.i18n import _, ngettext
from gkaudit.model import Family
from gkaudit.net.dns import Resolver, ip_literal
from gkaudit.net.errors import classify
from gkaudit.net.exchange import send
from gkaudit.net.guard import AddressGuard
from gkaudit.net.obstacles import packaged
from gkaudit.net.outcome import (
    GET_CANNOT_HELP,
    REFUSED_US,
    FailureKind,
    FetchFailure,
    Outcome,
    Page,
    inconclusive,
    refusal,
)
from gkaudit.net.pinning import (
    SOCKET_FAMILY,
    PeerConnector,
    PinnedResolver,
    PrivateAddress,
)
from gkaudit.net.politeness import BackedOff, Politeness, Wait, seconds
from gkaudit.net.retry import (
    TRANSIENT_STATUSES,
    RateLimit,
    given_up,
    jittered,
    rate_limit,
    retry_delay,
)
from gkaudit.net.settings import AUTO_CONCURRENCY, DEFAULT_USER_AGENT, FetchSettings

# The fetch's vocabulary (net/outcome.py) and settings (net/settings.py) are what every rule and
# command imports from here.
__all__ = [
    "AUTO_CONCURRENCY",
    "DEFAULT_USER_AGENT",
    "REDIRECT_STATUSES",
    "REFUSED_US",
    "TRANSIENT_STATUSES",
    "FailureKind",
    "FetchFailure",
    "FetchSettings",
    "Fetcher",
    "Outcome",
    "Page",
    "classify",
    "inconclusive",
    "is_ip_host",
    "refusal",
]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class Fetcher:
    """One HTTP client per address family for the whole run; every fetch goes through here."""

    def __init__(self, resolver: Resolver, settings: FetchSettings | None = None) -> None:
        settings = settings or FetchSettings()
        if not settings.concurrency:
            settings = replace(settings, concurrency=AUTO_CONCURRENCY)
        self.settings = settings
        self.resolver = resolver
        self.politeness = Politeness(
            settings.concurrency,
            settings.per_host,
            settings.interval,
            slow_for=settings.slowed_for,
            slow_interval=settings.slowed_interval,
        )
        self.obstacles = packaged() if settings.obstacles is None else settings.obstacles
        self.guard = AddressGuard.of(settings.allow_private, settings.private_networks)
        # made on first use: aiohttp binds a session to the running event loop
        self._sessions: dict[Family, aiohttp.ClientSession] = {}
        # aiohttp's own default contexts (made at its import; ALPN http/1.1): building one here
        # loads the system's certificates again, 20 ms per Fetcher
        self._tls = settings.verify_tls

    def _session(self, family: Family) -> aiohttp.ClientSession:
        session = self._sessions.get(family)
        if session is None:
            connector = PeerConnector(
                # the politeness slots bound the requests; this bounds connections in use
                limit=self.settings.concurrency,
                limit_per_host=0,
                family=SOCKET_FAMILY[family],
                resolver=PinnedResolver(self.resolver, family, self.guard),
                use_dns_cache=False,  # ours memoizes per run
                happy_eyeballs_delay=None,  # one address after another, in our order
                ssl=self._tls,
                keepalive_timeout=30,
            )
            session = self._sessions[family] = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
                timeout=aiohttp.ClientTimeout(total=None),  # one deadline of our own
                headers={
                    "User-Agent": self.settings.user_agent,
                    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
                },
            )
            # aiohttp resends any idempotent request once after a reset, which would double
            # what a failing portal sees; we retry ourselves, only stale connections at once
            session._retry_connection = False
        return session

    async def aclose(self) -> None:
        for session in self._sessions.values():
            await session.close()
        self._sessions.clear()

    async def probe(
        self,
        url: str,
        family: Family = Family.IPV4,
        *,
        cookies: AbstractCookieJar | None = None,
        deadline: float | None = None,
    ) -> Outcome:
        """Status only, as a link checker asks: HEAD, then a GET whose body is not read where
        HEAD failed in any way a GET might not (many portal servers and firewalls refuse,
        reset or time out HEAD but answer GET); not after a DNS answer or our own refusal."""
        outcome = await self.fetch(url, family, method="HEAD", cookies=cookies, deadline=deadline)
        if isinstance(outcome, Page):
            if outcome.status < 400 or rate_limit(outcome) is not None:
                return outcome
        elif outcome.kind in GET_CANNOT_HELP or outcome.dns is not None:
            return outcome
        return await self.fetch(url, family, read_body=False, cookies=cookies, deadline=deadline)

    async def fetch(
        self,
        url: str,
        family: Family = Family.IPV4,
        *,
        method: str = "GET",
        read_body: bool = True,
        cookies: AbstractCookieJar | None = None,
        deadline: float | None = None,
        max_bytes: int | None = None,
    ) -> Outcome:
        """The response at `url` after HTTP redirects (each hop over `family`), or a failure.
        A body over `max_bytes` (default: the settings' cap) is a `TOO_LARGE` failure, its
        download stopped there.
        With `cookies` (the site's jar) the cookies a portal sets are kept and sent back, as a
        browser does: F5 BIG-IP and JSP servers set a session cookie with a redirect to the
        same URL, which is no loop when the cookie we send has changed. `deadline` (the event
        loop's clock, the site's time budget): no rate-limit back-off is waited past it."""
        hops: list[str] = []
        seen = {(url, _sent(cookies, url))}
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            outcome = await self._with_retries(
                current,
                family,
                method,
                read_body,
                cookies=cookies,
                deadline=deadline,
                max_bytes=max_bytes,
            )
            if isinstance(outcome, FetchFailure):
                return _as_asked(outcome, url, hops)
            location = outcome.headers.get("location")
            if outcome.status not in REDIRECT_STATUSES or not location:
                return _as_asked(outcome, url, hops)
            target = urljoin(current, location.strip())
            if urlsplit(target).scheme not in ("http", "https"):
                return FetchFailure(
                    url,
                    family,
                    FailureKind.INVALID_URL,
                    _("redirect to a non-HTTP URL: {url}").format(url=target),
                    tuple(hops),
                )
            hops.append(target)
            state = (target, _sent(cookies, target))
            if state in seen:
                return FetchFailure(
                    url,
                    family,
                    FailureKind.REDIRECTS,
                    _("redirect loop back to {url}").format(url=target),
                    tuple(hops),
                )
            seen.add(state)
            if outcome.status == 303:
                method = "GET"
            current = target
        return FetchFailure(
            url,
            family,
            FailureKind.REDIRECTS,
            _("more than {n} redirects").format(n=self.settings.max_redirects),
            tuple(hops),
        )

    async def exchange(
        self,
        url: str,
        family: Family,
        *,
        headers: Mapping[str, str] | None = None,
        cookies: AbstractCookieJar | None = None,
    ) -> Outcome:
        """One GET of `url` (retried like any fetch), its redirect not followed: for a client
        that follows redirects itself, the browser (`gkaudit.net.browser`), whose referrer
        travels in `headers` and cookies in the site's jar, `cookies`."""
        return await self._with_retries(url, family, "GET", True, headers, cookies=cookies)

    async def _with_retries(
        self,
        url: str,
        family: Family,
        method: str,
        read_body: bool,
        headers: Mapping[str, str] | None = None,
        *,
        cookies: AbstractCookieJar | None = None,
        deadline: float | None = None,
        max_bytes: int | None = None,
    ) -> Outcome:
        waits: list[Wait] = []
        attempt = 0
        cap = self.settings.max_bytes if max_bytes is None else max_bytes
        while True:
            attempt += 1
            request = (url, family, method, read_body, headers, cookies, deadline, waits, cap)
            outcome = await self._request(*request)
            if isinstance(outcome, FetchFailure) and outcome.stale and outcome.transient:
                # a connection idle in the pool closed by the server: once more, on a new one
                outcome = await self._request(*request)
            limit = rate_limit(outcome)
            if limit is not None and isinstance(outcome, Page):
                why = self._back_off(outcome, limit, attempt, deadline)
                if why is None:
                    continue  # the next attempt waits out the back-off in its slot
                return given_up(replace(outcome, attempts=attempt), limit, why)
            delay = retry_delay(
                outcome,
                attempt,
                retries=self.settings.retries,
                backoff=self.settings.backoff,
                max_wait=self.settings.max_retry_after,
            )
            if delay is None:
                # (a page carries the waits already: `_request` gave it those so far)
                return replace(outcome, attempts=attempt) if attempt > 1 else outcome
            await asyncio.sleep(delay)

    def _back_off(
        self, page: Page, limit: RateLimit, attempt: int, deadline: float | None
    ) -> str | None:
        """Back off the page's host after a rate limit. None: try again (the next attempt
        waits in its slot); else why gkaudit gives up ("" when there is nothing to add)."""
        settings = self.settings
        asked = limit.asked
        wait = asked if asked is not None else jittered(settings.rate_limit_backoff, attempt)
        host = urlsplit(page.url).hostname or ""
        self.politeness.back_off(
            host,
            min(wait, settings.max_retry_after),
            asked="" if asked is None else "Retry-After",
        )
        if asked is not None and asked > settings.max_retry_after:
            why = _("the site asks to wait {asked} (Retry-After), more than gkaudit waits ({cap})")
            return why.format(asked=seconds(asked), cap=seconds(settings.max_retry_after))
        if deadline is not None and wait > deadline - asyncio.get_running_loop().time():
            why = _("waiting {wait} more would overrun the site's time budget")
            return why.format(wait=seconds(wait))
        if attempt <= settings.retries:
            return None
        if attempt == 1:
            return ""  # not retried at all (--retries 0)
        return ngettext(
            "still rate-limited after {n} try", "still rate-limited after {n} tries", attempt
        ).format(n=attempt)

    async def _request(
        self,
        url: str,
        family: Family,
        method: str,
        read_body: bool,
        headers: Mapping[str, str] | None,
        cookies: AbstractCookieJar | None,
        deadline: float | None,
        waits: list[Wait],
        max_bytes: int,
    ) -> Outcome:
        """One exchange, its body read (up to the size cap), once the host's politeness lets
        it start; the back-off it waited is added to `waits` (and the page's)."""
        parts = urlsplit(url)
        host = parts.hostname  # (worked out again at each reading)
        if parts.scheme not in ("http", "https") or not host:
            return FetchFailure(
                url, family, FailureKind.INVALID_URL, _("not an http(s) URL: {url}").format(url=url)
            )
        if ip_literal(host) is not None:
            # aiohttp connects an IP literal without asking the resolver: guard it here
            if self.guard.refuses(host):
                return PrivateAddress([host]).failure(url, family)
            answer = await self.resolver.addresses(host, family)
            if not answer.ok:
                return FetchFailure(url, family, FailureKind.DNS, answer.describe(), dns=answer)
        sent = _sent(cookies, url)
        if sent:
            headers = {**(headers or {}), "Cookie": sent}
        try:
            async with self.politeness.slot(host, deadline) as wait:
                if wait is not None:
                    waits.append(wait)
                outcome = await send(
                    self._session(family),
                    url,
                    family,
                    method=method,
                    read_body=read_body,
                    headers=headers,
                    cookies=cookies,
                    time_limit=self.settings.timeout,
                    max_bytes=max_bytes,
                    obstacles=self.obstacles,
                )
        except BackedOff as exc:
            message = _(
                "not fetched: the site rate-limited gkaudit, and waiting {wait} more "
                "would overrun the site's time budget"
            )
            return FetchFailure(
                url, family, FailureKind.RATE_LIMITED, message.format(wait=seconds(exc.seconds))
            )
        if waits and isinstance(outcome, Page):
            return replace(outcome, waits=tuple(waits))
        return outcome


def _as_asked(outcome: Outcome, url: str, hops: list[str]) -> Outcome:
    """The outcome of the hops as the outcome of `url` (itself when there was no redirect)."""
    return replace(outcome, url=url, redirects=tuple(hops)) if hops else outcome


def _sent(cookies: AbstractCookieJar | None, url: str) -> str:
    """The Cookie header a browser with `cookies` would send to `url` ("" for none)."""
    if cookies is None or not len(cookies):
        return ""  # (without parsing the URL for the jar: most portals set no cookie)
    chosen = cookies.filter_cookies(URL(url))
    return "; ".join(f"{name}={morsel.value}" for name, morsel in chosen.items())


def is_ip_host(url: str) -> bool:
    return ip_literal(urlsplit(url).hostname or "") is not None
