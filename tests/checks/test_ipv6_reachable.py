"""ipv6_reachable: the home page over IPv6 against IPv4, over real loopback sockets."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest

from gkaudit.checks.ipv6_reachable.check import Params, run
from gkaudit.demo.dns import DnsFault
from gkaudit.demo.http import Behaviour, HttpServer, Response, VirtualHost
from gkaudit.model import DnsEvidence, HtmlEvidence, HttpEvidence, Status, Verdict
from tests.checks.ipv6_support import AS_OF, no_ipv6_route, page
from tests.support.loopback import DUAL, IPV4_ONLY, Fleet, merge, zone

HOME = page("大连市人民政府")


def portal(
    ipv6: Behaviour = Behaviour.SERVE, placeholder: Mapping[str, Response] | None = None
) -> VirtualHost:
    """The same home page over both families, unless `ipv6` says otherwise; `placeholder`
    is what a `PLACEHOLDER` host serves over IPv6 (the demo's test page by default)."""
    pages = {"/": Response.html(HOME)}
    if placeholder is None:
        return VirtualHost(pages=pages, ipv6=ipv6)
    return VirtualHost(pages=pages, ipv6=ipv6, placeholder=placeholder)


def refused(status: int) -> Response:
    return Response.html(page(f"{status} 访问受限"), status=status)


RECORDS = merge(
    zone("good.gov.cn", www=DUAL),
    zone("holder.gov.cn", www=DUAL),
    zone("thin.gov.cn", www=DUAL),
    zone("status.gov.cn", www=DUAL),
    zone("reset.gov.cn", www=DUAL),
    zone("slow.gov.cn", www=DUAL),
    zone("v4only.gov.cn", www=IPV4_ONLY),
    zone("moved.gov.cn", www=DUAL, new=IPV4_ONLY),
    zone("down.gov.cn", www=DUAL),
    zone("gone.gov.cn"),
    zone("dnsfail.gov.cn", www=DUAL),
    zone("refused.gov.cn", www=DUAL),
    zone("refusing.gov.cn", h401=DUAL, h403=DUAL, h429=DUAL, v4=DUAL, walled=DUAL),
    zone("cdn.gov.cn", www={"CNAME": ["www.cdn.gov.cn.w.kunlun-cdn.com"]}),
    zone("kunlun-cdn.com", **{"www.cdn.gov.cn.w": DUAL}),
)


def hosts(port: int) -> dict[str, VirtualHost]:
    moved = f"http://new.moved.gov.cn:{port}/"
    return {
        "www.good.gov.cn": portal(),
        "www.cdn.gov.cn": portal(),
        "www.holder.gov.cn": portal(Behaviour.PLACEHOLDER),
        "www.thin.gov.cn": portal(
            Behaviour.PLACEHOLDER,
            placeholder={"/": Response.html(page("大连市人民政府", text="建设中"))},
        ),
        "www.status.gov.cn": portal(
            Behaviour.PLACEHOLDER,
            placeholder={"/": Response.html(page("Bad Gateway"), status=502)},
        ),
        "www.reset.gov.cn": portal(Behaviour.RESET),
        "www.slow.gov.cn": portal(Behaviour.SLOW),
        "www.v4only.gov.cn": portal(),
        "www.moved.gov.cn": VirtualHost(pages={"/": Response.redirect(moved, 302)}),
        "new.moved.gov.cn": portal(),
        "www.down.gov.cn": VirtualHost(pages={"/": Response.html(HOME)}, ipv4=Behaviour.RESET),
        "www.dnsfail.gov.cn": portal(),
        # the portal turns gkaudit away over IPv6 only, over IPv4 only, over IPv4 with a
        # reset over IPv6
        **{
            f"h{status}.refusing.gov.cn": portal(
                Behaviour.PLACEHOLDER, placeholder={"/": refused(status)}
            )
            for status in (401, 403, 429)
        },
        "v4.refusing.gov.cn": VirtualHost(
            pages={"/": refused(403)},
            ipv6=Behaviour.PLACEHOLDER,
            placeholder={"/": Response.html(HOME)},
        ),
        "walled.refusing.gov.cn": VirtualHost(pages={"/": refused(403)}, ipv6=Behaviour.RESET),
    }


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    faults = {("www.dnsfail.gov.cn", "AAAA"): DnsFault.SERVFAIL}
    with Fleet(RECORDS, hosts, faults=faults, slow_seconds=5) as running:
        yield running


async def check(
    fleet: Fleet, host: str, *, http_timeout: float = 2.0, port: int | None = None
) -> Verdict:
    site = fleet.site(host)
    if port is not None:  # a portal on a server of its own
        site = site.model_copy(update={"url": f"http://{host}:{port}/"})
    async with fleet.contexts([site], as_of=AS_OF, timeout=http_timeout) as (context,):
        return await run(context, Params())


async def test_same_page_over_both_families_passes(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.good.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    assert "over IPv6 from ::1" in verdict.message
    assert verdict.metrics["status_ipv4"] == verdict.metrics["status_ipv6"] == 200
    assert verdict.metrics["text_delta"] == 0
    fetches = [e for e in verdict.evidence if isinstance(e, HttpEvidence)]
    assert [(e.family, e.address) for e in fetches] == [("ipv4", "127.0.0.1"), ("ipv6", "::1")]


async def test_cname_to_a_cdn_name_with_aaaa_passes(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.cdn.gov.cn")
    assert verdict.status is Status.PASS, verdict.message


async def test_placeholder_page_over_ipv6_fails_showing_both_titles(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.holder.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.message.startswith("placeholder content over IPv6")
    assert "'IPv6 测试页'" in verdict.message and "'大连市人民政府'" in verdict.message
    titles = [e.text for e in verdict.evidence if isinstance(e, HtmlEvidence)]
    assert titles == ["IPv4 title: 大连市人民政府", "IPv6 title: IPv6 测试页"]


async def test_same_title_with_little_text_is_a_placeholder(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.thin.gov.cn")
    assert verdict.status is Status.FAIL
    assert "placeholder content over IPv6" in verdict.message
    assert "characters of text" in verdict.message
    assert "same title '大连市人民政府'" in verdict.message
    assert isinstance(verdict.metrics["text_delta"], float) and verdict.metrics["text_delta"] > 0.5


async def test_text_delta_is_a_param(fleet: Fleet) -> None:
    async with fleet.scan("www.thin.gov.cn", as_of=AS_OF) as site:
        verdict = await run(site, Params(max_text_delta=1.0))
    assert verdict.status is Status.PASS, verdict.message


async def test_different_status_over_ipv6_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.status.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.message.startswith("different status over IPv6: HTTP 502")
    assert "(IPv4: HTTP 200)" in verdict.message


async def test_reset_over_ipv6_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.reset.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.message.startswith("over IPv6: connection")
    assert "(IPv4: HTTP 200)" in verdict.message


async def test_refused_over_ipv6_fails(fleet: Fleet) -> None:
    with HttpServer({"www.refused.gov.cn": portal()}, listen_ipv6=False) as http:
        verdict = await check(fleet, "www.refused.gov.cn", port=http.port)
    assert verdict.status is Status.FAIL
    assert verdict.message == "over IPv6: connect: refused (IPv4: HTTP 200)"


async def test_timeout_over_ipv6_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.slow.gov.cn", http_timeout=0.5)
    assert verdict.status is Status.FAIL
    assert verdict.message.startswith("over IPv6: ") and "timeout after 0.5 s" in verdict.message


async def test_no_aaaa_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.v4only.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.message == "DNS: no AAAA record for www.v4only.gov.cn (IPv4: HTTP 200)"
    dns = [e for e in verdict.evidence if isinstance(e, DnsEvidence)]
    assert [(e.name, e.outcome) for e in dns] == [("www.v4only.gov.cn", "nodata")]


async def test_redirect_to_a_host_without_aaaa_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.moved.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "DNS: no AAAA record for new.moved.gov.cn, where the home page redirects (IPv4: HTTP 200)"
    )


async def test_no_ipv6_route_is_an_error_not_a_fail(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_ipv6_route(monkeypatch)
    verdict = await check(fleet, "www.good.gov.cn")
    assert verdict.status is Status.ERROR
    assert verdict.message.startswith("this scanner has no IPv6 route (connect: ")
    assert "unreachable" in verdict.message


async def test_ipv4_failing_leaves_nothing_to_compare(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.down.gov.cn")
    assert verdict.status is Status.ERROR
    assert verdict.message.startswith("the home page failed over IPv4 (connection")
    assert "IPv6 answer (HTTP 200)" in verdict.message


async def test_both_failing_without_aaaa_still_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.gone.gov.cn")
    assert verdict.status is Status.FAIL
    assert "NXDOMAIN for www.gone.gov.cn" in verdict.message
    assert "IPv4 fails too" in verdict.message


async def test_dns_failure_is_an_error(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dnsfail.gov.cn")
    assert verdict.status is Status.ERROR
    assert "SERVFAIL for www.dnsfail.gov.cn" in verdict.message


@pytest.mark.parametrize("status", [401, 403, 429])
async def test_portal_refusing_gkaudit_over_ipv6_is_an_error_not_a_fail(
    fleet: Fleet, status: int
) -> None:
    verdict = await check(fleet, f"h{status}.refusing.gov.cn")
    assert verdict.status is Status.ERROR
    assert verdict.message == (
        f"over IPv6: HTTP {status}: the portal refused gkaudit (blocked?); IPv6 support cannot "
        "be judged from here (IPv4: HTTP 200)"
    )
    assert verdict.metrics == {"status_ipv6": status, "status_ipv4": 200}


async def test_portal_refusing_gkaudit_over_ipv4_is_an_error_naming_it(fleet: Fleet) -> None:
    verdict = await check(fleet, "v4.refusing.gov.cn")
    assert verdict.status is Status.ERROR
    assert verdict.message == (
        "over IPv4: HTTP 403: the portal refused gkaudit (blocked?), so there is nothing to "
        "compare the IPv6 answer (HTTP 200) with"
    )


async def test_ipv6_failing_where_ipv4_refuses_gkaudit_is_an_error(fleet: Fleet) -> None:
    verdict = await check(fleet, "walled.refusing.gov.cn")
    assert verdict.status is Status.ERROR
    assert verdict.message.startswith("over IPv6: connection")
    assert verdict.message.endswith(
        "but the portal refuses gkaudit over IPv4 too (HTTP 403: the portal refused gkaudit "
        "(blocked?)), so IPv6 cannot be judged"
    )
