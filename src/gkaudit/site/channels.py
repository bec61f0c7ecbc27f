"""The portal's online 咨询建言 channels: the 领导信箱, 咨询投诉, 留言 and 建言献策 entrances a
person can write to, found on the home page and in its 互动交流 column.

A channel is often hosted off the portal's domain: a district's 信箱 lives on the city's 12345
platform, a department's on the city's 政民互动 system. Those links count (their host is named),
which is why this search does not stay within the registered domain as `find_links` does.

Not a 咨询建言 channel (国办秘函〔2019〕19号: "网上信访、纪检举报等专门渠道除外"): 信访,
纪检/监察 举报 and the 我为政府网站找错 entrance. The pure functions (`channel_rank`,
`is_platform_url`) take texts and URLs, so they are tested without a network.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from functools import lru_cache

from gkaudit.domains import host_of
from gkaudit.html import Link, is_file_url
from gkaudit.net.http import Page
from gkaudit.site.context import SiteContext
from gkaudit.site.links import second_level
from gkaudit.site.pages import home_page, loads
from gkaudit.text import normalize

#: Link texts that name a 咨询建言 channel, most specific first.
CHANNEL_WORDS = (
    "领导信箱",
    "市长信箱",
    "区长信箱",
    "县长信箱",
    "书记信箱",
    "局长信箱",
    "主任信箱",
    "信箱",
    "咨询投诉",
    "网上咨询",
    "在线咨询",
    "政务咨询",
    "咨询建言",
    "建言献策",
    "我要咨询",
    "我要留言",
    "留言",
    "在线访谈",
)
#: The 12345 hot line named in a text, not digits of a longer number (辽ICP备05012345号).
_HOTLINE_RE = re.compile(r"(?<![0-9])12345(?![0-9])")
#: The 互动交流 column the channels are usually gathered in.
HUB_WORDS = ("政民互动", "互动交流", "互动", "公众参与")
#: Special channels the indicator excludes, and the 找错 entrance.
_EXCLUDED = ("信访", "纪检", "纪委", "监察", "廉政", "违纪", "找错")
_REPORTING = "举报"
_GENERAL = ("咨询", "建言", "留言", "信箱")
# Paths and hosts of the platforms portals run their channels on: Hanweb's 政民互动 (jact),
# 咨询投诉 (zxts), 领导信箱 (ldxx, szxx), 留言 (liuyan, lyb) and the 12345 hot-line sites.
# Every match but a leading 12345 starts at a "/" or ".", so the regex engine jumps from one
# to the next (a leading `^|` made it try every place of every URL: 2.1 -> 1.2 us a URL).
_PLATFORM_RE = re.compile(
    r"""[/.](?:(?<=/)(?:jact/front/mail|(?:zxts|ldxx|szxx|qzxx|xzxx|zxzx|jyxc|liuyan|lyb|wsly)
        (?:[/._?]|$))|12345(?:[./:]|$))""",
    re.IGNORECASE | re.VERBOSE,
)
_PLATFORM_START_RE = re.compile(r"12345(?:[./:]|$)")
# Each a regular expression too: one search of a text in C, where `any(word in text ...)` runs a
# Python step per word (3-10x slower; every link of every page opened is asked).
_CHANNEL_RE, _HUB_RE, _EXCLUDED_RE, _GENERAL_RE = (
    re.compile("|".join(map(re.escape, words)))
    for words in (CHANNEL_WORDS, HUB_WORDS, _EXCLUDED, _GENERAL)
)
#: Longest text of an entrance's link; a longer one is a title that mentions a channel.
MAX_NAME_CHARS = 20
#: Second-level pages opened when neither the home page nor its 互动 column shows a channel.
MAX_PAGES = 24


def excluded(text: str) -> bool:
    """A 信访 or 纪检举报 channel (or the 找错 entrance): not a 咨询建言 channel. A general
    "咨询投诉举报" channel is not excluded for naming 举报 among other things."""
    if _EXCLUDED_RE.search(text) is not None:
        return True
    return _REPORTING in text and _GENERAL_RE.search(text) is None


@lru_cache(maxsize=4096)
def is_platform_url(url: str) -> bool:
    """The URL of a channel platform (`/jact/front/mailpublist.do`, `/zxts/`, `12345.…`)."""
    # (remembered: asked of every link of every page searched, the site chrome again each time)
    url = url.partition("#")[0]
    return _PLATFORM_RE.search(url) is not None or _PLATFORM_START_RE.match(url) is not None


def channel_rank(text: str, url: str) -> int | None:
    """How surely a link is a 咨询建言 entrance, from its normalized text and URL: 0 its text
    names one (or the 12345 hot line), 1 only its URL is a channel platform's (an image without
    alt); None if neither or if it is an excluded channel."""
    if excluded(text):
        return None
    named = _CHANNEL_RE.search(text) or _HOTLINE_RE.search(text)
    if named and len(text) <= MAX_NAME_CHARS:
        return 0
    return 1 if is_platform_url(url) else None


@dataclass(frozen=True, slots=True)
class Channel:
    """A link to a 咨询建言 channel and the page it was found on."""

    link: Link
    on: str
    rank: int
    external: bool  # hosted off the portal's domain

    @property
    def host(self) -> str:
        return host_of(self.link.url)


def _channels(site: SiteContext, page: Page) -> list[Channel]:
    doc = site.document(page)
    found = []
    for link in doc.links:
        # a dated link is an article (news of the 12345 hot line), not an entrance
        if link.url == doc.url or link.date is not None:
            continue
        rank = channel_rank(normalize(link.text), link.url)  # (most links: None, at once)
        if rank is not None and not is_file_url(link.url):
            found.append(Channel(link, doc.url, rank, not site.is_internal(link.url)))
    return found


def _hubs(site: SiteContext, page: Page) -> list[str]:
    doc = site.document(page)
    return list(
        dict.fromkeys(
            link.url
            for link in doc.links
            if link.url != doc.url
            and site.is_internal(link.url)
            and link.date is None
            and _HUB_RE.search(normalize(link.text)) is not None
        )
    )


async def find_channels(site: SiteContext) -> tuple[list[Channel], list[str]] | None:
    """The channels found from the home page, best first, one per URL, and every page
    searched; None when the home page does not load. The home page is searched first, then
    its 互动 columns, then (when neither shows one) its second-level pages."""
    home = await home_page(site)
    if home is None:
        return None
    searched = [home.final_url]
    found = _channels(site, home)
    for stage in range(2):
        if any(c.rank == 0 for c in found):
            break
        targets = _hubs(site, home) if stage == 0 else await second_level(site, home)
        urls = [u for u in targets if u not in searched][:MAX_PAGES]
        pages = await asyncio.gather(*(site.open(url) for url in urls))
        for url, page in zip(urls, pages, strict=True):
            searched.append(url)
            if loads(page):
                found += _channels(site, page)
    found.sort(key=lambda c: (c.rank, c.external))
    best: dict[str, Channel] = {}
    for channel in found:
        best.setdefault(channel.link.url, channel)
    return list(best.values()), searched
