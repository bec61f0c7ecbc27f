"""The home page opens over IPv6, with the same content as over IPv4.

Why: Plan clause (十九): portals must support IPv6. The national IPv6 monitors
(国家IPv6发展监测平台, and the 中央网信办 routine monitoring) test more than an AAAA record:
网站首页IPv6可访问 (the home page opens over IPv6) and 网站首页内容IPv6和IPv4的一致性 (the same
content over both families, which catches a test page or "建设中" placeholder put on the IPv6
address).

What it checks: the home page twice, as a browser shows it (HTTP redirects, meta refresh, a script
redirect on a stub page, the main frame of a frameset, at most 10 hops): once over IPv4, once over
IPv6 only, connecting to the AAAA addresses of the host and, for every redirect hop, of that hop's
host. Then it compares the two pages: the title (normalized: full-width forms and whitespace
folded) and the length of the visible text.

Params:
- `max_text_delta` (0.10): the largest accepted difference in visible text length, as a share
  of the IPv4 page's (dynamic parts such as the date line or a news ticker differ a little).

Passes when both answers are 2xx, the titles are the same and the visible text lengths differ
by at most `max_text_delta`.

Fails, saying which, when the host (or a redirect hop's host) has no AAAA record or does not
exist, the connection over IPv6 is refused or reset, times out or fails TLS, the IPv6 answer
has another status than the IPv4 one (the IPv4 one being 2xx), or the IPv6 page is a
placeholder: another title or much less (or more) text (both titles are shown).

Inconclusive (`error`) whenever the cause may be ours (`gkaudit.net.http.inconclusive`): this
scanner has no IPv6 route (the connect fails with "network is unreachable": a scanner without
IPv6 must not accuse portals), the DNS did not answer (timeout, SERVFAIL), or the portal refused
gkaudit itself over either family (HTTP 401, 403, 429: a firewall or a rate limit that turns
the scanner away is no proof that people cannot open the page over IPv6). Also inconclusive
when the home page fails or is not 2xx over IPv4 (nothing to compare with; `site.reachable`
reports that), unless IPv6 fails for a definite reason of its own (no AAAA record), which
fails.

Evidence: both fetches (URL, family, address, status, redirect hops), the DNS answer when there
is no AAAA, and both pages' titles. Metrics: `status_ipv4`, `status_ipv6`, `text_ipv4`,
`text_ipv6` (visible characters), `text_delta` (share of the IPv4 length).
"""

from __future__ import annotations

import asyncio

from pydantic import Field

from gkaudit.declaration import CheckParams, check
from gkaudit.domains import host_of
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, Family, HtmlEvidence, Metric, Verdict
from gkaudit.net.http import FailureKind, FetchFailure, Page, inconclusive
from gkaudit.site.context import SiteContext
from gkaudit.text import normalize


class Params(CheckParams):
    """How much the IPv6 page's visible text may differ from the IPv4 page's."""

    max_text_delta: float = Field(
        0.10, ge=0.0, description=N_("largest difference in visible text length, share of IPv4's")
    )


