"""What a link shows beside its URL: its text, the label just before it (``原文：``) and the
date of the list item it sits in."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from gkaudit.dates import parse_dates

__all__ = [
    "ANCESTOR_DEPTH",
    "MULTIPLE",
    "TAG_A",
    "TAG_AREA",
    "TOP_TAGS",
    "Ancestor",
    "ItemDates",
    "collapse",
    "label_of",
    "link_text",
    "raw_text",
]


def _tag_ids(*names: str) -> frozenset[int]:
    """Lexbor's ids of these tags: a node's ``tag_id`` is a small int, its ``tag`` a new str
    decoded at every call (a parse asks for hundreds)."""
    document = LexborHTMLParser("")
    return frozenset(document.create_node(name).tag_id for name in names)


_ITEM_TAGS = _tag_ids(
    "li", "tr", "td", "dd", "dt", "dl", "p", "div", "span", "section", "article", "h3", "h4"
)
_INLINE_TAGS = _tag_ids(
    "span", "font", "strong", "b", "em", "i", "u", "label", "small", "big", "sup", "sub",
    "abbr", "cite", "code", "q", "s", "strike", "mark", "nobr", "time",
)  # fmt: skip
_SKIP_TEXT_TAGS = _tag_ids("script", "style", "noscript", "template")
# Bullets and icons ("<img src=dot.gif>") between a label and its link.
_TRANSPARENT_TAGS = _tag_ids("img", "wbr", "svg")
(TAG_A,) = _tag_ids("a")
(TAG_AREA,) = _tag_ids("area")
#: Where the walk up from a link stops.
TOP_TAGS = _tag_ids("body", "html")
(_TAG_IMG,) = _tag_ids("img")
ANCESTOR_DEPTH = 8
_ITEM_MAX_CHARS = 300
_LABEL_CHARS = 20
# URLs of CMS article pages carry their date: TRS ".../202611/t20261120_123.html", Hanweb
# "/art/2026/11/20/art_1_2.html", others "/2026-11/20/content_123.htm".
# Starts with the literal "20" (lookbehind after it) so that the regex engine can jump to it.
_URL_DATE_RE = re.compile(
    r"(20(?<![0-9]20)[0-9]{2})[-/]?(0[1-9]|1[0-2])[-/]?(0[1-9]|[12][0-9]|3[01])(?![0-9])"
)
MULTIPLE = object()
#: An enclosing element of a link, with its ``mem_id`` and ``tag_id`` (each a call into Lexbor).
Ancestor = tuple[LexborNode, int, int]
# A date has digits (ASCII or full-width); most link and item texts have none.
_DIGIT_RE = re.compile("[0-9\uff10-\uff19]")


def collapse(s: str) -> str:
    return " ".join(s.split())


def raw_text(node: LexborNode, with_images: bool) -> str | None:
    """The text of a link's own nodes, or None when it is not plain text (an ``<area>``'s alt,
    an image's alt inside the link)."""
    if with_images or node.tag_id == TAG_AREA:
        return None
    return node.text()


def link_text(node: LexborNode, raw: str | None) -> str:
    """`Link.text`, given the link's `raw_text`."""
    if raw is not None:
        text = raw
    elif node.tag_id == TAG_AREA:
        text = node.attrs.get("alt") or ""
    else:
        parts: list[str] = []
        for child in node.traverse(include_text=True):
            if child.is_text_node:
                parts.append(child.text_content or "")
            elif child.tag_id == _TAG_IMG:
                parts.append(f" {child.attrs.get('alt') or ''} ")
        text = "".join(parts)
    text = collapse(text)
    if not text:
        text = collapse(node.attrs.get("title") or "")
    return text


