"""SARIF 2.1.0 report: one run, the plan's rules as rule metadata, one result per finding.

SARIF is what code-scanning dashboards (GitHub, GitLab, Azure DevOps, SonarQube) import. A finding
is any non-passing result: `fail` and `warn` are results of kind `fail` (level from the rule's
severity, or `warning` for a warn); `error` is kind `review` (the scanner could not decide, a person
has to look), which the standard requires to have level `none`. `pass` and `skip` are not findings
and are left out.

A finding is located where the portal is written: the site's line in `sites.yaml`
(`region.startLine`), which is what GitHub code scanning needs to accept an upload; the portal's
URL and the URLs in the evidence are related locations, and the site id is a logical location so
dashboards can group by portal. Given no `sites.yaml` (a report read back from JSON), the portal's
URL is the primary location. A partial fingerprint of site and rule lets a dashboard recognise the
same finding across runs. Each rule carries its `help`: what it requires and what to fix, and
its `helpUri`: its documentation page (`gkaudit.reporters.ruledocs`), where it has one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from gkaudit import i18n
from gkaudit.config import site_lines
from gkaudit.i18n import _
from gkaudit.model import (
    HtmlEvidence,
    HttpEvidence,
    Mark,
    Report,
    Result,
    Severity,
    SiteReport,
    Status,
)
from gkaudit.reporters.ruledocs import help_uri
from gkaudit.reporters.tables import rule_advice

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: Key of the partial fingerprint; versioned so that a future change of identity is not silent.
FINGERPRINT_KEY = "gkaudit/site-rule/v1"
_LANGUAGE_TAGS: Mapping[i18n.Language, str] = {"zh": "zh-CN", "en": "en-US"}

_FINDINGS = (Status.FAIL, Status.WARN, Status.ERROR)
# Characters RFC 3986 allows unescaped in a URI (plus "%", so existing escapes survive); anything
# else, notably Chinese path segments, is percent-encoded so `uri` stays a valid URI reference.
_URI_SAFE = ":/?#[]@!$&'()*+,;=-._~%"


@dataclass(frozen=True)
class SitesFile:
    """Where the sites were written: the path as the repository names it, each site's line."""

    uri: str
    lines: Mapping[str, int]

    @classmethod
    def read(cls, path: Path) -> SitesFile:
        """The sites of `path`, named as given (relative to the repository root in CI)."""
        return cls(path.as_posix(), site_lines(path))


def render(report: Report, sites: SitesFile | None = None, docs_url: str | None = None) -> str:
    """The SARIF 2.1.0 log for `report`, as JSON text; rule pages under `docs_url` (default:
    the project's pages, for the rules it documents)."""
    return json.dumps(to_sarif(report, sites, docs_url), ensure_ascii=False, indent=2) + "\n"


