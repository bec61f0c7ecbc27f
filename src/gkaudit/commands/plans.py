"""`gkaudit validate`, `rules` and `explain`: what the sites file, the plans and the checks say,
without sending a request."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from gkaudit.audit import Audit, Settings, load_checks
from gkaudit.config import ConfigError
from gkaudit.exits import UsageError
from gkaudit.i18n import _
from gkaudit.model import Plan, PlanSet, Rule, same_test
from gkaudit.plans import load_plan, packaged_plans
from gkaudit.plugins import Registry
from gkaudit.reporters import plan as plan_reporter
from gkaudit.suggest import unknown


def validate(
    sites_file: Path,
    plans: Sequence[Path],
    plugins: Sequence[Path],
    out: Console,
    err: Console,
) -> None:
    """Read the sites file and the plans as a scan would (`UsageError` naming what is wrong)."""
    settings = Settings(sites_file=sites_file, plans=tuple(plans), plugins=tuple(plugins))
    loaded = Audit(settings, out, err)
    plan_reporter.validated(sites_file, len(loaded.sites), loaded.plan, out)


def rules(plans: Sequence[Path | None], plugins: Sequence[Path], out: Console) -> None:
    _registry, loaded = load_checks(plans, plugins)
    plan_reporter.rules(loaded, out)


def explain(
    rule_id: str, plans: Sequence[Path | None], plugins: Sequence[Path], out: Console
) -> None:
    """The manual of a rule and the plans that define it, or of a check by its name.

    A rule of the plans named (none: the default plan) is the one a scan with them runs; else
    a rule of another packaged plan is found there, unless those plans define it differently
    (then naming one with `--plan` is asked for, as the params in effect depend on it)."""
    registry, loaded = load_checks(plans, plugins)
    packaged = _other_packaged_plans(loaded, registry)
    ours, theirs = _defining(rule_id, loaded.plans), _defining(rule_id, packaged)
    if not ours and not theirs:
        check = registry.get(rule_id)
        if check is None:
            known = [r.id for p in (*loaded.plans, *packaged) for r in p.rules]
            raise UsageError(unknown(_("rule"), rule_id, known + registry.names()))
        plan_reporter.explain(check, None, out)
        return
    rule = (ours or theirs)[0][1]
    if not ours and any(not same_test(r, rule) for _plan, r in theirs):
        names = [Path(plan.source).stem for plan, _rule in theirs]
        raise UsageError(
            _(
                "{rule!r} is defined differently by the packaged plans {plans}; name the one "
                "meant: gkaudit explain {rule} --plan {name}"
            ).format(rule=rule_id, plans=_(", ").join(names), name=names[0])
        )
    check = registry.get(rule.check)
    assert check is not None  # the plans were read with every rule's check known
    cited = [plan for plan, r in (*ours, *theirs) if same_test(r, rule)]
    plan_reporter.explain(check, rule, out, cited)


def _other_packaged_plans(loaded: PlanSet, registry: Registry) -> tuple[Plan, ...]:
    """The packaged plans besides those already read."""
    read = {Path(plan.source).resolve() for plan in loaded.plans}
    try:
        return tuple(
            load_plan(path, registry) for path in packaged_plans() if path.resolve() not in read
        )
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def _defining(rule_id: str, plans: Sequence[Plan]) -> list[tuple[Plan, Rule]]:
    return [(plan, rule) for plan in plans for rule in plan.rules if rule.id == rule_id]
