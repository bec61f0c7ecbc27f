"""What the probe of one link says about it: it opens, it is broken (and why), or it could not be
decided from here (and why)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gkaudit.i18n import _
from gkaudit.model import Evidence, Family
from gkaudit.net.dns import Outcome as DnsOutcome
from gkaudit.net.http import FailureKind, FetchFailure, Outcome, Page, inconclusive, refusal
from gkaudit.site.context import SiteContext


class State(StrEnum):
    OK = "ok"
    BROKEN = "broken"
    UNDECIDED = "undecided"  # the cause may be ours, or the portal's firewall turned us away


#: Failures that prove the link broken: the name does not exist, nothing listens, the
#: redirects go nowhere, the URL cannot be requested. The others (timeout, reset, TLS, a
#: malformed answer) may be a firewall's or this network's doing.
BROKEN_FAILURES = frozenset(
    {FailureKind.DNS, FailureKind.REFUSED, FailureKind.REDIRECTS, FailureKind.INVALID_URL}
)


@dataclass(frozen=True, slots=True)
class Judged:
    """One link, where it was found, and what its probe concluded."""

    url: str
    text: str
    page: str  # the page that links it
    state: State
    cause: str = ""
    evidence: Evidence | None = None


async def judge(site: SiteContext, url: str, text: str, page: str) -> Judged:
    """Probe `url` over IPv4 (the family the home page is read over) and judge the answer; a
    host with no A record is tried over IPv6, as a dual-stack visitor's browser would."""
    outcome = await site.probe(url, Family.IPV4)
    if (
        isinstance(outcome, FetchFailure)
        and outcome.dns is not None
        and outcome.dns.outcome is DnsOutcome.NODATA
    ):
        over_v6 = await site.probe(url, Family.IPV6)
        state, cause = classify(over_v6)
        if state is State.OK:
            return Judged(url, text, page, State.OK)
        if state is State.BROKEN:
            cause = _("{ipv4}; over IPv6: {ipv6}").format(ipv4=outcome.message, ipv6=cause)
        return Judged(url, text, page, state, cause, over_v6.evidence())
    state, cause = classify(outcome)
    shown = None if state is State.OK else outcome.evidence()
    return Judged(url, text, page, state, cause, shown)


def classify(outcome: Outcome) -> tuple[State, str]:
    """The state of a link from its probe, and the cause in a few words when it is not OK."""
    if isinstance(outcome, Page):
        if outcome.status < 400:
            return State.OK, ""
        if inconclusive(outcome):
            return State.UNDECIDED, refusal(outcome)
        if outcome.status == 503 and outcome.headers.get("retry-after"):
            return State.UNDECIDED, _(
                "HTTP 503 with Retry-After: busy or under maintenance, try later"
            )
        return State.BROKEN, f"HTTP {outcome.status}"
    message = outcome.message.removeprefix("not fetched: ")
    if inconclusive(outcome) or outcome.kind not in BROKEN_FAILURES:
        return State.UNDECIDED, message
    return State.BROKEN, message
