"""The home page shows recently published information (首页不更新).

Why: Used by `site.home-updated`: a single-veto item of the national inspection indicators
(国办秘函〔2019〕19号, 单项否决·首页不更新): "监测 2 周，首页无信息更新的，即单项否决。
如首页仅为网站栏目导航入口，所有二级页面无信息更新的，即单项否决" (indicators.md §1.2:
two weeks). "未注明信息发布时间的视为不更新": an undated item does not count as an update.

What it checks: the items the home page lists (read as a column is read: `list_items`, the
script-built-list handling, dates in every style `gkaudit.dates` reads) and the newest item
date not after `--as-of`. A home page showing no dated item is taken as a navigation entry:
then its second-level pages (navigation first, as `find_links` opens them) are read the same
way and the newest dated item among them counts.

Params:
- `max_age_days`: the newest item may be at most this many days old (default 14: "监测 2 周";
  the 14th day passes, the 15th fails).

Passes when the home page (or, for a navigation entry, one of its second-level pages) shows an
item at most `max_age_days` old.

Fails when the newest dated item of the home page is older than `max_age_days`, or the home page
shows no dated item and every second-level page read shows none newer (none dated at all counts
as not updated). The message names the newest dated item found.

Inconclusive (`error`) when the home page cannot be read (it does not load, an obstacle page,
a list a script builds that no browser rendered), or, for a navigation entry, some second-level
page could not be read and none of those read is fresh.

Evidence: every page read with its newest item and age (or that it shows no dated item, or why
it could not be read). Metrics: `newest` (ISO date or null), `age_days`, `pages`.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from pydantic import Field

from gkaudit.declaration import CheckParams, check
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, Metric, NoteEvidence, Verdict
from gkaudit.site.columns import Listing, read_listing
from gkaudit.site.context import SiteContext
from gkaudit.site.links import second_level
from gkaudit.site.pages import home_verdict, loads


class Params(CheckParams):
    """How fresh the home page's newest item must be."""

    max_age_days: int = Field(14, ge=1, description=N_("newest item at most this many days old"))


def _newest(listing: Listing, as_of: dt.date) -> tuple[dt.date, str] | None:
    newest = listing.newest(as_of)
    if newest is None:
        return None
    return newest, next(link.text for link in listing.items if link.date == newest)


def _line(listing: Listing, as_of: dt.date) -> Evidence:
    if listing.inconclusive or listing.page is None:
        text = _("{url}: could not be read: {why}").format(url=listing.url, why=listing.problem())
    elif (found := _newest(listing, as_of)) is None:
        text = _("{url}: no dated item").format(url=listing.url)
    else:
        date, title = found
        text = _("{url}: newest item {date} “{title}” ({age} days old)").format(
            url=listing.url, date=date, title=title, age=(as_of - date).days
        )
    return NoteEvidence(text=text)


@check("home_updated", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    as_of, limit = site.as_of, params.max_age_days
    home = await site.home()
    if not loads(home):
        return home_verdict(home, _("the home page's newest item"))
    front = await read_listing(site, home.final_url, min_items=1)
    if front.inconclusive:
        return Verdict.inconclusive(
            _("the home page could not be read: {why}").format(why=front.problem()),
            [_line(front, as_of)],
            newest=None,
            age_days=None,
            pages=1,
        )
    found = _newest(front, as_of)
    if found is not None:
        date, title = found
        age = (as_of - date).days
        metrics: dict[str, Metric] = {"newest": date.isoformat(), "age_days": age, "pages": 1}
        if age > limit:
            return Verdict.failed(
                _(
                    "the home page is not updated: its newest item “{title}” is of {date}, "
                    "{age} days old (more than {limit})"
                ).format(title=title, date=date, age=age, limit=limit),
                [_line(front, as_of)],
                **metrics,
            )
        return Verdict.passed(
            _("the home page's newest item “{title}” is of {date} ({age} days old)").format(
                title=title, date=date, age=age
            ),
            [_line(front, as_of)],
            **metrics,
        )
    return await _navigation_entry(site, front, limit)


async def _navigation_entry(site: SiteContext, front: Listing, limit: int) -> Verdict:
    """A home page without a dated item: its second-level pages decide."""
    as_of = site.as_of
    page = front.page
    assert page is not None  # read and not inconclusive
    urls = await second_level(site, page)
    listings = await asyncio.gather(*(read_listing(site, url, min_items=1) for url in urls))
    evidence = [_line(front, as_of), *(_line(listing, as_of) for listing in listings)]
    dated = [
        (found, listing)
        for listing in listings
        if not listing.inconclusive and (found := _newest(listing, as_of)) is not None
    ]
    pages = 1 + len(listings)
    best = max(dated, key=lambda pair: pair[0][0], default=None)
    if best is not None:
        (date, title), where = best
        age = (as_of - date).days
        metrics: dict[str, Metric] = {"newest": date.isoformat(), "age_days": age, "pages": pages}
        if age <= limit:
            return Verdict.passed(
                _(
                    "the home page is a navigation entry; its second-level page {url} shows "
                    "“{title}” of {date} ({age} days old)"
                ).format(url=where.url, title=title, date=date, age=age),
                evidence,
                **metrics,
            )
    else:
        metrics = {"newest": None, "age_days": None, "pages": pages}
    unread = [listing.url for listing in listings if listing.inconclusive]
    if unread:
        return Verdict.inconclusive(
            _(
                "the home page shows no dated item and {count} of its second-level pages could "
                "not be read ({urls}); none of those read is updated within {limit} days"
            ).format(count=len(unread), urls=", ".join(unread), limit=limit),
            evidence,
            **metrics,
        )
    if best is None:
        return Verdict.failed(
            _(
                "the home page is not updated: neither it nor its {count} second-level pages "
                "show a dated item (an undated item counts as not updated)"
            ).format(count=len(listings)),
            evidence,
            **metrics,
        )
    (date, title), where = best
    return Verdict.failed(
        _(
            "the home page is not updated: it shows no dated item, and the newest of its "
            "second-level pages, “{title}” on {url}, is of {date}, {age} days old (more than "
            "{limit})"
        ).format(title=title, url=where.url, date=date, age=(as_of - date).days, limit=limit),
        evidence,
        **metrics,
    )
