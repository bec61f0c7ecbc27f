"""Finding a channel's public list of messages (信件公开, 留言选登) and reading its pages.

The channel's entrance is often the list itself (a TRS 领导信箱 column of letters); else the
entrance page (the 写信 form) links to it by name, or to Hanweb's `mailpublist.do`. A quiet
信箱 may show only one or two letters, too few for a column: its page is its list when every
dated link on it is a message row (an ask date and a state or a reply date of its own). A
list's next pages are followed by their 下一页 link while they still show messages of the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from gkaudit.site.channels import Channel
from gkaudit.site.columns import Listing, read_listing
from gkaudit.site.context import SiteContext
from gkaudit.site.letters import Letter, State, read_list
from gkaudit.text import normalize

#: Link texts naming a channel's public list of messages.
LIST_WORDS = (
    "信件公开", "来信公开", "公开信件", "来信选登", "信件选登", "留言选登", "回复选登", "选登",
    "信件查询", "信件列表", "留言列表", "咨询列表", "办理公开", "答复公开", "历史信件", "网民留言",
)  # fmt: skip
#: Channels that are no 政务咨询类 column: the indicator excludes 在线访谈 and 调查征集.
NOT_CONSULTATION = ("访谈", "征集", "调查")
#: Items a channel's own page must list to be taken as its list (a 写信 page lists none).
ENTRANCE_ITEMS = 3
_NEXT = ("下一页", "下页", "后一页", ">", "›", "»")


@dataclass
class Search:
    """What looking for the list found: the list (with its channel) or why there is none."""

    channel: Channel | None = None
    listing: Listing | None = None
    unreadable: list[Listing] = field(default_factory=list)  # lists we could not read
    opened: list[str] = field(default_factory=list)


def consultation(channels: Sequence[Channel]) -> list[Channel]:
    """The channels an answer is owed on (在线访谈 and 调查征集 excluded)."""
    return [c for c in channels if not any(w in normalize(c.link.text) for w in NOT_CONSULTATION)]


def _few_messages(site: SiteContext, entrance: Listing) -> Listing | None:
    """A channel page showing fewer than ENTRANCE_ITEMS letters: the list of its message rows,
    when every dated link on it is one (asked on a date, and a state or a reply date in its
    row); None when it shows none, or a dated link that is no message (a 须知 of 2026-03-01,
    a news item): a page of two dated links is no list of messages."""
    page = entrance.page
    if page is None or entrance.article:
        return None
    dated = tuple(link for link in entrance.items if link.date is not None)
    if not dated:
        return None
    rows = read_list(site.document(page), dated, site.as_of)
    if any(row.replied is None and row.state is State.UNKNOWN for row in rows):
        return None
    return replace(entrance, items=dated, min_items=1)


async def find_list(site: SiteContext, channels: Sequence[Channel], tries: int) -> Search:
    """The first public list of messages of `channels` (best first, at most `tries`)."""
    search = Search()
    for channel in channels[:tries]:
        search.opened.append(channel.link.url)
        entrance = await read_listing(site, channel.link.url, min_items=ENTRANCE_ITEMS)
        if entrance.is_column:
            search.channel, search.listing = channel, entrance
            return search
        if entrance.inconclusive:
            search.unreadable.append(entrance)
            continue
        page = entrance.page
        if page is None:
            continue
        doc = site.document(page)
        named = dict.fromkeys(
            link.url
            for link in doc.links
            if link.url != doc.url
            and (
                any(word in normalize(link.text) for word in LIST_WORDS)
                or "mailpublist" in link.url.lower()
            )
        )
        for url in list(named)[:tries]:
            search.opened.append(url)
            listing = await read_listing(site, url, min_items=1, found_on=page)
            if listing.is_column:
                search.channel, search.listing = channel, listing
                return search
            if listing.inconclusive:
                search.unreadable.append(listing)
        few = _few_messages(site, entrance)
        if few is not None:
            search.channel, search.listing = channel, few
            return search
    return search


def _next_page(site: SiteContext, listing: Listing) -> str | None:
    page = listing.page
    if page is None:
        return None
    doc = site.document(page)
    return next(
        (
            link.url
            for link in doc.links
            if normalize(link.text) in _NEXT and link.url != doc.url and site.is_internal(link.url)
        ),
        None,
    )


async def read_pages(
    site: SiteContext, first: Listing, since: dt.date, max_pages: int
) -> tuple[list[Letter], list[Listing]]:
    """The messages of the list's pages, from `first` on, while a page still shows one asked
    on or after `since` (at most `max_pages` pages)."""
    letters: list[Letter] = []
    pages = [first]
    listing = first
    seen = {first.url}
    while True:
        page = listing.page
        assert page is not None  # a column loads
        found = read_list(site.document(page), listing.items, site.as_of)
        letters += found
        dated = [letter.asked for letter in found if letter.asked is not None]
        url = _next_page(site, listing)
        if len(pages) >= max_pages or url is None or url in seen or (dated and min(dated) < since):
            return letters, pages
        seen.add(url)
        listing = await read_listing(site, url, min_items=1)
        if not listing.is_column:
            return letters, pages
        pages.append(listing)
