"""annual-report: the report for the last due year (条例 第四十九条) is listed in the 年报
section; before and after 31 March (governments) and 31 January (departments), end to end over
real loopback sockets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from gkaudit.checks.annual_report.check import Params, run
from gkaudit.model import HtmlEvidence, SiteKind, Status, Verdict
from tests.checks.content_fleet import MISSING_HOST, Fleet

BEFORE_MARCH = dt.date(2026, 3, 31)  # the deadline day: the 2025 report is not late yet
AFTER_MARCH = dt.date(2026, 4, 1)
BEFORE_JANUARY = dt.date(2026, 1, 31)
AFTER_JANUARY = dt.date(2026, 2, 1)
KJJ_HINTS = {"annual_report_url": "/xxgk/xxgknb/"}


async def check(
    fleet: Fleet,
    host: str,
    as_of: dt.date,
    *,
    kind: SiteKind = SiteKind.DISTRICT,
    hints: dict[str, str] | None = None,
    **params: Any,
) -> Verdict:
    return await fleet.verdict(run, Params(**params), host, as_of=as_of, kind=kind, hints=hints)


# --- governments: by 31 March -----------------------------------------------------------------


async def test_city_with_last_years_report_passes_after_the_deadline(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlzs.gov.cn", AFTER_MARCH, kind=SiteKind.CITY)
    assert verdict.status is Status.PASS, verdict.message
    assert "lists the 2025 report (due by 2026-03-31)" in verdict.message
    assert verdict.metrics == {"due_year": 2025, "newest_year": 2025, "reports": 3}
    report = verdict.evidence[-1]
    assert isinstance(report, HtmlEvidence)
    assert report.text == "大连市中山区2025年政府信息公开工作年度报告"


async def test_a_missing_report_fails_after_the_deadline(fleet: Fleet) -> None:
    verdict = await check(fleet, "oldreport.dlzs.gov.cn", AFTER_MARCH)
    assert verdict.status is Status.FAIL
    assert "does not list the 2025 report, due by 2026-03-31 for a district" in verdict.message
    assert verdict.message.endswith("the newest listed is 2024")
    assert verdict.metrics == {"due_year": 2025, "newest_year": 2024, "reports": 2}


async def test_the_same_list_passes_until_the_deadline(fleet: Fleet) -> None:
    verdict = await check(fleet, "oldreport.dlzs.gov.cn", BEFORE_MARCH)
    assert verdict.status is Status.PASS, verdict.message
    assert "lists the 2024 report (due by 2025-03-31)" in verdict.message
    assert verdict.message.endswith("2025 is due by 2026-03-31")


async def test_gbk_portal_through_political_openness(fleet: Fleet) -> None:
    # 西岗区: 信息公开年报 on a platform linked from 政务公开; its newest report is 2024
    before = await check(fleet, "www.dlxg.gov.cn", BEFORE_MARCH)
    assert before.status is Status.PASS, before.message
    assert "西岗区2024年政府信息公开工作年度报告" in before.message
    after = await check(fleet, "www.dlxg.gov.cn", AFTER_MARCH)
    assert after.status is Status.FAIL
    assert after.metrics["newest_year"] == 2024


# --- departments: by 31 January ---------------------------------------------------------------


async def test_department_before_and_after_31_january(fleet: Fleet) -> None:
    kind = SiteKind.DEPARTMENT
    before = await check(fleet, "kjj.dl.gov.cn", BEFORE_JANUARY, kind=kind, hints=KJJ_HINTS)
    assert before.status is Status.PASS, before.message
    after = await check(fleet, "kjj.dl.gov.cn", AFTER_JANUARY, kind=kind, hints=KJJ_HINTS)
    assert after.status is Status.FAIL
    # the 2024 report was published on 2026-01-10: its title, not that date, says its year
    assert "does not list the 2025 report, due by 2026-01-31 for a department" in after.message
    assert after.metrics["newest_year"] == 2024


async def test_the_section_of_a_hinted_platform(fleet: Fleet) -> None:
    verdict = await check(
        fleet,
        "kjj.dl.gov.cn",
        BEFORE_JANUARY,
        kind=SiteKind.DEPARTMENT,
        hints={"disclosure_url": "/xxgk/"},
    )
    assert verdict.status is Status.PASS, verdict.message


async def test_a_stricter_deadline_from_params(fleet: Fleet) -> None:
    verdict = await check(
        fleet,
        "oldreport.dlzs.gov.cn",
        BEFORE_MARCH,
        deadlines={"city": "01-31", "district": "01-31", "department": "01-15"},
    )
    assert verdict.status is Status.FAIL
    assert "due by 2026-01-31" in verdict.message


async def test_a_title_pattern_from_params(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlzs.gov.cn", AFTER_MARCH, pattern=r"(\d{4})年度报告")
    assert verdict.status is Status.FAIL
    assert verdict.message.endswith("no report is listed")


async def test_a_pattern_whose_year_group_is_optional(fleet: Fleet) -> None:
    pattern = r"(\d{4})?年.*政府信息公开.*报告"
    verdict = await check(fleet, "www.dlzs.gov.cn", AFTER_MARCH, pattern=pattern)
    assert verdict.status is Status.PASS, verdict.message
    assert verdict.metrics["newest_year"] == 2025


# --- fail: no section -------------------------------------------------------------------------


async def test_no_annual_report_section_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.ganjingzi.gov.cn", AFTER_MARCH)
    assert verdict.status is Status.FAIL
    assert verdict.message == "no 政府信息公开年报 section found on the 政府信息公开 platform"


async def test_the_section_linked_by_name_two_levels_down(fleet: Fleet) -> None:
    # no link names the platform (an image without alt), but its page names the section
    verdict = await check(fleet, "kjj.dl.gov.cn", BEFORE_JANUARY, kind=SiteKind.DEPARTMENT)
    assert verdict.status is Status.PASS, verdict.message
    found = verdict.evidence[0]
    assert isinstance(found, HtmlEvidence)
    assert (found.text, found.url) == ("政府信息公开年报", fleet.url("kjj.dl.gov.cn", "/xxgk/"))


async def test_no_platform_and_no_section_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "bare.dlzs.gov.cn", AFTER_MARCH)
    assert verdict.status is Status.FAIL
    assert verdict.message == "no 政府信息公开年报 section found from the home page"


async def test_a_broken_hint_fails(fleet: Fleet) -> None:
    hints = {"annual_report_url": "/xxgk/nb/"}
    verdict = await check(fleet, "kjj.dl.gov.cn", AFTER_JANUARY, hints=hints)
    assert verdict.status is Status.FAIL
    assert "does not load: HTTP 404" in verdict.message


# --- error ------------------------------------------------------------------------------------


async def test_an_unreachable_home_page_is_inconclusive(fleet: Fleet) -> None:
    verdict = await check(fleet, MISSING_HOST, AFTER_MARCH)
    assert verdict.status is Status.ERROR
    assert "cannot look for the 政府信息公开年报 section" in verdict.message


async def test_a_platform_refusing_gkaudit_is_inconclusive(fleet: Fleet) -> None:
    # /zfxxgk/ answers 403: the section may well be there, and disclosure_catalogue says error
    verdict = await check(fleet, "refusing.dlzs.gov.cn", AFTER_MARCH)
    assert verdict.status is Status.ERROR, verdict.message
    url = fleet.url("refusing.dlzs.gov.cn", "/zfxxgk/")
    assert verdict.message == (
        f"the 政府信息公开 platform (“政府信息公开”) at {url} could not be read: HTTP 403; "
        "cannot look for the 政府信息公开年报 section on it"
    )
    assert [e.kind for e in verdict.evidence] == ["html", "http"]


async def test_a_platform_behind_a_page_that_refused_us_is_inconclusive(fleet: Fleet) -> None:
    # the page linked 政府信息公开 loads but links no section; 政务公开 answers 429
    verdict = await check(fleet, "throttledgk.dlzs.gov.cn", AFTER_MARCH)
    assert verdict.status is Status.ERROR, verdict.message
    url = fleet.url("throttledgk.dlzs.gov.cn", "/zwgk/")
    assert verdict.message.startswith(f"the 政府信息公开 platform (“政务 公开”) at {url} ")
    assert "could not be read: HTTP 429;" in verdict.message


async def test_a_refusing_hinted_platform_is_inconclusive(fleet: Fleet) -> None:
    hints = {"disclosure_url": "/zfxxgk/"}
    verdict = await check(fleet, "refusing.dlzs.gov.cn", AFTER_MARCH, hints=hints)
    assert verdict.status is Status.ERROR, verdict.message
    assert verdict.message.startswith("the 政府信息公开 platform (hinted in sites.yaml) at ")


async def test_a_refusing_section_is_inconclusive(fleet: Fleet) -> None:
    hints = {"annual_report_url": "/zfxxgk/"}
    verdict = await check(fleet, "refusing.dlzs.gov.cn", AFTER_MARCH, hints=hints)
    assert verdict.status is Status.ERROR, verdict.message
    assert verdict.message.endswith("does not load: HTTP 403")


async def test_a_hint_needs_no_home_page(fleet: Fleet) -> None:
    hints = {"annual_report_url": "http://kjj.dl.gov.cn:{port}/xxgk/xxgknb/"}
    hints["annual_report_url"] = hints["annual_report_url"].format(port=fleet.http.port)
    verdict = await check(fleet, "down.dlzs.gov.cn", BEFORE_JANUARY, hints=hints)
    assert verdict.status is Status.PASS, verdict.message


# --- params -----------------------------------------------------------------------------------


def test_default_deadlines_follow_article_49() -> None:
    assert Params().deadline_table() == {
        SiteKind.CITY: (3, 31),
        SiteKind.DISTRICT: (3, 31),
        SiteKind.DEPARTMENT: (1, 31),
    }


@pytest.mark.parametrize(
    "bad",
    [
        {"pattern": r"\d{4}年.*报告"},  # no group for the year
        {"pattern": "(unclosed"},
        {"deadlines": {"city": "03-31"}},  # districts and departments have none
        {"deadlines": {"city": "03-31", "district": "03-31", "department": "01-31", "x": "1-1"}},
        {"deadlines": {"city": "02-29", "district": "03-31", "department": "01-31"}},
        {"deadlines": {"city": "3/31", "district": "03-31", "department": "01-31"}},
        {"section": ()},
        {"hint": "report_url"},
    ],
)
def test_params_reject_what_cannot_work(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Params(**bad)
