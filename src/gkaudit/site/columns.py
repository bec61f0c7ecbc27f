"""Columns and listings: telling a column (a list page) from a single article, its items and
their dates, and finding a column by the text of the link naming it.

Vocabulary (DESIGN.md): a **column** is a list page: it loads (2xx HTML) and lists at least 3
links to items (articles, usually dated); a single article is not a column. The pure functions
(`list_items`, `reads_as_article`, `cms_page_kind`, `own_prose`, `newest_date`) take parsed
documents, so they are tested on saved portal HTML without a network.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gkaudit.html import Document, Link
from gkaudit.i18n import _, ngettext
from gkaudit.model import Evidence, NoteEvidence, Verdict
from gkaudit.net.http import Outcome, Page, inconclusive
from gkaudit.site.chrome import chrome_of
from gkaudit.site.context import SiteContext
from gkaudit.site.links import MAX_CANDIDATES, Candidate, find_links
from gkaudit.site.pages import describe, home_page, home_verdict, loads
from gkaudit.text import normalize

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
#: Links that recur on this share of the sampled item pages are the article template's own
#: chrome (a sidebar the home page does not have), not content.
TEMPLATE_SHARE = 0.6
#: Fewer sampled pages than this cannot tell a template from content.
TEMPLATE_MIN_PAGES = 4

# Pagination, buttons and article neighbours: never items of a list.
_FUNCTIONAL_RE = re.compile(
    r"""^(?:
        [\d\s.…·|/<>«»›‹-]+
      | 首页|尾页|末页|上一?页|下一?页|前一?页|后一?页|第\d+页|跳转|确定|go|more|更多.*|查看更多.*
      | 详细|详情|全文|返回.*|打印.*|关闭.*|收藏.*|分享.*|字号.*|上一篇.*|下一篇.*
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
# The other pages of the same list: TRS "index_2.html" beside "index.html" (what its
# createPageHTML script writes), or the same path with a page number in the query.
_PAGE_NAME_RE = re.compile(r"index_[0-9]+\.s?html?\Z")
_PAGE_QUERY_RE = re.compile(r"(?:\A|&)(?:page|pageno|pagenum|pageindex|currentpage|curpage)=", re.I)
_BRACKETS = "[]【】()（）<>《》〈〉「」『』:：>»«·|•◆■●▪-_ "


def _core(text: str) -> str:
    return text.strip(_BRACKETS)


def is_button(text: str) -> bool:
    """A normalized link text that is pagination or a button (下一页, 更多>>, 打印), never the
    name of an item or a column."""
    return _FUNCTIONAL_RE.match(_core(text)) is not None


def is_pagination(url: str, list_url: str) -> bool:
    """`url` is another page of the list at `list_url` (TRS ``index_2.html``, ``?page=2``)."""
    path, _, query = url.partition("?")
    directory, _, name = path.rpartition("/")
    list_path = list_url.partition("?")[0]
    if directory != list_path.rpartition("/")[0]:
        return False
    return bool(_PAGE_NAME_RE.match(name)) or (
        path == list_path and _PAGE_QUERY_RE.search(query) is not None
    )


def list_items(
    doc: Document,
    *,
    chrome: frozenset[tuple[str, str]] = frozenset(),
    shared: frozenset[tuple[str, str]] = frozenset(),
) -> list[Link]:
    """The links of a list page that are its items, in list order, one per URL.

    Not items: links to the page itself, pagination and buttons (首页, 下一页, 更多>>, 打印;
    links to the list's other pages, TRS ``index_2.html`` or ``?page=2``, whatever their text),
    texts shorter than ITEM_MIN_CHARS, and undated links that are site `chrome` or `shared`
    with the page the list was found on (a sidebar of sibling columns). A dated link is an item
    even when the home page shows it too (a home page preview of the column). When at least
    DATED_LIST links are dated, the list is a dated list and only its dated links are items.
    """
    own = {doc.url}
    chosen: dict[str, Link] = {}
    for link in doc.links:
        if link.url in own or is_pagination(link.url, doc.url):
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
    """What the page's CMS says it is: `"article"` (ArticleTitle meta, 网页设计规范 of
    国办发〔2017〕47号), else `"list"` (ColumnName/ColumnType meta), or None. The design rules
    put the column metas on an article page too (the column it belongs to), beside its
    ArticleTitle, so ArticleTitle decides."""
    if "articletitle" in doc.meta_names:
        return "article"
    if "columnname" in doc.meta_names or "columntype" in doc.meta_names:
        return "list"
    return None


def own_text(doc: Document, reference: Document | None = None) -> list[str]:
    """The pieces of text on `doc` outside its links and not also on `reference` (the home
    page: its header and footer recur on every page), normalized. Texts are compared by the
    pieces between whitespace, which separates text nodes in `Document.text`."""
    seen = set(reference.text.split()) if reference is not None else set()
    for link in doc.links:
        seen.update(link.text.split())
    return [normalize(piece) for piece in doc.text.split() if piece not in seen]


def own_prose(doc: Document, reference: Document | None = None) -> int:
    """Characters of `own_text`."""
    return sum(len(piece) for piece in own_text(doc, reference))


def reads_as_article(
    doc: Document, items: Sequence[Link], reference: Document | None = None
) -> bool:
    """A single article rather than a list: its CMS says ArticleTitle; or the page is mostly
    prose of its own (see `own_prose`, ARTICLE_MIN_CHARS and ARTICLE_RATIO): related links
    under an article do not make it a list. Column metas alone (an article that names its
    column) give way to an article's prose, unless the page lists DATED_LIST dated items."""
    kind = cms_page_kind(doc)
    if kind == "article":
        return True
    if kind == "list" and sum(1 for link in items if link.date is not None) >= DATED_LIST:
        return False
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
    #: Why the page was not rendered in a browser (no browser here, or `--browser never`).
    unrendered: str = ""

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
    def script_built(self) -> bool:
        """Too few items read, on a page whose list a script fills from an API, and no browser
        ran that script: what the page lists is unknown."""
        page = self.page
        return (
            page is not None
            and page.scripted
            and not page.rendered
            and not self.article
            and len(self.items) < self.min_items
        )

    @property
    def inconclusive(self) -> bool:
        return (self.page is None and inconclusive(self.outcome)) or self.script_built

    def problem(self) -> str:
        """Why it is not a column (empty for a column)."""
        if self.page is None:
            return _("does not load: {why}").format(why=describe(self.outcome))
        if self.script_built:
            return _(
                "is a list built by JavaScript (a script fills it from an API), which only a "
                "browser shows: {why}"
            ).format(why=self.unrendered)
        if self.article:
            return _("is a single article, not a column")
        if len(self.items) < self.min_items:
            return ngettext(
                "lists {n} item link, not a column (a column lists at least {min})",
                "lists {n} item links, not a column (a column lists at least {min})",
                len(self.items),
            ).format(n=len(self.items), min=self.min_items)
        return ""


async def read_listing(
    site: SiteContext, url: str, *, min_items: int, found_on: Page | None = None
) -> Listing:
    """Open `url` and read it as a column (see `list_items` and `reads_as_article`); a list
    that a script fills is read again as the browser shows it, when there is one."""
    listing = await _read(site, url, await site.open(url), min_items, found_on)
    if listing.script_built and listing.page is not None and site.can_render:
        rendered = await site.render(listing.page.final_url)
        if loads(rendered):
            return await _read(site, url, rendered, min_items, found_on)
    return listing


async def _read(
    site: SiteContext, url: str, outcome: Outcome, min_items: int, found_on: Page | None
) -> Listing:
    if not loads(outcome):
        return Listing(url, outcome, min_items, unrendered=site.unrendered)
    doc = site.document(outcome)
    chrome = await chrome_of(site)
    shared: frozenset[tuple[str, str]] = frozenset()
    if found_on is not None and found_on.final_url != outcome.final_url:
        shared = frozenset(link.key for link in site.document(found_on).links)
    items = list_items(doc, chrome=chrome, shared=shared)
    home = await home_page(site)
    reference = site.document(home) if home is not None else None
    return Listing(
        url,
        outcome,
        min_items,
        items=tuple(items),
        article=reads_as_article(doc, items, reference),
        unrendered=site.unrendered,
    )


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
        if not self.keywords:
            return _("the column")
        return _("the {name} column").format(name=self.keywords[0])

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
            names = _(" or ").join(self.keywords)
            return Verdict.failed(
                _(
                    "no link whose text contains {names} on the home page or the pages it links to"
                ).format(names=names),
                [
                    NoteEvidence(
                        text=_("searched for: {names}").format(names=_(", ").join(self.keywords))
                    )
                ],
            )
        candidate, listing = self.tried[0]
        others = ""
        if len(self.tried) > 1:
            others = _(" ({n} other matching link(s) are no column either)").format(
                n=len(self.tried) - 1
            )
        message = _("{what} ({where}) at {url} {problem}{others}").format(
            what=self.what,
            where=candidate.where(),
            url=listing.url,
            problem=listing.problem(),
            others=others,
        )
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
