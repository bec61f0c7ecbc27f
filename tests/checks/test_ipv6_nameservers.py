"""ipv6_nameservers: the zone's name servers have AAAA and answer over IPv6, on real sockets.

Every zone is served by the one demo DNS server, on 127.0.0.1 and ::1, so a name server's AAAA
record is ::1 and the direct query goes to [::1] on the server's port.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gkaudit.checks.ipv6_nameservers.check import Params, run
from gkaudit.demo.dns import DnsFault, FaultKey
from gkaudit.model import DnsEvidence, NoteEvidence, Status, Verdict
from tests.checks.ipv6_support import AS_OF, no_ipv6_route
from tests.support.loopback import DUAL, IPV4_ONLY, Fleet, merge, zone

RECORDS = merge(
    zone("good.gov.cn", www=DUAL),
    # a cloud DNS provider outside the zone, dual-stack
    zone("cloud.gov.cn", www=DUAL, _={"NS": ["ns1.hwclouds-dns.com", "ns2.hwclouds-dns.com"]}),
    zone("hwclouds-dns.com", ns1=DUAL, ns2=DUAL),
    zone("v4ns.gov.cn", www=DUAL),
    zone("lame.gov.cn", www=DUAL),
    zone("refusing.gov.cn", www=DUAL),
    zone("nsfail.gov.cn", www=DUAL),
    zone("ghostns.gov.cn", www=DUAL, _={"NS": ["ns1.ghostns.gov.cn", "ns9.ghostns.gov.cn"]}),
    zone("slowns.gov.cn", www=DUAL),
)
# the second name server of v4ns.gov.cn is IPv4-only
RECORDS["ns2.v4ns.gov.cn"] = dict(IPV4_ONLY)

FAULTS: dict[FaultKey, DnsFault] = {
    # the SOA is only ever asked directly over IPv6, so these stand for faults over IPv6
    ("lame.gov.cn", "SOA"): DnsFault.DROP,
    ("refusing.gov.cn", "SOA"): DnsFault.SERVFAIL,
    ("nsfail.gov.cn", "NS"): DnsFault.SERVFAIL,
    ("ns2.slowns.gov.cn", "AAAA"): DnsFault.DROP,
}


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    # no portal serves a page: the home page the check fetches (to learn where it lands) is a
    # 404, and the configured zone is asked
    with Fleet(RECORDS, lambda _port: {}, faults=FAULTS) as running:
        yield running


async def check(fleet: Fleet, host: str) -> Verdict:
    async with fleet.scan(host, as_of=AS_OF, dns_timeout=0.3) as site:
        return await run(site, Params())


def notes(verdict: Verdict) -> list[str]:
    return [e.text for e in verdict.evidence if isinstance(e, NoteEvidence)]


async def test_dual_stack_name_servers_answering_over_ipv6_pass(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.good.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    assert verdict.message == (
        "all 2 name servers of good.gov.cn have IPv6 addresses (ns1.good.gov.cn, "
        "ns2.good.gov.cn); 2 answered the SOA query over IPv6"
    )
    assert verdict.metrics == {
        "nameservers": 2,
        "nameservers_ipv6": 2,
        "nameservers_answering": 2,
    }
    assert notes(verdict)[0].startswith(
        "ns1.good.gov.cn [::1]: answered the SOA query over IPv6 (ns1.good.gov.cn. "
    )
    queried = {(q.name, q.type, q.family) for q in fleet.dns.queries if q.type == "SOA"}
    assert ("good.gov.cn", "SOA", "ipv6") in queried


async def test_name_servers_outside_the_zone_count(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.cloud.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    assert "ns1.hwclouds-dns.com, ns2.hwclouds-dns.com" in verdict.message


async def test_a_name_server_without_aaaa_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.v4ns.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "1 of 2 name servers of v4ns.gov.cn has no IPv6 address: "
        "DNS: no AAAA record for ns2.v4ns.gov.cn"
    )
    assert verdict.metrics["nameservers_ipv6"] == 1
    aaaa = [(e.name, e.outcome) for e in verdict.evidence if isinstance(e, DnsEvidence)]
    assert aaaa == [
        ("v4ns.gov.cn", "answer"),
        ("ns1.v4ns.gov.cn", "answer"),
        ("ns2.v4ns.gov.cn", "nodata"),
    ]


async def test_a_name_server_that_does_not_exist_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.ghostns.gov.cn")
    assert verdict.status is Status.FAIL
    assert "DNS: NXDOMAIN for ns9.ghostns.gov.cn" in verdict.message


async def test_aaaa_that_does_not_answer_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.lame.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "none of the name servers of lame.gov.cn (ns1.lame.gov.cn, ns2.lame.gov.cn) answers "
        "for the zone over IPv6"
    )
    assert notes(verdict) == [
        "ns1.lame.gov.cn [::1]: no answer over IPv6 (timeout)",
        "ns2.lame.gov.cn [::1]: no answer over IPv6 (timeout)",
    ]
    assert verdict.metrics["nameservers_answering"] == 0


async def test_a_server_refusing_the_zone_over_ipv6_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.refusing.gov.cn")
    assert verdict.status is Status.FAIL
    assert (
        notes(verdict)[0]
        == "ns1.refusing.gov.cn [::1]: refused to answer for refusing.gov.cn (SERVFAIL)"
    )


async def test_unknown_name_servers_are_an_error(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.nsfail.gov.cn")
    assert verdict.status is Status.ERROR
    assert verdict.message.startswith(
        "the name servers of nsfail.gov.cn are unknown: DNS: SERVFAIL"
    )


async def test_a_silent_aaaa_lookup_is_an_error(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.slowns.gov.cn")
    assert verdict.status is Status.ERROR
    assert verdict.message.startswith("DNS: timeout for ns2.slowns.gov.cn")


async def test_a_portal_at_an_ip_address_has_no_zone_to_check(fleet: Fleet) -> None:
    verdict = await check(fleet, "127.0.0.1")
    assert verdict.status is Status.ERROR
    assert verdict.message == "the portal's URL names an IP address (127.0.0.1), not a zone"
    assert not fleet.dns.queries or all(q.name != "127.0.0.1" for q in fleet.dns.queries)


async def test_no_ipv6_route_is_an_error(fleet: Fleet, monkeypatch: pytest.MonkeyPatch) -> None:
    no_ipv6_route(monkeypatch)
    verdict = await check(fleet, "www.good.gov.cn")
    assert verdict.status is Status.ERROR
    assert verdict.message == (
        "no query reached the name servers of good.gov.cn over IPv6 from this scanner "
        "(no IPv6 route?)"
    )
    assert notes(verdict)[0] == (
        "ns1.good.gov.cn [::1]: could not be queried over IPv6 from here (Network is unreachable)"
    )
