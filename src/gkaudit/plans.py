"""Reading plan files: the rules of one scan, from one plan or several (`--plan`, repeatable, and
`include:`), validated before any request is sent; errors name the file, the line and the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationError

from gkaudit import suggest
from gkaudit.config import ConfigError, Problem, YamlDocument, reject_duplicates
from gkaudit.i18n import _
from gkaudit.model import Frozen, Plan, PlanSet, Rule, check_tag, same_test
from gkaudit.plugins import Registry


class PlanFile(Frozen):
    title: str
    document: str
    #: Plans this one brings along (packaged names or files, relative to this file).
    include: tuple[str, ...] = ()
    tags: dict[Annotated[str, AfterValidator(check_tag)], str] = Field(default_factory=dict)
    rules: tuple[Rule, ...]


DEFAULT_PLAN = "dalian-2022.yaml"


def default_plan_path() -> Path:
    """The packaged default plan (the repository's `rules/` in a source checkout)."""
    return packaged_plan_path(DEFAULT_PLAN.removesuffix(".yaml"))


def packaged_plan_path(name: str) -> Path:
    """The packaged plan of that name (`gwjc-2019`), which may not exist."""
    packaged = resources.files("gkaudit") / "rules" / f"{name}.yaml"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules" / f"{name}.yaml"


def packaged_plans() -> tuple[Path, ...]:
    """Every packaged plan, the default first."""
    default = default_plan_path()
    others = sorted(p for p in default.parent.glob("*.yaml") if p != default)
    return (default, *others) if default.is_file() else tuple(others)


def resolve_plan(given: Path | None) -> Path:
    """A `--plan` value: a file, or the name of a packaged plan (`dalian-2022`, `gwjc-2019`)."""
    if given is None:
        return default_plan_path()
    if given.suffix or given.exists() or len(given.parts) != 1:
        return given
    packaged = packaged_plan_path(given.name)
    return packaged if packaged.is_file() else given


@dataclass(frozen=True)
class _PlanRead:
    plan: Plan
    doc: YamlDocument
    include: tuple[str, ...]


def load_plan(path: Path | None, registry: Registry) -> Plan:
    """A plan file, with every rule's check known and its params valid for that check (the
    plans it includes are not read: `load_plans` does)."""
    return _read_plan(resolve_plan(path), registry).plan


def load_plans(paths: Sequence[Path | None], registry: Registry) -> PlanSet:
    """The plans of one scan: those named (`--plan`, repeatable; none: the default plan) and the
    plans they include, each read once, in that order (a plan before those it includes).

    A rule id names one test in every plan: a rule id that two plans define alike (`same_test`:
    check, params, severity, scope; title and clause may differ) is one rule, run once and
    reported once, listed under both plans; two plans defining it differently are refused,
    naming both files and lines.
    """
    read: list[_PlanRead] = []
    seen: set[Path] = set()

    def visit(path: Path, including: tuple[Path, ...]) -> None:
        here = path.resolve()
        if here in seen:
            return
        seen.add(here)
        found = _read_plan(path, registry)
        read.append(found)
        for index, name in enumerate(found.include):
            target = _resolve_include(name, path)
            at = ("include", index)
            if not target.is_file():
                raise found.doc.error(
                    found.doc.line_of(at),
                    f"include[{index}]",
                    _(
                        "no plan {name!r} (neither a packaged plan nor a file next to this one)"
                    ).format(name=name),
                )
            if target.resolve() in (*including, here):
                raise found.doc.error(
                    found.doc.line_of(at),
                    f"include[{index}]",
                    _("{name!r} includes this plan again (a plan cannot include itself)").format(
                        name=name
                    ),
                )
            visit(target, (*including, here))

    for path in paths or (None,):
        visit(resolve_plan(path), ())
    _reject_clashes(read)
    return PlanSet(plans=tuple(found.plan for found in read))


def _resolve_include(name: str, including: Path) -> Path:
    beside = including.parent / name
    if beside.is_file():
        return beside
    return resolve_plan(Path(name))


def _read_plan(path: Path, registry: Registry) -> _PlanRead:
    doc = YamlDocument(path)
    doc.mapping("rules")
    declared = doc.data.get("tags")
    # rules are checked against the tags the plan declares, as written, even if `tags:` is bad
    tags = {"tags": set(declared) if isinstance(declared, Mapping) else set()}
    parsed: PlanFile = doc.validate(PlanFile, doc.data, context=tags)
    reject_duplicates(doc, "rules", [r.id for r in parsed.rules])
    problems: list[Problem] = []
    for index, rule in enumerate(parsed.rules):
        check = registry.get(rule.check)
        if check is None:
            problems.append(
                Problem(
                    doc.label,
                    doc.line_of(("rules", index, "check")),
                    f"rules[{index}].check",
                    _unknown_check(rule.check, registry),
                )
            )
            continue
        try:
            check.params.model_validate(rule.params)
        except ValidationError as exc:
            problems.extend(doc.problems(exc, ("rules", index, "params")))
    if problems:
        raise ConfigError(problems)
    plan = Plan(
        title=parsed.title,
        document=parsed.document,
        source=str(path),
        sha256=doc.sha256,
        tags=parsed.tags,
        rules=parsed.rules,
    )
    return _PlanRead(plan, doc, parsed.include)


def _reject_clashes(read: Sequence[_PlanRead]) -> None:
    first: dict[str, tuple[_PlanRead, int, Rule]] = {}
    problems = []
    for found in read:
        for index, rule in enumerate(found.plan.rules):
            if rule.id not in first:
                first[rule.id] = (found, index, rule)
                continue
            other, other_index, defined = first[rule.id]
            if same_test(defined, rule):
                continue
            differ = [
                name
                for name in ("check", "params", "severity", "applies_to")
                if getattr(defined, name) != getattr(rule, name)
            ]
            there = other.doc.line_of(("rules", other_index, "id"))
            problems.append(
                Problem(
                    found.doc.label,
                    found.doc.line_of(("rules", index, "id")),
                    f"rules[{index}].id",
                    _(
                        "{rule!r} is also a rule of {where} with another {fields}; a rule id is "
                        "one test in every plan of a scan: define it alike in both, or give one "
                        "of them another id"
                    ).format(
                        rule=rule.id,
                        where=f"{other.doc.label}:{there} (rules[{other_index}])",
                        fields=", ".join(differ),
                    ),
                )
            )
    if problems:
        raise ConfigError(problems)


def select_rules(plans: PlanSet, wanted: Sequence[str]) -> PlanSet:
    """The plans restricted to the rules named by `--rule` (all when none); a plan left with
    none of them is dropped."""
    if not wanted:
        return plans
    known = {r.id for r in plans.rules}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise ConfigError(
            [Problem("--rule", None, "", suggest.unknown(_("rule id"), u, known)) for u in unknown]
        )
    kept = [
        plan.model_copy(update={"rules": tuple(r for r in plan.rules if r.id in set(wanted))})
        for plan in plans.plans
    ]
    return PlanSet(plans=tuple(plan for plan in kept if plan.rules))


def _unknown_check(name: str, registry: Registry) -> str:
    known = registry.names()
    message = _("unknown check {name!r} (known: {known})").format(name=name, known=", ".join(known))
    spelled = name.replace("-", "_")
    if spelled != name and spelled in known:
        # check names were spelled with hyphens before they became the names of their folders
        message += _("; checks are spelled with underscores now: {name!r}").format(name=spelled)
    return message
