"""Inspectors' marks (暂缓整改 waivers, 核减 false alarms) carried on the results and shown by every
format: terminal, JSON (and its schema), JUnit, SARIF (suppressions), Markdown, XLSX, CSV, HTML,
and kept by the history."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from lxml import etree

from gkaudit import i18n
from gkaudit.history import HistoryStore
from gkaudit.model import Report
from gkaudit.reporters import csv as csv_reporter
from gkaudit.reporters import html, junit, markdown, sarif, terminal, xlsx
from gkaudit.reporters import json as json_reporter
from tests.reporters.hostile import fixture_report, marked_report

FIXTURES = Path(__file__).parent.parent / "fixtures"
WAIVED = "waived until 2025-09-30: 运营商承诺2025年第三季度完成IPv6改造"
BY = "(marked by 市政务公开办 李明 on 2025-05-20)"
EXPIRED = "waiver expired on 2025-05-31: 机房搬迁"
STRUCK = "false alarm (核减): “138****5678” at https://www.dlzs.gov.cn/zwgk/a.html"
STRUCK_WHY = "区长信箱公开工作手机，经核实可以公开"


@pytest.fixture
def report() -> Report:
    return marked_report()


def test_the_marks_are_on_the_results(report: Report) -> None:
    marked = {(s.id, r.rule): r for s, r in report.results() if r.marks}
    assert set(marked) == {
        ("zhongshan", "ipv6.aaaa"),
        ("kjj", "ipv6.aaaa"),
        ("zhongshan", "column.business-relief"),
    }
    assert marked[("zhongshan", "ipv6.aaaa")].waived
    assert not marked[("kjj", "ipv6.aaaa")].waived  # expired: it counts again
    assert not marked[("zhongshan", "column.business-relief")].waived


def test_terminal(report: Report) -> None:
    text = terminal.render_text(report, width=200)
    assert f"⚑ {WAIVED} {BY}" in text
    assert f"⚑ {EXPIRED}" in text
    assert STRUCK in text and STRUCK_WHY in text  # a passing result, listed for its mark
    row = next(line for line in text.splitlines() if line.startswith(" zhongshan"))
    assert "~" in row.split()  # the waived failure in the matrix
    assert "~ waived" in text
    assert "~ waived" not in terminal.render_text(fixture_report(), width=200)


def test_json_round_trip_and_schema(report: Report) -> None:
    document: dict[str, Any] = json.loads(json_reporter.render(report))
    jsonschema.Draft202012Validator(json_reporter.schema()).validate(document)
    results = {(s["id"], r["rule"]): r for s in document["sites"] for r in s["results"]}
    assert results[("zhongshan", "ipv6.aaaa")]["marks"] == [
        {
            "kind": "waiver",
            "reason": "运营商承诺2025年第三季度完成IPv6改造",
            "by": "市政务公开办 李明",
            "date": "2025-05-20",
            "expires": "2025-09-30",
            "expired": False,
            "url": None,
            "text": None,
        }
    ]
    assert "marks" not in results[("dalian", "site.reachable")]  # unmarked: as before marks
    assert Report.from_json(report.to_json()) == report


def test_junit_skips_a_waived_failure_and_lists_every_mark(report: Report) -> None:
    text = junit.render(report)
    etree.XMLSchema(etree.parse(FIXTURES / "junit-10.xsd")).assertValid(
        etree.fromstring(text.encode())
    )
    root = ET.fromstring(text)
    case = root.find("testsuite[@name='zhongshan']/testcase[@name='ipv6.aaaa']")
    assert case is not None and case.find("failure") is None
    skipped = case.find("skipped")
    assert skipped is not None and skipped.get("type") == "waived"
    assert WAIVED in (skipped.get("message") or "")
    expired = root.find("testsuite[@name='kjj']/testcase[@name='ipv6.aaaa']/failure")
    assert expired is not None and EXPIRED in (expired.text or "")
    suite = root.find("testsuite[@name='zhongshan']")
    assert suite is not None and suite.get("failures") == "1" and suite.get("skipped") == "1"
    struck = root.find("testsuite[@name='zhongshan']/testcase[@name='column.business-relief']")
    assert struck is not None and STRUCK_WHY in "".join(struck.itertext())


def test_sarif_suppresses_the_waived_and_the_struck(report: Report) -> None:
    log = sarif.to_sarif(report)
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    results = log["runs"][0]["results"]
    by_key = {(r["properties"]["site"], r["ruleId"], r["properties"]["status"]): r for r in results}
    waived = by_key[("zhongshan", "ipv6.aaaa", "fail")]
    assert waived["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "运营商承诺2025年第三季度完成IPv6改造",
            "properties": {
                "by": "市政务公开办 李明",
                "date": "2025-05-20",
                "expires": "2025-09-30",
            },
        }
    ]
    assert "suppressions" not in by_key[("kjj", "ipv6.aaaa", "fail")]  # expired: open again
    struck = by_key[("zhongshan", "column.business-relief", "false_alarm")]
    assert struck["suppressions"][0]["justification"] == STRUCK_WHY
    assert "138****5678" in struck["message"]["text"]
    fingerprints = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results]
    assert len(fingerprints) == len(set(fingerprints))


def test_markdown(report: Report) -> None:
    text = markdown.render(report)
    assert "## Marked by inspectors (3)" in text
    assert f"⚑ {WAIVED}" in text
    assert "138\\*\\*\\*\\*5678" in text  # escaped like any portal text
    assert "Marked by inspectors" not in markdown.render(fixture_report())


def test_spreadsheets_carry_the_marks_in_chinese(report: Report) -> None:
    i18n.use("zh")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.render(report)))
    rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    column = rows[0].index("暂缓整改/核减说明")
    marks = {row[3].split()[0] + " " + str(row[1]): row[column] for row in rows[1:]}
    assert marks["ipv6.aaaa https://www.dlzs.gov.cn/"].startswith("暂缓整改至2025-09-30")
    assert "核减" in marks["column.business-relief https://www.dlzs.gov.cn/"]
    summary = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
    zhongshan = next(row for row in summary if row[1] == "大连市中山区人民政府")
    assert "不通过（暂缓整改）" in zhongshan and "通过（含核减）" in zhongshan
    table = list(csv.reader(io.StringIO(csv_reporter.render(report).lstrip("\ufeff"))))
    assert table[0][-1] == "暂缓整改/核减说明"
    assert any(row[-1].startswith("暂缓整改已于2025-05-31到期") for row in table[1:])


def test_html(report: Report) -> None:
    page = html.render(report)
    assert f'<p class="mark">⚑ {WAIVED}' in page
    assert "fail (waived)" in page  # the matrix cell
    assert "pass (false alarm struck)" in page
    assert 'data-rule="column.business-relief" data-site="zhongshan"' in page


def test_the_history_keeps_the_marks(tmp_path: Path, report: Report) -> None:
    with HistoryStore(tmp_path / "h.db") as store:
        run = store.record(report)
        assert store.report(run) == report
