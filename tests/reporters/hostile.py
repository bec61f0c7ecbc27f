"""A report carrying what a hostile or broken portal can put in it: markup in a title, a
`javascript:` link, spreadsheet formulas, terminal escape sequences."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gkaudit.model import (
    HtmlEvidence,
    HttpEvidence,
    Mark,
    Report,
    Result,
    SiteReport,
    Status,
    Summary,
)
from gkaudit.waivers import Waiver, mark_waivers

FIXTURE = Path(__file__).parent.parent / "fixtures" / "reports" / "report.json"
SCRIPT_TITLE = "<script>alert(1)</script>"
JS_URL = "javascript:alert(2)"
FORMULAS = ('=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1")


def fixture_report() -> Report:
    return Report.from_json(FIXTURE.read_text(encoding="utf-8"))


def hostile_report() -> Report:
    base = fixture_report()
    rule = base.sites[0].results[-1]
    bad = SiteReport(
        id="evil",
        name=FORMULAS[0],
        url="https://evil.example.gov.cn/",
        kind=base.sites[0].kind,
        results=(
            rule.model_copy(
                update={
                    "status": Status.FAIL,
                    "message": f"栏目标题 {SCRIPT_TITLE} \x1b[2J\x1b]0;pwned\x07 {FORMULAS[1]}",
                    "evidence": (
                        HtmlEvidence(
                            url="https://evil.example.gov.cn/",
                            text=f'<img src=x onerror="alert(3)">{SCRIPT_TITLE}',
                            href=JS_URL,
                        ),
                        HttpEvidence(url="https://evil.example.gov.cn/xxgk/", status=404),
                    ),
                }
            ),
            *(
                Result(
                    rule=f"{rule.rule}.{i}",
                    title=text,
                    clause=text,
                    severity=rule.severity,
                    status=Status.WARN,
                    message=text,
                )
                for i, text in enumerate(FORMULAS[2:])
            ),
        ),
    )
    sites = (*base.sites, bad)
    return base.model_copy(update={"sites": sites, "summary": Summary.of(sites)})


def marked_report() -> Report:
    """The fixture report (as of 2025-06-02) with inspectors' marks: a waiver in force on
    zhongshan's `ipv6.aaaa` failure, an expired one on kjj's, and a false alarm (核减) struck from
    zhongshan's passing `column.business-relief`."""
    waivers = [
        Waiver(
            site="zhongshan",
            rule="ipv6.aaaa",
            reason="运营商承诺2025年第三季度完成IPv6改造",
            expires=dt.date(2025, 9, 30),
            by="市政务公开办 李明",
            date=dt.date(2025, 5, 20),
        ),
        Waiver(site="kjj", rule="ipv6.aaaa", reason="机房搬迁", expires=dt.date(2025, 5, 31)),
    ]
    report = mark_waivers(fixture_report(), waivers)
    struck = Mark(
        kind="false_alarm",
        url="https://www.dlzs.gov.cn/zwgk/a.html",
        text="138****5678",
        reason="区长信箱公开工作手机，经核实可以公开",
    )
    site = report.sites[1]
    results = tuple(
        r.model_copy(update={"marks": (struck,)}) if r.rule == "column.business-relief" else r
        for r in site.results
    )
    sites = (report.sites[0], site.model_copy(update={"results": results}), *report.sites[2:])
    return report.model_copy(update={"sites": sites})
