"""A demo portal's site search: the search box of its header and the results page behind it, in
the shape of the portal's CMS.

Hanweb portals search with jsearch (``/jsearch/search.do?appid=1&webid=..&pagemode=result&
pos=title,content&q=..``), TRS portals with WAS (``/was5/web/search?channelid=..&searchword=..``).
The results are computed from the query, over the portal's own articles (a title holding the
query), newest first, so a search finds what the portal published, and only that.

No saved results page of either was in the code index; the pages are laid out around what
scrapers of real ones select: jsearch's ``td.js-result`` holding a table per hit (its title link
in ``td.jsearchblue``, the URL and date in ``.jsearchhuismall``) and, when nothing is found,
"找不到和您的查询…相符的内容或信息" (scrapers of ncha.gov.cn, norincogroup.com.cn, cpad.gov.cn);
WAS's "约有N项符合<span>Q</span>的查询结果" over ``ul.cj_ss_jieguo`` (a write-up of
difangzhi.cn's answer, measured in 2026).

`Search.STALE` is the fault inspectors meet most: the index was last rebuilt `STALE_DAYS` ago, so
nothing newer is found; `Search.NONE` has no search box at all.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from gkaudit.demo.http import Response
from gkaudit.demo.pages import esc
from gkaudit.demo.spec import Search, UrlStyle

if TYPE_CHECKING:
    from gkaudit.demo.portal import Portal

#: Days since a stale search index was last rebuilt.
STALE_DAYS = 60
#: Hits shown on the first page of results.
PAGE_SIZE = 10
HANWEB_PATH = "/jsearch/search.do"
TRS_PATH = "/was5/web/search"


def search_box(p: Portal) -> str:
    """The header's search form, as the portal's CMS writes it ("" without a search)."""
    s = p.s
    if s.search is Search.NONE:
        return ""
    if s.url_style is UrlStyle.TRS:
        return (
            f'<form name="searchform" action="{TRS_PATH}" method="get" target="_blank">'
            f'<input name="channelid" value="{channel_id(p)}" type="hidden">'
            '<input name="perpage" value="" type="hidden">'
            '<input name="templet" value="" type="hidden">'
            '<input id="textfield" name="searchword" type="text" placeholder="请输入关键字">'
            '<input type="image" src="/images/ss02.gif" alt="搜索"></form>'
        )
    return (
        f'<form action="{HANWEB_PATH}" method="get" target="_blank">'
        '<input type="hidden" name="appid" value="1">'
        f'<input type="hidden" name="webid" value="{web_id(p)}">'
        '<input type="hidden" name="pagemode" value="result">'
        '<input type="hidden" name="pos" value="title,content">'
        '<input type="hidden" name="style" value="1">'
        '<input type="text" name="q" placeholder="请输入关键字">'
        '<button type="submit">搜索</button></form>'
    )


def web_id(p: Portal) -> int:
    return int(p.s.site_code[-4:]) + 1


def channel_id(p: Portal) -> int:
    return 220000 + int(p.s.site_code[-4:])


@dataclass(frozen=True)
class Entry:
    """An article the search can find: its title, its URL and its date."""

    title: str
    url: str
    day: dt.date


@dataclass(frozen=True)
class SiteSearch:
    """The results page of one portal's search: called with the query string of a request.
    Frozen data, so two builds of one day compare equal."""

    style: UrlStyle
    entries: tuple[Entry, ...]  # newest first
    encoding: str  # the portal's: of the query a browser sends and of the page
    charset: str | None
    charset_meta: str

    def __call__(self, query: str) -> Response:
        field = "searchword" if self.style is UrlStyle.TRS else "q"
        words = parse_qs(query, encoding=self.encoding, errors="replace").get(field, [""])[0]
        key = _plain(words)
        hits = [e for e in self.entries if key and key in _plain(e.title)]
        inner = _trs(words, hits) if self.style is UrlStyle.TRS else _hanweb(words, hits)
        page = (
            f"<html><head>{self.charset_meta}<title>检索结果</title></head><body>\n"
            f"{inner}\n</body></html>\n"
        )
        return Response.html(page, encoding=self.encoding, charset=self.charset)


def site_search(p: Portal) -> dict[str, SiteSearch]:
    """The path of the portal's results page and what answers there (none without a search)."""
    s = p.s
    if s.search is Search.NONE:
        return {}
    indexed_until = p.as_of - dt.timedelta(days=STALE_DAYS if s.search is Search.STALE else 0)
    entries = tuple(
        Entry(item.title, p.base + item.href, item.day)
        for item in sorted(p.articles, key=lambda i: i.day, reverse=True)
        if item.day <= indexed_until
    )
    path = TRS_PATH if s.url_style is UrlStyle.TRS else HANWEB_PATH
    return {path: SiteSearch(s.url_style, entries, s.encoding, s.charset, p.charset_meta())}


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _marked(title: str, words: str, color: str) -> str:
    """The title with the words searched in red, as both engines show a hit."""
    shown = esc(title)
    if words and words in title:
        shown = shown.replace(esc(words), f'<font color="{color}">{esc(words)}</font>', 1)
    return shown


def _hanweb(words: str, hits: list[Entry]) -> str:
    if hits:
        rows = "\n".join(
            '<table width="100%" border="0" cellspacing="0" cellpadding="0">'
            f'<tr><td class="jsearchblue"><a href="{esc(e.url)}" target="_blank">'
            f"{_marked(e.title, words, '#FF0000')}</a></td></tr>"
            f'<tr><td class="jsearchhui">{_marked(e.title, words, "#FF0000")}……</td></tr>'
            f'<tr><td class="jsearchhuismall">{esc(e.url)}&nbsp;&nbsp;{e.day.isoformat()}'
            "</td></tr></table>"
            for e in hits[:PAGE_SIZE]
        )
        inner = (
            '<table width="100%"><tr><td height="18" align="right">'
            f"共找到 <b>{len(hits)}</b> 条记录</td></tr></table>\n{rows}\n"
            '<table width="100%"><tr><td align="center">首页 上一页 1 下一页 尾页</td></tr></table>'
        )
    else:
        inner = (
            f"<div><p>找不到和您的查询 &quot;<b>{esc(words)}</b>&quot; 相符的内容或信息。</p>"
            "<p>建议：</p><ul><li>请检查输入字词有无错误。</li><li>请换用另外的查询字词。</li>"
            "</ul></div>"
        )
    return (
        f'<table width="960" align="center"><tr><td class="js-result">\n{inner}\n</td></tr></table>'
    )


def _trs(words: str, hits: list[Entry]) -> str:
    items = "\n".join(
        f"<li><dl><dt><span>{e.day.isoformat()}</span>"
        f'<a href="{esc(e.url)}" target="_blank">{esc(e.title)}</a></dt>'
        f"<dd>{_marked(e.title, words, '#b21510')}……</dd></dl></li>"
        for e in hits[:PAGE_SIZE]
    )
    return (
        f'<div class="cj_ss_jg_right">约有{len(hits)}项符合<span>{esc(words)}</span>'
        "的查询结果</div>\n"
        f'<ul class="cj_ss_jieguo">\n{items}\n</ul>'
    )
