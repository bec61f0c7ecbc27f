"""Baselines: what changed between two reports, so CI fails on new failures only.

`compare(old, new)` sorts every (site, rule) present in both reports by the change of its status
(`classify` is the whole table):

| baseline \\ now | pass or warn | skip | fail          | error              |
|----------------|--------------|------|---------------|--------------------|
| pass or warn   | -            | -    | regression    | newly inconclusive |
| fail           | fixed        | -    | still failing | newly inconclusive |
| error          | -            | -    | new failure   | -                  |
| skip           | -            | -    | new failure   | newly inconclusive |

Only a regression (passed or warned before, fails now) fails `--fail-on regression`: a portal that
has failed for months is "still failing", and an inconclusive result (a timeout) is never a
regression. A failure whose baseline was inconclusive or skipped is a "new failure": reported, not
gated, because the baseline cannot tell whether it is new. Sites and rules that only the new report
has are listed, not judged. A failure covered by an unexpired waiver is "waived" whatever its
baseline. Once the waiver has expired the failure is judged as usual and listed among the expired
waivers: it gates `--fail-on regression` only if it is a regression (it passed in the baseline), as
the gate's definition says; a failure that was already failing (waived) in the baseline is "still
failing". `--fail-on fail` counts every failure whose waiver has expired.

Reports are compared rule id by rule id: two reports are comparable when they share a plan
document (a baseline scanned against the Dalian plan alone, a report against it and the national
indicators: the national indicators' own rules are new rules). A `gkaudit.report/1` baseline is
read as the `/2` report of its one plan.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import ValidationError

from gkaudit.config import plain_words
from gkaudit.i18n import _
from gkaudit.model import READABLE_SCHEMAS, Report, Result, SiteReport, Status
from gkaudit.oserror import why
from gkaudit.waivers import Waiver, WaiverMatch, apply_waivers, unused_waivers

_PASSING = (Status.PASS, Status.WARN)


class BaselineError(Exception):
    """A report file that cannot be used as a baseline: unreadable, or not a report."""


class BaselineMismatch(BaselineError):
    """Two reports that cannot be compared: another report schema, or another plan."""


class Change(StrEnum):
    """How one (site, rule) moved between the baseline and now."""

    REGRESSION = "regression"
    FIXED = "fixed"
    STILL_FAILING = "still failing"
    NEW_FAILURE = "new failure"
    NEWLY_INCONCLUSIVE = "newly inconclusive"
    WAIVED = "waived"


def classify(before: Status, after: Status) -> Change | None:
    """The change from `before` (baseline) to `after` (now), waivers aside; None if no news."""
    if after is Status.FAIL:
        if before in _PASSING:
            return Change.REGRESSION
        if before is Status.FAIL:
            return Change.STILL_FAILING
        return Change.NEW_FAILURE
    if after is Status.ERROR:
        return None if before is Status.ERROR else Change.NEWLY_INCONCLUSIVE
    if before is Status.FAIL and after in _PASSING:
        return Change.FIXED
    return None


@dataclass(frozen=True)
class Finding:
    """One (site, rule) whose status change is worth reporting."""

    site: str
    site_name: str
    rule: str
    title: str
    clause: str
    before: Status
    after: Status
    message: str
    change: Change
    #: The waiver that names this (site, rule), if any: active for `WAIVED`, else expired.
    waiver: WaiverMatch | None = None


@dataclass(frozen=True)
class Comparison:
    """Everything `gkaudit diff` and `scan --baseline` report, in the new report's order."""

    plan: str
    baseline_as_of: dt.date
    current_as_of: dt.date
    regressions: tuple[Finding, ...] = ()
    fixes: tuple[Finding, ...] = ()
    still_failing: tuple[Finding, ...] = ()
    new_failures: tuple[Finding, ...] = ()
    newly_inconclusive: tuple[Finding, ...] = ()
    waived: tuple[Finding, ...] = ()
    #: Failures (regressions, still failing, new failures) whose waiver has expired.
    expired_waivers: tuple[Finding, ...] = ()
    new_sites: tuple[str, ...] = ()
    new_rules: tuple[str, ...] = ()
    removed_sites: tuple[str, ...] = ()
    removed_rules: tuple[str, ...] = ()
    unused_waivers: tuple[Waiver, ...] = ()

    @property
    def failed(self) -> bool:
        """Whether `--fail-on regression` fails: a regression (waived ones are not)."""
        return bool(self.regressions)


