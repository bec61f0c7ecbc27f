"""columns_updated: what the golden cases do not show: the calendar of "6 months", the kind of
a column, and the veto as an inspector reads it in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest

from gkaudit import i18n
from gkaudit.checks.columns_updated.check import Params, months_before
from gkaudit.plugins import Registry
from tests.checks.cases import all_cases, run_case


@pytest.mark.parametrize(
    ("day", "months", "before"),
    [
        (dt.date(2026, 12, 1), 6, dt.date(2026, 6, 1)),
        (dt.date(2026, 8, 31), 6, dt.date(2026, 2, 28)),  # February has no 31st
        (dt.date(2026, 3, 15), 6, dt.date(2025, 9, 15)),  # across the year
    ],
)
def test_months_before(day: dt.date, months: int, before: dt.date) -> None:
    assert months_before(day, months) == before


def test_the_veto_s_thresholds_are_the_indicators_by_default() -> None:
    params = Params()
    assert (params.news_days, params.notice_months, params.long_stale_days) == (14, 6, 365)
    assert (params.max_key_stale, params.max_long_stale) == (5, 10)


async def test_the_veto_in_chinese() -> None:
    case = next(
        case
        for name, case in all_cases()
        if name == "columns_updated" and case.id == "five_stale_news_columns_make_the_veto"
    )
    check = Registry.load().get("columns_updated")
    assert check is not None
    i18n.use("zh")
    verdict, _port = await run_case(check, case)
    assert verdict.message.startswith("栏目不更新（单项否决）：5 个动态、要闻类栏目")
    assert "“部门动态1”（最新 2026-10-01，61 天）" in verdict.message
    assert any("未按时更新（时限 14 天）" in getattr(e, "text", "") for e in verdict.evidence)


async def test_what_the_page_cap_leaves_unopened_is_said() -> None:
    case = next(
        case
        for name, case in all_cases()
        if name == "columns_updated" and case.id == "five_stale_news_columns_make_the_veto"
    )
    check = Registry.load().get("columns_updated")
    assert check is not None
    # 4 first-level pages and room for 4 of the 7 second-level ones: 2 stale, not the veto
    capped = case.model_copy(update={"params": {"max_pages": 8}})
    verdict, _port = await run_case(check, capped)
    assert verdict.status.value == "warn", verdict.message
    notes = [getattr(e, "text", "") for e in verdict.evidence]
    assert any("3 more column links were not opened" in n for n in notes), notes
