"""The annual disclosure report for the last due year is published in the 年报 section.

Why: Plan clause (二十六) has every body report its openness work, this plan's included, in its
政府信息公开工作年度报告. 条例 第四十九条 sets the deadlines: 县级以上人民政府部门 publish the
previous year's report by 31 January; the 本级政府 report (city, district) is published by 31
March. On the deadline day itself a report is not late yet.

What it checks: the 年报 section: the `sites.yaml` hint `annual_report_url`; else the
政府信息公开年报 section of the 政府信息公开 platform, found as `gkaudit explain
disclosure_catalogue` describes (the hint `disclosure_url`, a link 政府信息公开/信息公开 from the
home page, or through 政务公开); else a link naming the section itself found from the home page. In
that page (and its title) the titles of reports are matched against `pattern`, normalized
(full-width digits and whitespace folded); its first group is the year the report covers. The year
in the title counts, not the publication date: a 2024 report published in 2026 is still the 2024
report.

Params:
- `pattern`: regular expression for a report title; group 1 is the year (default
  `(\\d{4})年.*政府信息公开.*报告`, which also matches 2025年度…政府信息公开工作报告).
- `deadlines`: per site kind, the MM-DD by which the previous year's report is due (default
  city and district 03-31, department 01-31).
- `section`: names accepted for the 年报 section (default 政府信息公开年报, 信息公开年报,
  政府信息公开工作年度报告, ...).
- `keywords`, `detour`: how the platform is found (as for `disclosure_catalogue`).
- `hint`: the `sites.yaml` hint giving the section's URL (default `annual_report_url`).

Passes when the report for the last due year (relative to `--as-of`) is listed.

Fails when it is not (the message says which year was due, by when, and the newest year
found), or when the 年报 section is not found or does not load.

Inconclusive (`error`) when the home page cannot be fetched (and no hint is given), or the
section refused gkaudit (HTTP 401, 403, 429) or could not be reached from here, or the section
is not found and the platform (or a 政务公开 page it may be behind) refused gkaudit or could
not be reached from here.

Ownership: only the portal's own body's reports count. A district or zone platform often lists
the city's or the province's reports beside its own; a title that names another body before
政府信息公开 (大连市2025年…, 辽宁省人民政府2025年… on 西岗区's platform) is skipped. The own
body is the site's `name` in `sites.yaml`, or its `org` (the name its reports carry, when
they abbreviate it: 大连市科技局 for 大连市科学技术局). A title naming no body counts as own.

Evidence: where the section was found and its fetch, the other bodies' reports skipped, and
the link of the report found for the due year (or of the newest report). Metrics:
`due_year`, `newest_year`, `reports`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from gkaudit.declaration import CheckParams, HintName, Texts, check
from gkaudit.html import Link
from gkaudit.i18n import N_, _, ngettext
from gkaudit.model import Evidence, HtmlEvidence, NoteEvidence, SiteKind, Verdict
from gkaudit.net.http import inconclusive
from gkaudit.site.context import SiteContext
from gkaudit.site.links import find_links
from gkaudit.site.pages import describe, home_verdict
from gkaudit.site.platform import (
    ANNUAL_REPORT_SECTION,
    DEFAULT_PLATFORM_DETOUR,
    DEFAULT_PLATFORM_KEYWORDS,
    DEFAULT_SECTIONS,
    PlatformSearch,
    Section,
    find_platform,
    load_section,
    section_rank,
)
from gkaudit.site.years import (
    DEFAULT_DEADLINES,
    deadline_of,
    due_year,
    names_another_body,
    report_years,
)
from gkaudit.text import normalize

SECTION = ANNUAL_REPORT_SECTION


def _month_day(text: str) -> str:
    try:
        # a common year: a deadline on 02-29 would not exist three years out of four
        dt.date(2001, *(int(part) for part in text.split("-")))
    except (TypeError, ValueError):
        raise ValueError(_("{text} is not a MM-DD date").format(text=repr(text))) from None
    return text


MonthDay = Annotated[str, AfterValidator(_month_day)]


class Params(CheckParams):
    """How a report title reads, when reports are due, and where the 年报 section is."""

    pattern: str = Field(
        r"(\d{4})年.*政府信息公开.*报告",
        description=N_("regular expression of a report title; group 1 is the year"),
    )
    # keyed by the kind's name, so plans and `gkaudit explain` show {'city': '03-31', ...}
    deadlines: dict[str, MonthDay] = Field(
        default_factory=lambda: {
            kind.value: f"{month:02d}-{day:02d}" for kind, (month, day) in DEFAULT_DEADLINES.items()
        },
        description=N_("per site kind, MM-DD by which the previous year's report is due"),
    )
    section: Texts = Field(
        DEFAULT_SECTIONS[SECTION],
        min_length=1,
        description=N_("names accepted for the 年报 section"),
    )
    keywords: Texts = Field(
        DEFAULT_PLATFORM_KEYWORDS, min_length=1, description=N_("texts naming the platform")
    )
    detour: Texts = Field(
        DEFAULT_PLATFORM_DETOUR, description=N_("pages the platform may be reached through")
    )
    hint: HintName = Field(
        "annual_report_url", description=N_("the sites.yaml hint giving the 年报 section's URL")
    )

    @field_validator("pattern")
    @classmethod
    def _one_group(cls, pattern: str) -> str:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ValueError(_("not a regular expression: {error}").format(error=exc)) from None
        if compiled.groups < 1:
            raise ValueError(_("the pattern needs a group for the year, e.g. (\\d{{4}})").format())
        return pattern

    @field_validator("deadlines")
    @classmethod
    def _every_kind(cls, deadlines: dict[str, str]) -> dict[str, str]:
        kinds = [kind.value for kind in SiteKind]
        unknown = [kind for kind in deadlines if kind not in kinds]
        if unknown:
            raise ValueError(
                _("unknown site kind {unknown} (kinds: {kinds})").format(
                    unknown=", ".join(unknown), kinds=", ".join(kinds)
                )
            )
        missing = [kind for kind in kinds if kind not in deadlines]
        if missing:
            raise ValueError(_("no deadline for {kinds}").format(kinds=", ".join(missing)))
        return deadlines

    def deadline_table(self) -> dict[SiteKind, tuple[int, int]]:
        table = {}
        for kind, text in self.deadlines.items():
            month, day = text.split("-")
            table[SiteKind(kind)] = (int(month), int(day))
        return table


@check("annual_report", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    located = await _section(site, params)
    if isinstance(located, Verdict):
        return located
    section, evidence = located
    page = section.page
    if page is None:
        assert section.outcome is not None
        assert section.link is not None
        evidence.append(section.outcome.evidence())
        message = _("the {section} section at {url} does not load: {why}").format(
            section=SECTION, url=section.link.url, why=describe(section.outcome)
        )
        if inconclusive(section.outcome):
            return Verdict.inconclusive(message, evidence)
        return Verdict.failed(message, evidence)
    evidence.append(page.evidence())
    doc = site.document(page)
    title = Link(url=page.final_url, text=doc.title, label="", date=None)
    pattern = re.compile(params.pattern)
    names = (site.site.name, site.site.org or "")
    department = site.site.kind is SiteKind.DEPARTMENT
    own: list[Link] = []
    others: list[Link] = []
    for link in (*doc.links, title):
        theirs = names_another_body(normalize(link.text), names, department=department)
        (others if theirs else own).append(link)
    years = report_years(own, pattern, site.as_of)
    # every report of another body, not only the first of each year
    skipped = list(dict.fromkeys(r.text for r in others if report_years([r], pattern, site.as_of)))
    if skipped:
        evidence.append(
            NoteEvidence(
                text=ngettext(
                    "skipped {n} report of another body: {titles}",
                    "skipped {n} reports of other bodies: {titles}",
                    len(skipped),
                ).format(n=len(skipped), titles="; ".join(skipped))
            )
        )

    deadlines = params.deadline_table()
    kind = site.site.kind
    due = due_year(kind, site.as_of, deadlines)
    by = deadline_of(due, kind, deadlines)
    newest = max(years, default=None)
    metrics = {"due_year": due, "newest_year": newest, "reports": len(years)}
    at = _("the {section} section at {url}").format(section=SECTION, url=page.final_url)
    report = years.get(due)
    if report is not None:
        evidence.append(HtmlEvidence(url=page.final_url, text=report.text, href=report.url))
        upcoming = deadline_of(due + 1, kind, deadlines)
        later = (
            ""
            if newest is not None and newest > due
            else _("; {year} is due by {date}").format(year=due + 1, date=upcoming)
        )
        return Verdict.passed(
            _("{at} lists the {year} report (due by {date}): {title}{later}").format(
                at=at, year=due, date=by, title=report.text, later=later
            ),
            evidence,
            **metrics,
        )
    if newest is not None:
        latest = years[newest]
        evidence.append(HtmlEvidence(url=page.final_url, text=latest.text, href=latest.url))
        found = _("the newest listed is {year}").format(year=newest)
    else:
        evidence.append(
            NoteEvidence(text=_("no title matches {pattern}").format(pattern=params.pattern))
        )
        found = _("no report is listed")
    return Verdict.failed(
        _(
            "{at} does not list the {year} report, due by {date} for a {kind} (条例 第四十九条); "
            "{found}"
        ).format(at=at, year=due, date=by, kind=kind.label, found=found),
        evidence,
        **metrics,
    )


async def _section(site: SiteContext, params: Params) -> tuple[Section, list[Evidence]] | Verdict:
    """The 年报 section (loaded or not) and how it was found, or the verdict when it was not."""
    hint = site.hint(params.hint) if params.hint else None
    if hint:
        link = Link(url=hint, text=f"({params.hint})", label="", date=None)
        note = NoteEvidence(text=_("URL given as a hint in sites.yaml: {url}").format(url=hint))
        return await load_section(site, SECTION, [link]), [note]
    names = (SECTION, *params.section)
    search = await find_platform(
        site,
        keywords=params.keywords,
        detour=params.detour,
        # the platform is recognised by all its sections, as `disclosure_catalogue` does
        sections={**DEFAULT_SECTIONS, SECTION: names},
        hint=site.hint("disclosure_url"),
    )
    if search.home is not None:
        return home_verdict(search.home, _("the {section} section").format(section=SECTION))
    evidence: list[Evidence] = []
    if search.candidate is not None and search.outcome is not None:
        evidence += [search.candidate.evidence(), search.outcome.evidence()]
    links = list(search.sections.get(SECTION, ()))
    if not links:
        # the platform is the catalogue rule's business; the report may be linked elsewhere
        def not_section(text: str) -> bool:
            return section_rank(text, names) is None

        found = await find_links(site, names, reject=not_section)
        links = [candidate.link for candidate in found]
        evidence += [candidate.evidence() for candidate in found[:1]]
    if not links and not search.recognised and search.unread:
        # the platform may be the page we could not read: not a finding about the portal
        return _unread_platform(search, evidence)
    if not links:
        if search.page is not None:
            message = _("no {section} section found on the 政府信息公开 platform")
        else:
            message = _("no {section} section found from the home page")
        evidence.append(
            NoteEvidence(text=_("searched for: {names}").format(names=_(", ").join(names)))
        )
        return Verdict.failed(message.format(section=SECTION), evidence)
    return await load_section(site, SECTION, links), evidence


def _unread_platform(search: PlatformSearch, evidence: list[Evidence]) -> Verdict:
    """`error`: the section was not found, and the platform may be a page that refused gkaudit
    or could not be reached from here."""
    candidate, outcome = search.unread[0]
    if candidate is not search.candidate:
        evidence += [candidate.evidence(), outcome.evidence()]
    others = len(search.unread) - 1
    more = (
        ngettext(
            " (and {n} other page of the search)", " (and {n} other pages of the search)", others
        ).format(n=others)
        if others
        else ""
    )
    return Verdict.inconclusive(
        _(
            "the 政府信息公开 platform ({where}) at {url} could not be read: {why}{more}; "
            "cannot look for the {section} section on it"
        ).format(
            where=candidate.where(),
            url=candidate.link.url,
            why=describe(outcome),
            more=more,
            section=SECTION,
        ),
        evidence,
    )
