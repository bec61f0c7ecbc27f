"""The portal's authoritative name servers are reachable over IPv6.

Why: Plan clause (十九): portals must support IPv6. One indicator of the national IPv6 monitors is
域名授权体系 (网站域名具备完整的IPv6域名授权体系): the authoritative name servers of the site's
domain have valid IPv6 addresses, so that a resolver with IPv6 only can resolve the portal. A
portal whose own name has AAAA but whose name servers are IPv4-only is unreachable for such a
resolver. The default plan gives this rule the severity `warning`: where the check fails, the
report shows `warn`.

What it checks: the NS records of the portal's zone, taken as its registered domain per the Public
Suffix List (`www.dl.gov.cn` -> `dl.gov.cn`), or, when its home page lands on another registered
domain (an old domain in sites.yaml that redirects every URL to the new one), the zone of the
domain it lands on, which is the one the public resolves; the AAAA records of every name server
(CNAMEs followed); then, at every one of those IPv6 addresses, directly and over IPv6, the SOA of
the zone (on port 53, or the port of `--nameserver`).

Params: none.

Passes when every name server has at least one AAAA address (the monitors' "complete"
authorization system: all of them dual-stack) and at least one of those addresses answers the
SOA query for the zone over IPv6.

Fails when a name server has no AAAA record (or its name does not exist), when the zone has no
NS records, or when no IPv6 address of any name server answers for the zone (no answer in time,
an error code such as REFUSED, or an answer without the zone's SOA: a lame delegation).

Inconclusive (`error`) when the NS records cannot be had (DNS timeout, SERVFAIL), when the AAAA
lookup of a name server fails that way and the others do not already fail the rule, or when no
query could be sent over IPv6 from this scanner (no IPv6 route) and none was answered.

Evidence: the zone the home page landed on, when it is not the configured one; the NS answer,
every name server's AAAA answer, and the outcome of the SOA query at
each IPv6 address. Metrics: `nameservers`, `nameservers_ipv6` (with AAAA),
`nameservers_answering` (with an IPv6 address that answered).
"""

from __future__ import annotations

import asyncio

from gkaudit.declaration import CheckParams, check
from gkaudit.i18n import _, ngettext
from gkaudit.model import Evidence, Family, NoteEvidence, Verdict
from gkaudit.net.dns import DnsAnswer, Outcome, ip_literal
from gkaudit.site.context import SiteContext


class Params(CheckParams):
    """No params: the DNS timeout is the scan's."""


@check("ipv6_nameservers", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    zone = site.domain
    if ip_literal(zone) is not None:
        return Verdict.inconclusive(
            _("the portal's URL names an IP address ({address}), not a zone").format(address=zone)
        )
    evidence: list[Evidence] = []
    await site.home()  # where the home page lands is known once it is fetched
    if site.landed_domain is not None and ip_literal(site.landed_domain) is None:
        zone = site.landed_domain
        evidence.append(
            NoteEvidence(
                text=_(
                    "the home page lands on {landed} (configured: {configured}): the name "
                    "servers of {landed} are the ones asked"
                ).format(landed=zone, configured=site.domain)
            )
        )
    ns = await site.dns(zone, "NS")
    evidence.append(ns.evidence())
    if not ns.definite:
        return Verdict.inconclusive(
            _("the name servers of {zone} are unknown: {why}").format(zone=zone, why=ns.describe()),
            evidence,
        )
    if not ns.ok:
        return Verdict.failed(
            _("{zone} has no NS records: {why}").format(zone=zone, why=ns.describe()), evidence
        )

    names = sorted(set(ns.records))
    aaaa = await asyncio.gather(*(site.addresses(name, Family.IPV6) for name in names))
    evidence += [answer.evidence() for answer in aaaa]
    without = [name for name, a in zip(names, aaaa, strict=True) if a.definite and not a.ok]
    unknown = [name for name, a in zip(names, aaaa, strict=True) if not a.definite]

    targets = [
        (name, address) for name, a in zip(names, aaaa, strict=True) for address in a.records
    ]
    replies = await asyncio.gather(*(_soa_at(site, address, zone) for _n, address in targets))
    answering: set[str] = set()
    unreachable = 0  # queries that could not even be sent: the fault may be ours
    for (name, address), reply in zip(targets, replies, strict=True):
        evidence.append(
            NoteEvidence(
                text=_("{name} [{address}]: {answer}").format(
                    name=name, address=address, answer=_describe(reply, zone)
                )
            )
        )
        if reply.ok:
            answering.add(name)
        elif reply.outcome is Outcome.ERROR:
            unreachable += 1

    metrics = {
        "nameservers": len(names),
        "nameservers_ipv6": len(names) - len(without) - len(unknown),
        "nameservers_answering": len(answering),
    }
    listed = _(", ").join(names)
    if without:
        return Verdict.failed(
            ngettext(
                "{n} of {total} name servers of {zone} has no IPv6 address: {why}",
                "{n} of {total} name servers of {zone} have no IPv6 address: {why}",
                len(without),
            ).format(
                n=len(without),
                total=len(names),
                zone=zone,
                why=_("; ").join(
                    a.describe() for n, a in zip(names, aaaa, strict=True) if n in without
                ),
            ),
            evidence,
            **metrics,
        )
    if unknown:
        return Verdict.inconclusive(
            _("; ").join(a.describe() for n, a in zip(names, aaaa, strict=True) if n in unknown),
            evidence,
            **metrics,
        )
    if answering:
        return Verdict.passed(
            _(
                "all {n} name servers of {zone} have IPv6 addresses ({names}); {answering} "
                "answered the SOA query over IPv6"
            ).format(n=len(names), zone=zone, names=listed, answering=len(answering)),
            evidence,
            **metrics,
        )
    if unreachable:
        return Verdict.inconclusive(
            _(
                "no query reached the name servers of {zone} over IPv6 from this scanner "
                "(no IPv6 route?)"
            ).format(zone=zone),
            evidence,
            **metrics,
        )
    return Verdict.failed(
        _("none of the name servers of {zone} ({names}) answers for the zone over IPv6").format(
            zone=zone, names=listed
        ),
        evidence,
        **metrics,
    )


async def _soa_at(site: SiteContext, address: str, zone: str) -> DnsAnswer:
    """The SOA of `zone` asked of the server at `address`, directly, not through a resolver."""
    return await site.query_at(address, zone, "SOA")


def _describe(reply: DnsAnswer, zone: str) -> str:
    detail = reply.detail.partition(": ")[2]
    if reply.ok:
        return _("answered the SOA query over IPv6 ({record})").format(record=reply.records[0])
    if reply.outcome is Outcome.TIMEOUT:
        return _("no answer over IPv6 (timeout)")
    if reply.outcome is Outcome.SERVFAIL:
        return _("refused to answer for {zone} ({detail})").format(
            zone=zone, detail=detail or "SERVFAIL"
        )
    if reply.outcome is Outcome.NXDOMAIN:
        return _(
            "answers NXDOMAIN for {zone}: it does not serve the zone (lame delegation)"
        ).format(zone=zone)
    if reply.outcome is Outcome.ERROR:
        return _("could not be queried over IPv6 from here ({detail})").format(
            detail=detail or "error"
        )
    return _(
        "answers without the SOA of {zone}: it does not serve the zone (lame delegation)"
    ).format(zone=zone)
