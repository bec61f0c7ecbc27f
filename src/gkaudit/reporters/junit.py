"""JUnit XML report: one testsuite per site, one testcase per rule.

CI systems (GitLab, Jenkins, GitHub test reporters) all read this dialect, so a scan shows up
beside a project's unit tests; the document is valid against Jenkins' `junit-10.xsd` (the xUnit
plugin's schema, tests/fixtures/junit-10.xsd). The mapping, chosen for what those tools show:

- `fail` is a `<failure>` whose `type` is the rule's severity;
- `warn` is a `<failure type="warning">`: JUnit has no warning, and a passing test case hides its
  output, so a warning would go unseen. Jenkins marks the build unstable (yellow, its own notion
  of a warning), GitLab lists the test as failed with the type shown; neither fails a pipeline
  on it: the gate is gkaudit's exit code;
- `error` (inconclusive) is `<skipped type="inconclusive">` with the reason as its message:
  Jenkins and GitLab both count `<error>` as a failed test, and an inconclusive result is never a
  failure;
- `skip` (the rule does not apply) is `<skipped type="not-applicable">`;
- a `fail` or `warn` under a waiver in force is `<skipped type="waived">` with the waiver as its
  message: accepted by an inspector, it fails neither the gate nor the CI's test count (an
  expired waiver leaves the failure a failure, the waiver named in its text);
- false alarms (核减) struck from a result are listed in its text with their reasons;
- `pass` is a passing test case whose `<system-out>` carries the message.

Every non-passing element carries the message as its `message` attribute and the full
explanation (rule, clause, message, evidence, metrics) as its text. A testcase's `time` is the
time of the fetches its evidence records; the root's is the whole run's.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from gkaudit.i18n import _
from gkaudit.model import (
    HttpEvidence,
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
    counts = _counts(result for _site, result in report.results())
    root = ET.Element(
        "testsuites",
        name="gkaudit",
        tests=str(counts["tests"]),
        failures=str(counts["failures"]),
        errors=str(counts["errors"]),
        time=_seconds(report.finished_at - report.started_at),
    )
    for site in report.sites:
        root.append(_suite(report, site))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(report: Report, site: SiteReport) -> ET.Element:
    counts = _counts(site.results)
    suite = ET.Element(
        "testsuite",
        name=_clean(site.id),
        tests=str(counts["tests"]),
        failures=str(counts["failures"]),
        errors=str(counts["errors"]),
        skipped=str(counts["skipped"]),
        time=_seconds(dt.timedelta(seconds=sum(_elapsed(r) for r in site.results))),
        timestamp=report.started_at.isoformat(),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("site.name", site.name),
        ("site.url", site.url),
        ("site.kind", site.kind.value),
        ("plan.document", report.document),
        ("as_of", report.as_of.isoformat()),
        *_rollup(site),
    ):
        ET.SubElement(properties, "property", name=name, value=_clean(value))
    for result in site.results:
        suite.append(_case(site, result))
    return suite


def _rollup(site: SiteReport) -> list[tuple[str, str]]:
    """Each scoring plan's roll-up as properties: `rollup.<document>.veto` and friends."""
    found = []
    for r in site.rollup:
        found += [
            (f"rollup.{r.plan}.veto", ", ".join(r.vetoes)),
            (f"rollup.{r.plan}.veto_undecided", ", ".join(r.veto_undecided)),
            (f"rollup.{r.plan}.deducted", f"{r.deducted:g}"),
            (f"rollup.{r.plan}.deducted_assumed", f"{r.deducted_assumed:g}"),
            (f"rollup.{r.plan}.points_undecided", ", ".join(r.points_undecided)),
            (f"rollup.{r.plan}.score", "" if r.score is None else f"{r.score:g}"),
        ]
    return found


def _case(site: SiteReport, result: Result) -> ET.Element:
    # classname is the site so that CI tools group by portal; name is the stable rule id, because
    # tools track a test across runs by name and a rule's title may be reworded.
    case = ET.Element(
        "testcase",
        classname=_clean(site.id),
        name=_clean(result.rule),
        time=_seconds(dt.timedelta(seconds=_elapsed(result))),
    )
    body = _clean(explain(result))
    message = _clean(result.message)
    if result.waived:
        waiver = next(mark for mark in result.marks if mark.holds)
        ET.SubElement(case, "skipped", message=_clean(waiver.describe()), type="waived").text = body
    elif result.status is Status.FAIL:
        ET.SubElement(case, "failure", message=message, type=result.severity.value).text = body
    elif result.status is Status.WARN:
        warning = _clean(_("warning: {message}").format(message=result.message))
        ET.SubElement(case, "failure", message=warning, type="warning").text = body
    elif result.status is Status.ERROR:
        reason = _clean(_("inconclusive: {message}").format(message=result.message))
        ET.SubElement(case, "skipped", message=reason, type="inconclusive").text = body
    elif result.status is Status.SKIP:
        ET.SubElement(case, "skipped", message=message, type="not-applicable").text = body
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
    if result.marks:
        lines.append(_("marked by inspectors:"))
        lines.extend(f"  - {mark.describe()}" for mark in result.marks)
    return "\n".join(lines)


def _elapsed(result: Result) -> float:
    """Seconds spent on the fetches the result's evidence records."""
    return sum(
        (item.elapsed_ms or 0.0) / 1000
        for item in result.evidence
        if isinstance(item, HttpEvidence)
    )


def _metric(value: Metric) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _counts(results: Iterable[Result]) -> dict[str, int]:
    statuses: list[Status] = []
    waived = 0
    for result in results:  # once: a report's sites are read one at a time
        statuses.append(result.status)
        waived += result.waived
    return {
        "tests": len(statuses),
        "failures": statuses.count(Status.FAIL) + statuses.count(Status.WARN) - waived,
        "errors": 0,
        "skipped": statuses.count(Status.SKIP) + statuses.count(Status.ERROR) + waived,
    }


def _seconds(delta: dt.timedelta) -> str:
    return f"{max(delta.total_seconds(), 0.0):.3f}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
