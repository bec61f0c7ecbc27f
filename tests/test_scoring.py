"""The per-site roll-up: single-veto items hit and deductions, an inconclusive result undecided
(never a hit, never a deduction), in every report format."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook

from gkaudit import i18n
from gkaudit.base import Severity, Status
from gkaudit.config import ConfigError
from gkaudit.history import HistoryStore
from gkaudit.model import Deduction, PlanInfo, PlanRule, Points, Report, Result
from gkaudit.plans import load_plans
from gkaudit.plugins import Registry
from gkaudit.reporters import html, junit, markdown, sarif, terminal, xlsx
from gkaudit.reporters import json as json_reporter
from gkaudit.scoring import rollups
from tests.reporters.hostile import fixture_report

VERIFIED = Points(value=5, source="国管局2019年二季度自查：政策文件类一级栏目未更新，扣5分")
ASSUMED = Points(value=1, on=("fail", "warn"), assumed=True)

#: The fixture's statuses (dalian, zhongshan, kjj):
#: disclosure.catalogue fail/pass/fail, ipv6.reachable error/fail/error, ipv6.aaaa pass/fail/fail,
#: ipv6.nameservers warn/pass/pass, column.business-relief warn/pass/skip.
SCORED = {
    "disclosure.catalogue": {"veto": True},
    "ipv6.reachable": {"veto": True, "points": VERIFIED},
    "ipv6.aaaa": {"points": VERIFIED},
    "ipv6.nameservers": {"points": ASSUMED},
    "column.business-relief": {"veto": True},
}


def scored_report() -> Report:
    base = fixture_report()
    (plan,) = base.plans
    rules = tuple(
        PlanRule(id=r.id, title=r.title, clause=r.clause, **SCORED.get(r.id, {}))  # type: ignore[arg-type]
        for r in plan.rules
    )
    national = PlanInfo(
        title="检查指标", document="国办秘函〔2019〕19号", source="g.yaml", rules=rules
    )
    plans = (plan, national)
    sites = tuple(s.model_copy(update={"rollup": rollups(plans, s.results)}) for s in base.sites)
    return base.model_copy(update={"plans": plans, "sites": sites})


def test_vetoes_deductions_and_undecided() -> None:
    report = scored_report()
    dalian, zhongshan, kjj = (site.rollup for site in report.sites)
    # the Dalian plan scores nothing: only the national indicators have a roll-up
    assert [r.plan for r in dalian] == [r.plan for r in kjj] == ["国办秘函〔2019〕19号"]
    (dalian,), (zhongshan,), (kjj,) = dalian, zhongshan, kjj
    assert dalian.vetoes == ("disclosure.catalogue",)
    # an inconclusive veto item or scored item is undecided: neither hit nor taken off
    assert dalian.veto_undecided == ("ipv6.reachable",)
    assert dalian.points_undecided == ("ipv6.reachable",)
    # a warn is a veto item's partial finding, not a hit; assumed points are counted apart
    assert "column.business-relief" not in dalian.vetoes
    assert dalian.deductions == (Deduction(rule="ipv6.nameservers", points=1, verified=False),)
    assert (dalian.deducted, dalian.deducted_assumed) == (0, 1)
    # an undecided scored item leaves the score undecided: never full marks by default
    assert dalian.score is None
    assert zhongshan.vetoes == ("ipv6.reachable",) and zhongshan.veto_undecided == ()
    assert (zhongshan.deducted, zhongshan.deducted_assumed) == (10, 0)
    assert zhongshan.score == 90
    # a rule that does not apply (skip) is no veto item's verdict
    assert kjj.vetoes == ("disclosure.catalogue",)
    assert kjj.veto_undecided == ("ipv6.reachable",)
    assert (kjj.deducted, kjj.deducted_assumed) == (5, 0)
    assert kjj.score is None


PLAN = """\
title: 甲
document: 甲〔2026〕1号
rules:
  - id: site.reachable
    title: 首页可访问
    clause: (一)
    check: reachable
    points:
      value: 5
