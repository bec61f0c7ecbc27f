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
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from gkaudit.base import Frozen, Status
from gkaudit.i18n import _

if TYPE_CHECKING:
    from gkaudit.model import PlanInfo, Result


class Points(Frozen):
    """What a scored item takes off a site when its rule finds the fault."""

    value: float = Field(gt=0, le=100)
    #: The statuses the points are taken on (a partial finding may be the scored one: `warn`).
    on: tuple[Literal["fail", "warn"], ...] = Field(("fail",), min_length=1)
    #: A metric of the result: the points are taken only when it is above 0 (the scored item is
    #: one kind of the rule's findings: a stale 政策文件 column among stale columns).
    when: str | None = Field(None, min_length=1)
    #: The quote that gives the value; None when `assumed`.
    source: str | None = Field(None, min_length=1)
    #: Where the quote was read.
    url: str | None = Field(None, min_length=1)
    assumed: bool = False

    @model_validator(mode="after")
    def _sourced_or_assumed(self) -> Points:
        if self.source is None and not self.assumed:
            raise ValueError(
                _(
                    "a point value needs its `source:` (the quote and where it was read), or "
                    "`assumed: true` where no source gives it"
                )
            )
        if self.source is not None and self.assumed:
            raise ValueError(
                _("a point value is read in its `source:` or `assumed: true`, not both")
            )
        if self.url is not None and self.source is None:
            raise ValueError(_("`url:` is where a `source:` quote was read"))
        return self

    def taken(self, result: Result) -> float | None:
        """The points `result` takes off: 0 when it is not the scored finding, None when the
        result does not tell (inconclusive, or without the metric the item is counted by)."""
        if result.status is Status.ERROR:
            return None
        if result.status.value not in self.on:
            return 0.0
        if self.when is None:
            return self.value
        count = result.metrics.get(self.when)
        if isinstance(count, bool) or not isinstance(count, int | float):
            return None
        return self.value if count > 0 else 0.0

    @property
    def verified(self) -> bool:
        return self.source is not None


class Deduction(Frozen):
    """Points a scored item takes off one site."""

    rule: str
    points: float
    #: The value is read in a source; False: assumed.
    verified: bool


class Rollup(Frozen):
    """One plan's scoring of one site."""

    #: The plan's document.
    plan: str
    #: Single-veto items that failed.
    vetoes: tuple[str, ...] = ()
    #: Single-veto items whose result is inconclusive: neither hit nor cleared.
    veto_undecided: tuple[str, ...] = ()
    deductions: tuple[Deduction, ...] = ()
    #: Scored items whose result is inconclusive: nothing taken off, nothing cleared.
    points_undecided: tuple[str, ...] = ()
    #: Points taken off by the deductions whose value a source gives.
    deducted: float = 0.0
    #: Points taken off by the deductions whose value is assumed.
    deducted_assumed: float = 0.0
    #: 得分: 100 less every deduction (the assumed ones too); None when the plan gives no points
    #: or a scored item is undecided (then at most `100 - deducted - deducted_assumed`).
    score: float | None = None


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
