"""What a plan file says: the rules of an openness plan, and the plans of one scan."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo

from gkaudit.base import Frozen, Severity, SiteKind
from gkaudit.i18n import _
from gkaudit.model.scores import Points
from gkaudit.model.sites import TAG


def _scope_entry(entry: SiteKind | str, info: ValidationInfo) -> SiteKind | str:
    if entry in SiteKind.__members__.values():
        return SiteKind(entry)
    if not TAG.match(entry):
        raise ValueError(
            _("{entry!r} is neither a site kind ({kinds}) nor a tag").format(
                entry=entry, kinds=", ".join(SiteKind)
            )
        )
    declared = (info.context or {}).get("tags")
    if declared is not None and entry not in declared:
        raise ValueError(
            _(
                "{entry!r} is neither a site kind ({kinds}) nor a tag declared in the plan's "
                "`tags:`"
            ).format(entry=entry, kinds=", ".join(SiteKind))
        )
    return entry


class Rule(Frozen):
    """One requirement of a plan, tested by the check it names with the params it gives."""

    id: str
    title: str
    clause: str
    check: str
    params: dict[str, Any] = Field(default_factory=dict)
    severity: Severity = Severity.ERROR
    applies_to: tuple[Annotated[SiteKind | str, AfterValidator(_scope_entry)], ...] = Field(
        tuple(SiteKind), min_length=1
    )
    """The site kinds and the site tags (sites.yaml `tags:`) the rule applies to; read from a plan
    file, a tag must be one the plan declares, so that a misspelt kind is an error, not a rule
    that skips every site."""
    veto: bool = False
    """A single-veto item of its plan (单项否决): its failure alone fails the site's inspection.
    Like `points`, each plan's own: two plans may share a rule and score it differently."""
    points: Points | None = None
    """A scored item's deduction (扣分指标), with where its value comes from."""


class Plan(Frozen):
    """The rules of one openness plan, and the document they encode."""

    title: str
    document: str
    source: str = ""
    #: The SHA-256 of the plan file as read (which version of the plan a report was scanned by).
    sha256: str = ""
    tags: dict[str, str] = Field(default_factory=dict)
    """The site tags the plan's rules name, each with what it means (涉农地区 …)."""
    rules: tuple[Rule, ...]


def same_test(a: Rule, b: Rule) -> bool:
    """Whether two plans' rules of one id test the same thing: check, params, severity and
    scope. Title and clause are how each plan cites the rule, and may differ."""
    return (a.check, a.params, a.severity, a.applies_to) == (
        b.check,
        b.params,
        b.severity,
        b.applies_to,
    )


class PlanSet(Frozen):
    """The plans of one scan. A rule id in several plans is one rule, run and reported once
    (the loader has refused two plans defining one id differently, `same_test`); each plan
    still lists it with its own title and clause."""

    plans: tuple[Plan, ...] = Field(min_length=1)

    @classmethod
    def of(cls, plan: Plan | PlanSet) -> PlanSet:
        return plan if isinstance(plan, PlanSet) else cls(plans=(plan,))

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule once, in plan order: the first plan listing an id gives its result's title
        and clause."""
        unique: dict[str, Rule] = {}
        for plan in self.plans:
            for rule in plan.rules:
                unique.setdefault(rule.id, rule)
        return tuple(unique.values())
