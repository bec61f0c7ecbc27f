"""Several plans in one scan: `--plan` repeated or `include:`, one rule per id, one crawl."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gkaudit.config import ConfigError
from gkaudit.demo.fleet import DemoFleet
from gkaudit.engine import Engine, ScanSettings
from gkaudit.model import Family, PlanSet, Report, Site
from gkaudit.net.browser import Browser, BrowserMode, unavailable
from gkaudit.net.http import FetchSettings, Outcome
from gkaudit.plans import load_plan, load_plans, packaged_plan_path, select_rules
from gkaudit.plugins import Registry

AS_OF = dt.date(2026, 11, 29)

BOTH = [Path("dalian-2022"), Path("gwjc-2019")]

PLAN = """\
title: 甲
document: 甲〔2026〕1号
rules:
  - id: site.reachable
    title: 首页可访问
    clause: (一)
    check: reachable
  - id: own.aaaa
    title: IPv6解析
    clause: (二)
    check: ipv6_aaaa
"""


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_two_packaged_plans_share_their_common_rules(registry: Registry) -> None:
    plans = load_plans(BOTH, registry)
    dalian, gwjc = plans.plans
    assert (dalian.document, gwjc.document) == ("大政公开办〔2022〕1号", "国办秘函〔2019〕19号")
    assert len(dalian.sha256) == len(gwjc.sha256) == 64
    shared = {r.id for r in dalian.rules} & {r.id for r in gwjc.rules}
    assert {
        "site.reachable",
        "feedback.jiucuo",
        "privacy.personal-data",
        "wording.severe",
    } <= shared
    # each shared id is one rule, run once, with the first plan's title and clause
    ids = [r.id for r in plans.rules]
    assert (
        len(ids) == len(set(ids)) == len({r.id for r in dalian.rules} | {r.id for r in gwjc.rules})
    )
    first = {r.id: r for r in dalian.rules}
    assert all(r is first[r.id] for r in plans.rules if r.id in first)
    # ... and each plan still cites it its own way
    cited = {r.id: r.clause for r in gwjc.rules}
    assert cited["site.reachable"] == "单项否决·站点无法访问" != first["site.reachable"].clause


def test_a_plan_named_twice_is_read_once(registry: Registry) -> None:
    plans = load_plans([Path("gwjc-2019"), packaged_plan_path("gwjc-2019")], registry)
    assert [p.document for p in plans.plans] == ["国办秘函〔2019〕19号"]
    assert load_plans([], registry).plans == (load_plan(None, registry),)


def test_a_plan_including_another(tmp_path: Path, registry: Registry) -> None:
    mine = write(tmp_path, "mine.yaml", PLAN.replace("rules:", "include: [gwjc-2019]\nrules:"))
    plans = load_plans([mine], registry)
    assert [p.document for p in plans.plans] == ["甲〔2026〕1号", "国办秘函〔2019〕19号"]
    # a file beside the including plan is found before a packaged plan
    write(tmp_path, "other.yaml", PLAN.replace("甲", "乙").replace("own.aaaa", "other.aaaa"))
    mine.write_text(PLAN.replace("rules:", "include: [other.yaml, gwjc-2019]\nrules:"), "utf-8")
    assert [p.document for p in load_plans([mine], registry).plans] == [
        "甲〔2026〕1号",
        "乙〔2026〕1号",
        "国办秘函〔2019〕19号",
    ]


def test_an_include_that_is_no_plan_or_a_cycle_is_an_error(
    tmp_path: Path, registry: Registry
) -> None:
    mine = write(tmp_path, "mine.yaml", PLAN.replace("rules:", "include:\n  - nosuch\nrules:"))
    with pytest.raises(ConfigError) as caught:
        load_plans([mine], registry)
    assert str(caught.value) == (
        f"{mine}:4: include[0]: no plan 'nosuch' "
        "(neither a packaged plan nor a file next to this one)"
    )
    write(
        tmp_path,
        "b.yaml",
        PLAN.replace("甲", "乙").replace("rules:", "include: [mine.yaml]\nrules:"),
    )
    mine.write_text(PLAN.replace("rules:", "include: [b.yaml]\nrules:"), "utf-8")
    with pytest.raises(
        ConfigError, match=r"b\.yaml:3: include\[0\]: 'mine.yaml' includes this plan"
    ):
        load_plans([mine], registry)


def test_one_rule_id_defined_differently_by_two_plans_is_refused_naming_both(
    tmp_path: Path, registry: Registry
) -> None:
    first = write(tmp_path, "a.yaml", PLAN)
    other = PLAN.replace("甲", "乙").replace(
        "check: ipv6_aaaa", "check: ipv6_aaaa\n    severity: warning"
    )
    second = write(tmp_path, "b.yaml", other)
    with pytest.raises(ConfigError) as caught:
        load_plans([first, second], registry)
    assert str(caught.value) == (
        f"{second}:8: rules[1].id: 'own.aaaa' is also a rule of {first}:8 (rules[1]) with another "
        "severity; a rule id is one test in every plan of a scan: define it alike in both, or "
        "give one of them another id"
    )
    # the same test cited with another title and clause is one rule
    alike = PLAN.replace("甲", "乙").replace("clause: (二)", "clause: 功能设计·IPv6")
    plans = load_plans([first, write(tmp_path, "c.yaml", alike)], registry)
    assert [r.id for r in plans.rules] == ["site.reachable", "own.aaaa"]


def test_rule_selection_keeps_the_plans_that_list_a_rule(registry: Registry) -> None:
    plans = load_plans(BOTH, registry)
    only = select_rules(plans, ["site.home-updated"])
    assert [p.document for p in only.plans] == ["国办秘函〔2019〕19号"]
    both = select_rules(plans, ["site.reachable"])
    assert [[r.id for r in p.rules] for p in both.plans] == [["site.reachable"]] * 2
    with pytest.raises(ConfigError, match=r"unknown rule id 'site\.home'"):
        select_rules(plans, ["site.home"])


# --- one crawl -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fleet() -> Iterator[DemoFleet]:
    with DemoFleet(AS_OF, slow_seconds=6) as demo:
        yield demo


def _scan(
    fleet: DemoFleet,
    plans: PlanSet,
    registry: Registry,
    *sites: Site,
    browser: BrowserMode = BrowserMode.NEVER,
) -> Report:
    settings = ScanSettings(
        as_of=AS_OF,
        nameservers=(fleet.nameserver,),
        authoritative_port=fleet.dns.port,
        # no retries: a retried transient failure is asked again on purpose
        fetch=FetchSettings(timeout=2, retries=0, interval=0.0),
        browser=browser,
    )
    return asyncio.run(Engine(plans, registry, settings).run(sites))


def _probe_reread(
    counted: dict[tuple[str, str, str, Family], int], key: tuple[str, str, str, Family]
) -> bool:
    """The one repeat by design: a link probe answered with an HTTP error is read once more with
    its body, to tell a firewall's block page from a broken link (`gkaudit.site.probes`): a
    HEAD, a GET without the body, then the GET with it."""
    host, path, method, family = key
    head = counted.get((host, path, "HEAD", family), 0)
    return method == "GET" and counted[key] == 2 and head == 1


@pytest.mark.parametrize(
    "browser",
    [
        BrowserMode.NEVER,
        pytest.param(
            BrowserMode.AUTO,
            marks=pytest.mark.skipif(
                unavailable() is not None, reason=f"no headless browser: {unavailable()}"
            ),
        ),
    ],
)
def test_both_plans_in_one_crawl_fetch_no_page_twice(
    fleet: DemoFleet, registry: Registry, browser: BrowserMode, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted at the server, site by site (a department's portal links to the city's pages,
    which its own crawl fetches again: one crawl is one site's), without a browser and with one:
    a page the fetcher read and a rule then asks for rendered (sfj's home page, which shows no
    search) is not asked for again by Chromium."""
    rendered: list[str] = []
    render = Browser.render

    async def counted_render(self: Browser, url: str, *args: Any, **kwargs: Any) -> Outcome:
        rendered.append(url)
        return await render(self, url, *args, **kwargs)

    monkeypatch.setattr(Browser, "render", counted_render)
    plans = load_plans(BOTH, registry)
    twice: dict[str, dict[tuple[str, str, str, Family], int]] = {}
    seen = 0
    for site in fleet.sites:
        fleet.http.requests.clear()
        report = _scan(fleet, plans, registry, site, browser=browser)
        counted = dict(fleet.http.requests.counts)
        seen += sum(counted.values())
        twice[site.id] = {
            key: n for key, n in counted.items() if n > 1 and not _probe_reread(counted, key)
        }
        # one result per (site, rule id), and the report lists both plans
        assert [r.rule for r in report.sites[0].results] == [r.id for r in plans.rules]
    assert seen > 500, "the server saw few requests: the count proves little"
    # with a browser, pages were rendered (else the count proves nothing of the browser)
    assert bool(rendered) is (browser is BrowserMode.AUTO), rendered
    assert {site: found for site, found in twice.items() if found} == {}, (
        "fetched more than once by one site's scan: (host, path, method, family): count"
    )
    assert [p.document for p in report.plans] == ["大政公开办〔2022〕1号", "国办秘函〔2019〕19号"]
    cited = report.citations("site.reachable")
    assert [(p.document, r.clause) for p, r in cited] == [
        ("大政公开办〔2022〕1号", "(十九)"),
        ("国办秘函〔2019〕19号", "单项否决·站点无法访问"),
    ]


