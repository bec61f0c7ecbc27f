"""The plan in words, for `gkaudit rules`, `explain` and `validate`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown
from rich.text import Text

from gkaudit.declaration import Check
from gkaudit.i18n import N_, _, current, ngettext
from gkaudit.model import Plan, PlanSet, Rule, Severity

#: Severity words apart from the status words: `error` is a severity here, not "inconclusive".
SEVERITY = {Severity.ERROR: N_("severity error"), Severity.WARNING: N_("severity warning")}


def describe(check: Check, param: str) -> str:
    """What `param` of `check` means, in the run's language: the descriptions are message ids
    (marked with `N_` where the check declares them)."""
    description = check.params.model_fields[param].description
    return _(description) if description else ""


def kinds(values: Sequence[object]) -> str:
    """Site kinds in words; a tag (`applies_to` may name one) as it is written."""
    return ", ".join(_(str(kind)) for kind in values)


def rules(plans: PlanSet, out: Console) -> None:
    """Each plan's title, then one line per rule: id, clause, title, check, severity, scope (a
    rule two plans share is listed under both, with each plan's clause)."""
    for plan in plans.plans:
        out.print(
            Text.assemble((plan.title, "bold"), f" ({plan.document}) · {plan.source}"),
            soft_wrap=True,
        )
        for r in plan.rules:
            facts = _("check {check}; {severity}; applies to {kinds}").format(
                check=r.check, severity=_(SEVERITY[r.severity]), kinds=kinds(r.applies_to)
            )
            out.print(
                Text.assemble("  ", (r.id, "bold"), f" {r.clause} {r.title}  ", (facts, "dim")),
                soft_wrap=True,
            )


def explain(check: Check, rule: Rule | None, out: Console, plans: Sequence[Plan] = ()) -> None:
    """What `rule` of `plans` (or the check alone) checks: its manual, and the params in
    effect."""
    if rule is not None:
        out.print(Text.assemble((rule.id, "bold"), f" {rule.clause} {rule.title}"), soft_wrap=True)
        facts = _("check: {check} · {severity} · applies to: {kinds}").format(
            check=check.name, severity=_(SEVERITY[rule.severity]), kinds=kinds(rule.applies_to)
        )
        out.print(facts, markup=False, highlight=False)
        cited = [f"{p.title} ({p.document}) · {p.source}" for p in plans]
        if len(cited) > 1:
            cited = [_("plans:"), *(f"  {line}" for line in cited)]
        elif cited:
            cited = [_("plan: {plan}").format(plan=cited[0])]
        for line in cited:
            out.print(line, markup=False, highlight=False, soft_wrap=True)
    out.print()
    out.print(Markdown(check.manual_in(current())))
    fields = _in_effect(check, rule)
    if fields:
        out.print()
        out.print(Text(_("Params (in effect for this rule):"), style="bold"))
        for name, value in fields.items():
            out.print(Text.assemble(f"  {name} = {value}  ", (describe(check, name), "dim")))


def _in_effect(check: Check, rule: Rule | None) -> dict[str, str]:
    """The params of `rule`, or for the check alone its defaults: a param without a default
    (site_identity's `item`) is one each rule sets, which validating `{}` would refuse."""
    if rule is not None:
        values = check.params.model_validate(rule.params).model_dump()
        return {name: repr(value) for name, value in values.items()}
    fields = check.params.model_fields.items()
    return {
        name: _("(set by each rule)") if info.is_required() else repr(info.get_default())
        for name, info in fields
    }


def validated(sites_file: Path, n_sites: int, plans: PlanSet, out: Console) -> None:
    """`validate`'s answer: how many sites and rules were read from where, then OK."""
    counts: list[tuple[Path | str, str]] = [
        (sites_file, ngettext("{n} site", "{n} sites", n_sites).format(n=n_sites))
    ]
    for plan in plans.plans:
        n_rules = len(plan.rules)
        counts.append((plan.source, ngettext("{n} rule", "{n} rules", n_rules).format(n=n_rules)))
    for path, count in counts:
        out.print(f"{path}: {count}", markup=False, highlight=False, soft_wrap=True)
    out.print(_("OK"))
