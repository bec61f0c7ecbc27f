"""Finding links by their text from the home page: the candidates a column or the 政府信息公开
platform may be behind, ranked by how well they name it and where they sit.

"Found from the home page" means among the links of the home page and of the pages it links to
(two levels), within the portal's registered domain, unless `sites.yaml` gives the URL as a
hint. *Site chrome* (`gkaudit.site.chrome`) is the navigation, header and footer links that recur
across the site's pages; a link in it ranks above one in the body.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gkaudit.html import Document, Link, is_file_url
from gkaudit.i18n import _
from gkaudit.model import Evidence, HtmlEvidence, NoteEvidence
from gkaudit.net.http import Page
from gkaudit.site.chrome import chrome_of
from gkaudit.site.context import SiteContext
from gkaudit.site.pages import home_page, loads
from gkaudit.text import normalize

#: Characters a link text may add to a keyword and still *name* the column ("助企纾困专栏",
#: "政府信息公开专栏"); a longer text merely mentions it (a news title).
NAME_SLACK = 4
#: Candidate links opened, best first, before concluding that none of them is a column.
MAX_CANDIDATES = 4
#: Pages of the second level opened when the home page has no exact navigation link.
MAX_NAV_PAGES = 24


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

    def where(self) -> str:
        """How it was found, in a report's words: its link text, or the hint."""
        return _("hinted in sites.yaml") if self.via_hint else f"“{self.link.text}”"

    def evidence(self) -> Evidence:
        if self.via_hint:
            return NoteEvidence(
                text=_("URL given as a hint in sites.yaml: {url}").format(url=self.link.url)
            )
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
    doc = site.document(page)
    out = []
    for position, link in enumerate(doc.links):
        text = normalize(link.text)
        if not text or link.url == doc.url:
            continue
        rank = link_rank(text, wanted)  # before the host: most links name nothing wanted
        if rank is None or not site.is_internal(link.url) or (reject is not None and reject(text)):
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
    chrome = await chrome_of(site)
    root_doc = site.document(root)
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
                offset += len(site.document(page).links)
    found.sort(key=lambda c: c.rank)
    best: dict[str, Candidate] = {}
    for candidate in found:
        best.setdefault(candidate.link.url, candidate)
    return list(best.values())


async def second_level(site: SiteContext, page: Page) -> list[str]:
    """The second-level pages of `page` (the home page) worth opening, navigation first, at
    most MAX_NAV_PAGES: the ones `find_links` searches."""
    return _crawl_targets(site, site.document(page), await chrome_of(site))
