"""The portal's home page opens.

Why: Plan clause (十九); the national inspection indicators (国办秘函〔2019〕19号) veto a site that
does not open within 15 seconds in 5% of visits.

What it checks: the site's URL over IPv4 (over IPv6 when the host has no A record), following HTTP
redirects, a meta refresh, a script redirect on a stub page and the main frame of a frameset, at
most 10 hops. Transient failures (timeouts, resets, 429, 5xx) are retried with backoff before
anything is concluded.

Params: none; the timeout and retries are the scan's (`--timeout`).

Passes when the home page answers 2xx with an HTML page within the timeout.

Fails, naming the cause, when the name does not exist (DNS: NXDOMAIN) or has no address, the
connection is refused or reset, the server stays silent past the timeout, TLS fails (expired or
mismatched certificate), the answer is an HTTP error or not HTML, or the redirects loop.

Fails, too, when the home page is a maintenance notice ("网站维护中", "系统升级维护中，暂停访问"):
the public cannot use the portal, whoever asks.

Inconclusive (`error`) when the cause may be ours rather than the portal's: our DNS server did not
answer, this machine has no route to the address, or the portal refused gkaudit itself
(HTTP 401, 403, 412 or 429 after retries, or a firewall's challenge, block or rate-limit page at
any status, `gkaudit.net.obstacles`: a firewall that blocks unknown clients is not proof that
people cannot open the site). Never passes on such a page.

Evidence: the fetch (URL, address, status, every redirect hop, time) or the DNS answer; a note
when the home page lands on another registered domain than the configured one (an old domain
that 301s to the new): links within both count as the portal's own from then on.
"""

from __future__ import annotations

from gkaudit.declaration import CheckParams, check
from gkaudit.i18n import _, ngettext
from gkaudit.model import Evidence, Family, NoteEvidence, Verdict
from gkaudit.net.dns import Outcome
from gkaudit.net.http import FetchFailure, Page, inconclusive, refusal
from gkaudit.net.obstacles import ObstacleKind
from gkaudit.site.context import SiteContext


class Params(CheckParams):
    """No params: the timeout and retries are the scan's (`--timeout`)."""


@check("reachable", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    home = await site.home(Family.IPV4)
    if _no_ipv4_address(home):
        home = await site.home(Family.IPV6)
    if isinstance(home, FetchFailure):
        return _failure(home)
    evidence: list[Evidence] = [home.evidence()]
    hops = len(home.redirects)
    if home.obstacle is not None and home.obstacle.kind is ObstacleKind.MAINTENANCE:
        # the portal is closed to everyone, not to gkaudit alone
        return Verdict.failed(
            _(
                "the home page is a maintenance notice, the public cannot use the portal: {what}"
            ).format(what=home.obstacle.describe()),
            evidence,
            status=home.status,
        )
    if inconclusive(home):
        return Verdict.inconclusive(refusal(home), evidence, status=home.status)
    if not home.ok:
        return Verdict.failed(
            _("HTTP {status} at {url}").format(status=home.status, url=home.final_url),
            evidence,
            status=home.status,
        )
    if not home.is_html:
        kind = home.content_type or _("no content type")
        return Verdict.failed(_("the home page is not HTML ({kind})").format(kind=kind), evidence)
    if home.rendered:
        evidence.append(
            NoteEvidence(
                text=_("read in a headless browser: a script challenge stood in front of the page")
            )
        )
    if site.landed_domain is not None:
        evidence.append(
            NoteEvidence(
                text=_(
                    "the home page moved from {configured} to {landed}: links within both "
                    "domains are counted as the portal's own"
                ).format(configured=site.domain, landed=site.landed_domain)
            )
        )
    via = (
        ngettext(" after {n} redirect", " after {n} redirects", hops).format(n=hops) if hops else ""
    )
    via += _(" ({n} attempts)").format(n=home.attempts) if home.attempts > 1 else ""
    family = "" if home.family is Family.IPV4 else _(" over IPv6 (the host has no A record)")
    return Verdict.passed(
        _("HTTP {status} in {ms:.0f} ms{via}{family}").format(
            status=home.status, ms=home.elapsed_ms, via=via, family=family
        ),
        evidence,
        status=home.status,
        elapsed_ms=round(home.elapsed_ms, 1),
        hops=hops,
    )


def _no_ipv4_address(home: Page | FetchFailure) -> bool:
    return (
        isinstance(home, FetchFailure)
        and home.dns is not None
        and home.dns.outcome is Outcome.NODATA
        and not home.redirects
    )


def _failure(failure: FetchFailure) -> Verdict:
    evidence: list[Evidence] = [failure.evidence()]
    if failure.dns is not None:
        evidence.append(failure.dns.evidence())
    tries = _(" ({n} attempts)").format(n=failure.attempts) if failure.attempts > 1 else ""
    if inconclusive(failure):
        return Verdict.inconclusive(f"{failure.message}{tries}", evidence)
    # the English is the bare cause; the Chinese says it as a finding with what to fix
    return Verdict.failed(
        _("{message}{tries}").format(message=failure.message, tries=tries), evidence
    )
