"""How a plan scores a site: its single-veto items (单项否决: a rule marked `veto: true`) and
its scored items (扣分指标: a rule with `points:`), and the roll-up of one site's results under
them.

A point value is either read in a source (`source:`, the quote, and `url:`, where it was read)
or marked `assumed: true`; a value with neither is refused, so that no invented number passes for
the plan's. A scored item may be narrower than its rule's status (`when:` a metric of the result
is above 0: one kind of the rule's findings). An inconclusive (`error`)
result is neither a veto hit nor a deduction: it is listed as undecided, and so is the site's
score (得分: the 100 points of the 扣分指标 less the deductions), so that a portal gkaudit could not
read is never scored down nor given full marks. A result that does not apply (`skip`) is left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from gkaudit.base import Status
from gkaudit.model import Deduction, PlanInfo, Result, Rollup


def rollup(plan: PlanInfo, results: Sequence[Result]) -> Rollup | None:
    """`plan`'s roll-up of one site's `results`; None when the plan marks no rule as a veto
    item and gives none points (a 工作要点 is not scored)."""
    scored = {entry.id: entry for entry in plan.rules if entry.veto or entry.points is not None}
    if not scored:
        return None
    vetoes: list[str] = []
    veto_undecided: list[str] = []
    deductions: list[Deduction] = []
    points_undecided: list[str] = []
    for result in results:
        entry = scored.get(result.rule)
        if entry is None:
            continue
        undecided = result.status is Status.ERROR
        if entry.veto and result.status is Status.FAIL:
            vetoes.append(result.rule)
        elif entry.veto and undecided:
            veto_undecided.append(result.rule)
        points = entry.points
        taken = None if points is None else points.taken(result)
        if points is not None and taken is None:
            points_undecided.append(result.rule)
        elif points is not None and taken:
            deductions.append(Deduction(rule=result.rule, points=taken, verified=points.verified))
    deducted = sum(d.points for d in deductions if d.verified)
    deducted_assumed = sum(d.points for d in deductions if not d.verified)
    has_points = any(entry.points is not None for entry in scored.values())
    return Rollup(
        plan=plan.document,
        vetoes=tuple(vetoes),
        veto_undecided=tuple(veto_undecided),
        deductions=tuple(deductions),
        points_undecided=tuple(points_undecided),
        deducted=deducted,
        deducted_assumed=deducted_assumed,
        score=(
            max(0.0, 100.0 - deducted - deducted_assumed)
            if has_points and not points_undecided
            else None
        ),
    )


def rollups(plans: Sequence[PlanInfo], results: Sequence[Result]) -> tuple[Rollup, ...]:
    """The roll-up of one site's `results` under every plan that scores."""
    found = (rollup(plan, results) for plan in plans)
    return tuple(r for r in found if r is not None)
