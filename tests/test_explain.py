"""`gkaudit explain`: a rule of the scan's plans, else of any packaged plan, named with the plans
that define it; a check by its name; a rule two packaged plans define differently is not guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

import gkaudit.commands.plans
from gkaudit.exits import EXIT_CONFIG
from gkaudit.plans import default_plan_path, packaged_plans
from tests.test_cli import run


def _plan(path: Path, title: str, item: str) -> Path:
    path.write_text(
        f"title: {title}\ndocument: {title}〔2030〕1号\nrules:\n"
        f"  - {{id: identity.x, title: 标识, clause: '(一)', check: site_identity,"
        f" params: {{item: {item}}}}}\n",
        encoding="utf-8",
    )
    return path


def test_the_packaged_plans_are_both_plans_the_default_first() -> None:
    assert [p.name for p in packaged_plans()] == ["dalian-2022.yaml", "gwjc-2019.yaml"]
    assert packaged_plans()[0] == default_plan_path()


def test_a_rule_of_another_packaged_plan_is_found_there(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # site.home-updated is a rule of gwjc-2019 only; the default plan is dalian-2022
    code, out, err = run(capsys, "explain", "site.home-updated")
    assert (code, err) == (0, "")
    assert out.startswith("site.home-updated 单项否决·首页不更新")
    assert "check: home_updated" in out and "max_age_days = 14" in out
    plan_line = next(line for line in out.splitlines() if line.startswith("plan: "))
    assert "(国办秘函〔2019〕19号)" in plan_line and plan_line.endswith("gwjc-2019.yaml")
    assert "大政公开办" not in out


def test_a_rule_both_plans_define_alike_names_both(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "feedback.jiucuo")
    lines = out.splitlines()
    assert code == 0 and "plans:" in lines
    cited = lines[lines.index("plans:") + 1 : lines.index("plans:") + 3]
    assert [line.rsplit("/", 1)[-1] for line in cited] == ["dalian-2022.yaml", "gwjc-2019.yaml"]
    assert "(大政公开办〔2022〕1号)" in cited[0] and "(国办秘函〔2019〕19号)" in cited[1]


def test_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "site.home-updated", "--lang", "zh")
    assert code == 0 and "所属方案：政府网站与政务新媒体检查指标 (国办秘函〔2019〕19号)" in out
    code, out, _ = run(capsys, "explain", "feedback.jiucuo", "--lang", "zh")
    assert code == 0 and "所属方案：\n  大连市2022年政务公开工作要点" in out


def test_a_check_by_its_name_cites_no_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "home_updated")
    assert code == 0 and out.startswith("\nThe home page shows recently published information")
    assert not [line for line in out.splitlines() if line.startswith(("plan: ", "plans:"))]
    assert "max_age_days = 14" in out  # the check's default


def test_an_unknown_id_is_suggested_from_every_packaged_plan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "explain", "site.home-update")
    assert code == EXIT_CONFIG
    assert "unknown rule 'site.home-update'; did you mean 'site.home-updated'" in err


@pytest.fixture
def two_plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two packaged plans besides the default, defining `identity.x` differently."""
    icp = _plan(tmp_path / "plan-a.yaml", "甲方案", "icp")
    sponsor = _plan(tmp_path / "plan-b.yaml", "乙方案", "sponsor")
    packaged = (default_plan_path(), icp, sponsor)
    monkeypatch.setattr(gkaudit.commands.plans, "packaged_plans", lambda: packaged)
    return icp, sponsor


def test_two_packaged_plans_defining_a_rule_differently_ask_for_one(
    two_plans: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "explain", "identity.x")
    assert (code, out) == (EXIT_CONFIG, "")
    flat = " ".join(err.split())
    assert "'identity.x' is defined differently by the packaged plans plan-a, plan-b" in flat
    assert "gkaudit explain identity.x --plan plan-a" in flat
    code, _, err = run(capsys, "explain", "identity.x", "--lang", "zh")
    flat = "".join(err.split())
    assert code == EXIT_CONFIG
    assert "规则'identity.x'在内置方案plan-a、plan-b中的定义不同" in flat


def test_the_plan_named_decides_which_definition(
    two_plans: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _icp, sponsor = two_plans
    code, out, _ = run(capsys, "explain", "identity.x", "--plan", str(sponsor))
    assert code == 0 and "item = 'sponsor'" in out
    assert "乙方案" in out and "甲方案" not in out  # plan-a defines another test
