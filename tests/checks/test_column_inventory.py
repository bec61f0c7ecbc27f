"""The column inventory that `columns.updated` and `columns.blank` share, on the demo fleet's
real portals: every page read once for both rules, counted at the server; and what the
inventory makes of a faultless portal."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest

from gkaudit.checks.columns_blank.check import Params as BlankParams
from gkaudit.checks.columns_blank.check import run as blank
from gkaudit.checks.columns_updated.check import Params as UpdatedParams
from gkaudit.checks.columns_updated.check import run as updated
from gkaudit.demo.fleet import DemoFleet
from gkaudit.model import Family
from gkaudit.net.dns import Resolver
from gkaudit.net.http import Fetcher, FetchSettings
from gkaudit.site.context import SiteContext
from gkaudit.site.inventory import Role, reachable_columns

AS_OF = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def fleet() -> Iterator[DemoFleet]:
    with DemoFleet(AS_OF, slow_seconds=1.0) as running:
        yield running


def _context(fleet: DemoFleet, site_id: str) -> tuple[SiteContext, Fetcher]:
    site = next(s for s in fleet.sites if s.id == site_id)
    resolver = Resolver([fleet.dns.address], timeout=1.0, lifetime=2.0)
    fetcher = Fetcher(resolver, FetchSettings(timeout=2, retries=0, interval=0))
    return SiteContext(site, fetcher, AS_OF), fetcher


@pytest.mark.parametrize("site_id", ["gkcity", "xiling", "kjj"])
async def test_the_rules_share_one_crawl(fleet: DemoFleet, site_id: str) -> None:
    site, fetcher = _context(fleet, site_id)
    host = site.site.host
    before = Counter(fleet.http.requests.counts)
    try:
        verdicts = [
            await updated(site, UpdatedParams()),
            await blank(site, BlankParams()),
        ]
    finally:
        site.close()
        await fetcher.aclose()
    built = [fleet.expected[(site_id, rule)] for rule in ("columns.updated", "columns.blank")]
    assert [v.status for v in verdicts] == built, [v.message for v in verdicts]
    counts = Counter(fleet.http.requests.counts)
    counts.subtract(before)
    gets = {k: n for k, n in counts.items() if k[0] == host and k[2] == "GET" and n}
    assert gets, "the rules read the portal"
    assert all(k[3] is Family.IPV4 for k in gets)
    twice = {k[1]: n for k, n in gets.items() if n > 1}
    assert twice == {}, f"pages fetched more than once: {twice}"


async def test_a_faultless_portal_s_inventory(fleet: DemoFleet) -> None:
    site, fetcher = _context(fleet, "gkcity")
    try:
        inventory = await reachable_columns(site, max_pages=60)
    finally:
        site.close()
        await fetcher.aclose()
    roles = {entry.name: entry.role for entry in inventory.entries}
    # the news, notice and plan columns are columns; 政务公开 links columns; nothing is blank
    assert roles["要闻动态"] is Role.COLUMN and roles["通知公告"] is Role.COLUMN
    assert roles["市场准入负面清单"] is Role.COLUMN
    assert roles["政务公开"] is Role.NAVIGATION
    assert Role.BLANK not in roles.values() and Role.UNREAD not in roles.values()
    assert {e.level for e in inventory.entries} == {1, 2}
