"""The IPv6 probe of one link, each host decided once: its AAAA record looked up once, and the
first link probed on it telling whether it takes IPv6 connections at all (the manual in
`check.py` says what counts as supported, failing and undecided)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from gkaudit.domains import host_of
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, Family
from gkaudit.net.http import FailureKind, FetchFailure, Outcome, Page, inconclusive, refusal
from gkaudit.site.context import SiteContext

#: Failures that happen before any path is sent: they hold for every link to the host.
HOST_FAILURES = frozenset(
    {
        FailureKind.DNS,
        FailureKind.REFUSED,
        FailureKind.RESET,
        FailureKind.TIMEOUT,
        FailureKind.TLS,
        FailureKind.NO_ROUTE,
    }
)
NO_ROUTE_CAUSE = N_("not probed: this scanner has no IPv6 route")


@dataclass(frozen=True, slots=True)
class Probe:
    """What the probe of one link concluded."""

    url: str
    host: str
    supported: bool | None  # None: undecided, the cause may be ours (`inconclusive`)
    cause: str = ""
    evidence: Evidence | None = None


class Prober:
    """Probes links over IPv6, deciding each host's reachability once."""

    def __init__(self, site: SiteContext) -> None:
        self._site = site
        self._hosts: dict[str, asyncio.Task[Probe | None]] = {}

    async def probe_all(self, urls: Sequence[str]) -> list[Probe]:
        return list(await asyncio.gather(*(self.probe(url) for url in urls)))

    async def probe(self, url: str) -> Probe:
        host = host_of(url)
        gate = self._hosts.get(host)
        if gate is None:
            # the first link asking decides for the host; the others wait for its answer
            gate = asyncio.ensure_future(self._host_failure(host, url))
            self._hosts[host] = gate
        blocked = await asyncio.shield(gate)
        if blocked is not None:
            return Probe(url, host, blocked.supported, blocked.cause, blocked.evidence)
        return await self._judge(url, host, await self._site.probe(url, Family.IPV6))

    def close(self) -> None:
        for gate in self._hosts.values():
            gate.cancel()

    async def _host_failure(self, host: str, url: str) -> Probe | None:
        """Why no link to `host` can work over IPv6, or None when links must be probed."""
        answer = await self._site.addresses(host, Family.IPV6)
        if not answer.ok:
            # a DNS answer that is not definite (timeout, SERVFAIL) is `inconclusive`: undecided
            decided = False if answer.definite else None
            return Probe(url, host, decided, answer.describe(), answer.evidence())
        outcome = await self._site.probe(url, Family.IPV6)
        if (
            isinstance(outcome, FetchFailure)
            and outcome.kind in HOST_FAILURES
            and not outcome.redirects
        ):
            return await self._judge(url, host, outcome)
        return None

    async def _judge(self, url: str, host: str, outcome: Outcome) -> Probe:
        if isinstance(outcome, Page) and outcome.status < 400:
            return Probe(url, host, True)
        if inconclusive(outcome):
            # the cause may be ours (no route, DNS silent, the portal refused gkaudit): a rate
            # limit after a few hundred probes must not make the portal fail
            if isinstance(outcome, FetchFailure) and outcome.kind is FailureKind.NO_ROUTE:
                return Probe(url, host, None, _(NO_ROUTE_CAUSE), outcome.evidence())
            return Probe(url, host, None, _hop(outcome) + briefly(outcome), _shown(outcome))
        if isinstance(outcome, Page):
            cause = _("HTTP {status} over IPv6").format(status=outcome.status)
            over_v4 = await self._site.probe(url, Family.IPV4)
            if isinstance(over_v4, Page) and over_v4.status >= 400:
                cause += _(", HTTP {status} over IPv4 too: a broken link").format(
                    status=over_v4.status
                )
            return Probe(url, host, False, cause, outcome.evidence())
        return Probe(url, host, False, _hop(outcome) + outcome.message, _shown(outcome))


def briefly(outcome: Outcome) -> str:
    """An outcome in a few words: the failure's message, or the status and what it says."""
    if isinstance(outcome, FetchFailure):
        return outcome.message.removeprefix(_("not fetched: "))
    if inconclusive(outcome):
        return refusal(outcome)
    return f"HTTP {outcome.status}"


def _hop(outcome: Outcome) -> str:
    if not outcome.redirects:
        return ""
    return _("redirect to {host}: ").format(host=host_of(outcome.redirects[-1]))


def _shown(outcome: Outcome) -> Evidence:
    """The evidence of one probe: on the link's own host, a DNS failure shows the DNS answer;
    after a redirect, the fetch shows the hops."""
    if isinstance(outcome, FetchFailure) and outcome.dns is not None and not outcome.redirects:
        return outcome.dns.evidence()
    return outcome.evidence()
