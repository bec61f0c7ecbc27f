"""No obstacle ever turns into a `fail`: every rule of both packaged plans (the national
indicators and the Dalian plan), run by the engine on a portal whose every page stands behind
a firewall's challenge, a block page, a long rate limit or a timeout, gives `error` naming the
obstacle (or `skip`); only the rules that read DNS alone may decide. A false `fail` would be a
public accusation in a 通报 of what gkaudit could not read.

One exception, by `site.reachable`'s design: a home page that stays silent past the timeout is
what that rule measures (站点无法访问: "超过(含)15秒网站仍打不开"), so it fails there; every
other rule, which needs the page's content, gives `error`.

The obstacle pages are the real ones of tests/fixtures/realweb (SOURCES.md there)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from gkaudit import i18n
from gkaudit.engine import Engine, ScanSettings
from gkaudit.model import Report, SiteKind, SiteReport, Status
from gkaudit.net.browser import BrowserMode
from gkaudit.net.http import FetchSettings
from gkaudit.plans import load_plans
from gkaudit.plugins import Registry
from tests.support.realweb import (
    Guard,
    Host,
    RealWeb,
    Reply,
    blocks_unknown_agents,
    ruishu,
    too_many_requests,
)
from tests.test_realweb import DLZS

AS_OF = dt.date(2026, 11, 30)
TIMEOUT = 1.0
#: The rules that read the portal's DNS only: a firewall in front of its pages does not hide
#: their answer, so they may pass (or fail on the records, which the loopback zone has right).
DNS_ONLY = {"ipv6.aaaa", "ipv6.nameservers"}


def hangs() -> Guard:
    """Every answer comes after the client's timeout: a portal whose server hangs."""
    late = Reply(200, b"<html><body>late</body></html>", delay=TIMEOUT * 3)
    return lambda request: late


OPEN = "www.dlzs.gov.cn"
#: host -> (its guard, a fragment every `error` of the host names)
OBSTACLES: dict[str, tuple[Guard, tuple[str, ...]]] = {
    "ruishu.dlzs.gov.cn": (ruishu(), ("瑞数", "412")),
    "safedog.dlzs.gov.cn": (blocks_unknown_agents("safedog-block.html"), ("安全狗",)),
    # an hour's Retry-After on every request: never waited for, never a broken page
    "limited.dlzs.gov.cn": (too_many_requests(10**9, "3600"), ("429", "rate", "Retry-After")),
    "hangs.dlzs.gov.cn": (hangs(), ("timeout", "timed out", "no answer")),
}
#: (host, rule) decided by design: the silence past the timeout is what the rule measures
MEASURED = {("hangs.dlzs.gov.cn", "site.reachable"): Status.FAIL}


@pytest.fixture(scope="module")
def report() -> Iterator[Report]:
    hosts = {host: Host(DLZS, guard) for host, (guard, _) in OBSTACLES.items()}
    hosts[OPEN] = Host(DLZS)
    registry = Registry.load()
    plans = load_plans([Path("gwjc-2019"), Path("dalian-2022")], registry)
    i18n.use("en")  # before the per-test fixture that sets it: this one is module-scoped
    with RealWeb(hosts) as web:
        assert web.dns is not None
        sites = [web.site(host, SiteKind.DISTRICT) for host in hosts]
        settings = ScanSettings(
            as_of=AS_OF,
            nameservers=(web.dns.address,),
            authoritative_port=web.dns.port,
            fetch=FetchSettings(timeout=TIMEOUT, retries=0, interval=0.0),
            browser=BrowserMode.NEVER,
            site_budget=120.0,
        )
        yield asyncio.run(Engine(plans, registry, settings).run(sites))


def test_no_rule_of_either_plan_fails_behind_an_obstacle(report: Report) -> None:
    rules = {r.id for plan in report.plans for r in plan.rules}
    assert len(rules) > 25, "both plans' rules"
    decided = {
        (host, r.rule): r.status
        for host in OBSTACLES
        for r in _site(report, host).results
        if r.status in (Status.FAIL, Status.WARN, Status.PASS) and r.rule not in DNS_ONLY
    }
    assert decided == MEASURED, "a page behind an obstacle decided a rule"


def _site(report: Report, host: str) -> SiteReport:
    (site,) = [s for s in report.sites if s.url.startswith(f"http://{host}:")]
    return site


@pytest.mark.parametrize("host", sorted(OBSTACLES))
def test_each_error_names_the_obstacle(report: Report, host: str) -> None:
    site = _site(report, host)
    words = OBSTACLES[host][1]
    errors = [r for r in site.results if r.status is Status.ERROR]
    assert len(errors) > len(site.results) / 2, "most rules are undecided"
    unnamed = {r.rule: r.message for r in errors if not any(w in r.message for w in words)}
    assert unnamed == {}, f"errors that do not name the obstacle ({' / '.join(words)})"


def test_the_same_portal_without_an_obstacle_is_decided(report: Report) -> None:
    """The control: the pages behind the obstacles decide rules when they can be read."""
    site = _site(report, OPEN)
    decided = [r.rule for r in site.results if r.status in (Status.PASS, Status.FAIL, Status.WARN)]
    assert len(set(decided) - DNS_ONLY) >= 10, decided
