"""The report an inspector reads: a site x rule matrix, then every finding with its evidence.

Colours on a terminal, plain text otherwise (a pipe, a CI log, a file).
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from gkaudit.model import (
    STATUS_RANK,
    DnsEvidence,
    Evidence,
    HtmlEvidence,
    HttpEvidence,
    NoteEvidence,
    Report,
    Result,
    Status,
)

STYLE = {
    Status.PASS: ("✔", "green"),
    Status.FAIL: ("✘", "bold red"),
    Status.WARN: ("!", "yellow"),
    Status.ERROR: ("?", "magenta"),
    Status.SKIP: ("-", "dim"),
}
#: Evidence lines shown per finding; the JSON report has them all.
MAX_EVIDENCE = 8


def render(report: Report, console: Console) -> None:
    """Print the matrix, the findings and the totals."""
    if report.incomplete:
        console.print(Text("Incomplete scan: only the sites below finished.", style="bold yellow"))
    console.print(
        Text.assemble(
            (report.plan.title, "bold"), f" ({report.plan.document}) · as of {report.as_of}"
        )
    )
    console.print(_matrix(report))
    findings = [
        (site, [r for r in site.results if r.status not in (Status.PASS, Status.SKIP)])
        for site in report.sites
    ]
    for site, results in findings:
        if not results:
            continue
        console.print()
        console.print(Text.assemble((f"{site.name} ", "bold"), (f"({site.id}) {site.url}", "dim")))
        for result in sorted(results, key=lambda r: -STATUS_RANK[r.status]):
            _finding(console, result)
    console.print()
    console.print(_totals(report))


def render_text(report: Report, width: int = 120) -> str:
    """The report as plain text (for files, golden tests and pipes)."""
    buffer = io.StringIO()
    render(report, Console(file=buffer, width=width, color_system=None, no_color=True))
    return buffer.getvalue()


def _matrix(report: Report) -> Table:
    rules = [r.rule for r in report.sites[0].results] if report.sites else []
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("site", no_wrap=True)
    for rule in rules:
        table.add_column(rule.replace(".", "\n", 1), no_wrap=True)
    for site in report.sites:
        cells = [Text(site.id, style="bold")] + [_cell(r) for r in site.results]
        table.add_row(*cells)
    return table


def _cell(result: Result) -> Text:
    mark, style = STYLE[result.status]
    text = Text(f"{mark} {result.status.value}", style=style)
    rates = [
        f"{label} {result.metrics[key]:.0%}"
        for key, label in (("level2_rate", "L2"), ("level3_rate", "L3"))
        if isinstance(result.metrics.get(key), float | int)
    ]
    if rates:
        text.append(" " + " ".join(rates), style="dim" if result.status is Status.PASS else style)
    return text


def _finding(console: Console, result: Result) -> None:
    mark, style = STYLE[result.status]
    console.print(
        Text.assemble(
            ("  ", ""),
            (f"{mark} {result.rule}", style),
            (f" {result.clause} ", "dim"),
            result.message,
        )
    )
    for evidence in result.evidence[:MAX_EVIDENCE]:
        console.print(Text("      " + describe(evidence), style="dim"), overflow="fold")
    hidden = len(result.evidence) - MAX_EVIDENCE
    if hidden > 0:
        console.print(Text(f"      … and {hidden} more (see the JSON report)", style="dim"))


def describe(evidence: Evidence) -> str:
    """One line of evidence, in the words an inspector uses."""
    match evidence:
        case DnsEvidence():
            chain = f" via {' -> '.join(evidence.chain)}" if evidence.chain else ""
            answer = ", ".join(evidence.answers) if evidence.answers else evidence.outcome.upper()
            return f"dns  {evidence.name} {evidence.type}{chain}: {answer}"
        case HttpEvidence():
            family = f" over {evidence.family.value}" if evidence.family else ""
            at = f" [{evidence.address}]" if evidence.address else ""
            outcome = evidence.error or f"HTTP {evidence.status}"
            hops = f" via {' -> '.join(evidence.redirects)}" if evidence.redirects else ""
            return f"http {evidence.url}{family}{at}: {outcome}{hops}"
        case HtmlEvidence():
            href = f" -> {evidence.href}" if evidence.href else ""
            return f"html {evidence.url}: {evidence.text}{href}"
        case NoteEvidence():
            return f"note {evidence.text}"


def _totals(report: Report) -> Text:
    summary = report.summary
    parts: list[tuple[str, str] | str] = [(f"{summary.sites} sites", "bold")]
    for status in (Status.PASS, Status.FAIL, Status.WARN, Status.ERROR, Status.SKIP):
        count = summary.count(status)
        parts.append(" · ")
        parts.append((f"{count} {status.value}", STYLE[status][1] if count else "dim"))
    return Text.assemble(*parts)
