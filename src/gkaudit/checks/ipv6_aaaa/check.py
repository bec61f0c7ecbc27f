"""The portal's host name has an IPv6 address (AAAA record).

Why: Plan clause (十九): portals must support IPv6. The national IPv6 monitoring platform's first
indicator is the DNS record: an AAAA record for the site's name, CNAME chains followed (a portal
behind a CDN passes when the CDN name it points to has AAAA).

What it checks: AAAA for the host of the site's URL and, when the home page redirects to another
host (e.g. `dl.gov.cn` -> `www.dl.gov.cn`), for that final host too.

Params: none.

Passes when every such host has at least one AAAA address.

Fails when one has none (NODATA) or does not exist (NXDOMAIN).

Inconclusive (`error`) when the DNS did not answer (timeout, SERVFAIL).

Evidence: for each host, the DNS answer: the CNAME chain and the addresses.
"""

from __future__ import annotations

from gkaudit.declaration import CheckParams, check
from gkaudit.domains import host_of
from gkaudit.i18n import _
from gkaudit.model import Family, Verdict
from gkaudit.net.http import Page
from gkaudit.site.context import SiteContext


class Params(CheckParams):
    """No params."""


@check("ipv6_aaaa", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    hosts = [site.site.host]
    home = await site.home()
    if isinstance(home, Page):
        final = host_of(home.final_url)
        if final and final not in hosts:
            hosts.append(final)
    answers = [await site.addresses(host, Family.IPV6) for host in hosts]
    evidence = [a.evidence() for a in answers]
    missing = [a for a in answers if a.definite and not a.ok]
    if missing:
        return Verdict.failed(
            _("{answers}: ask the DNS provider to add an AAAA record").format(
                answers=_("; ").join(a.describe() for a in missing)
            ),
            evidence,
        )
    unknown = [a for a in answers if not a.definite]
    if unknown:
        return Verdict.inconclusive(_("; ").join(a.describe() for a in unknown), evidence)
    return Verdict.passed(_("; ").join(a.describe() for a in answers), evidence)
