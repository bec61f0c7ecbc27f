"""A rule's documentation page (`docs/rules/<rule-id>.md`) and its address, SARIF's `helpUri`.

The page is what `gkaudit explain` prints, as Markdown: the rule's title, where the plans ask for
it, the check, severity and scope, the check's manual and the params in effect. It is written in
the run's language (the project's pages in Chinese, for the inspectors who read them), and the
English manual follows a translated one, for the engineers who keep the checks. The project's
pages are generated from the packaged plans (`tests/test_ruledocs.py` keeps them in sync and
rewrites them with `GKAUDIT_UPDATE_DOCS=1`) and shipped in the package, so gkaudit knows which
rule has one.

A page's address is the docs base (`--docs-url`, the `docs-url` config key, `GKAUDIT_DOCS_URL`)
followed by `<rule-id>.md`. Without one, the project's own pages are linked (`DEFAULT_DOCS_URL`,
the `Documentation` URL of pyproject's `[project.urls]`) for the rules that have a page there; a
rule of the operator's own plan or plugin has none there and gets no `helpUri`, rather than a
link that leads nowhere. An operator who publishes pages for their rules names that base.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from gkaudit import PROJECT_URL
from gkaudit.declaration import Check
from gkaudit.i18n import _, current
from gkaudit.model import Plan, Rule
from gkaudit.reporters.plan import SEVERITY, describe, kinds

#: Where the project's rule pages are read (the Documentation URL of pyproject's [project.urls]).
DEFAULT_DOCS_URL = f"{PROJECT_URL}/blob/main/docs/rules/"


def pages_folder() -> Path:
    """The packaged pages (the repository's `docs/rules` in a source checkout)."""
    packaged = resources.files("gkaudit") / "docs" / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "docs" / "rules"


def help_uri(rule_id: str, docs_url: str | None = None) -> str | None:
    """The address of `rule_id`'s page: under `docs_url` if given, else the project's page if
    the project documents that rule, else None."""
    if docs_url is None:
        if not (pages_folder() / f"{rule_id}.md").is_file():
            return None
        docs_url = DEFAULT_DOCS_URL
    return f"{docs_url.rstrip('/')}/{rule_id}.md"


def page(check: Check, rule: Rule, plans: Sequence[Plan]) -> str:
    """The Markdown page of `rule`, as listed by `plans` (one or several), run by `check`."""
    lines = [f"# {rule.id} {rule.title}", ""]
    lines += [
        f"- {plan.title}（{plan.document}）{entry.clause}：{entry.title}"
        for plan in plans
        for entry in plan.rules
        if entry.id == rule.id
    ]
    facts = _("check: {check} · {severity} · applies to: {kinds}").format(
        check=check.name, severity=_(SEVERITY[rule.severity]), kinds=kinds(rule.applies_to)
    )
    manual = check.manual_in(current())
    lines += [f"- {facts}", "", manual.strip(), ""]
    fields = check.params.model_validate(rule.params).model_dump()
    if fields:
        lines += [f"## {_('Params')}", ""]
        lines += [f"| {_('Param')} | {_('Value')} | {_('Meaning')} |", "|---|---|---|"]
        for name, value in fields.items():
            lines.append(f"| `{name}` | `{value!r}` | {_cell(describe(check, name))} |")
        lines.append("")
    if manual != check.manual:
        lines += [f"## {_('The manual in English')}", "", check.manual.strip(), ""]
    return "\n".join(lines)


def index(plans: Sequence[Plan]) -> str:
    """The pages' table of contents: each plan and its rules, linked."""
    lines = [f"# {_('Rules of the packaged plans')}", ""]
    for plan in plans:
        lines += [f"## {plan.title}（{plan.document}）", ""]
        lines += [f"- [{r.id}]({r.id}.md) {r.clause} {_cell(r.title)}" for r in plan.rules]
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
