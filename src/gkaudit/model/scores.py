"""What a plan's scoring gives: a scored item's point value (`Points`), a deduction and one
site's roll-up (`Rollup`); how they are worked out is `gkaudit.scoring`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from gkaudit.base import Frozen, Status
from gkaudit.i18n import _
from gkaudit.model.results import Result


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
