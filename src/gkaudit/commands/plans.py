"""`gkaudit validate`, `rules` and `explain`: what the sites file, the plans and the checks say,
without sending a request."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from gkaudit.audit import Audit, Settings, load_checks
from gkaudit.exits import UsageError
from gkaudit.i18n import _
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
    """The manual of a rule of the plans, or of a check by its name."""
    registry, loaded = load_checks(plans, plugins)
    rule = next((r for r in loaded.rules if r.id == rule_id), None)
    check = registry.get(rule.check if rule else rule_id)
    if check is None:
        known = [r.id for r in loaded.rules] + registry.names()
        raise UsageError(unknown(_("rule"), rule_id, known))
    plan_reporter.explain(check, rule, out)
