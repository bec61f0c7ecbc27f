"""Baselines: the regression table, waivers on a given day, and refusing incomparable reports."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from itertools import product
from pathlib import Path

import pytest

from gkaudit.baseline import (
    BaselineError,
    BaselineMismatch,
    Change,
    Comparison,
    classify,
    compare,
    load_report,
)
from gkaudit.model import (
    PlanInfo,
    Report,
    Result,
    Severity,
    SiteKind,
    SiteReport,
    Status,
    Summary,
    ToolInfo,
)
from gkaudit.reporters.comparison import render as render_comparison
from gkaudit.waivers import Waiver

FIXTURE = Path(__file__).parent / "fixtures" / "reports" / "report.json"
P, F, W, E, S = Status.PASS, Status.FAIL, Status.WARN, Status.ERROR, Status.SKIP

#: (baseline, now) -> change. Every one of the 25 pairs, spelled out.
TABLE: dict[tuple[Status, Status], Change | None] = {
    (P, P): None,
    (P, W): None,
    (P, F): Change.REGRESSION,
    (P, E): Change.NEWLY_INCONCLUSIVE,
    (P, S): None,
    (W, P): None,
    (W, W): None,
    (W, F): Change.REGRESSION,
    (W, E): Change.NEWLY_INCONCLUSIVE,
    (W, S): None,
    (F, P): Change.FIXED,
    (F, W): Change.FIXED,
    (F, F): Change.STILL_FAILING,
    (F, E): Change.NEWLY_INCONCLUSIVE,
    (F, S): None,
    (E, P): None,
    (E, W): None,
    (E, F): Change.NEW_FAILURE,
    (E, E): None,
    (E, S): None,
    (S, P): None,
    (S, W): None,
    (S, F): Change.NEW_FAILURE,
    (S, E): Change.NEWLY_INCONCLUSIVE,
    (S, S): None,
}


def make_report(
    statuses: Mapping[tuple[str, str], Status],
    *,
    document: str = "大政公开办〔2022〕1号",
    as_of: dt.date = dt.date(2025, 6, 2),
) -> Report:
    """A report with one result per (site, rule) key, in key order."""
    sites: dict[str, list[Result]] = {}
    for (site, rule), status in statuses.items():
        sites.setdefault(site, []).append(
            Result(
                rule=rule,
                title=f"规则 {rule}",
                clause="(十九)",
                severity=Severity.ERROR,
                status=status,
                message=f"{site} {rule} {status.value}",
            )
        )
    site_reports = tuple(
        SiteReport(
            id=site,
            name=f"{site} 人民政府",
            url=f"https://{site}.example.gov.cn/",
            kind=SiteKind.DISTRICT,
            results=tuple(results),
        )
        for site, results in sites.items()
    )
    start = dt.datetime.combine(as_of, dt.time(8), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return Report(
        tool=ToolInfo(version="0.1.0"),
        plans=(PlanInfo(title="要点", document=document, source="rules/x.yaml"),),
        as_of=as_of,
        started_at=start,
        finished_at=start + dt.timedelta(minutes=1),
        sites=site_reports,
        summary=Summary.of(site_reports),
    )


def test_table_is_complete() -> None:
    assert set(TABLE) == set(product(Status, Status))


@pytest.mark.parametrize(("before", "after"), list(TABLE))
def test_classify(before: Status, after: Status) -> None:
    assert classify(before, after) is TABLE[(before, after)]


@pytest.mark.parametrize(("before", "after"), list(TABLE))
def test_regression_gates_only_pass_or_warn_to_fail(before: Status, after: Status) -> None:
    c = compare(make_report({("a", "r"): before}), make_report({("a", "r"): after}))
    assert c.failed is (before in (P, W) and after is F)
    assert c.failed is bool(c.regressions)
    buckets = {
        Change.REGRESSION: c.regressions,
        Change.FIXED: c.fixes,
        Change.STILL_FAILING: c.still_failing,
        Change.NEW_FAILURE: c.new_failures,
        Change.NEWLY_INCONCLUSIVE: c.newly_inconclusive,
    }
    expected = TABLE[(before, after)]
    for change, findings in buckets.items():
        assert len(findings) == (1 if change is expected else 0), change
    for findings in buckets.values():
        for finding in findings:
            assert (finding.site, finding.rule, finding.before, finding.after) == (
                "a",
                "r",
                before,
                after,
            )


def test_error_is_never_a_regression() -> None:
    old = make_report({("a", "r1"): P, ("a", "r2"): W, ("a", "r3"): F})
    new = make_report({("a", "r1"): E, ("a", "r2"): E, ("a", "r3"): E})
    c = compare(old, new)
    assert not c.failed
    assert [f.rule for f in c.newly_inconclusive] == ["r1", "r2", "r3"]


def test_fixture_against_itself_is_quiet() -> None:
    report = Report.from_json(FIXTURE.read_text(encoding="utf-8"))
    c = compare(report, report)
    assert not c.failed
    assert not (c.regressions or c.fixes or c.newly_inconclusive or c.new_sites or c.new_rules)
    assert [(f.site, f.rule) for f in c.still_failing] == [
        ("dalian", "disclosure.catalogue"),
        ("zhongshan", "ipv6.aaaa"),
        ("zhongshan", "ipv6.reachable"),
        ("kjj", "ipv6.aaaa"),
        ("kjj", "disclosure.catalogue"),
    ]


def test_new_sites_and_rules_are_reported_not_failed() -> None:
    old = make_report({("a", "r1"): P, ("gone", "r1"): P, ("a", "old"): P})
    new = make_report({("a", "r1"): P, ("a", "r2"): F, ("b", "r1"): F, ("b", "r2"): F})
    c = compare(old, new)
    assert not c.failed
    assert c.new_sites == ("b",)
    assert c.new_rules == ("r2",)
    assert c.removed_sites == ("gone",)
    assert c.removed_rules == ("old",)
    assert c.regressions == c.still_failing == c.new_failures == ()


def test_different_plan_is_refused() -> None:
    old = make_report({("a", "r"): P}, document="大政公开办〔2021〕1号")
    with pytest.raises(BaselineMismatch, match=r"大政公开办〔2021〕1号.*大政公开办〔2022〕1号"):
        compare(old, make_report({("a", "r"): F}))


def test_different_schema_is_refused(tmp_path: Path) -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["schema"] = "gkaudit.report/3"
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(BaselineMismatch) as caught:
        load_report(path)
    assert str(caught.value) == (
        f"{path}: report schema 'gkaudit.report/3', but this gkaudit reads "
        "'gkaudit.report/2' and 'gkaudit.report/1' only"
    )


def test_a_schema_1_baseline_is_read_as_its_one_plan() -> None:
    old = load_report(FIXTURE)  # a gkaudit.report/1 document, as gkaudit wrote them before
    assert json.loads(FIXTURE.read_text(encoding="utf-8"))["schema"] == "gkaudit.report/1"
    assert old.schema_ == "gkaudit.report/2"
    (plan,) = old.plans
    assert (plan.document, plan.source, plan.sha256) == (
        "大政公开办〔2022〕1号",
        "rules/dalian-2022.yaml",
        "",
    )
    # the plan lists the rules its results name, with their titles and clauses
    assert [r.id for r in plan.rules] == list(dict.fromkeys(r.rule for _s, r in old.results()))
    assert plan.rules[0].title == old.sites[0].results[0].title


def test_baselines_compare_per_rule_id_across_plans() -> None:
    """A one-plan baseline against a two-plan report: the shared rules are compared, the other
    plan's rules are new rules; a report sharing no plan is refused."""
    old = make_report({("a", "site.reachable"): P})
    both = make_report({("a", "site.reachable"): F, ("a", "site.home-updated"): F})
    both = both.model_copy(
        update={
            "plans": (
                *both.plans,
                PlanInfo(title="检查指标", document="国办秘函〔2019〕19号", source="g.yaml"),
            )
        }
    )
    c = compare(old, both)
    assert [(f.rule, f.change) for f in c.regressions] == [("site.reachable", Change.REGRESSION)]
    assert c.new_rules == ("site.home-updated",)
    national = both.model_copy(update={"plans": both.plans[1:]})
    with pytest.raises(BaselineMismatch, match="国办秘函"):
        compare(old, national)


