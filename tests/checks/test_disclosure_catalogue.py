"""disclosure_catalogue: the 政府信息公开 platform and its four sections, end to end over real
loopback sockets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from gkaudit.checks.disclosure_catalogue.check import Params, run
from gkaudit.model import HtmlEvidence, HttpEvidence, NoteEvidence, SiteKind, Status, Verdict
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


def sections(verdict: Verdict) -> dict[str, str | None]:
    """Section name -> the URL linked for it (None: no link)."""
    out: dict[str, str | None] = {}
    for e in verdict.evidence:
        if isinstance(e, HtmlEvidence) and ": " in e.text:
            out[e.text.split(":", 1)[0]] = e.href
    return out


# --- pass -------------------------------------------------------------------------------------


async def test_platform_linked_from_the_nav_with_four_sections_passes(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlzs.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    assert "(“政府信息公开”)" in verdict.message
    assert verdict.metrics == {"sections": 4, "sections_found": 4, "sections_loading": 4}
    assert sections(verdict) == {
        "政府信息公开指南": fleet.url("www.dlzs.gov.cn", "/zfxxgk/xxgkzn/"),
        "政府信息公开制度": fleet.url("www.dlzs.gov.cn", "/zfxxgk/xxgkzd/"),
        "法定主动公开内容": fleet.url("www.dlzs.gov.cn", "/zfxxgk/fdzdgknr/"),
        "政府信息公开年报": fleet.url("www.dlzs.gov.cn", "/zfxxgk/xxgknb/"),
    }


async def test_gbk_platform_under_political_openness_with_other_names_passes(
    fleet: Fleet,
) -> None:
    verdict = await check(fleet, "www.dlxg.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    texts = [e.text for e in verdict.evidence if isinstance(e, HtmlEvidence)]
    assert "政府信息公开制度: “政府信息公开制度文件”" in texts
    assert "政府信息公开年报: “信息公开年报”" in texts
    found = verdict.evidence[0]
    assert isinstance(found, HtmlEvidence)
    assert found.url.endswith("/zwgk/index.shtml")  # found on the 政务公开 page


async def test_a_hint_finds_a_platform_linked_by_an_image_without_alt(fleet: Fleet) -> None:
    verdict = await check(
        fleet, "kjj.dl.gov.cn", kind=SiteKind.DEPARTMENT, hints={"disclosure_url": "/xxgk/"}
    )
    assert verdict.status is Status.PASS, verdict.message
    assert "(hinted in sites.yaml)" in verdict.message


async def test_fewer_sections_can_be_required(fleet: Fleet) -> None:
    verdict = await check(
        fleet, "partial.dlzs.gov.cn", sections={"政府信息公开指南": (), "法定主动公开内容": ()}
    )
    assert verdict.status is Status.PASS, verdict.message
    assert "links all 2 sections" in verdict.message


# --- fail -------------------------------------------------------------------------------------


async def test_every_missing_and_broken_section_is_listed(fleet: Fleet) -> None:
    verdict = await check(fleet, "partial.dlzs.gov.cn")
    assert verdict.status is Status.FAIL
    zd = fleet.url("partial.dlzs.gov.cn", "/zfxxgk/xxgkzd/")
    assert verdict.message.endswith(f"政府信息公开制度 ({zd}) HTTP 404; 政府信息公开年报 missing")
    assert verdict.metrics == {"sections": 4, "sections_found": 3, "sections_loading": 2}
    assert any(isinstance(e, HttpEvidence) and e.status == 404 for e in verdict.evidence)
    assert sections(verdict)["政府信息公开年报"] is None


async def test_political_openness_page_that_is_the_platform_itself(fleet: Fleet) -> None:
    # 甘井子区: frameset home, no 信息公开 link anywhere; 政务公开 carries the sections
    verdict = await check(fleet, "www.ganjingzi.gov.cn")
    assert verdict.status is Status.FAIL
    assert "(through 政务公开, “政务公开”)" in verdict.message
    assert "政府信息公开制度" in verdict.message and "HTTP 404" in verdict.message
    assert "政府信息公开年报 missing" in verdict.message


async def test_no_platform_found_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "kjj.dl.gov.cn", kind=SiteKind.DEPARTMENT)
    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "no link 政府信息公开/信息公开 on the home page or the pages it links to, "
        "nor through 政务公开"
    )
    assert isinstance(verdict.evidence[0], NoteEvidence)


async def test_a_broken_hint_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlzs.gov.cn", hints={"disclosure_url": "/xxgk/"})
    assert verdict.status is Status.FAIL
    assert "does not load: HTTP 404" in verdict.message


# --- error ------------------------------------------------------------------------------------


async def test_an_unreachable_home_page_is_inconclusive(fleet: Fleet) -> None:
    verdict = await check(fleet, MISSING_HOST)
    assert verdict.status is Status.ERROR
    assert "cannot look for the 政府信息公开 platform" in verdict.message


async def test_a_platform_refusing_gkaudit_is_inconclusive(fleet: Fleet) -> None:
    verdict = await check(fleet, "refusing.dlzs.gov.cn")
    assert verdict.status is Status.ERROR
    assert "HTTP 403" in verdict.message


# --- params -----------------------------------------------------------------------------------


def test_default_sections_are_the_four_standard_ones() -> None:
    accepted = Params().accepted()
    assert list(accepted) == [
        "政府信息公开指南",
        "政府信息公开制度",
        "法定主动公开内容",
        "政府信息公开年报",
    ]
    assert "信息公开年报" in accepted["政府信息公开年报"]


@pytest.mark.parametrize(
    "bad", [{"sections": {}}, {"sections": {"": ()}}, {"keywords": ()}, {"hint": "xxgk_url"}]
)
def test_params_reject_what_cannot_work(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Params(**bad)


async def test_a_platform_hidden_behind_a_refusing_page_is_inconclusive(fleet: Fleet) -> None:
    # the 政府信息公开 link loads a page with no sections; the real platform is behind a page
    # that answered 429: no finding about the portal, whatever the page kept says
    verdict = await check(fleet, "throttledgk.dlzs.gov.cn")
    assert verdict.status is Status.ERROR, verdict.message
    assert "could not be read: HTTP 429" in verdict.message
