"""The home page offers a site search, and it finds the newest headline (站内搜索).

Why: Used by `site.search`. The national indicators (国办秘函〔2019〕19号) check 搜索 under
功能设计; a real self-check under them reads "不存在可用性和搜索功能上的问题" (indicators.md
§1.3); the 发展指引 asks portals for a site search that finds their own information.

What it checks: the home page (as reached over IPv4) carries a search form (a form with a text
field whose action, field name or words say search: Hanweb's `/jsearchfront/search.do`, TRS's
`/was5/web/search`, `q`, `searchword`, 搜索, 检索) or a link named 站内搜索/搜索/检索 (the word or a
little more, not a headline mentioning it) or an internal link to a search page. When its HTML
shows none, the page is rendered in the headless browser where there is one; else the scripts
it loads are read (at most `max_scripts`), since a header written by a script (document.write)
often holds the search box.

Then, with `search_headline`, the newest dated headline of the home page is searched: the form
is submitted as a visitor would, with its hidden fields, the query in the page's encoding (or
the form's accept-charset), always as one polite GET (a POST search of these CMS accepts GET;
gkaudit posts nothing). The headline is found when a link of the results leads to it or its
text holds the headline.

Params:
- `keywords`: words that name a search on a link or a form (搜索, 检索...);
- `search_headline` (true): search the newest home-page headline;
- `max_scripts` (12): scripts of the home page read at most, looking for a search box.

Passes when a search form or link is found and, for a form, the results of the headline search
lead to it (or there is no dated headline to search for, or the entrance is a link only: the
message says it was not tried).

Fails when the home page shows no search form or link, and a browser found none either, or no
script of the page names a search.

Warns (`warn`) when the headline search says it found nothing (共0条, 未找到...), lists results
without the headline, or the search page answers an HTTP error.

Inconclusive (`error`) when the home page does not load; when no search is in its HTML but a
script it loads names one (only a browser shows it) or a script could not be read; or when the
results could not be read (a firewall, robots.txt, a timeout, a list that a script builds
without a browser here, a page that neither lists results nor says none were found).

Evidence: the form or link found (its page, words and URL), the headline searched and the
request sent, and what the results showed. Metrics: `entrance` (form, link or none),
`results` (result links seen), `found` (the headline found: true, false or none).
"""

from __future__ import annotations

import asyncio
import re

from pydantic import Field

from gkaudit.checks.site_search.find import Entrance, search_form, search_link, writes_search
from gkaudit.declaration import CheckParams, Texts, check
from gkaudit.html import Document, Link
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, HtmlEvidence, Metric, NoteEvidence, Verdict
from gkaudit.net.http import Outcome, Page, inconclusive
from gkaudit.site.columns import ITEM_MIN_CHARS, read_listing
from gkaudit.site.context import SiteContext
from gkaudit.site.pages import describe, home_verdict, loads
from gkaudit.site.urls import canonical
from gkaudit.text import normalize

#: What a results page says when the search found nothing (Hanweb jsearch's "找不到和您的查询…相符的
#: 内容或信息", TRS WAS's "约有0项符合…的查询结果").
NOTHING_FOUND = re.compile(
    r"(没有|未|无法)(找到|检索到|搜索到|查询到|查到)|(找|查|搜|检索|搜索|查询)不到"
    r"|(共|有|找到|检索到|搜索到|查询到)\s*0\s*(条|个|篇|项|记录)"
    r"|无(相关|匹配|符合条件的)?(结果|信息|记录|数据|内容)|暂无(相关)?(结果|信息|数据|记录|内容)"
)
#: Result links needed to say "results listed, none is the headline".
MIN_RESULTS = 3
#: A truncated headline ("中山区召开经济运行分析...") ends in one of these.
ELLIPSIS = ".…。 "


class Params(CheckParams):
    """The words that name a search, and whether the headline is searched."""

    keywords: Texts = Field(
        ("搜索", "检索", "站内搜索", "站内检索", "全文检索"),
        description=N_("words that name a search on a link or a form"),
    )
    search_headline: bool = Field(True, description=N_("search the newest home-page headline"))
    max_scripts: int = Field(12, ge=0, description=N_("home-page scripts read at most"))