def _twice(counted: dict[tuple[str, str, str, Family], int]) -> set[tuple[str, str, str, Family]]:
    return {key for key, n in counted.items() if n > 1 and not _probe_reread(counted, key)}


def test_the_sites_of_one_host_share_their_pages(fleet: DemoFleet, registry: Registry) -> None:
    """The city portal and two departments whose columns live on the city's host (Dalian's
    发展改革 and 财政 publish on www.dl.gov.cn), scanned together under both plans: each crawl
    walks the city's navigation, and every URL is fetched once for the three, counted at the
    server. Scanned apart, the same sites fetch the city's pages again: the control."""
    plans = load_plans(BOTH, registry)
    city = fleet.sites[0]
    assert city.kind.value == "city"
    departments = [
        Site(id=f"dept{n}", name=name, url=city.url + path, kind="department")  # type: ignore[arg-type]
        for n, (name, path) in enumerate(
            [
                ("港康市发展和改革委员会", "col/col1192/index.html"),
                ("港康市财政局", "col/col1199/index.html"),
            ]
        )
    ]
    apart: dict[tuple[str, str, str, Family], int] = {}
    for site in (city, *departments):
        fleet.http.requests.clear()
        _scan(fleet, plans, registry, site)
        for key, n in fleet.http.requests.counts.items():
            apart[key] = apart.get(key, 0) + n
    assert len(_twice(apart)) > 20, (
        "scanned apart, the departments' crawls should repeat the city's"
    )
    fleet.http.requests.clear()
    report = _scan(fleet, plans, registry, city, *departments)
    together = dict(fleet.http.requests.counts)
    assert sum(together.values()) > 100, "the server saw few requests: the count proves little"
    # each site searches its own newest headline: a URL per headline, one path (the server
    # counts paths, not queries); two sites showing the same headline share one search
    searches = {key: together.pop(key) for key in list(together) if "search" in key[1]}
    assert searches and all(n <= 3 for n in searches.values()), searches
    assert sorted(_twice(together)) == [], "fetched more than once in one run"
    # the departments' rules were decided on the shared pages like the city's
    assert [s.id for s in report.sites] == ["gkcity", "dept0", "dept1"]
    for site in report.sites[1:]:
        home = next(r for r in site.results if r.rule == "site.reachable")
        assert home.status.value == "pass", home.message
