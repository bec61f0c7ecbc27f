"""A required column exists, is a column, and is kept up to date.

Why: Used by `column.business-relief`: plan clause (三) asks governments to open a 助企纾困 column
on their portal and publish the local relief measures and news there. The same check serves any
column a plan requires by name: give it other `keywords` (and the name of a `sites.yaml` hint).
The Dalian plan's other columns use it so: `column.negative-list` (四), `column.fee-list` (五),
`column.regulations-library` (十一), `column.agri-subsidies` (十六), and, with `item_keywords`,
`policy.interpretation-forms` (十二: "丰富图表图解等政策解读形式").

What it checks: a link whose text contains one of `keywords` (compared normalized: full-width to
half-width, all whitespace removed; a link's text includes nested tags and image `alt`), found from
the home page: among its links and those of the pages it links to (two levels, within the portal's
registered domain). The best match wins: the keyword itself over a text with a short suffix
("助企纾困专栏") over a longer text (a news title that mentions it); navigation over body links over
dated article links; the home page over the second level. Matches are opened in that order until
one is a column. A `sites.yaml` hint (`hint`, by default `business_relief_url`) replaces the
search.

What a column is: a list page. It loads (2xx HTML, after redirects, a meta refresh or a frame)
and lists at least `min_items` links to items: links other than site chrome (navigation,
header, footer), pagination and buttons, usually dated. A page that reads as a single article
(its CMS says `ArticleTitle`, or it is mostly prose) is not a column, whatever it links to.

Freshness: the newest item date not after `--as-of` (dates such as 2026-11-20, 2026/11/20,
2026年11月20日 or [11-20]). The national inspection indicators (国办秘函〔2019〕19号) count an
item without a visible date as not updated and veto sites with columns left unupdated; Dalian's
own self-checks expect most columns to be updated within three months, hence 90 days.

Params:
- `keywords`: texts naming the column, any one suffices (default 助企纾困, 惠企纾困).
- `max_age_days`: the newest item may be at most this many days old (default 90).
- `min_items`: item links a page must list to be a column (default 3).
- `hint`: the `sites.yaml` hint that gives the column's URL (default `business_relief_url`).
- `item_keywords`: when given, the column must also list an item, or link a sub-column, whose
  title contains one of these (图解, 一图读懂: a form of the items, not their freshness); site
  chrome does not count (default none).

Passes when the column is found, is a column, and its newest item is at most `max_age_days`
old.

Fails when no link names the column, when the page linked (or hinted) does not load (with its
URL and status), or when it is not a column (a single article, or fewer than `min_items` items),
or, with `item_keywords`, when no item or sub-column of the column is so titled.

Warns (`warn`) when the column is stale: its newest item is older than `max_age_days`, or none
of its items shows a date.

Inconclusive (`error`) when the home page itself cannot be fetched (the `site.reachable` rule
says why), or the column's page refused gkaudit (HTTP 401, 403, 429) or could not be reached
from here.

Evidence: where the link was found (page, link text, URL), each page opened, and the newest
item. Metrics: `items`, `dated`, `newest` (ISO date), `age_days`.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from gkaudit.declaration import CheckParams, HintName, Texts, check
from gkaudit.html import Link
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, HtmlEvidence, Metric, Verdict
from gkaudit.site.chrome import chrome_of
from gkaudit.site.columns import Listing, locate_column
from gkaudit.site.context import SiteContext
from gkaudit.text import normalize


class Params(CheckParams):
    """What the column is called, how fresh it must be, and where a hint may give it."""

    keywords: Texts = Field(
        ("助企纾困", "惠企纾困"), min_length=1, description=N_("texts naming the column")
    )
    max_age_days: int = Field(90, ge=1, description=N_("newest item at most this many days old"))
    min_items: int = Field(3, ge=1, description=N_("item links a list page needs to be a column"))
    hint: HintName = Field(
        "business_relief_url", description=N_("the sites.yaml hint giving the column's URL")
    )
    item_keywords: Texts | None = Field(
        None, description=N_("when given, the column must list an item or sub-column so titled")
    )


async def _titled(site: SiteContext, listing: Listing, words: Sequence[str]) -> Link | None:
    """The first item or other body link of the column whose text contains one of `words`
    (一图读懂…, a 图解 sub-column); site chrome does not count."""
    assert listing.page is not None
    chrome = await chrome_of(site)
    wanted = [normalize(w) for w in words]
    for link in (*listing.items, *site.document(listing.page).links):
        text = normalize(link.text)
        if link.key not in chrome and any(w in text for w in wanted):
            return link
    return None


@check("column", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    hint = site.hint(params.hint) if params.hint else None
    search = await locate_column(site, params.keywords, hint=hint, min_items=params.min_items)
    if search.found is None:
        return search.failure()
    candidate, listing = search.found
    evidence: list[Evidence] = search.evidence()
    items, dated = len(listing.items), listing.dated
    column = {"what": search.what, "where": candidate.where(), "url": listing.url}
    if params.item_keywords:
        shown = await _titled(site, listing, params.item_keywords)
        if shown is None:
            return Verdict.failed(
                _("{what} ({where}) at {url} lists no item or sub-column titled {forms}").format(
                    forms=_(", ").join(params.item_keywords), **column
                ),
                evidence,
                items=items,
                dated=dated,
            )
        evidence.append(HtmlEvidence(url=listing.url, text=shown.text, href=shown.url))
    newest = listing.newest(site.as_of)
    if newest is None:
        return Verdict.warned(
            _("{what} ({where}) at {url} lists {items} items, none of them dated").format(
                items=items, **column
            ),
            evidence,
            items=items,
            dated=dated,
            newest=None,
            age_days=None,
        )
    item = next(link for link in listing.items if link.date == newest)
    evidence.append(HtmlEvidence(url=listing.url, text=f"{newest} {item.text}", href=item.url))
    age = (site.as_of - newest).days
    metrics: dict[str, Metric] = {
        "items": items,
        "dated": dated,
        "newest": newest.isoformat(),
        "age_days": age,
    }
    if age > params.max_age_days:
        return Verdict.warned(
            _(
                "{what} ({where}) at {url} is stale: newest item {newest}, {age} days old "
                "(more than {limit})"
            ).format(newest=newest, age=age, limit=params.max_age_days, **column),
            evidence,
            **metrics,
        )
    return Verdict.passed(
        _("{what} ({where}) at {url}: {items} items, newest {newest} ({age} days old)").format(
            items=items, newest=newest, age=age, **column
        ),
        evidence,
        **metrics,
    )
