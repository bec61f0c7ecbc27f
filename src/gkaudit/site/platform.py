"""The 政府信息公开 platform (国办公开办函〔2019〕61号) and its four standard first-level sections:
found from the home page, directly or through a 政务公开 page, or from a hint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from gkaudit.html import Document, Link
from gkaudit.net.http import Outcome, Page, inconclusive
from gkaudit.site.chrome import chrome_of
from gkaudit.site.context import SiteContext
from gkaudit.site.links import MAX_CANDIDATES, Candidate, find_links
from gkaudit.site.pages import loads
from gkaudit.text import normalize

#: A section name may carry this much around it ("大连市人民政府信息公开指南", "…制度文件").
SECTION_SLACK = 8
#: Where the 政府信息公开 platform is looked for (国办公开办函〔2019〕61号 names it so).
DEFAULT_PLATFORM_KEYWORDS: tuple[str, ...] = ("政府信息公开", "信息公开")
#: The page many portals put it under.
DEFAULT_PLATFORM_DETOUR: tuple[str, ...] = ("政务公开",)
#: The four standard first-level sections, and names accepted for each.
DEFAULT_SECTIONS: Mapping[str, tuple[str, ...]] = {
    "政府信息公开指南": ("政府信息公开指南", "信息公开指南"),
    "政府信息公开制度": ("政府信息公开制度", "信息公开制度"),
    "法定主动公开内容": ("法定主动公开内容",),
    "政府信息公开年报": (
        "政府信息公开年报",
        "信息公开年报",
        "政府信息公开工作年度报告",
        "政府信息公开年度报告",
        "信息公开年度报告",
    ),
}
ANNUAL_REPORT_SECTION = "政府信息公开年报"


def section_rank(text: str, names: Sequence[str]) -> int | None:
    """How well a normalized link text names a section: 0 one of `names` exactly, 1 with a
    short prefix or suffix without digits ("中山区政府信息公开指南", "政府信息公开制度文件");
    None otherwise (a report title "2025年政府信息公开年报" names a report, not the section)."""
    best: int | None = None
    for name in (normalize(n) for n in names):
        start = text.find(name) if name else -1
        if start < 0:
            continue
        prefix, suffix = text[:start], text[start + len(name) :]
        if any(ch.isdigit() for ch in prefix + suffix):
            continue
        if len(prefix) > SECTION_SLACK or len(suffix) > SECTION_SLACK:
            continue
        rank = 0 if not prefix and not suffix else 1
        best = rank if best is None else min(best, rank)
    return best


def section_links(
    doc: Document, names: Sequence[str], chrome: frozenset[tuple[str, str]] = frozenset()
) -> list[Link]:
    """The links of `doc` naming the section, best first, one per URL."""
    ranked: list[tuple[tuple[int, int, int], Link]] = []
    for position, link in enumerate(doc.links):
        text = normalize(link.text)
        rank = section_rank(text, names)
        if rank is not None and link.url != doc.url:
            ranked.append(((rank, 0 if (link.url, text) in chrome else 1, position), link))
    ranked.sort(key=lambda r: r[0])
    out: dict[str, Link] = {}
    for _, link in ranked:
        out.setdefault(link.url, link)
    return list(out.values())


@dataclass(frozen=True, slots=True)
class Section:
    """One standard section of the platform: the link naming it and what it answered."""

    name: str
    link: Link | None = None  # None: no link names it
    outcome: Outcome | None = None  # of the link kept (the first that loads, else the best)

    @property
    def ok(self) -> bool:
        return self.link is not None and loads(self.outcome)

    @property
    def page(self) -> Page | None:
        return self.outcome if self.link is not None and loads(self.outcome) else None

    @property
    def missing(self) -> bool:
        return self.link is None


async def load_section(site: SiteContext, name: str, links: Sequence[Link]) -> Section:
    """The first of `links` (best first, at most 3) that loads; else the best, broken."""
    if not links:
        return Section(name)
    first: Section | None = None
    for link in links[:3]:
        section = Section(name, link, await site.open(link.url))
        if section.ok:
            return section
        first = first or section
    assert first is not None
    return first


@dataclass(frozen=True)
class PlatformSearch:
    """Where the platform was found (or why not) and the links to its sections on it."""

    home: Outcome | None = None  # set when the home page was needed and did not load
    candidate: Candidate | None = None
    outcome: Outcome | None = None  # the platform page
    via: str = ""  # "hint", "link" or "政务公开" (the detour)
    sections: Mapping[str, tuple[Link, ...]] = field(default_factory=dict)
    #: pages opened in the search (platform candidates, 政务公开 pages) that could not be read
    #: for a reason that may be ours (`inconclusive`): the platform may be behind any of them
    unread: tuple[tuple[Candidate, Outcome], ...] = ()

    @property
    def page(self) -> Page | None:
        return self.outcome if loads(self.outcome) else None

    @property
    def recognised(self) -> bool:
        """The page kept loads and links at least one standard section: it is the platform,
        not merely the best of the pages opened."""
        return self.page is not None and self.found > 0

    @property
    def found(self) -> int:
        return sum(1 for links in self.sections.values() if links)


async def _platform_at(
    site: SiteContext,
    candidate: Candidate,
    via: str,
    sections: Mapping[str, Sequence[str]],
) -> PlatformSearch:
    outcome = await site.open(candidate.link.url)
    if not loads(outcome):
        return PlatformSearch(candidate=candidate, outcome=outcome, via=via)
    chrome = await chrome_of(site)
    doc = site.document(outcome)
    found = {name: tuple(section_links(doc, names, chrome)) for name, names in sections.items()}
    return PlatformSearch(candidate=candidate, outcome=outcome, via=via, sections=found)


async def find_platform(
    site: SiteContext,
    *,
    keywords: Sequence[str] = DEFAULT_PLATFORM_KEYWORDS,
    detour: Sequence[str] = DEFAULT_PLATFORM_DETOUR,
    sections: Mapping[str, Sequence[str]] = DEFAULT_SECTIONS,
    hint: str | None = None,
) -> PlatformSearch:
    """The 政府信息公开 platform: the hint; else the best page linked as 政府信息公开 or 信息公开
    from the home page (two levels); else through a 政务公开 page, which either links the
    platform or is the platform itself (61号: built on the existing 政务公开 column).

    Candidates are opened best first; the first that links all `sections` wins, else the one
    linking the most (the earliest on a tie). A link that names a section itself
    (政府信息公开指南) is not a candidate for the platform. Pages of the search that refused
    gkaudit or could not be reached from here are listed in `unread`.
    """
    if hint:
        chooser = _Best(len(sections))
        await chooser.consider(site, Candidate.hint(hint, "disclosure_url"), "hint", sections)
        return chooser.result()
    home = await site.home()
    if not loads(home):
        return PlatformSearch(home=home)
    # a link naming any standard section is not the platform, even when not looked for
    names = [n for accepted in (*sections.values(), *DEFAULT_SECTIONS.values()) for n in accepted]

    def is_section(text: str) -> bool:
        return section_rank(text, names) is not None

    chooser = _Best(len(sections))
    for candidate in (await find_links(site, keywords, reject=is_section))[:MAX_CANDIDATES]:
        if await chooser.consider(site, candidate, "link", sections):
            return chooser.result()
    via = detour[0] if detour else "detour"
    for hub in (await find_links(site, detour, reject=is_section))[:2]:
        hub_page = await site.open(hub.link.url)
        if not loads(hub_page):
            chooser.note(hub, hub_page)
            continue
        inner = await find_links(site, keywords, start=hub_page, depth=1, reject=is_section)
        for candidate in inner[:2]:
            if await chooser.consider(site, candidate, via, sections):
                return chooser.result()
        # the 政务公开 page is the platform itself only if it links sections
        if await chooser.consider(site, hub, via, sections, need_sections=True):
            return chooser.result()
    return chooser.result()


class _Best:
    """Keeps the platform candidate linking the most sections (the first on a tie, so a
    link named 政府信息公开 that is broken is reported rather than an unrelated page)."""

    def __init__(self, wanted: int) -> None:
        self.wanted = wanted
        self.best = PlatformSearch()
        self._opened: set[str] = set()
        self._unread: dict[str, tuple[Candidate, Outcome]] = {}

    def note(self, candidate: Candidate, outcome: Outcome) -> None:
        """Remember a page that could not be read for a reason that may be ours."""
        if not loads(outcome) and inconclusive(outcome):
            self._unread.setdefault(candidate.link.url, (candidate, outcome))

    def result(self) -> PlatformSearch:
        return replace(self.best, unread=tuple(self._unread.values()))

    async def consider(
        self,
        site: SiteContext,
        candidate: Candidate,
        via: str,
        sections: Mapping[str, Sequence[str]],
        *,
        need_sections: bool = False,
    ) -> bool:
        """Open `candidate` (once per URL); True when it links every section."""
        if candidate.link.url in self._opened:
            return False
        self._opened.add(candidate.link.url)
        result = await _platform_at(site, candidate, via, sections)
        if result.outcome is not None:
            self.note(candidate, result.outcome)
        if need_sections and not result.found:
            return False
        if self.best.candidate is None or result.found > self.best.found:
            self.best = result
        return result.found == self.wanted
