"""Policy interpretations link to the document they interpret.

Why: Plan clause (十二) asks for interpretations of rules and normative documents published
together with them, and richer forms (图表图解); 国办发〔2016〕80号 and Liaoning's
政策文件解读工作规范 (辽政办〔2022〕43号) require document and interpretation to be prepared and
published in step, and inspectors check that each interpretation links back to its original
("原文", "政策文件"). A reader who lands on an interpretation must be able to open the text it
explains.

What it checks: the 政策解读 column, found from the home page like any required column (see
`gkaudit explain column`: a link whose normalized text contains one of `keywords`, the best match
first; the `sites.yaml` hint `interpretation_url` wins), which must be a column: a list page with
at least 3 item links, not a single article. Then its newest `sample` items (by date, else in list
order) are opened, and each counts as linked when its page has a body link labelled with one of
`labels`, in the link's text ("政策原文") or in the short label just before it
("原文：<a>关于印发…的通知</a>"). Site chrome does not count (a 政策文件 item in the navigation
links every page to the policy list), nor links that recur, same URL and text, on most of the
sampled pages (the article template's own sidebar).

Params:
- `keywords`: texts naming the column (default 政策解读).
- `sample`: how many of the newest interpretations are opened (default 10).
- `min_linked`: share of them that must link their document (default 0.8).
- `labels`: what a link to the document is called (default 原文, 政策文件, 相关文件, 文件全文,
  政策原文).
- `hint`: the `sites.yaml` hint that gives the column's URL (default `interpretation_url`).

Passes when the column is found, is a column, and at least `min_linked` of the sampled
interpretations link their document.

Fails when the share is lower even if every sampled page that could not be read (it refused
gkaudit, could not be reached from here, or was not fetched under robots.txt or the page
budget) linked its document; when no link names the column; or when the page is broken or not
a column. An interpretation whose page is broken for a definite reason (HTTP 404, not HTML)
counts as unlinked.

Inconclusive (`error`) when the home page cannot be fetched, or the column refused gkaudit or
could not be reached from here, or the verdict depends on the sampled pages that could not be
read: the share is below `min_linked` without them and would reach it with them.

Evidence: where the column was found, then each sampled interpretation without a link (or
whose page does not load). Metrics: `linked_share`, `sampled`, `linked`, `unreadable`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from collections.abc import Iterable, Sequence

from pydantic import Field

from gkaudit.declaration import CheckParams, HintName, Texts, check
from gkaudit.html import Document, Link, LinkKey, recurring_links
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, HtmlEvidence, Verdict
from gkaudit.net.http import Outcome, inconclusive
from gkaudit.site.chrome import chrome_of
from gkaudit.site.columns import TEMPLATE_MIN_PAGES, TEMPLATE_SHARE, locate_column
from gkaudit.site.context import SiteContext
from gkaudit.site.pages import describe, loads
from gkaudit.text import contains_any


class Params(CheckParams):
    """Where the interpretations are, how many to open, and what a link to the document says."""

    keywords: Texts = Field(("政策解读",), min_length=1, description=N_("texts naming the column"))
    sample: int = Field(10, ge=1, description=N_("newest interpretations opened"))
    min_linked: float = Field(
        0.8, ge=0.0, le=1.0, description=N_("share that must link the document")
    )
    labels: Texts = Field(
        ("原文", "政策文件", "相关文件", "文件全文", "政策原文"),
        min_length=1,
        description=N_("what a link to the interpreted document is called (text or label)"),
    )
    hint: HintName = Field(
        "interpretation_url", description=N_("the sites.yaml hint giving the column's URL")
    )


def newest_first(items: Iterable[Link]) -> list[Link]:
    """Dated items newest first, then the undated ones in list order."""
    items = list(items)
    dated = [i for i in items if i.date is not None]
    dated.sort(key=lambda i: i.date or dt.date.min, reverse=True)  # sort is stable: ties keep order
    return dated + [i for i in items if i.date is None]


def template_links(docs: Sequence[Document]) -> frozenset[LinkKey]:
    """Links (URL, normalized text) on at least TEMPLATE_SHARE of `docs`: the item template's
    chrome. Empty for fewer than TEMPLATE_MIN_PAGES pages, where a shared template cannot be
    told from two interpretations of one document."""
    if len(docs) < TEMPLATE_MIN_PAGES:
        return frozenset()
    return recurring_links(docs, needed=math.ceil(TEMPLATE_SHARE * len(docs)))


def document_link(doc: Document, labels: Sequence[str], chrome: frozenset[LinkKey]) -> Link | None:
    """The first body link of `doc` labelled with one of `labels`, in its text or its label."""
    for link in doc.links:
        if link.url == doc.url or link.key in chrome:
            continue
        if contains_any(link.text, labels) or contains_any(link.label, labels):
            return link
    return None


@check("interpretation", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    hint = site.hint(params.hint) if params.hint else None
    search = await locate_column(site, params.keywords, hint=hint)
    if search.found is None:
        return search.failure()
    _found, listing = search.found
    sample = newest_first(listing.items)[: params.sample]
    outcomes: list[Outcome] = await asyncio.gather(*(site.open(item.url) for item in sample))
    docs = {
        item.url: site.document(outcome)
        for item, outcome in zip(sample, outcomes, strict=True)
        if loads(outcome)
    }
    chrome = (await chrome_of(site)) | template_links(list(docs.values()))
    evidence: list[Evidence] = search.evidence()
    unreadable = 0  # could not be opened for a reason that may be ours: linked or not, unknown
    linked = 0
    names = "/".join(params.labels)
    for item, outcome in zip(sample, outcomes, strict=True):
        doc = docs.get(item.url)
        if doc is None:
            unreadable += inconclusive(outcome)
            why = _("does not load: {why}").format(why=describe(outcome))
        elif document_link(doc, params.labels, chrome) is not None:
            linked += 1
            continue
        else:
            why = _("no link labelled {names}").format(names=names)
        evidence.append(
            HtmlEvidence(url=item.url, text=_("{title}: {why}").format(title=item.text, why=why))
        )
    sampled = len(sample)
    share = linked / sampled
    metrics = {
        "linked_share": round(share, 3),
        "sampled": sampled,
        "linked": linked,
        "unreadable": unreadable,
    }
    summary = _(
        "{linked} of the {sampled} newest interpretations at {url} ({share}) link to the "
        "document they interpret"
    ).format(linked=linked, sampled=sampled, url=listing.url, share=f"{share:.0%}")
    unread = _("the {n} that could not be opened").format(n=unreadable) if unreadable else ""
    least = f"{params.min_linked:.0%}"
    # bounds, as `ipv6_links` decides: each page that could not be read may link or not
    if share >= params.min_linked:
        if unreadable:
            summary += _(" ({n} could not be opened)").format(n=unreadable)
        return Verdict.passed(summary, evidence, **metrics)
    if (linked + unreadable) / sampled < params.min_linked:
        message = _("{summary}; at least {least} must").format(summary=summary, least=least)
        if unread:
            message += _(", which they would not even if {unread} did").format(unread=unread)
        return Verdict.failed(message, evidence, **metrics)
    return Verdict.inconclusive(
        _("{summary}; whether at least {least} do depends on {unread}").format(
            summary=summary, least=least, unread=unread
        ),
        evidence,
        **metrics,
    )