"""


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("value: 5", "a point value needs its `source:`"),
        ("{value: 5, source: 某自查表, assumed: true}", "or `assumed: true`, not both"),
        ("{value: 0, assumed: true}", "greater than 0"),
        ("{value: 5, assumed: true, on: [error]}", "on[0]"),
    ],
)
def test_a_point_value_is_sourced_or_assumed(tmp_path: Path, points: str, message: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.replace("value: 5", points), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_plans([path], Registry.load())
    # the line of `points:` or of the value inside it
    assert re.search(rf"{re.escape(str(path))}:[89]: rules\[0\]\.points", str(caught.value))
    assert message in str(caught.value)


def test_veto_and_points_are_each_plan_s_own(tmp_path: Path) -> None:
    """Two plans may share a rule and score it differently: one rule, two roll-ups."""
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.replace("value: 5", "{value: 2, assumed: true}"), encoding="utf-8")
    plans = load_plans([Path("gwjc-2019"), path], Registry.load())
    assert [r.id for r in plans.rules].count("site.reachable") == 1
    gwjc, mine = plans.plans
    assert next(r for r in gwjc.rules if r.id == "site.reachable").points is None
    assert next(r for r in mine.rules if r.id == "site.reachable").points == Points(
        value=2, assumed=True
    )
    veto = {r.id for r in gwjc.rules if r.veto}
    assert veto == {
        "site.home-updated",
        "columns.updated",
        "columns.blank",
        "interaction.channel",
        "interaction.response",
        "wording.severe",
    }


def test_the_roll_up_in_every_format() -> None:
    report = scored_report()
    text = terminal.render_text(report, width=160)
    assert "Roll-up under 国办秘函〔2019〕19号" in text
    assert "hit: disclosure.catalogue" in text and "0 points + 1 assumed (unverified)" in text
    assert "undecided (at most 99)" in text and "undecided (at most 95)" in text
    # at 80 columns no cell is cut: every rule id reads whole
    narrow = terminal.render_text(report, width=80)
    assert "Undecided (not counted): ipv6.reachable\n" in narrow
    assert "Single-veto items: hit: disclosure.catalogue\n" in narrow
    assert "none hit, some undecided" not in text  # kjj is hit, dalian too
    md = markdown.render(report)
    assert "## Roll-up under 国办秘函〔2019〕19号" in md
    assert "| 大连市人民政府 (dalian) | **hit: disclosure.catalogue** | 0 points + 1 assumed" in md
    assert "| 10 points | 90 |" in md
    page = html.render(report)
    assert '<table class="rollup">' in page and "hit: ipv6.reachable" in page
    assert "<td>90</td>" in page and "undecided (at most 95)" in page
    sheet = load_workbook(io.BytesIO(xlsx.render(report)))["Roll-up 1"]
    assert [c.value for c in sheet[1]] == [
        "Site",
        "Single-veto items",
        "Points off",
        "Score",
        "Undecided (not counted)",
    ]
    assert [c.value for c in sheet[3]][1:4] == ["hit: ipv6.reachable", "10 points", "90"]
    suites = ET.fromstring(junit.render(report))
    props = {p.get("name"): p.get("value") for p in suites[0].iter("property")}
    assert props["rollup.国办秘函〔2019〕19号.veto"] == "disclosure.catalogue"
    assert props["rollup.国办秘函〔2019〕19号.veto_undecided"] == "ipv6.reachable"
    assert props["rollup.国办秘函〔2019〕19号.score"] == ""  # dalian's is undecided
    run = json.loads(sarif.render(report))["runs"][0]
    assert run["properties"]["rollup"]["zhongshan"][0]["deducted"] == 10
    assert run["properties"]["rollup"]["zhongshan"][0]["score"] == 90
    document = json.loads(json_reporter.render(report))
    assert document["sites"][2]["rollup"][0]["vetoes"] == ["disclosure.catalogue"]
    validator = jsonschema.Draft202012Validator(json_reporter.schema())
    assert list(validator.iter_errors(document)) == []
    assert Report.from_json(json_reporter.render(report)) == report


def test_the_roll_up_in_chinese() -> None:
    report = scored_report()
    i18n.use("zh")
    try:
        md = markdown.render(report)
    finally:
        i18n.use("en")
    assert "国办秘函〔2019〕19号" in md and "单项否决" in md
    assert "触发：disclosure.catalogue" in md and "另有1分为假定分值" in md
    assert "暂无法评分（最高99分）" in md and "| 扣10分 | 90 |" in md


def test_the_history_gives_the_roll_up_back(tmp_path: Path) -> None:
    report = scored_report()
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        run = store.record(report)
        again = store.report(run)
    assert [s.rollup for s in again.sites] == [s.rollup for s in report.sites]


def _result(rule: str, status: Status, **metrics: int) -> Result:
    return Result(
        rule=rule,
        title=rule,
        clause="(一)",
        severity=Severity.ERROR,
        status=status,
        message="m",
        metrics=metrics,
    )


def test_the_national_plan_s_sourced_deductions() -> None:
    """The two values read in a 19号 self-check (indicators.md §1.3): −5 for a stale first-level
    政策文件 column (once, not per column, and not for any other stale column), −3 for a message
    left unanswered beyond 2 months; the score is 100 less them."""
    (gwjc,) = load_plans([Path("gwjc-2019")], Registry.load()).plans
    plan = PlanInfo(
        title=gwjc.title,
        document=gwjc.document,
        source="gwjc-2019",
        rules=tuple(
            PlanRule(id=r.id, title=r.title, clause=r.clause, veto=r.veto, points=r.points)
            for r in gwjc.rules
        ),
    )
    scored = {r.id: r.points for r in gwjc.rules if r.points is not None}
    assert set(scored) == {"columns.updated", "interaction.response"}
    for points in scored.values():
        assert points.verified and points.url and points.url.startswith("https://")
        assert points.source and "国家机关事务管理局2019年第二季度" in points.source
    columns, response = "columns.updated", "interaction.response"

    def score(*results: Result) -> tuple[float | None, tuple[str, ...]]:
        (rolled,) = rollups([plan], results)
        return rolled.score, rolled.points_undecided

    # a stale news column is a warning but not the scored 政策文件 item
    assert score(_result(columns, Status.WARN, policy_stale=0), _result(response, Status.PASS)) == (
        100,
        (),
    )
    # two stale 政策文件 columns: one item, five points; a 75-day wait: three
    assert score(_result(columns, Status.WARN, policy_stale=2), _result(response, Status.WARN)) == (
        92,
        (),
    )
    # the veto hit (a failure) takes the points too; a site without a channel skips the item
    assert score(_result(columns, Status.FAIL, policy_stale=1), _result(response, Status.SKIP)) == (
        95,
        (),
    )
    # inconclusive, or a result without the metric the item is counted by: undecided, no score
    assert score(_result(columns, Status.ERROR), _result(response, Status.PASS)) == (
        None,
        (columns,),
    )
    assert score(_result(columns, Status.WARN), _result(response, Status.FAIL)) == (
        None,
        (columns,),
    )


def test_url_is_where_a_source_was_read() -> None:
    with pytest.raises(ValueError, match="is where a `source:` quote was read"):
        Points(value=1, assumed=True, url="https://example.gov.cn/")
