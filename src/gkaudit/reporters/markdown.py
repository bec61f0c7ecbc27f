"""Markdown report: a summary table and the findings, for a CI job summary or an issue.

Written for GitHub/GitLab flavoured Markdown: one table of counts per site, then the failures, the
warnings and the inconclusive results grouped by site, each with its evidence as a nested list. Text
from the portals is escaped, and URLs are code spans, so a page title cannot inject markup or links.
Passing and skipped results are counted in the table but not listed.
"""

from __future__ import annotations

import re

from gkaudit.i18n import N_, _, ngettext
from gkaudit.model import (
    STATUS_RANK,
    Evidence,
    Report,
    Result,
    Status,
    Summary,
)
from gkaudit.reporters.evidence import describe
from gkaudit.reporters.rollup import tables

_COLUMNS = (Status.PASS, Status.FAIL, Status.WARN, Status.ERROR, Status.SKIP)
COLUMN_TITLES = {
    Status.PASS: N_("Pass"),
    Status.FAIL: N_("Fail"),
    Status.WARN: N_("Warn"),
    Status.ERROR: N_("Error"),
    Status.SKIP: N_("Skip"),
}
_SECTIONS = (
    (Status.FAIL, N_("Failures")),
    (Status.WARN, N_("Warnings")),
    (Status.ERROR, N_("Inconclusive")),
)
# Only what can start markup mid-line: headings and list markers never follow escaped text.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_BACKTICKS = re.compile(r"`+")


def render(report: Report) -> str:
    """The Markdown document for `report`."""
    lines = [f"# gkaudit: {_escape(report.title)}", ""]
    lines.append(
        _(
            "Plan {document} ({source}) · as of {as_of} · scanned {started} · gkaudit {version}"
        ).format(
            document=_escape(report.document),
            source=" + ".join(_code(plan.source) for plan in report.plans),
            as_of=report.as_of.isoformat(),
            started=report.started_at.isoformat(timespec="seconds"),
            version=_escape(report.tool.version),
        )
    )
    lines.append("")
    if report.incomplete:
        lines += [
            _("> **Incomplete run:** it was interrupted; sites not listed were not scanned."),
            "",
        ]
    lines += [f"**{_headline(report.summary)}**", ""]
    lines += _table(report)
    for table in tables(report):
        lines += [f"## {_escape(table.heading)}", ""]
        lines.append("| " + " | ".join(_escape(h) for h in table.headers) + " |")
        lines.append("|" + "---|" * len(table.headers))
        for cells, vetoed in zip(table.rows, table.vetoed, strict=True):
            shown = [_escape(c) for c in cells]
            if vetoed:
                shown[1] = f"**{shown[1]}**"
            lines.append("| " + " | ".join(shown) + " |")
        lines.append("")
    for status, heading in _SECTIONS:
        lines += _section(report, status, heading)
    lines += _marks(report)
    return "\n".join(lines).rstrip("\n") + "\n"


def _headline(summary: Summary) -> str:
    parts = _(
        "{fail} failed, {warn} warnings, {error} inconclusive, {passed} passed, {skip} skipped"
    )
    sites = ngettext("{n} site", "{n} sites", summary.sites).format(n=summary.sites)
    return _("{sites}: {counts}.").format(
        sites=sites,
        counts=parts.format(
            fail=summary.fail,
            warn=summary.warn,
            error=summary.error,
            passed=summary.count(Status.PASS),
            skip=summary.skip,
        ),
    )


def _table(report: Report) -> list[str]:
    names = [_(COLUMN_TITLES[s]) for s in _COLUMNS]
    header = "| " + " | ".join([_("Site"), _("Kind"), *names]) + " |"
    rule = "|---|---|" + "---:|" * len(_COLUMNS)
    rows = [header, rule]
    for site in report.sites:
        counts = [sum(r.status is status for r in site.results) for status in _COLUMNS]
        rows.append(
            f"| {_escape(site.name)} ({_code(site.id)}) | {site.kind.label} | "
            + " | ".join(_count(n, status) for n, status in zip(counts, _COLUMNS, strict=True))
            + " |"
        )
    totals = [report.summary.count(status) for status in _COLUMNS]
    total = _("Total")
    rows.append(
        f"| **{total}** ({report.summary.sites}) | | "
        + " | ".join(_count(n, status) for n, status in zip(totals, _COLUMNS, strict=True))
        + " |"
    )
    return [*rows, ""]


def _count(n: int, status: Status) -> str:
    # Bold the non-zero findings so a reader's eye lands on them; zero stays plain.
    return f"**{n}**" if n and STATUS_RANK[status] >= STATUS_RANK[Status.WARN] else str(n)


def _section(report: Report, status: Status, heading: str) -> list[str]:
    groups = [(site, [r for r in site.results if r.status is status]) for site in report.sites]
    groups = [(site, results) for site, results in groups if results]
    total = sum(len(results) for _site, results in groups)
    lines = [f"## {_(heading)} ({total})", ""]
    if not groups:
        return [*lines, _("None."), ""]
    for site, results in groups:
        lines += [f"### {_escape(site.name)} ({_code(site.id)}) · {_code(site.url)}", ""]
        for result in results:
            lines += _finding(result)
        lines.append("")
    return lines


def _finding(result: Result) -> list[str]:
    lines = [
        f"- **{_code(result.rule)}** {_escape(result.title)} {_escape(result.clause)}: "
        f"{_escape(result.message)}"
    ]
    lines += [f"  - ⚑ {_escape(mark.describe())}" for mark in result.marks]
    lines += [f"  - {describe_md(item)}" for item in result.evidence]
    return lines


def _marks(report: Report) -> list[str]:
    """Every waiver and false alarm (核减) in one place: an inspector reviews them together."""
    marked = [(site, result) for site, result in report.results() if result.marks]
    if not marked:
        return []
    count = sum(len(result.marks) for _site, result in marked)
    heading = _("Marked by inspectors")
    lines = [f"## {heading} ({count})", ""]
    for site, result in marked:
        lines += [
            f"- {_escape(site.name)} ({_code(site.id)}) **{_code(result.rule)}** "
            f"{_escape(_(result.status.value))}: {_escape(mark.describe())}"
            for mark in result.marks
        ]
    return [*lines, ""]


def _escape(text: str) -> str:
    """Text as literal Markdown: special characters backslashed, line breaks flattened."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _code(text: str) -> str:
    """A code span that holds `text` verbatim, whatever backticks it contains."""
    text = " ".join(text.split())
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def describe_md(item: Evidence) -> str:
    return describe(item, literal=_code, prose=_escape)
