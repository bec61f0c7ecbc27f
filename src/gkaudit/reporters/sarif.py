"""SARIF 2.1.0 report: one run, the plan's rules as rule metadata, one result per finding.

SARIF is what code-scanning dashboards (GitHub, GitLab, Azure DevOps, SonarQube) import. A finding
is any non-passing result: `fail` and `warn` are results of kind `fail` (level from the rule's
severity, or `warning` for a warn); `error` is kind `review` (the scanner could not decide, a person
has to look), which the standard requires to have level `none`. `pass` and `skip` are not findings
and are left out.

The "artifact" of a finding is the portal: its URL is the primary location, the URLs in the evidence
are related locations, and the site id is a logical location so dashboards can group by portal. A
partial fingerprint of site and rule lets a dashboard recognise the same finding across runs.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import quote

from gkaudit.model import (
    HtmlEvidence,
    HttpEvidence,
    Report,
    Result,
    Severity,
    SiteReport,
    Status,
)

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: Key of the partial fingerprint; versioned so that a future change of identity is not silent.
FINGERPRINT_KEY = "gkaudit/site-rule/v1"

_FINDINGS = (Status.FAIL, Status.WARN, Status.ERROR)
# Characters RFC 3986 allows unescaped in a URI (plus "%", so existing escapes survive); anything
# else, notably Chinese path segments, is percent-encoded so `uri` stays a valid URI reference.
_URI_SAFE = ":/?#[]@!$&'()*+,;=-._~%"


def render(report: Report) -> str:
    """The SARIF 2.1.0 log for `report`, as JSON text."""
    return json.dumps(to_sarif(report), ensure_ascii=False, indent=2) + "\n"


def to_sarif(report: Report) -> dict[str, Any]:
    """The SARIF log as plain data, for callers that want to add to it before writing."""
    rules, index = _rules(report)
    results = [
        _result(site, result, index[result.rule])
        for site, result in report.results()
        if result.status in _FINDINGS
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules,
            }
        },
        "invocations": [
            {
                # An interrupted run did not finish its job, even though what it wrote is valid.
                "executionSuccessful": not report.incomplete,
                "startTimeUtc": _utc(report.started_at),
                "endTimeUtc": _utc(report.finished_at),
            }
        ],
        "automationDetails": {"id": f"gkaudit/{report.plan.document}/{report.as_of.isoformat()}"},
        "language": "zh-CN",
        "results": results,
        "properties": {
            "plan": report.plan.model_dump(mode="json"),
            "as_of": report.as_of.isoformat(),
            "incomplete": report.incomplete,
            "summary": report.summary.model_dump(mode="json", by_alias=True),
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _rules(report: Report) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Rule descriptors in first-seen order, and each rule id's index among them."""
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for _, result in report.results():
        if result.rule in index:
            continue
        index[result.rule] = len(rules)
        rules.append(
            {
                "id": result.rule,
                "shortDescription": {"text": result.title},
                "fullDescription": {
                    "text": f"{result.title}（{report.plan.document} {result.clause}）"
                },
                "defaultConfiguration": {"level": _level(result.severity)},
                "properties": {
                    "clause": result.clause,
                    "severity": result.severity.value,
                    "plan": report.plan.document,
                    "tags": [result.rule.split(".", 1)[0]],
                },
            }
        )
    return rules, index


def _result(site: SiteReport, result: Result, rule_index: int) -> dict[str, Any]:
    if result.status is Status.ERROR:
        kind, level = "review", "none"
    elif result.status is Status.WARN:
        kind, level = "fail", "warning"
    else:
        kind, level = "fail", _level(result.severity)
    out: dict[str, Any] = {
        "ruleId": result.rule,
        "ruleIndex": rule_index,
        "kind": kind,
        "level": level,
        "message": {"text": f"{site.name}（{site.id}）：{result.message}"},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": _uri(site.url)}},
                "logicalLocations": [
                    {"name": site.name, "fullyQualifiedName": site.id, "kind": "resource"}
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: f"{site.id}:{result.rule}"},
        "properties": {
            "site": site.id,
            "siteName": site.name,
            "siteKind": site.kind.value,
            "status": result.status.value,
            "clause": result.clause,
            "evidence": [item.model_dump(mode="json") for item in result.evidence],
            "metrics": result.metrics,
        },
    }
    related = _related(site, result)
    if related:
        out["relatedLocations"] = related
    return out


def _related(site: SiteReport, result: Result) -> list[dict[str, Any]]:
    """Each distinct URL named by the evidence (the schema wants these unique)."""
    seen = {_uri(site.url)}
    related: list[dict[str, Any]] = []
    for item in result.evidence:
        if isinstance(item, HttpEvidence):
            urls = [item.url, item.final_url, *item.redirects]
        elif isinstance(item, HtmlEvidence):
            urls = [item.url, item.href]
        else:
            continue
        for url in urls:
            if not url or _uri(url) in seen:
                continue
            seen.add(_uri(url))
            related.append(
                {
                    "id": len(related) + 1,
                    "physicalLocation": {"artifactLocation": {"uri": _uri(url)}},
                    "message": {"text": item.kind},
                }
            )
    return related


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _uri(url: str) -> str:
    return quote(url, safe=_URI_SAFE)


def _utc(moment: dt.datetime) -> str:
    # A naive timestamp in a report is taken to be UTC, the only zone SARIF accepts.
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
