"""The tables an office's documents are made of, shared by the spreadsheet and HTML reports:
the 整改清单 (one row per problem) and the site x rule matrix with its pass rates."""

from __future__ import annotations

from dataclasses import dataclass

from gkaudit.i18n import N_, _
from gkaudit.model import STATUS_RANK, Report, Result, SiteReport, Status
from gkaudit.reporters.past import Past

#: Results an office has to act on or look into, worst first.
PROBLEMS = (Status.FAIL, Status.WARN, Status.ERROR)

HEADERS = (
    N_("No."),
    N_("Site"),
    N_("Sponsor"),
    N_("Rule"),
    N_("Clause"),
    N_("Conclusion"),
    N_("Problem"),
    N_("Evidence links"),
    N_("First found"),
    N_("Days open"),
    N_("What to fix"),
    N_("Inspector's marks"),
)

#: What to fix, by the rule's family (the part of its id before the dot).
_ADVICE = {
    "site": N_("Restore access to the portal's home page and keep it reachable."),
    "ipv6": N_(
        "Ask the portal's operator to complete IPv6 support (AAAA records, IPv6 access "
        "to the home page and its links, IPv6 name servers)."
    ),
    "column": N_("Keep the required column on the portal and update it within the plan's time."),
    "policy": N_("Publish an interpretation with every policy document and link them."),
    "disclosure": N_(
        "Complete the government information disclosure platform: the standard columns "
        "and the annual reports, reachable from the portal."
    ),
}
#: What to fix, for the rules whose family's advice does not fit them (a search, an update, an
#: identity item...): read before the family's.
_RULE_ADVICE = {
    "site.home-updated": N_("Update the home page with news and notices at least every two weeks."),
    "site.search": N_(
        "Provide a site search on the home page that finds the newest home-page items."
    ),
    "columns.updated": N_(
        "Update the columns listed on time (news within two weeks, notices and policy documents "
        "within six months), or merge or close the columns nobody updates."
    ),
    "columns.blank": N_("Fill the blank columns, or remove them."),
    "policy.interpretation-forms": N_(
        "Publish interpretations in richer forms: charts, one-picture explainers, videos."
    ),
    "disclosure.annual-report": N_(
        "Publish last year's annual report on government information disclosure in its column "
        "by the deadline of article 49 of the regulations."
    ),
    "privacy.personal-data": N_(
        "Take the personal data down or mask it at once (an ID number keeps its first 2 and last "
        "3 digits, a mobile number its first 3 and last 4), and review texts before they are "
        "published."
    ),
    "wording.severe": N_(
        "Correct the severe wording at once and review texts before they are published."
    ),
    "wording.typos": N_("Correct the typos and proofread texts before they are published."),
    "feedback.jiucuo": N_(
        "Put the 我为政府网站找错 entrance on the home page, with the portal's own site code."
    ),
    "identity.site-code": N_(
        'Show the portal\'s site code in the footer and in <meta name="SiteIDCode">.'
    ),
    "identity.icp": N_("Show the ICP record number in the footer, linked to beian.miit.gov.cn."),
    "identity.police-record": N_(
        "Show the public security record number (14 digits) in the footer, linked to beian.gov.cn."
    ),
    "identity.conac-badge": N_("Put the 党政机关网站标识 (bszs.conac.cn) in the footer."),
    "identity.sponsor": N_("Show the portal's sponsor and its contact in the footer."),
    "interaction.channel": N_(
        "Provide a working online channel for questions and suggestions (领导信箱, 咨询投诉, 留言)."
    ),
    "interaction.response": N_(
        "Answer every valid message within three months and publish the answer; act at once on "
        "those waiting for two."
    ),
    "links.broken": N_(
        "Repair or remove the broken links (home page, second-level pages, images, attachments "
        "and outside links)."
    ),
}
_ADVICE_ERROR = N_(
    "gkaudit could not decide: check this by hand, or remove the obstacle named in the "
    "problem and scan again."
)
_ADVICE_OTHER = N_("Fix the problem described and scan again.")


