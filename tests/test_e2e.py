"""End to end: the real CLI against the demo fleet over real sockets, verdict by verdict."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gkaudit.demo import DemoFleet
from gkaudit.plans import load_plan
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
    return scan(fleet, tmp_path_factory.mktemp("e2e"))


def test_every_site_and_rule_has_exactly_one_result(
    fleet: DemoFleet, full_scan: tuple[int, dict[str, Any], str]
) -> None:
    _, report, _ = full_scan
    plan = load_plan(None, Registry.load())
    assert [s["id"] for s in report["sites"]] == [s.id for s in fleet.sites]
    for site in report["sites"]:
        assert [r["rule"] for r in site["results"]] == [r.id for r in plan.rules]


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
    assert [plan["document"] for plan in report["plans"]] == ["大政公开办〔2022〕1号"]
    assert len(report["plans"][0]["sha256"]) == 64
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
