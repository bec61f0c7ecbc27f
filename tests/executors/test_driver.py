"""driver: the one report of a run, whatever the executor reports (a misbehaving one is a bug)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

import pytest

from gkaudit.engine import ScanSettings
from gkaudit.executors import Job, OnSite
from gkaudit.executors.driver import Driver, StraySiteError
from gkaudit.executors.groups import Group
from gkaudit.model import Plan, Site, SiteKind, SiteReport

SITES = tuple(
    Site(id=f"s{i}", name="站", url=f"http://s{i}.gk.gov.cn/", kind=SiteKind.DISTRICT)
    for i in range(3)
)
JOB = Job(Plan(title="计划", document="文号", rules=()), ScanSettings(as_of=dt.date(2026, 12, 1)))


class Reporting:
    """An executor that reports the sites named, in that order (a mock executor: the driver's
    bookkeeping is what is under test)."""

    def __init__(self, *ids: str) -> None:
        self.ids = ids

    async def run(self, job: Job, groups: Sequence[Group], on_site: OnSite) -> None:
        for site_id in self.ids:
            site = next(s for s in SITES if s.id == site_id) if site_id != "stray" else None
            url = site.url if site else "http://x.gk.gov.cn/"
            on_site(SiteReport(id=site_id, name="站", url=url, kind=SiteKind.DISTRICT, results=()))


def _run(executor: Reporting) -> list[str]:
    group = Group(name="gk.gov.cn", sites=SITES, domains=("gk.gov.cn",))
    report = asyncio.run(Driver(executor, JOB, [group]).run(SITES))
    return [site.id for site in report.sites]


def test_sites_are_listed_in_the_order_given_whatever_order_they_finish_in() -> None:
    assert _run(Reporting("s2", "s0", "s1")) == ["s0", "s1", "s2"]


@pytest.mark.parametrize(
    ("ids", "why"), [(("s0", "s0"), "reported twice"), (("s1", "stray"), "never given")]
)
def test_a_site_reported_twice_or_never_given_is_an_error(ids: tuple[str, ...], why: str) -> None:
    with pytest.raises(StraySiteError, match=why):
        _run(Reporting(*ids))
