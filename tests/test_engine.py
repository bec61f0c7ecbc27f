"""engine: exactly one result per site x rule, whatever the checks do."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

import gkaudit.engine as engine_module
from gkaudit.demo.dns import DnsServer
from gkaudit.engine import Engine, ScanSettings
from gkaudit.model import (
    Family,
    Plan,
    Rule,
    Severity,
    Site,
    SiteKind,
    SiteReport,
    Status,
    Verdict,
)
from gkaudit.net.dns import Resolver
from gkaudit.net.http import AUTO_CONCURRENCY, Fetcher, FetchSettings
from gkaudit.plugins import Check, CheckParams, Registry
from gkaudit.site.context import SiteContext
from tests.support.loopback import zone_records
from tests.support.web import FakeWeb


class Params(CheckParams):
    verdict: str = "pass"


async def scripted(site: SiteContext, params: Params) -> Verdict:
    """Does what its params say, so the engine's handling of each outcome can be tested."""
    match params.verdict:
        case "pass":
            return Verdict.passed(f"{site.site.id} ok", metric=1)
        case "fail":
            return Verdict.failed("broken")
        case "raise":
            raise RuntimeError("boom")
        case "hang":
            await asyncio.sleep(60)
    raise AssertionError(params.verdict)


REGISTRY = Registry([Check("scripted", Params, scripted, "manual", __name__)])
SITES = [
    Site(id="city", name="市", url="http://www.a.gov.cn/", kind=SiteKind.CITY, tags=("agri",)),
    Site(id="dept", name="局", url="http://kjj.a.gov.cn/", kind=SiteKind.DEPARTMENT),
]


def rule(rule_id: str, verdict: str, **extra: object) -> Rule:
    return Rule(
        id=rule_id,
        title=rule_id,
        clause="(一)",
        check="scripted",
        params={"verdict": verdict},
        **extra,  # type: ignore[arg-type]
    )


def scan(*rules: Rule, budget: float = 30.0) -> list[list[tuple[str, Status, str]]]:
    plan = Plan(title="计划", document="文号", rules=rules)
    settings = ScanSettings(
        as_of=dt.date(2026, 11, 29),
        nameservers=("127.0.0.1:9",),
        site_budget=budget,
        fetch=FetchSettings(timeout=1, retries=0),
    )
    report = asyncio.run(Engine(plan, REGISTRY, settings).run(SITES))
    assert report.summary.sites == len(SITES)
    assert [s.id for s in report.sites] == ["city", "dept"]  # sites.yaml order, not finish order
    return [[(r.rule, r.status, r.message) for r in s.results] for s in report.sites]


def test_each_site_gets_one_result_per_rule_in_plan_order() -> None:
    results = scan(rule("a", "pass"), rule("b", "fail"))
    assert results[0] == [("a", Status.PASS, "city ok"), ("b", Status.FAIL, "broken")]
    assert results[1] == [("a", Status.PASS, "dept ok"), ("b", Status.FAIL, "broken")]


def test_a_rule_that_does_not_apply_is_skipped() -> None:
    results = scan(rule("a", "fail", applies_to=(SiteKind.CITY, SiteKind.DISTRICT)))
    assert results[0][0][1] is Status.FAIL
    assert results[1][0] == ("a", Status.SKIP, "does not apply to department portals")


def test_a_rule_for_a_tag_runs_on_the_sites_so_tagged_only() -> None:
    results = scan(rule("a", "fail", applies_to=("agri",)))
    assert results[0][0][1] is Status.FAIL
    assert results[1][0] == (
        "a",
        Status.SKIP,
        "does not apply to department portals not tagged agri",
    )
    both = scan(rule("a", "fail", applies_to=(SiteKind.DEPARTMENT, "agri")))
    assert [site[0][1] for site in both] == [Status.FAIL, Status.FAIL]


def test_a_failed_warning_rule_warns() -> None:
    results = scan(rule("a", "fail", severity=Severity.WARNING))
    assert results[0][0][1] is Status.WARN


def test_an_exception_is_an_error_result_naming_it() -> None:
    results = scan(rule("a", "raise"), rule("b", "pass"))
    assert results[0][0] == (
        "a",
        Status.ERROR,
        "internal error in check 'scripted': RuntimeError: boom",
    )
    assert results[0][1][1] is Status.PASS  # the other rule is unaffected


def test_the_site_budget_turns_unfinished_rules_into_errors() -> None:
    results = scan(rule("a", "hang"), rule("b", "pass"), budget=0.3)
    assert results[0][0] == ("a", Status.ERROR, "the site's time budget of 0.3 s ran out")
    assert results[0][1][1] is Status.PASS


