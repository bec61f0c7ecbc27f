"""The roll-up in words, for every report format: under each plan that scores, one row per site
with the single-veto items hit (单项否决), the points taken off (扣分) and the score left (得分); an
inconclusive result is named as undecided, never counted, and leaves the score undecided. Each
format lays the tables out its own way."""

from __future__ import annotations

from dataclasses import dataclass

from gkaudit.i18n import _
from gkaudit.model import Report, Rollup


@dataclass(frozen=True)
class Table:
    heading: str
    headers: list[str]
    #: One row per site, cells as `headers`.
    rows: list[list[str]]
    #: Per row: whether a single-veto item is hit (a format may stress it).
    vetoed: list[bool]


def tables(report: Report) -> list[Table]:
    """One table per plan that scores, in the report's plan order."""
    found = []
    for plan in report.plans:
        rows = [(site, r) for site in report.sites for r in site.rollup if r.plan == plan.document]
        if not rows:
            continue
        scored = any(entry.points is not None for entry in plan.rules)
        headers = [_("Site"), _("Single-veto items")]
        headers += [_("Points off"), _("Score")] if scored else []
        headers.append(_("Undecided (not counted)"))
        found.append(
            Table(
                heading=_("Roll-up under {plan}").format(plan=plan.document),
                headers=headers,
                rows=[_cells(f"{site.name} ({site.id})", r, scored) for site, r in rows],
                vetoed=[bool(r.vetoes) for _site, r in rows],
            )
        )
    return found


def _cells(site: str, rollup: Rollup, scored: bool) -> list[str]:
    cells = [site, veto(rollup)]
    if scored:
        cells += [points(rollup), score(rollup)]
    cells.append(", ".join(dict.fromkeys((*rollup.veto_undecided, *rollup.points_undecided))))
    return cells


def veto(rollup: Rollup) -> str:
    """The single-veto verdict: hit (naming the items), undecided, or none hit."""
    if rollup.vetoes:
        return _("hit: {rules}").format(rules=", ".join(rollup.vetoes))
    if rollup.veto_undecided:
        return _("none hit, some undecided")
    return _("none hit")


def points(rollup: Rollup) -> str:
    """The points taken off, the assumed ones apart."""
    text = _("{points:g} points").format(points=rollup.deducted)
    if rollup.deducted_assumed:
        text += _(" + {points:g} assumed (unverified)").format(points=rollup.deducted_assumed)
    return text


def score(rollup: Rollup) -> str:
    """得分 out of 100, or undecided with the most it can be."""
    if rollup.score is None:
        best = 100 - rollup.deducted - rollup.deducted_assumed
        return _("undecided (at most {score:g})").format(score=max(best, 0))
    if rollup.deducted_assumed:
        return _("{score:g} (assumed points included)").format(score=rollup.score)
    return f"{rollup.score:g}"
