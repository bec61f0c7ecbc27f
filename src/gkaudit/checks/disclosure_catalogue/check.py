"""The 政府信息公开 platform exists and links its four standard sections, each loading.

Why: Plan clauses (十九) and (二十一): build the 政府信息公开 platform to the national norm and run
the disclosure system through it. 国办公开办函〔2019〕61号 makes every agency publish its
法定主动公开内容 on one platform, the portal's 政府信息公开 column, under one name and one
structure: 政府信息公开指南, 政府信息公开制度, 法定主动公开内容, 政府信息公开年报 (条例 第二十条,
第二十四条, 第四十九条).

What it checks: the platform from the home page: the `sites.yaml` hint `disclosure_url`; else the
best link whose text (normalized: full-width to half-width, whitespace removed, image `alt`
included) contains one of `keywords`, on the home page or the pages it links to (two levels, within
the portal's registered domain; the name itself over a longer text, navigation over body links);
else through a page linked as one of `detour` (政务公开), which either links the platform or is the
platform itself. A link that names a section (政府信息公开指南) is not taken for the platform.
Among the candidates, the first that links all sections wins, else the one linking the most.

Then, on the platform page, a link for each of `sections`. A section's name may carry a short
prefix or suffix without digits, and each section accepts several names: 信息公开指南,
政府信息公开制度文件, 信息公开年报 ("2025年政府信息公开年报" names a report, not the section). Each
section must load: 2xx HTML, after redirects and a meta refresh.

Params:
- `keywords`: texts naming the platform (default 政府信息公开, 信息公开).
- `detour`: texts naming the page the platform may hide under (default 政务公开).
- `sections`: standard name -> other accepted names; the standard name is always accepted.
- `hint`: the `sites.yaml` hint giving the platform's URL (default `disclosure_url`).

Passes when the platform is found and links every section, each loading.

Fails when no platform is found, when its page does not load, or when any section is missing
or broken: the message lists every one of them.

Inconclusive (`error`) when the home page cannot be fetched, or the platform or a section
refused gkaudit (HTTP 401, 403, 429) or could not be reached from here (and nothing else is
wrong).

Evidence: where the platform was found and its fetch; for each section, the link naming it,
or a note that none does, and the fetch of each broken one. Metrics: `sections`,
`sections_found`, `sections_loading`.
"""

from __future__ import annotations

import asyncio

from pydantic import Field, field_validator

from gkaudit.declaration import CheckParams, HintName, Texts, check
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, HtmlEvidence, NoteEvidence, Verdict
from gkaudit.net.http import inconclusive
from gkaudit.site.context import SiteContext
from gkaudit.site.pages import describe, home_verdict
from gkaudit.site.platform import (
    DEFAULT_PLATFORM_DETOUR,
    DEFAULT_PLATFORM_KEYWORDS,
    DEFAULT_SECTIONS,
    PlatformSearch,
    find_platform,
    load_section,
)
from gkaudit.text import normalize

WHAT = N_("the 政府信息公开 platform")


class Params(CheckParams):
    """Names of the platform, of the page it may hide under, and of its sections."""

    keywords: Texts = Field(
        DEFAULT_PLATFORM_KEYWORDS, min_length=1, description=N_("texts naming the platform")
    )
    detour: Texts = Field(
        DEFAULT_PLATFORM_DETOUR, description=N_("pages the platform may be reached through")
    )
    sections: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: dict(DEFAULT_SECTIONS),
        min_length=1,
        description=N_("standard section name -> other accepted names"),
    )
    hint: HintName = Field(
        "disclosure_url", description=N_("the sites.yaml hint giving the platform's URL")
    )

    @field_validator("sections")
    @classmethod
    def _named(cls, sections: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if any(not normalize(n) for name, names in sections.items() for n in (name, *names)):
            raise ValueError(_("a section name may not be blank"))
        return sections

    def accepted(self) -> dict[str, tuple[str, ...]]:
        """Every accepted name per section, the standard one first."""
        return {name: (name, *names) for name, names in self.sections.items()}


@check("disclosure_catalogue", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    search = await find_platform(
        site,
        keywords=params.keywords,
        detour=params.detour,
        sections=params.accepted(),
        hint=site.hint(params.hint) if params.hint else None,
    )
    if search.home is not None:
        return home_verdict(search.home, _(WHAT))
    if not search.recognised and search.unread:
        # the platform may be a page that refused gkaudit: no finding about the portal
        return _unread_platform(search)
    if search.candidate is None or search.outcome is None:
        places = "/".join(params.keywords)
        detour = (
            _(", nor through {names}").format(names="/".join(params.detour))
            if params.detour
            else ""
        )
        searched = _(", ").join(params.keywords + params.detour)
        return Verdict.failed(
            _("no link {names} on the home page or the pages it links to{detour}").format(
                names=places, detour=detour
            ),
            [NoteEvidence(text=_("searched for: {names}").format(names=searched))],
        )
    evidence: list[Evidence] = [search.candidate.evidence(), search.outcome.evidence()]
    where = _where(search)
    platform = search.page
    if platform is None:
        message = _("{what} ({where}) at {url} does not load: {why}").format(
            what=_(WHAT), where=where, url=search.candidate.link.url, why=describe(search.outcome)
        )
        if inconclusive(search.outcome):
            return Verdict.inconclusive(message, evidence)
        return Verdict.failed(message, evidence)

    sections = await asyncio.gather(
        *(load_section(site, name, links) for name, links in search.sections.items())
    )
    problems: list[str] = []
    ours = 0  # sections that failed in a way that may be our fault
    for section in sections:
        if section.link is None:
            problems.append(_("{section} missing").format(section=section.name))
            evidence.append(
                HtmlEvidence(
                    url=platform.final_url,
                    text=_("{section}: no link").format(section=section.name),
                )
            )
            continue
        evidence.append(
            HtmlEvidence(
                url=platform.final_url,
                text=f"{section.name}: “{section.link.text}”",
                href=section.link.url,
            )
        )
        if not section.ok and section.outcome is not None:
            evidence.append(section.outcome.evidence())
            problems.append(
                _("{section} ({url}) {why}").format(
                    section=section.name, url=section.link.url, why=describe(section.outcome)
                )
            )
            ours += inconclusive(section.outcome)
    found = sum(1 for s in sections if s.link is not None)
    metrics = {
        "sections": len(sections),
        "sections_found": found,
        "sections_loading": sum(1 for s in sections if s.ok),
    }
    at = _("{what} ({where}) at {url}").format(what=_(WHAT), where=where, url=platform.final_url)
    if problems:
        message = _("{at}: {problems}").format(at=at, problems=_("; ").join(problems))
        if ours == len(problems):
            return Verdict.inconclusive(message, evidence, **metrics)
        return Verdict.failed(message, evidence, **metrics)
    return Verdict.passed(
        _("{at} links all {n} sections, each loading").format(at=at, n=len(sections)),
        evidence,
        **metrics,
    )


def _unread_platform(search: PlatformSearch) -> Verdict:
    candidate, outcome = search.unread[0]
    return Verdict.inconclusive(
        _("{what} may be the page {where} at {url}, which could not be read: {why}").format(
            what=_(WHAT), where=candidate.where(), url=candidate.link.url, why=describe(outcome)
        ),
        [candidate.evidence(), outcome.evidence()],
    )


def _where(search: PlatformSearch) -> str:
    candidate = search.candidate
    if candidate is None or candidate.via_hint:
        return _("hinted in sites.yaml")
    if search.via == "link":
        return candidate.where()
    return _("through {page}, “{text}”").format(page=search.via, text=candidate.link.text)
