"""HTTP as the audit sees it: a page fetched over one address family, or the reason it was not.

Connections go to the addresses *our* resolver returned for the family asked (a pinned network
backend, like `curl --resolve`), so "does it work over IPv6" is answered by connecting to the AAAA
address, while the hostname stays in the URL, the Host header and TLS SNI. Redirects are followed
by hand so every hop is resolved the same way and recorded. Transient failures (timeouts, resets,
429, 5xx) are retried with backoff; everything else is reported at once, in plain words.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import random
import ssl
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import httpcore2
import httpx2
from httpcore2 import AsyncNetworkBackend, AsyncNetworkStream
from httpcore2._backends.auto import AutoBackend

from gkaudit import __version__
from gkaudit.model import Family, HttpEvidence
from gkaudit.net.dns import DnsAnswer, Resolver, ip_literal

if TYPE_CHECKING:
    from gkaudit.html import Document

DEFAULT_USER_AGENT = (
    f"gkaudit/{__version__} (government website audit; +https://github.com/gkaudit/gkaudit)"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Statuses that say the portal turned *us* away (a firewall, a rate limit), not that it is down.
REFUSED_US = frozenset({401, 403, 429})


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
    ERROR = "error"


TRANSIENT_FAILURES = frozenset({FailureKind.TIMEOUT, FailureKind.RESET})
#: Failures that say nothing about the portal: our route, our robots.txt choice, our budget.
OURS = frozenset({FailureKind.NO_ROUTE, FailureKind.ROBOTS, FailureKind.BUDGET})


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
    #: "Today" of the scan, set by the SiteContext that fetched the page: the year of short
    #: dates like `[11-20]` is inferred relative to it.
    today: dt.date | None = None
    _document: Document | None = field(default=None, repr=False)
    _size: int | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def loads(self) -> bool:
        """2xx HTML: a page a person can read."""
        return self.ok and self.is_html

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def is_html(self) -> bool:
        kind = self.content_type.split(";", 1)[0].strip().lower()
        if kind:
            return kind in ("text/html", "application/xhtml+xml")
        if self._document is not None:
            return True  # parsed, so it was HTML
        head = self.body[:512].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html", b"<head", b"<frameset"))

    @property
    def size(self) -> int:
        """Bytes of the body as received (the body itself is released once parsed)."""
        return self._size if self._size is not None else len(self.body)

    def document(self) -> Document:
        """The page decoded and parsed, once. The raw body is released then: a site keeps
        dozens of pages until its last rule is done, and the parsed form is all they read."""
        if self._document is None:
            from gkaudit.html import parse

            self._document = parse(
                self.body, self.final_url, self.content_type or None, today=self.today
            )
            self._size, self.body = len(self.body), b""
        return self._document

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
    people cannot open the page)."""
    if isinstance(outcome, FetchFailure):
        return outcome.kind in OURS or (outcome.dns is not None and not outcome.dns.definite)
    return outcome.status in REFUSED_US


class DnsLookupFailed(Exception):
    """Raised inside the connection pool when our resolver has no address for the family."""

    def __init__(self, answer: DnsAnswer) -> None:
        super().__init__(answer.describe())
        self.answer = answer


