"""The terminal reporter: a golden file for the fixed report, and what an inspector must see.

Regenerate after an intended change with
`GKAUDIT_UPDATE_GOLDEN=1 pytest tests/reporters/test_terminal.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gkaudit.model import Report
from gkaudit.reporters import terminal

FIXTURES = Path(__file__).parent.parent / "fixtures"
GOLDEN = FIXTURES / "golden" / "report.txt"


@pytest.fixture
def report() -> Report:
    return Report.from_json((FIXTURES / "reports" / "report.json").read_text(encoding="utf-8"))


def test_golden(report: Report) -> None:
    text = terminal.render_text(report, width=80)
    if os.environ.get("GKAUDIT_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), (
        "terminal output changed; if intended, regenerate with "
        "GKAUDIT_UPDATE_GOLDEN=1 pytest tests/reporters/test_terminal.py"
    )


def test_findings_carry_their_evidence_and_passes_stay_quiet(report: Report) -> None:
    text = terminal.render_text(report, width=80)
    for _, result in report.results():
        line = f"{result.rule} {result.clause} {result.message}"
        assert (line in text) == (result.status.value in ("fail", "warn", "error")), line
    assert "DNS AAAA www.dlzs.gov.cn: NODATA" in text
    assert text.rstrip().endswith(
        f"{report.summary.sites} sites · {report.summary.pass_} pass · {report.summary.fail} fail"
        f" · {report.summary.warn} warn · {report.summary.error} error · {report.summary.skip} skip"
    )


def test_matrix_fits_a_ci_log(report: Report) -> None:
    table_lines = terminal.render_text(report, width=80).split("\n\n")[0].splitlines()
    assert all(len(line) <= 80 for line in table_lines)


def test_an_incomplete_report_says_so(report: Report) -> None:
    text = terminal.render_text(report.model_copy(update={"incomplete": True}))
    assert text.startswith("Incomplete scan")
