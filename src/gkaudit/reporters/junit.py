"""JUnit XML report: one testsuite per site, one testcase per rule.

CI systems (GitLab, Jenkins, GitHub test reporters) all read this dialect, so a scan shows up
beside a project's unit tests. The mapping: `fail` is a `<failure>`, `error` (inconclusive) is an
`<error>`, `skip` is `<skipped>`; `pass` and `warn` are passing test cases whose `<system-out>`
carries the message, because JUnit has no "warning" and a warning must not turn a green pipeline
red. Every non-passing element carries the message as its `message` attribute and the full
explanation (rule, clause, message, evidence, metrics) as its text.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from gkaudit.model import (
    Metric,
    Report,
    Result,
    SiteReport,
    Status,
)
from gkaudit.reporters.evidence import describe

# XML 1.0 cannot carry most control characters, even escaped; a message copied from a broken page
# may contain them, and one such character would make the whole file unreadable.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report) -> str:
    """The JUnit XML document for `report`, as text (write it UTF-8 encoded)."""
    counts = _counts(report.results())
    root = ET.Element(
        "testsuites",
        name="gkaudit",
        tests=str(counts["tests"]),
        failures=str(counts["failures"]),
        errors=str(counts["errors"]),
        skipped=str(counts["skipped"]),
        time=_seconds(report.finished_at - report.started_at),
        timestamp=report.started_at.isoformat(),
    )
    for site in report.sites:
        root.append(_suite(report, site))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(report: Report, site: SiteReport) -> ET.Element:
    counts = _counts([(site, result) for result in site.results])
    suite = ET.Element(
        "testsuite",
        name=_clean(site.id),
        tests=str(counts["tests"]),
        failures=str(counts["failures"]),
        errors=str(counts["errors"]),
        skipped=str(counts["skipped"]),
        timestamp=report.started_at.isoformat(),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("site.name", site.name),
        ("site.url", site.url),
        ("site.kind", site.kind.value),
        ("plan.document", report.plan.document),
        ("as_of", report.as_of.isoformat()),
    ):
        ET.SubElement(properties, "property", name=name, value=_clean(value))
    for result in site.results:
        suite.append(_case(site, result))
    return suite


def _case(site: SiteReport, result: Result) -> ET.Element:
    # classname is the site so that CI tools group by portal; name is the stable rule id, because
    # tools track a test across runs by name and a rule's title may be reworded.
    case = ET.Element("testcase", classname=_clean(site.id), name=_clean(result.rule))
    body = _clean(explain(result))
    message = _clean(result.message)
    if result.status is Status.FAIL:
        ET.SubElement(case, "failure", message=message, type=result.severity.value).text = body
    elif result.status is Status.ERROR:
        ET.SubElement(case, "error", message=message, type="inconclusive").text = body
    elif result.status is Status.SKIP:
        ET.SubElement(case, "skipped", message=message).text = body
    else:
        ET.SubElement(case, "system-out").text = body
    return case


def explain(result: Result) -> str:
    """Plain-text account of one result: rule, status, message, evidence, metrics; line by line."""
    lines = [
        f"{result.rule} {result.title} {result.clause} [{result.status.value}, "
        f"severity {result.severity.value}]",
        result.message,
    ]
    if result.evidence:
        lines.append("evidence:")
        lines.extend(f"  - {describe(item)}" for item in result.evidence)
    if result.metrics:
        lines.append(
            "metrics: " + ", ".join(f"{k}={_metric(v)}" for k, v in result.metrics.items())
        )
    return "\n".join(lines)


def _metric(value: Metric) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _counts(pairs: list[tuple[SiteReport, Result]]) -> dict[str, int]:
    statuses = [result.status for _, result in pairs]
    return {
        "tests": len(statuses),
        "failures": statuses.count(Status.FAIL),
        "errors": statuses.count(Status.ERROR),
        "skipped": statuses.count(Status.SKIP),
    }


def _seconds(delta: dt.timedelta) -> str:
    return f"{max(delta.total_seconds(), 0.0):.3f}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