@check("ipv6_reachable", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    v4, v6 = await asyncio.gather(site.home(Family.IPV4), site.home(Family.IPV6))
    evidence: list[Evidence] = [v4.evidence(), v6.evidence()]

    if isinstance(v6, FetchFailure):
        return _ipv6_failed(v6, v4, evidence)
    if inconclusive(v6):  # the portal refused gkaudit over IPv6: people may well get in
        metrics: dict[str, Metric] = {"status_ipv6": v6.status}
        if isinstance(v4, Page):
            metrics["status_ipv4"] = v4.status
        over_v4 = (
            _("IPv4: HTTP {status}").format(status=v4.status)
            if isinstance(v4, Page)
            else _("IPv4: {message}").format(message=v4.message)
        )
        return Verdict.inconclusive(
            _(
                "over IPv6{hop}: {refused}; IPv6 support cannot be judged from here ({over_v4})"
            ).format(hop=_hop(v6), refused=_refused(v6), over_v4=over_v4),
            evidence,
            **metrics,
        )
    if isinstance(v4, FetchFailure):
        return Verdict.inconclusive(
            _(
                "the home page failed over IPv4 ({message}), so there is nothing to compare "
                "the IPv6 answer (HTTP {status}) with"
            ).format(message=v4.message, status=v6.status),
            evidence,
            status_ipv6=v6.status,
        )
    statuses = {"status_ipv4": v4.status, "status_ipv6": v6.status}
    if not v4.ok or v4.obstacle is not None:
        answer = (
            _("over IPv4: {refused}").format(refused=_refused(v4))
            if inconclusive(v4)
            else _("the home page answers HTTP {status} over IPv4").format(status=v4.status)
        )
        return Verdict.inconclusive(
            _(
                "{answer}, so there is nothing to compare the IPv6 answer (HTTP {status}) with"
            ).format(answer=answer, status=v6.status),
            evidence,
            **statuses,
        )
    if not v6.ok:
        return Verdict.failed(
            _("different status over IPv6: HTTP {status} at {url} (IPv4: HTTP {status4})").format(
                status=v6.status, url=v6.final_url, status4=v4.status
            ),
            evidence,
            **statuses,
        )

    title4, length4 = _content(site, v4)
    title6, length6 = _content(site, v6)
    none = _("(none)")
    delta = abs(length6 - length4) / max(length4, 1)
    evidence += [
        HtmlEvidence(url=v4.final_url, text=_("IPv4 title: {title}").format(title=title4 or none)),
        HtmlEvidence(url=v6.final_url, text=_("IPv6 title: {title}").format(title=title6 or none)),
    ]
    metrics = {
        **statuses,
        "text_ipv4": length4,
        "text_ipv6": length6,
        "text_delta": round(delta, 3),
    }
    if normalize(title6) != normalize(title4):
        return Verdict.failed(
            _("placeholder content over IPv6: IPv6 title {title6!r}, IPv4 title {title4!r}").format(
                title6=title6 or none, title4=title4 or none
            ),
            evidence,
            **metrics,
        )
    if delta > params.max_text_delta:
        return Verdict.failed(
            _(
                "placeholder content over IPv6: {length6:,} characters of text against "
                "{length4:,} over IPv4 ({delta:.0%} apart, more than {limit:.0%}), under the "
                "same title {title!r}"
            ).format(
                length6=length6,
                length4=length4,
                delta=delta,
                limit=params.max_text_delta,
                title=title6 or none,
            ),
            evidence,
            **metrics,
        )
    address = _(" from {address}").format(address=v6.address) if v6.address else ""
    return Verdict.passed(
        _(
            "HTTP {status} over IPv6{address} with the same content as over IPv4 "
            "(title {title!r}, text {delta:.0%} apart)"
        ).format(status=v6.status, address=address, title=title6 or none, delta=delta),
        evidence,
        **metrics,
    )


def _ipv6_failed(v6: FetchFailure, v4: Page | FetchFailure, evidence: list[Evidence]) -> Verdict:
    if v6.dns is not None:
        evidence.append(v6.dns.evidence())
    hop = _hop(v6)
    if v6.kind is FailureKind.NO_ROUTE:
        return Verdict.inconclusive(
            _(
                "this scanner has no IPv6 route ({message}); IPv6 support cannot be judged "
                "from here"
            ).format(message=v6.message),
            evidence,
        )
    if inconclusive(v6):  # our DNS server did not answer definitely
        return Verdict.inconclusive(
            _("over IPv6{hop}: {message}").format(hop=hop, message=v6.message), evidence
        )
    over_v4 = (
        _("IPv4: HTTP {status}").format(status=v4.status)
        if isinstance(v4, Page)
        else _("IPv4 fails too: {message}").format(message=v4.message)
    )
    if v6.kind is FailureKind.DNS:
        # no AAAA (or no such name) is the portal's own answer, whatever IPv4 does
        if v6.redirects:
            message = _("{message}, where the home page redirects ({over_v4})")
        else:
            message = _("{message} ({over_v4})")
        return Verdict.failed(message.format(message=v6.message, over_v4=over_v4), evidence)
    if isinstance(v4, FetchFailure):
        # the portal may simply be down: site.reachable reports that, this rule cannot tell
        return Verdict.inconclusive(
            _(
                "the home page fails over both families (IPv6{hop}: {message6}; IPv4: "
                "{message4}), so IPv6 cannot be judged"
            ).format(hop=hop, message6=v6.message, message4=v4.message),
            evidence,
        )
    if inconclusive(v4):
        # a firewall that turns gkaudit away over IPv4 may well drop it over IPv6 too
        return Verdict.inconclusive(
            _(
                "over IPv6{hop}: {message}, but the portal refuses gkaudit over IPv4 too "
                "({refused}), so IPv6 cannot be judged"
            ).format(hop=hop, message=v6.message, refused=_refused(v4)),
            evidence,
            status_ipv4=v4.status,
        )
    tries = _(" (after {n} attempts)").format(n=v6.attempts) if v6.attempts > 1 else ""
    return Verdict.failed(
        _("over IPv6{hop}: {message}{tries} ({over_v4})").format(
            hop=hop, message=v6.message, tries=tries, over_v4=over_v4
        ),
        evidence,
        status_ipv4=v4.status,
    )


def _hop(outcome: Page | FetchFailure) -> str:
    if not outcome.redirects:
        return ""
    return _(" after the redirect to {host}").format(host=host_of(outcome.redirects[-1]))


def _refused(page: Page) -> str:
    """An answer that turns gkaudit itself away (HTTP 401, 403, 412, 429, an obstacle page),
    as site.reachable says it."""
    tries = _(" after {n} attempts").format(n=page.attempts) if page.attempts > 1 else ""
    if page.obstacle is not None:
        return f"{page.obstacle.describe()}{tries}"
    return _("HTTP {status}{tries}: the portal refused gkaudit (blocked?)").format(
        status=page.status, tries=tries
    )


def _content(site: SiteContext, page: Page) -> tuple[str, int]:
    """Title and visible text length; a non-HTML answer is measured by its body."""
    if page.is_html:
        doc = site.document(page)
        return doc.title, len(normalize(doc.text))
    return "", page.size
