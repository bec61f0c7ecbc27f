"""A report carrying what a hostile or broken portal can put in it: markup in a title, a
`javascript:` link, spreadsheet formulas, terminal escape sequences."""

from __future__ import annotations

from pathlib import Path

from gkaudit.model import HtmlEvidence, HttpEvidence, Report, Result, SiteReport, Status, Summary

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