def test_load_report_round_trip_and_errors(tmp_path: Path) -> None:
    assert load_report(FIXTURE) == Report.from_json(FIXTURE.read_text(encoding="utf-8"))
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "schema": "gkaudit.report/1",\n  oops\n}', encoding="utf-8")
    with pytest.raises(BaselineError, match=r"broken\.json:3: not JSON"):
        load_report(broken)
    partial = tmp_path / "partial.json"
    partial.write_text('{"schema": "gkaudit.report/1", "as_of": "2025-06-02"}', encoding="utf-8")
    with pytest.raises(BaselineError, match=r"partial\.json: not a valid gkaudit\.report/1 report"):
        load_report(partial)
    with pytest.raises(BaselineError, match="cannot read"):
        load_report(tmp_path / "missing.json")


# --- waivers --------------------------------------------------------------------------------

WAIVER = Waiver(site="a", rule="r", reason="整改中", expires=dt.date(2025, 6, 30))


@pytest.mark.parametrize(
    ("today", "waived"),
    [
        (dt.date(2025, 6, 1), True),
        (dt.date(2025, 6, 30), True),  # the expiry day itself is still covered
        (dt.date(2025, 7, 1), False),
    ],
)
def test_waiver_expiry_relative_to_today(today: dt.date, waived: bool) -> None:
    c = compare(make_report({("a", "r"): P}), make_report({("a", "r"): F}), [WAIVER], today=today)
    assert c.failed is not waived
    if waived:
        assert c.regressions == ()
        (finding,) = c.waived
        assert finding.change is Change.WAIVED
        assert finding.waiver is not None and not finding.waiver.expired
    else:
        (finding,) = c.regressions
        assert c.expired_waivers == (finding,)
        assert finding.waiver is not None
        assert finding.waiver.note == "waiver expired on 2025-06-30: 整改中"


