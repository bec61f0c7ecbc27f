"""The domain: sites, plans and rules going in; verdicts, results and reports coming out.

Everything here is a frozen pydantic model, so a report can be written, read back and compared
without loss. The JSON form of `Report` is the public contract `gkaudit.report/2`; a
`gkaudit.report/1` document (one plan) is read as the `/2` report it is (`Report.from_json`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gkaudit import schema1
from gkaudit.base import STATUS_RANK as STATUS_RANK
from gkaudit.base import Family as Family
from gkaudit.base import Frozen as Frozen
from gkaudit.base import Severity as Severity
from gkaudit.base import SiteKind as SiteKind
from gkaudit.base import Status as Status
from gkaudit.i18n import _
from gkaudit.privacy.mask import scrub
from gkaudit.scoring import Points, Rollup

# --- input: sites and plans -------------------------------------------------------------------


def check_http_url(url: str) -> str:
    """Accept an absolute http(s) URL with a host (IDN hosts too); say what is wrong if not."""
    if any(ch.isspace() for ch in url):
        raise ValueError("a URL may not contain spaces")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError("not an http(s) URL")
    if not parts.hostname:
        raise ValueError("the URL has no host")
    try:
        _ = parts.port
    except ValueError:
        raise ValueError("the URL has an invalid port") from None
    return url


_TAG = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


def check_tag(tag: str) -> str:
    """Accept a site tag (lower-case letters, digits and hyphens); say what is wrong if not."""
    if not _TAG.match(tag):
        raise ValueError(f"{tag!r} is not a tag (lower-case letters, digits and '-', at most 32)")
    return tag


class Hints(Frozen):
    """URLs an inspector gives where discovery from the home page cannot find a column."""

    disclosure_url: str | None = None
    business_relief_url: str | None = None
    interpretation_url: str | None = None
    annual_report_url: str | None = None

    @field_validator("*")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        return None if url is None else check_http_url(url)


class Site(Frozen):
    """One portal from `sites.yaml`."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)
    name: str = Field(min_length=1)
    url: str
    kind: SiteKind
    org: str | None = Field(None, min_length=1)
    """The body's name as its reports carry it, when not `name` (大连市科技局): see the
    annual-report rule's ownership."""
    hints: Hints = Hints()
    tags: tuple[Annotated[str, AfterValidator(check_tag)], ...] = Field((), max_length=32)
    """Labels a plan's clauses name sites by (`agri` for the 涉农 districts, `finance` for the
    finance bureau): a rule's `applies_to` may list them beside the kinds."""
    region: str | None = Field(None, pattern=r"^[1-8][0-9]{5}$")
    """The 6-digit administrative division code (GB/T 2260) of the body's area, which its
    网站标识码 begins with."""

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        return check_http_url(url)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    def is_in(self, scope: tuple[SiteKind | str, ...]) -> bool:
        """True when a rule scoped to these kinds and tags applies to this site."""
        return self.kind in scope or any(tag in scope for tag in self.tags)

    def hint(self, name: str) -> str | None:
        """The hint URL of that name, if `sites.yaml` gives one."""
        value = getattr(self.hints, name, None)
        return value if isinstance(value, str) else None


