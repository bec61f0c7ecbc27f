"""The terminal reporter: a golden file for the fixed report, and what an inspector must see.

Regenerate after an intended change with
`GKAUDIT_UPDATE_GOLDEN=1 pytest tests/reporters/test_terminal.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rich.cells import cell_len

from gkaudit.model import Report, Result
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
    text = terminal.render_text(report, width=200)  # wide: no finding wraps
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


def test_findings_wrap_at_the_width_and_keep_their_indent(report: Report) -> None:
    text = terminal.render_text(report, width=80)
    lines = text.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    start = lines.index(
        "  ! column.business-relief (三) 助企纾困专栏最新信息发布于 2025-01-15，超过 90"
    )
    assert lines[start + 1] == "    天未更新"
    timeout = next(i for i, line in enumerate(lines) if "failed: timeout after" in line)
    assert lines[timeout].startswith("      HTTP https://kjj.dl.gov.cn/ ")
    assert lines[timeout + 1].startswith("        15.0 s")


def _with_links(report: Report, rules: int) -> Report:
    """The report with `rules` extra rules, one of them carrying IPv6 link rates."""
    site = report.sites[1]
    extra = tuple(
        site.results[0].model_copy(
            update={
                "rule": f"extra.rule-{i}",
                "metrics": {"level2_rate": 1.0, "level3_rate": 1.0} if i == 0 else {},
            }
        )
        for i in range(rules)
    )
    sites = tuple(s.model_copy(update={"results": (*s.results, *extra)}) for s in report.sites)
    return report.model_copy(update={"sites": sites})


@pytest.mark.parametrize("width", [80, 100, 160])
def test_full_names_and_the_link_rates_at_any_width(report: Report, width: int) -> None:
    text = terminal.render_text(_with_links(report, 3), width=width)
    matrix = text.split("\n\n")[0]
    assert "100% / 100%" in matrix
    assert "…" not in matrix
    lines = matrix.splitlines()
    for site in report.sites:
        row = next(i for i, line in enumerate(lines) if line.split()[:1] == [site.id])
        name = lines[row].split()[1]
        indent = lines[row].index(name)
        for more in lines[row + 1 :]:  # a narrow terminal folds the name onto the next lines
            if not more.strip() or more[:indent].strip():
                break
            name += more.split()[0]
        assert name == site.name


def test_a_wide_terminal_shows_each_name_on_one_line(report: Report) -> None:
    matrix = terminal.render_text(_with_links(report, 3), width=160).split("\n\n")[0]
    for site in report.sites:
        assert any(site.name in line and site.id in line for line in matrix.splitlines())


def test_portal_text_cannot_drive_the_terminal(report: Report) -> None:
    site = report.sites[0]
    evil = site.results[-1].model_copy(
        update={"message": "title\x1b[2J\x1b]0;pwned\x07\x1b[31mred\u202eevil\rover"}
    )
    sites = (site.model_copy(update={"results": (*site.results[:-1], evil)}), *report.sites[1:])
    text = terminal.render_text(report.model_copy(update={"sites": sites}))
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\r" not in text
    assert "titleredevilover" in text


def test_a_matrix_of_two_plans_is_split_to_fit_and_drops_no_rule(report: Report) -> None:
    # thirty rules (two packaged plans) need about 120 columns of symbols: at 80 the matrix
    # comes in tables, each with every site, together every rule once
    def thirty(results: tuple[Result, ...]) -> tuple[Result, ...]:
        many = (results * 30)[:30]
        return tuple(r.model_copy(update={"rule": f"rule.n{i}"}) for i, r in enumerate(many, 1))

    sites = tuple(s.model_copy(update={"results": thirty(s.results)}) for s in report.sites)
    wide = report.model_copy(update={"sites": sites})
    text = terminal.render_text(wide, width=80)
    matrix = text.split("\n 1 ")[0]  # the legend starts at rule 1
    assert all(cell_len(line) <= 80 for line in matrix.splitlines())
    headers = [line.split() for line in matrix.splitlines() if line.split()[:1] == ["site"]]
    assert len(headers) > 1
    numbers = [int(word) for header in headers for word in header if word.isdigit()]
    assert numbers == list(range(1, 31))
    symbols = "✔✘!?-~"
    for site in sites:
        rows = [line for line in matrix.splitlines() if line.split()[:1] == [site.id]]
        assert len(rows) == len(headers)
        assert sum(sum(line.count(s) for s in symbols) for line in rows) >= 30
