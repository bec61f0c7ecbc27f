"""column: a required column found from the home page, end to end over real loopback sockets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from gkaudit.checks.column.check import Params, run
from gkaudit.model import HtmlEvidence, HttpEvidence, SiteKind, Status, Verdict
from tests.checks.content_fleet import MISSING_HOST, Fleet

AS_OF = dt.date(2026, 11, 30)


async def check(
    fleet: Fleet,
    host: str,
    *,
    hints: dict[str, str] | None = None,
    kind: SiteKind = SiteKind.DISTRICT,
    **params: Any,
) -> Verdict:
    return await fleet.verdict(run, Params(**params), host, as_of=AS_OF, kind=kind, hints=hints)


# --- pass -------------------------------------------------------------------------------------


async def test_nav_link_in_nested_spans_through_a_redirect_passes(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlzs.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    assert verdict.metrics == {"items": 6, "dated": 6, "newest": "2026-11-20", "age_days": 10}
    found = verdict.evidence[0]
    assert isinstance(found, HtmlEvidence)
    assert found.href == fleet.url("www.dlzs.gov.cn", "/zqsk")
    fetch = verdict.evidence[1]
    assert isinstance(fetch, HttpEvidence)
    assert fetch.status == 200
    assert fetch.final_url == fleet.url("www.dlzs.gov.cn", "/zqsk/")  # after the 301
    assert "大连市中山区助企纾困政策措施汇编" in verdict.evidence[-1].text  # type: ignore[union-attr]


async def test_gbk_portal_image_alt_meta_refresh_and_short_dates_pass(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlxg.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    assert "惠企纾困专栏" in verdict.message  # the link is an image; its alt is its text
    assert verdict.metrics["newest"] == "2026-11-18"  # [11-18]: year from --as-of
    assert verdict.metrics["items"] == 4


async def test_a_hint_finds_an_image_link_without_alt(fleet: Fleet) -> None:
    params: dict[str, Any] = {"keywords": ("科技助企",), "kind": SiteKind.DEPARTMENT}
    missed = await check(fleet, "kjj.dl.gov.cn", **params)
    assert missed.status is Status.FAIL
    assert "no link whose text contains 科技助企 on the home page" in missed.message
    hints = {"business_relief_url": "/kjzq/"}
    hinted = await check(fleet, "kjj.dl.gov.cn", hints=hints, **params)
    assert hinted.status is Status.PASS, hinted.message
    assert "(hinted in sites.yaml)" in hinted.message
    assert hinted.metrics["items"] == 3


async def test_other_keywords_and_hint_make_it_another_required_column(fleet: Fleet) -> None:
    verdict = await check(
        fleet,
        "www.dlzs.gov.cn",
        keywords=("政策解读",),
        hint="interpretation_url",
        max_age_days=30,
    )
    assert verdict.status is Status.PASS, verdict.message
    assert verdict.metrics["newest"] == "2026-11-25"


# --- warn -------------------------------------------------------------------------------------


async def test_a_stale_column_warns(fleet: Fleet) -> None:
    verdict = await check(fleet, "stale.dlzs.gov.cn")
    assert verdict.status is Status.WARN
    assert "stale: newest item 2026-07-20, 133 days old (more than 90)" in verdict.message
    assert verdict.metrics["age_days"] == 133
    relaxed = await check(fleet, "stale.dlzs.gov.cn", max_age_days=150)
    assert relaxed.status is Status.PASS


async def test_a_column_without_dates_warns(fleet: Fleet) -> None:
    verdict = await check(fleet, "undated.dlzs.gov.cn")
    assert verdict.status is Status.WARN
    assert "lists 6 items, none of them dated" in verdict.message
    assert verdict.metrics["newest"] is None


# --- fail -------------------------------------------------------------------------------------


async def test_an_article_where_the_column_should_be_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "article.dlzs.gov.cn")
    assert verdict.status is Status.FAIL
    assert "is a single article, not a column" in verdict.message


async def test_frameset_portal_whose_only_match_is_a_news_article_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.ganjingzi.gov.cn")
    assert verdict.status is Status.FAIL
    assert "“甘井子区出台助企纾困十条措施”" in verdict.message
    assert "is a single article, not a column" in verdict.message


async def test_a_column_of_too_few_items_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlzs.gov.cn", min_items=7)
    assert verdict.status is Status.FAIL
    assert "lists 6 item links, not a column (a column lists at least 7)" in verdict.message


async def test_a_broken_column_fails_with_its_url_and_status(fleet: Fleet) -> None:
    verdict = await check(fleet, "broken.dlzs.gov.cn")
    assert verdict.status is Status.FAIL
    assert fleet.url("broken.dlzs.gov.cn", "/zqsk") in verdict.message
    assert "does not load: HTTP 404" in verdict.message
    assert any(isinstance(e, HttpEvidence) and e.status == 404 for e in verdict.evidence)


async def test_a_broken_hint_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlzs.gov.cn", hints={"business_relief_url": "/zt/zqsk/"})
    assert verdict.status is Status.FAIL
    assert "(hinted in sites.yaml)" in verdict.message
    assert "HTTP 404" in verdict.message


async def test_no_link_naming_the_column_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "kjj.dl.gov.cn", kind=SiteKind.DEPARTMENT)
    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "no link whose text contains 助企纾困 or 惠企纾困 on the home page or the pages it links to"
    )


# --- error ------------------------------------------------------------------------------------


async def test_home_page_that_does_not_resolve_is_inconclusive(fleet: Fleet) -> None:
    verdict = await check(fleet, MISSING_HOST)
    assert verdict.status is Status.ERROR
    assert "the home page could not be fetched (DNS: NXDOMAIN" in verdict.message


async def test_home_page_answering_503_is_inconclusive(fleet: Fleet) -> None:
    verdict = await check(fleet, "down.dlzs.gov.cn")
    assert verdict.status is Status.ERROR
    assert "(HTTP 503)" in verdict.message


async def test_a_column_that_refuses_gkaudit_is_inconclusive(fleet: Fleet) -> None:
    verdict = await check(fleet, "refusing.dlzs.gov.cn")
    assert verdict.status is Status.ERROR
    assert "HTTP 403" in verdict.message


# --- params -----------------------------------------------------------------------------------


def test_params_defaults_follow_the_plan() -> None:
    params = Params()
    assert params.keywords == ("助企纾困", "惠企纾困")
    assert (params.max_age_days, params.min_items, params.hint) == (90, 3, "business_relief_url")


@pytest.mark.parametrize(
    "bad",
    [
        {"keywords": ()},
        {"keywords": ("　",)},
        {"hint": "relief_url"},
        {"max_age_days": 0},
        {"x": 1},
    ],
)
def test_params_reject_what_cannot_work(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Params(**bad)