@dataclass(frozen=True)
class Row:
    """One problem of the 整改清单."""

    number: int
    site: str
    sponsor: str
    rule: str
    clause: str
    conclusion: str
    problem: str
    urls: tuple[str, ...]
    first_found: str
    days_open: int | None
    advice: str
    status: Status
    marks: str = ""

    def cells(self) -> list[str | int]:
        return [
            self.number,
            self.site,
            self.sponsor,
            self.rule,
            self.clause,
            self.conclusion,
            self.problem,
            "\n".join(self.urls),
            self.first_found,
            "" if self.days_open is None else self.days_open,
            self.advice,
            self.marks,
        ]


def headers() -> list[str]:
    return [_(text) for text in HEADERS]


def rule_advice(rule: str) -> str:
    """What to fix when `rule` fails: its own advice, else its family's."""
    found = _RULE_ADVICE.get(rule) or _ADVICE.get(rule.partition(".")[0], _ADVICE_OTHER)
    return _(found)


def advice(result: Result) -> str:
    """What to do about `result`: fix it, or look by hand when gkaudit could not decide."""
    return _(_ADVICE_ERROR) if result.status is Status.ERROR else rule_advice(result.rule)


def urls(result: Result) -> tuple[str, ...]:
    """The pages and links the evidence names, in order, each once."""
    found: dict[str, None] = {}
    for item in result.evidence:
        for url in (getattr(item, "url", None), getattr(item, "href", None)):
            if isinstance(url, str) and url:
                found[url] = None
    return tuple(found)


def listed(result: Result) -> bool:
    """Whether a document of problems lists `result`: a problem, or a result an inspector
    marked (a waiver, a false alarm struck from a passing one)."""
    return result.status in PROBLEMS or bool(result.marks)


def marks(result: Result) -> str:
    """The inspectors' marks on `result`, one a line."""
    return "\n".join(mark.describe() for mark in result.marks)


def rows(report: Report, past: Past | None = None) -> list[Row]:
    """Every problem of `report` (and every marked result), site by site, worst first. Without a
    history, 首次发现 and 持续天数 stay empty: the report alone cannot say since when a problem
    stands."""
    problems = [
        (site, result)
        for site in report.sites
        for result in sorted(site.results, key=lambda r: -STATUS_RANK[r.status])
        if listed(result)
    ]
    out = []
    for number, (site, result) in enumerate(problems, start=1):
        first = past.first_seen(site.id, result.rule, report) if past else None
        out.append(
            Row(
                number=number,
                site=site.url,
                sponsor=site.name,
                rule=f"{result.rule} {result.title}",
                clause=result.clause,
                conclusion=_(result.status.value),
                problem=result.message,
                urls=urls(result),
                first_found="" if first is None else first.date().isoformat(),
                days_open=None if first is None else max(0, (report.as_of - first.date()).days),
                advice=advice(result),
                status=result.status,
                marks=marks(result),
            )
        )
    return out


def rule_ids(report: Report) -> list[tuple[str, str]]:
    """(id, title) of every rule in the report, in plan order."""
    seen: dict[str, str] = {}
    for _site, result in report.results():
        seen.setdefault(result.rule, result.title)
    return list(seen.items())


def pass_rate(results: list[Result]) -> float | None:
    """Share of the conclusive, applicable results that passed; None when there is none."""
    decided = [r for r in results if r.status not in (Status.ERROR, Status.SKIP)]
    return sum(r.status is Status.PASS for r in decided) / len(decided) if decided else None


def result_of(site: SiteReport, rule: str) -> Result | None:
    return next((r for r in site.results if r.rule == rule), None)


def cell_label(result: Result) -> str:
    """A matrix cell: the conclusion, and whether an inspector marked it."""
    label = _(result.status.value)
    if result.waived:
        return _("{status} (waived)").format(status=label)
    if any(mark.kind == "false_alarm" for mark in result.marks):
        return _("{status} (false alarm struck)").format(status=label)
    return label


def rule_pass_rate(report: Report, rule: str) -> float | None:
    return pass_rate([r for _s, r in report.results() if r.rule == rule])


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"