def test_report_metadata_and_summary() -> None:
    plan = Plan(title="计划", document="文号", source="p.yaml", rules=(rule("a", "pass"),))
    settings = ScanSettings(as_of=dt.date(2026, 3, 1), nameservers=("127.0.0.1:9",))
    report = asyncio.run(Engine(plan, REGISTRY, settings).run(SITES))
    (plan_info,) = report.plans
    assert (plan_info.title, plan_info.document, plan_info.source) == ("计划", "文号", "p.yaml")
    assert [(r.id, r.title, r.clause) for r in plan_info.rules] == [("a", "a", "(一)")]
    assert report.as_of == dt.date(2026, 3, 1)
    assert report.started_at <= report.finished_at
    assert report.summary.count(Status.PASS) == 2 and not report.incomplete
    assert report.sites[0].results[0].metrics == {"metric": 1}


def test_a_site_is_scored_when_it_finishes_and_the_report_lists_it_as_streamed() -> None:
    """The roll-up is the finished site's (`on_site` streams it scored), so the report only
    gathers the sites: no second copy of every site is made at the end of a big run."""
    plan = Plan(
        title="计划", document="文号", rules=(rule("a", "fail", veto=True), rule("b", "pass"))
    )
    settings = ScanSettings(as_of=dt.date(2026, 3, 1), nameservers=("127.0.0.1:9",))
    streamed: list[SiteReport] = []
    report = asyncio.run(Engine(plan, REGISTRY, settings).run(SITES, on_site=streamed.append))
    assert [r.rollup[0].vetoes for r in streamed] == [("a",), ("a",)]
    assert sorted(streamed, key=lambda r: r.id) == sorted(report.sites, key=lambda r: r.id)


async def own_timeout(site: SiteContext, params: Params) -> Verdict:
    """A check whose own `asyncio.timeout` escapes: a bug in the check, not the site's budget."""
    async with asyncio.timeout(0.01):
        await asyncio.sleep(1)
    raise AssertionError("unreachable")


def test_a_checks_own_timeout_is_an_internal_error_not_the_budget() -> None:
    registry = Registry([Check("own-timeout", Params, own_timeout, "manual", __name__)])
    plan = Plan(
        title="计划",
        document="文号",
        rules=(Rule(id="a", title="a", clause="(一)", check="own-timeout"),),
    )
    settings = ScanSettings(as_of=dt.date(2026, 11, 29), nameservers=("127.0.0.1:9",))
    report = asyncio.run(Engine(plan, registry, settings).run(SITES[:1]))
    message = report.sites[0].results[0].message
    assert message == "internal error in check 'own-timeout': TimeoutError: "


def test_sites_in_flight_are_bounded() -> None:
    assert _peak_sites(10, FetchSettings(), sites_in_flight=3) == 3


def test_each_site_is_reported_started_while_its_rules_run_then_finished() -> None:
    """The progress bar's sites in flight: a start before any rule of the site runs, a finish
    once all have, never more started-and-unfinished than the bound."""
    events: list[tuple[str, str]] = []

    async def noted(site: SiteContext, params: Params) -> Verdict:
        events.append(("check", site.site.id))
        await asyncio.sleep(0.01)
        return Verdict.passed("ok")

    registry = Registry([Check("noted", Params, noted, "manual", __name__)])
    plan = Plan(
        title="计划",
        document="文号",
        rules=tuple(Rule(id=r, title=r, clause="(一)", check="noted") for r in ("a", "b")),
    )
    sites = [
        Site(id=f"s{i}", name="站", url=f"http://s{i}.gk.gov.cn/", kind=SiteKind.DISTRICT)
        for i in range(5)
    ]
    settings = ScanSettings(
        as_of=dt.date(2026, 11, 29), nameservers=("127.0.0.1:9",), sites_in_flight=2
    )
    asyncio.run(
        Engine(plan, registry, settings).run(
            sites,
            on_site=lambda report: events.append(("finished", report.id)),
            on_start=lambda site: events.append(("started", site.id)),
        )
    )
    flying: set[str] = set()
    peak = 0
    for event, site_id in events:
        if event == "started":
            assert site_id not in flying
            flying.add(site_id)
        elif event == "check":
            assert site_id in flying, (site_id, events)
        else:
            flying.remove(site_id)
        peak = max(peak, len(flying))
    assert flying == set() and peak == 2
    assert sorted(e for e in events if e[0] == "started") == [("started", s.id) for s in sites]


