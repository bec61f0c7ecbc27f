"""The Markdown reporter: a golden file for the fixed report, and escaping of hostile text.

To regenerate the golden file after an intended change of the output, run
`GKAUDIT_UPDATE_GOLDEN=1 pytest tests/reporters/test_markdown.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gkaudit.model import Report, Status, Summary
from gkaudit.reporters import markdown

FIXTURES = Path(__file__).parent.parent / "fixtures"
FIXTURE = FIXTURES / "reports" / "report.json"
GOLDEN = FIXTURES / "golden" / "report.md"


@pytest.fixture
def report() -> Report:
    return Report.from_json(FIXTURE.read_text(encoding="utf-8"))


def test_golden(report: Report) -> None:
    text = markdown.render(report)
    if os.environ.get("GKAUDIT_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), (
        "Markdown output changed; if intended, regenerate with "
        "GKAUDIT_UPDATE_GOLDEN=1 pytest tests/reporters/test_markdown.py"
    )


def test_summary_table_rows(report: Report) -> None:
    lines = markdown.render(report).splitlines()
    assert "| 大连市科学技术局 (`kjj`) | department | 1 | **2** | 0 | **2** | 1 |" in lines
    assert "| **Total** (3) | | 7 | **5** | **2** | **3** | 1 |" in lines


def test_lists_findings_not_passes(report: Report) -> None:
    text = markdown.render(report)
    assert "## Failures (5)" in text
    assert "## Warnings (2)" in text
    assert "## Inconclusive (3)" in text
    assert "首页返回 200 text/html" not in text  # a pass
    assert "不适用于部门网站" not in text  # a skip


def test_hostile_text_is_escaped(report: Report) -> None:
    site = report.sites[0]
    result = site.results[-1].model_copy(
        update={"message": "<script>alert(1)</script> | [x](http://evil.example) *bold*"}
    )
    sites = (
        site.model_copy(update={"name": "A|B", "results": (*site.results[:-1], result)}),
        *report.sites[1:],
    )
    text = markdown.render(report.model_copy(update={"sites": sites}))
    assert "<script>" not in text
    assert "\\<script\\>" in text
    assert "\\[x\\](http://evil.example)" in text
    assert "\\*bold\\*" in text
    row = next(line for line in text.splitlines() if line.startswith("| A"))
    assert row.startswith("| A\\|B (`dalian`) |")


def test_code_span_survives_backticks(report: Report) -> None:
    site = report.sites[0].model_copy(update={"url": "https://x.example/`a`"})
    text = markdown.render(report.model_copy(update={"sites": (site, *report.sites[1:])}))
    assert "`` https://x.example/`a` ``" in text


def test_no_findings_and_incomplete(report: Report) -> None:
    sites = tuple(
        s.model_copy(
            update={
                "results": tuple(r.model_copy(update={"status": Status.PASS}) for r in s.results)
            }
        )
        for s in report.sites
    )
    clean = report.model_copy(
        update={"sites": sites, "summary": Summary.of(sites), "incomplete": True}
    )
    text = markdown.render(clean)
    assert "> **Incomplete run:**" in text
    assert "## Failures (0)\n\nNone.\n" in text
    assert "**3 sites: 0 failed, 0 warnings, 0 inconclusive, 18 passed, 0 skipped.**" in text
