"""columns_blank: the veto as an inspector reads it in Chinese (the golden cases show the rest)."""

from __future__ import annotations

from gkaudit import i18n
from gkaudit.plugins import Registry
from tests.checks.cases import all_cases, run_case


async def test_the_veto_in_chinese() -> None:
    case = next(
        case
        for name, case in all_cases()
        if name == "columns_blank" and case.id == "five_blank_columns_make_the_veto"
    )
    check = Registry.load().get("columns_blank")
    assert check is not None
    i18n.use("zh")
    verdict, _port = await run_case(check, case)
    assert verdict.message.startswith("空白栏目（单项否决）：5 个栏目未发布任何信息")
    assert "“通知公告”" in verdict.message and "“专题专栏4”" in verdict.message
    assert verdict.metrics["blank"] == 5