def load_report(path: str | os.PathLike[str]) -> Report:
    """Read a report file (`gkaudit.report/2`, or `/1`); raises `BaselineError` or
    `BaselineMismatch`, naming it."""
    name = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BaselineError(
            _("{name}: cannot read: {why}").format(name=name, why=why(exc))
        ) from exc
    except UnicodeDecodeError as exc:
        raise BaselineError(
            _("{name}: not UTF-8 text: is it a gkaudit JSON report?").format(name=name)
        ) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(
            _("{name}:{line}: not JSON ({detail}): give a JSON report written by gkaudit").format(
                name=name, line=exc.lineno, detail=exc.msg
            )
        ) from exc
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema not in READABLE_SCHEMAS:
        raise BaselineMismatch(
            _("{name}: report schema {schema}, but this gkaudit reads {readable} only").format(
                name=name,
                schema=repr(schema),
                readable=f" {_('and')} ".join(map(repr, READABLE_SCHEMAS)),
            )
        )
    try:
        return Report.model_validate_json(text)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "report"
        raise BaselineError(
            _("{name}: not a valid {schema} report: {where}: {why}").format(
                name=name, schema=schema, where=where, why=plain_words(error)
            )
        ) from exc


def check_comparable(old: Report, new: Report) -> None:
    """Raise `BaselineMismatch` unless `old` and `new` share a plan document."""
    if not shared_plans(old, new):
        raise BaselineMismatch(
            _(
                "the baseline is a scan against plan {old} and the current report against "
                "{new}: compare reports of the same plan"
            ).format(old=repr(old.document), new=repr(new.document))
        )


def shared_plans(old: Report, new: Report) -> list[str]:
    """The plan documents both reports were scanned against."""
    before = {plan.document for plan in old.plans}
    return [plan.document for plan in new.plans if plan.document in before]


def compare(
    old: Report,
    new: Report,
    waivers: Sequence[Waiver] = (),
    *,
    today: dt.date | None = None,
) -> Comparison:
    """What changed from baseline `old` to `new`; waivers are judged on `today` (or `new.as_of`).

    Raises `BaselineMismatch` if the reports are of another schema or plan.
    """
    check_comparable(old, new)
    day = new.as_of if today is None else today
    before = {(site.id, result.rule): result for site, result in old.results()}
    matches = apply_waivers(new, waivers, day)
    buckets: dict[Change, list[Finding]] = {change: [] for change in Change}
    expired: list[Finding] = []
    for site, result in new.results():
        key = (site.id, result.rule)
        if key not in before:
            continue
        match = matches.get(key) if result.status is Status.FAIL else None
        change = classify(before[key].status, result.status)
        if match is not None and not match.expired:
            change = Change.WAIVED
        if change is None:
            continue
        finding = _finding(site, result, before[key], change, match)
        buckets[change].append(finding)
        if match is not None and match.expired:
            expired.append(finding)

    old_sites = [site.id for site in old.sites]
    new_sites = [site.id for site in new.sites]
    old_rules = _rules(old)
    new_rules = _rules(new)
    return Comparison(
        plan=new.document,
        baseline_as_of=old.as_of,
        current_as_of=new.as_of,
        regressions=tuple(buckets[Change.REGRESSION]),
        fixes=tuple(buckets[Change.FIXED]),
        still_failing=tuple(buckets[Change.STILL_FAILING]),
        new_failures=tuple(buckets[Change.NEW_FAILURE]),
        newly_inconclusive=tuple(buckets[Change.NEWLY_INCONCLUSIVE]),
        waived=tuple(buckets[Change.WAIVED]),
        expired_waivers=tuple(expired),
        new_sites=tuple(s for s in new_sites if s not in old_sites),
        new_rules=tuple(r for r in new_rules if r not in old_rules),
        removed_sites=tuple(s for s in old_sites if s not in new_sites),
        removed_rules=tuple(r for r in old_rules if r not in new_rules),
        unused_waivers=tuple(unused_waivers(new, waivers)),
    )


def _finding(
    site: SiteReport, result: Result, old: Result, change: Change, match: WaiverMatch | None
) -> Finding:
    return Finding(
        site=site.id,
        site_name=site.name,
        rule=result.rule,
        title=result.title,
        clause=result.clause,
        before=old.status,
        after=result.status,
        message=result.message,
        change=change,
        waiver=match,
    )


def _rules(report: Report) -> list[str]:
    return list(dict.fromkeys(result.rule for _, result in report.results()))
