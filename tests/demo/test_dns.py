"""The demo DNS server answers like an authoritative server, over UDP and TCP, on both families.

Every query goes straight to the server's loopback address and port with dnspython's
`dns.query`/`dns.asyncquery`; nothing here uses the machine's resolver.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import dns.asyncquery
import dns.asyncresolver
import dns.exception
import dns.flags
import dns.message
import dns.nameserver
import dns.rcode
import dns.rdatatype
import pytest

from gkaudit.demo.dns import DnsFault, DnsServer, Query, Records

RECORDS: Records = {
    "example.gov.cn": {
        "SOA": ["ns1.example.gov.cn. hostmaster.example.gov.cn. 2026112901 3600 900 1209600 300"],
        "NS": ["ns1.example.gov.cn", "ns2.example.gov.cn"],
    },
    "ns1.example.gov.cn": {"A": ["127.0.0.1"], "AAAA": ["::1"]},
    "ns2.example.gov.cn": {"A": "127.0.0.1"},  # a single string is one value
    "www.example.gov.cn": {"A": ["127.0.0.1"], "AAAA": ["::1"]},
    "v4.example.gov.cn": {"A": ["127.0.0.1"]},
    "cdn.example.gov.cn": {"CNAME": ["customer.w.cdn.test"]},
    "away.example.gov.cn": {"CNAME": ["www.elsewhere.org"]},
    "dangling.example.gov.cn": {"CNAME": ["gone.example.gov.cn"]},
    "loop1.example.gov.cn": {"CNAME": ["loop2.example.gov.cn"]},
    "loop2.example.gov.cn": {"CNAME": ["loop1.example.gov.cn"]},
    "a.b.example.gov.cn": {"A": ["127.0.0.1"]},
    "flaky.example.gov.cn": {"A": ["127.0.0.1"]},
    "tc.example.gov.cn": {"A": ["127.0.0.1"]},
    "big.example.gov.cn": {"TXT": [f'"{n}{"x" * 250}"' for n in range(8)]},
    "cdn.test": {"NS": ["ns.cdn.test"]},  # no SOA given: one is made up
    "ns.cdn.test": {"A": ["127.0.0.1"]},
    "customer.w.cdn.test": {"CNAME": ["edge.cdn.test"]},
    "edge.cdn.test": {"A": ["127.0.0.2"], "AAAA": ["::1"]},
}
FAULTS: dict[str | tuple[str, str], DnsFault] = {
    "servfail.example.gov.cn": DnsFault.SERVFAIL,
    "drop.example.gov.cn": DnsFault.DROP,
    ("tc.example.gov.cn", "A"): DnsFault.TRUNCATE,
}

Ask = Callable[[str, str], dns.message.Message]
WHERE = ("127.0.0.1", "::1")


@pytest.fixture(scope="module")
def server() -> Iterator[DnsServer]:
    with DnsServer(RECORDS, faults=FAULTS) as running:
        yield running


def _ask(server: DnsServer, transport: str, where: str) -> Ask:
    def ask(name: str, rdtype: str) -> dns.message.Message:
        query = dns.message.make_query(name, rdtype)
        if transport == "udp":
            return dns.query.udp(query, where, port=server.port, timeout=2)
        return dns.query.tcp(query, where, port=server.port, timeout=2)

    return ask


@pytest.fixture(params=[(t, w) for t in ("udp", "tcp") for w in WHERE], ids=lambda p: "-".join(p))
def ask(request: pytest.FixtureRequest, server: DnsServer) -> Ask:
    transport, where = request.param
    return _ask(server, transport, where)


def _answers(response: dns.message.Message) -> list[tuple[str, str, str]]:
    return [
        (rrset.name.to_text(), dns.rdatatype.to_text(rrset.rdtype), rdata.to_text())
        for rrset in response.answer
        for rdata in rrset
    ]


def test_a_and_aaaa_are_authoritative(ask: Ask) -> None:
    a = ask("www.example.gov.cn", "A")
    aaaa = ask("www.example.gov.cn", "AAAA")
    assert a.rcode() == dns.rcode.NOERROR and a.flags & dns.flags.AA
    assert _answers(a) == [("www.example.gov.cn.", "A", "127.0.0.1")]
    assert _answers(aaaa) == [("www.example.gov.cn.", "AAAA", "::1")]


def test_a_cname_chain_comes_with_its_final_records(ask: Ask) -> None:
    response = ask("cdn.example.gov.cn", "AAAA")
    assert _answers(response) == [
        ("cdn.example.gov.cn.", "CNAME", "customer.w.cdn.test."),
        ("customer.w.cdn.test.", "CNAME", "edge.cdn.test."),
        ("edge.cdn.test.", "AAAA", "::1"),
    ]
    assert _answers(ask("cdn.example.gov.cn", "CNAME")) == [
        ("cdn.example.gov.cn.", "CNAME", "customer.w.cdn.test.")
    ]


def test_ns_answers_carry_glue(ask: Ask) -> None:
    response = ask("example.gov.cn", "NS")
    assert sorted(r[2] for r in _answers(response)) == [
        "ns1.example.gov.cn.",
        "ns2.example.gov.cn.",
    ]
    glue = {
        (rrset.name.to_text(), dns.rdatatype.to_text(rrset.rdtype)) for rrset in response.additional
    }
    assert glue == {
        ("ns1.example.gov.cn.", "A"),
        ("ns1.example.gov.cn.", "AAAA"),
        ("ns2.example.gov.cn.", "A"),
    }


def test_unknown_name_is_nxdomain_with_the_soa(ask: Ask) -> None:
    response = ask("nope.example.gov.cn", "A")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert response.flags & dns.flags.AA
    assert not response.answer
    assert [rrset.rdtype for rrset in response.authority] == [dns.rdatatype.SOA]
    assert response.authority[0].name.to_text() == "example.gov.cn."


def test_known_name_without_the_type_is_nodata(ask: Ask) -> None:
    for name in ("v4.example.gov.cn", "b.example.gov.cn"):  # the second has only a child
        response = ask(name, "AAAA")
        assert response.rcode() == dns.rcode.NOERROR
        assert not response.answer
        assert [rrset.rdtype for rrset in response.authority] == [dns.rdatatype.SOA]


def test_names_outside_its_zones_are_refused(ask: Ask) -> None:
    for name in ("www.gov.cn", "gov.cn", "example.com"):
        response = ask(name, "A")
        assert response.rcode() == dns.rcode.REFUSED
        assert not response.flags & dns.flags.AA
        assert not response.answer


def test_a_chain_stops_where_its_data_ends(ask: Ask) -> None:
    away = ask("away.example.gov.cn", "A")
    assert away.rcode() == dns.rcode.NOERROR
    assert _answers(away) == [("away.example.gov.cn.", "CNAME", "www.elsewhere.org.")]
    dangling = ask("dangling.example.gov.cn", "A")
    assert dangling.rcode() == dns.rcode.NXDOMAIN  # the rcode is about the last name
    assert _answers(dangling) == [("dangling.example.gov.cn.", "CNAME", "gone.example.gov.cn.")]
    loop = ask("loop1.example.gov.cn", "A")
    assert [r[1] for r in _answers(loop)] == ["CNAME", "CNAME"]


def test_names_are_case_insensitive(ask: Ask) -> None:
    assert _answers(ask("WWW.Example.GOV.CN", "A"))[0][2] == "127.0.0.1"


def test_a_zone_given_only_ns_gets_an_soa(ask: Ask) -> None:
    response = ask("missing.cdn.test", "A")
    assert response.rcode() == dns.rcode.NXDOMAIN
    soa = response.authority[0]
    assert soa.name.to_text() == "cdn.test."
    assert soa[0].mname.to_text() == "ns.cdn.test."


def test_servfail_fault(ask: Ask) -> None:
    assert ask("servfail.example.gov.cn", "A").rcode() == dns.rcode.SERVFAIL


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_drop_fault_times_out(server: DnsServer, transport: str) -> None:
    query = dns.message.make_query("drop.example.gov.cn", "A")
    send = dns.query.udp if transport == "udp" else dns.query.tcp
    with pytest.raises(dns.exception.Timeout):
        send(query, "127.0.0.1", port=server.port, timeout=0.3)


def test_truncate_fault_sends_tc_over_udp_and_answers_over_tcp(server: DnsServer) -> None:
    udp = _ask(server, "udp", "::1")("tc.example.gov.cn", "A")
    assert udp.flags & dns.flags.TC and not udp.answer
    tcp = _ask(server, "tcp", "::1")("tc.example.gov.cn", "A")
    assert _answers(tcp) == [("tc.example.gov.cn.", "A", "127.0.0.1")]
    # the fault is for type A only
    assert not _ask(server, "udp", "::1")("tc.example.gov.cn", "AAAA").flags & dns.flags.TC


def test_an_answer_too_big_for_udp_is_truncated(server: DnsServer) -> None:
    udp = _ask(server, "udp", "127.0.0.1")("big.example.gov.cn", "TXT")
    assert udp.flags & dns.flags.TC
    assert len(_answers(_ask(server, "tcp", "127.0.0.1")("big.example.gov.cn", "TXT"))) == 8


def test_faults_can_be_set_and_cleared_while_running(server: DnsServer) -> None:
    ask = _ask(server, "udp", "127.0.0.1")
    server.set_fault("flaky.example.gov.cn", DnsFault.SERVFAIL, "AAAA")
    try:
        assert ask("flaky.example.gov.cn", "AAAA").rcode() == dns.rcode.SERVFAIL
        assert ask("flaky.example.gov.cn", "A").rcode() == dns.rcode.NOERROR
    finally:
        server.clear_fault("flaky.example.gov.cn", "AAAA")
    assert ask("flaky.example.gov.cn", "AAAA").rcode() == dns.rcode.NOERROR


def test_the_query_log_says_what_came_in_and_how(server: DnsServer) -> None:
    server.clear_queries()
    _ask(server, "udp", "127.0.0.1")("WWW.example.gov.cn", "A")
    _ask(server, "tcp", "::1")("www.example.gov.cn", "AAAA")
    assert server.queries == [
        Query("www.example.gov.cn", "A", "udp", "ipv4"),
        Query("www.example.gov.cn", "AAAA", "tcp", "ipv6"),
    ]


async def test_async_clients_and_the_resolver_work_against_it(server: DnsServer) -> None:
    query = dns.message.make_query("cdn.example.gov.cn", "AAAA")
    response = await dns.asyncquery.udp(query, "::1", port=server.port, timeout=2)
    assert _answers(response)[-1] == ("edge.cdn.test.", "AAAA", "::1")
    resolver = dns.asyncresolver.Resolver(configure=False)  # never reads /etc/resolv.conf
    resolver.nameservers = [dns.nameserver.Do53Nameserver("127.0.0.1", server.port)]
    answer = await resolver.resolve("cdn.example.gov.cn", "AAAA", lifetime=2)
    assert answer.canonical_name.to_text() == "edge.cdn.test."
    assert [r.to_text() for r in answer] == ["::1"]
    with pytest.raises(dns.resolver.NXDOMAIN):
        await resolver.resolve("nope.example.gov.cn", "A", lifetime=2)
    with pytest.raises(dns.resolver.NoAnswer):
        await resolver.resolve("v4.example.gov.cn", "AAAA", lifetime=2)


def test_answer_works_without_sockets() -> None:
    server = DnsServer(RECORDS)
    response = server.answer(dns.message.make_query("www.example.gov.cn", "A"))
    assert _answers(response) == [("www.example.gov.cn.", "A", "127.0.0.1")]
    with pytest.raises(RuntimeError):
        _ = server.port


def test_records_outside_every_zone_are_rejected() -> None:
    with pytest.raises(ValueError, match="outside every zone"):
        DnsServer({"www.nozone.gov.cn": {"A": ["127.0.0.1"]}})


def test_each_server_gets_its_own_port_and_stops_promptly() -> None:
    first = DnsServer(RECORDS).start()
    second = DnsServer(RECORDS).start()
    try:
        assert first.port != second.port
        assert first.address == f"127.0.0.1:{first.port}"
    finally:
        started = time.monotonic()
        first.stop()
        second.stop()
        assert time.monotonic() - started < 1.0
    query = dns.message.make_query("www.example.gov.cn", "A")
    with pytest.raises(dns.exception.Timeout):
        dns.query.udp(query, "127.0.0.1", port=first.port, timeout=0.2)
