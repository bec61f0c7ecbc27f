"""The report of one run: its sites' results, the plans, the summary; the public JSON contract.

The JSON form of `Report` is the public contract `gkaudit.report/2`; a `gkaudit.report/1`
document (one plan) is read as the `/2` report it is (`Report.from_json`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, Literal

from pydantic import ConfigDict, Field, model_validator

from gkaudit import schema1
from gkaudit.base import Frozen, SiteKind, Status
from gkaudit.model.plans import Plan
from gkaudit.model.results import Result
from gkaudit.model.scores import Points, Rollup


class SiteReport(Frozen):
    """A site and every result about it, one per rule of the plan."""

    id: str
    name: str
    url: str
    kind: SiteKind
    results: tuple[Result, ...]
    #: Each scoring plan's roll-up of the results (`gkaudit.scoring`); none for a plan that
    #: marks no veto item and gives no points.
    rollup: tuple[Rollup, ...] = ()


class ToolInfo(Frozen):
    name: str = "gkaudit"
    version: str


class PlanRule(Frozen):
    """A rule as one plan lists it: a rule in two plans is cited by each its own way."""

    id: str
    title: str
    clause: str
    veto: bool = False
    points: Points | None = None


class PlanInfo(Frozen):
    """One plan a report was scanned against."""

    title: str
    document: str
    source: str
    #: The SHA-256 of the plan file; "" for a report of the `/1` schema, which did not record it.
    sha256: str = ""
    #: The plan's rules that were run, in its order.
    rules: tuple[PlanRule, ...] = ()

    @classmethod
    def of(cls, plan: Plan) -> PlanInfo:
        return cls(
            title=plan.title,
            document=plan.document,
            source=plan.source,
            sha256=plan.sha256,
            rules=tuple(
                PlanRule(id=r.id, title=r.title, clause=r.clause, veto=r.veto, points=r.points)
                for r in plan.rules
            ),
        )


class Summary(Frozen):
    """Counts of results by status over the whole report."""

    sites: int
    pass_: int = Field(0, alias="pass")
    fail: int = 0
    warn: int = 0
    error: int = 0
    skip: int = 0

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @classmethod
    def of(cls, sites: tuple[SiteReport, ...] | list[SiteReport]) -> Summary:
        counts = dict.fromkeys(Status, 0)
        for site in sites:
            for result in site.results:
                counts[result.status] += 1
        return cls(
            sites=len(sites),
            pass_=counts[Status.PASS],
            fail=counts[Status.FAIL],
            warn=counts[Status.WARN],
            error=counts[Status.ERROR],
            skip=counts[Status.SKIP],
        )

    def count(self, status: Status) -> int:
        return int(getattr(self, "pass_" if status is Status.PASS else status.value))


REPORT_SCHEMA: Final = "gkaudit.report/2"
#: The schemas a report file may have: this one, and `/1` (one plan), read as `/2`.
READABLE_SCHEMAS: Final = (REPORT_SCHEMA, schema1.SCHEMA)


class Report(Frozen):
    """Every result of one run, plus when, against which plans, with which tool version."""

    schema_: Literal["gkaudit.report/2"] = Field(REPORT_SCHEMA, alias="schema")
    tool: ToolInfo
    plans: tuple[PlanInfo, ...] = Field(min_length=1)
    as_of: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime
    sites: tuple[SiteReport, ...]
    summary: Summary
    #: True when the run was interrupted: the sites listed are complete, the others are missing.
    #: Written only when true, so a complete report is exactly the documented schema.
    incomplete: bool = Field(False, exclude_if=lambda incomplete: not incomplete)

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _read_schema_1(cls, data: Any) -> Any:
        return schema1.upgrade(data)

    @property
    def title(self) -> str:
        """The plans' titles, as a report's heading names them."""
        return " + ".join(plan.title for plan in self.plans)

    @property
    def document(self) -> str:
        """The plans' documents (大政公开办〔2022〕1号 + 国办秘函〔2019〕19号)."""
        return " + ".join(plan.document for plan in self.plans)

    def citations(self, rule: str) -> list[tuple[PlanInfo, PlanRule]]:
        """The plans that list `rule`, each with how it lists it (title, clause)."""
        return [(plan, entry) for plan in self.plans for entry in plan.rules if entry.id == rule]

    def to_json(self) -> str:
        """The `gkaudit.report/2` document."""
        return self.model_dump_json(by_alias=True, indent=2, exclude_defaults=False) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Report:
        return cls.model_validate_json(text)

    def results(self) -> list[tuple[SiteReport, Result]]:
        """Every (site, result) pair, in report order."""
        return [(site, result) for site in self.sites for result in site.results]
