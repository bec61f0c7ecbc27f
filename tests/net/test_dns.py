"""net.dns: answers and failures told apart, against a real DNS server on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from gkaudit import i18n
from gkaudit.demo.dns import DnsFault, DnsServer
from gkaudit.model import Family
from gkaudit.net.dns import Outcome, Resolver, parse_nameserver

RECORDS = {
    "example.gov.cn": {"NS": ["ns1.example.gov.cn"]},
    "ns1.example.gov.cn": {"A": ["127.0.0.1"], "AAAA": ["::1"]},
    "www.example.gov.cn": {"A": ["127.0.0.1"], "AAAA": ["::1"]},
    "v4only.example.gov.cn": {"A": ["127.0.0.1"]},
    "cdn.example.gov.cn": {"CNAME": ["edge.example.gov.cn"]},
    "edge.example.gov.cn": {"CNAME": ["node7.example.gov.cn"]},
    "node7.example.gov.cn": {"A": ["127.0.0.2"], "AAAA": ["::1"]},
    "loop1.example.gov.cn": {"CNAME": ["loop2.example.gov.cn"]},
    "loop2.example.gov.cn": {"CNAME": ["loop1.example.gov.cn"]},
    "dangling.example.gov.cn": {"CNAME": ["gone.example.gov.cn"]},
    "broken.example.gov.cn": {"A": ["127.0.0.1"]},
    "silent.example.gov.cn": {"A": ["127.0.0.1"]},
}


@pytest.fixture(scope="module")
def server() -> Iterator[DnsServer]:
    faults = {
        "broken.example.gov.cn": DnsFault.SERVFAIL,
        "silent.example.gov.cn": DnsFault.DROP,
    }
    with DnsServer(RECORDS, faults=faults) as s:
        yield s


@pytest.fixture
def resolver(server: DnsServer) -> Resolver:
    return Resolver(
        [f"127.0.0.1:{server.port}"], timeout=0.5, lifetime=1.0, authoritative_port=server.port
    )


async def test_addresses_per_family(resolver: Resolver) -> None:
    v4 = await resolver.addresses("www.example.gov.cn", Family.IPV4)
    v6 = await resolver.addresses("www.example.gov.cn", Family.IPV6)
    assert (v4.ok, v4.records) == (True, ("127.0.0.1",))
    assert (v6.ok, v6.records) == (True, ("::1",))


async def test_cname_chain_is_followed_and_recorded(resolver: Resolver) -> None:
    answer = await resolver.resolve("cdn.example.gov.cn", "AAAA")
    assert answer.ok and answer.records == ("::1",)
    assert answer.chain == ("edge.example.gov.cn", "node7.example.gov.cn")
    assert "via edge.example.gov.cn -> node7.example.gov.cn" in answer.describe()
    evidence = answer.evidence()
    assert evidence.chain == answer.chain and evidence.answers == ("::1",)


async def test_nodata_is_not_nxdomain(resolver: Resolver) -> None:
    answer = await resolver.resolve("v4only.example.gov.cn", "AAAA")
    assert answer.outcome is Outcome.NODATA and answer.definite and not answer.ok
    assert answer.describe() == "DNS: no AAAA record for v4only.example.gov.cn"


async def test_nxdomain(resolver: Resolver) -> None:
    answer = await resolver.resolve("nope.example.gov.cn", "A")
    assert answer.outcome is Outcome.NXDOMAIN and answer.definite
    assert answer.describe() == "DNS: NXDOMAIN for nope.example.gov.cn"


async def test_cname_to_nothing_is_nxdomain_with_its_chain(resolver: Resolver) -> None:
    answer = await resolver.resolve("dangling.example.gov.cn", "A")
    assert answer.outcome is Outcome.NXDOMAIN
    assert answer.chain == ("gone.example.gov.cn",)


async def test_cname_loop_terminates(resolver: Resolver) -> None:
    answer = await asyncio.wait_for(resolver.resolve("loop1.example.gov.cn", "A"), 5)
    assert not answer.ok


async def test_servfail_and_refused(resolver: Resolver) -> None:
    broken = await resolver.resolve("broken.example.gov.cn", "A")
    assert broken.outcome is Outcome.SERVFAIL and not broken.definite
    outside = await resolver.resolve("www.gov.cn", "A")  # outside its zones: REFUSED
    assert outside.outcome is Outcome.SERVFAIL and "REFUSED" in outside.detail


async def test_a_refusal_names_the_server_once_in_words(
    resolver: Resolver, server: DnsServer
) -> None:
    """Which server refused, as host:port (dnspython's "Do53:127.0.0.1@53" and the port again
    read like a trace), and in Chinese what NXDOMAIN and SERVFAIL mean."""
    outside = await resolver.resolve("www.gov.cn", "A")
    assert outside.detail == f"127.0.0.1:{server.port} answered REFUSED"
    assert outside.describe() == f"DNS: SERVFAIL for www.gov.cn ({outside.detail})"
    i18n.use("zh")
    try:  # names not asked before: the resolver remembers its answers, in their words
        refused = (await resolver.resolve("beian.miit.gov.cn", "A")).describe()
        absent = (await resolver.resolve("nosuch.example.gov.cn", "A")).describe()
    finally:
        i18n.use("en")
    said = f"DNS服务器 127.0.0.1:{server.port} 返回 REFUSED"
    assert refused == f"beian.miit.gov.cn的DNS解析结果：解析失败（SERVFAIL）（{said}）"
    assert absent.endswith("域名不存在（NXDOMAIN）"), absent


async def test_timeout(resolver: Resolver) -> None:
    answer = await resolver.resolve("silent.example.gov.cn", "A")
    assert answer.outcome is Outcome.TIMEOUT and not answer.definite
    assert answer.describe().startswith("DNS: timeout for silent.example.gov.cn")


async def test_answers_are_memoized_and_concurrent_questions_share_one_query(
    server: DnsServer, resolver: Resolver
) -> None:
    server.clear_queries()
    answers = await asyncio.gather(
        *(resolver.resolve("www.example.gov.cn", "A") for _ in range(20))
    )
    await resolver.resolve("WWW.example.gov.cn.", "A")
    assert len({a.records for a in answers}) == 1
    assert [q.name for q in server.queries] == ["www.example.gov.cn"]


async def test_ip_literals_answer_for_themselves(resolver: Resolver) -> None:
    assert (await resolver.addresses("127.0.0.1", Family.IPV4)).records == ("127.0.0.1",)
    assert (await resolver.addresses("[::1]", Family.IPV6)).records == ("::1",)
    assert (await resolver.addresses("127.0.0.1", Family.IPV6)).outcome is Outcome.NODATA


async def test_query_at_asks_one_server_over_ipv6(server: DnsServer, resolver: Resolver) -> None:
    server.clear_queries()
    answer = await resolver.query_at("::1", "example.gov.cn", "SOA")
    assert answer.ok
    assert [(q.name, q.family) for q in server.queries] == [("example.gov.cn", "ipv6")]


async def test_ns(resolver: Resolver) -> None:
    answer = await resolver.resolve("example.gov.cn", "NS")
    assert answer.records == ("ns1.example.gov.cn",)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("[::1]:5353", ("::1", 5353)),
        ("::1", ("::1", 53)),
    ],
)
def test_parse_nameserver(spec: str, expected: tuple[str, int]) -> None:
    assert parse_nameserver(spec) == expected


@pytest.mark.parametrize("spec", ["dns.example.com", "127.0.0.1:99999", "1.2.3:53"])
def test_parse_nameserver_rejects(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_nameserver(spec)
