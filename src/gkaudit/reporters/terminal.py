"""The report an inspector reads: a site x rule matrix, then every finding with its evidence.

Colours on a terminal, plain text otherwise (a pipe, a CI log, a file).
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from gkaudit.i18n import _, ngettext
from gkaudit.model import STATUS_RANK, Report, Result, Status
from gkaudit.reporters.evidence import describe
from gkaudit.reporters.neutral import terminal as plain
from gkaudit.reporters.rollup import Table as RollupTable
from gkaudit.reporters.rollup import tables

STYLE = {
    Status.PASS: ("✔", "green"),
    Status.FAIL: ("✘", "bold red"),
    Status.WARN: ("!", "yellow"),
    Status.ERROR: ("?", "magenta"),
    Status.SKIP: ("-", "dim"),
}
#: A `fail` or `warn` an inspector waived, in the matrix.
WAIVED = ("~", "cyan")
#: The narrowest a site's name gets in the matrix (it folds onto more lines), and the fewest rules
#: a matrix table shows however narrow the terminal.
NAME_MIN = 10
MIN_RULES_PER_TABLE = 5
#: Evidence lines shown per finding; the JSON report has them all.
MAX_EVIDENCE = 8


def render(report: Report, console: Console) -> None:
    """Print the matrix, the findings and the totals."""
    if report.incomplete:
        console.print(
            Text(_("Incomplete scan: only the sites below finished."), style="bold yellow")
        )
    console.print(
        Text.assemble(
            (report.title, "bold"),
            _(" ({document}) · as of {as_of}").format(document=report.document, as_of=report.as_of),
        ),
        soft_wrap=True,
    )
    rules = list(report.sites[0].results) if report.sites else []
    for matrix in _matrices(report, rules, console.width):
        console.print(matrix)
    _legend(console, rules, waived=any(r.waived for _site, r in report.results()))
    for site in report.sites:
        results = [r for r in site.results if r.status not in (Status.PASS, Status.SKIP) or r.marks]
        if not results:
            continue
        console.print()
        console.print(
            Text.assemble((f"{plain(site.name)} ", "bold"), (f"({site.id}) {site.url}", "dim")),
            soft_wrap=True,
        )
        for result in sorted(results, key=lambda r: -STATUS_RANK[r.status]):
            _finding(console, result)
    for table in tables(report):
        console.print()
        _rollup(console, table)
    console.print()
    console.print(_totals(report))


def render_text(report: Report, width: int = 100) -> str:
    """The report as plain text (for files, golden tests and pipes)."""
    buffer = io.StringIO()
    render(report, Console(file=buffer, width=width, color_system=None, no_color=True))
    return buffer.getvalue()


def _matrices(report: Report, rules: list[Result], width: int) -> list[Table]:
    """The matrix in as many tables as the width needs: each keeps the sites' ids and names and
    takes the rules that fit beside them (two plans are thirty rules: a hundred and twenty
    columns of symbols, which squeezed the names to nothing in an 80-column log)."""
    show_rates = any(_rates(r) for site in report.sites for r in site.results)
    ids = max((len(site.id) for site in report.sites), default=4)
    # each column costs its padding and the divider beside it (3); rich drops the columns that
    # do not fit, so the sum must hold: the edge, the id, ten columns of name (it folds), rates
    fixed = 1 + ids + 3 + NAME_MIN + 3 + (len("100% / 100%") + 3 if show_rates else 0)
    per_rule = len(str(len(rules))) + 3
    fits = max(MIN_RULES_PER_TABLE, (width - fixed) // per_rule)
    starts = range(0, len(rules), fits) if rules else range(1)
    return [
        _matrix(report, range(start, min(start + fits, len(rules))), rates=show_rates and not i)
        for i, start in enumerate(starts)
    ]


def _matrix(report: Report, numbers: range, *, rates: bool) -> Table:
    """One row per site, one symbol per rule of `numbers` (numbered from 1; see the legend),
    and (`rates`) the IPv6 link rates at a glance."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(_("site"), no_wrap=True)
    # never cut: a narrow terminal folds a long name onto a second line of its row
    table.add_column(_("name"), overflow="fold", min_width=NAME_MIN)
    for index in numbers:
        table.add_column(str(index + 1), justify="center", no_wrap=True)
    if rates:
        table.add_column(_("IPv6 links\nL2 / L3"), no_wrap=True, min_width=len("100% / 100%"))
    for site in report.sites:
        cells = [Text(site.id, style="bold"), Text(plain(site.name))]
        cells += [
            Text(*(WAIVED if r.waived else STYLE[r.status]))
            for r in (site.results[i] for i in numbers)
        ]
        if rates:
            shown = [text for r in site.results if (text := _rates(r)) is not None]
            cells.append(shown[0] if shown else Text(""))
        table.add_row(*cells)
    return table


