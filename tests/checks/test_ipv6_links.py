"""ipv6_links: IPv6 support of internal links at level 2 and 3, over real loopback sockets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gkaudit.checks.ipv6_links.check import Params, run
from gkaudit.demo.dns import DnsFault, FaultKey
from gkaudit.demo.http import Behaviour, Response, VirtualHost
from gkaudit.model import DnsEvidence, Family, HttpEvidence, NoteEvidence, Status, Verdict
from gkaudit.site.urls import sample
from tests.checks.ipv6_support import AS_OF, hosts_of, no_ipv6_route, page, record_requests
from tests.support.loopback import DUAL, IPV4_ONLY, Fleet, merge, zone

CDN = "kunlun-cdn.com"
EXTERNAL = ["http://www.gov.cn/", "https://www.beian.gov.cn/portal", "http://www.other.com.cn/x"]

RECORDS = merge(
    zone(
        "links.gov.cn",
        www=DUAL,
        zwfw=IPV4_ONLY,
        cdn={"CNAME": [f"cdn.links.gov.cn.c.{CDN}"]},
    ),
    zone(
        "allv6.gov.cn",
        www=DUAL,
        kjj=DUAL,
        cdn={"CNAME": [f"cdn.allv6.gov.cn.c.{CDN}"]},
    ),
    zone(CDN, **{"cdn.links.gov.cn.c": DUAL, "cdn.allv6.gov.cn.c": DUAL}),
    zone("deep.gov.cn", www=DUAL, old=IPV4_ONLY),
    zone("broken.gov.cn", www=DUAL, v6reset=DUAL),
    zone("many.gov.cn", www=DUAL),
    zone("lonely.gov.cn", www=DUAL),
    zone("down.gov.cn", www=DUAL),
    zone("slowdns.gov.cn", www=DUAL, silent=DUAL),
    zone("throttled.gov.cn", www=DUAL, svc=DUAL, v4=IPV4_ONLY),
)


def html(title: str, links: list[str] = []) -> Response:  # noqa: B006 (never mutated)
    return Response.html(page(title, links))


def hosts(port: int) -> dict[str, VirtualHost]:
    def url(host: str, path: str = "/") -> str:
        return f"http://{host}:{port}{path}"

    articles = [f"/art{i}.html" for i in range(5)]
    return {
        # level 2: 3 columns, 4 links to an IPv4-only sub-domain, a CDN sub-domain, a redirect
        # to the IPv4-only sub-domain, a dead link, a PDF: 5 of 11 support IPv6
        "www.links.gov.cn": VirtualHost(
            pages={
                "/": html(
                    "链接门户",
                    [
                        "/",
                        "/col1.html",
                        "/col2.html",
                        "/col3.html",
                        url("WWW.LINKS.GOV.CN", "/col1.html"),  # the same link again
                        *(url("zwfw.links.gov.cn", f"/{p}") for p in "abcd"),
                        url("cdn.links.gov.cn", "/x"),
                        "/old",
                        "/missing",
                        "/files/report.pdf",
                        *EXTERNAL,
                    ],
                ),
                **{
                    f"/col{i}.html": html(f"栏目{i}", ["/", "/col1.html", *articles, *EXTERNAL])
                    for i in (1, 2, 3)
                },
                **{a: html("文章") for a in articles},
                "/files/report.pdf": Response(body=b"%PDF-1.4", content_type="application/pdf"),
                "/old": Response.redirect(url("zwfw.links.gov.cn", "/new"), 302),
            }
        ),
        "zwfw.links.gov.cn": VirtualHost(
            pages={f"/{p}": html("政务服务") for p in ("a", "b", "c", "d", "new")}
        ),
        "cdn.links.gov.cn": VirtualHost(pages={"/x": html("CDN")}),
        # every internal link supports IPv6, at both levels
        "www.allv6.gov.cn": VirtualHost(
            pages={
                "/": html(
                    "全IPv6",
                    [
                        "/c1.html",
                        "/c2.html",
                        url("cdn.allv6.gov.cn", "/x"),
                        url("kjj.allv6.gov.cn"),
                        *EXTERNAL[:2],
                    ],
                ),
                "/c1.html": html("栏目", ["/a1.html", url("kjj.allv6.gov.cn", "/news.html")]),
                "/c2.html": html("栏目", ["/a2.html", "/c1.html", EXTERNAL[2]]),
                "/a1.html": html("文章"),
                "/a2.html": html("文章"),
            }
        ),
        "cdn.allv6.gov.cn": VirtualHost(pages={"/x": html("CDN")}),
        "kjj.allv6.gov.cn": VirtualHost(pages={"/": html("科技局"), "/news.html": html("新闻")}),
        # level 2 fine; level 3 mostly on an IPv4-only host
        "www.deep.gov.cn": VirtualHost(
            pages={
                "/": html("深层", ["/c1.html", "/c2.html"]),
                "/c1.html": html(
                    "栏目", ["/a1.html", *(url("old.deep.gov.cn", f"/{i}") for i in range(5))]
                ),
                "/c2.html": html("栏目", ["/a1.html"]),
                "/a1.html": html("文章"),
            }
        ),
        "old.deep.gov.cn": VirtualHost(pages={f"/{i}": html("旧站") for i in range(5)}),
        # 20 links to a host that resets every IPv6 connection
        "www.broken.gov.cn": VirtualHost(
            pages={
                "/": html(
                    "断开",
                    ["/c1.html", *(url("v6reset.broken.gov.cn", f"/p{i}.html") for i in range(20))],
                ),
                "/c1.html": html("栏目"),
            }
        ),
        "v6reset.broken.gov.cn": VirtualHost(
            pages={f"/p{i}.html": html("页面") for i in range(20)}, ipv6=Behaviour.RESET
        ),
        "www.many.gov.cn": VirtualHost(
            pages={
                "/": html("很多链接", [f"/p{i}.html" for i in range(60)]),
                **{f"/p{i}.html": html("页面") for i in range(60)},
            }
        ),
        "www.lonely.gov.cn": VirtualHost(pages={"/": html("只有外链", EXTERNAL)}),
        "www.down.gov.cn": VirtualHost(pages={"/": html("首页")}, ipv4=Behaviour.RESET),
        # 8 links fine, 2 on a host whose AAAA lookup times out
        "www.slowdns.gov.cn": VirtualHost(
            pages={
                "/": html(
                    "慢DNS",
                    [
                        *(f"/p{i}.html" for i in range(8)),
                        url("silent.slowdns.gov.cn", "/1"),
                        url("silent.slowdns.gov.cn", "/2"),
                    ],
                ),
                **{f"/p{i}.html": html("页面") for i in range(8)},
            }
        ),
        # 20 links: 16 fine, 2 to an IPv4-only host, and 2 to a host that turns gkaudit away
        # over IPv6 (/a: 429, /b: 403; /a answers 429 over IPv4 too, as a rate limit would)
        "www.throttled.gov.cn": VirtualHost(
            pages={
                "/": html(
                    "限流",
                    [
                        *(f"/p{i}.html" for i in range(16)),
                        url("v4.throttled.gov.cn", "/1"),
                        url("v4.throttled.gov.cn", "/2"),
                        url("svc.throttled.gov.cn", "/a"),
                        url("svc.throttled.gov.cn", "/b"),
                    ],
                ),
                **{f"/p{i}.html": html("页面") for i in range(16)},
            }
        ),
        "v4.throttled.gov.cn": VirtualHost(pages={"/1": html("旧站"), "/2": html("旧站")}),
        "svc.throttled.gov.cn": VirtualHost(
            pages={"/a": refused(429), "/b": html("服务")},
            ipv6=Behaviour.PLACEHOLDER,  # what it serves over IPv6
            placeholder={"/a": refused(429), "/b": refused(403)},
        ),
    }


def refused(status: int) -> Response:
    return Response.html(page(f"{status} 访问受限"), status=status)


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    faults: dict[FaultKey, DnsFault] = {("silent.slowdns.gov.cn", "AAAA"): DnsFault.DROP}
    with Fleet(RECORDS, hosts, faults=faults) as running:
        yield running


async def check(fleet: Fleet, host: str, params: Params | None = None) -> Verdict:
    async with fleet.scan(host, as_of=AS_OF, dns_timeout=0.3) as site:
        return await run(site, params or Params())


def notes(verdict: Verdict) -> list[str]:
    return [e.text for e in verdict.evidence if isinstance(e, NoteEvidence)]


async def test_every_link_supporting_ipv6_passes(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.allv6.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    assert (
        verdict.message == "level 2: 100.0% (4/4 links) >= 95%; level 3: 100.0% (3/3 links) >= 90%"
    )
    assert verdict.metrics == {
        "level2_rate": 1.0,
        "level2_links": 4,
        "level2_ok": 4,
        "level2_found": 4,
        "level2_undecided": 0,
        "level3_rate": 1.0,
        "level3_links": 3,
        "level3_ok": 3,
        "level3_found": 3,
        "level3_undecided": 0,
        "level2_pages": 4,
        "external_links": 3,
    }


#: What a failing message ends with: the fix, for the office that reads it.
ADVICE = "; ask the portal's operator to open IPv6 access to the failing links"


async def test_links_to_an_ipv4_only_subdomain_fail_grouped_by_host(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.links.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "level 2: 45.5% (5/11 links) < 95%; level 3: 100.0% (5/5 links) >= 90%" + ADVICE
    )
    assert verdict.metrics["level2_rate"] == 0.4545
    assert (verdict.metrics["level2_links"], verdict.metrics["level2_ok"]) == (11, 5)
    # the home page itself and the second spelling of /col1.html are not counted again;
    # external links are counted once across both levels, and never probed
    assert verdict.metrics["external_links"] == 3
    groups = notes(verdict)
    assert groups[:3] == [
        "4 links to zwfw.links.gov.cn: DNS: no AAAA record for zwfw.links.gov.cn (4 at level 2)",
        "1 link to www.links.gov.cn: HTTP 404 over IPv6, HTTP 404 over IPv4 too: a broken link "
        "(1 at level 2)",
        "1 link to www.links.gov.cn: redirect to zwfw.links.gov.cn: DNS: no AAAA record for "
        "zwfw.links.gov.cn (1 at level 2)",
    ]
    # each group shows one DNS answer or fetch, not one line per link
    dns = [e for e in verdict.evidence if isinstance(e, DnsEvidence)]
    assert [(e.name, e.type, e.outcome) for e in dns] == [("zwfw.links.gov.cn", "AAAA", "nodata")]
    fetches = [e for e in verdict.evidence if isinstance(e, HttpEvidence)]
    assert [(e.url.rsplit("/", 1)[1], e.family, e.status) for e in fetches] == [
        ("missing", "ipv6", 404),
        ("old", "ipv6", None),
    ]
    assert fetches[1].redirects == (fleet.url("zwfw.links.gov.cn", "/new"),)
    # the PDF is not opened; /missing is, and gives no page
    assert groups[-1] == (
        "level-3 links taken from 9 level-2 pages (10 of 11 level-2 links opened, "
        "1 not 2xx HTML over IPv4)"
    )


async def test_documents_are_probed_but_not_opened_for_level_3(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = record_requests(monkeypatch)
    await check(fleet, "www.links.gov.cn")
    pdf = [r for r in log if r.url.endswith("/files/report.pdf")]
    assert {(r.family, r.method) for r in pdf} == {(Family.IPV6, "HEAD")}


async def test_pages_the_context_declines_to_fetch_are_told_apart(fleet: Fleet) -> None:
    async with fleet.scan("www.allv6.gov.cn", as_of=AS_OF, max_pages=1) as site:
        verdict = await run(site, Params())
    assert notes(verdict) == [
        "level-3 links taken from 1 level-2 pages (4 of 4 level-2 links opened, "
        "3 not loaded from here: the budget of 1 pages per site is spent)"
    ]
    assert verdict.metrics["level2_pages"] == 1


async def test_level_3_below_its_minimum_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.deep.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "level 2: 100.0% (2/2 links) >= 95%; level 3: 16.7% (1/6 links) < 90%" + ADVICE
    )
    assert notes(verdict)[0] == (
        "5 links to old.deep.gov.cn: DNS: no AAAA record for old.deep.gov.cn (5 at level 3)"
    )


async def test_minimums_are_params(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.deep.gov.cn", Params(level3_min=0.15))
    assert verdict.status is Status.PASS, verdict.message


async def test_a_host_refusing_ipv6_is_probed_once(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = record_requests(monkeypatch)
    verdict = await check(fleet, "www.broken.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.metrics["level2_links"] == 21 and verdict.metrics["level2_ok"] == 1
    # one link probed: its HEAD, and the GET a reset HEAD is asked again with
    assert hosts_of(log, Family.IPV6).count("v6reset.broken.gov.cn") == 2
    assert notes(verdict)[0] == (
        "20 links to v6reset.broken.gov.cn: connection reset (20 at level 2)"
    )


async def test_caps_sample_the_same_links_every_run(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = Params(max_level2=10, max_level2_pages=1)
    log = record_requests(monkeypatch)
    first = await check(fleet, "www.many.gov.cn", params)
    probed_first = {r.url for r in log if r.family is Family.IPV6}
    log.clear()
    second = await check(fleet, "www.many.gov.cn", params)
    probed_second = {r.url for r in log if r.family is Family.IPV6}

    assert first.status is Status.PASS, first.message
    assert (first.metrics["level2_found"], first.metrics["level2_links"]) == (60, 10)
    assert "a sample of 10 of 60" in first.message
    assert probed_first == probed_second
    every = [fleet.url("www.many.gov.cn", f"/p{i}.html") for i in range(60)]
    assert probed_first == set(sample(every, 10))
    assert second.metrics == first.metrics


async def test_no_internal_links_count_as_met(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.lonely.gov.cn")
    assert verdict.status is Status.PASS
    assert verdict.message == ("level 2: no internal links (met); level 3: no internal links (met)")
    assert verdict.metrics["level2_rate"] is None and verdict.metrics["level3_rate"] is None
    assert verdict.metrics["external_links"] == 3


async def test_no_ipv6_route_is_an_error(fleet: Fleet, monkeypatch: pytest.MonkeyPatch) -> None:
    no_ipv6_route(monkeypatch)
    verdict = await check(fleet, "www.allv6.gov.cn")
    assert verdict.status is Status.ERROR
    assert verdict.message.startswith("this scanner has no IPv6 route, no link could be probed")
    assert verdict.metrics["level2_undecided"] == 4 and verdict.metrics["level2_rate"] is None


async def test_undecided_links_that_could_change_the_verdict_are_an_error(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.slowdns.gov.cn")
    assert verdict.status is Status.ERROR
    assert verdict.message.startswith(
        "level 2: 100.0% (8/10 links, 2 undecided), undecided against 95%"
    )
    assert notes(verdict)[0] == (
        "2 links to silent.slowdns.gov.cn: DNS: timeout for silent.slowdns.gov.cn "
        "(no answer in 0.6 s) (2 at level 2)"
    )


async def test_undecided_links_that_cannot_change_the_verdict_do_not_matter(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.slowdns.gov.cn", Params(level2_min=0.8))
    assert verdict.status is Status.PASS, verdict.message


async def test_home_page_failing_over_ipv4_is_an_error(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.down.gov.cn")
    assert verdict.status is Status.ERROR
    assert verdict.message.startswith("no links to measure: the home page fails over IPv4")


@pytest.mark.parametrize(
    ("level2_min", "status", "message"),
    [
        # 16 of 20 support IPv6, 2 do not, 2 undecided: 80% to 90% whatever those two do
        (0.95, Status.FAIL, "level 2: 88.9% (16/20 links, 2 undecided) < 95%"),
        (0.85, Status.ERROR, "level 2: 88.9% (16/20 links, 2 undecided), undecided against 85%"),
        (0.80, Status.PASS, "level 2: 88.9% (16/20 links, 2 undecided) >= 80%"),
    ],
)
async def test_links_refusing_gkaudit_are_undecided_and_the_bounds_decide(
    fleet: Fleet,
    monkeypatch: pytest.MonkeyPatch,
    level2_min: float,
    status: Status,
    message: str,
) -> None:
    log = record_requests(monkeypatch)
    verdict = await check(fleet, "www.throttled.gov.cn", Params(level2_min=level2_min))
    assert verdict.status is status, verdict.message
    advice = ADVICE if status is Status.FAIL else ""
    assert verdict.message == f"{message}; level 3: no internal links (met){advice}"
    assert (verdict.metrics["level2_ok"], verdict.metrics["level2_undecided"]) == (16, 2)
    assert verdict.metrics["level2_rate"] == 0.8889
    assert notes(verdict)[:3] == [
        "2 links to v4.throttled.gov.cn: DNS: no AAAA record for v4.throttled.gov.cn "
        "(2 at level 2)",
        "1 link to svc.throttled.gov.cn: HTTP 403: the portal refused gkaudit (blocked?) "
        "(1 at level 2)",
        "1 link to svc.throttled.gov.cn: HTTP 429: the portal refused gkaudit (blocked?) "
        "(1 at level 2)",
    ]
    # a refusal is no broken link: not probed over IPv4 to tell (only opened, for level 3)
    assert not [r for r in log if r.family is Family.IPV4 and r.method == "HEAD"]
    # a level-2 page that refuses gkaudit over IPv4 is told apart from a broken one
    assert notes(verdict)[-1] == (
        "level-3 links taken from 19 level-2 pages (20 of 20 level-2 links opened, "
        "1 not loaded from here: HTTP 429: the portal refused gkaudit (blocked?))"
    )


async def test_no_route_is_named_when_it_is_all_that_left_links_undecided(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_ipv6_route(monkeypatch)
    # the links without AAAA are decided from here (our DNS answers over IPv4); the rest are not
    verdict = await check(fleet, "www.throttled.gov.cn", Params(level2_min=0.85))
    assert verdict.status is Status.ERROR
    assert verdict.message.startswith("this scanner has no IPv6 route, no link could be probed")
    assert (verdict.metrics["level2_ok"], verdict.metrics["level2_undecided"]) == (0, 18)
    # ... and a level the decided links already sink still fails
    verdict = await check(fleet, "www.throttled.gov.cn", Params(level2_min=0.95))
    assert verdict.status is Status.FAIL
