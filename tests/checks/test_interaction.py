"""The interaction checks' findings read in Chinese as an inspector's finding with what to fix
(the golden cases run in English)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gkaudit import i18n
from gkaudit.model import Status, Verdict
from gkaudit.plugins import Registry
from tests.checks.cases import CHECKS, load, run_case


@pytest.fixture
def chinese() -> Iterator[None]:
    before = i18n.current()
    i18n.use("zh")
    yield
    i18n.use(before)


async def _verdict(check_name: str, case_id: str) -> Verdict:
    """The verdict of the golden case `case_id` of `check_name`, in the run's language."""
    check = Registry.load().get(check_name)
    assert check is not None
    case = next(c for c in load(CHECKS / check_name / "cases.yaml").cases if c.id == case_id)
    verdict, _port = await run_case(check, case)
    return verdict


@pytest.mark.usefixtures("chinese")
async def test_no_channel_reads_as_a_veto_finding_in_chinese() -> None:
    verdict = await _verdict("interaction_channel", "no_interaction_at_all")
    assert verdict.status is Status.FAIL
    assert verdict.message.startswith("互动回应差（单项否决）：首页及由首页查找的 1 个页面")
    assert "请在首页或互动交流栏目设置咨询建言入口" in verdict.message


@pytest.mark.usefixtures("chinese")
async def test_an_off_domain_channel_is_named_in_chinese() -> None:
    verdict = await _verdict(
        "interaction_channel", "the_district_mailbox_on_the_city_12345_platform"
    )
    assert verdict.status is Status.PASS
    assert "（位于本网站域名之外的 12345.dl.gov.cn）" in verdict.message


@pytest.mark.usefixtures("chinese")
async def test_an_unanswered_message_reads_as_a_veto_finding_in_chinese() -> None:
    verdict = await _verdict("interaction_response", "unanswered_on_the_91st_day_fails")
    assert verdict.status is Status.FAIL
    assert verdict.message.startswith(
        "互动回应差（单项否决）：监测时间点前1年内的 4 条有效留言中，1 条超过 90 天未回应："
        "《关于幼儿园入园政策的咨询》（来信时间 2026-09-02）已 91 天未答复。"
    )
    assert "请尽快答复积压留言" in verdict.message


@pytest.mark.usefixtures("chinese")
async def test_a_late_answer_warns_in_chinese() -> None:
    verdict = await _verdict("interaction_response", "pending_on_the_61st_day_warns")
    assert verdict.status is Status.WARN
    assert verdict.message.startswith("留言答复不及时：")
    assert "超过 90 天即单项否决" in verdict.message
