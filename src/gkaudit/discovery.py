"""What the content checks share: finding a column or the 政府信息公开 platform from the home page,
telling a column from a single article, and dating a column.

Vocabulary (DESIGN.md): *site chrome* is the navigation, header and footer links that recur across
the site's pages (`SiteContext.chrome`); a **column** is a list page: it loads (2xx HTML) and lists
at least 3 links to items (articles, usually dated); a single article is not a column. "Found from
the home page" means among the links of the home page and of the pages it links to (two levels),
within the portal's registered domain, unless `sites.yaml` gives the URL as a hint.

Everything here is built on the public `SiteContext` methods, so every page is still fetched once
per run however many checks look at it. The pure functions (`list_items`, `reads_as_article`,
`link_rank`, `section_rank`, `report_years`, `due_year`...) take parsed documents, so they are
tested on saved portal HTML without a network.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeGuard

from gkaudit.context import SiteContext
from gkaudit.html import Document, Link, is_file_url
from gkaudit.model import Evidence, HtmlEvidence, NoteEvidence, SiteKind, Verdict
from gkaudit.net.http import FetchFailure, Outcome, Page, inconclusive
from gkaudit.text import normalize

__all__ = [
    "ANNUAL_REPORT_SECTION",
    "DEFAULT_DEADLINES",
    "DEFAULT_PLATFORM_DETOUR",
    "DEFAULT_PLATFORM_KEYWORDS",
    "DEFAULT_SECTIONS",
    "Candidate",
    "ColumnSearch",
    "Listing",
    "PlatformSearch",
    "Section",
    "cms_page_kind",
    "deadline_of",
    "describe",
    "due_year",
    "find_links",
    "find_platform",
    "home_page",
    "home_verdict",
    "inconclusive",
    "link_rank",
    "list_items",
    "load_section",
    "loads",
    "locate_column",
    "newest_date",
    "own_prose",
    "read_listing",
    "reads_as_article",
    "report_years",
    "section_links",
    "section_rank",
]

# --- tuning: each number is a judgement about real portals, kept here to be argued with --------

#: Characters a link text may add to a keyword and still *name* the column ("助企纾困专栏",
#: "政府信息公开专栏"); a longer text merely mentions it (a news title).
NAME_SLACK = 4
#: Candidate links opened, best first, before concluding that none of them is a column.
MAX_CANDIDATES = 4
#: Pages of the second level opened when the home page has no exact navigation link.
MAX_NAV_PAGES = 24
#: Shortest item title: shorter texts are menu entries ("政策文件") or buttons ("[原文]").
ITEM_MIN_CHARS = 5
#: With this many dated links a list is a dated list and its undated links are not items.
DATED_LIST = 3
#: An article: at least this much text of its own (outside links, and not also on the home
#: page, which takes out the header and footer every page repeats), and more than
#: ARTICLE_RATIO times the text of its would-be items. A list page is mostly link text and
#: dates; an article is mostly prose.
ARTICLE_MIN_CHARS = 200
ARTICLE_RATIO = 3
#: The same minimum when the home page is not there to take out the header and footer.
ARTICLE_MIN_CHARS_ALONE = 600
#: A section name may carry this much around it ("大连市人民政府信息公开指南", "…制度文件").
SECTION_SLACK = 8
#: Links that recur on this share of the sampled item pages are the article template's own
#: chrome (a sidebar the home page does not have), not content.
TEMPLATE_SHARE = 0.6
#: Fewer sampled pages than this cannot tell a template from content.
TEMPLATE_MIN_PAGES = 4

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
#: 条例 第四十九条: departments publish by 31 January, governments by 31 March (month, day).
DEFAULT_DEADLINES: Mapping[SiteKind, tuple[int, int]] = {
    SiteKind.CITY: (3, 31),
    SiteKind.DISTRICT: (3, 31),
    SiteKind.DEPARTMENT: (1, 31),
}

# Pagination, buttons and article neighbours: never items of a list.
_FUNCTIONAL_RE = re.compile(
    r"""^(?:
        [\d\s.…·|/<>«»›‹-]+
      | 首页|尾页|末页|上一?页|下一?页|前一?页|后一?页|第\d+页|跳转|确定|go|more|更多.*|查看更多.*
      | 详细|详情|全文|返回.*|打印.*|关闭.*|收藏.*|分享.*|字号.*|上一篇.*|下一篇.*
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_BRACKETS = "[]【】()（）<>《》〈〉「」『』:：>»«·|•◆■●▪-_ "


# --- outcomes ----------------------------------------------------------------------------------


def loads(outcome: Outcome | None) -> TypeGuard[Page]:
    """A 2xx HTML page."""
    return isinstance(outcome, Page) and outcome.ok and outcome.is_html


def describe(outcome: Outcome) -> str:
    """Why a page did not load, in a few words: `HTTP 404`, `timeout after 15 s`, `not HTML`."""
    if isinstance(outcome, FetchFailure):
        return outcome.message
    if not outcome.ok:
        return f"HTTP {outcome.status}"
    if not outcome.is_html:
        return f"not an HTML page ({outcome.content_type or 'no content type'})"
    return f"HTTP {outcome.status}"


async def home_page(site: SiteContext) -> Page | None:
    """The home page if it loads as 2xx HTML."""
    home = await site.home()
    return home if loads(home) else None


def home_verdict(home: Outcome, looking_for: str) -> Verdict:
    """`error`: without the home page nothing can be found from it (`site.reachable` says why)."""
    return Verdict.inconclusive(
        f"the home page could not be fetched ({describe(home)}): cannot look for {looking_for}",
        [home.evidence()],
    )


# --- columns -----------------------------------------------------------------------------------


def _core(text: str) -> str:
    return text.strip(_BRACKETS)


def list_items(
    doc: Document,
    *,
    chrome: frozenset[tuple[str, str]] = frozenset(),
    shared: frozenset[tuple[str, str]] = frozenset(),
) -> list[Link]:
    """The links of a list page that are its items, in list order, one per URL.

    Not items: links to the page itself, pagination and buttons (首页, 下一页, 更多>>, 打印),
    texts shorter than ITEM_MIN_CHARS, and undated links that are site `chrome` or `shared`
    with the page the list was found on (a sidebar of sibling columns). A dated link is an item
    even when the home page shows it too (a home page preview of the column). When at least
    DATED_LIST links are dated, the list is a dated list and only its dated links are items.
    """
    own = {doc.url}
    chosen: dict[str, Link] = {}
    for link in doc.links:
        if link.url in own:
            continue
        text = normalize(link.text)
        core = _core(text)
        if len(core) < ITEM_MIN_CHARS or _FUNCTIONAL_RE.match(core):
            continue
        if link.date is None and ((link.url, text) in chrome or (link.url, text) in shared):
            continue
        previous = chosen.get(link.url)
        if previous is None or (previous.date is None and link.date is not None):
            chosen[link.url] = link  # a dict keeps the first position when a value is replaced
    items = list(chosen.values())
    dated = [link for link in items if link.date is not None]
    return dated if len(dated) >= DATED_LIST else items


def cms_page_kind(doc: Document) -> str | None:
    """What the page's CMS says it is: `"list"` (ColumnName/ColumnType meta), `"article"`
    (ArticleTitle meta, 网页设计规范 of 国办发〔2017〕47号), or None."""
    if "columnname" in doc.meta_names or "columntype" in doc.meta_names:
        return "list"
    if "articletitle" in doc.meta_names:
        return "article"
    return None


def own_prose(doc: Document, reference: Document | None = None) -> int:
    """Characters of text on `doc` outside its links and not also on `reference` (the home
    page: its header and footer recur on every page). Texts are compared by the pieces
    between whitespace, which separates text nodes in `Document.text`."""
    seen = set(reference.text.split()) if reference is not None else set()
    for link in doc.links:
        seen.update(link.text.split())
    return sum(len(normalize(piece)) for piece in doc.text.split() if piece not in seen)


def reads_as_article(
    doc: Document, items: Sequence[Link], reference: Document | None = None
) -> bool:
    """A single article rather than a list: the CMS meta says so; or, without such meta, the
    page is mostly prose of its own (see `own_prose`, ARTICLE_MIN_CHARS and ARTICLE_RATIO):
    related links under an article do not make it a list."""
    kind = cms_page_kind(doc)
    if kind is not None:
        return kind == "article"
    prose = own_prose(doc, reference)
    item_chars = sum(len(normalize(link.text)) for link in items)
    minimum = ARTICLE_MIN_CHARS if reference is not None else ARTICLE_MIN_CHARS_ALONE
    return prose >= minimum and prose > ARTICLE_RATIO * item_chars


def newest_date(items: Iterable[Link], as_of: dt.date) -> dt.date | None:
    """The newest item date not after `as_of` (a later date is a typo or a forged date, and
    would hide a stale column)."""
    return max((link.date for link in items if link.date and link.date <= as_of), default=None)


@dataclass(frozen=True, slots=True)
class Listing:
    """A URL opened as a would-be column: what it answered and what it lists."""

    url: str  # as linked (or hinted)
    outcome: Outcome  # after redirects, refreshes and frames
    min_items: int
    items: tuple[Link, ...] = ()
    article: bool = False

    @property
    def page(self) -> Page | None:
        return self.outcome if loads(self.outcome) else None

    @property
    def is_column(self) -> bool:
        return self.page is not None and not self.article and len(self.items) >= self.min_items

    @property
    def dated(self) -> int:
        return sum(1 for link in self.items if link.date is not None)

    def newest(self, as_of: dt.date) -> dt.date | None:
        return newest_date(self.items, as_of)

    @property
    def inconclusive(self) -> bool:
        return self.page is None and inconclusive(self.outcome)

    def problem(self) -> str:
        """Why it is not a column (empty for a column)."""
        if self.page is None:
            return f"does not load: {describe(self.outcome)}"
        if self.article:
            return "is a single article, not a column"
        if len(self.items) < self.min_items:
            return (
                f"lists {len(self.items)} item link{'' if len(self.items) == 1 else 's'}, "
                f"not a column (a column lists at least {self.min_items})"
            )
        return ""


async def read_listing(
    site: SiteContext, url: str, *, min_items: int, found_on: Page | None = None
) -> Listing:
    """Open `url` and read it as a column (see `list_items` and `reads_as_article`)."""
    outcome = await site.open(url)
    if not loads(outcome):
        return Listing(url, outcome, min_items)
    doc = outcome.document()
    chrome = await site.chrome()
    shared: frozenset[tuple[str, str]] = frozenset()
    if found_on is not None and found_on.final_url != outcome.final_url:
        shared = frozenset(link.key for link in found_on.document().links)
    items = list_items(doc, chrome=chrome, shared=shared)
    home = await home_page(site)
    reference = home.document() if home is not None else None
    return Listing(
        url,
        outcome,
        min_items,
        items=tuple(items),
        article=reads_as_article(doc, items, reference),
    )


# --- finding links -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A link whose text names what is looked for, where it was found, and how well it fits."""

    link: Link
    on: str  # the URL of the page that carries it ("sites.yaml" for a hint)
    depth: int  # 0 hint, 1 on the start page, 2 on a page the start page links to
    name: int = 0  # 0 the keyword itself, 1 with a short prefix/suffix, 2 a longer text
    place: int = 0  # 0 site chrome (navigation), 1 body, 2 a dated body link (an article)
    order: int = 0  # position in the search, for a stable order
    source: Page | None = field(default=None, compare=False, repr=False)  # the page at `on`

    @property
    def rank(self) -> tuple[int, int, int, int]:
        """Best first: exact name over a longer text, navigation over body over article
        links, shallower over deeper, earlier over later."""
        return (self.name, self.place, self.depth, self.order)

    @property
    def via_hint(self) -> bool:
        return self.depth == 0

    def evidence(self) -> Evidence:
        if self.via_hint:
            return NoteEvidence(text=f"URL given as a hint in sites.yaml: {self.link.url}")
        return HtmlEvidence(url=self.on, text=self.link.text, href=self.link.url)

    @classmethod
    def hint(cls, url: str, name: str) -> Candidate:
        return cls(Link(url=url, text=f"({name})", label="", date=None), on="sites.yaml", depth=0)


def link_rank(text: str, keywords: Sequence[str]) -> int | None:
    """How well a normalized link text names one of the normalized `keywords`: 0 exactly,
    1 with at most NAME_SLACK characters around it, 2 within a longer text; None if absent."""
    best: int | None = None
    for keyword in keywords:
        if not keyword or keyword not in text:
            continue
        rank = 0 if text == keyword else 1 if len(text) <= len(keyword) + NAME_SLACK else 2
        best = rank if best is None else min(best, rank)
    return best


def _matches(
    site: SiteContext,
    page: Page,
    wanted: Sequence[str],
    chrome: frozenset[tuple[str, str]],
    depth: int,
    first: int,
    reject: Callable[[str], bool] | None,
) -> list[Candidate]:
    doc = page.document()
    out = []
    for position, link in enumerate(doc.links):
        text = normalize(link.text)
        if not text or link.url == doc.url or not site.is_internal(link.url):
            continue
        rank = link_rank(text, wanted)
        if rank is None or (reject is not None and reject(text)):
            continue
        place = 0 if (link.url, text) in chrome else 2 if link.date is not None else 1
        out.append(Candidate(link, doc.url, depth, rank, place, first + position, page))
    return out


def _crawl_targets(
    site: SiteContext, doc: Document, chrome: frozenset[tuple[str, str]]
) -> list[str]:
    """Second-level pages worth opening: internal, not articles (dated) nor files;
    navigation first."""
    nav: list[str] = []
    other: list[str] = []
    seen = {doc.url}
    for link in doc.links:
        url = link.url
        if url in seen or link.date is not None or not site.is_internal(url):
            continue
        if is_file_url(url):
            continue
        seen.add(url)
        (nav if (url, normalize(link.text)) in chrome else other).append(url)
    return (nav + other)[:MAX_NAV_PAGES]


async def find_links(
    site: SiteContext,
    keywords: Sequence[str],
    *,
    start: Page | None = None,
    depth: int = 2,
    reject: Callable[[str], bool] | None = None,
) -> list[Candidate]:
    """Internal links whose normalized text contains one of `keywords`, best first (see
    `Candidate.rank`), one per URL, from `start` (the home page by default) and, with depth 2,
    from the pages it links to (navigation first, at most MAX_NAV_PAGES).

    Unlike a first-match search, a news title that mentions the keyword on the home page does
    not hide the column linked by name one level down. `reject` drops texts (normalized)
    that match but name something else (a catalogue section is not the platform).
    """
    wanted = [w for w in (normalize(k) for k in keywords) if w]
    root = start if start is not None else await home_page(site)
    if root is None or not wanted:
        return []
    chrome = await site.chrome()
    root_doc = root.document()
    found = _matches(site, root, wanted, chrome, 1, 0, reject)
    found.sort(key=lambda c: c.rank)
    exact_nav = bool(found) and found[0].name == 0 and found[0].place == 0
    if depth >= 2 and not exact_nav:
        targets = _crawl_targets(site, root_doc, chrome)
        pages = await asyncio.gather(*(site.open(url) for url in targets))
        offset = len(root_doc.links)
        for page in pages:
            if loads(page):
                found += _matches(site, page, wanted, chrome, 2, offset, reject)
                offset += len(page.document().links)
    found.sort(key=lambda c: c.rank)
    best: dict[str, Candidate] = {}
    for candidate in found:
        best.setdefault(candidate.link.url, candidate)
    return list(best.values())


# --- a column by keywords ----------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSearch:
    """The outcome of looking for a column: the candidates opened, in order, and the column."""

    keywords: tuple[str, ...]
    home: Outcome | None = None  # set when the home page was needed and did not load
    tried: tuple[tuple[Candidate, Listing], ...] = ()

    @property
    def found(self) -> tuple[Candidate, Listing] | None:
        """The first candidate that is a column."""
        return next(((c, listing) for c, listing in self.tried if listing.is_column), None)

    @property
    def what(self) -> str:
        return f"the {self.keywords[0]} column" if self.keywords else "the column"

    def evidence(self) -> list[Evidence]:
        evidence: list[Evidence] = []
        for candidate, listing in self.tried:
            evidence.append(candidate.evidence())
            evidence.append(listing.outcome.evidence())
        return evidence

    def failure(self) -> Verdict:
        """The verdict when no column was found (`found` is None)."""
        if self.home is not None:
            return home_verdict(self.home, self.what)
        if not self.tried:
            names = " or ".join(self.keywords)
            return Verdict.failed(
                f"no link whose text contains {names} on the home page or the pages it links to",
                [NoteEvidence(text=f"searched for: {', '.join(self.keywords)}")],
            )
        candidate, listing = self.tried[0]
        others = ""
        if len(self.tried) > 1:
            others = f" ({len(self.tried) - 1} other matching link(s) are no column either)"
        where = "hinted in sites.yaml" if candidate.via_hint else f"“{candidate.link.text}”"
        message = f"{self.what} ({where}) at {listing.url} {listing.problem()}{others}"
        if listing.inconclusive:  # the best candidate, and we could not open it
            return Verdict.inconclusive(message, self.evidence())
        return Verdict.failed(message, self.evidence())


async def locate_column(
    site: SiteContext, keywords: Sequence[str], *, hint: str | None, min_items: int = 3
) -> ColumnSearch:
    """Find a column by link text from the home page (or take the hint), opening the best
    candidates in turn until one is a column (at most MAX_CANDIDATES)."""
    words = tuple(keywords)
    if hint:
        listing = await read_listing(site, hint, min_items=min_items)
        return ColumnSearch(words, tried=((Candidate.hint(hint, "hint"), listing),))
    home = await site.home()
    if not loads(home):
        return ColumnSearch(words, home=home)
    candidates = await find_links(site, words)
    tried: list[tuple[Candidate, Listing]] = []
    for candidate in candidates[:MAX_CANDIDATES]:
        # a page of the second level shares its sidebar with the column; the home page may
        # rather preview the column's own items, undated
        found_on = candidate.source if candidate.depth == 2 else None
        listing = await read_listing(
            site, candidate.link.url, min_items=min_items, found_on=found_on
        )
        tried.append((candidate, listing))
        if listing.is_column:
            break
    return ColumnSearch(words, tried=tuple(tried))


# --- the 政府信息公开 platform and its sections ----------------------------------------------


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
    chrome = await site.chrome()
    doc = outcome.document()
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


# --- annual reports ----------------------------------------------------------------------------


def report_years(
    links: Iterable[Link], pattern: re.Pattern[str], as_of: dt.date
) -> dict[int, Link]:
    """Year -> the first link whose normalized text matches `pattern` (group 1 is the year of
    the report, whatever the publication date); years after `as_of` are typos and dropped, and
    so are matches where group 1 is empty or not a number (an optional group, `(\\d{4})?`)."""
    years: dict[int, Link] = {}
    for link in links:
        match = pattern.search(normalize(link.text))
        if match is None:
            continue
        try:
            group = match.group(1)
        except IndexError:  # no group: `Params` of the check rejects such a pattern
            continue
        if group is None:  # an optional group that took no part in the match: no year
            continue
        try:
            year = int(group)
        except ValueError:
            continue
        if 1990 <= year <= as_of.year:
            years.setdefault(year, link)
    return years


def due_year(kind: SiteKind, as_of: dt.date, deadlines: Mapping[SiteKind, tuple[int, int]]) -> int:
    """The latest year whose report must be out on `as_of` (条例 第四十九条): the previous
    year's once its deadline has passed, else the year before that. On the deadline day
    itself the report is not late yet."""
    month, day = deadlines[kind]
    return as_of.year - 1 if as_of > dt.date(as_of.year, month, day) else as_of.year - 2


def deadline_of(
    year: int, kind: SiteKind, deadlines: Mapping[SiteKind, tuple[int, int]]
) -> dt.date:
    month, day = deadlines[kind]
    return dt.date(year + 1, month, day)
