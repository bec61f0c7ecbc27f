"""The running fleet over real sockets: its API, its DNS answers, its portals' behaviour.

Like the scanner, these tests resolve names only through the fleet's own DNS server and then
connect to the address it gave, sending the name in the Host header.
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import re
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest
from ruamel.yaml import YAML

from gkaudit.demo.__main__ import main as demo_main
from gkaudit.demo.fleet import DemoFleet, serve_forever
from gkaudit.demo.spec import RULE_IDS
from gkaudit.model import Family, Site, Status
from tests.demo.conftest import AS_OF, SLOW_SECONDS


def resolve(
    fleet: DemoFleet, name: str, rdtype: str, where: str = "127.0.0.1"
) -> dns.message.Message:
    query = dns.message.make_query(name, rdtype)
    return dns.query.udp(query, where, port=fleet.dns.port, timeout=2)


def addresses(fleet: DemoFleet, name: str, family: Family) -> list[str]:
    response = resolve(fleet, name, "AAAA" if family is Family.IPV6 else "A")
    wanted = dns.rdatatype.AAAA if family is Family.IPV6 else dns.rdatatype.A
    return [r.to_text() for rrset in response.answer if rrset.rdtype == wanted for r in rrset]


def fetch(
    fleet: DemoFleet, url: str, family: Family = Family.IPV4, timeout: float = 5
) -> tuple[int, dict[str, str], bytes]:
    """GET `url` as the scanner does: resolve through the fleet, connect to that address."""
    parts = urlsplit(url)
    assert parts.hostname and parts.port
    (address,) = addresses(fleet, parts.hostname, family)
    conn = http.client.HTTPConnection(address, parts.port, timeout=timeout)
    try:
        conn.request("GET", parts.path or "/", headers={"Host": parts.netloc})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def site(fleet: DemoFleet, site_id: str) -> Site:
    return next(s for s in fleet.sites if s.id == site_id)


def test_the_api(fleet: DemoFleet) -> None:
    assert re.fullmatch(r"127\.0\.0\.1:\d+", fleet.nameserver)
    assert isinstance(fleet.http_port, int) and fleet.http_port != fleet.dns.port
    assert len(fleet.sites) == 14
    assert len({s.id for s in fleet.sites}) == 14
    for s in fleet.sites:
        assert (urlsplit(s.url).hostname or "").endswith(".gov.cn")
        assert (urlsplit(s.url).port == fleet.http_port) == (s.id != "changdao")
    assert set(fleet.expected) == {(s.id, r) for s in fleet.sites for r in RULE_IDS}
    assert all(isinstance(v, Status) for v in fleet.expected.values())


def test_an_unstarted_fleet_says_so() -> None:
    idle = DemoFleet(AS_OF)
    assert idle.expected  # known before any port is
    with pytest.raises(RuntimeError, match="not started"):
        _ = idle.sites
    with pytest.raises(RuntimeError, match="not started"):
        _ = idle.nameserver
    idle.stop()  # harmless


def test_sites_yaml_describes_the_sites(fleet: DemoFleet) -> None:
    text = fleet.sites_yaml()
    loaded = YAML(typ="safe").load(text)
    assert [Site.model_validate(entry) for entry in loaded["sites"]] == fleet.sites
    assert "business_relief_url" in text
    assert fleet.nameserver in text


# --- DNS --------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["127.0.0.1", "::1"])
def test_dns_answers_for_the_portals(fleet: DemoFleet, where: str) -> None:
    def answers(name: str, rdtype: str) -> list[str]:
        return [r.to_text() for rrset in resolve(fleet, name, rdtype, where).answer for r in rrset]

    assert answers("www.gkcity.gov.cn", "A") == ["127.0.0.1"]
    assert answers("www.gkcity.gov.cn", "AAAA") == ["::1"]
    assert answers("sfj.gkcity.gov.cn", "AAAA") == [
        "sfj.gkcity.gov.cn.w.gkcdn.net.",
        "dl-edge01.gkcdn.net.",
        "::1",
    ]
    assert answers("www.gkjinhai.gov.cn", "AAAA") == []
    assert answers("ns1.gkjinhai.gov.cn", "AAAA") == []
    assert answers("ns1.gkcity.gov.cn", "AAAA") == ["::1"]
    assert answers("zwfw.gkhuangang.gov.cn", "AAAA") == []
    assert answers("zwfw.gkhuangang.gov.cn", "A") == ["127.0.0.1"]
    assert sorted(answers("gkcity.gov.cn", "NS")) == ["ns1.gkcity.gov.cn.", "ns2.gkcity.gov.cn."]
    nxdomain = resolve(fleet, "hbj.gkcity.gov.cn", "A", where)
    assert nxdomain.rcode() == dns.rcode.NXDOMAIN and nxdomain.authority
    # the outside names the portals link are served on loopback, each a zone of its own: the
    # fleet claims no other name of gov.cn, and never recurses
    assert answers("www.gov.cn", "A") == ["127.0.0.1"]
    assert answers("zfwzzc.www.gov.cn", "AAAA") == ["::1"]
    assert answers("ggzy.gkcity.gov.cn", "A") == ["127.0.0.1"]
    assert resolve(fleet, "wsbs.gkcity.gov.cn", "A", where).rcode() == dns.rcode.NXDOMAIN
    for outside in ("gov.cn", "www.other.gov.cn", "www.dalian.gov.cn"):
        assert resolve(fleet, outside, "A", where).rcode() == dns.rcode.REFUSED, outside
    assert resolve(fleet, "gkchangdao.gov.cn", "NS", where).rcode() == dns.rcode.SERVFAIL
    assert answers("www.gkchangdao.gov.cn", "AAAA") == ["::1"]


def test_dns_over_tcp_too(fleet: DemoFleet) -> None:
    query = dns.message.make_query("www.gkxiling.gov.cn", "AAAA")
    response = dns.query.tcp(query, "::1", port=fleet.dns.port, timeout=2)
    assert response.flags & dns.flags.AA
    assert [r.to_text() for rrset in response.answer for r in rrset] == ["::1"]


# --- HTTP -------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", [Family.IPV4, Family.IPV6])
def test_the_city_home_is_reached_through_a_301(fleet: DemoFleet, family: Family) -> None:
    url = site(fleet, "gkcity").url
    status, headers, _ = fetch(fleet, url, family)
    assert status == 301
    assert headers["Location"] == url + "index.html"
    status, _, body = fetch(fleet, headers["Location"], family)
    assert status == 200 and "<title>港康市人民政府</title>" in body.decode()


def test_the_gbk_portal_over_the_wire(fleet: DemoFleet) -> None:
    status, headers, body = fetch(fleet, site(fleet, "xiling").url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=gb2312"
    assert "王镕" in body.decode("gb18030")


def test_ipv6_placeholder_and_reset(fleet: DemoFleet) -> None:
    beihai = site(fleet, "beihai").url
    _, _, v4 = fetch(fleet, beihai, Family.IPV4)
    _, _, v6 = fetch(fleet, beihai, Family.IPV6)
    assert "<title>港康市北海区人民政府</title>" in v4.decode()
    assert "<title>IPv6 测试页</title>" in v6.decode()
    nanshan = site(fleet, "nanshan").url
    assert fetch(fleet, nanshan, Family.IPV4)[0] == 200
    with pytest.raises(ConnectionResetError):
        fetch(fleet, nanshan, Family.IPV6)


def test_the_v4_only_services_host(fleet: DemoFleet) -> None:
    url = f"http://zwfw.gkhuangang.gov.cn:{fleet.http_port}/bsfw/gr/index.html"
    assert fetch(fleet, url)[0] == 200
    assert addresses(fleet, "zwfw.gkhuangang.gov.cn", Family.IPV6) == []


def test_the_refused_portal(fleet: DemoFleet) -> None:
    url = site(fleet, "changdao").url
    for family in (Family.IPV4, Family.IPV6):
        with pytest.raises(ConnectionRefusedError):
            fetch(fleet, url, family)


def test_the_slow_portal(fleet: DemoFleet) -> None:
    url = site(fleet, "jtj").url
    with pytest.raises(TimeoutError):
        fetch(fleet, url, timeout=SLOW_SECONDS / 4)
    started = time.monotonic()
    status, _, _ = fetch(fleet, url, Family.IPV6)
    assert status == 200
    assert time.monotonic() - started >= SLOW_SECONDS


def test_every_reachable_home_answers_on_both_families(fleet: DemoFleet) -> None:
    for s in fleet.sites:
        if fleet.expected[(s.id, "site.reachable")] is not Status.PASS:
            continue
        status, _, _ = fetch(fleet, s.url)
        assert status in (200, 301), s.id
        if fleet.expected[(s.id, "ipv6.reachable")] is Status.PASS:
            assert fetch(fleet, s.url, Family.IPV6)[0] in (200, 301), s.id


def test_a_fleet_stops_promptly_with_a_slow_request_in_flight() -> None:
    fleet = DemoFleet(AS_OF)  # slow_seconds = 30
    fleet.start()
    url = site(fleet, "jtj").url
    outcome: list[BaseException] = []

    def hang() -> None:
        try:
            fetch(fleet, url, timeout=20)
        except (OSError, http.client.HTTPException) as exc:
            outcome.append(exc)

    thread = threading.Thread(target=hang)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    fleet.stop()
    assert time.monotonic() - started < 1.5
    thread.join(2)
    assert outcome and not thread.is_alive()
    fleet.stop()  # twice is fine


def test_serve_forever_prints_the_scan_command_and_cleans_up() -> None:
    stop = threading.Event()
    out = io.StringIO()
    thread = threading.Thread(
        target=serve_forever, args=(AS_OF,), kwargs={"stop": stop, "out": out, "slow_seconds": 1}
    )
    thread.start()
    deadline = time.monotonic() + 10
    while "Serving until Ctrl-C" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)
    text = out.getvalue()
    command = re.search(
        r"gkaudit scan (\S+) --nameserver (127\.0\.0\.1:(\d+)) --ns-port (\d+) --as-of (\S+)", text
    )
    assert command is not None, text
    sites_file = Path(command[1])
    assert sites_file.read_text(encoding="utf-8").startswith("# gkaudit demo fleet")
    assert command[5] == AS_OF.isoformat()
    assert command[3] == command[4]  # the fleet's zones are served by its own DNS server
    assert "jtj" in text and "NXDOMAIN" in text  # the portal table
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    assert not sites_file.exists()
    assert out.getvalue().endswith("The demo fleet has stopped.\n")


def test_python_m_gkaudit_demo_has_a_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        demo_main(["--help"])
    assert info.value.code == 0
    assert "--as-of" in capsys.readouterr().out


def test_a_fleet_for_another_day(fleet: DemoFleet) -> None:
    with DemoFleet(dt.date(2027, 1, 5), slow_seconds=1) as other:
        port = other.http_port
        assert port != fleet.http_port
        assert other.dns.port != fleet.dns.port
        status, _, body = fetch(other, site(other, "xiling").url)
        assert status == 200 and "[01-04]" in body.decode("gb18030")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5)
