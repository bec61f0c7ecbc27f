"""The domain: sites, plans and rules going in; verdicts, results and reports coming out.

`gkaudit.model` is the import path checks and plugins use (README, "Writing a check"); each idea
lives in a module of its own: `sites` (sites.yaml), `plans` (plans and rules), `evidence`,
`results` (verdicts, marks, results), `scores` (point values and a site's roll-up) and `report`
(the `gkaudit.report/2` contract). Everything is a frozen pydantic model, so a report can be
written, read back and compared without loss.
"""

from gkaudit.base import STATUS_RANK, Family, Frozen, Severity, SiteKind, Status
from gkaudit.model.evidence import (
    DnsEvidence,
    Evidence,
    HtmlEvidence,
    HttpEvidence,
    Metric,
    NoteEvidence,
)
from gkaudit.model.plans import Plan, PlanSet, Rule, same_test
from gkaudit.model.report import (
    READABLE_SCHEMAS,
    REPORT_SCHEMA,
    PlanInfo,
    PlanRule,
    Report,
    SiteReport,
    StoredSites,
    Summary,
    ToolInfo,
)
from gkaudit.model.results import Mark, Result, Verdict
from gkaudit.model.scores import Deduction, Points, Rollup
from gkaudit.model.sites import Hints, Site, check_http_url, check_tag

__all__ = [
    "READABLE_SCHEMAS",
    "REPORT_SCHEMA",
    "STATUS_RANK",
    "Deduction",
    "DnsEvidence",
    "Evidence",
    "Family",
    "Frozen",
    "Hints",
    "HtmlEvidence",
    "HttpEvidence",
    "Mark",
    "Metric",
    "NoteEvidence",
    "Plan",
    "PlanInfo",
    "PlanRule",
    "PlanSet",
    "Points",
    "Report",
    "Result",
    "Rollup",
    "Rule",
    "Severity",
    "Site",
    "SiteKind",
    "SiteReport",
    "Status",
    "StoredSites",
    "Summary",
    "ToolInfo",
    "Verdict",
    "check_http_url",
    "check_tag",
    "same_test",
]
