"""HTTP as the audit sees it: a page fetched over one address family, or the reason it was not.

The client is aiohttp, chosen by measurement (bench/README.md: about 0.1 ms of CPU per probe
against httpx2's 0.7-0.9 ms, and its pool keeps one connection per host alive). Connections go
to the addresses *our* resolver returned for the family asked (aiohttp's resolver is ours, like
`curl --resolve`), so "does it work over IPv6" is answered by connecting to the AAAA address,
while the hostname stays in the URL, the Host header and TLS SNI. Redirects are followed by hand
so every hop is resolved the same way and recorded. Transient failures (timeouts, resets, 429,
5xx) are retried with backoff; everything else is reported at once, in plain words.
"""

from __future__ import annotations

import asyncio
import contextvars
import errno
import random
import socket
import ssl
import time
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractCookieJar, AbstractResolver, ResolveResult
from aiohttp.client_reqrep import ClientRequest
from aiohttp.connector import Connection
from aiohttp.tracing import Trace
from yarl import URL

from gkaudit import __version__
from gkaudit.i18n import _
from gkaudit.model import Family, HttpEvidence
from gkaudit.net.dns import DnsAnswer, Resolver, ip_literal
from gkaudit.net.guard import allowed_by_environment, is_private
from gkaudit.net.obstacles import Markers, Obstacle, packaged, script_built
from gkaudit.net.politeness import Politeness
from gkaudit.net.sniff import UNKNOWN_TYPES, sniffs_as_html