def label_of(node: LexborNode, ancestors: list[Ancestor], link_holders: dict[int, object]) -> str:
    """`Link.label`; ``ancestors`` are the link's (from the parse's first pass)."""
    if node.prev is None and (not ancestors or ancestors[0][2] not in _INLINE_TAGS):
        return ""  # most links: the first thing in their block
    parts: list[str] = []
    size = 0
    current = node
    while size < _LABEL_CHARS:
        previous = current.prev
        if previous is None:
            parent = current.parent
            if parent is None or parent.tag_id not in _INLINE_TAGS:
                break
            current = parent
            continue
        current = previous
        if previous.is_text_node:
            piece = previous.text_content or ""
        elif previous.is_element_node:
            tag = previous.tag_id
            if tag in _SKIP_TEXT_TAGS or tag in _TRANSPARENT_TAGS:
                continue
            # The text after an earlier link belongs to that link, not to this one.
            if tag not in _INLINE_TAGS or previous.mem_id in link_holders:
                break
            piece = previous.text()
        else:
            continue
        parts.append(piece)
        size += len(piece.strip())
    if not parts:
        return ""
    return collapse("".join(reversed(parts)))[-_LABEL_CHARS:].strip()


class ItemDates:
    """Finds the date shown with each link of one page."""

    __slots__ = (
        "_link_holders", "_page_text", "_page_year", "_page_year_known", "_pub_date", "_today",
        "_url",
    )  # fmt: skip

    def __init__(
        self,
        link_holders: dict[int, object],
        pub_date: dt.date | None,
        today: dt.date | None,
        page_text: Callable[[], str],
    ) -> None:
        self._link_holders = link_holders
        self._pub_date = pub_date
        self._today = today
        self._page_text = page_text
        self._page_year: int | None = None
        self._page_year_known = False
        self._url = ""

    def _year(self) -> int | None:
        """The year of a short date ("[11-20]") shown with the current link."""
        url_date = _URL_DATE_RE.search(self._url)
        if url_date is not None:
            return int(url_date.group(1))
        if not self._page_year_known:
            self._page_year = self._find_page_year()
            self._page_year_known = True
        return self._page_year

    def _find_page_year(self) -> int | None:
        # With the run's day known, a year-less date is read as the page's reader reads it:
        # the latest such day not after today (parse_dates steps back a year from today's).
        # Any other year would only make the item older: a year guessed from an old full date
        # elsewhere on the page (a pinned 专题, an old PubDate) turned a fresh [11-30] list
        # into a year-old one, a false 首页不更新.
        if self._today is not None:
            return self._today.year
        if self._pub_date is not None:
            return self._pub_date.year
        full = parse_dates(self._page_text())
        return max(full).year if full else None

    def date(
        self, node: LexborNode, url: str, ancestors: list[Ancestor], raw: str | None
    ) -> dt.date | None:
        """The date in the nearest enclosing item that leads to no other URL, or None.

        ``raw`` is the link's `raw_text`."""
        self._url = url
        holders = self._link_holders
        own_text: str | None = None
        digitless = False  # the link's text has no digit (an item around it had none)
        # While each enclosing element holds nothing but the one below it, its text is the
        # link's (separators aside, and short enough: the 300-character cut cannot apply):
        # menus' <li><a> items need no text of their own read.
        alone = raw is not None and 2 * len(raw) < _ITEM_MAX_CHARS
        child = node
        for ancestor, key, tag in ancestors:
            if holders.get(key) is MULTIPLE:
                break  # a list, not an item: its dates belong to other links too
            if alone:
                alone = child.prev is None and child.next is None
                child = ancestor
            if tag not in _ITEM_TAGS:
                continue
            if alone:
                # Nothing beside the link: no date outside its text.
                if _DIGIT_RE.search(raw or "") is None:
                    digitless = True
                continue
            item_text = ancestor.text(separator=" ")
            if len(item_text) > _ITEM_MAX_CHARS:
                break  # an article body that happens to hold one link, not a list item
            if _DIGIT_RE.search(item_text) is None:
                digitless = True  # most items of menus: no date here, nor in the link
                continue
            if own_text is None:
                own_text = node.text(separator=" ")
            # A date beside the title is the item's date; a date inside the title
            # ("关于2027年1月1日起施行…") is not, unless it is the only one (a date <span>
            # nested inside the <a>).
            outside = item_text.replace(own_text, " ", 1) if own_text else item_text
            if len(outside) > 3 and _DIGIT_RE.search(outside) is not None:
                found = parse_dates(outside, context_year=self._year, today=self._today)
                if found:
                    return found[0]
        if own_text is None:
            if digitless:
                return None
            own_text = node.text(separator=" ")
        if _DIGIT_RE.search(own_text) is None:
            return None
        inside = parse_dates(own_text, context_year=self._year, today=self._today)
        return inside[-1] if inside else None
