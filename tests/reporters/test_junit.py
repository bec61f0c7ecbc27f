"""The JUnit reporter, read back with the standard library's XML parser as a CI system would, and
validated against Jenkins' junit-10.xsd (tests/fixtures/junit-10.xsd: the xUnit plugin's
`src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd`, verbatim)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from lxml import etree

from gkaudit.model import Report, Status
from gkaudit.reporters import junit

FIXTURES = Path(__file__).parent.parent / "fixtures"
FIXTURE = FIXTURES / "reports" / "report.json"
SCHEMA = etree.XMLSchema(etree.parse(FIXTURES / "junit-10.xsd"))
_OUTCOMES = ("failure", "error", "skipped")


@pytest.fixture
def report() -> Report:
    return Report.from_json(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def root(report: Report) -> ET.Element:
    return ET.fromstring(junit.render(report).encode("utf-8"))


def test_one_testsuite_per_site_in_report_order(report: Report, root: ET.Element) -> None:
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [site.id for site in report.sites]


def test_one_testcase_per_rule(report: Report, root: ET.Element) -> None:
    for site, suite in zip(report.sites, root.findall("testsuite"), strict=True):
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [r.rule for r in site.results]
        assert {c.get("classname") for c in cases} == {site.id}
        assert suite.get("tests") == str(len(site.results))


@pytest.mark.parametrize(
    ("status", "element"),
    [
        (Status.FAIL, "failure"),
        (Status.ERROR, "skipped"),
        (Status.SKIP, "skipped"),
        (Status.PASS, None),
        (Status.WARN, "failure"),
    ],
)
def test_status_maps_to_junit_outcome(
    report: Report, root: ET.Element, status: Status, element: str | None
) -> None:
    checked = 0
    for site, result in report.results():
        if result.status is not status:
            continue
        case = _case(root, site.id, result.rule)
        outcomes = [child.tag for child in case if child.tag in _OUTCOMES]
        assert outcomes == ([element] if element else [])
        checked += 1
    assert checked, f"the fixture has no {status} result"


def test_failure_carries_message_and_evidence(report: Report, root: ET.Element) -> None:
    failure = _case(root, "dalian", "disclosure.catalogue").find("failure")
    assert failure is not None
    assert failure.get("message") == "缺少栏目：政府信息公开年报"
    assert failure.get("type") == "error"  # the rule's severity
    body = failure.text or ""
    assert "政府信息公开平台四个标准栏目 (十九)(二十一)" in body
    assert (
        "HTML https://www.dl.gov.cn/xxgk/: “政府信息公开指南” -> https://www.dl.gov.cn/xxgk/zn/"
        in body
    )
    assert "在 https://www.dl.gov.cn/xxgk/ 上没有找到链接文字含“年报”的链接" in body
    assert "metrics: sections_found=3, sections_required=4" in body


def test_every_evidence_kind_reaches_the_body(root: ET.Element) -> None:
    dns = _case(root, "zhongshan", "ipv6.aaaa").find("failure")
    assert dns is not None
    assert "DNS AAAA www.dlzs.gov.cn: NODATA" in (dns.text or "")
    http = _case(root, "kjj", "site.reachable").find("skipped")
    assert http is not None
    assert http.get("type") == "inconclusive"
    assert http.get("message") == "inconclusive: 连接超时（15 秒）"
    assert "failed: timeout after 15.0 s" in (http.text or "")
    note = _case(root, "zhongshan", "ipv6.reachable").find("failure")
    assert note is not None
    assert "www.dlzs.gov.cn has no AAAA record | see ipv6.aaaa" in (note.text or "")


def test_a_warning_is_a_failure_of_type_warning(root: ET.Element) -> None:
    case = _case(root, "dalian", "column.business-relief")
    warning = case.find("failure")
    assert warning is not None
    assert warning.get("type") == "warning"
    assert warning.get("message", "").startswith("warning: ")
    assert "[warn, severity error]" in (warning.text or "")
    assert "超过 90 天未更新" in (warning.text or "")


def test_valid_against_jenkins_junit_10_xsd(report: Report) -> None:
    document = etree.fromstring(junit.render(report).encode("utf-8"))
    assert SCHEMA.validate(document), SCHEMA.error_log


def test_the_schema_catches_what_jenkins_refuses(report: Report) -> None:
    document = etree.fromstring(junit.render(report).encode("utf-8"))
    document.set("skipped", "1")  # not an attribute of <testsuites> in junit-10.xsd
    assert not SCHEMA.validate(document)


def test_times_are_the_run_and_the_fetches(report: Report, root: ET.Element) -> None:
    assert root.get("time") == "90.000"
    case = _case(root, "kjj", "site.reachable")
    assert case.get("time") == "15.000"  # the timed-out fetch
    suite = root.find("testsuite[@name='kjj']")
    assert suite is not None
    total = sum(float(c.get("time", "")) for c in suite.findall("testcase"))
    assert suite.get("time") == f"{total:.3f}"


def test_skipped_has_reason(root: ET.Element) -> None:
    skipped = _case(root, "kjj", "column.business-relief").find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "不适用于部门网站"


def test_totals(report: Report, root: ET.Element) -> None:
    s = report.summary
    assert root.get("tests") == str(len(list(report.results())))
    assert root.get("failures") == str(s.fail + s.warn)
    assert root.get("errors") == "0"  # inconclusive is skipped, never an error
    for site, suite in zip(report.sites, root.findall("testsuite"), strict=True):
        statuses = [r.status for r in site.results]
        assert suite.get("failures") == str(
            statuses.count(Status.FAIL) + statuses.count(Status.WARN)
        )
        assert suite.get("errors") == "0"
        assert suite.get("skipped") == str(
            statuses.count(Status.SKIP) + statuses.count(Status.ERROR)
        )


def test_site_properties(root: ET.Element) -> None:
    suite = root.find("testsuite[@name='kjj']")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["site.name"] == "大连市科学技术局"
    assert props["site.url"] == "https://kjj.dl.gov.cn/"
    assert props["plan.document"] == "大政公开办〔2022〕1号"


def test_control_characters_do_not_break_the_xml(report: Report) -> None:
    site = report.sites[0]
    broken = site.results[-1].model_copy(update={"message": "title\x00with\x1bcontrol\x0bchars"})
    sites = (site.model_copy(update={"results": (*site.results[:-1], broken)}), *report.sites[1:])
    root = ET.fromstring(junit.render(report.model_copy(update={"sites": sites})).encode())
    failure = _case(root, site.id, broken.rule).find("failure")
    assert failure is not None
    assert failure.get("message") == "title\ufffdwith\ufffdcontrol\ufffdchars"


def test_declares_utf8_and_keeps_chinese(report: Report) -> None:
    text = junit.render(report)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert "大连市人民政府" in text  # not &#...; escapes


def _case(root: ET.Element, site: str, rule: str) -> ET.Element:
    case = root.find(f"testsuite[@name='{site}']/testcase[@name='{rule}']")
    assert case is not None, (site, rule)
    return case
