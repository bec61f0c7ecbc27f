"""HTTP as the audit sees it: a page fetched over one address family, or the reason it was not.

The client is aiohttp, chosen by measurement (bench/README.md: about 0.1 ms of CPU per probe
against httpx2's 0.7-0.9 ms, and its pool keeps one connection per host alive). Connections go
to the addresses *our* resolver returned for the family asked (aiohttp's resolver is ours, like
`curl --resolve`), so "does it work over IPv6" is answered by connecting to the AAAA address,
while the hostname stays in the URL, the Host header and TLS SNI. Redirects are followed by hand
so every hop is resolved the same way and recorded. Transient failures (timeouts, resets, 429,
5xx) are retried with backoff; everything else is reported at once, in plain words.

Beside it: what a fetch gives (net/outcome.py), the connection pinning (net/pinning.py), when to
retry (net/retry.py) and the words for a transport failure (net/errors.py).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractCookieJar
from yarl import URL

from gkaudit import __version__
from gkaudit.i18n import _
from gkaudit.model import Family
from gkaudit.net.dns import Resolver, ip_literal
from gkaudit.net.errors import classify
from gkaudit.net.guard import allowed_by_environment, is_private
from gkaudit.net.obstacles import Markers, packaged, script_built
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
    DnsLookupFailed,
    PeerConnector,
    PinnedResolver,
    PrivateAddress,
    peer,
)
from gkaudit.net.politeness import Politeness
from gkaudit.net.retry import TRANSIENT_STATUSES, retry_delay

# The fetch's vocabulary (net/outcome.py) is what every rule imports from here.
__all__ = [
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

DEFAULT_USER_AGENT = (
    f"gkaudit/{__version__} (government website audit; +https://github.com/gkaudit/gkaudit)"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 15.0
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 30.0
    max_bytes: int = 5_000_000
    max_redirects: int = 10
    concurrency: int = 50
    per_host: int = 2
    interval: float = 0.05
    user_agent: str = DEFAULT_USER_AGENT
    verify_tls: bool = True
    #: How obstacle pages are recognised (None: the packaged obstacles.yaml).
    obstacles: Markers | None = None
    #: connect to loopback, private, link-local... addresses too (net/guard.py)
    allow_private: bool = field(default_factory=allowed_by_environment)


class Fetcher:
    """One HTTP client per address family for the whole run; every fetch goes through here."""

    def __init__(self, resolver: Resolver, settings: FetchSettings | None = None) -> None:
        self.settings = settings = settings or FetchSettings()
        self.resolver = resolver
        self.politeness = Politeness(settings.concurrency, settings.per_host, settings.interval)
        self.obstacles = packaged() if settings.obstacles is None else settings.obstacles
        # made on first use: aiohttp binds a session to the running event loop
        self._sessions: dict[Family, aiohttp.ClientSession] = {}
        self._tls: ssl.SSLContext | bool = (
            ssl.create_default_context() if settings.verify_tls else False
        )

    def _session(self, family: Family) -> aiohttp.ClientSession:
        session = self._sessions.get(family)
        if session is None:
            connector = PeerConnector(
                # the politeness slots bound the requests; this bounds connections in use
                limit=self.settings.concurrency,
                limit_per_host=0,
                family=SOCKET_FAMILY[family],
                resolver=PinnedResolver(self.resolver, family, self.settings.allow_private),
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
        self, url: str, family: Family = Family.IPV4, *, cookies: AbstractCookieJar | None = None
    ) -> Outcome:
        """Status only, as a link checker asks: HEAD, then a GET whose body is not read where
        HEAD failed in any way a GET might not (many portal servers and firewalls refuse,
        reset or time out HEAD but answer GET); not after a DNS answer or our own refusal."""
        outcome = await self.fetch(url, family, method="HEAD", cookies=cookies)
        if isinstance(outcome, Page):
            if outcome.status < 400:
                return outcome
        elif outcome.kind in GET_CANNOT_HELP or outcome.dns is not None:
            return outcome
        return await self.fetch(url, family, read_body=False, cookies=cookies)

    async def fetch(
        self,
        url: str,
        family: Family = Family.IPV4,
        *,
        method: str = "GET",
        read_body: bool = True,
        cookies: AbstractCookieJar | None = None,
    ) -> Outcome:
        """The response at `url` after HTTP redirects (each hop over `family`), or a failure.
        With `cookies` (the site's jar) the cookies a portal sets are kept and sent back, as a
        browser does: F5 BIG-IP and JSP servers set a session cookie with a redirect to the
        same URL, which is no loop when the cookie we send has changed."""
        hops: list[str] = []
        seen = {(url, _sent(cookies, url))}
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            outcome = await self._with_retries(current, family, method, read_body, cookies=cookies)
            if isinstance(outcome, FetchFailure):
                return replace(outcome, url=url, redirects=tuple(hops))
            location = outcome.headers.get("location")
            if outcome.status not in REDIRECT_STATUSES or not location:
                return replace(outcome, url=url, redirects=tuple(hops))
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
        self, url: str, family: Family, *, headers: Mapping[str, str] | None = None
    ) -> Outcome:
        """One GET of `url` (retried like any fetch), its redirect not followed: for a client
        that follows redirects itself, the browser (`gkaudit.net.browser`), whose cookies and
        referrer travel in `headers`."""
        return await self._with_retries(url, family, "GET", True, headers)

    async def _with_retries(
        self,
        url: str,
        family: Family,
        method: str,
        read_body: bool,
        headers: Mapping[str, str] | None = None,
        *,
        cookies: AbstractCookieJar | None = None,
    ) -> Outcome:
        attempt = 0
        while True:
            attempt += 1
            outcome = await self._request(url, family, method, read_body, headers, cookies)
            if isinstance(outcome, FetchFailure) and outcome.stale and outcome.transient:
                # a connection idle in the pool closed by the server: once more, on a new one
                outcome = await self._request(url, family, method, read_body, headers, cookies)
            delay = retry_delay(
                outcome,
                attempt,
                retries=self.settings.retries,
                backoff=self.settings.backoff,
                max_wait=self.settings.max_retry_after,
            )
            if delay is None:
                return replace(outcome, attempts=attempt)
            await asyncio.sleep(delay)

    async def _request(
        self,
        url: str,
        family: Family,
        method: str,
        read_body: bool,
        headers: Mapping[str, str] | None = None,
        cookies: AbstractCookieJar | None = None,
    ) -> Outcome:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return FetchFailure(
                url, family, FailureKind.INVALID_URL, _("not an http(s) URL: {url}").format(url=url)
            )
        if ip_literal(parts.hostname) is not None:
            # aiohttp connects an IP literal without asking the resolver: guard it here
            if not self.settings.allow_private and is_private(parts.hostname):
                return PrivateAddress([parts.hostname]).failure(url, family)
            answer = await self.resolver.addresses(parts.hostname, family)
            if not answer.ok:
                return FetchFailure(url, family, FailureKind.DNS, answer.describe(), dns=answer)
        session = self._session(family)
        timeout = self.settings.timeout
        sent = _sent(cookies, url)
        if sent:
            headers = {**(headers or {}), "Cookie": sent}
        async with self.politeness.slot(parts.hostname):
            started = time.perf_counter()
            try:
                # One deadline for the whole exchange, so a server that drips a byte a second
                # cannot hold us past the timeout.
                async with (
                    asyncio.timeout(timeout),
                    session.request(
                        method, url, allow_redirects=False, headers=headers
                    ) as response,
                ):
                    address = peer.get()[0]
                    if cookies is not None:
                        cookies.update_cookies(response.cookies, response.url)
                    body = bytearray()
                    if read_body and method != "HEAD":
                        async for chunk in response.content.iter_any():
                            body += chunk
                            if len(body) > self.settings.max_bytes:
                                return FetchFailure(
                                    url,
                                    family,
                                    FailureKind.TOO_LARGE,
                                    _("body larger than {n:,} bytes").format(
                                        n=self.settings.max_bytes
                                    ),
                                )
                    content = bytes(body)
                    return Page(
                        url=url,
                        final_url=url,
                        family=family,
                        status=response.status,
                        headers=response.headers,
                        body=content,
                        address=address,
                        elapsed_ms=(time.perf_counter() - started) * 1000,
                        obstacle=self.obstacles.recognise(response.status, content),
                        scripted=script_built(content),
                    )
            except PrivateAddress as exc:
                return exc.failure(url, family)
            except DnsLookupFailed as exc:
                return FetchFailure(
                    url, family, FailureKind.DNS, exc.answer.describe(), dns=exc.answer
                )
            except TimeoutError:
                return FetchFailure(
                    url,
                    family,
                    FailureKind.TIMEOUT,
                    _("timeout after {seconds:g} s").format(seconds=timeout),
                )
            except (aiohttp.ClientError, ValueError) as exc:
                # ValueError: yarl refuses some URLs (a control character in the host)
                kind, message = classify(exc)
                return FetchFailure(url, family, kind, message, stale=peer.get()[1])


def _sent(cookies: AbstractCookieJar | None, url: str) -> str:
    """The Cookie header a browser with `cookies` would send to `url` ("" for none)."""
    if cookies is None:
        return ""
    chosen = cookies.filter_cookies(URL(url))
    return "; ".join(f"{name}={morsel.value}" for name, morsel in chosen.items())


def is_ip_host(url: str) -> bool:
    return ip_literal(urlsplit(url).hostname or "") is not None
