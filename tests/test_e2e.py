"""End to end: the real CLI against the demo fleet over real sockets, verdict by verdict, both
plans of the demo in one scan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gkaudit.demo.fleet import DemoFleet
from gkaudit.demo.spec import DEMO_PLANS, RULE_IDS
from gkaudit.model import Status
from gkaudit.plans import load_plans
from gkaudit.plugins import Registry
from tests.support.demo_cli import AS_OF, run, scan_argv


@pytest.fixture(scope="module")
def fleet() -> Iterator[DemoFleet]:
    with DemoFleet(AS_OF, slow_seconds=8) as demo:
        yield demo


def scan(fleet: DemoFleet, tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """Run `gkaudit scan` on the fleet: exit code, the JSON report, the terminal report."""
    report = tmp_path / "report.json"
    code, stdout = run(scan_argv(fleet, tmp_path, "--json", str(report), "--no-db", *args))
    return code, json.loads(report.read_text(encoding="utf-8")), stdout


@pytest.fixture(scope="module")
def full_scan(
    fleet: DemoFleet, tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, dict[str, Any], str]:
    # the demo's plans, and of their rules those the fleet is built to decide (RULE_IDS)
    plans = [arg for plan in DEMO_PLANS for arg in ("--plan", plan)]
    rules = [arg for rule in RULE_IDS for arg in ("--rule", rule)]
    return scan(fleet, tmp_path_factory.mktemp("e2e"), *plans, *rules)


def test_every_site_and_rule_has_exactly_one_result(
    fleet: DemoFleet, full_scan: tuple[int, dict[str, Any], str]
) -> None:
    _, report, _ = full_scan
    plans = load_plans([Path(p) for p in DEMO_PLANS], Registry.load())
    assert [s["id"] for s in report["sites"]] == [s.id for s in fleet.sites]
    for site in report["sites"]:
        assert [r["rule"] for r in site["results"]] == [
            r.id for r in plans.rules if r.id in RULE_IDS
        ]


def test_each_verdict_is_the_one_the_demo_was_built_to_produce(
    fleet: DemoFleet, full_scan: tuple[int, dict[str, Any], str]
) -> None:
    _, report, _ = full_scan
    got = {
        (site["id"], result["rule"]): result["status"]
        for site in report["sites"]
        for result in site["results"]
    }
    assert not set(got) - set(fleet.expected), "the demo must say what it expects of every pair"
    wrong = {
        key: (got.get(key), expected.value)
        for key, expected in fleet.expected.items()
        if key[1] in {r for _, r in got} and got.get(key) != expected.value
    }
    assert not wrong, "(site, rule): (got, expected)\n" + "\n".join(
        f"{k}: {v}  {_message(report, *k)}" for k, v in sorted(wrong.items())
    )


def _message(report: dict[str, Any], site_id: str, rule: str) -> str:
    for site in report["sites"]:
        for result in site["results"]:
            if site["id"] == site_id and result["rule"] == rule:
                return str(result["message"])
    return "(no result)"


def test_the_report_follows_the_schema(full_scan: tuple[int, dict[str, Any], str]) -> None:
    code, report, _ = full_scan
    assert report["schema"] == "gkaudit.report/2"
    assert set(report) == {  # exactly DESIGN.md's keys ("incomplete" only when interrupted)
        "schema",
        "tool",
        "plans",
        "as_of",
        "started_at",
        "finished_at",
        "sites",
        "summary",
    }
    assert report["tool"]["name"] == "gkaudit"
    assert [plan["document"] for plan in report["plans"]] == [
        "大政公开办〔2022〕1号",
        "国办秘函〔2019〕19号",
    ]
    assert all(len(plan["sha256"]) == 64 for plan in report["plans"])
    assert report["as_of"] == AS_OF.isoformat()
    assert set(report["summary"]) == {"sites", "pass", "fail", "warn", "error", "skip"}
    total = sum(report["summary"][k] for k in ("pass", "fail", "warn", "error", "skip"))
    assert total == sum(len(s["results"]) for s in report["sites"])
    for site in report["sites"]:
        for result in site["results"]:
            assert set(result) == {
                "rule",
                "title",
                "clause",
                "severity",
                "status",
                "message",
                "evidence",
                "metrics",
            }
            for evidence in result["evidence"]:
                assert evidence["kind"] in {"dns", "http", "html", "note"}
    assert code == 1  # the demo has failures, and --fail-on defaults to fail


def test_fail_on_never_and_a_passing_selection(fleet: DemoFleet, tmp_path: Path) -> None:
    passing = next(
        s.id
        for s in fleet.sites
        if all(
            v.value in ("pass", "skip") for (site, _), v in fleet.expected.items() if site == s.id
        )
    )
    code, _, _ = scan(fleet, tmp_path, "--fail-on", "never")
    assert code == 0
    code, report, out = scan(fleet, tmp_path, "--site", passing, "--quiet")
    assert code == 0 and out == ""
    assert [s["id"] for s in report["sites"]] == [passing]


def test_the_roll_up_names_the_veto_hit_and_never_counts_an_unreadable_portal(
    fleet: DemoFleet, full_scan: tuple[int, dict[str, Any], str]
) -> None:
    _, report, stdout = full_scan
    rollups = {site["id"]: site["rollup"] for site in report["sites"]}
    # only the national indicators score; the Dalian plan has no veto items
    assert all([r["plan"] for r in found] == ["国办秘函〔2019〕19号"] for found in rollups.values())
    hit = {site: found[0]["vetoes"] for site, found in rollups.items() if found[0]["vetoes"]}
    veto = [r.id for r in load_plans([Path("gwjc-2019")], Registry.load()).rules if r.veto]
    built = {
        site.id: [rule for rule in veto if fleet.expected[(site.id, rule)] is Status.FAIL]
        for site in fleet.sites
    }
    assert hit == {site: rules for site, rules in built.items() if rules}
    assert hit["jinhai"] == ["site.home-updated"]  # the home page nobody updates
    assert hit["czj"] == ["interaction.channel"]  # 互动交流 offers only 信访 and 纪检举报
    assert hit["donggang"] == ["columns.updated"]  # five stale news columns
    for site in ("hbj", "changdao", "jtj"):  # could not be read: undecided, not hit
        assert rollups[site][0]["vetoes"] == []
        assert "site.home-updated" in rollups[site][0]["veto_undecided"]
        # nor scored: its scored items are undecided, so is its score (never full marks)
        assert rollups[site][0]["score"] is None
        assert "columns.updated" in rollups[site][0]["points_undecided"]
    assert "Roll-up under 国办秘函〔2019〕19号" in stdout and "hit: site.home-updated" in stdout


def _result(report: dict[str, Any], site_id: str, rule: str) -> dict[str, Any]:
    site = next(s for s in report["sites"] if s["id"] == site_id)
    return next(r for r in site["results"] if r["rule"] == rule)  # type: ignore[no-any-return]


def test_broken_links_are_named_and_a_firewall_is_no_broken_link(
    fleet: DemoFleet, full_scan: tuple[int, dict[str, Any], str]
) -> None:
    _, report, _ = full_scan
    port = fleet.http_port
    beihai = _result(report, "beihai", "links.broken")
    assert "the home page has broken links: home page: 3 of " in beihai["message"]
    causes = {e["href"]: e["text"] for e in beihai["evidence"] if e.get("href")}
    assert "NXDOMAIN" in causes[f"http://wsbs.gkcity.gov.cn:{port}/"]
    assert "HTTP 404" in causes[f"http://www.gkcity.gov.cn:{port}/col/col1999/index.html"]
    assert "HTTP 404" in causes[f"http://www.gkbeihai.gov.cn:{port}/images/zt_rkpc.gif"]
    nanshan = _result(report, "nanshan", "links.broken")
    assert nanshan["message"].startswith("the sampled broken-link rate is at least 1.00%")
    assert nanshan["metrics"]["home_broken"] == 0 and nanshan["metrics"]["sample_broken"] == 1
    assert {e.get("href") for e in nanshan["evidence"]} >= {
        f"http://www.gknanshan.gov.cn:{port}/images/dqwz.gif"
    }
    # the 公共资源交易网's WAF turns gkaudit away: undecided (error), never a broken link
    xiling = _result(report, "xiling", "links.broken")
    assert xiling["metrics"]["home_broken"] == 0 and xiling["metrics"]["home_undecided"] == 1
    assert "腾讯云" in xiling["message"] and f"http://ggzy.gkcity.gov.cn:{port}/" in str(
        xiling["evidence"]
    )