def to_sarif(
    report: Report, sites: SitesFile | None = None, docs_url: str | None = None
) -> dict[str, Any]:
    """The SARIF log as plain data, for callers that want to add to it before writing."""
    rules, index = _rules(report, docs_url)
    results = [
        _result(site, result, index[result.rule], sites)
        for site, result in report.results()
        if result.status in _FINDINGS
    ]
    results += [
        _struck(site, result, mark, index[result.rule], sites)
        for site, result in report.results()
        for mark in result.marks
        if mark.kind == "false_alarm"
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
        "automationDetails": {"id": f"gkaudit/{report.document}/{report.as_of.isoformat()}"},
        # the language of the messages and help: the run's
        "language": _LANGUAGE_TAGS[i18n.current()],
        "results": results,
        "properties": {
            "plans": [plan.model_dump(mode="json") for plan in report.plans],
            "rollup": {
                site.id: [r.model_dump(mode="json") for r in site.rollup]
                for site in report.sites
                if site.rollup
            },
            "as_of": report.as_of.isoformat(),
            "incomplete": report.incomplete,
            "summary": report.summary.model_dump(mode="json", by_alias=True),
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _rules(report: Report, docs_url: str | None) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Rule descriptors in first-seen order, and each rule id's index among them."""
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for _site, result in report.results():
        if result.rule in index:
            continue
        index[result.rule] = len(rules)
        descriptor: dict[str, Any] = {
            "id": result.rule,
            "shortDescription": {"text": result.title},
            "fullDescription": {"text": f"{result.title}（{_cited(report, result)}）"},
            "help": {"text": _help(report, result)},
            "defaultConfiguration": {"level": _level(result.severity)},
            "properties": {
                "clause": result.clause,
                "severity": result.severity.value,
                "plan": report.document,
                "plans": [plan.document for plan, _cited in report.citations(result.rule)],
                "tags": [result.rule.split(".", 1)[0]],
            },
        }
        uri = help_uri(result.rule, docs_url)
        if uri is not None:
            descriptor["helpUri"] = uri
        rules.append(descriptor)
    return rules, index


def _cited(report: Report, result: Result) -> str:
    """Where the plans ask for the rule: each plan listing it, with its clause there."""
    cited = report.citations(result.rule)
    if not cited:
        return f"{report.document} {result.clause}"
    return "；".join(f"{plan.document} {rule.clause}" for plan, rule in cited)


def _help(report: Report, result: Result) -> str:
    what = _("{title}: clause {clause} of {document}. What to fix: {advice}")
    return what.format(
        title=result.title,
        clause=result.clause,
        document=report.document,
        advice=rule_advice(result.rule),
    )


def _location(site: SiteReport, sites: SitesFile | None) -> dict[str, Any]:
    line = sites.lines.get(site.id) if sites else None
    if sites is None or line is None:
        return {"artifactLocation": {"uri": _uri(site.url)}}
    return {
        "artifactLocation": {"uri": _uri(sites.uri), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": line},
    }


def _locations(site: SiteReport, sites: SitesFile | None) -> list[dict[str, Any]]:
    return [
        {
            "physicalLocation": _location(site, sites),
            "logicalLocations": [
                {"name": site.name, "fullyQualifiedName": site.id, "kind": "resource"}
            ],
        }
    ]


def _result(
    site: SiteReport, result: Result, rule_index: int, sites: SitesFile | None
) -> dict[str, Any]:
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
        "locations": _locations(site, sites),
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
    related = _related(site, result, portal=sites is not None and site.id in sites.lines)
    if related:
        out["relatedLocations"] = related
    if result.marks:
        out["properties"]["marks"] = [mark.model_dump(mode="json") for mark in result.marks]
    waivers = [_suppression(mark) for mark in result.marks if mark.holds]
    if waivers:
        out["suppressions"] = waivers
    return out


def _struck(
    site: SiteReport, result: Result, mark: Mark, rule_index: int, sites: SitesFile | None
) -> dict[str, Any]:
    """A false alarm (核减) as SARIF has it: the finding, suppressed with the inspector's
    justification, so that a code-scanning view lists it as dismissed, not as open."""
    return {
        "ruleId": result.rule,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": _level(result.severity),
        "message": {"text": f"{site.name}（{site.id}）：{mark.describe()}"},
        "locations": _locations(site, sites),
        "partialFingerprints": {FINGERPRINT_KEY: f"{site.id}:{result.rule}:{mark.url}:{mark.text}"},
        "suppressions": [_suppression(mark)],
        "properties": {
            "site": site.id,
            "status": "false_alarm",
            "mark": mark.model_dump(mode="json"),
        },
    }


def _suppression(mark: Mark) -> dict[str, Any]:
    """An inspector's acceptance (a waiver in force, a false alarm): decided outside the
    analysed files, hence `external`."""
    suppression: dict[str, Any] = {
        "kind": "external",
        "status": "accepted",
        "justification": mark.reason,
    }
    if mark.by or mark.date or mark.expires:
        suppression["properties"] = mark.model_dump(
            mode="json", include={"by", "date", "expires"}, exclude_none=True
        )
    return suppression


def _related(site: SiteReport, result: Result, *, portal: bool) -> list[dict[str, Any]]:
    """Each distinct URL named by the evidence (the schema wants these unique), after the
    portal's own when it is not the primary location."""
    seen = set() if portal else {_uri(site.url)}
    related: list[dict[str, Any]] = []
    if portal:
        seen.add(_uri(site.url))
        related.append(
            {
                "id": 1,
                "physicalLocation": {"artifactLocation": {"uri": _uri(site.url)}},
                "message": {"text": site.name},
            }
        )
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
