"""The interaction checks' findings read in Chinese as an inspector's finding with what to fix
(the golden cases run in English)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gkaudit import i18n
from gkaudit.model import Status
from gkaudit.plugins import Registry
from tests.checks.cases import CHECKS, load, run_case


@pytest.fixture
def chinese() -> Iterator[None]:
    before = i18n.current()
    i18n.use("zh")
    yield
    i18n.use(before)


def _case(check: str, case_id: str):  # type: ignore[no-untyped-def]
    return next(c for c in load(CHECKS / check / "cases.yaml").cases if c.id == case_id)


@pytest.mark.usefixtures("chinese")
async def test_no_channel_reads_as_a_veto_finding_in_chinese() -> None:
    check = Registry.load().get("interaction_channel")
    assert check is not None
    verdict, _port = await run_case(check, _case("interaction_channel", "no_interaction_at_all"))
    assert verdict.status is Status.FAIL
    assert verdict.message.startswith("互动回应差（单项否决）：首页及由首页查找的 1 个页面")
    assert "请在首页或互动交流栏目设置咨询建言入口" in verdict.message


@pytest.mark.usefixtures("chinese")
async def test_an_off_domain_channel_is_named_in_chinese() -> None:
    check = Registry.load().get("interaction_channel")
    assert check is not None
    case = _case("interaction_channel", "the_district_mailbox_on_the_city_12345_platform")
    verdict, _port = await run_case(check, case)
    assert verdict.status is Status.PASS
    assert "（位于本网站域名之外的 12345.dl.gov.cn）" in verdict.message