DEFAULT_USER_AGENT = (
    f"gkaudit/{__version__} (government website audit; +https://github.com/gkaudit/gkaudit)"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Statuses that say the portal turned *us* away (a firewall, a rate limit), not that it is down.
#: 412 to a request without preconditions is 瑞数's challenge, even when no body says so (HEAD).
REFUSED_US = frozenset({401, 403, 412, 429})


class FailureKind(StrEnum):
    DNS = "dns"
    REFUSED = "refused"
    RESET = "reset"
    TIMEOUT = "timeout"
    TLS = "tls"
    NO_ROUTE = "no_route"  # this machine cannot reach that family at all
    TOO_LARGE = "too_large"
    REDIRECTS = "redirects"
    PROTOCOL = "protocol"
    INVALID_URL = "invalid_url"
    ROBOTS = "robots"  # not fetched: the portal's robots.txt disallows it
    BUDGET = "budget"  # not fetched: the site's page budget is spent
    PRIVATE = "private"  # not fetched: the address is private (net/guard.py)
    ERROR = "error"


TRANSIENT_FAILURES = frozenset({FailureKind.TIMEOUT, FailureKind.RESET})
#: HEAD failures a GET would meet the same way (the name, the URL, or our own choice).
GET_CANNOT_HELP = frozenset(
    {
        FailureKind.DNS,
        FailureKind.INVALID_URL,
        FailureKind.NO_ROUTE,
        FailureKind.ROBOTS,
        FailureKind.BUDGET,
        FailureKind.PRIVATE,
    }
)
#: Failures that say nothing about the portal: our route, our robots.txt choice, our budget.
OURS = frozenset(
    {FailureKind.NO_ROUTE, FailureKind.ROBOTS, FailureKind.BUDGET, FailureKind.PRIVATE}
)


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """A fetch that produced no HTTP response, and why, in words an inspector understands."""

    url: str
    family: Family
    kind: FailureKind
    message: str
    redirects: tuple[str, ...] = ()
    dns: DnsAnswer | None = None
    attempts: int = 1
    #: on a kept-alive connection the server may have closed meanwhile (a reset then is ours)
    stale: bool = False

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT_FAILURES

    def evidence(self) -> HttpEvidence:
        return HttpEvidence(
            url=self.url, family=self.family, redirects=self.redirects, error=self.message
        )


@dataclass(eq=False, slots=True)
class Page:
    """An HTTP response after redirects: status, headers, body (capped) and how it got here."""

    url: str
    final_url: str
    family: Family
    status: int
    headers: Mapping[str, str]
    body: bytes
    address: str | None
    redirects: tuple[str, ...] = ()
    elapsed_ms: float = 0.0
    attempts: int = 1
    #: What stands between us and the content, when the answer is a firewall's, a rate
    #: limit's or a maintenance page (`gkaudit.net.obstacles`): never read as content.
    obstacle: Obstacle | None = None
    #: Rendered by the headless browser (`gkaudit.net.browser`), its scripts run.
    rendered: bool = False
    #: A script fills the page's list (`gkaudit.net.obstacles.script_built`).
    scripted: bool = False
    _size: int | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def loads(self) -> bool:
        """2xx HTML of the portal's own (no obstacle page): a page a person can read."""
        return self.ok and self.is_html and self.obstacle is None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def is_html(self) -> bool:
        kind = self.content_type.split(";", 1)[0].strip().lower()
        if kind not in UNKNOWN_TYPES:
            return kind in ("text/html", "application/xhtml+xml")
        if self._size is not None:
            return True  # the body was released once parsed, so it was HTML
        return sniffs_as_html(self.body)

    @property
    def size(self) -> int:
        """Bytes of the body as received (the body itself is released once parsed)."""
        return self._size if self._size is not None else len(self.body)

    def release_body(self) -> None:
        """Drop the raw body, keeping its size: the `SiteContext` holds the parsed form, all a
        rule reads, and a site keeps dozens of pages until its last rule is done."""
        if self._size is None:
            self._size, self.body = len(self.body), b""

    def evidence(self) -> HttpEvidence:
        return HttpEvidence(
            url=self.url,
            family=self.family,
            status=self.status,
            final_url=self.final_url,
            address=self.address,
            redirects=self.redirects,
            elapsed_ms=round(self.elapsed_ms, 1),
        )


Outcome = Page | FetchFailure


def inconclusive(outcome: Outcome) -> bool:
    """The cause may be ours rather than the portal's, so the verdict is `error`, never `fail`:
    this machine has no route to the address; our DNS server did not answer definitely
    (timeout, SERVFAIL); gkaudit chose not to fetch (robots.txt, the page budget); or the
    portal refused gkaudit itself (a firewall that blocks unknown clients is no proof that
    people cannot open the page), or answered with an obstacle page (a challenge, a block
    page, a rate limit, a maintenance notice: nothing of the content could be read)."""
    if isinstance(outcome, FetchFailure):
        return outcome.kind in OURS or (outcome.dns is not None and not outcome.dns.definite)
    return outcome.status in REFUSED_US or outcome.obstacle is not None


def refusal(page: Page) -> str:
    """Why an answer that turned gkaudit away (`inconclusive`) could not be read, in words."""
    if page.obstacle is not None:
        return page.obstacle.describe()
    return _("HTTP {status}: the portal refused gkaudit (blocked?)").format(status=page.status)


class DnsLookupFailed(Exception):
    """Raised inside the connector when our resolver has no address for the family."""

    def __init__(self, answer: DnsAnswer) -> None:
        super().__init__(answer.describe())
        self.answer = answer


_SOCKET_FAMILY = {Family.IPV4: socket.AF_INET, Family.IPV6: socket.AF_INET6}


class PrivateAddress(Exception):
    """Raised inside the connector when every address of a host is one the guard refuses."""

    def __init__(self, addresses: Iterable[str]) -> None:
        super().__init__(", ".join(addresses))
        self.addresses = tuple(addresses)

    def failure(self, url: str, family: Family) -> FetchFailure:
        message = _("points to a private address ({address}), not fetched")
        return FetchFailure(
            url, family, FailureKind.PRIVATE, message.format(address=", ".join(self.addresses))
        )


class PinnedResolver(AbstractResolver):
    """aiohttp's resolver, answered by ours for one family: a hostname connects to the
    addresses our resolver gives, in order, while the URL, Host and TLS SNI keep the name.
    Unless private addresses are allowed, those are dropped (net/guard.py)."""

    def __init__(self, resolver: Resolver, family: Family, allow_private: bool) -> None:
        self._resolver = resolver
        self._family = family
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answer = await self._resolver.addresses(host, self._family)
        if not answer.ok:
            raise DnsLookupFailed(answer)
        addresses = answer.records
        if not self._allow_private:
            addresses = tuple(a for a in addresses if not is_private(a))
            if not addresses:
                raise PrivateAddress(answer.records)
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=_SOCKET_FAMILY[self._family],
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        pass


#: The address the current task's last request went to, and whether its connection came from
#: the pool (set by `PeerConnector.connect`, which runs in the requesting task): a response may
#: have closed or pooled its connection already when we look.
_peer: contextvars.ContextVar[tuple[str | None, bool]] = contextvars.ContextVar(
    "peer", default=(None, False)
)


class PeerConnector(aiohttp.TCPConnector):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._known: weakref.WeakSet[object] = weakref.WeakSet()

    async def connect(
        self,
        req: ClientRequest,
        traces: list[Trace],
        timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109 (aiohttp's interface)
    ) -> Connection:
        connection = await super().connect(req, traces, timeout)
        transport, protocol = connection.transport, connection.protocol
        peer = transport.get_extra_info("peername") if transport is not None else None
        reused = protocol in self._known
        if protocol is not None:
            self._known.add(protocol)
        _peer.set((str(peer[0]) if peer else None, reused))
        return connection


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
                family=_SOCKET_FAMILY[family],
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
            delay = self._retry_delay(outcome, attempt)
            if delay is None:
                return replace(outcome, attempts=attempt)
            await asyncio.sleep(delay)

    def _retry_delay(self, outcome: Outcome, attempt: int) -> float | None:
        """How long to wait before trying again, or None when the outcome is final."""
        if attempt > self.settings.retries:
            return None
        if isinstance(outcome, FetchFailure):
            if not outcome.transient:
                return None
        elif outcome.status not in TRANSIENT_STATUSES and not (
            outcome.obstacle is not None and outcome.obstacle.rate_limited
        ):
            return None  # a rate-limit page at 200 is a 429 in all but its status
        else:
            retry_after = _retry_after(outcome.headers.get("retry-after"))
            if retry_after is not None:
                if retry_after > self.settings.max_retry_after:
                    return None  # the server asks for longer than we will wait: report it
                return retry_after
        base: float = self.settings.backoff * 2 ** (attempt - 1)
        return base + random.uniform(0, base / 2)

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
                    address = _peer.get()[0]
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
                return FetchFailure(url, family, kind, message, stale=_peer.get()[1])


def classify(exc: BaseException) -> tuple[FailureKind, str]:
    """Name the cause of a transport failure: refused, reset, TLS, no route..."""
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return FailureKind.TLS, _("TLS: {reason}").format(
                reason=cause.verify_message or cause.reason or cause
            )
        if isinstance(cause, ssl.SSLError):
            return FailureKind.TLS, _("TLS: {reason}").format(reason=cause.reason or cause)
        if isinstance(cause, OSError) and cause.errno is not None:
            if cause.errno == errno.ECONNREFUSED:
                return FailureKind.REFUSED, _("connect: refused")
            if cause.errno in (
                errno.ENETUNREACH,
                errno.EHOSTUNREACH,
                errno.EADDRNOTAVAIL,
                errno.EAFNOSUPPORT,
            ):
                return FailureKind.NO_ROUTE, _("connect: {reason}").format(reason=cause.strerror)
            if cause.errno in (errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED):
                return FailureKind.RESET, _("connection reset")
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return FailureKind.RESET, _("connection closed without a response")
    if isinstance(exc, aiohttp.ClientPayloadError):
        return FailureKind.RESET, _("connection reset")
    if isinstance(exc, aiohttp.ClientConnectorError):
        if not exc.strerror:
            return FailureKind.REFUSED, _("connect: failed")
        return FailureKind.REFUSED, _("connect: {reason}").format(reason=exc.strerror)
    if isinstance(exc, aiohttp.ClientResponseError):
        # the parser's words, without the bytes it quotes
        words = exc.message.split(":", 1)[0].split(" '", 1)[0]
        return FailureKind.PROTOCOL, _("malformed HTTP: {reason}").format(
            reason=f"{words[:1].lower()}{words[1:]}"
        )
    if isinstance(exc, aiohttp.ClientOSError):
        return FailureKind.RESET, _("connection reset")
    if isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError | ValueError):
        return FailureKind.INVALID_URL, _("invalid URL: {url}").format(url=exc)
    return FailureKind.ERROR, f"{type(exc).__name__}: {exc}"


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _sent(cookies: AbstractCookieJar | None, url: str) -> str:
    """The Cookie header a browser with `cookies` would send to `url` ("" for none)."""
    if cookies is None:
        return ""
    chosen = cookies.filter_cookies(URL(url))
    return "; ".join(f"{name}={morsel.value}" for name, morsel in chosen.items())


def _retry_after(value: str | None) -> float | None:
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


def is_ip_host(url: str) -> bool:
    return ip_literal(urlsplit(url).hostname or "") is not None
