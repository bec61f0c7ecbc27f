"""The comparison with a baseline as text, for `gkaudit diff` and `scan --baseline`."""

from __future__ import annotations

from collections.abc import Sequence

from gkaudit.baseline import Comparison, Finding
from gkaudit.i18n import N_, _, ngettext


def render(c: Comparison) -> str:
    """Plain text, one line per finding, never hard-wrapped (a log keeps whole lines)."""
    lines = [
        _("Plan {plan}: baseline as of {baseline}, current as of {current}").format(
            plan=c.plan,
            baseline=c.baseline_as_of.isoformat(),
            current=c.current_as_of.isoformat(),
        ),
        "",
    ]
    always = (
        (N_("Regressions"), c.regressions),
        (N_("Fixed"), c.fixes),
        (N_("Still failing"), c.still_failing),
        (N_("Newly inconclusive (never a regression)"), c.newly_inconclusive),
    )
    for heading, findings in always:
        lines += _block(_(heading), findings)
    optional = (
        (N_("New failures (baseline inconclusive or skipped, not gated)"), c.new_failures),
        (N_("Waived"), c.waived),
        (N_("Waivers expired (failing again)"), c.expired_waivers),
    )
    for heading, findings in optional:
        if findings:
            lines += _block(_(heading), findings)
    for heading, names in (
        (N_("New sites (reported, not gated)"), c.new_sites),
        (N_("New rules (reported, not gated)"), c.new_rules),
        (N_("Sites no longer in the report"), c.removed_sites),
        (N_("Rules no longer in the report"), c.removed_rules),
    ):
        if names:
            lines += [
                _("{heading}: {names}").format(heading=_(heading), names=", ".join(names)),
                "",
            ]
    if c.unused_waivers:
        lines.append(_("Waivers that matched no finding ({n}):").format(n=len(c.unused_waivers)))
        lines += [
            "  "
            + _("{site} {rule} (expires {date})").format(
                site=w.site, rule=w.rule, date=w.expires.isoformat()
            )
            for w in c.unused_waivers
        ]
        lines.append("")
    lines.append(_verdict(c))
    return "\n".join(lines) + "\n"


def _block(heading: str, findings: Sequence[Finding]) -> list[str]:
    lines = [_("{heading} ({n}):").format(heading=heading, n=len(findings))]
    if not findings:
        lines.append("  " + _("none"))
    for f in findings:
        lines.append(
            f"  {f.site} {f.rule} {f.title} {f.clause}: {_(f.before.value)} -> "
            f"{_(f.after.value)}: {' '.join(f.message.split())}"
        )
        if f.waiver is not None:
            lines.append(f"      {f.waiver.note}")
    return [*lines, ""]


def _verdict(c: Comparison) -> str:
    if not c.failed:
        return _("No regressions.")
    n = len(c.regressions)
    return ngettext("Failing: {n} regression.", "Failing: {n} regressions.", n).format(n=n)