def test_today_defaults_to_the_reports_as_of() -> None:
    old = make_report({("a", "r"): P})
    late = make_report({("a", "r"): F}, as_of=dt.date(2025, 7, 1))
    early = make_report({("a", "r"): F}, as_of=dt.date(2025, 6, 30))
    assert compare(old, late, [WAIVER]).failed
    assert not compare(old, early, [WAIVER]).failed


def test_expired_waiver_on_a_long_failure_is_still_failing_not_a_regression() -> None:
    """The README's gate: a regression passed in the baseline and fails now. A failure that was
    already failing (waived) in the baseline does not become one when its waiver expires: it is
    listed as expired, and `--fail-on fail` counts it again (tests/test_cli.py)."""
    old = make_report({("a", "r"): F})
    new = make_report({("a", "r"): F})
    active = compare(old, new, [WAIVER], today=dt.date(2025, 6, 1))
    assert not active.failed and len(active.waived) == 1 and active.still_failing == ()
    expired = compare(old, new, [WAIVER], today=dt.date(2025, 7, 1))
    assert not expired.failed
    assert expired.regressions == ()
    assert expired.still_failing == expired.expired_waivers
    assert "Waivers expired (failing again) (1):" in render_comparison(expired)


def test_waivers_cover_only_failures_and_report_unused() -> None:
    old = make_report({("a", "r"): P, ("a", "q"): P})
    new = make_report({("a", "r"): E, ("a", "q"): F})
    unused = Waiver(site="b", rule="r", reason="x", expires=dt.date(2030, 1, 1))
    c = compare(old, new, [WAIVER, unused])
    assert [f.rule for f in c.newly_inconclusive] == ["r"]
    assert c.newly_inconclusive[0].waiver is None
    assert [f.rule for f in c.regressions] == ["q"]
    assert c.unused_waivers == (WAIVER, unused)


# --- rendering ------------------------------------------------------------------------------


def test_render_names_the_portal_and_rule() -> None:
    old = make_report({("a", "r1"): P, ("a", "r2"): F, ("b", "r1"): P})
    new = make_report({("a", "r1"): F, ("a", "r2"): P, ("b", "r1"): E, ("c", "r1"): F})
    text = render_comparison(compare(old, new))
    assert text.startswith(
        "Plan 大政公开办〔2022〕1号: baseline as of 2025-06-02, current as of 2025-06-02\n"
    )
    assert "Regressions (1):\n  a r1 规则 r1 (十九): pass -> fail: a r1 fail\n" in text
    assert "Fixed (1):\n  a r2 规则 r2 (十九): fail -> pass: a r2 pass\n" in text
    assert "Still failing (0):\n  none\n" in text
    assert "Newly inconclusive (never a regression) (1):\n  b r1" in text
    assert "New sites (reported, not gated): c\n" in text
    assert text.endswith("Failing: 1 regression.\n")


def test_render_quiet_comparison() -> None:
    report = make_report({("a", "r"): P})
    text = render_comparison(compare(report, report))
    assert text.endswith("No regressions.\n")
    assert "Waived" not in text


def test_comparison_defaults_are_empty() -> None:
    c = Comparison(plan="x", baseline_as_of=dt.date(2025, 1, 1), current_as_of=dt.date(2025, 1, 2))
    assert not c.failed


def test_ci_sequence_fails_once_then_passes_with_the_new_baseline() -> None:
    """The issue's story: a portal breaks between two runs; then the new report becomes baseline."""
    first = Report.from_json(FIXTURE.read_text(encoding="utf-8"))
    zhongshan = first.sites[1]
    broken = tuple(
        r.model_copy(update={"status": F, "message": "首页返回 HTTP 503"})
        if r.rule == "site.reachable"
        else r
        for r in zhongshan.results
    )
    sites = (first.sites[0], zhongshan.model_copy(update={"results": broken}), first.sites[2])
    second = first.model_copy(update={"sites": sites, "summary": Summary.of(sites)})

    c = compare(first, second)
    assert c.failed
    assert [(f.site, f.rule) for f in c.regressions] == [("zhongshan", "site.reachable")]
    assert (
        "  zhongshan site.reachable 门户网站可访问 (十九): pass -> fail: 首页返回 HTTP 503\n"
        in (render_comparison(c))
    )
    again = compare(second, second)
    assert not again.failed
    assert ("zhongshan", "site.reachable") in {(f.site, f.rule) for f in again.still_failing}
