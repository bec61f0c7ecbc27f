"""How a plan scores a site: its single-veto items (单项否决: a rule marked `veto: true`) and
its scored items (扣分指标: a rule with `points:`), and the roll-up of one site's results under
them.

A point value is either read in a source (`source:`, the quote and where it was read) or marked
`assumed: true`; a value with neither is refused, so that no invented number passes for the
plan's. An inconclusive (`error`) result is neither a veto hit nor a deduction: it is listed as
undecided, so that a portal gkaudit could not read is never scored down. A result that does not
apply (`skip`) is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from gkaudit.base import Frozen, Status

if TYPE_CHECKING:
    from gkaudit.model import PlanInfo, Result


class Points(Frozen):
    """What a scored item takes off a site when its rule finds the fault."""

    value: float = Field(gt=0, le=100)
    #: The statuses the points are taken on (a partial finding may be the scored one: `warn`).
    on: tuple[Literal["fail", "warn"], ...] = Field(("fail",), min_length=1)
    #: The quote that gives the value, and where it was read; None when `assumed`.
    source: str | None = Field(None, min_length=1)
    assumed: bool = False

    @model_validator(mode="after")
    def _sourced_or_assumed(self) -> Points:
        if self.source is None and not self.assumed:
            raise ValueError(
                "a point value needs its `source:` (the quote and where it was read), or "
                "`assumed: true` where no source gives it"
            )
        if self.source is not None and self.assumed:
            raise ValueError("a point value is read in its `source:` or `assumed: true`, not both")
        return self

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
        if points is not None and result.status.value in points.on:
            deductions.append(
                Deduction(rule=result.rule, points=points.value, verified=points.verified)
            )
        elif points is not None and undecided:
            points_undecided.append(result.rule)
    return Rollup(
        plan=plan.document,
        vetoes=tuple(vetoes),
        veto_undecided=tuple(veto_undecided),
        deductions=tuple(deductions),
        points_undecided=tuple(points_undecided),
        deducted=sum(d.points for d in deductions if d.verified),
        deducted_assumed=sum(d.points for d in deductions if not d.verified),
    )


def rollups(plans: Sequence[PlanInfo], results: Sequence[Result]) -> tuple[Rollup, ...]:
    """The roll-up of one site's `results` under every plan that scores."""
    found = (rollup(plan, results) for plan in plans)
    return tuple(r for r in found if r is not None)
