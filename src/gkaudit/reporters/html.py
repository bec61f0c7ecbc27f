"""The HTML report: one self-contained file an inspector opens in a browser, offline.

The site x rule matrix, every finding with its evidence and clickable URLs, filters by status,
rule and site, and the last runs' pass rates as small inline charts. Nothing is fetched when the
file is viewed (styles, script and charts are inline; the Content-Security-Policy forbids any
request). Everything from portals is escaped, only http(s) URLs become links, and the policy lets
run only the report's own script (by its nonce): a page titled `<script>…` is shown, never run.
"""

from __future__ import annotations

import secrets
from html import escape

from gkaudit import i18n
from gkaudit.i18n import _, pgettext
from gkaudit.model import STATUS_RANK, Report, Result, SiteReport
from gkaudit.reporters.evidence import describe
from gkaudit.reporters.past import Past, RunPoint
from gkaudit.reporters.rollup import tables
from gkaudit.reporters.tables import (
    PROBLEMS,
    advice,
    cell_label,
    listed,
    pass_rate,
    percent,
    result_of,
    rule_ids,
    rule_pass_rate,
    urls,
)
from gkaudit.reporters.terminal import STYLE

_SYMBOL = {status: symbol for status, (symbol, _style) in STYLE.items()}
_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .5em}
th{background:#f3f3f3}td.s{text-align:center}.pass{background:#c6efce}.fail{background:#ffc7ce}
.warn{background:#ffeb9c}.error{background:#e4dfec}.skip{background:#ededed}
.finding{border-left:4px solid #999;margin:.6em 0;padding:.3em .8em}
.finding.fail{border-color:#c00}.finding.warn{border-color:#c90}.finding.error{border-color:#758}
.finding ul{margin:.2em 0}.evidence{font-family:monospace;font-size:90%;word-break:break-all}
.filters label{margin-right:1em}.hidden{display:none}svg{vertical-align:middle}
"""
_SCRIPT = """
const pick = () => Object.fromEntries([...document.querySelectorAll('.filters select')]
  .map(s => [s.name, s.value]));
function apply() {
  const f = pick();
  for (const el of document.querySelectorAll('[data-status]')) {
    const ok = ['status', 'rule', 'site'].every(k => !f[k] || el.dataset[k] === f[k]);
    el.classList.toggle('hidden', !ok);
  }
}
for (const s of document.querySelectorAll('.filters select')) s.addEventListener('change', apply);
"""


def render(report: Report, past: Past | None = None) -> str:
    """The HTML document."""
    nonce = secrets.token_urlsafe(16)
    policy = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
        "img-src data:; form-action 'none'; base-uri 'none'"
    )
    title = _("gkaudit report: {plan}").format(plan=report.title)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if i18n.current() == "zh" else "en"}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        "<p>"
        + escape(
            _("Plan {document} · as of {as_of} · scanned {started} · gkaudit {version}").format(
                document=report.document,
                as_of=report.as_of.isoformat(),
                started=report.started_at.isoformat(timespec="seconds"),
                version=report.tool.version,
            )
        )
        + "</p>",
    ]
    if report.incomplete:
        incomplete = _("Incomplete scan: only the sites below finished.")
        parts.append(f"<p><strong>{escape(incomplete)}</strong></p>")
    parts += _matrix(report)
    parts += _rollups(report)
    parts += _filters(report)
    parts += _findings(report)
    parts += _history(report, past)
    parts.append(f'<script nonce="{nonce}">{_SCRIPT}</script></body></html>')
    return "\n".join(parts) + "\n"


def _matrix(report: Report) -> list[str]:
    rules = rule_ids(report)
    head = "".join(
        f'<th title="{escape(title)}">{escape(rid)}<br>{escape(title)}</th>' for rid, title in rules
    )
    lines = [
        f"<h2>{escape(_('Results by site and rule'))}</h2>",
        f'<table id="matrix"><tr><th>{escape(_("Site"))}</th>{head}'
        f"<th>{escape(_('Pass rate'))}</th></tr>",
    ]
    for site in report.sites:
        cells = []
        for rid, _title in rules:
            result = result_of(site, rid)
            if result is None:
                cells.append("<td></td>")
                continue
            status, label = result.status, cell_label(result)
            cells.append(
                f'<td class="s {status.value}" title="{escape(label)}">'
                f"{_SYMBOL[status]} {escape(label)}</td>"
            )
        lines.append(
            f"<tr><th>{escape(site.name)}<br><small>{escape(site.id)}</small></th>"
            + "".join(cells)
            + f"<td>{percent(pass_rate(list(site.results)))}</td></tr>"
        )
    rates = "".join(f"<td>{percent(rule_pass_rate(report, rid))}</td>" for rid, _t in rules)
    lines.append(f"<tr><th>{escape(_('Pass rate'))}</th>{rates}<td></td></tr></table>")
    note = _("Pass rates leave out results that do not apply and undecided ones.")
    lines.append(f"<p><small>{escape(note)}</small></p>")
    return lines


def _rollups(report: Report) -> list[str]:
    lines = []
    for table in tables(report):
        head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
        lines += [f"<h2>{escape(table.heading)}</h2>", f'<table class="rollup"><tr>{head}</tr>']
        for cells, vetoed in zip(table.rows, table.vetoed, strict=True):
            shown = [f"<td>{escape(c)}</td>" for c in cells]
            if vetoed:
                shown[1] = f'<td class="s fail"><strong>{escape(cells[1])}</strong></td>'
            lines.append("<tr>" + "".join(shown) + "</tr>")
        lines.append("</table>")
    return lines


def _options(name: str, label: str, choices: list[tuple[str, str]]) -> str:
    options = "".join(
        f'<option value="{escape(value)}">{escape(text)}</option>' for value, text in choices
    )
    return (
        f'<label>{escape(label)} <select name="{name}">'
        f'<option value="">{escape(_("all"))}</option>{options}</select></label>'
    )


def _filters(report: Report) -> list[str]:
    return [
        '<div class="filters">',
        _options("status", _("Conclusion"), [(s.value, _(s.value)) for s in PROBLEMS]),
        _options("rule", _("Rule"), [(rid, f"{rid} {title}") for rid, title in rule_ids(report)]),
        _options("site", _("Site"), [(s.id, s.name) for s in report.sites]),
        "</div>",
    ]


def _findings(report: Report) -> list[str]:
    lines = [f"<h2>{escape(_('Findings'))}</h2>", '<div id="findings">']
    found = False
    for site in report.sites:
        for result in sorted(site.results, key=lambda r: -STATUS_RANK[r.status]):
            if listed(result):
                found = True
                lines += _finding(site, result)
    if not found:
        lines.append(f"<p>{escape(_('No findings.'))}</p>")
    return [*lines, "</div>"]


def _finding(site: SiteReport, result: Result) -> list[str]:
    status = result.status.value
    lines = [
        f'<section class="finding {status}" data-status="{status}" '
        f'data-rule="{escape(result.rule)}" data-site="{escape(site.id)}">',
        f"<h3>{_SYMBOL[result.status]} {escape(_(status))} · {escape(site.name)} · "
        f"{escape(result.rule)} {escape(result.title)} {escape(result.clause)}</h3>",
        f"<p>{escape(result.message)}</p>",
        f"<p><strong>{escape(_('What to fix'))}:</strong> {escape(advice(result))}</p>",
    ]
    lines += [f'<p class="mark">⚑ {escape(mark.describe())}</p>' for mark in result.marks]
    if result.evidence:
        lines.append("<ul>")
        lines += [f'<li class="evidence">{escape(describe(item))}</li>' for item in result.evidence]
        lines.append("</ul>")
    links = [_link(url) for url in urls(result)]
    if links:
        lines.append(f"<p>{escape(_('Evidence links'))}: " + " ".join(links) + "</p>")
    return [*lines, "</section>"]


def _link(url: str) -> str:
    """A link only for http(s): a `javascript:` or `data:` URL from a portal stays text."""
    if url.lower().startswith(("http://", "https://")):
        return (
            f'<a href="{escape(url)}" rel="noopener noreferrer nofollow" target="_blank">'
            f"{escape(url)}</a>"
        )
    return f"<code>{escape(url)}</code>"


def _history(report: Report, past: Past | None) -> list[str]:
    lines = [f"<h2>{escape(_('The last runs'))}</h2>"]
    runs = past.runs if past else ()
    if len(runs) < 2:
        return [*lines, f"<p>{escape(_('Not enough history for a chart yet.'))}</p>"]
    failed = pgettext("count column", "Failures")
    lines.append(
        f'<table id="history"><tr><th>{escape(_("Rule"))}</th>'
        f"<th>{escape(_('Pass rate'))}</th><th>{escape(failed)}</th></tr>"
    )
    for rid, title in rule_ids(report):
        failures = " ".join(str(run.failed.get(rid, 0)) for run in runs)
        lines.append(
            f"<tr><td>{escape(rid)} {escape(title)}</td><td>{_spark(runs, rid)}</td>"
            f"<td>{failures}</td></tr>"
        )
    first, last = runs[0].started_at.date(), runs[-1].started_at.date()
    lines.append(f"</table><p><small>{first.isoformat()} – {last.isoformat()}</small></p>")
    return lines


def _spark(runs: tuple[RunPoint, ...], rule: str, width: int = 160, height: int = 28) -> str:
    """The rule's pass rate run by run, as an inline SVG line (gaps where no site decided)."""
    step = width / max(1, len(runs) - 1)
    points = [
        f"{i * step:.1f},{height - 2 - rate * (height - 4):.1f}"
        for i, run in enumerate(runs)
        if (rate := run.pass_rate(rule)) is not None
    ]
    label = escape(" → ".join(percent(run.pass_rate(rule)) for run in runs))
    return (
        f'<svg width="{width}" height="{height}" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
        f'<polyline fill="none" stroke="#2a7" stroke-width="2" points="{" ".join(points)}"/></svg>'
    )