def _scope_entry(entry: SiteKind | str, info: ValidationInfo) -> SiteKind | str:
    if entry in SiteKind.__members__.values():
        return SiteKind(entry)
    if not _TAG.match(entry):
        raise ValueError(f"{entry!r} is neither a site kind ({', '.join(SiteKind)}) nor a tag")
    declared = (info.context or {}).get("tags")
    if declared is not None and entry not in declared:
        raise ValueError(
            f"{entry!r} is neither a site kind ({', '.join(SiteKind)}) nor a tag declared in "
            "the plan's `tags:`"
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


# --- evidence ---------------------------------------------------------------------------------
# Everything evidence holds is masked, URLs too: a portal that publishes a roster at
# `/gs/list.jsp?sfz=21020219900101123X` leaks the number through its address as well.


def _masked_all(texts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(scrub(text) for text in texts)


class DnsEvidence(Frozen):
    """A DNS answer: the name asked, the CNAME chain followed, the addresses or the failure."""

    kind: Literal["dns"] = "dns"
    name: str
    type: str
    outcome: str = "answer"  # answer | nxdomain | nodata | timeout | servfail | error
    chain: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()

    _masked = field_validator("name")(lambda cls, v: scrub(v))
    _masked_chain = field_validator("chain")(lambda cls, v: _masked_all(v))


class HttpEvidence(Frozen):
    """One fetch: where it went, over which family, what came back, how it got there."""

    kind: Literal["http"] = "http"
    url: str
    family: Family | None = None
    status: int | None = None
    final_url: str | None = None
    address: str | None = None
    redirects: tuple[str, ...] = ()
    error: str | None = None
    elapsed_ms: float | None = None
    #: What else the fetch went through (a rate limit waited out).
    note: str | None = None

    _masked = field_validator("url", "final_url", "error", "note")(
        lambda cls, v: None if v is None else scrub(v)
    )
    _masked_hops = field_validator("redirects")(lambda cls, v: _masked_all(v))


class HtmlEvidence(Frozen):
    """Something seen (or looked for) in a page: a link, a title, a missing section."""

    kind: Literal["html"] = "html"
    url: str
    text: str
    href: str | None = None

    _masked = field_validator("url", "text", "href")(lambda cls, v: None if v is None else scrub(v))


class NoteEvidence(Frozen):
    """A sentence that explains a verdict where no fetch or answer says it better."""

    kind: Literal["note"] = "note"
    text: str

    _masked = field_validator("text")(lambda cls, v: scrub(v))


Evidence = Annotated[
    DnsEvidence | HttpEvidence | HtmlEvidence | NoteEvidence, Field(discriminator="kind")
]
Metric = int | float | str | bool | None


def _masked_metrics(metrics: dict[str, Metric]) -> dict[str, Metric]:
    return {k: scrub(v) if isinstance(v, str) else v for k, v in metrics.items()}


# --- output: verdicts, results, reports -------------------------------------------------------


class Verdict(Frozen):
    """What a check returns: a status, one line of explanation, the evidence and metrics.

    The engine turns it into a `Result` by stamping the rule's id, clause and severity.
    Personal numbers in the text are masked here, whatever the check wrote: the second line of
    defence behind the checks' own masking (`gkaudit.privacy.mask.scrub`).
    """

    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()
    metrics: dict[str, Metric] = Field(default_factory=dict)

    _masked = field_validator("message")(lambda cls, v: scrub(v))
    _masked_metrics = field_validator("metrics")(lambda cls, v: _masked_metrics(v))

    @classmethod
    def passed(cls, message: str, evidence: Iterable[Evidence] = (), **metrics: Metric) -> Verdict:
        return cls(status=Status.PASS, message=message, evidence=tuple(evidence), metrics=metrics)

    @classmethod
    def failed(cls, message: str, evidence: Iterable[Evidence] = (), **metrics: Metric) -> Verdict:
        return cls(status=Status.FAIL, message=message, evidence=tuple(evidence), metrics=metrics)

    @classmethod
    def warned(cls, message: str, evidence: Iterable[Evidence] = (), **metrics: Metric) -> Verdict:
        return cls(status=Status.WARN, message=message, evidence=tuple(evidence), metrics=metrics)

    @classmethod
    def inconclusive(
        cls, message: str, evidence: Iterable[Evidence] = (), **metrics: Metric
    ) -> Verdict:
        """The site or the network did not let us decide: reported as `error`, never `fail`."""
        return cls(status=Status.ERROR, message=message, evidence=tuple(evidence), metrics=metrics)


class Mark(Frozen):
    """An inspector's mark on a result, from the waivers file: a `waiver` (the failure accepted
    until `expires`; `expired` once the report's day is past it, and then it counts again) or a
    `false_alarm` (核减: the text matched at `url` is no problem and was left out of the verdict).
    `by` and `date` say who marked it and when, where the file says so."""

    kind: Literal["waiver", "false_alarm"]
    reason: str
    by: str | None = None
    date: dt.date | None = None
    expires: dt.date | None = None
    expired: bool = False
    url: str | None = None
    text: str | None = None

    _masked = field_validator("reason", "by", "url", "text")(
        lambda cls, v: None if v is None else scrub(v)
    )

    @property
    def holds(self) -> bool:
        """A waiver in force: its finding does not count against `--fail-on`."""
        return self.kind == "waiver" and not self.expired

    def describe(self) -> str:
        """The mark in a report's words, in the run's language."""
        if self.kind == "false_alarm":
            text = _("false alarm (核减): “{text}” at {url}: {reason}").format(
                text=self.text, url=self.url, reason=self.reason
            )
        elif self.expired:
            text = _("waiver expired on {date}: {reason}").format(
                date=self.expires, reason=self.reason
            )
        else:
            text = _("waived until {date}: {reason}").format(date=self.expires, reason=self.reason)
        if self.by and self.date:
            return text + _(" (marked by {by} on {date})").format(by=self.by, date=self.date)
        if self.by or self.date:
            return text + _(" (marked by {by})").format(by=self.by or self.date)
        return text


class Result(Frozen):
    """One rule's verdict on one site, as it appears in the report."""

    rule: str
    title: str
    clause: str
    severity: Severity
    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()
    metrics: dict[str, Metric] = Field(default_factory=dict)
    #: The inspectors' marks (waiver, false alarms); written only when there is one, so a report
    #: without marks is exactly what it was before marks existed.
    marks: tuple[Mark, ...] = Field((), exclude_if=lambda marks: not marks)

    _masked = field_validator("message")(lambda cls, v: scrub(v))
    _masked_metrics = field_validator("metrics")(lambda cls, v: _masked_metrics(v))

    @property
    def waived(self) -> bool:
        """A `fail` or `warn` under a waiver in force."""
        return any(mark.holds for mark in self.marks)


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