@check("site_search", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    home = await site.home()
    if not loads(home):
        return home_verdict(home, _("a site search"))
    doc = site.document(home)
    entrance = _find(site, doc, params)
    if entrance is None and site.can_render:
        rendered = await site.render(home.final_url)
        if loads(rendered):
            doc = site.document(rendered)
            entrance = _find(site, doc, params)
        if entrance is None and loads(rendered):
            return _none(doc)
    if entrance is None:
        return await _scripts(site, doc, params)
    shown = HtmlEvidence(url=doc.url, text=entrance.words or entrance.url, href=entrance.url)
    kind = "form" if entrance.form is not None else "link"
    if not params.search_headline:
        message = _("a site search is on the home page: {url}").format(url=entrance.url)
        return Verdict.passed(message, [shown], entrance=kind, results=None, found=None)
    return await _headline(site, doc, entrance, shown, kind)


def _find(site: SiteContext, doc: Document, params: Params) -> Entrance | None:
    internal = {link.url for link in doc.links if site.is_internal(link.url)}
    return search_form(doc, params.keywords) or search_link(doc, params.keywords, internal)


def _none(doc: Document) -> Verdict:
    return Verdict.failed(
        _("no site search on the home page: no search form and no 搜索/检索 link ({url})").format(
            url=doc.url
        ),
        [NoteEvidence(text=_("looked for a search form or link on {url}").format(url=doc.url))],
        entrance="none",
        results=None,
        found=None,
    )


async def _scripts(site: SiteContext, doc: Document, params: Params) -> Verdict:
    """No search in the HTML and no browser: the scripts decide between fail and undecided."""
    sources = list(dict.fromkeys(src for src, _code in doc.scripts))
    if len(sources) > params.max_scripts:
        message = _(
            "no search form or link in the home page's HTML, and {count} scripts (more than "
            "{limit}) that may write one, which only a browser would show"
        ).format(count=len(sources), limit=params.max_scripts)
        return Verdict.inconclusive(message, entrance="none", results=None, found=None)
    outcomes = await asyncio.gather(*(site.page(src) for src in sources))
    for src, outcome in zip(sources, outcomes, strict=True):
        if not (isinstance(outcome, Page) and outcome.ok and outcome.obstacle is None):
            message = _(
                "no search form or link in the home page's HTML; its script {url} could not be "
                "read ({why}) and may write one"
            ).format(url=src, why=describe(outcome))
            return Verdict.inconclusive(
                message, [outcome.evidence()], entrance="none", results=None, found=None
            )
        if writes_search(outcome.body):
            message = _(
                "no search form or link in the home page's HTML, but its script {url} names a "
                "search: only a browser would show what it writes ({why})"
            ).format(url=src, why=site.unrendered)
            return Verdict.inconclusive(
                message, [outcome.evidence()], entrance="none", results=None, found=None
            )
    return _none(doc)


async def _headline(
    site: SiteContext, doc: Document, entrance: Entrance, shown: Evidence, kind: str
) -> Verdict:
    front = await read_listing(site, doc.url, min_items=1)
    newest = front.newest(site.as_of) if not front.inconclusive else None
    item = next((link for link in front.items if link.date == newest), None) if newest else None
    query = normalize(item.text).rstrip(ELLIPSIS) if item is not None else ""
    if item is None or not query:
        message = _("a site search is on the home page ({url}); no dated headline to search for")
        return Verdict.passed(
            message.format(url=entrance.url), [shown], entrance=kind, results=None, found=None
        )
    url = entrance.query_url(query, doc.encoding)
    if url is None:
        message = _(
            "a search link is on the home page ({url}); the headline was not searched (only a "
            "form can be submitted)"
        )
        return Verdict.passed(
            message.format(url=entrance.url), [shown], entrance=kind, results=None, found=None
        )
    asked = NoteEvidence(text=_("searched “{query}”: {url}").format(query=query, url=url))
    evidence: list[Evidence] = [shown, asked]
    outcome = await site.page(url)
    if isinstance(outcome, Page) and outcome.loads and outcome.scripted and site.can_render:
        outcome = await site.render(url)
    if not loads(outcome) or (outcome.scripted and not outcome.rendered):
        return _unread(site, outcome, query, evidence, kind)
    results = site.document(outcome)
    evidence.append(outcome.evidence())
    home_urls = {canonical(link.url) for link in doc.links}
    listed = [
        link
        for link in results.links
        if canonical(link.url) not in home_urls and len(normalize(link.text)) >= ITEM_MIN_CHARS
    ]
    hits = [link for link in results.links if _leads_to(link, item, query)]
    metrics: dict[str, Metric] = {"entrance": kind, "results": len(listed)}
    if hits:
        message = _("the site search finds the newest headline “{query}”: {url}").format(
            query=query, url=hits[0].url
        )
        return Verdict.passed(message, evidence, found=True, **metrics)
    if NOTHING_FOUND.search(results.text):
        message = _("searching the newest headline “{query}” finds nothing ({url})")
        return Verdict.warned(
            message.format(query=query, url=url), evidence, found=False, **metrics
        )
    if len(listed) >= MIN_RESULTS:
        message = _("searching the newest headline “{query}” lists {count} results, not it")
        return Verdict.warned(
            message.format(query=query, count=len(listed)), evidence, found=False, **metrics
        )
    message = _(
        "the results of searching “{query}” could not be told: they neither list it nor say "
        "nothing was found (a list a script builds?) ({url})"
    )
    return Verdict.inconclusive(
        message.format(query=query, url=url), evidence, found=None, **metrics
    )


def _leads_to(link: Link, item: Link, query: str) -> bool:
    return canonical(link.url) == canonical(item.url) or query in normalize(link.text)


def _unread(
    site: SiteContext, outcome: Outcome, query: str, evidence: list[Evidence], kind: str
) -> Verdict:
    evidence.append(outcome.evidence())
    metrics: dict[str, Metric] = {"entrance": kind, "results": None, "found": None}
    if (
        isinstance(outcome, Page)
        and outcome.status >= 400
        and not inconclusive(outcome)
        and outcome.status not in (405, 501)  # the method: our GET for its POST
    ):
        message = _("the site search answers HTTP {status} to “{query}”")
        return Verdict.warned(
            message.format(status=outcome.status, query=query), evidence, **metrics
        )
    if loads(outcome):
        why = _("a script builds the results list ({why})").format(why=site.unrendered)
    else:
        why = describe(outcome)
    message = _("the results of searching “{query}” could not be read: {why}")
    return Verdict.inconclusive(message.format(query=query, why=why), evidence, **metrics)