def _rollup(console: Console, table: RollupTable) -> None:
    """A block per site rather than a table: five columns of rule ids fold into unreadable
    slivers at 80 columns, and a roll-up cell cut short would drop a veto item or a rule."""
    console.print(Text(table.heading, style="bold"), soft_wrap=True)
    for cells, vetoed in zip(table.rows, table.vetoed, strict=True):
        console.print(Text(plain(cells[0]), style="bold"))
        for index, (header, cell) in enumerate(zip(table.headers[1:], cells[1:], strict=True)):
            if not cell:
                continue
            style = STYLE[Status.FAIL][1] if vetoed and index == 0 else ""
            console.print(Text.assemble(f"  {header}: ", (plain(cell), style)))


def _rates(result: Result) -> Text | None:
    """ "97% / 88%" for a result carrying link support rates (ipv6.links), else None."""
    rates = [result.metrics.get(key) for key in ("level2_rate", "level3_rate")]
    if not any(isinstance(rate, float | int) for rate in rates):
        return None
    shown = " / ".join(f"{r:.0%}" if isinstance(r, float | int) else "-" for r in rates)
    return Text(shown, style=STYLE[result.status][1])


def _legend(console: Console, rules: list[Result], *, waived: bool) -> None:
    marks = "  ".join(f"{mark} {_(status.value)}" for status, (mark, _style) in STYLE.items())
    if waived:
        marks += "  " + WAIVED[0] + " " + _("waived")
    console.print(Text(marks, style="dim"))
    for number, rule in enumerate(rules, 1):
        console.print(
            Text.assemble(
                (f"{number:>2} ", "dim"), (rule.rule, "bold"), f" {rule.clause} {rule.title}"
            ),
            soft_wrap=True,
        )


def _finding(console: Console, result: Result) -> None:
    """The finding indented under its site, its evidence under it; a long line wraps at the
    terminal's width and keeps its indent (portal text stripped of control sequences)."""
    mark, style = STYLE[result.status]
    line = Text.assemble(
        (f"{mark} {result.rule}", style), (f" {result.clause} ", "dim"), plain(result.message)
    )
    _indented(console, line, 2, 4)
    for inspector in result.marks:
        _indented(console, Text("⚑ " + plain(inspector.describe()), style=WAIVED[1]), 4, 6)
    for evidence in result.evidence[:MAX_EVIDENCE]:
        _indented(console, Text(plain(describe(evidence)), style="dim"), 6, 8)
    hidden = len(result.evidence) - MAX_EVIDENCE
    if hidden > 0:
        more = _("… and {n} more (see the JSON report)").format(n=hidden)
        console.print(Text("      " + more, style="dim"))


def _indented(console: Console, text: Text, indent: int, hang: int) -> None:
    """`text` wrapped at the console's width, its first line indented by `indent` and the
    lines it wraps onto by `hang`."""
    for number, line in enumerate(text.wrap(console, max(20, console.width - hang))):
        line.rstrip()
        console.print(Text(" " * (hang if number else indent)) + line, soft_wrap=True)


def _totals(report: Report) -> Text:
    summary = report.summary
    sites = ngettext("{n} site", "{n} sites", summary.sites).format(n=summary.sites)
    parts: list[tuple[str, str] | str] = [(sites, "bold")]
    for status in (Status.PASS, Status.FAIL, Status.WARN, Status.ERROR, Status.SKIP):
        count = summary.count(status)
        parts.append(" · ")
        shown = _("{count} {status}").format(count=count, status=_(status.value))
        parts.append((shown, STYLE[status][1] if count else "dim"))
    return Text.assemble(*parts)
