"""interpretation: 政策解读 items link their document; end to end over real loopback sockets,
plus the link rules on saved interpretation pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from gkaudit.checks.interpretation.check import (
    Params,
    document_link,
    newest_first,
    run,
    template_links,
)
from gkaudit.html import Document, Link, parse
from gkaudit.model import HtmlEvidence, SiteKind, Status, Verdict
from gkaudit.text import normalize
from tests.checks.content_fleet import FIXTURES, MISSING_HOST, Fleet, fixture

AS_OF = dt.date(2026, 11, 30)
ZS = "http://www.dlzs.gov.cn"
LABELS = Params().labels
# the site chrome of 中山区: its nav carries a 政策文件 link on every page
NAV = frozenset({(f"{ZS}/zcwj/", "政策文件"), (f"{ZS}/zcjd/", "政策解读")})
# and the interpretation pages' sidebar, which the home page does not have
SIDEBAR = frozenset({(f"{ZS}/zcwj/gfxwj/", "规范性政策文件")})


async def check(
    fleet: Fleet,
    host: str,
    *,
    hints: dict[str, str] | None = None,
    kind: SiteKind = SiteKind.DISTRICT,
    **params: Any,
) -> Verdict:
    return await fleet.verdict(run, Params(**params), host, as_of=AS_OF, kind=kind, hints=hints)


def interpretation(name: str) -> Document:
    path = next((FIXTURES / "dlzs" / "zcjd").rglob(name))
    relative = path.relative_to(FIXTURES / "dlzs").as_posix()
    return parse(fixture(f"dlzs/{relative}"), f"{ZS}/{relative}")


def unlinked(verdict: Verdict) -> list[str]:
    return [e.text for e in verdict.evidence if isinstance(e, HtmlEvidence) and ": " in e.text]


# --- the link rules on saved pages ------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "how"),
    [
        ("t20261125_4004.html", "原文："),  # label before the link
        ("t20261114_4005.html", "政策原文"),  # link text
        ("t20261103_4006.html", "相关文件："),
        ("t20261023_4007.html", "文件全文"),
        ("t20261001_4009.html", "政策文件："),
        ("t20260920_4010.html", "原文链接："),  # label in two spans
        ("t20260909_4011.html", "查看原文"),  # image link: its alt
        ("t20260829_4012.html", "【原 文】"),  # full-width brackets and space
        ("t20260818_4013.html", "原文："),  # &nbsp; between label and link
    ],
)
def test_document_links_in_the_forms_portals_write_them(page: str, how: str) -> None:
    link = document_link(interpretation(page), LABELS, NAV | SIDEBAR)
    assert link is not None
    assert link.url.startswith(f"{ZS}/zcwj/")
    assert how in (link.label, link.text)


def test_chrome_and_template_links_do_not_count() -> None:
    page = interpretation("t20261012_4008.html")  # 图解: no link to its document
    assert document_link(page, LABELS, frozenset()) is not None  # the nav's 政策文件
    assert document_link(page, LABELS, NAV) is not None  # the sidebar's 规范性政策文件
    sampled = [interpretation(p.name) for p in (FIXTURES / "dlzs" / "zcjd").rglob("t*.html")]
    template = template_links(sampled)
    assert (f"{ZS}/zcwj/gfxwj/", "规范性政策文件") in template
    assert document_link(page, LABELS, NAV | template) is None


def test_a_template_needs_enough_pages_to_be_told_from_content() -> None:
    pages = [interpretation("t20261125_4004.html"), interpretation("t20261114_4005.html")]
    assert template_links(pages) == frozenset()


def test_newest_first_then_undated_in_list_order() -> None:
    def item(text: str, day: int | None) -> Link:
        date = dt.date(2026, 11, day) if day else None
        return Link(url=f"{ZS}/{text}", text=text, label="", date=date)

    items = [item("a", 1), item("b", None), item("c", 20), item("d", None), item("e", 20)]
    assert [i.text for i in newest_first(items)] == ["c", "e", "a", "b", "d"]


# --- end to end -------------------------------------------------------------------------------


async def test_nine_of_the_ten_newest_link_their_document(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlzs.gov.cn")
    assert verdict.status is Status.PASS, verdict.message
    assert verdict.metrics == {"linked_share": 0.9, "sampled": 10, "linked": 9, "unreadable": 0}
    # the three old items pinned to the top of the list are not among the newest ten
    assert unlinked(verdict) == [
        "图解：进一步做好稳就业工作: no link labelled 原文/政策文件/相关文件/文件全文/政策原文"
    ]


async def test_a_larger_sample_reaches_the_old_unlinked_items(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlzs.gov.cn", sample=13)
    assert verdict.status is Status.FAIL
    assert verdict.metrics == {
        "linked_share": 0.692,
        "sampled": 13,
        "linked": 9,
        "unreadable": 0,
    }
    assert "9 of the 13 newest interpretations" in verdict.message
    assert "at least 80% must" in verdict.message
    assert len(unlinked(verdict)) == 4


async def test_mostly_unlinked_interpretations_fail(fleet: Fleet) -> None:
    verdict = await check(fleet, "lowinterp.dlzs.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.metrics == {
        "linked_share": 0.333,
        "sampled": 6,
        "linked": 2,
        "unreadable": 0,
    }


async def test_gbk_portal_with_two_of_five_linked(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlxg.gov.cn")
    assert verdict.status is Status.FAIL
    assert verdict.metrics == {"linked_share": 0.4, "sampled": 5, "linked": 2, "unreadable": 0}
    assert any("图解：西岗区2026年民生实事项目" in text for text in unlinked(verdict))
    lenient = await check(fleet, "www.dlxg.gov.cn", min_linked=0.4)
    assert lenient.status is Status.PASS


# three of the ten newest cannot be read: two answer 429 (may be ours), one 404 (the portal's)
THROTTLED = {"linked_share": 0.6, "sampled": 10, "linked": 6, "unreadable": 2}


async def test_pages_that_refused_us_leave_the_share_undecided(fleet: Fleet) -> None:
    # 6 of 10 linked: 60% without the two 429s, 80% if both link theirs
    verdict = await check(fleet, "throttled.dlzs.gov.cn")
    assert verdict.status is Status.ERROR, verdict.message
    assert verdict.metrics == THROTTLED
    assert verdict.message.endswith(
        "(60%) link to the document they interpret; whether at least 80% do depends on "
        "the 2 that could not be opened"
    )
    assert sorted(text.rsplit(": ", 1)[1] for text in unlinked(verdict)) == [
        "HTTP 404",
        "HTTP 429",
        "HTTP 429",
        "no link labelled 原文/政策文件/相关文件/文件全文/政策原文",
    ]


async def test_too_few_linked_even_counting_the_unreadable_fails(fleet: Fleet) -> None:
    # at most 8 of 10: the 404 counts as unlinked, only the 429s might link
    verdict = await check(fleet, "throttled.dlzs.gov.cn", min_linked=0.85)
    assert verdict.status is Status.FAIL, verdict.message
    assert verdict.metrics == THROTTLED
    assert verdict.message.endswith(
        "at least 85% must, which they would not even if the 2 that could not be opened did"
    )


async def test_enough_linked_without_the_unreadable_passes(fleet: Fleet) -> None:
    verdict = await check(fleet, "throttled.dlzs.gov.cn", min_linked=0.6)
    assert verdict.status is Status.PASS, verdict.message
    assert verdict.metrics == THROTTLED
    assert verdict.message.endswith("(2 could not be opened)")


async def test_a_hinted_column_passes(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.dlzs.gov.cn", hints={"interpretation_url": "/zcjd/"})
    assert verdict.status is Status.PASS
    assert verdict.evidence[0].kind == "note"


async def test_a_column_of_two_items_is_not_a_column(fleet: Fleet) -> None:
    verdict = await check(fleet, "fewinterp.dlzs.gov.cn")
    assert verdict.status is Status.FAIL
    assert "lists 2 item links, not a column" in verdict.message


async def test_frameset_portal_with_two_interpretations_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "www.ganjingzi.gov.cn")
    assert verdict.status is Status.FAIL
    assert "not a column" in verdict.message


async def test_no_column_linked_by_name_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "kjj.dl.gov.cn", kind=SiteKind.DEPARTMENT)
    assert verdict.status is Status.FAIL
    assert "no link whose text contains 政策解读" in verdict.message


async def test_a_broken_column_fails(fleet: Fleet) -> None:
    verdict = await check(fleet, "broken.dlzs.gov.cn")
    assert verdict.status is Status.FAIL
    assert "does not load: HTTP 500" in verdict.message


async def test_an_unreachable_home_page_is_inconclusive(fleet: Fleet) -> None:
    verdict = await check(fleet, MISSING_HOST)
    assert verdict.status is Status.ERROR
    assert "cannot look for the 政策解读 column" in verdict.message


# --- params -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [{"sample": 0}, {"min_linked": 1.5}, {"labels": ()}, {"hint": "nope"}, {"keywords": ("",)}],
)
def test_params_reject_what_cannot_work(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Params(**bad)


def test_labels_are_compared_normalized() -> None:
    page = interpretation("t20260829_4012.html")
    assert document_link(page, ("原文",), NAV | SIDEBAR) is not None
    assert document_link(page, ("全文",), NAV | SIDEBAR) is None
    assert normalize("【原　文】") == "【原文】"