class PinnedBackend(AsyncNetworkBackend):
    """Connects a hostname to the addresses our resolver gives for one family, in order."""

    def __init__(self, resolver: Resolver, family: Family) -> None:
        self._resolver = resolver
        self._family = family
        self._backend = AutoBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> AsyncNetworkStream:
        answer = await self._resolver.addresses(host, self._family)
        if not answer.ok:
            raise DnsLookupFailed(answer)
        error: Exception | None = None
        for address in answer.records:
            try:
                return await self._backend.connect_tcp(
                    address, port, timeout=timeout, socket_options=socket_options
                )
            except (httpcore2.ConnectError, httpcore2.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


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


class Fetcher:
    """One HTTP client per address family for the whole run; every fetch goes through here."""

    def __init__(self, resolver: Resolver, settings: FetchSettings | None = None) -> None:
        self.settings = settings = settings or FetchSettings()
        self.resolver = resolver
        self.politeness = Politeness(settings.concurrency, settings.per_host, settings.interval)
        context: ssl.SSLContext | bool = (
            ssl.create_default_context() if settings.verify_tls else False
        )
        self._clients = {family: self._client(family, context) for family in Family}

    def _client(self, family: Family, tls: ssl.SSLContext | bool) -> httpx2.AsyncClient:
        limits = httpx2.Limits(
            max_connections=self.settings.concurrency,
            max_keepalive_connections=self.settings.concurrency,
            keepalive_expiry=30,
        )
        transport = httpx2.AsyncHTTPTransport(verify=tls, limits=limits, trust_env=False)
        # httpx exposes no network_backend argument; the pool is rebuilt with ours so that
        # connections go to our resolver's addresses for this family (perf notes §1.4).
        transport._pool = httpcore2.AsyncConnectionPool(
            ssl_context=transport._pool._ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(self.resolver, family),
        )
        return httpx2.AsyncClient(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx2.Timeout(self.settings.timeout),
            headers={
                "User-Agent": self.settings.user_agent,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
            },
        )

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    async def fetch(
        self, url: str, family: Family = Family.IPV4, *, method: str = "GET", read_body: bool = True
    ) -> Outcome:
        """The response at `url` after HTTP redirects (each hop over `family`), or a failure."""
        hops: list[str] = []
        seen = {url}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            outcome = await self._with_retries(current, family, method, read_body)
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
                    f"redirect to a non-HTTP URL: {target}",
                    tuple(hops),
                )
            hops.append(target)
            if target in seen:
                return FetchFailure(
                    url,
                    family,
                    FailureKind.REDIRECTS,
                    f"redirect loop back to {target}",
                    tuple(hops),
                )
            seen.add(target)
            if outcome.status == 303:
                method = "GET"
            current = target
        return FetchFailure(
            url,
            family,
            FailureKind.REDIRECTS,
            f"more than {self.settings.max_redirects} redirects",
            tuple(hops),
        )

    async def _with_retries(
        self, url: str, family: Family, method: str, read_body: bool
    ) -> Outcome:
        attempt = 0
        while True:
            attempt += 1
            outcome = await self._request(url, family, method, read_body)
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
        elif outcome.status not in TRANSIENT_STATUSES:
            return None
        else:
            retry_after = _retry_after(outcome.headers.get("retry-after"))
            if retry_after is not None:
                if retry_after > self.settings.max_retry_after:
                    return None  # the server asks for longer than we will wait: report it
                return retry_after
        base: float = self.settings.backoff * 2 ** (attempt - 1)
        return base + random.uniform(0, base / 2)

    async def _request(self, url: str, family: Family, method: str, read_body: bool) -> Outcome:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return FetchFailure(url, family, FailureKind.INVALID_URL, f"not an http(s) URL: {url}")
        client = self._clients[family]
        timeout = self.settings.timeout
        async with self.politeness.slot(parts.hostname):
            started = time.perf_counter()
            try:
                # One deadline for the whole exchange, so a server that drips a byte a second
                # cannot hold us past the timeout.
                async with asyncio.timeout(timeout):
                    async with client.stream(method, url) as response:
                        address = _peer_address(response)  # before the server may close
                        body = bytearray()
                        if read_body and method != "HEAD":
                            async for chunk in response.aiter_bytes():
                                body += chunk
                                if len(body) > self.settings.max_bytes:
                                    return FetchFailure(
                                        url,
                                        family,
                                        FailureKind.TOO_LARGE,
                                        f"body larger than {self.settings.max_bytes:,} bytes",
                                    )
                        return Page(
                            url=url,
                            final_url=url,
                            family=family,
                            status=response.status_code,
                            headers=response.headers,
                            body=bytes(body),
                            address=address,
                            elapsed_ms=(time.perf_counter() - started) * 1000,
                        )
            except DnsLookupFailed as exc:
                return FetchFailure(
                    url, family, FailureKind.DNS, exc.answer.describe(), dns=exc.answer
                )
            except TimeoutError:
                return FetchFailure(
                    url, family, FailureKind.TIMEOUT, f"timeout after {timeout:g} s"
                )
            except httpx2.TimeoutException as exc:
                phase = "connect" if isinstance(exc, httpx2.ConnectTimeout) else "read"
                return FetchFailure(
                    url, family, FailureKind.TIMEOUT, f"{phase} timeout after {timeout:g} s"
                )
            except (httpx2.HTTPError, httpx2.InvalidURL) as exc:
                # InvalidURL is no HTTPError: a link with a control character in its host
                kind, message = classify(exc)
                return FetchFailure(url, family, kind, message)


def classify(exc: BaseException) -> tuple[FailureKind, str]:
    """Name the cause of a transport failure: refused, reset, TLS, no route..."""
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return FailureKind.TLS, f"TLS: {cause.verify_message or cause.reason or cause}"
        if isinstance(cause, ssl.SSLError):
            return FailureKind.TLS, f"TLS: {cause.reason or cause}"
        if isinstance(cause, OSError) and cause.errno is not None:
            if cause.errno == errno.ECONNREFUSED:
                return FailureKind.REFUSED, "connect: refused"
            if cause.errno in (
                errno.ENETUNREACH,
                errno.EHOSTUNREACH,
                errno.EADDRNOTAVAIL,
                errno.EAFNOSUPPORT,
            ):
                return FailureKind.NO_ROUTE, f"connect: {cause.strerror}"
            if cause.errno in (errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED):
                return FailureKind.RESET, "connection reset"
    if isinstance(exc, httpx2.ConnectError):
        text = str(exc)
        if "refused" in text.lower():
            return FailureKind.REFUSED, "connect: refused"
        return FailureKind.REFUSED, f"connect: {text or 'failed'}"
    if isinstance(exc, httpx2.RemoteProtocolError):
        text = str(exc)
        if "without sending" in text or "disconnected" in text.lower():
            return FailureKind.RESET, "connection closed without a response"
        # h11 quotes the offending bytes as a bytearray repr: keep only its own words
        return FailureKind.PROTOCOL, f"malformed HTTP: {text.split(':', 1)[0]}"
    if isinstance(exc, httpx2.ReadError | httpx2.WriteError):
        return FailureKind.RESET, "connection reset"
    if isinstance(exc, httpx2.UnsupportedProtocol | httpx2.InvalidURL):
        return FailureKind.INVALID_URL, str(exc)
    if isinstance(exc, httpx2.DecodingError):
        return FailureKind.PROTOCOL, f"undecodable body: {exc}"
    return FailureKind.ERROR, f"{type(exc).__name__}: {exc}"


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _peer_address(response: httpx2.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    peer = stream.get_extra_info("server_addr")
    return str(peer[0]) if peer else None


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
