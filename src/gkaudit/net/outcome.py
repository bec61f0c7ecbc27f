"""What a fetch gives a rule: a `Page` (an HTTP response after redirects) or a `FetchFailure`
(no response, and why, in words an inspector understands), and whether the cause may be ours.

These are the vocabulary every rule reads; the `Fetcher` (net/http.py) makes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from gkaudit.i18n import _
from gkaudit.model import Family, HttpEvidence
from gkaudit.net.dns import DnsAnswer
from gkaudit.net.obstacles import Obstacle
from gkaudit.net.politeness import Wait, waited
from gkaudit.net.sniff import UNKNOWN_TYPES, sniffs_as_html

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
    RATE_LIMITED = "rate_limited"  # not fetched: the host's back-off outlasts the site's budget
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
        FailureKind.RATE_LIMITED,
    }
)
#: Failures that say nothing against the portal: our route, our robots.txt choice, our budget,
#: a rate limit we chose not to wait out.
OURS = frozenset(
    {
        FailureKind.NO_ROUTE,
        FailureKind.ROBOTS,
        FailureKind.BUDGET,
        FailureKind.PRIVATE,
        FailureKind.RATE_LIMITED,
    }
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
    #: The host's rate-limit back-offs this page waited out (net/politeness.py).
    waits: tuple[Wait, ...] = ()
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

    @property
    def released(self) -> bool:
        """The raw body was dropped once parsed (`release_body`)."""
        return self._size is not None

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
            note=self.note(),
        )

    def note(self) -> str | None:
        """`rate-limited by the site: waited 30 s (Retry-After), then HTTP 200`, if it was."""
        if not self.waits or self.obstacle is not None:
            return None  # an obstacle's own description says what was waited
        return _("rate-limited by the site: waited {waits}, then HTTP {status}").format(
            waits=waited(self.waits), status=self.status
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