def _peak_sites(count: int, fetch: FetchSettings, sites_in_flight: int = 0) -> int:
    """How many sites were held at once (each holds its site for a moment)."""
    busy = {"now": 0, "peak": 0}

    async def occupied(site: SiteContext, params: Params) -> Verdict:
        busy["now"] += 1
        busy["peak"] = max(busy["peak"], busy["now"])
        await asyncio.sleep(0.02)
        busy["now"] -= 1
        return Verdict.passed("ok")

    registry = Registry([Check("occupied", Params, occupied, "manual", __name__)])
    plan = Plan(
        title="计划",
        document="文号",
        rules=(Rule(id="a", title="a", clause="(一)", check="occupied"),),
    )
    sites = [
        Site(id=f"s{i}", name="站", url=f"http://s{i}.gk.gov.cn/", kind=SiteKind.DISTRICT)
        for i in range(count)
    ]
    settings = ScanSettings(
        as_of=dt.date(2026, 11, 29),
        nameservers=("127.0.0.1:9",),
        fetch=fetch,
        sites_in_flight=sites_in_flight,
    )
    report = asyncio.run(Engine(plan, registry, settings).run(sites))
    assert [s.id for s in report.sites] == [f"s{i}" for i in range(count)]
    return busy["peak"]


def test_the_automatic_bound_splits_the_fleet_in_equal_waves() -> None:
    fetch = FetchSettings(concurrency=4, per_host=1)  # bound: 2 x 4 / 1 = 8
    assert _peak_sites(8, fetch) == 8
    assert _peak_sites(10, fetch) == 5  # two waves of 5, not 8 and a late tail of 2
    assert _peak_sites(17, fetch) == 6  # three waves


async def test_a_domains_probes_are_kept_until_its_last_site_is_done(web: FakeWeb) -> None:
    """The department site and the city share a.gov.cn's memo; once both are done its probes
    are forgotten (b.gov.cn asking again probes again), while an outside page stays known."""
    linked, outside = web.url("www.a.gov.cn", "/x.html"), web.url("www.gov.cn", "/")
    routes = [web.head(linked), web.head(outside)]
    counts: list[tuple[str, list[int]]] = []

    async def probing(site: SiteContext, params: Params) -> Verdict:
        for url in (linked, outside):
            await site.probe(url, Family.IPV4)
        counts.append((site.site.id, [route.call_count for route in routes]))
        return Verdict.passed("ok")

    registry = Registry([Check("probing", Params, probing, "manual", __name__)])
    plan = Plan(
        title="计划",
        document="文号",
        rules=(Rule(id="p", title="p", clause="(一)", check="probing"),),
    )
    hosts = {"kjj": "kjj.a.gov.cn", "city": "www.a.gov.cn", "b": "www.b.gov.cn"}
    sites = [
        Site(id=key, name=host, url=web.url(host), kind=SiteKind.DISTRICT)
        for key, host in hosts.items()
    ]
    dns = DnsServer(zone_records([*hosts.values(), "www.gov.cn"])).start()
    try:
        settings = ScanSettings(
            as_of=dt.date(2026, 11, 29),
            nameservers=(dns.address,),
            fetch=FetchSettings(timeout=2, retries=0, interval=0),
            sites_in_flight=1,  # one after another, in this order
        )
        await Engine(plan, registry, settings).run(sites)
    finally:
        dns.stop()
    assert counts == [("kjj", [1, 1]), ("city", [1, 1]), ("b", [2, 1])]


def test_the_automatic_global_limit_lets_every_site_in_flight_use_its_per_host_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []

    class Recording(Fetcher):
        def __init__(self, resolver: Resolver, settings: FetchSettings | None = None) -> None:
            super().__init__(resolver, settings)
            seen.append(self.settings.concurrency)

    monkeypatch.setattr(engine_module, "Fetcher", Recording)
    # 60 sites, a fifth over the bound of 50: all in one wave, 3 requests each: 180, not a
    # fixed 50; 61 sites: two waves of 31; 100: two of 50 (the bound holds)
    assert _peak_sites(60, FetchSettings(per_host=3)) == 60
    assert _peak_sites(61, FetchSettings(per_host=3)) == 31
    assert _peak_sites(100, FetchSettings(per_host=3)) == 50
    # 20 sites, all in flight: 60
    assert _peak_sites(20, FetchSettings(per_host=3)) == 20
    # never under 50 (a portal's probes reach many hosts); a limit set is kept, and bounds
    # the sites in flight as before (2 x 7 / 1 = 14: 20 sites in two waves of 10)
    _peak_sites(4, FetchSettings(per_host=3))
    assert _peak_sites(20, FetchSettings(concurrency=7, per_host=1)) == 10
    assert seen == [180, 93, 150, 60, 50, 7]
    # a Fetcher made without the engine has a finite limit
    assert Fetcher(Resolver(("127.0.0.1:9",))).settings.concurrency == AUTO_CONCURRENCY
